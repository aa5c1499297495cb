// The engine: sample-and-hold integration of the mains into steps, sub-meter subtraction,
// learning of the continuous model from complete sub-meters and the split of the rest.
// Method and references: docs/nilm.md.
#include "src/nilm/engine.hpp"

#include "src/nilm/continuous_model.hpp"
#include "src/nilm/model_codec.hpp"
#include "src/nilm/step_accumulator.hpp"
#include "src/nilm/submeter_channel.hpp"
#include "src/nilm/time_of_week.hpp"
#include "src/nilm/total_split.hpp"

#include <algorithm>
#include <cmath>

namespace meterd::nilm {

struct Engine::Impl {
  explicit Impl(EngineConfig c)
      : config(std::move(c)),
        steps(config.step_ms, config.utc_offset_ms),
        model(std::make_unique<LearnedModel>()) {
    if (config.max_gap_ms <= 0) config.max_gap_ms = 180'000;
    if (config.max_lag_ms < 0) config.max_lag_ms = 0;
    subs.reserve(config.submeters.size());
    for (const auto& spec : config.submeters) subs.emplace_back(spec);
  }

  // The split of total_w at time t_ms; learns from the complete sub-meters that are live.
  Split attribute(std::int64_t t_ms, double total_w) {
    SplitInput in;
    in.total_w = total_w;
    UsageArray partial{};
    UsageArray complete_w{};
    for (const auto& s : subs) {
      if (!s.live_at(t_ms, config.max_gap_ms)) continue;
      const std::size_t c = index_of(s.spec().usage);
      if (s.spec().complete) {
        in.complete[c] = true;
        complete_w[c] += s.power_w();
      } else {
        partial[c] += s.power_w();
      }
    }
    double residual = total_w;
    for (std::size_t c = 0; c < kUsageCount; ++c) residual -= partial[c];
    const std::size_t slot = time_of_week_slot(t_ms, config.utc_offset_ms);
    const double weight_s = static_cast<double>(std::min(nominal_dt_ms, config.max_gap_ms)) / 1000.0;
    for (const Usage u : kAllUsages) {
      const std::size_t c = index_of(u);
      if (in.complete[c]) {
        in.measured_w[c] = complete_w[c];
        model->continuous.learn(slot, u, residual, complete_w[c], weight_s);
        continue;
      }
      in.measured_w[c] = partial[c];
      if (u == Usage::other) continue;
      in.estimated_w[c] = model->continuous.estimate(slot, u, residual);
      in.estimated_conf[c] = model->continuous.confidence(slot, u);
    }
    return split_total(in);
  }

  // Integrates the pending sample over `hold_ms` and forgets it.
  void flush_pending(std::int64_t hold_ms) {
    steps.add(pending_t, hold_ms, pending_total, pending.power_w, pending.confidence);
    has_pending = false;
  }

  // A mains silence longer than max_gap: the pending sample covers one nominal period only.
  void close_gap() {
    ++stats.gaps;
    flush_pending(std::min(nominal_dt_ms, config.max_gap_ms));
  }

  void emit_until(std::int64_t t_ms) {
    const std::size_t before = out_steps.size();
    steps.close_until(t_ms, out_steps);
    stats.steps += out_steps.size() - before;
  }

  void push_mains(const PowerSample& sample) {
    const double total = total_active_w(sample);
    if (std::isnan(total) || (has_last && sample.t_ms <= last_mains_ms)) {
      ++stats.dropped_samples;
      return;
    }
    ++stats.mains_samples;
    if (has_pending) {
      const std::int64_t dt = sample.t_ms - pending_t;
      if (dt > config.max_gap_ms) {
        close_gap();
      } else {
        nominal_dt_ms = dt;
        flush_pending(dt);
      }
    }
    has_last = true;
    last_mains_ms = sample.t_ms;
    pending_t = sample.t_ms;
    pending_total = total;
    pending = attribute(sample.t_ms, total);
    has_pending = true;
    emit_until(sample.t_ms);
  }

  void advance_to(std::int64_t now_ms) {
    if (has_pending && now_ms - pending_t > config.max_gap_ms) close_gap();
    const std::int64_t lag_edge = now_ms - config.max_lag_ms;
    emit_until(has_pending ? std::max(pending_t, lag_edge) : now_ms);
  }

  void finish() {
    if (has_pending) flush_pending(std::min(nominal_dt_ms, config.max_gap_ms));
    const std::size_t before = out_steps.size();
    steps.close_all(out_steps);
    stats.steps += out_steps.size() - before;
  }

  EngineConfig config;
  EngineStats stats;
  StepAccumulator steps;
  std::vector<SubmeterChannel> subs;
  std::unique_ptr<LearnedModel> model;

  bool has_last = false;
  std::int64_t last_mains_ms = 0;
  bool has_pending = false;
  std::int64_t pending_t = 0;
  double pending_total = 0.0;
  Split pending;
  std::int64_t nominal_dt_ms = 1'000;  // the last regular interval between mains samples

  std::vector<StepResult> out_steps;
  std::vector<SwitchEvent> out_events;
};

Engine::Engine(EngineConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

void Engine::push_mains(const PowerSample& sample) { impl_->push_mains(sample); }

void Engine::push_submeter(std::size_t submeter, const PowerSample& sample) {
  if (submeter >= impl_->subs.size() || !impl_->subs[submeter].push(sample)) {
    ++impl_->stats.dropped_samples;
    return;
  }
  ++impl_->stats.submeter_samples;
}

void Engine::advance_to(std::int64_t now_ms) { impl_->advance_to(now_ms); }

void Engine::finish() { impl_->finish(); }

std::vector<StepResult> Engine::take_steps() { return std::exchange(impl_->out_steps, {}); }

std::vector<SwitchEvent> Engine::take_events() { return std::exchange(impl_->out_events, {}); }

const EngineStats& Engine::stats() const noexcept { return impl_->stats; }

const EngineConfig& Engine::config() const noexcept { return impl_->config; }

std::string Engine::save_model() const { return encode_model(*impl_->model); }

Result<void> Engine::load_model(std::string_view text) {
  auto decoded = decode_model(text);
  if (!decoded) return decoded.error();
  impl_->model = std::move(*decoded);
  return {};
}

}  // namespace meterd::nilm
