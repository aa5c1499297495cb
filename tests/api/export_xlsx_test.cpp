// tests/api/export_xlsx_test.cpp: GET /api/v1/export.xlsx is a real workbook: saved to disk,
// unpacked with the `unzip` CLI, its workbook lists one sheet per meter and each sheet's XML
// (ECMA-376 Part 1 §18.3 SpreadsheetML cells) holds the exported values.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "src/api/xlsx_workbook.hpp"
#include "tests/api/api_fixture.hpp"
#include "tests/api/http_client.hpp"

namespace meterd::api::testing {
namespace {

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

// The numeric cell values of column `col` ("B") in a sheet's XML, in row order.
std::vector<double> column(const std::string& xml, const std::string& col) {
  std::vector<double> out;
  // Numeric cells only: a string cell carries t="s" (a shared-string index).
  const std::regex cell("<c r=\"" + col + "([0-9]+)\"(?: s=\"[0-9]+\")?><v>([^<]*)</v></c>");
  for (std::sregex_iterator it(xml.begin(), xml.end(), cell), end; it != end; ++it) {
    out.push_back(std::stod((*it)[2].str()));
  }
  return out;
}

TEST(ExportXlsx, WorkbookHasOneSheetPerMeterWithTheValues) {
  ApiFixture f;
  const auto from = f.now() - std::chrono::minutes(10);
  auto reply = get(f.port(), "/api/v1/export.xlsx?from=" + format_utc(from) +
                                 "&to=" + format_utc(f.now() + std::chrono::seconds(1)));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.headers["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  ASSERT_EQ(reply.body.substr(0, 2), "PK");  // a ZIP container
  const auto file = f.dir() / "export.xlsx";
  std::ofstream(file, std::ios::binary) << reply.body;

  const auto listing = run("unzip -l " + file.string());
  EXPECT_NE(listing.find("xl/worksheets/sheet3.xml"), std::string::npos) << listing;
  const auto workbook = run("unzip -p " + file.string() + " xl/workbook.xml");
  for (const char* name : {"name=\"grid\"", "name=\"pv\"", "name=\"heat-pump\""}) {
    EXPECT_NE(workbook.find(name), std::string::npos) << workbook;
  }
  const auto strings = run("unzip -p " + file.string() + " xl/sharedStrings.xml");
  EXPECT_NE(strings.find("1-1:1.7.0 [W]"), std::string::npos) << strings;
  EXPECT_NE(strings.find("1-1:1.8.0 [Wh]"), std::string::npos);

  // Sheet 2 is pv: column A times, B power (1.7.0), C energy (1.8.0), D voltage (32.7.0).
  const auto pv = run("unzip -p " + file.string() + " xl/worksheets/sheet2.xml");
  const auto power = column(pv, "B");
  ASSERT_EQ(power.size(), 61u);  // [now - 10 min, now]: 61 readings at 10 s, numbers 659..719
  for (std::size_t k = 0; k < power.size(); ++k) {
    EXPECT_DOUBLE_EQ(power[k], power_of(1, static_cast<std::int64_t>(659 + k))) << k;
  }
  const auto times = column(pv, "A");
  ASSERT_EQ(times.size(), 61u);
  const double last_day =
      static_cast<double>(f.now().time_since_epoch().count()) / 86'400'000.0 + 25569.0;
  EXPECT_NEAR(times.back(), last_day, 1e-8);
  EXPECT_DOUBLE_EQ(column(pv, "D").front(), 231.0);
  // heat-pump stopped 10 minutes ago: its sheet holds that one last reading.
  const auto hp = run("unzip -p " + file.string() + " xl/worksheets/sheet3.xml");
  EXPECT_EQ(column(hp, "B"), std::vector<double>{power_of(2, 659)});
}

TEST(ExportXlsx, UnusableValuesAreEmptyCellsNotZeros) {
  Reading r{
      "m/1:x", UtcTime{std::chrono::milliseconds{1'763'700'000'000}}, TimeSync::synchronized, {}};
  r.values.push_back({kPower, 1500.0, Unit::watt, Quality::good});
  r.values.push_back({kVoltage, 999.0, Unit::volt, Quality::out_of_range});
  const auto bytes = make_xlsx({MeterSheet{"m/1:x", {r}}});
  ASSERT_TRUE(bytes) << bytes.error().message();
  TempDir dir;
  const auto file = dir.path() / "t.xlsx";
  std::ofstream(file, std::ios::binary) << *bytes;
  const auto workbook = run("unzip -p " + file.string() + " xl/workbook.xml");
  EXPECT_NE(workbook.find("name=\"m_1_x\""), std::string::npos) << workbook;  // '/' ':' replaced
  const auto sheet = run("unzip -p " + file.string() + " xl/worksheets/sheet1.xml");
  EXPECT_EQ(column(sheet, "B"), std::vector<double>{1500.0});
  EXPECT_TRUE(column(sheet, "C").empty()) << sheet;
}

}  // namespace
}  // namespace meterd::api::testing
