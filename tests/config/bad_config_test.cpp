// load_config_text on bad configurations: each issue names the exact line, column and problem.
#include "src/config/config.hpp"

#include "tests/config/config_test_util.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace meterd::config {
namespace {

using ::testing::ElementsAre;

constexpr std::string_view kLevels = "trace, debug, info, warn, error, critical, off";

TEST(BadConfig, UnknownTopLevelKey) {
  EXPECT_THAT(issues_of("log:\n  level: info\ngatway:\n  id: box\n"),
              ElementsAre(at(3, 1, "unknown key 'gatway' at top level (expected one of: gateway, "
                                   "log, time, buses, store, api, uplink, nilm)")));
}

TEST(BadConfig, UnknownNestedKeyListsTheAllowedOnes) {
  EXPECT_THAT(issues_of("log:\n  levle: debug\n"),
              ElementsAre(at(2, 3, "unknown key 'levle' in log (expected one of: level)")));
  EXPECT_THAT(issues_of("time:\n    hold: 5\n"),
              ElementsAre(at(2, 5, "unknown key 'hold' in time (expected one of: "
                                   "unsynchronized, hold_capacity)")));
}

TEST(BadConfig, WrongTypeForAnInteger) {
  EXPECT_THAT(issues_of("time:\n  hold_capacity: lots\n"),
              ElementsAre(at(2, 18, "time.hold_capacity: expected an integer from 1 to 10000000, "
                                    "found 'lots'")));
  EXPECT_THAT(issues_of("time:\n  hold_capacity: 1.5e3\n"),
              ElementsAre(at(2, 18, "time.hold_capacity: expected an integer from 1 to 10000000, "
                                    "found '1.5e3'")));
  EXPECT_THAT(issues_of("time:\n  hold_capacity: [1, 2]\n"),
              ElementsAre(at(2, 18, "time.hold_capacity: expected an integer from 1 to 10000000, "
                                    "found a sequence")));
}

TEST(BadConfig, MappingWhereAStringBelongs) {
  EXPECT_THAT(issues_of("gateway:\n  id:\n    name: box\n"),
              ElementsAre(at(3, 5, "gateway.id: expected a string, found a mapping")));
}

TEST(BadConfig, EnumValueNotInTheList) {
  EXPECT_THAT(issues_of("log:\n  level: verbose\n"),
              ElementsAre(at(2, 10, "log.level: expected one of " + std::string(kLevels) +
                                        ", found 'verbose'")));
  EXPECT_THAT(issues_of("time: {unsynchronized: drop}\n"),
              ElementsAre(at(1, 24, "time.unsynchronized: expected one of hold, mark, found "
                                    "'drop'")));
  EXPECT_THAT(issues_of("log:\n  level: INFO\n"),
              ElementsAre(at(2, 10, "log.level: expected one of " + std::string(kLevels) +
                                        ", found 'INFO'")));
}

TEST(BadConfig, IntegerOutOfRange) {
  EXPECT_THAT(issues_of("time:\n  hold_capacity: 0\n"),
              ElementsAre(at(2, 18, "time.hold_capacity: expected an integer from 1 to 10000000, "
                                    "found '0'")));
  EXPECT_THAT(issues_of("time:\n  hold_capacity: 10000001\n"),
              ElementsAre(at(2, 18, "time.hold_capacity: expected an integer from 1 to 10000000, "
                                    "found '10000001'")));
  EXPECT_THAT(issues_of("time:\n  hold_capacity: -5\n"),
              ElementsAre(at(2, 18, "time.hold_capacity: expected an integer from 1 to 10000000, "
                                    "found '-5'")));
  EXPECT_THAT(issues_of("time:\n  hold_capacity: 99999999999999999999999\n"),
              ElementsAre(at(2, 18, "time.hold_capacity: expected an integer from 1 to 10000000, "
                                    "found '99999999999999999999999'")));
}

TEST(BadConfig, YamlSyntaxError) {
  // Positions are where yaml-cpp noticed the problem: the unclosed '[' is found at the ':'
  // of the next line, the tab (not allowed for indentation) at the ':' after it.
  EXPECT_THAT(issues_of("log:\n  level: [info\ntime: {}\n"),
              ElementsAre(at(3, 5, "YAML syntax error: end of sequence flow not found")));
  EXPECT_THAT(issues_of("log:\n\tlevel: info\n"),
              ElementsAre(at(2, 7, "YAML syntax error: illegal map value")));
  EXPECT_THAT(issues_of("log: level: info\n"),
              ElementsAre(at(1, 11, "YAML syntax error: illegal map value")));
  EXPECT_THAT(issues_of("gateway: *missing\n"),
              ElementsAre(at(1, 10, "YAML syntax error: the referenced anchor is not defined")));
}

TEST(BadConfig, SectionThatIsAScalarOrASequence) {
  EXPECT_THAT(issues_of("log: debug\n"),
              ElementsAre(at(1, 6, "log: expected a mapping, found 'debug'")));
  EXPECT_THAT(issues_of("gateway:\n  - id: box\n"),
              ElementsAre(at(2, 3, "gateway: expected a mapping, found a sequence")));
}

TEST(BadConfig, TopLevelThatIsNotAMapping) {
  EXPECT_THAT(issues_of("- gateway\n- log\n"),
              ElementsAre(at(1, 1, "expected a mapping at top level, found a sequence")));
  EXPECT_THAT(issues_of("meterd\n"),
              ElementsAre(at(1, 1, "expected a mapping at top level, found 'meterd'")));
}

TEST(BadConfig, EmptyOrMissingGatewayId) {
  EXPECT_THAT(issues_of("gateway:\n  id: \"\"\n"),
              ElementsAre(at(2, 7, "gateway.id: must not be empty (letters, digits, '.', '_' and "
                                   "'-')")));
  // Nothing after the colon: reported at the key, where the value is missing.
  EXPECT_THAT(issues_of("gateway:\n  id:\n  state_dir: /x\n"),
              ElementsAre(at(2, 3, "gateway.id: expected a string, found nothing")));
}

TEST(BadConfig, GatewayIdWithForbiddenCharacterOrTooLong) {
  EXPECT_THAT(issues_of("gateway: {id: my box}\n"),
              ElementsAre(at(1, 15, "gateway.id: invalid character ' ' in 'my box' (allowed: "
                                    "letters, digits, '.', '_' and '-')")));
  EXPECT_THAT(issues_of("gateway:\n  id: \"caf\xc3\xa9\"\n"),
              ElementsAre(at(2, 7, "gateway.id: invalid character '\\xc3' in 'caf\\xc3\\xa9' "
                                   "(allowed: letters, digits, '.', '_' and '-')")));
  EXPECT_THAT(issues_of("gateway:\n  id: " + std::string(65, 'x') + "\n"),
              ElementsAre(at(2, 7, "gateway.id: expected at most 64 characters, found 65")));
}

TEST(BadConfig, EmptyPath) {
  EXPECT_THAT(issues_of("gateway:\n  state_dir: ''\n"),
              ElementsAre(at(2, 14, "gateway.state_dir: expected a path, found an empty string")));
}

TEST(BadConfig, DuplicateKeys) {
  EXPECT_THAT(issues_of("log:\n  level: info\n  level: debug\n"),
              ElementsAre(at(3, 3, "duplicate key 'level' in log (first given at line 2)")));
  EXPECT_THAT(issues_of("time: {}\nlog: {}\ntime: {}\n"),
              ElementsAre(at(3, 1, "duplicate key 'time' at top level (first given at line 1)")));
}

TEST(BadConfig, KeyThatIsNotAName) {
  EXPECT_THAT(issues_of("log:\n  ? [a, b]\n  : info\n"),
              ElementsAre(at(2, 5, "expected a key name in log, found a sequence")));
}

TEST(BadConfig, MoreThanOneDocument) {
  // Reported at the second document's start, its '---'.
  EXPECT_THAT(issues_of("log: {level: info}\n---\nlog: {level: debug}\n"),
              ElementsAre(at(2, 1, "expected a single YAML document, found another one")));
  EXPECT_THAT(issues_of("log: {}\n---\n---\n---\n---\n"),
              ElementsAre(at(2, 1, "expected a single YAML document, found another one")));
  // A syntax error in a later document is still a syntax error.
  EXPECT_THAT(issues_of("log: {}\n---\n[x\n"),
              ElementsAre(at(4, 1, "YAML syntax error: end of sequence flow not found")));
}

TEST(BadConfig, StrayFlowIndicatorIsNotAnEmptyFile) {
  // yaml-cpp 0.7 reads these as empty documents without moving past the ',' (and LoadAll loops
  // forever on them; found by fuzz/config_fuzz).
  EXPECT_THAT(issues_of(","), ElementsAre(at(1, 1, "YAML syntax error: unexpected ','")));
  EXPECT_THAT(issues_of(", gateway"), ElementsAre(at(1, 1, "YAML syntax error: unexpected ','")));
  EXPECT_THAT(issues_of("# comment\n---\n,\n"),
              ElementsAre(at(3, 1, "YAML syntax error: unexpected ','")));
}

TEST(BadConfig, SeveralIssuesReportedTogetherInFileOrder) {
  constexpr std::string_view kText = R"(time:
  hold_capacity: 0
  unsynchronized: later
gateway:
  id: "a/b"
  stat_dir: /srv
log:
  level: loud
colour: blue
)";
  EXPECT_THAT(
      issues_of(kText),
      ElementsAre(
          at(2, 18, "time.hold_capacity: expected an integer from 1 to 10000000, found '0'"),
          at(3, 19, "time.unsynchronized: expected one of hold, mark, found 'later'"),
          at(5, 7, "gateway.id: invalid character '/' in 'a/b' (allowed: letters, digits, '.', "
                   "'_' and '-')"),
          at(6, 3, "unknown key 'stat_dir' in gateway (expected one of: id, state_dir)"),
          at(8, 10, "log.level: expected one of " + std::string(kLevels) + ", found 'loud'"),
          at(9, 1, "unknown key 'colour' at top level (expected one of: gateway, log, time, "
                   "buses, store, api, uplink, nilm)")));
}

}  // namespace
}  // namespace meterd::config
