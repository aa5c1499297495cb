#include "tests/app/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace meterd::app::test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "meterd-app-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp");
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::write(std::string_view name, std::string_view text) const {
  const auto file = path_ / name;
  const auto tmp = path_ / (std::string{name} + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  // Rename so a daemon reading on SIGHUP never sees a half-written file.
  std::filesystem::rename(tmp, file);
  return file;
}

}  // namespace meterd::app::test
