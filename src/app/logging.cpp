#include "src/app/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace meterd::app {
namespace {

// The "%*" flag: the "<N>" priority prefix of sd-daemon(3).
class PriorityFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const int n = syslog_priority(msg.level);
    const char text[3] = {'<', static_cast<char>('0' + n), '>'};
    dest.append(text, text + 3);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<PriorityFlag>();
  }
};

std::unique_ptr<spdlog::formatter> make_formatter(LogStyle style) {
  if (style == LogStyle::journal) {
    auto f = std::make_unique<spdlog::pattern_formatter>();
    f->add_flag<PriorityFlag>('*').set_pattern("%*%v");
    return f;
  }
  return std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %-8l %v",
                                                     spdlog::pattern_time_type::utc);
}

}  // namespace

LogStyle detect_log_style() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return LogStyle::plain;
  std::uintmax_t dev = 0;
  std::uintmax_t ino = 0;
  if (std::sscanf(stream, "%" SCNuMAX ":%" SCNuMAX, &dev, &ino) != 2) return LogStyle::plain;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return LogStyle::plain;
  return static_cast<std::uintmax_t>(st.st_dev) == dev &&
                 static_cast<std::uintmax_t>(st.st_ino) == ino
             ? LogStyle::journal
             : LogStyle::plain;
}

int syslog_priority(spdlog::level::level_enum level) noexcept {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return 7;  // LOG_DEBUG
    case spdlog::level::info:
      return 6;  // LOG_INFO
    case spdlog::level::warn:
      return 4;  // LOG_WARNING
    case spdlog::level::err:
      return 3;  // LOG_ERR
    case spdlog::level::critical:
      return 2;  // LOG_CRIT
    default:
      return 6;
  }
}

spdlog::level::level_enum to_spdlog(config::LogLevel level) noexcept {
  switch (level) {
    case config::LogLevel::trace:
      return spdlog::level::trace;
    case config::LogLevel::debug:
      return spdlog::level::debug;
    case config::LogLevel::info:
      return spdlog::level::info;
    case config::LogLevel::warn:
      return spdlog::level::warn;
    case config::LogLevel::error:
      return spdlog::level::err;
    case config::LogLevel::critical:
      return spdlog::level::critical;
    case config::LogLevel::off:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

void init_logging(LogStyle style, config::LogLevel level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("meterd", std::move(sink));
  spdlog::set_default_logger(std::move(logger));
  spdlog::set_formatter(make_formatter(style));
  set_log_level(level);
  // A daemon's log is read live: flush every line (stderr is unbuffered in the sink anyway).
  spdlog::flush_on(spdlog::level::trace);
}

config::LogLevel effective_level(config::LogLevel configured,
                                 std::optional<config::LogLevel> override) noexcept {
  return override ? *override : configured;
}

void set_log_level(config::LogLevel level) { spdlog::set_level(to_spdlog(level)); }

}  // namespace meterd::app
