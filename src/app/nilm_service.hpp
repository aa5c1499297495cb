// src/app/nilm_service.hpp: the NILM engine (src/nilm/engine.hpp) in the daemon: a Service and a
// ReadingSink of the reading fan-out.
//
// In: the readings of the meters the `nilm` section names. The mains phases are assembled by
// holding the last value of each phase: every reading that carries a phase's power updates that
// phase and sends the engine one sample of all phases at the reading's time (a phase silent for
// more than max_gap is NaN, so the engine sees no total and counts a gap rather than invent one).
// Holding needs no window to tune, integrates every update at the time it was measured, and a
// switch on one phase reaches the detector at its own time; the cost is one engine sample per
// mains reading instead of one per poll cycle. A mains reading stamped at or up to 1 s before
// the previous sample (two meters of one cycle) is sent 1 ms after it: the engine wants strictly
// increasing time; an older one is dropped by the engine and counted. Sub-meter readings go to the
// engine as they come. A 1 s steady timer calls Engine::advance_to(now), so a mains meter that
// went offline still has its steps closed (as gaps) within max_lag.
// Out: each closed step becomes one reading of the virtual meter (config nilm.meter_id) stamped
// with the step's start, with the OBIS codes of meterd/usage.hpp: total power and energy
// (quality good: measured), per category power and energy (quality estimated: computed) and
// confidence; the time sync is that of the last mains reading. A step with no mains data at all
// (covered_s = 0) gives no reading: a gap stays a gap, never a zero. A partly covered step keeps
// its energy over the covered part, and its average power is that energy over the covered
// seconds, so energy / power says how much was covered. These readings go to `outputs.readings`
// (the store and the latest values, NOT the fan-out that feeds this service). Switching events go
// to `outputs.events` as EventKind::load_switch. Each published step is also one log line (info):
// its energy and the share of each usage.
// The learned model is kept in the store (Store::save_state, name kNilmModelState): loaded at
// start (a model that cannot be read or decoded is a warning, the engine starts fresh), saved
// every hour and at stop, off the loop (StateSaver). async_stop() closes the open steps into the
// store first: the daemon stops this service before the store.
// Local time: with `utc_offset: local` the engine's time-of-day and day-of-week features follow
// the box's time zone at each mains reading's own time (Engine::set_utc_offset, one log line per
// change), so the daylight-saving changes need no restart; the steps keep their grid.
// SIGHUP: nothing changes unless the `nilm` section did; then the engine is rebuilt from it (the
// open steps are closed and published, the model is carried over in memory and saved), or
// started / stopped when `enabled` changed.
// Thread contract: every call on the io_context thread (Service, ReadingSink); stats() too.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meterd/clock.hpp"
#include "meterd/event.hpp"
#include "meterd/reading_sink.hpp"
#include "src/app/service.hpp"
#include "src/app/state_saver.hpp"
#include "src/config/config.hpp"
#include "src/nilm/engine.hpp"
#include "src/store/store.hpp"

namespace meterd::app {

// The name of the learned model in the store's state table.
inline constexpr std::string_view kNilmModelState = "nilm.model";
// How often the model is saved while running (and at stop).
inline constexpr std::chrono::minutes kNilmSaveInterval{60};
// How often the engine is told the time when no reading comes.
inline constexpr std::chrono::milliseconds kNilmTick{1000};

struct NilmOutputs {
  ReadingSink& readings;  // the virtual meter's steps (store, latest values)
  EventSink& events;      // load_switch events
  // The open store for the model, called at start; nullptr: the model is not persisted.
  std::function<store::Store*()> state;
};

// The engine's configuration for the `nilm` section; `utc_offset` resolved (see
// config::effective_utc_offset).
nilm::EngineConfig engine_config(const config::NilmConfig& nilm, std::chrono::minutes utc_offset);

class NilmService final : public Service, public ReadingSink {
 public:
  NilmService(boost::asio::io_context& io, const Clock& clock, const config::Config& config,
              NilmOutputs outputs);
  ~NilmService() override;
  NilmService(const NilmService&) = delete;
  NilmService& operator=(const NilmService&) = delete;

  std::string_view name() const override { return "nilm"; }
  // Off (one log line) when nilm.enabled is false. Otherwise loads the model and starts ticking.
  Result<void> start() override;
  void async_stop(std::function<void()> done) override;
  void on_config_reloaded(const config::Config& config) override;

  // Feeds the engine with the values of the configured meters; ignores every other reading.
  void publish(const Reading& reading) override;

  // The engine's counters, or nullopt while it is not running.
  std::optional<nilm::EngineStats> stats() const;
  // The UTC offset of the engine's local time now, or nullopt while it is not running.
  std::optional<std::chrono::minutes> utc_offset() const;

 private:
  struct Phase {
    double p_w = 0.0;
    double q_var = 0.0;
    std::int64_t t_ms = 0;
    bool seen = false;
  };

  void start_engine(std::optional<std::string> model);
  std::string stop_engine();  // closes every step, publishes it; returns the model text
  void schedule_tick();
  void tick();
  void drain();
  void publish_step(const nilm::StepResult& step);
  // A warning (at most one an hour of steps) when the engine counted more samples with the
  // sub-meters above the mains (EngineStats::submeters_over_mains) since the last one.
  void warn_if_submeters_over_mains(std::int64_t step_start_ms);
  void publish_event(const nilm::SwitchEvent& event);
  void follow_local_time(std::int64_t t_ms);
  std::optional<std::string> load_model();

  const Clock& clock_;
  config::NilmConfig config_;
  std::map<std::string, std::string, std::less<>> bus_of_;  // meter id -> bus id
  NilmOutputs outputs_;
  boost::asio::steady_timer timer_;

  std::unique_ptr<nilm::Engine> engine_;  // null while off
  std::vector<Phase> phases_;
  std::int64_t last_sample_ms_ = 0;
  TimeSync time_sync_ = TimeSync::unsynchronized;
  MonoTime last_save_{};
  std::uint64_t gap_steps_ = 0;  // steps without data, not published
  // EngineStats::submeters_over_mains when last logged, and the step it was logged at.
  std::uint64_t over_mains_warned_ = 0;
  std::optional<std::int64_t> over_mains_warned_at_ms_;
  store::Store* store_ = nullptr;
  std::unique_ptr<StateSaver> saver_;
  bool stopping_ = false;
};

}  // namespace meterd::app
