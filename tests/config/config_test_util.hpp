// Helpers shared by the config tests: a temporary directory, gtest printing of ConfigIssue.
#pragma once

#include "src/config/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meterd::config {

// The issues of a configuration that must not load (the test fails if it does), named "bad.yaml".
inline std::vector<ConfigIssue> issues_of(std::string_view yaml) {
  const auto r = load_config_text(yaml, "bad.yaml");
  EXPECT_FALSE(r) << yaml;
  return r ? std::vector<ConfigIssue>{} : r.error().issues;
}

// The issue expected at line:column of "bad.yaml".
inline ConfigIssue at(int line, int column, std::string message) {
  return {"bad.yaml", line, column, std::move(message)};
}

inline void PrintTo(const ConfigIssue& issue, std::ostream* os) {
  *os << '{' << issue.file << ", " << issue.line << ", " << issue.column << ", \""
      << issue.message << "\"}";
}

// A fresh directory under $TMPDIR, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "meterd-config-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `text` to <dir>/<name> and returns its path.
  std::filesystem::path write(std::string_view name, std::string_view text) const {
    const auto p = path_ / name;
    std::ofstream out(p, std::ios::binary);
    out << text;
    return p;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace meterd::config
