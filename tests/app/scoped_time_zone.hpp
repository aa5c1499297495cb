// tests/app/scoped_time_zone.hpp: the process's time zone (TZ) for one test, restored after.
//
// A POSIX rule ("CET-1CEST,M3.5.0,M10.5.0/3") needs no tzdata. setenv(3) and tzset(3) are not
// safe against other threads reading the time zone (localtime_r, spdlog's local stamps):
// construct it before the test starts any thread, e.g. as the first base of a fixture, so that
// it outlives the fixture's threads too.
#pragma once

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

namespace meterd::app::test {

class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTimeZone() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  ScopedTimeZone(const ScopedTimeZone&) = delete;
  ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

 private:
  std::optional<std::string> old_;
};

// Central European Time's rules: summer time from the last Sunday of March 01:00Z to the last
// Sunday of October 01:00Z (2026-03-29T01:00:00Z, 2026-10-25T01:00:00Z).
inline constexpr const char* kCentralEuropeanTime = "CET-1CEST,M3.5.0,M10.5.0/3";

}  // namespace meterd::app::test
