#include "src/app/nilm_service.hpp"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "meterd/usage.hpp"

namespace meterd::app {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A mains reading at most this much older than the previous sample is sent just after it.
constexpr std::int64_t kReorderMs = 1000;

std::int64_t ms_of(UtcTime t) { return t.time_since_epoch().count(); }
UtcTime utc_of(std::int64_t ms) { return UtcTime{std::chrono::milliseconds{ms}}; }

// The value of `obis` in `r` as a measurement: NaN when flagged or not finite; nullopt if absent.
std::optional<double> value_of(const Reading& r, const ObisCode& obis) {
  const Value* v = r.find(obis);
  if (v == nullptr) return std::nullopt;
  return is_usable(v->quality) && std::isfinite(v->value) ? v->value : kNaN;
}

}  // namespace

nilm::EngineConfig engine_config(const config::NilmConfig& nilm, std::chrono::minutes utc_offset) {
  nilm::EngineConfig c;
  c.step_ms = nilm.step.count();
  c.max_lag_ms = nilm.max_lag.count();
  c.max_gap_ms = nilm.max_gap.count();
  c.utc_offset_ms = std::chrono::milliseconds(utc_offset).count();
  c.present = nilm.usages;
  for (const auto& s : nilm.submeters) c.submeters.push_back({s.name, s.usage, s.complete});
  return c;
}

NilmService::NilmService(boost::asio::io_context& io, const Clock& clock,
                         const config::Config& config, NilmOutputs outputs)
    : clock_(clock), config_(config.nilm), outputs_(std::move(outputs)), timer_(io) {
  for (const auto& bus : config.buses) {
    for (const auto& m : bus.meters) bus_of_[m.id] = bus.id;
  }
}

NilmService::~NilmService() = default;

Result<void> NilmService::start() {
  if (outputs_.state) store_ = outputs_.state();
  if (!config_.enabled) {
    spdlog::info("nilm: off (nilm.enabled is false)");
    return {};
  }
  start_engine(load_model());
  return {};
}

std::optional<std::string> NilmService::load_model() {
  if (store_ == nullptr) {
    spdlog::warn("nilm: no store: the learned model will not survive a restart");
    return std::nullopt;
  }
  auto saved = store_->load_state(std::string(kNilmModelState));
  if (!saved) {
    spdlog::warn("nilm: cannot read the saved model ({}); starting with a fresh one",
                 saved.error().message());
    return std::nullopt;
  }
  if (!*saved) spdlog::info("nilm: no saved model yet; starting with a fresh one");
  return std::move(*saved);
}

void NilmService::start_engine(std::optional<std::string> model) {
  if (store_ != nullptr && !saver_) {
    saver_ = std::make_unique<StateSaver>(*store_, std::string(kNilmModelState));
  }
  const auto offset = config::effective_utc_offset(config_, clock_.utc_now());
  engine_ = std::make_unique<nilm::Engine>(engine_config(config_, offset));
  over_mains_warned_ = 0;  // the new engine counts from 0
  over_mains_warned_at_ms_.reset();
  if (model) {
    if (auto r = engine_->load_model(*model); r) {
      spdlog::info("nilm: learned model loaded ({} bytes)", model->size());
    } else {
      spdlog::warn("nilm: the saved model is not usable ({}); starting with a fresh one",
                   r.error().message());
    }
  }
  phases_.assign(config_.mains.size(), Phase{});
  last_sample_ms_ = 0;
  last_save_ = clock_.mono_now();
  std::string mains;
  for (std::size_t i = 0; i < config_.mains.size(); ++i) {
    mains += fmt::format("{}L{} {} {}", i == 0 ? "" : ", ", i + 1, config_.mains[i].meter,
                         config_.mains[i].power.to_string());
  }
  std::string usages;
  for (const Usage u : kAllUsages) {
    if (config_.usages[index_of(u)]) usages += (usages.empty() ? "" : ",") + std::string(to_string(u));
  }
  if (std::find(config_.usages.begin(), config_.usages.end(), false) == config_.usages.end()) {
    usages = "all";
  }
  spdlog::info("nilm: running on {} ({} sub-meter(s)), virtual meter {}, step {}, UTC offset {} "
               "min, usages {}",
               mains, config_.submeters.size(), config_.meter_id,
               config::format_duration(config_.step), offset.count(), usages);
  schedule_tick();
}

