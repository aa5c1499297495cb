// The `nilm` section: every key read into NilmConfig, the defaults (off, virtual meter "usages",
// 10 min steps), the checks against `buses` (meters exist, the virtual id is free), and bad
// values each reported with their exact line, column and message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "src/config/config.hpp"
#include "tests/config/config_test_util.hpp"

namespace meterd::config {
namespace {

using ::testing::ElementsAre;
using namespace std::chrono_literals;

// Two meters the nilm section can name; 5 lines, so `nilm:` is line 6.
constexpr char kBuses[] = R"(buses:
  - id: sim
    transport: simulator
    meters:
      - {id: m1, address: 1}
      - {id: m2, address: 2}
)";

std::string with_buses(std::string_view nilm) { return std::string(kBuses) + std::string(nilm); }

TEST(NilmSection, ReadsEveryKey) {
  const auto r = load_config_text(with_buses(R"(nilm:
  enabled: true
  meter_id: site-usages
  mains:
    - {meter: m1, power: 1-1:36.7.0, reactive: 1-1:151.7.0}
    - {meter: m1, power: 1-1:56.7.0}
    - {meter: m2}
  submeters:
    - {name: chiller, meter: m2, power: 1-2:16.7.0, usage: heat_cold_production, complete: true}
    - {name: lab, meter: m1, power: 1-2:16.7.0, usage: it}
  step: 15min
  max_lag: 5min
  max_gap: 1min
  utc_offset: "-05:30"
)"),
                                  "ok.yaml");
  ASSERT_TRUE(r) << r.error().to_string();
  const NilmConfig& n = r->nilm;
  EXPECT_TRUE(n.enabled);
  EXPECT_EQ(n.meter_id, "site-usages");
  ASSERT_EQ(n.mains.size(), 3u);
  EXPECT_EQ(n.mains[0], (NilmPhaseConfig{"m1", {1, 1, 36, 7, 0}, ObisCode{1, 1, 151, 7, 0}}));
  EXPECT_EQ(n.mains[1], (NilmPhaseConfig{"m1", {1, 1, 56, 7, 0}, std::nullopt}));
  EXPECT_EQ(n.mains[2], (NilmPhaseConfig{"m2", {1, 1, 16, 7, 0}, std::nullopt}));
  ASSERT_EQ(n.submeters.size(), 2u);
  EXPECT_EQ(n.submeters[0], (NilmSubmeterConfig{"chiller", "m2", {1, 2, 16, 7, 0},
                                                Usage::heat_cold_production, true}));
  EXPECT_EQ(n.submeters[1], (NilmSubmeterConfig{"lab", "m1", {1, 2, 16, 7, 0}, Usage::it, false}));
  EXPECT_EQ(n.step, 15min);
  EXPECT_EQ(n.max_lag, 5min);
  EXPECT_EQ(n.max_gap, 1min);
  EXPECT_EQ(n.utc_offset, std::chrono::minutes(-330));
}

TEST(NilmSection, DefaultsAndLocalOffset) {
  const auto empty = load_config_text("", "empty.yaml");
  ASSERT_TRUE(empty) << empty.error().to_string();
  const NilmConfig& d = empty->nilm;
  EXPECT_FALSE(d.enabled);
  EXPECT_EQ(d.meter_id, "usages");
  EXPECT_TRUE(d.mains.empty());
  EXPECT_TRUE(d.submeters.empty());
  EXPECT_EQ(d.step, 10min);
  EXPECT_EQ(d.max_lag, 10min);
  EXPECT_EQ(d.max_gap, 3min);
  EXPECT_FALSE(d.utc_offset);

  const auto r = load_config_text(
      with_buses("nilm:\n  enabled: true\n  mains: [{meter: m1}]\n  utc_offset: local\n"),
      "ok.yaml");
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->nilm.mains.size(), 1u);
  EXPECT_EQ(r->nilm.mains[0].power, (ObisCode{1, 1, 16, 7, 0}));
  EXPECT_FALSE(r->nilm.mains[0].reactive);
  EXPECT_FALSE(r->nilm.utc_offset);
  const auto plus = load_config_text(with_buses("nilm:\n  utc_offset: \"+14:00\"\n"), "ok.yaml");
  ASSERT_TRUE(plus) << plus.error().to_string();
  EXPECT_EQ(plus->nilm.utc_offset, 14h);
}

