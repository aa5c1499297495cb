#include "src/store/export_csv.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <sstream>

#include "tests/store/store_fixture.hpp"

namespace meterd::store {
namespace {

using namespace testing;

class ExportCsv : public StoreFixture {};

TEST_F(ExportCsv, WritesOneLinePerValueThatReadsBackExactly) {
  auto store = open_store();
  for (int i = 0; i < 3; ++i) store->publish(bsmart_reading("meter,1", i));
  Reading odd{"meter,1",
              at(kT0 + 3000),
              TimeSync::unsynchronized,
              {{kPower, std::numeric_limits<double>::quiet_NaN(), Unit::watt, Quality::timeout}}};
  store->publish(odd);
  ASSERT_TRUE(store->flush());
  std::ostringstream out;
  auto n = export_csv(*store, {"meter,1", at(kT0), at(kT0 + 4000), {}}, out).value();
  EXPECT_EQ(n, 10u);
  std::istringstream lines(out.str());
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "time,meter,obis,value,unit,quality,time_sync");
  std::getline(lines, line);
  const double p0 = bsmart_reading("m", 0).values[0].value;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", p0);
  EXPECT_EQ(line, std::string("2025-11-21T04:40:00.000Z,\"meter,1\",1-1:1.7.0,") + buf +
                      ",W,good,synchronized");
  EXPECT_EQ(std::strtod(buf, nullptr), p0);
  std::string last;
  while (std::getline(lines, line)) last = line;
  EXPECT_EQ(last, "2025-11-21T04:40:03.000Z,\"meter,1\",1-1:1.7.0,nan,W,timeout,unsynchronized");

  std::ostringstream only;
  EXPECT_EQ(export_csv(*store, {"meter,1", at(kT0), at(kT0 + 4000), {kVoltage}}, only).value(), 3u);
  std::ostringstream none;
  EXPECT_FALSE(export_csv(*store, {"meter,1", at(kT0 + 1), at(kT0), {}}, none));
}

}  // namespace
}  // namespace meterd::store
