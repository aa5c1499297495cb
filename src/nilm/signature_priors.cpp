// The rules of signature_priors.hpp. Every number here is a prior (docs/nilm.md, "Priors (no
// sub-meters)" gives the reasoning and the sources), not a measurement.
#include "src/nilm/signature_priors.hpp"

#include <algorithm>
#include <cmath>

#include "src/nilm/time_of_week.hpp"

namespace meterd::nilm {
namespace {

// Rows: P(lighting, it, heat_cold_production, heating_elements, ventilation, hvac_auxiliaries,
// other), each summing to 1, by run class (brief, short, cycle, long).
using Row = UsageArray;
using ByRun = std::array<Row, kRunClassCount>;

// Resistive (PF >= 0.97): kettles, coffee machines, ovens are brief or short (`other`); heating
// elements (convectors, water heaters, electric boilers) hold for thermostat cycles or longer.
constexpr ByRun kResistive{{
    {0, 0, 0, 0.15, 0, 0, 0.85},
    {0, 0, 0, 0.40, 0, 0, 0.60},
    {0, 0, 0, 0.80, 0, 0, 0.20},
    {0, 0, 0, 0.75, 0, 0, 0.25},
}};
// Lagging, large per phase (>= 1.5 kW): compressors of heat pumps and chillers cycle on their
// thermostat (5-60 min); lifts and starts are brief; fixed-speed air-handling fans run for hours.
constexpr ByRun kInductiveLarge{{
    {0, 0, 0.10, 0, 0.10, 0, 0.80},
    {0, 0, 0.40, 0, 0.10, 0, 0.50},
    {0, 0, 0.80, 0, 0.10, 0, 0.10},
    {0, 0, 0.45, 0, 0.45, 0, 0.10},
}};
// Lagging, medium (0.6-1.5 kW): microwaves and small compressors, split systems, fixed-speed
// fans on a schedule.
constexpr ByRun kInductiveMedium{{
    {0, 0, 0.15, 0, 0, 0, 0.85},
    {0, 0, 0.30, 0, 0.10, 0, 0.60},
    {0, 0, 0.60, 0, 0.15, 0, 0.25},
    {0, 0, 0.15, 0, 0.50, 0.25, 0.10},
}};
// Lagging, small (< 600 W): refrigeration cycles (`other`), circulators and pumps run for hours.
constexpr ByRun kInductiveSmall{{
    {0, 0, 0, 0, 0, 0.10, 0.90},
    {0, 0, 0, 0, 0, 0.30, 0.70},
    {0, 0, 0.10, 0, 0, 0.30, 0.60},
    {0, 0, 0, 0, 0.25, 0.55, 0.20},
}};
// Leading: LED drivers and switched-mode supplies. Long runs in occupied hours are lighting
// zones; outside them IT (or exterior lighting); brief ones are office equipment.
constexpr ByRun kCapacitiveOccupied{{
    {0, 0.60, 0, 0, 0, 0, 0.40},
    {0.20, 0.50, 0, 0, 0, 0, 0.30},
    {0.65, 0.25, 0, 0, 0, 0, 0.10},
    {0.65, 0.25, 0, 0, 0, 0, 0.10},
}};
constexpr ByRun kCapacitiveUnoccupied{{
    {0, 0.60, 0, 0, 0, 0, 0.40},
    {0.20, 0.50, 0, 0, 0, 0, 0.30},
    {0.45, 0.45, 0, 0, 0, 0, 0.10},
    {0.45, 0.45, 0, 0, 0, 0, 0.10},
}};

// The residual: base load (nights, weekends: servers, UPS, network, standby, refrigeration,
// emergency and exterior lighting, some circulation) and the occupied-hours excess.
constexpr UsageArray kBaseShares{0.10, 0.45, 0.0, 0.0, 0.10, 0.10, 0.25};
// ECG19 type 3 typical electricity, kWh/m2/yr: lighting 54, office equipment 31 (IT), cooling
// 31 (heat/cold), fans, pumps and controls 60 (2/3 ventilation = 40, 1/3 auxiliaries = 20),
// humidification 18 + catering 6 + other 8 (other = 32); the computer room (18) runs day and
// night and is in the base. Normalised over 208.
constexpr UsageArray kExcessShares{54.0 / 208, 31.0 / 208, 31.0 / 208, 0.0,
                                   40.0 / 208, 20.0 / 208, 32.0 / 208};

// tan(phi) of each category's continuous loads: LED drivers PF ~0.94 leading, IT PSUs with PFC
// ~0.97 leading, compressors ~0.85, resistive 1, fans ~0.87 and pumps ~0.8 lagging, plug loads
// and refrigeration mixed, lagging on balance.
constexpr UsageArray kQRatio{-0.35, -0.25, 0.62, 0.0, 0.55, 0.75, 0.30};

constexpr double kQDamping = 0.7;   // how far the reactive balance moves the split
constexpr double kMaxFactor = 3.0;  // of a category's prior share, after the correction

UsageArray mix(const UsageArray& a, double wa, const UsageArray& b, double wb) noexcept {
  UsageArray out{};
  for (std::size_t c = 0; c < kUsageCount; ++c) out[c] = wa * a[c] + wb * b[c];
  return out;
}

const ByRun& inductive_table(double dp_w) noexcept {
  if (dp_w >= kLargeMinW) return kInductiveLarge;
  if (dp_w >= kSmallMaxW) return kInductiveMedium;
  return kInductiveSmall;
}

const ByRun& capacitive_table(int occupied) noexcept {
  return occupied == 0 ? kCapacitiveUnoccupied : kCapacitiveOccupied;
}

std::size_t duration_bin(double seconds) noexcept {
  std::size_t bin = 0;
  while (bin < kDurationEdgesS.size() && seconds >= kDurationEdgesS[bin]) ++bin;
  return bin;
}

// The run class a duration bin of EventClusters falls in (its edges fall on the class edges).
RunClass bin_class(std::size_t bin) noexcept {
  const double lo = bin == 0 ? 0.0 : kDurationEdgesS[bin - 1];
  return run_class(lo);
}

}  // namespace

LoadNature load_nature(double dp_w, double dq_var) noexcept {
  if (!(dp_w > 0.0) || !std::isfinite(dp_w)) return LoadNature::unknown;
  if (!std::isfinite(dq_var)) return LoadNature::unknown;
  const double ratio = dq_var / dp_w;
  if (ratio < kCapacitiveMinQRatio) return LoadNature::capacitive;
  if (std::abs(ratio) <= kResistiveMaxQRatio) return LoadNature::resistive;
  return ratio > 0.0 ? LoadNature::inductive : LoadNature::capacitive;
}

RunClass run_class(double seconds) noexcept {
  if (!(seconds >= kBriefMaxS)) return RunClass::brief;  // NaN too
  if (seconds < kShortMaxS) return RunClass::short_run;
  if (seconds < kCycleMaxS) return RunClass::cycle;
  return RunClass::long_run;
}

UsageArray step_prior(const StepSignature& s) noexcept {
  const auto r = static_cast<std::size_t>(s.run);
  const double p = std::abs(s.dp_w);
  switch (load_nature(p, s.dq_var)) {
    case LoadNature::resistive:
      return kResistive[r];
    case LoadNature::inductive:
      return inductive_table(p)[r];
    case LoadNature::capacitive:
      return capacitive_table(s.occupied)[r];
    case LoadNature::unknown:
      break;
  }
  // P alone: the size and duration still speak, the nature is a mix (resistive and lagging
  // loads dominate switched steps in commercial buildings; LED and IT mostly drift).
  const UsageArray lagging_or_resistive = mix(kResistive[r], 0.5, inductive_table(p)[r], 0.5);
  return mix(lagging_or_resistive, 0.9, capacitive_table(s.occupied)[r], 0.1);
}

UsageArray cluster_prior(const Cluster& cluster, double age_s, int occupied) noexcept {
  StepSignature sig;
  sig.dp_w = cluster.dp_w;
  sig.dq_var = cluster.has_q ? cluster.dq_var : std::numeric_limits<double>::quiet_NaN();
  sig.occupied = occupied;
  const std::size_t first = duration_bin(std::max(age_s, 0.0));
  std::array<double, kRunClassCount> weight{};
  double total = 0.0;
  for (std::size_t b = first; b < kDurationBins; ++b) {
    weight[static_cast<std::size_t>(bin_class(b))] += cluster.durations[b];
    total += cluster.durations[b];
  }
  if (!(total >= 1.0)) {  // no run that long known: every class it may still end in
    weight = {};
    total = 0.0;
    for (std::size_t k = static_cast<std::size_t>(run_class(age_s)); k < kRunClassCount; ++k) {
      weight[k] = 1.0;
      total += 1.0;
    }
  }
  UsageArray out{};
  for (std::size_t k = 0; k < kRunClassCount; ++k) {
    if (weight[k] <= 0.0) continue;
    sig.run = static_cast<RunClass>(k);
    const UsageArray row = step_prior(sig);
    for (std::size_t c = 0; c < kUsageCount; ++c) out[c] += weight[k] / total * row[c];
  }
  return out;
}

bool occupied_hours(std::int64_t t_ms, std::int64_t utc_offset_ms) noexcept {
  const int wd = local_weekday(t_ms, utc_offset_ms);
  if (wd >= 5) return false;
  const std::size_t half_hour = time_of_week_slot(t_ms, utc_offset_ms) % kSlotsPerDay;
  return half_hour >= 14 && half_hour < 38;  // 07:00 to 19:00
}

UsageArray restrict_prior(const UsageArray& prior, const std::array<bool, kUsageCount>& allowed,
                          bool keep_mass) noexcept {
  const std::size_t other = index_of(Usage::other);
  double before = 0.0;
  double kept = 0.0;
  bool any = false;
  for (std::size_t c = 0; c < kUsageCount; ++c) {
    before += prior[c];
    if (c == other || allowed[c]) kept += prior[c];
    any = any || (c != other && allowed[c] && prior[c] > 0.0);
  }
  UsageArray out{};
  if (!any || !(kept > 0.0)) return out;
  const double f = keep_mass ? before / kept : 1.0;
  for (std::size_t c = 0; c < kUsageCount; ++c)
    if (c == other || allowed[c]) out[c] = prior[c] * f;
  return out;
}

UsageArray shares_with_priors(const EventClusters& clusters, int cluster, double age_s,
                              int occupied,
                              const std::array<bool, kUsageCount>& unlearned) noexcept {
  UsageArray s = clusters.shares(cluster, age_s);
  if (cluster < 0 || static_cast<std::size_t>(cluster) >= clusters.clusters().size()) return s;
  double labelled = 0.0;
  for (double v : s) labelled += v;
  const double rest = 1.0 - labelled;
  if (!(rest > 1e-9)) return s;
  const UsageArray prior = restrict_prior(
      cluster_prior(clusters.clusters()[static_cast<std::size_t>(cluster)], age_s, occupied),
      unlearned, false);
  for (std::size_t c = 0; c < kUsageCount; ++c) s[c] += rest * prior[c];
  return s;
}

double nominal_q_ratio(Usage usage) noexcept { return kQRatio[index_of(usage)]; }

const UsageArray& base_load_shares() noexcept { return kBaseShares; }

const UsageArray& excess_load_shares() noexcept { return kExcessShares; }

UsageArray residual_prior_w(double residual_w, double residual_q_var, double base_w) noexcept {
  UsageArray x{};
  if (!std::isfinite(residual_w) || residual_w <= 0.0) return x;
  const double base = std::clamp(std::isfinite(base_w) ? base_w : 0.0, 0.0, residual_w);
  x = mix(kBaseShares, base, kExcessShares, residual_w - base);
  if (!std::isfinite(residual_q_var)) return x;
  // Least chi-square change x'_c = x_c (1 + a + b t_c) with sum x' = P and sum x' t = Q.
  double s0 = 0.0, s1 = 0.0, s2 = 0.0;
  for (std::size_t c = 0; c < kUsageCount; ++c) {
    s0 += x[c];
    s1 += x[c] * kQRatio[c];
    s2 += x[c] * kQRatio[c] * kQRatio[c];
  }
  const double var = s2 - s1 * s1 / s0;
  if (!(var > 1e-9 * s0)) return x;
  const double b = kQDamping * (residual_q_var - s1) / var;
  const double a = -b * s1 / s0;
  double sum = 0.0;
  for (std::size_t c = 0; c < kUsageCount; ++c) {
    x[c] *= std::clamp(1.0 + a + b * kQRatio[c], 0.0, kMaxFactor);
    sum += x[c];
  }
  if (!(sum > 0.0)) return mix(kBaseShares, base, kExcessShares, residual_w - base);
  for (double& v : x) v *= residual_w / sum;  // the clamps may have moved the sum
  return x;
}

Usage most_likely(const UsageArray& p) noexcept {
  std::size_t best = index_of(Usage::other);
  double most = 0.0;
  for (std::size_t c = 0; c < kUsageCount; ++c)
    if (p[c] > most) {
      most = p[c];
      best = c;
    }
  return kAllUsages[best];
}

double tracked_q_var(const ApplianceTracker& tracker, const EventClusters& clusters,
                     std::int64_t t_ms) noexcept {
  double q = 0.0;
  for (const ApplianceInstance& a : tracker.running()) {
    if (!clusters.pairs_reliably(a.cluster)) continue;
    const Cluster& c = clusters.clusters()[static_cast<std::size_t>(a.cluster)];
    if (!c.has_q || !(c.dp_w > 0.0)) continue;
    const double age_s = static_cast<double>(t_ms - a.on_ms) / 1000.0;
    q += a.p_w * clusters.on_probability(a.cluster, age_s) * c.dq_var / c.dp_w;
  }
  return q;
}

void BaseLoadTracker::update(double residual_w, double dt_s) noexcept {
  if (!std::isfinite(residual_w) || !(dt_s > 0.0)) return;
  if (!ready_) {
    base_w_ = residual_w;
    ready_ = true;
    return;
  }
  const double step = std::min(kRatePerS * dt_s, 0.5) * std::max(std::abs(base_w_), 1.0);
  base_w_ += residual_w < base_w_ ? -(1.0 - kQuantile) * step : kQuantile * step;
}

}  // namespace meterd::nilm