TEST(NilmSection, MainsAreOneToThreePhasesOfConfiguredMeters) {
  EXPECT_THAT(issues_of(with_buses("nilm:\n  enabled: true\n")),
              ElementsAre(at(7, 1,
                             "nilm.mains: missing: expected 1 to 3 phases when enabled, e.g. "
                             "mains: [{meter: office-1}]")));
  EXPECT_THAT(issues_of(with_buses("nilm:\n  mains: []\n")),
              ElementsAre(at(8, 10, "nilm.mains: expected 1 to 3 phases, found 0")));
  EXPECT_THAT(issues_of(with_buses("nilm:\n  mains:\n"
                                   "    - {meter: m1, power: 1-1:36.7.0}\n"
                                   "    - {meter: m1, power: 1-1:56.7.0}\n"
                                   "    - {meter: m1, power: 1-1:76.7.0}\n"
                                   "    - {meter: m2}\n")),
              ElementsAre(at(9, 5, "nilm.mains: expected 1 to 3 phases, found 4")));
  EXPECT_THAT(issues_of(with_buses("nilm:\n  mains:\n    - {meter: m9}\n    - {power: 1.7.0}\n")),
              ElementsAre(at(9, 15,
                             "nilm.mains[0].meter: expected a meter id of buses (one of: m1, "
                             "m2), found 'm9'"),
                          at(10, 7, "nilm.mains[1]: missing required key 'meter'")));
  EXPECT_THAT(issues_of("nilm:\n  mains: [{meter: m1}]\n"),
              ElementsAre(at(2, 19,
                             "nilm.mains[0].meter: expected a meter id of buses (none is "
                             "configured), found 'm1'")));
}

TEST(NilmSection, ValuesAreReadOnce) {
  EXPECT_THAT(
      issues_of(with_buses("nilm:\n  mains:\n    - {meter: m1}\n    - {meter: m1}\n"
                           "  submeters:\n"
                           "    - {name: a, meter: m1, usage: it}\n")),
      ElementsAre(at(10, 7, "nilm.mains[1].power: meter m1 value 1-1:16.7.0 is already read by "
                            "nilm.mains[0]"),
                  at(12, 7, "nilm.submeters[0].power: meter m1 value 1-1:16.7.0 is already read "
                            "by nilm.mains[0]")));
}

TEST(NilmSection, VirtualMeterIdMustBeFree) {
  EXPECT_THAT(issues_of(with_buses("nilm:\n  meter_id: m2\n")),
              ElementsAre(at(8, 13,
                             "nilm.meter_id: the virtual meter's id 'm2' is already a meter of "
                             "buses; choose another")));
  EXPECT_THAT(issues_of("buses:\n  - id: b\n    transport: simulator\n    meters:\n"
                        "      - {id: usages, address: 1}\nnilm:\n  enabled: false\n"),
              ElementsAre(at(6, 1,
                             "nilm.meter_id: the virtual meter's id 'usages' is already a meter "
                             "of buses; choose another")));
  EXPECT_THAT(issues_of(with_buses("nilm:\n  meter_id: a b\n")),
              ElementsAre(at(8, 13,
                             "nilm.meter_id: invalid character ' ' in 'a b' (allowed: letters, "
                             "digits, '.', '_' and '-')")));
}

TEST(NilmSection, SubmeterChecks) {
  EXPECT_THAT(
      issues_of(with_buses("nilm:\n  submeters:\n"
                           "    - {name: a, meter: m2, power: 1-2:16.7.0, usage: lights}\n"
                           "    - {name: a, meter: m2, power: 1-1:1.7.0, usage: it, complete: "
                           "yes}\n"
                           "    - {meter: m1, power: 1-1:x, usage: other}\n")),
      ElementsAre(at(9, 54,
                     "nilm.submeters[0].usage: expected one of lighting, it, "
                     "heat_cold_production, heating_elements, ventilation, hvac_auxiliaries, "
                     "other, found 'lights'"),
                  at(10, 14, "nilm.submeters[1].name: duplicate sub-meter name 'a'"),
                  at(10, 67, "nilm.submeters[1].complete: expected true or false, found 'yes'"),
                  at(11, 7, "nilm.submeters[2]: missing required key 'name'"),
                  at(11, 26,
                     "nilm.submeters[2].power: expected an OBIS code such as 1-1:16.7.0; OBIS "
                     "code \"1-1:x\": expected a decimal number for group C at column 5, found "
                     "'x'")));
}

// `usages`: the usages the site has (index_of order); `other` is always one of them.
TEST(NilmSection, UsagesListTheSitesUsages) {
  const auto all = load_config_text(with_buses("nilm:\n  enabled: false\n"), "ok.yaml");
  ASSERT_TRUE(all) << all.error().to_string();
  EXPECT_THAT(all->nilm.usages, ElementsAre(true, true, true, true, true, true, true));

  // The sub-meter's usage is checked against the list wherever the key is in the section.
  const auto r = load_config_text(with_buses(R"(nilm:
  submeters:
    - {name: hp, meter: m2, usage: heat_cold_production, complete: true}
  usages: [heat_cold_production, lighting]
)"),
                                  "ok.yaml");
  ASSERT_TRUE(r) << r.error().to_string();
  //                                     lighting it     heat/cold heating vent.  aux.   other
  EXPECT_THAT(r->nilm.usages, ElementsAre(true, false, true, false, false, false, true));

  const auto block = load_config_text(
      with_buses("nilm:\n  usages:\n    - it\n    - other\n    - hvac_auxiliaries\n"), "ok.yaml");
  ASSERT_TRUE(block) << block.error().to_string();
  EXPECT_THAT(block->nilm.usages, ElementsAre(false, true, false, false, false, true, true));
}

