#include "meterd/quality.hpp"

#include <array>
#include <utility>

namespace meterd {
namespace {

constexpr std::array<std::pair<Quality, std::string_view>, 11> kNames{{
    {Quality::good, "good"},
    {Quality::estimated, "estimated"},
    {Quality::backfilled, "backfilled"},
    {Quality::timeout, "timeout"},
    {Quality::crc_error, "crc_error"},
    {Quality::exception_reply, "exception_reply"},
    {Quality::meter_invalid, "meter_invalid"},
    {Quality::not_a_number, "not_a_number"},
    {Quality::out_of_range, "out_of_range"},
    {Quality::counter_regression, "counter_regression"},
    {Quality::counter_jump, "counter_jump"},
}};

}  // namespace

std::string_view to_string(Quality q) noexcept {
  for (const auto& [quality, name] : kNames) {
    if (quality == q) return name;
  }
  return "unknown";
}

std::optional<Quality> quality_from_string(std::string_view s) noexcept {
  for (const auto& [quality, name] : kNames) {
    if (name == s) return quality;
  }
  return std::nullopt;
}

}  // namespace meterd
