// Unit tests of the replay's command-line vocabulary: column selectors, sub-meter options,
// timestamps in the three accepted forms, durations.
#include "src/nilm/replay/replay_input.hpp"

#include <gtest/gtest.h>

namespace meterd::nilm::replay {
namespace {

TEST(ReplayColumnSelector, FileAlone) {
  const auto s = parse_column_selector("data/ampds2.csv");
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->file, "data/ampds2.csv");
  EXPECT_TRUE(s->columns.empty());
}

TEST(ReplayColumnSelector, FileWithPAndQ) {
  const auto s = parse_column_selector("ampds2.csv:mains_P_W,mains_Q_var");
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->file, "ampds2.csv");
  EXPECT_EQ(s->columns, (std::vector<std::string>{"mains_P_W", "mains_Q_var"}));
}

TEST(ReplayColumnSelector, ColonInADirectoryIsPartOfThePath) {
  const auto s = parse_column_selector("/tmp/run:1/mains.csv");
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->file, "/tmp/run:1/mains.csv");
  EXPECT_TRUE(s->columns.empty());
}

TEST(ReplayColumnSelector, RejectsEmptyNamesAndTooManyColumns) {
  EXPECT_FALSE(parse_column_selector(""));
  EXPECT_FALSE(parse_column_selector(":p_w"));
  EXPECT_FALSE(parse_column_selector("a.csv:"));
  EXPECT_FALSE(parse_column_selector("a.csv:p,"));
  const auto three = parse_column_selector("a.csv:p,q,r");
  ASSERT_FALSE(three);
  EXPECT_NE(three.error().detail.find("at most 2 columns"), std::string::npos);
}

TEST(ReplaySubmeterInput, CategoryFileAndColumn) {
  const auto s = parse_submeter_input("heat_cold_production=ampds2.csv:HPE_heatpump_P_W");
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->usage, Usage::heat_cold_production);
  EXPECT_EQ(s->source.file, "ampds2.csv");
  EXPECT_EQ(s->source.columns, (std::vector<std::string>{"HPE_heatpump_P_W"}));
}

TEST(ReplaySubmeterInput, UnknownCategoryListsTheKnownOnes) {
  const auto s = parse_submeter_input("fridge=ampds2.csv:FGE");
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().is(Errc::invalid_argument));
  EXPECT_NE(s.error().detail.find("unknown category 'fridge'"), std::string::npos);
  EXPECT_NE(s.error().detail.find("hvac_auxiliaries"), std::string::npos);
}

TEST(ReplaySubmeterInput, NeedsEqualsAndOneColumn) {
  EXPECT_FALSE(parse_submeter_input("ampds2.csv"));
  EXPECT_FALSE(parse_submeter_input("lighting=a.csv:p,q"));
}

TEST(ReplayUsageList, NamesTheSitesUsagesWithOtherAlwaysAmongThem) {
  const auto u = parse_usage_list("heat_cold_production,lighting");
  ASSERT_TRUE(u) << u.error().message();
  UsageSet expected{};
  expected[index_of(Usage::heat_cold_production)] = true;
  expected[index_of(Usage::lighting)] = true;
  expected[index_of(Usage::other)] = true;
  EXPECT_EQ(*u, expected);
  const auto with_other = parse_usage_list("other,lighting,heat_cold_production");
  ASSERT_TRUE(with_other) << with_other.error().message();
  EXPECT_EQ(*with_other, expected);
}

TEST(ReplayUsageList, RejectsUnknownRepeatedAndEmptyLists) {
  const auto unknown = parse_usage_list("lighting,fridge");
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(unknown.error().is(Errc::invalid_argument));
  EXPECT_NE(unknown.error().detail.find("unknown category 'fridge'"), std::string::npos);
  EXPECT_NE(unknown.error().detail.find("hvac_auxiliaries"), std::string::npos);
  const auto twice = parse_usage_list("it,lighting,it");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().detail.find("'it' listed twice"), std::string::npos);
  for (const std::string_view none : {"", "other", "lighting,", ",it"}) {
    EXPECT_FALSE(parse_usage_list(none)) << none;
  }
  EXPECT_NE(parse_usage_list("other").error().detail.find("at least one category besides other"),
            std::string::npos);
}

TEST(ReplayTimestamp, IsoUtcNaiveAndUnixSecondsAgree) {
  const std::int64_t expected = 1'767'571'200'000;  // 2026-01-05T00:00:00Z
  for (const char* text : {"2026-01-05T00:00:00Z", "2026-01-05 00:00:00", "2026-01-05T00:00:00",
                           "2026-01-05T01:00:00+01:00", "1767571200", "1767571200.000"}) {
    const auto t = parse_timestamp_ms(text);
    ASSERT_TRUE(t) << text << ": " << t.error().message();
    EXPECT_EQ(*t, expected) << text;
  }
  EXPECT_EQ(*parse_timestamp_ms("1767571200.25"), expected + 250);
  EXPECT_EQ(*parse_timestamp_ms("2026-01-05 00:00:00.5"), expected + 500);
}

TEST(ReplayTimestamp, RejectsWhatIsNotATime) {
  for (const char* text : {"", "yesterday", "2026-13-05 00:00:00", "2026-01-05", "12:00:00",
                           "1767571200.", "-5", "2026-01-05 00:00:00 UTC"}) {
    const auto t = parse_timestamp_ms(text);
    EXPECT_FALSE(t) << text;
    if (!t) {
      EXPECT_TRUE(t.error().is(Errc::parse_error)) << text;
    }
  }
}

TEST(ReplayDuration, UnitsAndBounds) {
  EXPECT_EQ(*parse_duration_ms("10min"), 600'000);
  EXPECT_EQ(*parse_duration_ms("1min"), 60'000);
  EXPECT_EQ(*parse_duration_ms("30s"), 30'000);
  EXPECT_EQ(*parse_duration_ms("1h"), 3'600'000);
  EXPECT_EQ(*parse_duration_ms("1d"), 86'400'000);
  EXPECT_EQ(*parse_duration_ms("250ms"), 250);
  for (const char* bad : {"", "10", "min", "10 min", "10m", "-1min", "0s", "2d", "1.5h"}) {
    const auto d = parse_duration_ms(bad);
    ASSERT_FALSE(d) << bad;
    EXPECT_NE(d.error().detail.find(bad), std::string::npos) << d.error().detail;
  }
}

}  // namespace
}  // namespace meterd::nilm::replay
