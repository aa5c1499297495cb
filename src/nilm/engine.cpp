// The engine: sample-and-hold integration of the mains into steps, sub-meter subtraction,
// switching events (per-phase detector, clusters, Hart pairing, labels from sub-meter events),
// learning of the continuous model from complete sub-meters and the split of the rest.
// Method and references: docs/nilm.md.
#include "src/nilm/engine.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "src/nilm/appliance_tracker.hpp"
#include "src/nilm/change_detector.hpp"
#include "src/nilm/continuous_model.hpp"
#include "src/nilm/event_labeller.hpp"
#include "src/nilm/model_codec.hpp"
#include "src/nilm/phase_completion.hpp"
#include "src/nilm/signature_priors.hpp"
#include "src/nilm/step_accumulator.hpp"
#include "src/nilm/step_merger.hpp"
#include "src/nilm/submeter_channel.hpp"
#include "src/nilm/time_of_week.hpp"
#include "src/nilm/total_split.hpp"

namespace meterd::nilm {
namespace {

// Time constant of the running mean of the residual's Q that the continuous model's second
// regressor is taken from (docs/nilm.md, Continuous part): 1800 s, one time-of-week slot.
constexpr double kResidualQTauS = 1800.0;

// Sub-meters measuring more than the mains by this much are counted
// (EngineStats::submeters_over_mains): beyond the meters' accuracy and the skew between their
// sampling times.
constexpr double kOverMainsFactor = 1.1;
constexpr double kOverMainsW = 100.0;

}  // namespace

struct Engine::Impl {
  explicit Impl(EngineConfig c)
      : config(std::move(c)),
        steps(config.step_ms, config.utc_offset_ms),
        model(std::make_unique<LearnedModel>()) {
    if (config.max_gap_ms <= 0) config.max_gap_ms = 180'000;
    if (config.max_lag_ms < 0) config.max_lag_ms = 0;
    config.present[index_of(Usage::other)] = true;
    subs.reserve(config.submeters.size());
    for (const auto& spec : config.submeters) {
      subs.emplace_back(spec);
      config.present[index_of(spec.usage)] = true;  // measured: it exists
    }
  }

  // Moves what `w` gives the usages the site does not have (EngineConfig::present) to `other`.
  void fold_absent_into_other(UsageArray& w) const {
    for (std::size_t c = 0; c < kUsageCount; ++c) {
      if (config.present[c]) continue;
      w[index_of(Usage::other)] += w[c];
      w[c] = 0.0;
    }
  }

  // `u`, or `other` when the site does not have it (EngineConfig::present).
  Usage present_or_other(Usage u) const { return config.present[index_of(u)] ? u : Usage::other; }

  DetectorConfig detector_config() const {
    DetectorConfig d;
    d.max_gap_ms = config.max_gap_ms;
    return d;
  }

  void on_mains_event(SwitchEvent e, std::int64_t now_ms, bool remainder, bool leg) {
    EventClusters& clusters = model->clusters;
    const int cluster = clusters.assign(e.phase, e.dp_w, e.dq_var, leg);
    // A remainder's sub-meter change includes the leg taken out of it: no label.
    const auto label = remainder ? std::nullopt
                                 : label_event(e, cluster, now_ms, config.max_gap_ms, subs, clusters);
    if (e.dp_w > 0.0) {
      tracker.switch_on(e.t_ms, e.phase, e.dp_w, cluster, label, &clusters, e.dq_var, leg);
      clusters.record_on(cluster);
    } else if (const auto run =
                   tracker.switch_off(e.t_ms, e.phase, e.dp_w, cluster, &clusters, e.dq_var, leg)) {
      clusters.record_on_duration(run->cluster, run->on_s);
      if (run->label) clusters.record_labelled_run(run->cluster, *run->label, run->on_s);
    }
    tracked_stale = true;  // the running set changed
    e.cluster = cluster;
    e.usage = present_or_other(clusters.usage_of(cluster));
    if (e.usage == Usage::other) {  // unexplained: what the priors say of untaught categories
      const auto unlearned = unlearned_categories(now_ms);
      if (std::find(unlearned.begin(), unlearned.end(), true) != unlearned.end()) {
        const int occupied = occupied_hours(e.t_ms, config.utc_offset_ms) ? 1 : 0;
        e.usage = present_or_other(
            most_likely(shares_with_priors(clusters, cluster, 0.0, occupied, unlearned)));
      }
    }
    if (std::isnan(e.dq_var)) e.dq_var = 0.0;
    ++stats.events;
    if (out_events.size() >= kMaxPendingEvents)  // nobody takes them: keep the newest
      out_events.erase(out_events.begin(), out_events.begin() + kMaxPendingEvents / 2);
    out_events.push_back(e);
  }