std::string NilmService::stop_engine() {
  timer_.cancel();
  engine_->finish();
  drain();
  const auto& s = engine_->stats();
  spdlog::info(
      "nilm: engine stopped: {} mains and {} sub-meter samples, {} dropped, {} gaps, {} events, "
      "{} steps ({} without data), {} samples with the sub-meters above the mains",
      s.mains_samples, s.submeter_samples, s.dropped_samples, s.gaps, s.events, s.steps,
      gap_steps_, s.submeters_over_mains);
  std::string model = engine_->save_model();
  engine_.reset();
  return model;
}

void NilmService::async_stop(std::function<void()> done) {
  stopping_ = true;
  timer_.cancel();
  std::optional<std::string> model;
  if (engine_) model = stop_engine();
  if (!saver_) {
    done();
    return;
  }
  if (model) saver_->save(std::move(*model));
  // The saver exists once the engine ran: its last write lands before the store stops.
  saver_->stop([this, done = std::move(done)] {
    spdlog::info("nilm: learned model saved into the store ({} save(s), {} failed)",
                 saver_->written(), saver_->failed());
    done();
  });
}

void NilmService::on_config_reloaded(const config::Config& config) {
  bus_of_.clear();
  for (const auto& bus : config.buses) {
    for (const auto& m : bus.meters) bus_of_[m.id] = bus.id;
  }
  if (stopping_ || config.nilm == config_) return;
  spdlog::info("nilm: the nilm section changed: the engine restarts with it, keeping its model");
  std::optional<std::string> model;
  if (engine_) {
    model = stop_engine();
    if (saver_) saver_->save(*model);
  } else {
    model = load_model();
  }
  config_ = config.nilm;
  if (config_.enabled) {
    start_engine(std::move(model));
  } else {
    spdlog::info("nilm: off (nilm.enabled is false)");
  }
}

void NilmService::publish(const Reading& reading) {
  if (!engine_) return;
  const std::int64_t t = ms_of(reading.time);
  bool mains = false;
  for (std::size_t i = 0; i < config_.mains.size(); ++i) {
    const auto& cfg = config_.mains[i];
    if (cfg.meter != reading.meter_id) continue;
    const auto p = value_of(reading, cfg.power);
    if (!p) continue;  // e.g. a reading of the energy registers only
    Phase& ph = phases_[i];
    ph.p_w = *p;
    ph.q_var = cfg.reactive ? value_of(reading, *cfg.reactive).value_or(kNaN) : kNaN;
    ph.t_ms = t;
    ph.seen = true;
    mains = true;
  }
  if (mains) {
    time_sync_ = reading.time_sync;
    nilm::PowerSample s;
    // Readings of one poll cycle may share a millisecond or cross by a few: keep them in order.
    const bool close = t <= last_sample_ms_ && last_sample_ms_ - t < kReorderMs;
    s.t_ms = close ? last_sample_ms_ + 1 : t;
    s.phases = static_cast<std::uint8_t>(phases_.size());
    for (std::size_t i = 0; i < phases_.size(); ++i) {
      const Phase& ph = phases_[i];
      const bool fresh = ph.seen && s.t_ms - ph.t_ms <= config_.max_gap.count();
      s.p_w[i] = fresh ? ph.p_w : kNaN;
      s.q_var[i] = fresh ? ph.q_var : kNaN;
    }
    last_sample_ms_ = s.t_ms;
    follow_local_time(s.t_ms);
    engine_->push_mains(s);
  }
  for (std::size_t j = 0; j < config_.submeters.size(); ++j) {
    const auto& cfg = config_.submeters[j];
    if (cfg.meter != reading.meter_id) continue;
    const auto p = value_of(reading, cfg.power);
    if (!p) continue;
    nilm::PowerSample s;
    s.t_ms = t;
    s.p_w[0] = *p;
    s.q_var[0] = kNaN;
    s.phases = 1;
    engine_->push_submeter(j, s);
  }
  drain();
}

void NilmService::schedule_tick() {
  timer_.expires_after(kNilmTick);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !engine_ || stopping_) return;
    tick();
    schedule_tick();
  });
}

void NilmService::tick() {
  engine_->advance_to(ms_of(clock_.utc_now()));
  drain();
  if (saver_ && clock_.mono_now() - last_save_ >= kNilmSaveInterval) {
    saver_->save(engine_->save_model());
    last_save_ = clock_.mono_now();
  }
}

void NilmService::drain() {
  for (const auto& step : engine_->take_steps()) publish_step(step);
  for (const auto& event : engine_->take_events()) publish_event(event);
}

