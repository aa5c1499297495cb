// Unit tests of CsvSeriesReader on real files in a temporary directory: column selection by
// name and by default, the three timestamp forms, missing values, and malformed lines reported
// as FILE:LINE:COLUMN.
#include "src/nilm/replay/csv_series_reader.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/app/temp_dir.hpp"

namespace meterd::nilm::replay {
namespace {

using app::test::TempDir;

std::vector<PowerSample> read_all(CsvSeriesReader& r) {
  std::vector<PowerSample> out;
  while (true) {
    auto s = r.next();
    EXPECT_TRUE(s) << s.error().message();
    if (!s || !*s) break;
    out.push_back(**s);
  }
  return out;
}

Error open_error(const TempDir& dir, std::string_view text, std::string selector_columns = {}) {
  ColumnSelector sel{dir.write("f.csv", text), {}};
  if (!selector_columns.empty()) sel.columns.push_back(selector_columns);
  auto r = CsvSeriesReader::open(sel);
  if (!r) return r.error();
  while (true) {
    auto s = r->next();
    if (!s) return s.error();
    if (!*s) return Error{};
  }
}

TEST(CsvSeriesReader, SelectedColumnsByNameAmpds2Style) {
  const TempDir dir;
  const auto file = dir.write("ampds2.csv",
                              "local_time,mains_P_W,mains_Q_var,FGE_fridge_P_W\n"
                              "2013-11-21 00:00:00,434.0,115.0,0.0\n"
                              "2013-11-21 00:01:00,438.5,118.0,131.0\n");
  auto mains = CsvSeriesReader::open({file, {"mains_P_W", "mains_Q_var"}});
  ASSERT_TRUE(mains) << mains.error().message();
  EXPECT_EQ(mains->phases(), 1);
  EXPECT_TRUE(mains->has_q());
  const auto m = read_all(*mains);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].t_ms, 1'384'992'000'000);  // 2013-11-21T00:00:00Z
  EXPECT_EQ(m[1].t_ms - m[0].t_ms, 60'000);
  EXPECT_DOUBLE_EQ(m[1].p_w[0], 438.5);
  EXPECT_DOUBLE_EQ(m[1].q_var[0], 118.0);

  auto fridge = CsvSeriesReader::open({file, {"FGE_fridge_P_W"}});
  ASSERT_TRUE(fridge) << fridge.error().message();
  EXPECT_FALSE(fridge->has_q());
  const auto f = read_all(*fridge);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_DOUBLE_EQ(f[1].p_w[0], 131.0);
  EXPECT_TRUE(std::isnan(f[1].q_var[0]));
}

TEST(CsvSeriesReader, DefaultColumnsSinglePhaseAndThreePhases) {
  const TempDir dir;
  auto one = CsvSeriesReader::open(
      {dir.write("one.csv", "timestamp,q_var,p_w\n2026-01-05T00:00:00Z,-20,1500\n"), {}});
  ASSERT_TRUE(one) << one.error().message();
  auto s = read_all(*one);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_DOUBLE_EQ(s[0].p_w[0], 1500.0);
  EXPECT_DOUBLE_EQ(s[0].q_var[0], -20.0);

  auto three = CsvSeriesReader::open(
      {dir.write("three.csv",
                 "timestamp,p1_w,q1_var,p2_w,q2_var,p3_w,q3_var\n"
                 "1767571200,1,2,3,4,5,6\n1767571201,7,8,9,10,11,12\n"),
       {}});
  ASSERT_TRUE(three) << three.error().message();
  EXPECT_EQ(three->phases(), 3);
  s = read_all(*three);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[1].phases, 3);
  EXPECT_EQ(s[1].t_ms, 1'767'571'201'000);
  EXPECT_DOUBLE_EQ(s[1].p_w[2], 11.0);
  EXPECT_DOUBLE_EQ(s[1].q_var[1], 10.0);

  auto only = CsvSeriesReader::open({dir.write("only.csv", "time,watts\n1767571200,42\n"), {}});
  ASSERT_TRUE(only) << only.error().message();
  EXPECT_DOUBLE_EQ(read_all(*only).at(0).p_w[0], 42.0);
}