  // The merged steps in `merged_steps`, through the three-phase completion (held a few
  // seconds on a three-phase mains; `all`: none held, a gap or the end).
  void take_merged(std::int64_t now_ms, bool all = false) {
    for (const SwitchEvent& e : merged_steps) completion.push(e, mains_phases, ready_steps);
    merged_steps.clear();
    if (all) {
      completion.release_all(model->clusters, ready_steps);
    } else {
      std::array<bool, kMaxPhases> changing{};
      for (std::size_t ph = 0; ph < kMaxPhases; ++ph)
        changing[ph] = mains_detectors[ph] && mains_detectors[ph]->in_transient();
      completion.release(now_ms, changing, model->clusters, ready_steps);
    }
    // At slow sampling every step of a sample shares its time: two loads switching on two phases
    // in the same minute are no three-phase appliance's legs.
    const bool legs = !model->clusters.slow_sampling();
    for (const PhaseStep& s : ready_steps)
      on_mains_event(s.event, now_ms, s.remainder, legs && s.leg);
    ready_steps.clear();
  }

  void detect(const PowerSample& sample) {
    mains_phases = sample.phases;
    for (std::size_t ph = 0; ph < sample.phases; ++ph) {
      auto& det = mains_detectors[ph];
      if (!det) det.emplace(static_cast<std::uint8_t>(ph), detector_config());
      if (auto e = det->push(sample.t_ms, sample.p_w[ph], sample.q_var[ph]))
        merger.push(*e, nominal_dt_ms, merged_steps);
      while (auto more = det->take_pending()) merger.push(*more, nominal_dt_ms, merged_steps);
    }
    merger.flush(sample.t_ms, nominal_dt_ms, merged_steps);
    take_merged(sample.t_ms);
    if (sample.t_ms >= next_expiry_ms) {
      tracker.expire(sample.t_ms, model->clusters);
      tracked_stale = true;
      next_expiry_ms = sample.t_ms + 10'000;
    }
  }

  void push_submeter(std::size_t i, const PowerSample& sample) {
    if (i >= subs.size() || !subs[i].push(sample)) {
      ++stats.dropped_samples;
      return;
    }
    ++stats.submeter_samples;
  }

  // The categories of the site nothing taught the engine (no live complete sub-meter, nothing
  // learned): the priors of signature_priors.hpp estimate them; `other` and the usages the site
  // does not have are never among them.
  std::array<bool, kUsageCount> unlearned_categories(std::int64_t t_ms) const {
    std::array<bool, kUsageCount> u{};
    for (const Usage c : kAllUsages)
      u[index_of(c)] =
          c != Usage::other && config.present[index_of(c)] && !model->continuous.learned(c);
    for (const auto& s : subs)
      if (s.spec().complete && s.live_at(t_ms, config.max_gap_ms))
        u[index_of(s.spec().usage)] = false;
    return u;
  }

  // Adds the residual prior of the unlearned categories to `in` (docs/nilm.md, Priors): what
  // the residual leaves once the learned categories took their part, split by base load and
  // occupied-hours excess, with the reactive balance when Q is known.
  void add_residual_prior(SplitInput& in, const std::array<bool, kUsageCount>& unlearned,
                          double rest_w, double rest_q_var, double weight_s) {
    model->base_load.update(rest_w, weight_s);
    UsageArray shares = residual_prior_w(rest_w, rest_q_var, model->base_load.base_w());
    fold_absent_into_other(shares);
    const UsageArray prior = restrict_prior(shares, unlearned, true);
    for (std::size_t c = 0; c < kUsageCount; ++c) {
      if (!unlearned[c]) continue;
      in.estimated_w[c] += prior[c];
      in.estimated_conf[c] = std::max(in.estimated_conf[c], kPriorConfidence);
    }
  }

