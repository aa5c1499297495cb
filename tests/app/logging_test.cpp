#include "src/app/logging.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace meterd::app {
namespace {

// Sets an environment variable for one test and restores the previous state.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string stderr_identity() {
  struct stat st {};
  EXPECT_EQ(::fstat(STDERR_FILENO, &st), 0);
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

TEST(Logging, JournalStyleOnlyWhenJournalStreamNamesOurStderr) {
  {
    const ScopedEnv env("JOURNAL_STREAM", std::nullopt);
    EXPECT_EQ(detect_log_style(), LogStyle::plain);
  }
  {
    const ScopedEnv env("JOURNAL_STREAM", stderr_identity());
    EXPECT_EQ(detect_log_style(), LogStyle::journal);
  }
  {
    const ScopedEnv env("JOURNAL_STREAM", "1:1");
    EXPECT_EQ(detect_log_style(), LogStyle::plain);
  }
  {
    const ScopedEnv env("JOURNAL_STREAM", "garbage");
    EXPECT_EQ(detect_log_style(), LogStyle::plain);
  }
}

TEST(Logging, SyslogPrioritiesFollowSdDaemon) {
  EXPECT_EQ(syslog_priority(spdlog::level::trace), 7);
  EXPECT_EQ(syslog_priority(spdlog::level::debug), 7);
  EXPECT_EQ(syslog_priority(spdlog::level::info), 6);
  EXPECT_EQ(syslog_priority(spdlog::level::warn), 4);
  EXPECT_EQ(syslog_priority(spdlog::level::err), 3);
  EXPECT_EQ(syslog_priority(spdlog::level::critical), 2);
}

TEST(Logging, CommandLineLevelWins) {
  EXPECT_EQ(effective_level(config::LogLevel::debug, std::nullopt), config::LogLevel::debug);
  EXPECT_EQ(effective_level(config::LogLevel::debug, config::LogLevel::error),
            config::LogLevel::error);
}

TEST(Logging, ConfigLevelsMapToSpdlog) {
  EXPECT_EQ(to_spdlog(config::LogLevel::trace), spdlog::level::trace);
  EXPECT_EQ(to_spdlog(config::LogLevel::warn), spdlog::level::warn);
  EXPECT_EQ(to_spdlog(config::LogLevel::error), spdlog::level::err);
  EXPECT_EQ(to_spdlog(config::LogLevel::off), spdlog::level::off);
}

}  // namespace
}  // namespace meterd::app
