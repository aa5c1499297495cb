#include "src/api/http_types.hpp"

#include <nlohmann/json.hpp>

namespace meterd::api {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool decode(std::string_view in, bool plus_is_space, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

}  // namespace

HttpResponse json_response(unsigned status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

HttpResponse error_response(unsigned status, std::string_view error, std::string_view detail) {
  return json_response(status, nlohmann::json{{"error", error}, {"detail", detail}});
}

bool parse_target(std::string_view target, HttpRequest& out) {
  if (target.empty() || target.front() != '/') return false;
  const auto q = target.find('?');
  if (!decode(target.substr(0, q), false, out.path)) return false;
  out.query.clear();
  if (q == std::string_view::npos) return true;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string name, value;
    if (!decode(pair.substr(0, eq), true, name)) return false;
    if (eq != std::string_view::npos && !decode(pair.substr(eq + 1), true, value)) return false;
    out.query[name] = value;
  }
  return true;
}

}  // namespace meterd::api
