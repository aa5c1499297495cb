// meterd/quality.hpp: why a value can or cannot be trusted.
//
// A value that arrived but is implausible is a quality, not an error (STYLE.md rule 2). A value
// that did not arrive is absent, or present with a non-good quality and NaN: never a silent zero.
// Enumerator values are stable: they are stored and uploaded.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace meterd {

enum class Quality : std::uint8_t {
  good = 0,
  estimated = 1,           // computed, not measured (e.g. NILM output, interpolation)
  backfilled = 2,          // measured by the meter, fetched later (DLMS load profile gap fill)
  timeout = 16,            // the meter did not answer in time
  crc_error = 17,          // the reply failed its checksum
  exception_reply = 18,    // the meter answered with a protocol exception
  meter_invalid = 19,      // the meter itself flagged the value invalid
  not_a_number = 20,       // NaN or infinity on the wire
  out_of_range = 21,       // outside what the meter or physics allows
  counter_regression = 22, // an energy counter went backwards
  counter_jump = 23,       // an energy counter rose more than the measured power allows
};

// True for values a consumer may use as measurements: good, estimated, backfilled.
constexpr bool is_usable(Quality q) noexcept { return static_cast<std::uint8_t>(q) < 16; }

// "good", "timeout", "crc_error", ... (the enumerator name).
std::string_view to_string(Quality q) noexcept;
std::optional<Quality> quality_from_string(std::string_view s) noexcept;

}  // namespace meterd