TEST(CsvSeriesReader, QuotedHeaderCrlfBlankLinesAndMissingValues) {
  const TempDir dir;
  const auto file = dir.write("lab.csv",
                              "Timestamp,\"Active (W)\",\"Reactive (W)\"\r\n"
                              "2022-09-27 15:52:32,16.25,15.01\r\n"
                              "\r\n"
                              "2022-09-27 15:52:33,,NaN\r\n"
                              "2022-09-27 15:52:34,nan,1\r\n");
  auto r = CsvSeriesReader::open({file, {"Active (W)", "Reactive (W)"}});
  ASSERT_TRUE(r) << r.error().message();
  const auto s = read_all(*r);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_DOUBLE_EQ(s[0].p_w[0], 16.25);
  EXPECT_TRUE(std::isnan(s[1].p_w[0]));
  EXPECT_TRUE(std::isnan(s[1].q_var[0]));
  EXPECT_TRUE(std::isnan(s[2].p_w[0]));
  EXPECT_DOUBLE_EQ(s[2].q_var[0], 1.0);
}

TEST(CsvSeriesReader, OpenErrorsNameTheFileAndTheColumns) {
  const TempDir dir;
  auto missing = CsvSeriesReader::open({dir.path() / "nope.csv", {}});
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().is(Errc::not_found));
  EXPECT_NE(missing.error().detail.find("nope.csv: no such file"), std::string::npos);

  const auto file = dir.write("a.csv", "time,main_W,fridge_W\n2014-11-09 00:00:00,1,2\n");
  auto no_column = CsvSeriesReader::open({file, {"kettle_W"}});
  ASSERT_FALSE(no_column);
  EXPECT_EQ(no_column.error().detail,
            file.string() + ": no column 'kettle_W' (columns: main_W, fridge_W)");

  auto no_default = CsvSeriesReader::open({file, {}});
  ASSERT_FALSE(no_default);
  EXPECT_NE(no_default.error().detail.find("FILE:PCOL[,QCOL]"), std::string::npos);

  EXPECT_TRUE(open_error(dir, "").is(Errc::parse_error));
  EXPECT_TRUE(open_error(dir, "just_one_column\n1\n").is(Errc::parse_error));
}

TEST(CsvSeriesReader, MalformedLinesReportFileLineAndColumn) {
  const TempDir dir;
  const std::string head = "timestamp,p_w,q_var\n2026-01-05T00:00:00Z,1,2\n";
  const std::string f = (dir.path() / "f.csv").string();
  EXPECT_EQ(open_error(dir, head + "2026-01-05T00:00:01Z,1x,2\n").detail,
            f + ":3:22: expected a number in column 'p_w', got \"1x\"");
  EXPECT_EQ(open_error(dir, head + "2026-01-05T00:00:01Z,1,inf\n").detail,
            f + ":3:24: expected a number in column 'q_var', got \"inf\"");
  EXPECT_EQ(open_error(dir, head + "2026-01-05T00:00:01Z,1\n").detail,
            f + ":3:23: expected 3 fields as in the header, got 2");
  EXPECT_EQ(open_error(dir, head + "2026-01-05T00:00:01Z,1,2,3\n").detail,
            f + ":3:26: expected 3 fields as in the header, got 4");
  EXPECT_EQ(open_error(dir, head + "2026-01-05T00:00:01Z,\"1,2\n").detail,
            f + ":3:22: unterminated quoted field");
  const Error bad_time = open_error(dir, head + "\n2026-02-30T00:00:01Z,1,2\n");
  EXPECT_TRUE(bad_time.is(Errc::parse_error));
  EXPECT_EQ(bad_time.detail.rfind(f + ":4:1: expected a timestamp", 0), 0u) << bad_time.detail;
}

TEST(CsvSeriesReader, ContinuesAfterAMalformedLine) {
  const TempDir dir;
  auto r = CsvSeriesReader::open(
      {dir.write("f.csv", "timestamp,p_w\n1767571200,x\n1767571201,5\n"), {}});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->next());
  const auto s = r->next();
  ASSERT_TRUE(s && *s);
  EXPECT_DOUBLE_EQ((*s)->p_w[0], 5.0);
  EXPECT_FALSE(*r->next());
}

}  // namespace
}  // namespace meterd::nilm::replay
