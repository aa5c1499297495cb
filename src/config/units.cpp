// Durations and sizes as written in the configuration: an integer directly followed by a unit.
#include "src/config/config.hpp"
#include "src/config/quote.hpp"

#include <array>
#include <charconv>
#include <limits>

namespace meterd::config {
namespace {

struct UnitFactor {
  std::string_view name;
  std::uint64_t factor;
};

constexpr std::array<UnitFactor, 5> kDurationUnits{{
    {"ms", 1}, {"s", 1'000}, {"min", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}}};

constexpr std::array<UnitFactor, 9> kSizeUnits{{{"B", 1},
                                               {"kB", 1'000},
                                               {"MB", 1'000'000},
                                               {"GB", 1'000'000'000},
                                               {"TB", 1'000'000'000'000},
                                               {"KiB", 1ull << 10},
                                               {"MiB", 1ull << 20},
                                               {"GiB", 1ull << 30},
                                               {"TiB", 1ull << 40}}};

template <std::size_t N>
std::string unit_list(const std::array<UnitFactor, N>& units) {
  std::string out;
  for (const auto& u : units) {
    if (!out.empty()) out += ", ";
    out += u.name;
  }
  return out;
}

struct Kind {
  std::string_view noun;     // "duration"
  std::string_view example;  // "500ms"
};

// Parses "<digits><unit>" into a count of the smallest unit, at most `limit`.
template <std::size_t N>
Result<std::uint64_t> parse_quantity(std::string_view text, const std::array<UnitFactor, N>& units,
                                     Kind kind, std::uint64_t limit) {
  const std::string accepted = " (accepted units: " + unit_list(units) + ")";
  const auto malformed = [&] {
    return Error(Errc::parse_error, "expected a " + std::string(kind.noun) + " such as " +
                                        std::string(kind.example) + ", found " + quote(text));
  };
  if (text.empty()) return malformed();
  if (text.front() == '-') {
    return Error(Errc::out_of_range,
                 "a " + std::string(kind.noun) + " cannot be negative, found " + quote(text));
  }
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return malformed();
  const std::string_view unit = text.substr(digits);
  if (!unit.empty() && (unit.front() == '.' || unit.front() == ',')) {
    return Error(Errc::parse_error, "expected a whole number before the unit (such as " +
                                        std::string(kind.example) + "), found " + quote(text));
  }
  if (unit.empty()) return Error(Errc::parse_error, "missing unit in " + quote(text) + accepted);
  const UnitFactor* found = nullptr;
  for (const auto& u : units) {
    if (u.name == unit) found = &u;
  }
  if (found == nullptr) {
    return Error(Errc::parse_error,
                 "unknown unit " + quote(unit) + " in " + quote(text) + accepted);
  }
  std::uint64_t count = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, count);
  const bool overflow = ec == std::errc::result_out_of_range || count > limit / found->factor;
  if (overflow || end != text.data() + digits) {
    return Error(Errc::out_of_range,
                 std::string(kind.noun) + " " + quote(text) + " is too large");
  }
  return count * found->factor;
}

// The largest unit that divides `value` exactly (1048576 -> 1MiB, 1000000 -> 1MB).
template <std::size_t N>
std::string format_quantity(std::uint64_t value, const std::array<UnitFactor, N>& units) {
  const UnitFactor* best = &units.front();
  for (const auto& u : units) {
    if (value != 0 && value % u.factor == 0 && u.factor > best->factor) best = &u;
  }
  return std::to_string(value / best->factor) + std::string(best->name);
}

}  // namespace

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  constexpr auto kLimit =
      static_cast<std::uint64_t>(std::numeric_limits<std::chrono::milliseconds::rep>::max());
  auto ms = parse_quantity(text, kDurationUnits, {"duration", "500ms"}, kLimit);
  if (!ms) return ms.error();
  return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(*ms));
}

Result<std::uint64_t> parse_size(std::string_view text) {
  return parse_quantity(text, kSizeUnits, {"size", "512MiB"},
                        std::numeric_limits<std::uint64_t>::max());
}

std::string format_duration(std::chrono::milliseconds d) {
  const auto count = d.count();
  if (count < 0) {
    // Two's complement: the magnitude of min() fits in uint64.
    return "-" + format_quantity(0 - static_cast<std::uint64_t>(count), kDurationUnits);
  }
  return format_quantity(static_cast<std::uint64_t>(count), kDurationUnits);
}

std::string format_size(std::uint64_t bytes) { return format_quantity(bytes, kSizeUnits); }

}  // namespace meterd::config
