// The `nilm` section: the streaming breakdown of a site's consumption by usage (src/nilm/,
// src/app/nilm_service.hpp, docs/nilm.md). Read after `buses`: every meter it names must be a
// meter there, and the virtual meter's id must not be one. Checks across items: 1 to 3 mains
// phases, no value used twice (as two phases, or as a phase and a sub-meter), sub-meter names
// unique, every sub-meter's usage among `usages` (a usage the site does not have cannot be
// metered).
#include <array>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "src/config/quote.hpp"
#include "src/config/sections.hpp"

namespace meterd::config {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kMaxPhases = 3;
constexpr std::chrono::milliseconds kDay = 24h;
constexpr std::chrono::minutes kMaxOffset = 14h;  // UTC+14:00, Line Islands

using MeterIds = std::set<std::string, std::less<>>;
// A value the section reads: (meter, OBIS) -> where ("nilm.mains[0]").
using Used = std::map<std::pair<std::string, ObisCode>, std::string>;

std::string list_of(const MeterIds& ids) {
  if (ids.empty()) return "none is configured";
  std::string out = "one of: ";
  bool first = true;
  for (const auto& id : ids) {
    if (!first) out += ", ";
    out += id;
    first = false;
  }
  return out;
}

// Reads an OBIS code (IEC 62056-61 text, e.g. 1-1:16.7.0) into `out`; false if absent or bad.
bool get_obis(SectionReader& s, std::string_view key, ObisCode& out) {
  std::string text;
  if (!s.get_string(key, text)) return false;
  auto code = ObisCode::parse(text);
  if (!code) {
    s.report(key, "expected an OBIS code such as 1-1:16.7.0; " + code.error().detail);
    return false;
  }
  out = *code;
  return true;
}

// Reads the required `meter` key: a meter of `buses`.
bool get_meter(SectionReader& s, const MeterIds& meters, std::string& out) {
  std::string id;
  if (!s.require("meter") || !s.get_string("meter", id)) return false;
  if (!meters.contains(id)) {
    s.report("meter", "expected a meter id of buses (" + list_of(meters) + "), found " + quote(id));
    return false;
  }
  out = std::move(id);
  return true;
}

// Records that `s` reads (meter, power); reports it at `power` if something else already does.
void claim(SectionReader& s, Used& used, const std::string& meter, const ObisCode& power) {
  const auto [it, inserted] = used.emplace(std::pair{meter, power}, s.path());
  if (!inserted) {
    s.report("power", "meter " + meter + " value " + power.to_string() + " is already read by " +
                          it->second);
  }
}

void read_phase(SectionReader& s, const MeterIds& meters, Used& used, NilmPhaseConfig& out) {
  const bool meter_ok = get_meter(s, meters, out.meter);
  get_obis(s, "power", out.power);
  ObisCode reactive;
  if (get_obis(s, "reactive", reactive)) out.reactive = reactive;
  if (meter_ok) claim(s, used, out.meter, out.power);
}

// The names of every usage, for messages: "lighting, it, ..., other".
std::string usage_names() {
  std::string all;
  for (const Usage each : kAllUsages) {
    all += (all.empty() ? "" : ", ") + std::string(to_string(each));
  }
  return all;
}

// Reads `usages` into `out` (true for each usage listed, and `other`); absent: all usages.
void read_usages(SectionReader& s, UsageSet& out) {
  std::array<std::string_view, kUsageCount> names{};
  for (const Usage each : kAllUsages) names[index_of(each)] = to_string(each);
  std::vector<std::size_t> listed;
  if (!s.get_choice_list("usages", names, listed)) return;
  UsageSet present{};
  present[index_of(Usage::other)] = true;
  bool any = false;
  for (const std::size_t i : listed) {
    present[i] = true;
    any = any || i != index_of(Usage::other);
  }
  if (!any) {
    s.report("usages", "expected at least one usage besides other (leave the key out when the "
                       "site has them all)");
    return;
  }
  out = present;
}

void read_submeter(SectionReader& s, const MeterIds& meters, Used& used,
                   std::set<std::string>& names, const UsageSet& present,
                   NilmSubmeterConfig& out) {
  if (s.require("name") && s.get_string("name", out.name)) {
    if (const auto problem = check_id(out.name); !problem.empty()) {
      s.report("name", problem);
    } else if (!names.insert(out.name).second) {
      s.report("name", "duplicate sub-meter name " + quote(out.name));
    }
  }
  const bool meter_ok = get_meter(s, meters, out.meter);
  get_obis(s, "power", out.power);
  std::string usage;
  if (s.require("usage") && s.get_string("usage", usage)) {
    if (const auto u = usage_from_string(usage); !u) {
      s.report("usage", "expected one of " + usage_names() + ", found " + quote(usage));
    } else if (!present[index_of(*u)]) {
      s.report("usage", "usage " + quote(usage) + " is not among nilm.usages: a sub-meter "
                        "measures a usage the site has; add it to usages");
    } else {
      out.usage = *u;
    }
  }
  s.get_bool("complete", out.complete);
  if (meter_ok) claim(s, used, out.meter, out.power);
}

}  // namespace

