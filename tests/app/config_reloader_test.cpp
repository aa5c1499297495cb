#include "src/app/config_reloader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/app/temp_dir.hpp"

namespace meterd::app {
namespace {

TEST(ConfigReloader, AValidFileBecomesCurrentAndObserversHearInOrder) {
  const test::TempDir dir;
  const auto file = dir.write("m.yaml", "gateway:\n  id: first\n");
  auto initial = config::load_config(file);
  ASSERT_TRUE(initial);
  ConfigReloader reloader(file, *initial);
  std::vector<std::string> heard;
  reloader.subscribe([&](const config::Config& c) { heard.push_back("1 " + c.gateway.id); });
  reloader.subscribe([&](const config::Config& c) { heard.push_back("2 " + c.gateway.id); });

  dir.write("m.yaml", "gateway:\n  id: second\nlog:\n  level: debug\n");
  EXPECT_TRUE(reloader.reload());
  EXPECT_EQ(reloader.current().gateway.id, "second");
  EXPECT_EQ(reloader.current().log.level, config::LogLevel::debug);
  EXPECT_EQ(heard, (std::vector<std::string>{"1 second", "2 second"}));
}

TEST(ConfigReloader, AnInvalidFileKeepsTheCurrentOneAndTellsNobody) {
  const test::TempDir dir;
  const auto file = dir.write("m.yaml", "gateway:\n  id: first\n");
  auto initial = config::load_config(file);
  ASSERT_TRUE(initial);
  ConfigReloader reloader(file, *initial);
  int notified = 0;
  reloader.subscribe([&](const config::Config&) { ++notified; });

  dir.write("m.yaml", "gateway:\n  id: second\n  colour: blue\n");
  EXPECT_FALSE(reloader.reload());
  std::filesystem::remove(file);
  EXPECT_FALSE(reloader.reload());
  EXPECT_EQ(reloader.current().gateway.id, "first");
  EXPECT_EQ(notified, 0);
}

}  // namespace
}  // namespace meterd::app
