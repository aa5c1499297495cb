// Integration tests of meterd's one-shot command line: --version, --help, --check-config,
// subcommand dispatch and usage errors, run against the real binary.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "tests/app/meterd_process.hpp"
#include "tests/app/temp_dir.hpp"

namespace meterd::app::test {
namespace {

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(MeterdCli, VersionPrintsProjectVersionAndGitRevision) {
  const auto r = run_meterd({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  // The revision is the build's (regenerated at every build), so the test checks its form: an
  // abbreviated hash, optionally -dirty or after a tag, or "unknown" outside a git checkout.
  const std::string prefix = std::string{"meterd "} + METERD_EXPECTED_VERSION + " (git ";
  ASSERT_EQ(r.out.rfind(prefix, 0), 0u) << r.out;
  const std::string rev = r.out.substr(prefix.size());
  EXPECT_TRUE(std::regex_match(rev, std::regex{R"(([0-9A-Za-z._-]+-g)?[0-9a-f]{12}(-dirty)?\)\n|unknown\)\n)"}))
      << rev;
  EXPECT_EQ(r.err, "");
}

TEST(MeterdCli, HelpListsOptionsAndCommands) {
  for (const char* flag : {"--help", "-h"}) {
    const auto r = run_meterd({flag});
    EXPECT_EQ(r.exit_code, 0) << flag;
    for (std::string_view option :
         {"--config FILE", "--log-level LEVEL", "--check-config FILE", "--version", "help "}) {
      EXPECT_TRUE(contains(r.out, option)) << option << " missing from:\n" << r.out;
    }
  }
}

TEST(MeterdCli, HelpCommandIsDispatchedFromTheTable) {
  const auto r = run_meterd({"help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(contains(r.out, "Usage: meterd")) << r.out;
}

TEST(MeterdCli, CheckConfigAcceptsTheShippedConfiguration) {
  const std::string shipped = METERD_SOURCE_DIR "/config/meterd.yaml";
  const auto r = run_meterd({"--check-config", shipped});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, shipped + ": ok\n");
}

TEST(MeterdCli, CheckConfigReportsEveryIssueWithLineAndColumn) {
  const TempDir dir;
  const auto bad = dir.write("bad.yaml", "log:\n  levle: debug\ntime:\n  unsynchronized: later\n");
  const auto r = run_meterd({"--check-config", bad.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(contains(r.err, bad.string() + ":2:3: unknown key 'levle'")) << r.err;
  EXPECT_TRUE(contains(r.err, bad.string() + ":4:19:")) << r.err;
}

TEST(MeterdCli, CheckConfigOfAMissingFileFails) {
  const TempDir dir;
  const auto r = run_meterd({"--check-config", (dir.path() / "absent.yaml").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "absent.yaml")) << r.err;
}

TEST(MeterdCli, UnknownOptionIsAUsageError) {
  const auto r = run_meterd({"--frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "unknown option '--frobnicate'")) << r.err;
  EXPECT_TRUE(contains(r.err, "--help")) << r.err;
}

TEST(MeterdCli, MissingOptionValueIsAUsageError) {
  const auto r = run_meterd({"--config"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "--config needs a value")) << r.err;
}

TEST(MeterdCli, InvalidLogLevelIsAUsageError) {
  const auto r = run_meterd({"--log-level", "loud"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "invalid log level 'loud'")) << r.err;
}

TEST(MeterdCli, UnknownCommandIsAUsageError) {
  const auto r = run_meterd({"frobnicate", "now"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "unknown command 'frobnicate'")) << r.err;
}

}  // namespace
}  // namespace meterd::app::test
