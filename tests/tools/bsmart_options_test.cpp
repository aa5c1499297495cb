#include "tools/sim/bsmart_options.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace meterd::sim {
namespace {

using namespace std::chrono;

Result<BsmartCommand> parse(std::vector<std::string_view> args) { return parse_bsmart_options(args); }

TEST(BsmartOptions, DefaultsAreOneMeterAt9600) {
  const auto c = parse({}).value();
  EXPECT_FALSE(c.help);
  EXPECT_EQ(c.config.addresses, (std::vector<std::uint8_t>{1}));
  EXPECT_EQ(c.config.line.baud, 9600U);
  EXPECT_EQ(c.config.line.bits_per_char(), 10);
  EXPECT_EQ(c.config.speed, 1.0);
  EXPECT_FALSE(c.config.freeze);
  EXPECT_FALSE(c.config.bus_faults.any());
}

TEST(BsmartOptions, BusAndModelOptions) {
  const auto c = parse({"--count", "4", "--first-address=3", "--baud", "19200", "--parity", "even",
                        "--seed", "77", "--link", "/tmp/x", "--speed", "60", "--freeze", "--start",
                        "2026-06-20T12:00:00Z"}).value();
  EXPECT_EQ(c.config.addresses, (std::vector<std::uint8_t>{3, 4, 5, 6}));
  EXPECT_EQ(c.config.line.baud, 19200U);
  EXPECT_EQ(c.config.line.parity, 'E');
  EXPECT_EQ(c.config.seed, 77U);
  EXPECT_EQ(c.config.link_path, "/tmp/x");
  EXPECT_EQ(c.config.speed, 60.0);
  EXPECT_TRUE(c.config.freeze);
  EXPECT_EQ(c.config.start, parse_utc("2026-06-20T12:00:00Z").value());
  EXPECT_EQ(parse({"--slaves", "1,2,5"}).value().config.addresses, (std::vector<std::uint8_t>{1, 2, 5}));
  EXPECT_TRUE(parse({"--help"}).value().help);
}

TEST(BsmartOptions, FaultsForTheBusOrOneSlave) {
  const auto c = parse({"--drop", "0.05", "--corrupt-crc=0.5@2", "--exception", "4:0x2100@3",
                        "--delay", "200ms", "--silent-after", "30s", "--silent-for", "10s"}).value();
  EXPECT_EQ(c.config.bus_faults.drop_probability, 0.05);
  EXPECT_EQ(c.config.bus_faults.delay, milliseconds{200});
  EXPECT_EQ(c.config.bus_faults.silent_after, seconds{30});
  EXPECT_EQ(c.config.bus_faults.silent_for, seconds{10});
  ASSERT_EQ(c.config.slave_faults.count(2), 1U);
  EXPECT_EQ(c.config.slave_faults.at(2).corrupt_crc_probability, 0.5);
  EXPECT_EQ(c.config.slave_faults.at(3).exception, ModbusException::server_device_failure);
  EXPECT_EQ(c.config.slave_faults.at(3).exception_register, 0x2100);
}

TEST(BsmartOptions, RejectsBadInputNamingTheOption) {
  const auto expect_bad = [](std::vector<std::string_view> args, std::string_view needle) {
    const auto r = parse_bsmart_options(args);
    ASSERT_FALSE(r) << args[0];
    EXPECT_TRUE(r.error().is(Errc::invalid_argument));
    EXPECT_NE(r.error().detail.find(needle), std::string::npos) << r.error().detail;
  };
  expect_bad({"--count", "0"}, "--count");
  expect_bad({"--count", "10", "--first-address", "240"}, "247");
  expect_bad({"--slaves", "1,,2"}, "--slaves");
  expect_bad({"--drop", "1.5"}, "probability");
  expect_bad({"--drop", "0.1@300"}, "'@'");
  expect_bad({"--delay", "200"}, "duration");
  expect_bad({"--exception", "4:zz"}, "CODE:REGISTER");
  expect_bad({"--silent-after", "3s"}, "go together");
  expect_bad({"--bogus", "1"}, "unknown option");
  expect_bad({"--baud"}, "needs a value");
  expect_bad({"--start", "yesterday"}, "--start");
}

TEST(BsmartOptions, Durations) {
  EXPECT_EQ(parse_duration("200ms").value(), milliseconds{200});
  EXPECT_EQ(parse_duration("1.5s").value(), milliseconds{1500});
  EXPECT_EQ(parse_duration("2min").value(), minutes{2});
  EXPECT_EQ(parse_duration("1h").value(), hours{1});
  EXPECT_EQ(parse_duration("0").value(), milliseconds{0});
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("s"));
}

TEST(BsmartOptions, CommercialBuildingOnePhasePerMeter) {
  const auto c = parse({"--building", "retail:7"}).value();
  ASSERT_TRUE(c.config.commercial);
  EXPECT_EQ(c.config.commercial->type, BuildingType::retail);
  EXPECT_EQ(c.config.commercial->seed, 7U);
  EXPECT_EQ(c.config.addresses, (std::vector<std::uint8_t>{1, 2, 3}));  // L1, L2, L3
  const auto d = parse({"--building=school", "--count", "2"}).value();
  EXPECT_EQ(d.config.commercial->type, BuildingType::school);
  EXPECT_EQ(d.config.commercial->seed, 1U);
  EXPECT_EQ(d.config.addresses, (std::vector<std::uint8_t>{1, 2}));
  EXPECT_EQ(parse({"--building", "office", "--slaves", "3"}).value().config.addresses,
            (std::vector<std::uint8_t>{3}));
  EXPECT_FALSE(parse({}).value().config.commercial);  // the default is unchanged
  for (const auto& bad : std::vector<std::vector<std::string_view>>{
           {"--building", "castle"}, {"--building", "office:x"}, {"--building", "office:"},
           {"--building", "office", "--slaves", "1,4"}, {"--building", "office", "--first-address", "3", "--count", "2"}}) {
    const auto r = parse(bad);
    ASSERT_FALSE(r) << bad[1];
    EXPECT_NE(r.error().detail.find("--building"), std::string::npos) << r.error().detail;
  }
}

}  // namespace
}  // namespace meterd::sim
