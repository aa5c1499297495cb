// tests/nilm/engine_driver.hpp: feeds the synthetic site into an Engine for the tests.
//
// run() pushes 1 Hz mains samples over [from, to) and, when `train`, the truth of lighting, IT
// and heating_elements as complete sub-meters 0..2 (the config of training_config()). Returns
// the steps emitted meanwhile. Single-threaded test helper.
#pragma once

#include <cstdint>
#include <vector>

#include "src/nilm/engine.hpp"
#include "synthetic_site.hpp"

namespace meterd::nilm::testing {

inline constexpr std::int64_t kMinute = 60'000;
inline constexpr std::int64_t kDayMs = 86'400'000;

inline EngineConfig training_config() {
  EngineConfig c;
  c.submeters = {{"lights", Usage::lighting, true},
                 {"servers", Usage::it, true},
                 {"boiler", Usage::heating_elements, true}};
  return c;
}

inline std::vector<StepResult> run(Engine& engine, std::int64_t from, std::int64_t to, bool train,
                                   std::int64_t period_ms = 1000) {
  std::vector<StepResult> steps;
  const std::array<Usage, 3> metered{Usage::lighting, Usage::it, Usage::heating_elements};
  for (std::int64_t t = from; t < to; t += period_ms) {
    if (train) {
      const SiteTruth truth = site_truth(t);
      for (std::size_t i = 0; i < metered.size(); ++i)
        engine.push_submeter(i, power_sample(t, truth.p_w[index_of(metered[i])]));
    }
    engine.push_mains(mains_sample(t));
    for (auto& s : engine.take_steps()) steps.push_back(s);
  }
  return steps;
}

// The energy of the site's truth over [from, to) sampled every period_ms (sample-and-hold), Wh.
inline double truth_wh(std::int64_t from, std::int64_t to, Usage u, std::int64_t period_ms = 1000) {
  double wh = 0.0;
  for (std::int64_t t = from; t < to; t += period_ms)
    wh += site_truth(t).p_w[index_of(u)] * static_cast<double>(period_ms) / 3.6e6;
  return wh;
}

inline double mains_wh(std::int64_t from, std::int64_t to, std::int64_t period_ms = 1000) {
  double wh = 0.0;
  for (std::int64_t t = from; t < to; t += period_ms)
    wh += site_truth(t).total_w() * static_cast<double>(period_ms) / 3.6e6;
  return wh;
}

inline double sum_energy(const StepResult& s) {
  double e = 0.0;
  for (double v : s.energy_wh) e += v;
  return e;
}

}  // namespace meterd::nilm::testing