void NilmService::publish_step(const nilm::StepResult& step) {
  if (!(step.covered_s > 0.0)) {
    ++gap_steps_;
    spdlog::debug("nilm: step {} has no mains data: not published", format_utc(utc_of(step.start_ms)));
    return;
  }
  Reading r{config_.meter_id, utc_of(step.start_ms), time_sync_, {}};
  r.values.reserve(3 + 3 * kUsageCount);
  r.values.push_back(
      {kTotalPowerObis, step.total_wh * 3600.0 / step.covered_s, Unit::watt, Quality::good});
  r.values.push_back({kTotalEnergyObis, step.total_wh, Unit::watt_hour, Quality::good});
  r.values.push_back({kStepLengthObis, static_cast<double>(step.end_ms - step.start_ms) / 1000.0,
                      Unit::second, Quality::good});
  for (const Usage u : kAllUsages) {
    const std::size_t c = index_of(u);
    r.values.push_back({usage_power_obis(u), step.avg_w[c], Unit::watt, Quality::estimated});
    r.values.push_back(
        {usage_energy_obis(u), step.energy_wh[c], Unit::watt_hour, Quality::estimated});
    r.values.push_back(
        {usage_confidence_obis(u), step.confidence[c], Unit::none, Quality::estimated});
  }
  outputs_.readings.publish(r);
  warn_if_submeters_over_mains(step.start_ms);
  std::string shares;
  for (const Usage u : kAllUsages) {
    const double share = step.total_wh != 0.0 ? 100.0 * step.energy_wh[index_of(u)] / step.total_wh
                                              : 0.0;
    shares += fmt::format(" {} {:.0f}%", to_string(u), share);
  }
  spdlog::info("nilm: step {} ({:.0f} s covered): {:.3f} kWh, avg {:.0f} W:{}", format_utc(r.time),
               step.covered_s, step.total_wh / 1000.0, step.total_wh * 3600.0 / step.covered_s,
               shares);
}

void NilmService::warn_if_submeters_over_mains(std::int64_t step_start_ms) {
  const std::uint64_t over = engine_->stats().submeters_over_mains;
  if (over == over_mains_warned_) return;
  if (over_mains_warned_at_ms_ && step_start_ms - *over_mains_warned_at_ms_ < 3'600'000) return;
  spdlog::warn(
      "nilm: the sub-meters measured more than the mains in {} sample(s) since {} (by over 10 % "
      "and 100 W): check their CT ratio or scale and that they are downstream of the mains (with "
      "generation behind the mains the net can be below the loads); "
      "their power is scaled down to the mains (at most one such line an hour)",
      over - over_mains_warned_,
      over_mains_warned_at_ms_ ? format_utc(utc_of(*over_mains_warned_at_ms_)) : "start");
  over_mains_warned_ = over;
  over_mains_warned_at_ms_ = step_start_ms;
}

void NilmService::publish_event(const nilm::SwitchEvent& e) {
  const std::size_t phase = e.phase < config_.mains.size() ? e.phase : 0;
  const auto bus = bus_of_.find(config_.mains[phase].meter);
  Event out;
  out.time = utc_of(e.t_ms);
  out.bus = bus == bus_of_.end() ? std::string{} : bus->second;
  out.meter_id = config_.meter_id;
  out.kind = EventKind::load_switch;
  out.detail = fmt::format("phase L{} dP={:+.0f} W dQ={:+.0f} var cluster {} {}", e.phase + 1,
                           e.dp_w, e.dq_var,
                           e.cluster < 0 ? std::string("none") : std::to_string(e.cluster),
                           to_string(e.usage));
  outputs_.events.publish(out);
}

void NilmService::follow_local_time(std::int64_t t_ms) {
  if (config_.utc_offset) return;  // a fixed offset
  const auto offset = config::local_utc_offset(utc_of(t_ms));
  const std::int64_t offset_ms = std::chrono::milliseconds(offset).count();
  if (offset_ms == engine_->config().utc_offset_ms) return;
  engine_->set_utc_offset(offset_ms);
  spdlog::info("nilm: local time is UTC{:+} min from {} (the time zone's offset changed): the "
               "time-of-day features follow it, the steps keep their grid",
               offset.count(), format_utc(utc_of(t_ms)));
}

std::optional<std::chrono::minutes> NilmService::utc_offset() const {
  if (!engine_) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::minutes>(
      std::chrono::milliseconds{engine_->config().utc_offset_ms});
}

std::optional<nilm::EngineStats> NilmService::stats() const {
  if (!engine_) return std::nullopt;
  return engine_->stats();
}

}  // namespace meterd::app
