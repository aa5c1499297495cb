#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>

#include "engine_driver.hpp"
#include "src/nilm/engine.hpp"
#include "src/nilm/model_codec.hpp"
#include "src/nilm/time_of_week.hpp"

namespace meterd::nilm {
namespace {

using namespace testing;

void expect_same_steps(const std::vector<StepResult>& a, const std::vector<StepResult>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].start_ms, b[i].start_ms);
    EXPECT_EQ(a[i].covered_s, b[i].covered_s);
    EXPECT_EQ(a[i].total_wh, b[i].total_wh);
    EXPECT_EQ(a[i].energy_wh, b[i].energy_wh) << "step " << i;
    EXPECT_EQ(a[i].confidence, b[i].confidence) << "step " << i;
  }
}

std::vector<StepResult> after(const std::vector<StepResult>& steps, std::int64_t from) {
  std::vector<StepResult> out;
  for (const auto& s : steps)
    if (s.start_ms >= from) out.push_back(s);
  return out;
}

TEST(EngineModel, ARestartedEngineWithTheSavedModelGivesTheSameOutputs) {
  Engine running(training_config());
  run(running, kMonday, kMonday + 3 * kDayMs, /*train=*/true);
  const std::string model = running.save_model();
  EXPECT_NE(model.find("\"version\":1"), std::string::npos);

  Engine restarted(training_config());
  ASSERT_TRUE(restarted.load_model(model));
  EXPECT_EQ(restarted.save_model(), model);

  // Both see the same later input after the restart (after an outage of ten minutes).
  const std::int64_t from = kMonday + 3 * kDayMs + 10 * kMinute;
  auto a = run(running, from, from + kDayMs, /*train=*/false);
  auto b = run(restarted, from, from + kDayMs, /*train=*/false);
  running.finish();
  restarted.finish();
  for (const auto& s : running.take_steps()) a.push_back(s);
  for (const auto& s : restarted.take_steps()) b.push_back(s);
  const auto a_later = after(a, from);
  ASSERT_EQ(a_later.size(), 144u);
  expect_same_steps(a_later, b);
  // And the model learned something: lighting is not all in `other`.
  double lighting = 0.0;
  for (const auto& s : b) lighting += s.energy_wh[index_of(Usage::lighting)];
  EXPECT_GT(lighting, 0.5 * truth_wh(from, from + kDayMs, Usage::lighting));
}

