// tools/sim/option_parsing.hpp: the small parsing helpers the simulator's command lines share.
//
// Header-only, pure functions; thread-safe.
#pragma once

#include "meterd/error.hpp"

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace meterd::sim {

// "option --x 'value': why", as Errc::invalid_argument.
inline Error bad_option(std::string_view option, std::string_view value, std::string_view why) {
  return Error{Errc::invalid_argument,
               "option " + std::string(option) + " '" + std::string(value) + "': " + std::string(why)};
}

// The whole of `s` as a number of type T, or nullopt (no sign tolerance beyond from_chars').
template <class T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace meterd::sim