  // Marks the categories that are one appliance off most of the time (a house's heat pump or
  // fridge): the steps their sub-meters confirmed are more than kSwitchedRatio times their mean
  // power in training. Their continuous model would spread their energy over the hours they are
  // off, so for them it may only correct the tracked instances downwards (on/off tracking has
  // priority). Step size: the clusters' |dP| weighted by the category's votes; mean power: the
  // continuous model's part plus the energy of the labelled runs (|dP| x duration class
  // centre), over the training time. Refreshed every 10 min of data.
  void refresh_switched(std::int64_t t_ms) {
    if (t_ms < next_switched_ms) return;
    next_switched_ms = t_ms + 600'000;
    UsageArray step_w{};
    UsageArray votes{};
    UsageArray run_j{};
    for (const Cluster& cl : model->clusters.clusters()) {
      for (std::size_t c = 0; c < kUsageCount; ++c) {
        step_w[c] += cl.votes[c] * cl.dp_w;
        votes[c] += cl.votes[c];
        double lower_s = 0.0;
        for (std::size_t b = 0; b < kDurationBins; ++b) {
          const double upper_s = b < kDurationEdgesS.size() ? kDurationEdgesS[b] : 2.0 * lower_s;
          run_j[c] += cl.runs[c][b] * cl.dp_w * 0.5 * (lower_s + upper_s);
          lower_s = upper_s;
        }
      }
    }
    for (std::size_t c = 0; c < kUsageCount; ++c) {
      const auto& p = std::as_const(model->continuous).pooled()[c];  // a read
      if (p.w <= 0.0 || votes[c] < kMinSwitchedVotes) {
        switched[c] = false;
        continue;
      }
      const double mean_w = (p.x + run_j[c]) / p.w;
      switched[c] = step_w[c] / votes[c] > kSwitchedRatio * mean_w;
    }
  }

