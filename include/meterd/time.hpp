// meterd/time.hpp: the two time axes of meterd.
//
// UtcTime stamps data (millisecond precision, UTC, what is stored and uploaded); MonoTime
// schedules work (steady, never jumps). Conversions to and from ISO 8601 text live here.
#pragma once

#include "meterd/error.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace meterd {

using UtcTime = std::chrono::sys_time<std::chrono::milliseconds>;
using MonoTime = std::chrono::steady_clock::time_point;

// "2026-11-21T05:48:00.123Z" (always UTC, always milliseconds).
std::string format_utc(UtcTime t);

// Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" or with a "+HH:MM"/"-HH:MM" offset; 'T' may be a space.
// Errc::parse_error with the offending column otherwise.
Result<UtcTime> parse_utc(std::string_view text);

}  // namespace meterd