TEST(EngineModel, GarbageIsRejectedAndTheModelKept) {
  Engine trained(training_config());
  run(trained, kMonday, kMonday + kDayMs, /*train=*/true);
  const std::string model = trained.save_model();

  for (const std::string_view bad :
       {std::string_view{"{not json"}, std::string_view{""}, std::string_view{"[1,2,3]"},
        std::string_view{R"({"format":"meterd-nilm-model","version":99})"},
        std::string_view{R"({"format":"something-else","version":1})"},
        std::string_view{R"({"format":"meterd-nilm-model","version":1,"slots":144,"categories":7,)"
                         R"("continuous":{"table":[],"pooled":[]}})"}}) {
    const auto r = trained.load_model(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_TRUE(r.error().is(Errc::parse_error)) << r.error().message();
    EXPECT_EQ(trained.save_model(), model);
  }
  // A model truncated anywhere is rejected too.
  for (std::size_t cut = 1; cut < model.size(); cut += model.size() / 37) {
    EXPECT_FALSE(trained.load_model(std::string_view{model}.substr(0, cut))) << cut;
  }
  EXPECT_EQ(trained.save_model(), model);
}

TEST(EngineModel, AFreshEngineSavesALoadableEmptyModel) {
  Engine fresh(EngineConfig{});
  const std::string model = fresh.save_model();
  Engine other(EngineConfig{});
  EXPECT_TRUE(other.load_model(model));
  EXPECT_EQ(other.save_model(), model);
}

// The model as text with every continuous sum cut to its first `fields` numbers, as a model
// saved by an older format.
std::string saved_with_sums_of(const LearnedModel& model, std::size_t fields) {
  auto doc = nlohmann::json::parse(encode_model(model));
  std::size_t cut = 0;
  const std::function<void(nlohmann::json&)> cut_sums = [&](nlohmann::json& j) {
    if (j.is_array() && j.size() == 45 && j[0].is_number()) {
      j.erase(j.begin() + static_cast<std::ptrdiff_t>(fields), j.end());
      ++cut;
      return;
    }
    if (j.is_structured())
      for (auto& child : j) cut_sums(child);
  };
  cut_sums(doc);
  EXPECT_EQ(cut, (kSlotCount + 1) * kUsageCount);
  return doc.dump();
}

TEST(EngineModel, AModelWithoutTheQSumsOrTheStatesOrTheShadowOrLevelOrContrastSumsLoads) {
  // Models saved before the residual's Q was a regressor have 7 numbers per continuous sum
  // (no Q sums), before the on/off states 11, before the shadow instances' regressor 17, before
  // the short-memory level 22, before the category's x^2 sum 28, before the phase contrasts 29,
  // before the x^2 sum's weight 44: they load with the missing sums at 0 (the weight: w from 29
  // on, the x^2 sum covered the whole memory) and save again with 45.
  Engine fresh(EngineConfig{});
  const std::string model = fresh.save_model();
  const auto zeros = [](int n) {
    std::string z = "[0.0";
    for (int i = 1; i < n; ++i) z += ",0.0";
    return z + "]";
  };
  const std::string current = zeros(45);
  for (const std::string& older :
       {zeros(7), zeros(11), zeros(17), zeros(22), zeros(28), zeros(29), zeros(44)}) {
    std::string old = model;
    std::size_t n = 0;
    for (std::size_t at = old.find(current); at != std::string::npos;
         at = old.find(current, at + older.size())) {
      old.replace(at, current.size(), older);
      ++n;
    }
    ASSERT_EQ(n, (kSlotCount + 1) * kUsageCount);
    Engine other(EngineConfig{});
    ASSERT_TRUE(other.load_model(old));
    EXPECT_EQ(other.save_model(), model);
  }
  // 8 (or 27, or 43) numbers is no format.
  std::string bad = model;
  bad.replace(bad.find(current), current.size(), "[0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0]");
  Engine other(EngineConfig{});
  EXPECT_FALSE(other.load_model(bad));
  bad = model;
  bad.replace(bad.find(current), current.size(), zeros(27));
  EXPECT_FALSE(other.load_model(bad));
  bad = model;
  bad.replace(bad.find(current), current.size(), zeros(43));
  EXPECT_FALSE(other.load_model(bad));
}

TEST(EngineModel, AnOlderModelsLevelStartsWithTheWholeMemorysError) {
  // A slot trained 10 days on a level that alternates 900 / 1100 W a day, saved without the
  // short-memory sums (22 numbers each), loaded, then one 3000 W sample: the short level must not
  // win at once on a few seconds against days of error (it would move the estimate to ~1940 W);
  // its error starts equal to the fit's, so the estimate stays the whole memory's.
  LearnedModel trained;
  for (int i = 0; i < 10 * 1800; ++i)
    trained.continuous.learn(10, Usage::lighting, 2000.0, (i / 1800) % 2 == 0 ? 900.0 : 1100.0,
                             1.0);
  auto loaded = decode_model(saved_with_sums_of(trained, 22));
  ASSERT_TRUE(loaded.has_value());
  ContinuousModel& m = (*loaded)->continuous;
  const double before = m.estimate(10, Usage::lighting, 2000.0);
  EXPECT_NEAR(before, 1000.0, 20.0);
  m.learn(10, Usage::lighting, 2000.0, 3000.0, 1.0);
  EXPECT_NEAR(m.estimate(10, Usage::lighting, 2000.0), before, 1.0);
}

TEST(EngineModel, AModelSavedBeforeThePhaseContrastsLoadsAsTheFitWithoutThem) {
  // A slot trained on a three-phase residual, saved without the contrast sums (29 numbers each,
  // as before them): it loads with them at 0 and estimates what the same samples give learned
  // without contrasts (the sums of R, x, dQ and S do not depend on them).
  LearnedModel with;
  LearnedModel without;
  for (int i = 0; i < 3000; ++i) {
    const double b = 1000.0 + 500.0 * std::sin(i * 0.01);  // a balanced load
    const double p = 400.0 + 300.0 * std::cos(i * 0.037);  // a single-phase load on phase 1
    const double r = b + p;
    with.continuous.learn(12, Usage::heat_cold_production, r, b, 1.0, 0.0, false, 0.0, {p, 0.0});
    without.continuous.learn(12, Usage::heat_cold_production, r, b, 1.0);
  }
  auto loaded = decode_model(saved_with_sums_of(with, 29));
  ASSERT_TRUE(loaded.has_value());
  for (const double r : {800.0, 1400.0, 2000.0}) {
    EXPECT_EQ(
        (*loaded)->continuous.estimate(12, Usage::heat_cold_production, r, 0.0, 0.0, {300.0, 0.0}),
        without.continuous.estimate(12, Usage::heat_cold_production, r));
  }
}

TEST(EngineModel, AModelSavedBeforeTheSquaresKeepsItsRangeAfterItLearnsMore) {
  // Lighting trained over 200-1800 W of residual, saved as before the x^2 sum (28 numbers per
  // sum), loaded: a minute of new data, in another slot or in its own, must not bound the
  // estimate by an x^2 sum that holds that minute only against w and x that hold days (the
  // bound then collapsed to the mean: 1008 W against 1684).
  LearnedModel trained;
  for (int i = 0; i < 5 * 1800; ++i) {
    const double r = 200.0 + (i % 161) * 10.0;
    trained.continuous.observe(i * 1000LL, 40, Usage::lighting, r, 0.9 * (r - 100.0), 1.0);
  }
  auto loaded = decode_model(saved_with_sums_of(trained, 28));
  ASSERT_TRUE(loaded.has_value());
  ContinuousModel& m = (*loaded)->continuous;
  const double before = m.estimate(40, Usage::lighting, 3700.0);
  EXPECT_GT(before, 1500.0);  // the slope carries it above anything seen: no bound yet
  for (int i = 0; i < 61; ++i)
    m.observe(100'000'000LL + i * 1000LL, 41, Usage::lighting, 1000.0, 810.0, 1.0);
  EXPECT_NEAR(m.estimate(40, Usage::lighting, 3700.0), before, 1.0);
  m.observe(200'000'000LL, 40, Usage::lighting, 1000.0, 810.0, 1.0);
  EXPECT_NEAR(m.estimate(40, Usage::lighting, 3700.0), before, 5.0);
}

TEST(EngineModel, AModelWithoutTheLegFlagLoads) {
  // Clusters saved before the three-phase leg flag have one number less: lone steps' clusters.
  Engine trained(training_config());
  run(trained, kMonday, kMonday + kDayMs, /*train=*/true);
  const std::string model = trained.save_model();
  auto doc = nlohmann::json::parse(model);
  ASSERT_FALSE(doc["clusters"].empty());
  for (auto& c : doc["clusters"]) {
    ASSERT_EQ(c.back(), 0);  // a single-phase mains: no legs
    c.erase(c.size() - 1);
  }
  Engine older(training_config());
  ASSERT_TRUE(older.load_model(doc.dump()));
  EXPECT_EQ(older.save_model(), model);
  // A leg flag other than 0 or 1 is no format; 1 loads and is kept.
  auto flagged = nlohmann::json::parse(model);
  flagged["clusters"][0].back() = 2;
  EXPECT_FALSE(older.load_model(flagged.dump()));
  flagged["clusters"][0].back() = 1;
  ASSERT_TRUE(older.load_model(flagged.dump()));
  EXPECT_EQ(nlohmann::json::parse(older.save_model())["clusters"][0].back(), 1);
}

}  // namespace
}  // namespace meterd::nilm
