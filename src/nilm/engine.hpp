// src/nilm/engine.hpp: the streaming NILM engine, one per site mains.
//
// Fed the mains of a site (P and optionally Q per phase, ~1 Hz down to 1 min) and optionally
// sub-metered channels tagged with their Usage, it emits, for every closed step (default 10 min),
// each category's average power, energy and confidence, with `other` the unexplained remainder so
// the categories add up to the measured energy exactly (closure). Switching events it detected
// are emitted too. Memory is bounded (no history beyond the lag window) and a step is emitted at
// most `max_lag` after it ends. The learned model (signatures, clusters, category profiles)
// serialises to text and back so it survives restarts. Method and references: docs/nilm.md.
//
// Thread contract: not thread-safe; one owner calls everything (the daemon's loop or a replay).
// Inputs must come in non-decreasing time per channel; a sample older than the last one of its
// channel is counted and dropped.
#pragma once

#include "meterd/error.hpp"
#include "meterd/usage.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace meterd::nilm {

inline constexpr std::size_t kMaxPhases = 3;

// One instant of a channel, UTC milliseconds. NaN marks a missing phase value; q_var is NaN when
// the meter does not measure reactive power. `phases` phases are used (1..3).
struct PowerSample {
  std::int64_t t_ms = 0;
  std::array<double, kMaxPhases> p_w{};
  std::array<double, kMaxPhases> q_var{};
  std::uint8_t phases = 1;
};

// A sub-metered channel. `complete` = it measures its whole category (the category is then
// taken from it while it reports, and estimated from the model when it goes silent, e.g. the
// ground truth of a training period); otherwise it is a part (a zone) subtracted from the mains
// as a known load, the rest of its category still being estimated.
struct SubmeterSpec {
  std::string name;
  Usage usage = Usage::other;
  bool complete = false;
};

struct EngineConfig {
  std::int64_t step_ms = 600'000;     // output resolution
  std::int64_t max_lag_ms = 600'000;  // a step is emitted at most this long after its end
  std::int64_t max_gap_ms = 180'000;  // mains silence longer than this is a gap: no energy
  // Local time = UTC + offset: the time-of-day and day-of-week features, and the output steps'
  // grid (set_utc_offset() moves the features, not the grid).
  std::int64_t utc_offset_ms = 0;
  std::vector<SubmeterSpec> submeters;  // indexes are the `submeter` of push_submeter()
  // The usages the site has (the installer knows them). A usage marked false is never
  // estimated: no prior, no continuous part, no share of a tracked appliance (that share goes to
  // `other`), its energy is 0 on every step and no event is labelled with it. `other` is always
  // present, and so is the usage of every sub-meter (a measurement shows the usage exists; the
  // daemon's configuration and the replay reject such a sub-meter before it gets here).
  UsageSet present = kAllUsagesPresent;
};

// The result of one closed step [start_ms, end_ms).
struct StepResult {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  double covered_s = 0.0;  // seconds of the step with mains data (< step: a gap in it)
  double total_wh = 0.0;   // measured energy over the covered part
  std::array<double, kUsageCount> energy_wh{};   // sums to total_wh (closure)
  std::array<double, kUsageCount> avg_w{};       // energy_wh over covered_s
  std::array<double, kUsageCount> confidence{};  // 0..1, how much the estimate is worth
};

// A switching event found on the mains.
struct SwitchEvent {
  std::int64_t t_ms = 0;     // when the step began
  std::uint8_t phase = 0;    // 0-based
  double dp_w = 0.0;         // steady-state change of active power
  double dq_var = 0.0;       // of reactive power (0 when Q is not measured)
  int cluster = -1;          // the appliance cluster it matched, -1 = none yet
  Usage usage = Usage::other;  // the category the cluster is attributed to
};

// What the engine has seen: for logs, /metrics and the tests of bad input.
struct EngineStats {
  std::uint64_t mains_samples = 0;
  std::uint64_t submeter_samples = 0;
  std::uint64_t dropped_samples = 0;  // out of order, NaN everywhere, negative time step
  std::uint64_t gaps = 0;             // mains silences longer than max_gap
  std::uint64_t events = 0;           // switching events detected
  std::uint64_t steps = 0;            // steps emitted
  // Mains samples drawing power whose live sub-meters measured more than the mains (by over 10 %
  // and 100 W): a wrong CT ratio or scale, a sub-meter not downstream of the mains, or (rightly)
  // generation behind the mains. Their power is scaled down to the mains (closure); this says it
  // happened. Not counted while the mains export.
  std::uint64_t submeters_over_mains = 0;
};

class Engine {
 public:
  explicit Engine(EngineConfig config);
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  // Feeds one mains sample / one sample of sub-meter number `submeter` (index in
  // config.submeters). Never throws; bad samples are counted in stats().
  void push_mains(const PowerSample& sample);
  void push_submeter(std::size_t submeter, const PowerSample& sample);

  // Tells the engine the time is now `now_ms` even if no data came (a mains meter offline):
  // steps that can no longer receive data are closed (as gaps) and emitted.
  void advance_to(std::int64_t now_ms);

  // Closes every open step (end of a replay, shutdown) and emits it.
  void finish();

  // The steps and events produced since the last call, in time order.
  std::vector<StepResult> take_steps();
  std::vector<SwitchEvent> take_events();

  // The local time's offset changed (daylight saving time): the time-of-day and day-of-week
  // features follow `utc_offset_ms` from the next sample on, so a schedule at 08:00 local
  // stays in its slot all year. The output steps keep the grid they started on (their
  // boundaries stay on local multiples of the step when the change is one: an hour is, for
  // every step that divides an hour); config().utc_offset_ms tells the features' offset.
  void set_utc_offset(std::int64_t utc_offset_ms) noexcept;

  const EngineStats& stats() const noexcept;
  const EngineConfig& config() const noexcept;

  // The learned model as text (JSON), and back. load_model() rejects a text of another format
  // version or a malformed one with Errc::parse_error and keeps the current model.
  std::string save_model() const;
  Result<void> load_model(std::string_view text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace meterd::nilm
