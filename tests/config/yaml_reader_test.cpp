// SectionReader: the typed getters that every section reader builds on, exercised through a
// section shaped like the ones still to come (a list of buses with meters, durations, sizes).
#include "src/config/yaml_reader.hpp"

#include "tests/config/config_test_util.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace meterd::config {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

enum class Parity { none, even, odd };
constexpr EnumName<Parity> kParities[] = {
    {"none", Parity::none}, {"even", Parity::even}, {"odd", Parity::odd}};

struct Meter {
  std::string id;
  int slave = 1;
};

struct Bus {
  std::filesystem::path device;
  Parity parity = Parity::even;
  std::chrono::milliseconds timeout = 500ms;
  bool enabled = true;
  std::vector<Meter> meters;
};

struct Store {
  std::uint64_t max_size = 1ull << 30;
  std::chrono::milliseconds retention = 24h * 365;
};

struct Sample {
  std::vector<Bus> buses;
  Store store;
};

void read_meter(SectionReader& s, Meter& m) {
  s.require("id");
  s.get_string("id", m.id);
  s.get_int("slave", m.slave, 1, 247);
}

void read_bus(SectionReader& s, Bus& b) {
  s.require("device");
  s.get_path("device", b.device);
  s.get_enum("parity", b.parity, kParities);
  s.get_duration("timeout", b.timeout, 10ms, 10s);
  s.get_bool("enabled", b.enabled);
  s.get_list("meters", [&](SectionReader& item, std::size_t) {
    read_meter(item, b.meters.emplace_back());
  });
}

struct Parsed {
  Sample sample;
  std::vector<ConfigIssue> issues;
};

Parsed parse(std::string_view text, std::filesystem::path base_dir = {}) {
  IssueList issues("t.yaml");
  Parsed out;
  const YAML::Node root = YAML::Load(std::string(text));
  ReadContext ctx{issues, std::move(base_dir)};
  SectionReader reader(ctx, root, "", root.Mark());
  reader.get_list("buses", [&](SectionReader& item, std::size_t) {
    read_bus(item, out.sample.buses.emplace_back());
  });
  reader.get_section("store", [&](SectionReader& s) {
    s.get_size("max_size", out.sample.store.max_size, 1ull << 20);
    s.get_duration("retention", out.sample.store.retention, 1h, 24h * 3650);
  });
  reader.finish();
  out.issues = issues.take();
  return out;
}

ConfigIssue at(int line, int column, std::string message) {
  return {"t.yaml", line, column, std::move(message)};
}

TEST(SectionReader, ReadsNestedListsAndEveryType) {
  const auto p = parse(R"(buses:
  - device: /dev/ttyUSB0
    parity: none
    timeout: 2s
    enabled: false
    meters:
      - {id: main, slave: 1}
      - id: hvac
        slave: 247
  - device: ttyS1
store:
  max_size: 2GiB
  retention: 90d
)",
                       "/etc/meterd");
  ASSERT_THAT(p.issues, IsEmpty());
  ASSERT_EQ(p.sample.buses.size(), 2u);
  const Bus& b0 = p.sample.buses[0];
  EXPECT_EQ(b0.device, "/dev/ttyUSB0");
  EXPECT_EQ(b0.parity, Parity::none);
  EXPECT_EQ(b0.timeout, 2s);
  EXPECT_FALSE(b0.enabled);
  ASSERT_EQ(b0.meters.size(), 2u);
  EXPECT_EQ(b0.meters[0].id, "main");
  EXPECT_EQ(b0.meters[1].id, "hvac");
  EXPECT_EQ(b0.meters[1].slave, 247);
  const Bus& b1 = p.sample.buses[1];
  EXPECT_EQ(b1.device, "/etc/meterd/ttyS1");  // relative: against the base directory
  EXPECT_EQ(b1.parity, Parity::even);         // defaults kept
  EXPECT_EQ(b1.timeout, 500ms);
  EXPECT_TRUE(b1.enabled);
  EXPECT_THAT(b1.meters, IsEmpty());
  EXPECT_EQ(p.sample.store.max_size, 2ull << 30);
  EXPECT_EQ(p.sample.store.retention, 24h * 90);
}

TEST(SectionReader, BoolAcceptsOnlyTrueAndFalse) {
  for (const char* yes : {"true", "True", "TRUE"}) {
    const auto p = parse("buses: [{device: d, enabled: " + std::string(yes) + "}]");
    ASSERT_THAT(p.issues, IsEmpty());
    EXPECT_TRUE(p.sample.buses.at(0).enabled);
  }
  EXPECT_THAT(parse("buses:\n  - device: d\n    enabled: yes\n").issues,
              ElementsAre(at(3, 14, "buses[0].enabled: expected true or false, found 'yes'")));
}

