#include "src/nilm/replay/replay_input.hpp"

#include <charconv>

#include "meterd/time.hpp"

namespace meterd::nilm::replay {
namespace {

Error invalid(std::string detail) { return Error{Errc::invalid_argument, std::move(detail)}; }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// "1700000000" or "1700000000.250": unix seconds, at most millisecond precision kept.
bool parse_unix_seconds(std::string_view text, std::int64_t& out_ms) {
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (!all_digits(whole) || whole.size() > 12) return false;
  if (dot != std::string_view::npos && !all_digits(frac)) return false;
  std::int64_t s = 0;
  std::from_chars(whole.data(), whole.data() + whole.size(), s);
  std::int64_t ms = 0;
  int scale = 100;
  for (std::size_t i = 0; i < frac.size() && i < 3; ++i, scale /= 10) ms += (frac[i] - '0') * scale;
  out_ms = s * 1000 + ms;
  return true;
}

}  // namespace

Result<ColumnSelector> parse_column_selector(std::string_view text, std::size_t max_columns) {
  if (text.empty()) return invalid("empty file name");
  ColumnSelector sel;
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || text.substr(colon + 1).find('/') != std::string_view::npos) {
    sel.file = std::string{text};
    return sel;
  }
  sel.file = std::string{text.substr(0, colon)};
  if (sel.file.empty()) return invalid("'" + std::string{text} + "': no file name before ':'");
  std::string_view rest = text.substr(colon + 1);
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view name = rest.substr(0, comma);
    if (name.empty()) {
      return invalid("'" + std::string{text} + "': empty column name after ':' (expected FILE:PCOL[,QCOL])");
    }
    sel.columns.emplace_back(name);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  if (sel.columns.size() > max_columns) {
    return invalid("'" + std::string{text} + "': at most " + std::to_string(max_columns) +
                   (max_columns == 1 ? " column" : " columns") + " after ':'");
  }
  return sel;
}

Result<SubmeterInput> parse_submeter_input(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) {
    return invalid("sub-meter '" + std::string{text} + "': expected CATEGORY=FILE.csv[:COLUMN]");
  }
  const std::string_view category = text.substr(0, eq);
  const auto usage = usage_from_string(category);
  if (!usage) {
    std::string known;
    for (const Usage u : kAllUsages) known += (known.empty() ? "" : ", ") + std::string{to_string(u)};
    return invalid("unknown category '" + std::string{category} + "' (expected one of: " + known + ")");
  }
  auto source = parse_column_selector(text.substr(eq + 1), 1);
  if (!source) return source.error();
  return SubmeterInput{*usage, std::move(*source)};
}

Result<UsageSet> parse_usage_list(std::string_view text) {
  UsageSet present{};
  present[index_of(Usage::other)] = true;
  bool any = false;
  UsageSet seen{};
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view name = text.substr(start, comma - start);
    const auto usage = usage_from_string(name);
    if (!usage) {
      std::string known;
      for (const Usage u : kAllUsages) known += (known.empty() ? "" : ", ") + std::string{to_string(u)};
      return invalid("unknown category '" + std::string{name} + "' (expected one of: " + known + ")");
    }
    if (seen[index_of(*usage)]) return invalid("category '" + std::string{name} + "' listed twice");
    seen[index_of(*usage)] = true;
    present[index_of(*usage)] = true;
    any = any || *usage != Usage::other;
    start = comma + 1;
  }
  if (!any) return invalid("expected at least one category besides other, e.g. lighting,it");
  return present;
}

Result<std::int64_t> parse_timestamp_ms(std::string_view text) {
  std::int64_t ms = 0;
  if (parse_unix_seconds(text, ms)) return ms;
  auto t = parse_utc(text);
  // A naive "YYYY-MM-DD HH:MM:SS[.fff]" (AMPds2, UK-DALE) is taken as UTC.
  if (!t && text.size() >= 19 && text.find_first_of("Z+", 19) == std::string_view::npos &&
      text.find('-', 19) == std::string_view::npos) {
    auto naive = parse_utc(std::string{text} + "Z");
    if (naive) t = naive;
  }
  if (!t) {
    return Error{Errc::parse_error, "expected a timestamp (ISO 8601 UTC, 'YYYY-MM-DD HH:MM:SS' or "
                                    "unix seconds), got \"" + std::string{text} + "\""};
  }
  return t->time_since_epoch().count();
}

Result<std::int64_t> parse_duration_ms(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string_view unit = text.substr(digits);
  std::int64_t scale = 0;
  if (unit == "ms") scale = 1;
  else if (unit == "s") scale = 1'000;
  else if (unit == "min") scale = 60'000;
  else if (unit == "h") scale = 3'600'000;
  else if (unit == "d") scale = 86'400'000;
  if (digits == 0 || digits > 9 || scale == 0) {
    return invalid("bad duration '" + std::string{text} +
                   "' (expected a whole number and a unit: ms, s, min, h or d, e.g. 10min)");
  }
  std::int64_t n = 0;
  std::from_chars(text.data(), text.data() + digits, n);
  const std::int64_t ms = n * scale;
  if (ms <= 0 || ms > 86'400'000) {
    return invalid("duration '" + std::string{text} + "' out of range (more than 0, at most 1d)");
  }
  return ms;
}

}  // namespace meterd::nilm::replay
