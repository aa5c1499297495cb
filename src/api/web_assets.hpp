// api/web_assets.hpp: the page's files, compiled into the binary (no CDN, no installed files).
//
// The table is generated at build time from src/api/web/ by cmake/embed_web.cmake (see
// src/api/CMakeLists.txt); "/" maps to index.html. Immutable: thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace meterd::api {

struct WebAsset {
  std::string_view path;          // "/", "/app.js", ...
  std::string_view content_type;  // "text/html; charset=utf-8", ...
  const char* data;
  std::size_t size;
};

// The asset served at `path`, or nullptr.
const WebAsset* find_web_asset(std::string_view path);

}  // namespace meterd::api
