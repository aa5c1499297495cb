// tests/app/temp_dir.hpp: a fresh directory from mkdtemp(3), removed with its contents on
// destruction, plus a helper to write files into it. Not thread-safe.
#pragma once

#include <filesystem>
#include <string_view>

namespace meterd::app::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `text` to path()/name (replacing it) and returns the full path; throws on failure.
  std::filesystem::path write(std::string_view name, std::string_view text) const;

 private:
  std::filesystem::path path_;
};

}  // namespace meterd::app::test
