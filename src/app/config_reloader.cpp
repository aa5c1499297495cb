#include "src/app/config_reloader.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace meterd::app {

ConfigReloader::ConfigReloader(std::filesystem::path path, config::Config initial)
    : path_(std::move(path)), current_(std::move(initial)) {}

void ConfigReloader::subscribe(Observer observer) { observers_.push_back(std::move(observer)); }

bool ConfigReloader::reload() {
  auto loaded = config::load_config(path_);
  if (!loaded) {
    const auto& issues = loaded.error().issues;
    spdlog::error(
        "configuration reload failed, keeping the previous configuration: {} has {} "
        "problem(s)",
        path_.string(), issues.size());
    for (const auto& issue : issues) spdlog::error("{}", issue.to_string());
    return false;
  }
  current_ = std::move(*loaded);
  spdlog::info("configuration reloaded from {}", path_.string());
  for (const auto& observer : observers_) observer(current_);
  return true;
}

}  // namespace meterd::app
