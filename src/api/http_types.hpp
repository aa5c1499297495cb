// api/http_types.hpp: a request as the API handlers see it and the response they return.
//
// Kept free of Beast so handlers are plain functions of values (the server in server.cpp maps
// Beast messages onto these). Errors follow one shape: {"error": <code>, "detail": <sentence>}.
// Plain values; thread-safe.
#pragma once

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meterd::api {

enum class Scope { none, read, admin };  // what the request's bearer token allows

struct HttpRequest {
  std::string method;                                     // "GET", ...
  std::string path;                                       // percent-decoded, without the query
  std::map<std::string, std::string, std::less<>> query;  // decoded; the last value of a name
  Scope scope = Scope::none;
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// 200-style JSON response (compact).
HttpResponse json_response(unsigned status, const nlohmann::json& body);
// {"error": error, "detail": detail} with `status`.
HttpResponse error_response(unsigned status, std::string_view error, std::string_view detail);

// Splits a request target into path and query (RFC 3986 §3.4, application/x-www-form-urlencoded
// '+' as space) and percent-decodes both; false for a malformed escape or a target not starting
// with '/'.
bool parse_target(std::string_view target, HttpRequest& out);

}  // namespace meterd::api
