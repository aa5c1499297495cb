// src/nilm/time_of_week.hpp: the time-of-week slot a sample falls in (local time).
//
// Commercial loads follow the working week: the engine learns its continuous components per
// slot of (weekday / Saturday / Sunday) x 30-minute period of the local day, 144 slots in all.
// Local time is UTC plus a fixed offset (the engine's config). Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace meterd::nilm {

inline constexpr std::size_t kDayKinds = 3;      // weekday, Saturday, Sunday
inline constexpr std::size_t kSlotsPerDay = 48;  // 30-minute periods
inline constexpr std::size_t kSlotCount = kDayKinds * kSlotsPerDay;
inline constexpr std::int64_t kSlotMs = 1'800'000;

// The slot (0..kSlotCount-1) of UTC instant `t_ms` for local time UTC + `utc_offset_ms`:
// day kind * 48 + half hour of the local day. Defined for every t_ms, also before 1970.
std::size_t time_of_week_slot(std::int64_t t_ms, std::int64_t utc_offset_ms) noexcept;

// The day of week of local time (0 = Monday .. 6 = Sunday).
int local_weekday(std::int64_t t_ms, std::int64_t utc_offset_ms) noexcept;

}  // namespace meterd::nilm
