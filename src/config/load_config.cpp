// load_config(): reads the file, parses it with yaml-cpp and runs the section readers.
#include "src/config/config.hpp"

#include "src/config/sections.hpp"
#include "src/config/yaml_reader.hpp"
#include "src/config/yaml_stream.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace meterd::config {

void read_document(SectionReader& root, Config& out) {
  default_state_dir(out.gateway);
  root.get_section("gateway", [&](SectionReader& s) { read_gateway(s, out.gateway); });
  root.get_section("log", [&](SectionReader& s) { read_log(s, out.log); });
  root.get_section("time", [&](SectionReader& s) { read_time(s, out.time); });
  read_buses(root, out.buses);
  root.get_section("store", [&](SectionReader& s) { read_store(s, out.store); });
  default_store_paths(out.gateway, out.store);
  root.get_section("api", [&](SectionReader& s) { read_api(s, out.api); });
  root.get_section("uplink", [&](SectionReader& s) { read_uplink(s, out.uplink); });
  default_uplink_paths(out.gateway, out.uplink);
  root.get_section("nilm", [&](SectionReader& s) { read_nilm(s, out.buses, out.nilm); });
}

namespace {

const std::string kTooLarge =
    "the file is larger than " + format_size(kMaxConfigBytes) + ", expected a configuration";

ConfigResult load(std::string_view yaml, const std::string& name,
                  const std::filesystem::path& base_dir) {
  IssueList issues(name);
  if (yaml.size() > kMaxConfigBytes) {
    issues.add_file_issue(kTooLarge);
    return ConfigErrors{issues.take()};
  }
  const YAML::Node root = load_single_document(std::string(yaml), issues);
  if (!issues.empty()) return ConfigErrors{issues.take()};
  Config config;
  config.source = name;
  ReadContext ctx{issues, base_dir};
  SectionReader reader(ctx, root, "", root.Mark());
  read_document(reader, config);
  reader.finish();
  if (!issues.empty()) return ConfigErrors{issues.take()};
  return config;
}

ConfigErrors file_error(const std::string& name, std::string message) {
  IssueList issues(name);
  issues.add_file_issue(std::move(message));
  return {issues.take()};
}

}  // namespace

ConfigResult load_config_text(std::string_view yaml, std::string_view name) {
  return load(yaml, std::string(name), {});
}

ConfigResult load_config(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return file_error(name, "cannot read the configuration file: it is a directory");
  }
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(name.c_str(), "rb"),
                                                              &std::fclose);
  if (!file) {
    return file_error(name, "cannot read the configuration file: " +
                                std::string(std::strerror(errno)));
  }
  std::string text;
  char buffer[64 * 1024];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    text.append(buffer, n);
    if (text.size() > kMaxConfigBytes) return file_error(name, kTooLarge);
  }
  if (std::ferror(file.get())) {
    return file_error(name, "cannot read the configuration file: " +
                                std::string(std::strerror(errno)));
  }
  auto base_dir = std::filesystem::absolute(path, ec).parent_path();
  if (ec) base_dir = path.parent_path();
  auto result = load(text, name, base_dir);
  if (result) result->source = path;
  return result;
}

}  // namespace meterd::config
