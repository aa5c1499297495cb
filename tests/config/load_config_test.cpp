// load_config / load_config_text: valid files, defaults, and failures of the file as a whole.
#include "src/config/config.hpp"

#include "tests/config/config_test_util.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace meterd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::string_view kFull = R"(gateway:
  id: site-07.north_hall
  state_dir: /srv/meterd
log:
  level: debug
time:
  unsynchronized: mark
  hold_capacity: 5000
)";

void expect_defaults(const Config& c) {
  const Config defaults;
  EXPECT_EQ(c.gateway.id, "meterd");
  EXPECT_EQ(c.gateway.state_dir, "/var/lib/meterd");
  EXPECT_EQ(c.log.level, LogLevel::info);
  EXPECT_EQ(c.time.unsynchronized, UnsyncedPolicy::mark);
  EXPECT_EQ(c.time.hold_capacity, 100'000u);
  EXPECT_EQ(c.gateway.id, defaults.gateway.id);
}

TEST(LoadConfig, FullConfigParsesIntoTheRightValues) {
  const auto r = load_config_text(kFull, "full.yaml");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->source, "full.yaml");
  EXPECT_EQ(r->gateway.id, "site-07.north_hall");
  EXPECT_EQ(r->gateway.state_dir, "/srv/meterd");
  EXPECT_EQ(r->log.level, LogLevel::debug);
  EXPECT_EQ(r->time.unsynchronized, UnsyncedPolicy::mark);
  EXPECT_EQ(r->time.hold_capacity, 5000u);
}

TEST(LoadConfig, EveryLogLevelAndBounds) {
  for (const auto level : {LogLevel::trace, LogLevel::debug, LogLevel::info, LogLevel::warn,
                           LogLevel::error, LogLevel::critical, LogLevel::off}) {
    const std::string text = "log: {level: " + std::string(to_string(level)) + "}";
    const auto r = load_config_text(text, "x.yaml");
    ASSERT_TRUE(r) << text;
    EXPECT_EQ(r->log.level, level);
  }
  EXPECT_EQ(load_config_text("time: {hold_capacity: 1}", "x").value().time.hold_capacity, 1u);
  EXPECT_EQ(load_config_text("time: {hold_capacity: 10000000}", "x").value().time.hold_capacity,
            10'000'000u);
  const std::string longest(64, 'a');
  EXPECT_EQ(load_config_text("gateway: {id: " + longest + "}", "x").value().gateway.id, longest);
}

TEST(LoadConfig, AbsentKeysKeepTheirDefaults) {
  const auto r = load_config_text("log:\n  level: warn\n", "partial.yaml");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->log.level, LogLevel::warn);
  EXPECT_EQ(r->gateway.id, "meterd");
  EXPECT_EQ(r->time.hold_capacity, 100'000u);
}

TEST(LoadConfig, EmptyFileCommentsAndEmptySectionsAreAllDefaults) {
  for (const char* text : {"", "\n\n", "# only a comment\n", "---\n", "gateway:\nlog:\ntime: ~\n",
                           "gateway: {}\n"}) {
    const auto r = load_config_text(text, "empty.yaml");
    ASSERT_TRUE(r) << '"' << text << "\": " << r.error().to_string();
    expect_defaults(*r);
  }
}

TEST(LoadConfig, StateDirDefaultsToSystemdsStateDirectory) {
  ::setenv("STATE_DIRECTORY", "/var/lib/private/meterd:/var/lib/other", 1);
  const auto from_env = load_config_text("log:\n  level: info\n", "t.yaml");
  const auto named = load_config_text("gateway:\n  state_dir: /srv/m\n", "t.yaml");
  ::unsetenv("STATE_DIRECTORY");
  ASSERT_TRUE(from_env);
  EXPECT_EQ(from_env->gateway.state_dir, "/var/lib/private/meterd");
  EXPECT_EQ(from_env->store.path, "/var/lib/private/meterd/store.db");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->gateway.state_dir, "/srv/m");  // the file wins
  EXPECT_EQ(load_config_text("", "t.yaml")->gateway.state_dir, "/var/lib/meterd");
}

TEST(LoadConfig, FromFileResolvesRelativePathsAgainstItsDirectory) {
  TempDir dir;
  const auto file = dir.write("meterd.yaml", "gateway:\n  state_dir: state/../data\n");
  const auto r = load_config(file);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->source, file);
  EXPECT_EQ(r->gateway.state_dir, dir.path() / "data");
  // Text has no directory: the path stays as written.
  EXPECT_EQ(load_config_text("gateway: {state_dir: state}", "t").value().gateway.state_dir,
            "state");
  EXPECT_EQ(load_config(dir.write("abs.yaml", "gateway: {state_dir: /x/y}")).value()
                .gateway.state_dir,
            "/x/y");
}

TEST(LoadConfig, EmptyFileOnDiskIsValid) {
  TempDir dir;
  const auto r = load_config(dir.write("empty.yaml", ""));
  ASSERT_TRUE(r);
  expect_defaults(*r);
}

TEST(LoadConfig, MissingFileIsOneClearIssue) {
  TempDir dir;
  const auto path = dir.path() / "nope.yaml";
  const auto r = load_config(path);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().issues,
              ElementsAre(ConfigIssue{path.string(), 0, 0,
                                      "cannot read the configuration file: No such file or "
                                      "directory"}));
  EXPECT_EQ(r.error().to_string(),
            path.string() + ": cannot read the configuration file: No such file or directory");
}

TEST(LoadConfig, DirectoryIsRefused) {
  TempDir dir;
  const auto r = load_config(dir.path());
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().issues,
              ElementsAre(ConfigIssue{dir.path().string(), 0, 0,
                                      "cannot read the configuration file: it is a directory"}));
}

TEST(LoadConfig, OversizedFileIsRefusedBeforeParsing) {
  TempDir dir;
  const std::string big(kMaxConfigBytes + 1, '#');
  const auto path = dir.write("big.yaml", big);
  const std::vector<ConfigIssue> expected{
      {path.string(), 0, 0, "the file is larger than 4MiB, expected a configuration"}};
  EXPECT_EQ(load_config(path).error().issues, expected);
  EXPECT_EQ(load_config_text(big, path.string()).error().issues, expected);
}

TEST(LoadConfig, ValueThrowsWithEveryIssue) {
  const auto r = load_config_text("log: {level: loud}\nfoo: 1\n", "t.yaml");
  try {
    (void)r.value();
    FAIL() << "value() should throw";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "t.yaml:1:14: log.level: expected one of trace, debug, info, warn, error, critical, "
              "off, found 'loud'\n"
              "t.yaml:2:1: unknown key 'foo' at top level (expected one of: gateway, log, time, "
              "buses, store, api, uplink, nilm)");
  }
}

TEST(ConfigIssue, ToString) {
  EXPECT_EQ((ConfigIssue{"meterd.yaml", 12, 5, "unknown key 'levle' in log (expected one of: "
                                               "level)"}.to_string()),
            "meterd.yaml:12:5: unknown key 'levle' in log (expected one of: level)");
  EXPECT_EQ((ConfigIssue{"m.yaml", 0, 0, "cannot read"}.to_string()), "m.yaml: cannot read");
  EXPECT_THAT(ConfigErrors{}.to_string(), ::testing::IsEmpty());
}

TEST(LogLevel, ToString) {
  EXPECT_EQ(to_string(LogLevel::critical), "critical");
  EXPECT_EQ(to_string(LogLevel::off), "off");
  EXPECT_THAT(std::string(to_string(static_cast<LogLevel>(42))), HasSubstr("unknown"));
}

}  // namespace
}  // namespace meterd::config
