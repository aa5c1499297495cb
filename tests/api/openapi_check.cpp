#include "tests/api/openapi_check.hpp"

#include <yaml-cpp/yaml.h>

namespace meterd::api::testing {
namespace {

const YAML::Node& document() {
  static const YAML::Node doc =
      YAML::LoadFile(std::string{METERD_SOURCE_DIR} + "/docs/openapi.yaml");
  return doc;
}

YAML::Node resolve(YAML::Node node) {
  for (int depth = 0; node && node.IsMap() && node["$ref"] && depth < 10; ++depth) {
    const auto ref = node["$ref"].as<std::string>();  // "#/components/schemas/X"
    YAML::Node target;
    target.reset(document());
    std::size_t pos = 2;
    while (pos < ref.size()) {
      const auto slash = ref.find('/', pos);
      const auto key =
          ref.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
      const YAML::Node& current = target;
      target.reset(current[key]);
      pos = slash == std::string::npos ? ref.size() : slash + 1;
    }
    node.reset(target);
  }
  return node;
}

void check(const YAML::Node& schema_in, const nlohmann::json& v, const std::string& where,
           std::vector<std::string>& out) {
  const YAML::Node schema = resolve(schema_in);
  if (!schema || !schema.IsMap() || schema.size() == 0) return;  // {}: anything
  if (v.is_null()) {
    if (!(schema["nullable"] && schema["nullable"].as<bool>()))
      out.push_back(where + ": null not allowed");
    return;
  }
  if (schema["type"]) {
    const auto type = schema["type"].as<std::string>();
    bool ok = false;
    if (type == "object")
      ok = v.is_object();
    else if (type == "array")
      ok = v.is_array();
    else if (type == "string")
      ok = v.is_string();
    else if (type == "integer")
      ok = v.is_number_integer();
    else if (type == "number")
      ok = v.is_number();
    else if (type == "boolean")
      ok = v.is_boolean();
    if (!ok) {
      out.push_back(where + ": expected " + type + ", got " + v.type_name());
      return;
    }
  }
  if (schema["enum"]) {
    bool found = false;
    for (const auto& e : schema["enum"])
      found = found || (v.is_string() && v.get<std::string>() == e.as<std::string>());
    if (!found) out.push_back(where + ": " + v.dump() + " not in enum");
  }
  if (v.is_object()) {
    if (schema["required"]) {
      for (const auto& r : schema["required"]) {
        if (!v.contains(r.as<std::string>()))
          out.push_back(where + ": missing " + r.as<std::string>());
      }
    }
    if (schema["properties"]) {
      for (const auto& p : schema["properties"]) {
        const auto name = p.first.as<std::string>();
        if (v.contains(name)) check(p.second, v[name], where + "." + name, out);
      }
      for (const auto& [name, value] : v.items()) {
        if (!schema["properties"][name]) out.push_back(where + ": undocumented property " + name);
      }
    }
  }
  if (v.is_array()) {
    if (schema["minItems"] && v.size() < schema["minItems"].as<std::size_t>())
      out.push_back(where + ": too few items");
    if (schema["maxItems"] && v.size() > schema["maxItems"].as<std::size_t>())
      out.push_back(where + ": too many items");
    if (schema["items"]) {
      for (std::size_t i = 0; i < v.size(); ++i)
        check(schema["items"], v[i], where + "[" + std::to_string(i) + "]", out);
    }
  }
}

}  // namespace

std::vector<std::string> openapi_violations(const std::string& path, int status,
                                            const nlohmann::json& body) {
  std::vector<std::string> out;
  const YAML::Node op = document()["paths"][path]["get"];
  if (!op) return {"no GET " + path + " in docs/openapi.yaml"};
  const YAML::Node response = resolve(op["responses"][std::to_string(status)]);
  if (!response) return {"no response " + std::to_string(status) + " for " + path};
  const YAML::Node schema = response["content"]["application/json"]["schema"];
  if (!schema) return {"response " + std::to_string(status) + " of " + path + " is not JSON"};
  check(schema, body, "$", out);
  return out;
}

}  // namespace meterd::api::testing
