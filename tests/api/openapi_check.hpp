// tests/api/openapi_check.hpp: validates a JSON response against docs/openapi.yaml.
//
// Loads the OpenAPI 3 document with yaml-cpp, finds the response schema of (path template,
// "get", status) and checks the subset of JSON Schema the document uses: type (with nullable),
// required, properties, items, enum, minItems/maxItems, $ref to #/components/... Returns the
// list of violations (empty = valid).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace meterd::api::testing {

// Violations of `body` against the response schema of `path` (as written in the document, e.g.
// "/api/v1/meters/{id}/latest") for `status`. A missing path or status is a violation too.
std::vector<std::string> openapi_violations(const std::string& path, int status,
                                            const nlohmann::json& body);

}  // namespace meterd::api::testing