TEST(NilmSection, UsagesChecks) {
  EXPECT_THAT(issues_of(with_buses("nilm:\n  usages: [lighting, lights, it, it]\n")),
              ElementsAre(at(8, 22,
                             "nilm.usages: expected one of lighting, it, heat_cold_production, "
                             "heating_elements, ventilation, hvac_auxiliaries, other, found "
                             "'lights'"),
                          at(8, 34, "nilm.usages: 'it' is listed twice")));
  const std::string none =
      "nilm.usages: expected at least one usage besides other (leave the key out when the site "
      "has them all)";
  EXPECT_THAT(issues_of(with_buses("nilm:\n  usages: []\n")), ElementsAre(at(8, 11, none)));
  EXPECT_THAT(issues_of(with_buses("nilm:\n  usages: [other]\n")), ElementsAre(at(8, 11, none)));
  EXPECT_THAT(issues_of(with_buses("nilm:\n  usages: lighting\n")),
              ElementsAre(at(8, 11,
                             "nilm.usages: expected a list of names (lighting, it, "
                             "heat_cold_production, heating_elements, ventilation, "
                             "hvac_auxiliaries, other) such as [lighting], found 'lighting'")));
  // A sub-meter measures a usage the site has: complete or partial, it must be listed.
  EXPECT_THAT(
      issues_of(with_buses("nilm:\n  usages: [lighting]\n  submeters:\n"
                           "    - {name: hp, meter: m2, usage: heat_cold_production}\n"
                           "    - {name: zone, meter: m1, usage: lighting}\n"
                           "    - {name: rest, meter: m1, power: 1-2:16.7.0, usage: other}\n")),
      ElementsAre(at(10, 36,
                     "nilm.submeters[0].usage: usage 'heat_cold_production' is not among "
                     "nilm.usages: a sub-meter measures a usage the site has; add it to "
                     "usages")));
}

TEST(NilmSection, DurationsAndOffset) {
  EXPECT_THAT(issues_of(with_buses("nilm:\n"
                                   "  step: 7min\n"
                                   "  max_lag: 0s\n"
                                   "  max_gap: 2h\n"
                                   "  utc_offset: CET\n"
                                   "  mode: fast\n")),
              ElementsAre(at(8, 9,
                             "nilm.step: expected a duration that divides a day (e.g. 1min, "
                             "5min, 10min, 15min, 1h), found '7min'"),
                          at(9, 12, "nilm.max_lag: expected a duration from 1s to 1h, found '0s'"),
                          at(10, 12, "nilm.max_gap: expected a duration from 1s to 1h, found '2h'"),
                          at(11, 15,
                             "nilm.utc_offset: expected local or an offset from -14:00 to +14:00 "
                             "such as +01:00, found 'CET'"),
                          at(12, 3,
                             "unknown key 'mode' in nilm (expected one of: enabled, meter_id, "
                             "mains, usages, submeters, step, max_lag, max_gap, utc_offset)")));
  EXPECT_THAT(issues_of(with_buses("nilm:\n  utc_offset: \"+14:30\"\n")),
              ElementsAre(at(8, 15,
                             "nilm.utc_offset: expected local or an offset from -14:00 to +14:00 "
                             "such as +01:00, found '+14:30'")));
}

// A mains or sub-meter meter polled less often than max_gap would leave only gaps (no energy):
// refused at max_gap's line, or at the section's when max_gap is the default.
TEST(NilmSection, MaxGapExceedsThePollIntervalOfItsMeters) {
  constexpr char kSlow[] = R"(buses:
  - id: sim
    transport: simulator
    meters:
      - {id: m1, address: 1, poll: {instantaneous: 5min}}
      - {id: m2, address: 2, poll: {instantaneous: 15min}}
)";
  EXPECT_THAT(
      issues_of(std::string(kSlow) + "nilm:\n"
                                     "  enabled: true\n"
                                     "  mains: [{meter: m1}]\n"
                                     "  submeters: [{name: b, meter: m2, usage: lighting}]\n"
                                     "  max_gap: 10min\n"),
      ElementsAre(at(11, 12,
                     "nilm.max_gap: expected more than the poll interval of the sub-meter's meter "
                     "'m2' (poll.instantaneous 15min), found '10min': every interval between its "
                     "readings would be a gap with no energy; raise max_gap or poll it more "
                     "often")));
  EXPECT_THAT(issues_of(std::string(kSlow) + "nilm:\n  enabled: true\n  mains: [{meter: m1}]\n"),
              ElementsAre(at(7, 1,
                             "nilm.max_gap: expected more than the poll interval of the mains "
                             "meter 'm1' (poll.instantaneous 5min), found '3min': every interval "
                             "between its readings would be a gap with no energy; raise max_gap "
                             "or poll it more often")));
  EXPECT_TRUE(load_config_text(std::string(kSlow) + "nilm:\n  enabled: true\n"
                                                    "  mains: [{meter: m1}]\n  max_gap: 6min\n",
                               "ok.yaml"))
      << "a max_gap above the mains' interval";
}

}  // namespace
}  // namespace meterd::config
