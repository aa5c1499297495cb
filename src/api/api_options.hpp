// api/api_options.hpp: what the REST API server is told at start (from the `api:` section).
//
// Plain values; the composition root maps config::ApiConfig onto them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "meterd/usage.hpp"

namespace meterd::api {

struct ListenerOptions {
  std::string address = "127.0.0.1";  // an IPv4 or IPv6 literal
  std::uint16_t port = 8080;          // 0 = any free port (tests)
  bool tls = false;                   // needs ApiOptions::tls_cert and tls_key
};

// The NILM virtual meter (the daemon's `nilm:` section), read by /api/v1/usages.
struct UsageOptions {
  std::string meter_id;                     // empty: NILM is off (404 nilm_disabled)
  std::chrono::milliseconds step{600'000};  // the engine's step: the finest step served
  std::chrono::minutes utc_offset{0};       // local time = UTC + offset: "today", 1d steps
  // The usages the site has (nilm.usages), by index_of(Usage): an absent one is not listed
  // unless the range holds energy for it (stored under an earlier configuration).
  UsageSet present = kAllUsagesPresent;
  // When set (`nilm.utc_offset: local`), the offset in force at a time (the box's time zone):
  // each request takes the one at the end of its range instead of utc_offset, so "today"
  // follows a daylight-saving change without a restart. Called on the API's threads.
  std::function<std::chrono::minutes(UtcTime)> local_offset{};
};

struct ApiOptions {
  std::vector<ListenerOptions> listeners{ListenerOptions{}};
  std::filesystem::path tls_cert;     // PEM chain
  std::filesystem::path tls_key;      // PEM key; refused when group/other may read it
  std::filesystem::path tokens_file;  // empty = no authentication (see token_auth.hpp)
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 16 * 1024;
  // A request (request line, headers and body) must arrive within this, counted from the first
  // byte awaited; an idle keep-alive connection is closed after it (slowloris bound).
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::size_t max_connections = 128;       // beyond: 503 and close
  std::size_t max_series_points = 20'000;  // per series request (raw or aggregated)
  std::chrono::hours max_export_range{24 * 31};
  std::size_t worker_threads = 2;  // for store reads and exports, off the event loop
  UsageOptions usages;
};

}  // namespace meterd::api