  // The split of total_w at time t_ms; learns from the complete sub-meters that are live.
  Split attribute(std::int64_t t_ms, double total_w, double total_q_var,
                  const std::array<double, kMaxPhases>& phase_w) {
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
    const std::array<bool, kUsageCount> unlearned = unlearned_categories(t_ms);
    bool any_unlearned = false;
    for (bool u : unlearned) any_unlearned = any_unlearned || u;
    if (tracked_stale || t_ms >= tracked_valid_until) {  // shares follow the ages: every 5 s
      if (any_unlearned) {  // labelled shares first, priors for the unlearned categories
        tracked = tracker.attributed_w(
            model->clusters, t_ms, phase_w,
            [&](const ApplianceInstance& a, double age_s) {
              const int occupied = occupied_hours(a.on_ms, config.utc_offset_ms) ? 1 : 0;
              return shares_with_priors(model->clusters, a.cluster, age_s, occupied, unlearned);
            },
            &tracked_phase);
        tracked_q = tracked_q_var(tracker, model->clusters, t_ms);
      } else {
        tracked = tracker.attributed_w(model->clusters, t_ms, phase_w, {}, &tracked_phase);
        if (std::isfinite(total_q_var)) tracked_q = tracked_q_var(tracker, model->clusters, t_ms);
      }
      fold_absent_into_other(tracked);  // labels of a model learned with another config
      shadow = tracker.shadow_w(model->clusters, t_ms);
      fold_absent_into_other(shadow);
      tracked_valid_until = t_ms + 5'000;
      tracked_stale = false;
    }
    double residual = total_w;
    for (std::size_t c = 0; c < kUsageCount; ++c) residual -= partial[c] + tracked[c];
    refresh_switched(t_ms);
    const std::int64_t step_start = steps.step_start(t_ms);
    const std::size_t slot = time_of_week_slot(t_ms, config.utc_offset_ms);
    const double weight_s =
        static_cast<double>(std::min(nominal_dt_ms, config.max_gap_ms)) / 1000.0;
    // The residual's reactive power high-passed: its deviation from its own running mean over
    // kResidualQTauS (0 without Q). Its level drifts between weeks; its changes tell motors
    // (Q) from resistive loads (none).
    double dq = 0.0;
    if (std::isfinite(total_q_var)) {
      const double rq = total_q_var - tracked_q;
      if (!has_rq_slow) {
        rq_slow = rq;
        has_rq_slow = true;
      }
      rq_slow += (1.0 - std::exp(-weight_s / kResidualQTauS)) * (rq - rq_slow);
      dq = rq - rq_slow;
    }
    // The residual's phase contrasts (ContinuousModel): the per-phase residuals R_k (phase k
    // minus the tracked instances on it; the partial sub-meters' phases are unknown) one minus
    // the next; not measured (NaN: the model then holds it at its level) for a phase missing.
    ContinuousModel::Contrasts contrasts;
    contrasts.fill(std::numeric_limits<double>::quiet_NaN());
    for (std::size_t k = 0; k + 1 < mains_phases && k < ContinuousModel::kContrasts; ++k)
      contrasts[k] = (phase_w[k] - tracked_phase[k]) - (phase_w[k + 1] - tracked_phase[k + 1]);
    double rest = residual;  // what the learned categories leave of the residual
    for (const Usage u : kAllUsages) {
      const std::size_t c = index_of(u);
      if (in.complete[c]) {
        in.measured_w[c] = complete_w[c];
        model->continuous.observe(t_ms, slot, u, residual, complete_w[c] - tracked[c], weight_s, dq,
                                  complete_w[c] <= ContinuousModel::kOffW, shadow[c], contrasts);
        rest -= complete_w[c] - tracked[c];
        continue;
      }
      in.measured_w[c] = partial[c];
      if (u == Usage::other || !config.present[c]) continue;  // absent: 0, the rest is other's
      double continuous = model->continuous.estimate(slot, u, residual, dq, shadow[c], contrasts);
      if (switched[c]) continuous = std::min(continuous, 0.0);  // tracking has priority
      // With none of its appliances tracked running, the category may be entirely off (a
      // stopped air-handling unit): its expected power is the fit times the probability of
      // the on state given the residual (a switching regression).
      const double on = tracked[c] <= ContinuousModel::kOffW
                            ? model->continuous.on_probability(slot, u, residual)
                            : 1.0;
      // Clamped at 0 over the output step, not per sample (StepClamp).
      in.estimated_w[c] = clamps[c].take(step_start, on * (tracked[c] + continuous), weight_s);
      continuous *= on;
      in.estimated_conf[c] = model->continuous.confidence(slot, u);
      rest -= continuous;
    }
    if (any_unlearned) {
      // The residual's Q is known when the mains measure it and no sub-meter's Q is missing.
      bool subs_live = false;
      for (const auto& s : subs) subs_live = subs_live || s.live_at(t_ms, config.max_gap_ms);
      const double rest_q =
          subs_live ? std::numeric_limits<double>::quiet_NaN() : total_q_var - tracked_q;
      add_residual_prior(in, unlearned, rest, rest_q, weight_s);
    }
    double measured = 0.0;
    for (const double w : in.measured_w) measured += std::max(w, 0.0);
    // Only while the site draws: exporting (generation behind the mains), the sub-meters'
    // loads exceed the net mains by right.
    if (total_w > 0.0 && measured > kOverMainsFactor * total_w + kOverMainsW)
      ++stats.submeters_over_mains;
    return split_total(in);
  }

  // Integrates the pending sample over `hold_ms` and forgets it.
  void flush_pending(std::int64_t hold_ms) {
    steps.add(pending_t, hold_ms, pending_total, pending.power_w, pending.confidence);
    has_pending = false;
  }