std::optional<std::chrono::minutes> parse_utc_offset(const std::string& text) {
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') return {};
  for (const std::size_t i : {1u, 2u, 4u, 5u}) {
    if (text[i] < '0' || text[i] > '9') return {};
  }
  const int hours = (text[1] - '0') * 10 + (text[2] - '0');
  const int minutes = (text[4] - '0') * 10 + (text[5] - '0');
  if (minutes >= 60) return {};
  const std::chrono::minutes offset{(text[0] == '-' ? -1 : 1) * (hours * 60 + minutes)};
  if (std::chrono::abs(offset) > kMaxOffset) return {};
  return offset;
}

std::chrono::minutes local_utc_offset(UtcTime at) {
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm local{};
  if (::localtime_r(&t, &local) == nullptr) return std::chrono::minutes{0};
  return std::chrono::duration_cast<std::chrono::minutes>(std::chrono::seconds{local.tm_gmtoff});
}

std::chrono::minutes effective_utc_offset(const NilmConfig& nilm, UtcTime at) {
  return nilm.utc_offset ? *nilm.utc_offset : local_utc_offset(at);
}

namespace {

// A meter polled less often than max_gap leaves a gap between each two of its readings: the
// mains would have no energy at all, a sub-meter would count as silent most of the time and its
// category fall back to the model. Reported once per meter.
void check_poll_intervals(SectionReader& section, const std::vector<BusConfig>& buses,
                          const NilmConfig& nilm) {
  std::set<std::string> reported;
  const auto check = [&](const std::string& id, const std::string& role) {
    for (const auto& bus : buses) {
      for (const auto& m : bus.meters) {
        if (m.id != id || m.instantaneous_interval < nilm.max_gap || !reported.insert(id).second)
          continue;
        section.report("max_gap", "expected more than the poll interval of " + role + " " +
                                      quote(id) + " (poll.instantaneous " +
                                      format_duration(m.instantaneous_interval) + "), found " +
                                      quote(format_duration(nilm.max_gap)) +
                                      ": every interval between its readings would be a gap "
                                      "with no energy; raise max_gap or poll it more often");
      }
    }
  };
  for (const auto& phase : nilm.mains) check(phase.meter, "the mains meter");
  for (const auto& sub : nilm.submeters) check(sub.meter, "the sub-meter's meter");
}

}  // namespace

void read_nilm(SectionReader& section, const std::vector<BusConfig>& buses, NilmConfig& out) {
  MeterIds meters;
  for (const auto& bus : buses) {
    for (const auto& m : bus.meters) meters.insert(m.id);
  }
  section.get_bool("enabled", out.enabled);

  std::string id;
  if (section.get_string("meter_id", id)) {
    if (const auto problem = check_id(id); !problem.empty()) {
      section.report("meter_id", problem);
    } else {
      out.meter_id = std::move(id);
    }
  }
  if (meters.contains(out.meter_id)) {
    section.report("meter_id", "the virtual meter's id " + quote(out.meter_id) +
                                   " is already a meter of buses; choose another");
  }

  Used used;
  std::vector<NilmPhaseConfig> mains;
  const bool listed = section.get_list("mains", [&](SectionReader& item, std::size_t) {
    NilmPhaseConfig phase;
    read_phase(item, meters, used, phase);
    mains.push_back(std::move(phase));
  });
  if (listed && (mains.empty() || mains.size() > kMaxPhases)) {
    section.report("mains", "expected 1 to 3 phases, found " + std::to_string(mains.size()));
  } else if (!listed && out.enabled) {
    section.report("mains", "missing: expected 1 to 3 phases when enabled, e.g. "
                            "mains: [{meter: office-1}]");
  }
  out.mains = std::move(mains);

  read_usages(section, out.usages);  // before the sub-meters, which must be among them
  std::set<std::string> names;
  section.get_list("submeters", [&](SectionReader& item, std::size_t) {
    NilmSubmeterConfig sub;
    read_submeter(item, meters, used, names, out.usages, sub);
    out.submeters.push_back(std::move(sub));
  });

  if (section.get_duration("step", out.step, 1s, 1h) && kDay.count() % out.step.count() != 0) {
    section.report("step", "expected a duration that divides a day (e.g. 1min, 5min, 10min, "
                           "15min, 1h), found " +
                               quote(format_duration(out.step)));
    out.step = NilmConfig{}.step;
  }
  section.get_duration("max_lag", out.max_lag, 1s, 1h);
  section.get_duration("max_gap", out.max_gap, 1s, 1h);
  if (out.enabled) check_poll_intervals(section, buses, out);

  std::string offset;
  if (section.get_string("utc_offset", offset) && offset != "local") {
    if (const auto parsed = parse_utc_offset(offset)) {
      out.utc_offset = *parsed;
    } else {
      section.report("utc_offset",
                     "expected local or an offset from -14:00 to +14:00 such as +01:00, found " +
                         quote(offset));
    }
  }
}

}  // namespace meterd::config
