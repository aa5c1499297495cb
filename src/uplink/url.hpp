// uplink/url.hpp: the subset of RFC 3986 URLs the uplink takes: scheme://host[:port][/path].
// Pure, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "meterd/error.hpp"

namespace meterd::uplink {

struct Url {
  std::string scheme;  // "https" (server) or "http" (proxy), lower case
  std::string host;    // a DNS name, an IPv4 literal, or an IPv6 literal without brackets
  std::uint16_t port = 0;
  std::string target = "/";  // path and query

  // "host:port" with brackets around IPv6 (Host header, CONNECT authority; RFC 9110 §7.2).
  std::string authority() const;
};

// Errc::parse_error (with what is wrong) unless the scheme is one of `schemes` ("https", "http"),
// the host is non-empty and the port 1..65535; the default port is 443 for https, 80 for http.
// Userinfo and fragments are refused.
Result<Url> parse_url(std::string_view text, std::string_view schemes);

}  // namespace meterd::uplink
