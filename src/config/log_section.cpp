// The `log` section: how much the daemon says.
#include "src/config/sections.hpp"

namespace meterd::config {
namespace {

constexpr EnumName<LogLevel> kLevels[] = {
    {"trace", LogLevel::trace}, {"debug", LogLevel::debug},       {"info", LogLevel::info},
    {"warn", LogLevel::warn},   {"error", LogLevel::error},       {"critical", LogLevel::critical},
    {"off", LogLevel::off}};

}  // namespace

std::string_view to_string(LogLevel l) noexcept {
  for (const auto& n : kLevels) {
    if (n.value == l) return n.name;
  }
  return "unknown";
}

void read_log(SectionReader& section, LogConfig& out) {
  section.get_enum("level", out.level, kLevels);
}

}  // namespace meterd::config
