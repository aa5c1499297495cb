// src/app/config_reloader.hpp: holds the configuration in force and replaces it on SIGHUP.
//
// reload() reads the file again with config::load_config. A file that does not validate is
// logged, every issue as file:line:column, and the configuration in force stays. A valid one
// becomes current and every observer hears about it, in subscription order: modules subscribe
// (through Daemon::apply_config, or directly) to apply what may change at run time. Used on the
// io_context thread only.
#pragma once

#include <filesystem>
#include <functional>
#include <vector>

#include "src/config/config.hpp"

namespace meterd::app {

class ConfigReloader {
 public:
  using Observer = std::function<void(const config::Config&)>;

  ConfigReloader(std::filesystem::path path, config::Config initial);

  // Adds an observer called after each successful reload.
  void subscribe(Observer observer);

  // Loads the file again. On success makes it current, notifies the observers and returns
  // true; otherwise logs every issue at error level, keeps the current configuration and
  // returns false.
  bool reload();

  const config::Config& current() const { return current_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  config::Config current_;
  std::vector<Observer> observers_;
};

}  // namespace meterd::app