TEST(SectionReader, BadDuration) {
  EXPECT_THAT(parse("buses:\n  - device: d\n    timeout: fast\n").issues,
              ElementsAre(at(3, 14, "buses[0].timeout: expected a duration such as 500ms, found "
                                    "'fast'")));
  EXPECT_THAT(parse("buses:\n  - device: d\n    timeout: 500\n").issues,
              ElementsAre(at(3, 14, "buses[0].timeout: missing unit in '500' (accepted units: "
                                    "ms, s, min, h, d)")));
  EXPECT_THAT(parse("buses:\n  - device: d\n    timeout: 0ms\n").issues,
              ElementsAre(at(3, 14, "buses[0].timeout: expected a duration from 10ms to 10s, "
                                    "found '0ms'")));
  EXPECT_THAT(parse("buses:\n  - device: d\n    timeout: 1min\n").issues,
              ElementsAre(at(3, 14, "buses[0].timeout: expected a duration from 10ms to 10s, "
                                    "found '1min'")));
  EXPECT_THAT(parse("buses:\n  - device: d\n    timeout: {s: 1}\n").issues,
              ElementsAre(at(3, 14, "buses[0].timeout: expected a duration such as 500ms, found "
                                    "a mapping")));
}

TEST(SectionReader, BadSize) {
  EXPECT_THAT(parse("store:\n  max_size: 2GB2\n").issues,
              ElementsAre(at(2, 13, "store.max_size: unknown unit 'GB2' in '2GB2' (accepted "
                                    "units: B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)")));
  EXPECT_THAT(parse("store:\n  max_size: 100kB\n").issues,
              ElementsAre(at(2, 13, "store.max_size: expected a size from 1MiB to "
                                    "18446744073709551615B, found '100kB'")));
  EXPECT_THAT(parse("store:\n  max_size: -1GiB\n").issues,
              ElementsAre(at(2, 13, "store.max_size: a size cannot be negative, found '-1GiB'")));
  EXPECT_THAT(parse("store:\n  max_size: 99999999999TiB\n").issues,
              ElementsAre(at(2, 13, "store.max_size: size '99999999999TiB' is too large")));
}

TEST(SectionReader, RequiredKeysAndListItemsThatAreNotMappings) {
  EXPECT_THAT(parse("buses:\n  - parity: odd\n  - /dev/ttyS0\n").issues,
              ElementsAre(at(2, 5, "buses[0]: missing required key 'device'"),
                          at(3, 5, "buses[1]: expected a mapping, found '/dev/ttyS0'")));
  EXPECT_THAT(parse("buses:\n  - device: d\n    meters:\n      - slave: 3\n").issues,
              ElementsAre(at(4, 9, "buses[0].meters[0]: missing required key 'id'")));
}

TEST(SectionReader, ListThatIsNotASequence) {
  EXPECT_THAT(parse("buses: /dev/ttyS0\n").issues,
              ElementsAre(at(1, 8, "buses: expected a sequence of mappings (items starting with "
                                   "'- '), found '/dev/ttyS0'")));
  EXPECT_THAT(parse("buses:\n").issues, IsEmpty());  // an empty list
}

TEST(SectionReader, UnknownKeysInNestedItemsListAllowedKeysInOrder) {
  EXPECT_THAT(parse("buses:\n  - device: d\n    meters:\n      - {id: a, slav: 3}\n").issues,
              ElementsAre(at(4, 17, "unknown key 'slav' in buses[0].meters[0] (expected one of: "
                                    "id, slave)")));
  EXPECT_THAT(parse("buses:\n  - device: d\n    baud: 9600\n").issues,
              ElementsAre(at(3, 5, "unknown key 'baud' in buses[0] (expected one of: device, "
                                   "parity, timeout, enabled, meters)")));
}

TEST(SectionReader, ReportPointsAtTheValueOrTheMapping) {
  IssueList issues("t.yaml");
  const YAML::Node root = YAML::Load("a: 1\nsection:\n  x: 42\n");
  ReadContext ctx{issues, {}};
  SectionReader reader(ctx, root, "", root.Mark());
  reader.get_section("section", [](SectionReader& s) {
    int x = 0;
    s.get_int("x", x, 0, 100);
    s.report("x", "clashes with a");
    s.report("y", "is needed when x is set");
  });
  reader.has("a");
  reader.finish();
  reader.finish();  // idempotent
  EXPECT_THAT(issues.take(), ElementsAre(at(2, 1, "section.y: is needed when x is set"),
                                         at(3, 6, "section.x: clashes with a")));
  EXPECT_TRUE(issues.empty());
}

TEST(SectionReader, MappingThatTakesNoKeys) {
  IssueList issues("t.yaml");
  const YAML::Node root = YAML::Load("flag: {on: true}\n");
  ReadContext ctx{issues, {}};
  SectionReader reader(ctx, root, "", root.Mark());
  reader.get_section("flag", [](SectionReader&) {});
  reader.finish();
  EXPECT_THAT(issues.take(),
              ElementsAre(at(1, 8, "unknown key 'on' in flag (this mapping takes no keys)")));
}

}  // namespace
}  // namespace meterd::config
