// nilm_model_fuzz: feeds arbitrary text to Engine::load_model(), as a damaged model row in the
// store would. A text is either rejected (the engine keeps its model) or accepted; an accepted
// model must save to a text that loads back to itself, and the engine must then run on it: a
// few minutes of three-phase mains with switchings give finite steps whose categories add up to
// the measured total (closure) and never a crash, an overrun or a runaway allocation.
#include "src/nilm/engine.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using meterd::nilm::Engine;
using meterd::nilm::EngineConfig;
using meterd::nilm::PowerSample;

EngineConfig fuzz_config() {
  EngineConfig config;
  config.step_ms = 60'000;
  config.max_lag_ms = 60'000;
  return config;
}

// Six minutes at 1 Hz on three phases: a 2 kW single-phase load and a balanced 4.5 kW motor
// switching, with reactive power, so the tracker, the clusters and the continuous part all
// read the loaded model.
void run_and_check(Engine& engine) {
  constexpr std::int64_t kStart = 1'700'000'000'000;
  for (std::int64_t s = 0; s < 360; ++s) {
    PowerSample sample;
    sample.t_ms = kStart + s * 1000;
    sample.phases = 3;
    const bool heater = (s / 45) % 2 == 1;
    const bool motor = (s / 70) % 2 == 1;
    for (int ph = 0; ph < 3; ++ph) {
      sample.p_w[ph] = 800.0 + 100.0 * ph + (motor ? 1500.0 : 0.0) + (ph == 0 && heater ? 2000.0 : 0.0);
      sample.q_var[ph] = 150.0 + (motor ? 700.0 : 0.0);
    }
    engine.push_mains(sample);
  }
  engine.finish();
  for (const auto& step : engine.take_steps()) {
    double sum = 0.0;
    for (const double e : step.energy_wh) {
      if (!std::isfinite(e)) std::abort();
      sum += e;
    }
    if (std::abs(sum - step.total_wh) > 1e-6 * (1.0 + std::abs(step.total_wh))) std::abort();
  }
  (void)engine.take_events();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Engine engine(fuzz_config());
  static const std::string fresh = Engine(fuzz_config()).save_model();
  if (!engine.load_model(text)) {
    if (engine.save_model() != fresh) std::abort();  // a rejected text leaves the model alone
    return 0;
  }
  const std::string saved = engine.save_model();
  Engine reloaded(fuzz_config());
  if (!reloaded.load_model(saved) || reloaded.save_model() != saved) std::abort();
  run_and_check(reloaded);
  return 0;
}
