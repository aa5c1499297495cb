#include "src/app/command_line.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

namespace meterd::app {
namespace {

Result<CommandLine> parse(std::initializer_list<std::string_view> words) {
  const std::vector<std::string_view> args(words);
  return parse_command_line(args);
}

TEST(CommandLine, EmptyMeansRunTheDaemonWithTheDefaultConfig) {
  const auto cl = parse({});
  ASSERT_TRUE(cl);
  EXPECT_TRUE(cl->command.empty());
  EXPECT_FALSE(cl->help);
  EXPECT_FALSE(cl->version);
  EXPECT_EQ(cl->config_path(), std::filesystem::path{kDefaultConfigPath});
}

TEST(CommandLine, OptionsTakeTheirValueAsNextWordOrAfterEquals) {
  const auto a = parse({"--config", "/etc/m.yaml", "--log-level", "debug"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->config_path(), "/etc/m.yaml");
  EXPECT_EQ(a->log_level, config::LogLevel::debug);
  const auto b = parse({"--config=/etc/m.yaml", "--log-level=warn", "--check-config=x.yaml"});
  ASSERT_TRUE(b);
  EXPECT_EQ(b->config_path(), "/etc/m.yaml");
  EXPECT_EQ(b->log_level, config::LogLevel::warn);
  EXPECT_EQ(b->check_config, std::filesystem::path{"x.yaml"});
}

TEST(CommandLine, FlagsShortAndLong) {
  const auto cl = parse({"-h", "--version"});
  ASSERT_TRUE(cl);
  EXPECT_TRUE(cl->help);
  EXPECT_TRUE(cl->version);
  EXPECT_TRUE(parse({"-V"})->version);
}

TEST(CommandLine, FirstPositionalWordIsTheCommandAndTheRestIsItsOwn) {
  const auto cl = parse({"--config", "c.yaml", "modbus", "scan", "--port", "/dev/ttyUSB0", "-v"});
  ASSERT_TRUE(cl);
  EXPECT_EQ(cl->config_path(), "c.yaml");
  EXPECT_EQ(cl->command, "modbus");
  EXPECT_EQ(cl->command_args, (std::vector<std::string>{"scan", "--port", "/dev/ttyUSB0", "-v"}));
}

TEST(CommandLine, DoubleDashEndsOptions) {
  const auto cl = parse({"--", "--weird-command", "x"});
  ASSERT_TRUE(cl);
  EXPECT_EQ(cl->command, "--weird-command");
  EXPECT_EQ(cl->command_args, (std::vector<std::string>{"x"}));
}

TEST(CommandLine, UsageErrorsNameTheWord) {
  struct Case {
    std::vector<std::string_view> args;
    std::string_view expected;
  };
  const std::vector<Case> cases{
      {{"--frob"}, "unknown option '--frob'"},
      {{"-x"}, "unknown option '-x'"},
      {{"--config"}, "option --config needs a value"},
      {{"--config="}, "option --config needs a value"},
      {{"--log-level"}, "option --log-level needs a value"},
      {{"--log-level", "loud"}, "invalid log level 'loud'"},
      {{"--config", "a", "--config", "b"}, "option --config given twice"},
      {{"--log-level=info", "--log-level=warn"}, "option --log-level given twice"},
      {{"--help=yes"}, "option --help takes no value"},
  };
  for (const auto& c : cases) {
    const auto r = parse_command_line(c.args);
    ASSERT_FALSE(r) << c.expected;
    EXPECT_TRUE(r.error().is(Errc::invalid_argument));
    EXPECT_NE(r.error().detail.find(c.expected), std::string::npos) << r.error().detail;
  }
}

TEST(CommandLine, LogLevelsAreTheSpdlogNames) {
  EXPECT_EQ(*parse_log_level("trace"), config::LogLevel::trace);
  EXPECT_EQ(*parse_log_level("info"), config::LogLevel::info);
  EXPECT_EQ(*parse_log_level("critical"), config::LogLevel::critical);
  EXPECT_EQ(*parse_log_level("off"), config::LogLevel::off);
  EXPECT_FALSE(parse_log_level("INFO"));
  EXPECT_FALSE(parse_log_level("warning"));
  EXPECT_FALSE(parse_log_level(""));
}

TEST(CommandTable, DispatchesByExactName) {
  CommandTable table;
  int called = 0;
  ASSERT_TRUE(table.add({"modbus", "talk to Modbus meters", [&](const CommandLine&) {
                           ++called;
                           return 7;
                         }}));
  ASSERT_TRUE(table.add({"key", "manage the store key", [](const CommandLine&) { return 0; }}));
  EXPECT_EQ(table.find("mod"), nullptr);
  EXPECT_EQ(table.find("modbus2"), nullptr);
  const Command* c = table.find("modbus");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->handler(CommandLine{}), 7);
  EXPECT_EQ(called, 1);
}

TEST(CommandTable, RejectsDuplicateAndInvalidNames) {
  CommandTable table;
  ASSERT_TRUE(table.add({"export", "", [](const CommandLine&) { return 0; }}));
  EXPECT_FALSE(table.add({"export", "", [](const CommandLine&) { return 1; }}));
  EXPECT_FALSE(table.add({"", "", [](const CommandLine&) { return 1; }}));
  EXPECT_FALSE(table.add({"--x", "", [](const CommandLine&) { return 1; }}));
  EXPECT_EQ(table.commands().size(), 1u);
}

TEST(UsageText, ListsOptionsAndRegisteredCommands) {
  CommandTable table;
  ASSERT_TRUE(table.add({"export", "write readings as CSV", [](const CommandLine&) { return 0; }}));
  const std::string text = usage_text("meterd", table);
  EXPECT_NE(text.find("Usage: meterd [OPTION]... [COMMAND [ARG]...]"), std::string::npos);
  EXPECT_NE(text.find("--check-config FILE"), std::string::npos);
  EXPECT_NE(text.find("  export                write readings as CSV\n"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace meterd::app