  // A mains silence longer than max_gap: the pending sample covers one nominal period only.
  // Running appliances are forgotten: their state after the silence is unknown.
  void close_gap() {
    ++stats.gaps;
    merger.release_all(merged_steps);  // steps before the silence
    take_merged(last_mains_ms, true);
    flush_pending(std::min(nominal_dt_ms, config.max_gap_ms));
    tracker.clear();
    tracked_stale = true;
    has_rq_slow = false;  // the residual's Q restarts from what the tracker knows now
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
        model->clusters.set_slow_sampling(dt >= StepMerger::kSlowSampleMs);
        flush_pending(dt);
      }
    }
    detect(sample);
    has_last = true;
    last_mains_ms = sample.t_ms;
    pending_t = sample.t_ms;
    pending_total = total;
    std::array<double, kMaxPhases> phase_w;
    phase_w.fill(std::numeric_limits<double>::quiet_NaN());
    for (std::size_t ph = 0; ph < sample.phases; ++ph) phase_w[ph] = sample.p_w[ph];
    pending = attribute(sample.t_ms, total, total_reactive_var(sample), phase_w);
    has_pending = true;
    emit_until(sample.t_ms);
  }

  void advance_to(std::int64_t now_ms) {
    if (has_pending && now_ms - pending_t > config.max_gap_ms) close_gap();
    const std::int64_t lag_edge = now_ms - config.max_lag_ms;
    emit_until(has_pending ? std::max(pending_t, lag_edge) : now_ms);
  }

  void finish() {
    merger.release_all(merged_steps);
    take_merged(last_mains_ms, true);
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
  std::array<std::optional<ChangeDetector>, kMaxPhases> mains_detectors;
  StepMerger merger;
  std::vector<SwitchEvent> merged_steps;  // out of the merger, not yet taken
  PhaseCompletion completion;
  std::vector<PhaseStep> ready_steps;  // out of the completion, not yet taken
  std::size_t mains_phases = 1;
  ApplianceTracker tracker;
  UsageArray tracked{};                            // their power per category, cached
  std::array<double, kMaxPhases> tracked_phase{};  // and per phase
  UsageArray shadow{};     // the shadow instances' (ApplianceTracker::shadow_w), cached
  double tracked_q = 0.0;  // and their reactive power (when the mains measure Q)
  double rq_slow = 0.0;    // running mean of the residual's Q (kResidualQTauS)
  bool has_rq_slow = false;
  std::int64_t tracked_valid_until = 0;
  bool tracked_stale = true;
  std::int64_t next_expiry_ms = 0;
  std::array<bool, kUsageCount> switched{};  // see refresh_switched()
  std::int64_t next_switched_ms = 0;
  std::array<StepClamp, kUsageCount> clamps;  // the estimates' clamp at 0 per output step
  static constexpr double kSwitchedRatio = 4.0;
  static constexpr double kMinSwitchedVotes = 20.0;
  static constexpr std::size_t kMaxPendingEvents = 8'192;

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
  impl_->push_submeter(submeter, sample);
}

void Engine::advance_to(std::int64_t now_ms) { impl_->advance_to(now_ms); }

void Engine::finish() { impl_->finish(); }

std::vector<StepResult> Engine::take_steps() { return std::exchange(impl_->out_steps, {}); }

std::vector<SwitchEvent> Engine::take_events() { return std::exchange(impl_->out_events, {}); }

void Engine::set_utc_offset(std::int64_t utc_offset_ms) noexcept {
  impl_->config.utc_offset_ms = utc_offset_ms;  // the steps' grid is the StepAccumulator's own
}

const EngineStats& Engine::stats() const noexcept { return impl_->stats; }

const EngineConfig& Engine::config() const noexcept { return impl_->config; }

std::string Engine::save_model() const { return encode_model(*impl_->model); }

Result<void> Engine::load_model(std::string_view text) {
  auto decoded = decode_model(text);
  if (!decoded) return decoded.error();
  impl_->model = std::move(*decoded);
  impl_->tracker.clear();  // running instances referred to the old clusters
  impl_->tracked_stale = true;
  impl_->next_switched_ms = 0;  // the switched categories of the new model
  return {};
}

}  // namespace meterd::nilm
