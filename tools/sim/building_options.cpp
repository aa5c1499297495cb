#include "tools/sim/building_options.hpp"

#include "tools/sim/bsmart_options.hpp"
#include "tools/sim/option_parsing.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <chrono>
#include <optional>

namespace meterd::sim {
namespace {

Error bad(std::string_view option, std::string_view value, std::string_view why) {
  return bad_option(option, value, why);
}

template <class T>
std::optional<T> number(std::string_view s) {
  return parse_number<T>(s);
}

constexpr int kMaxDays = 366;

}  // namespace

std::string building_usage() {
  return "usage: meterd-sim building --type office|retail|school [--seed N] --start TIME --days D\n"
         "                          [--phases 1|3] [--rate 1s|10s|1min] --out DIR\n"
         "Simulates a commercial building and writes, averaged over --rate (default 1s):\n"
         "  DIR/mains.csv   timestamp,p1_w,q1_var,p2_w,q2_var,p3_w,q3_var (or timestamp,p_w,q_var)\n"
         "  DIR/truth.csv   timestamp,<usage>_w for the 7 usages\n"
         "  DIR/<usage>.csv timestamp,p_w (one per usage, a complete sub-meter)\n"
         "TIME is ISO 8601 UTC in whole seconds, e.g. 2026-01-05T00:00:00Z; D is 1..366 days;\n"
         "the rate is a whole number of seconds that divides a day (1s, 10s, 1min, 15min...).\n";
}

Result<BuildingCommand> parse_building_options(std::span<const std::string_view> args) {
  BuildingCommand cmd;
  bool has_type = false, has_start = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view opt = args[i];
    std::string_view value;
    bool has_value = false;
    if (const auto eq = opt.find('='); opt.starts_with("--") && eq != std::string_view::npos) {
      value = opt.substr(eq + 1);
      opt = opt.substr(0, eq);
      has_value = true;
    }
    if (opt == "--help" || opt == "-h") {
      cmd.help = true;
      continue;
    }
    static constexpr std::string_view kKnown[] = {"--type", "--seed", "--start", "--days",
                                                  "--phases", "--rate", "--out"};
    if (std::find(std::begin(kKnown), std::end(kKnown), opt) == std::end(kKnown))
      return Error{Errc::invalid_argument, "unknown option " + std::string(opt)};
    if (!has_value) {
      if (i + 1 >= args.size()) return Error{Errc::invalid_argument, "option " + std::string(opt) + ": missing value"};
      value = args[++i];
    }
    if (opt == "--type") {
      const auto t = building_type_from_string(value);
      if (!t) return bad(opt, value, "expected office, retail or school");
      cmd.site.type = *t;
      has_type = true;
    } else if (opt == "--seed") {
      const auto s = number<std::uint64_t>(value);
      if (!s) return bad(opt, value, "expected an unsigned integer");
      cmd.site.seed = *s;
    } else if (opt == "--start") {
      auto t = parse_utc(value);
      if (!t) return bad(opt, value, "expected ISO 8601 UTC, e.g. 2026-01-05T00:00:00Z");
      if (t->time_since_epoch() % std::chrono::seconds{1} != std::chrono::milliseconds{0})
        return bad(opt, value, "expected whole seconds");
      cmd.site.start = *t;
      has_start = true;
    } else if (opt == "--days") {
      const auto d = number<int>(value);
      if (!d || *d < 1 || *d > kMaxDays) return bad(opt, value, "expected a whole number of days, 1..366");
      cmd.days = *d;
    } else if (opt == "--phases") {
      if (value != "1" && value != "3") return bad(opt, value, "expected 1 or 3");
      cmd.site.phases = value == "1" ? 1 : 3;
    } else if (opt == "--rate") {
      const auto r = parse_duration(value);
      if (!r || r->count() < 1000 || r->count() % 1000 != 0 || 86'400'000 % r->count() != 0)
        return bad(opt, value, "expected whole seconds dividing a day, e.g. 1s, 10s, 1min");
      cmd.rate_s = static_cast<int>(r->count() / 1000);
    } else {  // --out
      if (value.empty()) return bad(opt, value, "expected a directory");
      cmd.out = std::filesystem::path(value);
    }
  }
  if (cmd.help) return cmd;
  if (!has_type) return Error{Errc::invalid_argument, "option --type is required (office, retail or school)"};
  if (!has_start) return Error{Errc::invalid_argument, "option --start is required (e.g. 2026-01-05T00:00:00Z)"};
  if (cmd.days == 0) return Error{Errc::invalid_argument, "option --days is required (1..366)"};
  if (cmd.out.empty()) return Error{Errc::invalid_argument, "option --out is required (a directory)"};
  return cmd;
}

}  // namespace meterd::sim
