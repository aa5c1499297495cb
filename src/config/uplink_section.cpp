// The `uplink` section: where and how the gateway uploads its stored readings (src/uplink/,
// docs/uplink.md). Off unless `url` is set; with a url, the three TLS files are required.
// URL and pin syntax are checked here so a typo stops the daemon at start-up with its line.
#include <cctype>
#include <chrono>
#include <string>

#include "src/config/quote.hpp"
#include "src/config/sections.hpp"

namespace meterd::config {
namespace {

using namespace std::chrono_literals;

constexpr EnumName<UplinkEncoding> kEncodings[] = {{"cbor", UplinkEncoding::cbor},
                                                   {"json", UplinkEncoding::json}};

// Empty when `url` is scheme://host[:port][/path] with the given scheme, else the problem.
std::string check_url(const std::string& url, const std::string& scheme) {
  const std::string prefix = scheme + "://";
  const std::string expected = "expected " + prefix + "host[:port]" +
                               (scheme == "https" ? "/path" : "") + ", found " + quote(url);
  if (url.rfind(prefix, 0) != 0) return expected;
  const std::string rest = url.substr(prefix.size());
  const std::string authority = rest.substr(0, rest.find('/'));
  if (authority.empty() || authority.front() == ':' || authority.find('@') != std::string::npos ||
      rest.find_first_of(" \t#") != std::string::npos)
    return expected;
  return {};
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// An SPKI SHA-256 pin: "sha256//" and 44 base64 characters ending in '=', or 64 hex digits.
bool valid_pin(const std::string& pin) {
  if (pin.rfind("sha256//", 0) == 0) {
    const std::string b64 = pin.substr(8);
    if (b64.size() != 44 || b64.back() != '=') return false;
    for (std::size_t i = 0; i + 1 < b64.size(); ++i) {
      const char c = b64[i];
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) return false;
    }
    return true;
  }
  if (pin.size() != 64) return false;
  for (char c : pin)
    if (!is_hex(c)) return false;
  return true;
}

void read_tls(SectionReader& s, UplinkConfig& out, bool required) {
  for (auto [key, path] : {std::pair{"ca_file", &out.ca_file},
                           {"cert_file", &out.cert_file},
                           {"key_file", &out.key_file}}) {
    if (required) s.require(key);
    s.get_path(key, *path);
  }
  std::string pins;
  if (s.get_string("pins", pins)) {
    std::string word;
    auto flush = [&] {
      if (word.empty()) return;
      if (valid_pin(word)) {
        out.pins.push_back(word);
      } else {
        s.report("pins",
                 "expected SPKI SHA-256 pins (sha256//<44 base64 characters> or 64 hex "
                 "digits), found " +
                     quote(word));
      }
      word.clear();
    };
    for (char c : pins) {
      if (c == ' ' || c == ',' || c == '\t') {
        flush();
      } else {
        word += c;
      }
    }
    flush();
  }
}

}  // namespace

void read_uplink(SectionReader& section, UplinkConfig& out) {
  std::string url;
  if (section.get_string("url", url)) {
    if (const auto problem = check_url(url, "https"); problem.empty()) {
      out.url = url;
    } else {
      section.report("url", problem);
    }
  }
  const bool enabled = section.has("url");
  std::string proxy;
  if (section.get_string("proxy", proxy)) {
    if (const auto problem = check_url(proxy, "http"); problem.empty()) {
      out.proxy = proxy;
    } else {
      section.report("proxy", problem);
    }
  }
  if (!section.get_section("tls", [&](SectionReader& s) { read_tls(s, out, enabled); }) &&
      enabled) {
    section.report("tls", "required when uplink.url is set (ca_file, cert_file, key_file)");
  }
  section.get_enum("encoding", out.encoding, kEncodings);
  section.get_bool("gzip", out.gzip);
  section.get_int("batch_chunks", out.batch_chunks, std::size_t{1}, UplinkConfig::kMaxBatchChunks);
  section.get_duration("batch_interval", out.batch_interval, 0ms, 1h);
  section.get_duration("poll_interval", out.poll_interval, 100ms, 10min);
  if (section.get_duration("heartbeat", out.heartbeat, 0ms, 24h) && out.heartbeat > 0ms &&
      out.heartbeat < 10s) {
    section.report("heartbeat", "expected 0 (off) or a duration from 10s to 1d, found " +
                                    quote(format_duration(out.heartbeat)));
    out.heartbeat = UplinkConfig{}.heartbeat;
  }
  section.get_section("timeouts", [&](SectionReader& s) {
    s.get_duration("connect", out.connect_timeout, 1s, 5min);
    s.get_duration("handshake", out.handshake_timeout, 1s, 5min);
    s.get_duration("request", out.request_timeout, 1s, 1h);
    s.get_duration("idle", out.idle_timeout, 1s, 1h);
  });
  section.get_section("backoff", [&](SectionReader& s) {
    s.get_duration("initial", out.backoff_initial, 100ms, 1h);
    if (s.get_duration("max", out.backoff_max, 100ms, 24h) &&
        out.backoff_max < out.backoff_initial) {
      s.report("max", "must not be shorter than uplink.backoff.initial (" +
                          format_duration(out.backoff_initial) + "), found " +
                          quote(format_duration(out.backoff_max)));
    }
    s.get_duration("retry_after_max", out.retry_after_max, 1s, 24h);
  });
  section.get_path("quarantine_dir", out.quarantine_dir);
}

void default_uplink_paths(const GatewayConfig& gateway, UplinkConfig& out) {
  if (out.quarantine_dir.empty()) out.quarantine_dir = gateway.state_dir / "uplink-quarantine";
}

}  // namespace meterd::config
