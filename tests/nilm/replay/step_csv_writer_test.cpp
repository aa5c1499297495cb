// Unit tests of StepCsvWriter: the header names every category, times are ISO 8601 UTC, and
// the printed categories add up to the printed total.
#include "src/nilm/replay/step_csv_writer.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace meterd::nilm::replay {
namespace {

TEST(StepCsvWriter, HeaderNamesEveryCategoryTwice) {
  std::ostringstream out;
  const StepCsvWriter writer{out};
  EXPECT_EQ(out.str(),
            "start,end,covered_s,total_wh,lighting_wh,it_wh,heat_cold_production_wh,"
            "heating_elements_wh,ventilation_wh,hvac_auxiliaries_wh,other_wh,"
            "lighting_confidence,it_confidence,heat_cold_production_confidence,"
            "heating_elements_confidence,ventilation_confidence,hvac_auxiliaries_confidence,"
            "other_confidence\n");
  EXPECT_EQ(writer.rows(), 0u);
}

TEST(StepCsvWriter, OneLinePerStep) {
  std::ostringstream out;
  StepCsvWriter writer{out};
  StepResult step;
  step.start_ms = 1'767'571'200'000;  // 2026-01-05T00:00:00Z
  step.end_ms = step.start_ms + 600'000;
  step.covered_s = 540.0;
  step.total_wh = 150.0;
  step.energy_wh = {10.0, 20.0, 30.0, 40.0, 25.0, 0.0, 25.0};
  step.confidence = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.0};
  writer.write(step);
  EXPECT_EQ(writer.rows(), 1u);
  const std::string text = out.str();
  const std::string line = text.substr(text.find('\n') + 1);
  EXPECT_EQ(line,
            "2026-01-05T00:00:00Z,2026-01-05T00:10:00Z,540.000,150.000,10.000,20.000,30.000,"
            "40.000,25.000,0.000,25.000,0.900,0.800,0.700,0.600,0.500,0.400,0.000\n");
}

TEST(StepCsvWriter, TimesWithMillisecondsAndTinyNegativesPrintCleanly) {
  EXPECT_EQ(format_step_time(1'767'571'200'250), "2026-01-05T00:00:00.250Z");
  EXPECT_EQ(format_step_time(0), "1970-01-01T00:00:00Z");
  std::ostringstream out;
  StepCsvWriter writer{out};
  StepResult step;
  step.energy_wh[0] = -1e-9;
  writer.write(step);
  EXPECT_EQ(out.str().find("-0.000"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace meterd::nilm::replay
