// uplink/url.cpp: parse_url() (url.hpp), RFC 3986 §3 restricted to what the uplink needs.
#include "src/uplink/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace meterd::uplink {

std::string Url::authority() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<Url> parse_url(std::string_view text, std::string_view schemes) {
  auto bad = [&](const std::string& why) {
    return Error(Errc::parse_error, "URL '" + std::string(text) + "': " + why);
  };
  Url u;
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return bad("expected scheme://host");
  u.scheme = std::string(text.substr(0, sep));
  std::transform(u.scheme.begin(), u.scheme.end(), u.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  bool allowed = false;
  for (std::string_view rest = schemes; !rest.empty();) {
    const auto comma = rest.find(',');
    allowed = allowed || rest.substr(0, comma) == u.scheme;
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  if (!allowed) return bad("scheme must be " + std::string(schemes));
  std::string_view rest = text.substr(sep + 3);
  const auto slash = rest.find('/');
  std::string_view auth = rest.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (auth.find('@') != std::string_view::npos) return bad("user information is not supported");
  if (u.target.find('#') != std::string::npos) return bad("fragments are not supported");
  std::string_view port_text;
  if (!auth.empty() && auth.front() == '[') {
    const auto close = auth.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 literal");
    u.host = std::string(auth.substr(1, close - 1));
    auto after = auth.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("expected ':' after the IPv6 literal");
      port_text = after.substr(1);
    }
  } else {
    const auto colon = auth.find(':');
    u.host = std::string(auth.substr(0, colon));
    if (colon != std::string_view::npos) port_text = auth.substr(colon + 1);
  }
  if (u.host.empty()) return bad("no host");
  u.port = u.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || p == 0 || p > 65535)
      return bad("port must be 1..65535");
    u.port = static_cast<std::uint16_t>(p);
  }
  return u;
}

}  // namespace meterd::uplink
