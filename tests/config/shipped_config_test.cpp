// The example config/meterd.yaml that ships with meterd: valid as is, and its `#key: value`
// lines state the real defaults (uncommenting them all changes nothing).
#include "src/config/config.hpp"

#include "tests/config/config_test_util.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace meterd::config {
namespace {

const std::filesystem::path kShipped = std::filesystem::path(METERD_SOURCE_DIR) / "config" /
                                       "meterd.yaml";

void expect_defaults(const Config& c) {
  const Config d;
  EXPECT_EQ(c.gateway.id, d.gateway.id);
  EXPECT_EQ(c.gateway.state_dir, d.gateway.state_dir);
  EXPECT_EQ(c.log.level, d.log.level);
  EXPECT_EQ(c.time.unsynchronized, d.time.unsynchronized);
  EXPECT_EQ(c.time.hold_capacity, d.time.hold_capacity);
  EXPECT_EQ(c.nilm.meter_id, d.nilm.meter_id);
  EXPECT_EQ(c.nilm.step, d.nilm.step);
  EXPECT_EQ(c.nilm.max_lag, d.nilm.max_lag);
  EXPECT_EQ(c.nilm.max_gap, d.nilm.max_gap);
  EXPECT_EQ(c.nilm.utc_offset, d.nilm.utc_offset);
  EXPECT_TRUE(c.nilm.submeters.empty());
  // Shipped on, over the three phases of the simulated building (CT1 active and reactive power).
  EXPECT_TRUE(c.nilm.enabled);
  ASSERT_EQ(c.nilm.mains.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(c.nilm.mains[k], (NilmPhaseConfig{"mains-l" + std::to_string(k + 1),
                                                ObisCode{1, 1, 16, 7, 0},
                                                ObisCode{1, 1, 131, 7, 0}}));
  }
  ASSERT_EQ(c.buses.size(), 2u);
  EXPECT_EQ(c.buses[1].simulator.building, "office");
}

TEST(ShippedConfig, IsValidAndAllDefaults) {
  const auto r = load_config(kShipped);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->source, kShipped);
  expect_defaults(*r);
}

TEST(ShippedConfig, CommentedKeysHoldTheDefaults) {
  std::ifstream in(kShipped);
  ASSERT_TRUE(in) << kShipped;
  std::stringstream text;
  text << in.rdbuf();
  const std::regex commented_key(R"(^(\s*)#([a-z_]+:))", std::regex::multiline);
  const std::string uncommented = std::regex_replace(text.str(), commented_key, "$1$2");
  // Every key of every section is shown.
  for (const char* key : {"id:", "state_dir:", "level:", "unsynchronized:", "hold_capacity:",
                          "meter_id:", "step:", "max_lag:", "max_gap:", "utc_offset:"}) {
    EXPECT_NE(uncommented.find(std::string("\n  ") + key), std::string::npos) << key;
  }
  TempDir dir;
  const auto r = load_config(dir.write("meterd.yaml", uncommented));
  ASSERT_TRUE(r) << r.error().to_string();
  expect_defaults(*r);
}

}  // namespace
}  // namespace meterd::config
