#include "tools/sim/building_options.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace meterd::sim {
namespace {

using namespace std::chrono;

Result<BuildingCommand> parse(std::vector<std::string_view> args) { return parse_building_options(args); }

TEST(BuildingOptions, AllOptions) {
  const auto c = parse({"--type", "school", "--seed=42", "--start", "2026-01-05T00:00:00Z", "--days", "21",
                        "--phases", "1", "--rate", "1min", "--out", "/tmp/x"})
                     .value();
  EXPECT_FALSE(c.help);
  EXPECT_EQ(c.site.type, BuildingType::school);
  EXPECT_EQ(c.site.seed, 42U);
  EXPECT_EQ(c.site.start, UtcTime{sys_days{2026y / 1 / 5}});
  EXPECT_EQ(c.site.phases, 1);
  EXPECT_EQ(c.days, 21);
  EXPECT_EQ(c.rate_s, 60);
  EXPECT_EQ(c.out, "/tmp/x");
}

TEST(BuildingOptions, Defaults) {
  const auto c = parse({"--type", "retail", "--start", "2026-01-05T00:00:00Z", "--days", "1", "--out", "d"}).value();
  EXPECT_EQ(c.site.seed, 1U);
  EXPECT_EQ(c.site.phases, 3);
  EXPECT_EQ(c.rate_s, 1);
  EXPECT_TRUE(parse({"--help"}).value().help);
}

TEST(BuildingOptions, BadArgumentsNameTheOption) {
  const std::vector<std::string_view> ok = {"--type", "office", "--start", "2026-01-05T00:00:00Z",
                                            "--days", "1", "--out", "d"};
  const auto with = [&](std::string_view opt, std::string_view value) {
    std::vector<std::string_view> a = ok;
    a.push_back(opt);
    a.push_back(value);
    return parse(a);
  };
  const struct {
    std::string_view opt, value;
  } bad[] = {{"--type", "hospital"}, {"--seed", "-1"},      {"--seed", "x"},   {"--start", "yesterday"},
             {"--start", "2026-01-05T00:00:00.500Z"},       {"--days", "0"},   {"--days", "1.5"},
             {"--days", "367"},      {"--phases", "2"},     {"--rate", "7s"},  {"--rate", "500ms"},
             {"--rate", "fast"},     {"--out", ""},         {"--colour", "red"}};
  for (const auto& b : bad) {
    const auto r = with(b.opt, b.value);
    ASSERT_FALSE(r) << b.opt << " " << b.value;
    EXPECT_TRUE(r.error().is(Errc::invalid_argument));
    EXPECT_NE(r.error().detail.find(b.opt), std::string::npos) << r.error().detail;
  }
  for (const std::string_view missing : {"--type", "--start", "--days", "--out"}) {
    std::vector<std::string_view> a;
    for (std::size_t i = 0; i < ok.size(); i += 2)
      if (ok[i] != missing) a.insert(a.end(), {ok[i], ok[i + 1]});
    const auto r = parse(a);
    ASSERT_FALSE(r) << missing;
    EXPECT_NE(r.error().detail.find(missing), std::string::npos) << r.error().detail;
  }
  const auto r = parse({"--type", "office", "--days"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("--days"), std::string::npos);
}

}  // namespace
}  // namespace meterd::sim
