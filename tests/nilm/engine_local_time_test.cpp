// The engine across a change of the local time's offset (daylight saving time): the
// time-of-week slots it learns in follow the new offset, the output steps keep their grid.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

#include "engine_driver.hpp"
#include "src/nilm/engine.hpp"

namespace meterd::nilm {
namespace {

using namespace testing;

constexpr std::int64_t kHour = 3'600'000;

// Seconds of data the learned model holds for `usage` in each half-hour slot of a weekday.
std::vector<double> weekday_slot_weights(const Engine& engine, Usage usage) {
  const auto model = nlohmann::json::parse(engine.save_model());
  std::vector<double> w;
  for (std::size_t slot = 0; slot < 48; ++slot)
    w.push_back(model["continuous"]["table"][slot][index_of(usage)][0].get<double>());
  return w;
}

TEST(EngineLocalTime, TheSlotsFollowTheOffsetFromTheChangeOn) {
  EngineConfig config = training_config();
  config.utc_offset_ms = kHour;  // CET
  Engine engine(config);
  // A Monday 06:10-06:20 UTC: 07:10-07:20 CET, the slot of 07:00 (14).
  run(engine, kMonday + 6 * kHour + 10 * kMinute, kMonday + 6 * kHour + 20 * kMinute, true);
  engine.set_utc_offset(2 * kHour);  // CEST
  EXPECT_EQ(engine.config().utc_offset_ms, 2 * kHour);
  // 06:40-06:50 UTC: 08:40-08:50 CEST, the slot of 08:30 (17), not 07:30 (15) as on CET.
  run(engine, kMonday + 6 * kHour + 40 * kMinute, kMonday + 6 * kHour + 50 * kMinute, true);
  const auto w = weekday_slot_weights(engine, Usage::lighting);
  EXPECT_NEAR(w[14], 600.0, 2.0);
  EXPECT_NEAR(w[17], 600.0, 2.0);
  for (std::size_t slot = 0; slot < w.size(); ++slot) {
    if (slot != 14 && slot != 17) {
      EXPECT_EQ(w[slot], 0.0) << "slot " << slot;
    }
  }
}

TEST(EngineLocalTime, TheStepsKeepTheirGridAcrossTheChange) {
  EngineConfig config = training_config();
  config.utc_offset_ms = kHour;
  Engine engine(config);
  auto steps = run(engine, kMonday, kMonday + kHour, false);
  // Not a whole number of steps (a change of an hour is, and would leave any grid where it was).
  engine.set_utc_offset(kHour + 5 * kMinute);
  for (const auto& s : run(engine, kMonday + kHour, kMonday + 2 * kHour, false)) steps.push_back(s);
  engine.finish();
  for (const auto& s : engine.take_steps()) steps.push_back(s);
  ASSERT_EQ(steps.size(), 12u);  // 2 h of 10-min steps, none cut, none twice
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i].start_ms, kMonday + static_cast<std::int64_t>(i) * 10 * kMinute);
    EXPECT_EQ(steps[i].end_ms - steps[i].start_ms, 10 * kMinute);
    EXPECT_DOUBLE_EQ(steps[i].covered_s, 600.0);
  }
}

}  // namespace
}  // namespace meterd::nilm
