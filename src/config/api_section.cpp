// The `api` section: the local REST API, /metrics and the page (src/api/, docs/api.md):
// listeners, TLS files, the bearer tokens file and the server's bounds.
#include <arpa/inet.h>

#include <chrono>
#include <set>
#include <string>

#include "src/config/quote.hpp"
#include "src/config/sections.hpp"

namespace meterd::config {
namespace {

using namespace std::chrono_literals;

bool is_ip_literal(const std::string& s) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, s.c_str(), buf) == 1 || ::inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

void read_listener(SectionReader& item, ApiListenerConfig& out) {
  std::string address;
  if (item.get_string("address", address)) {
    if (is_ip_literal(address)) {
      out.address = address;
    } else {
      item.report("address",
                  "expected an IPv4 or IPv6 address (e.g. 127.0.0.1, 0.0.0.0, ::1), "
                  "found " +
                      quote(address));
    }
  }
  item.get_int("port", out.port, std::uint16_t{1}, std::uint16_t{65535});
  item.get_bool("tls", out.tls);
}

}  // namespace

void read_api(SectionReader& section, ApiConfig& out) {
  section.get_bool("enabled", out.enabled);
  std::vector<ApiListenerConfig> listeners;
  std::set<std::pair<std::string, std::uint16_t>> seen;
  const bool listed = section.get_list("listen", [&](SectionReader& item, std::size_t) {
    ApiListenerConfig l;
    read_listener(item, l);
    if (!seen.emplace(l.address, l.port).second) {
      item.report("port", "the address " + l.address + " and port " + std::to_string(l.port) +
                              " are already listed");
    }
    listeners.push_back(l);
  });
  if (listed) {
    if (listeners.empty()) {
      section.report("listen", "expected at least one listener (or enabled: false)");
    } else {
      out.listeners = std::move(listeners);
    }
  }
  section.get_section("tls", [&](SectionReader& tls) {
    tls.get_path("cert_file", out.tls_cert);
    tls.get_path("key_file", out.tls_key);
  });
  bool any_tls = false;
  for (const auto& l : out.listeners) any_tls = any_tls || l.tls;
  if (any_tls && (out.tls_cert.empty() || out.tls_key.empty())) {
    section.report("listen", "a listener with tls: true needs tls.cert_file and tls.key_file");
  }
  section.get_path("tokens_file", out.tokens_file);
  section.get_section("limits", [&](SectionReader& limits) {
    limits.get_size("header", out.max_header_bytes, 1024, 64 * 1024);
    limits.get_size("body", out.max_body_bytes, 0, 1024 * 1024);
    limits.get_int("connections", out.max_connections, std::size_t{1}, std::size_t{10'000});
    limits.get_int("series_points", out.max_series_points, std::size_t{100},
                   std::size_t{1'000'000});
    limits.get_duration("export_range", out.max_export_range, 1h, 366 * 24h);
  });
  section.get_section("timeouts", [&](SectionReader& t) {
    t.get_duration("read", out.read_timeout, 100ms, 5min);
    t.get_duration("write", out.write_timeout, 1s, 10min);
  });
  section.get_int("worker_threads", out.worker_threads, std::size_t{1}, std::size_t{16});
}

}  // namespace meterd::config
