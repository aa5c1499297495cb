// src/nilm/event_clusters.hpp: online clustering of switching signatures into appliances.
//
// Hart 1992 ("Nonintrusive appliance load monitoring", Proc. IEEE 80(12)) clusters the steps of
// the (P, Q) signal: the ON and OFF steps of one appliance have the same magnitude and opposite
// signs. A cluster here is a signature (phase, |dP|, dQ of the ON direction) with a relative
// tolerance; a step matches the nearest cluster of its phase within tolerance (Q compared only
// when both are measured), otherwise it founds a new one (leader clustering, one pass). Each
// cluster keeps its count, its on-durations (from the pairing) and category votes from the
// sub-meters (event_labeller.hpp): votes[c] = the part of its steps explained by category c's
// sub-meters, `unmatched` = the part nothing explained. P(category | cluster)
// = votes[c] / (sum votes + unmatched), refined by how long a run has lasted when enough
// labelled runs are known. Bounded: at most kMaxClusters; when full, the least
// used cluster without votes is recycled. Not thread-safe; owned by the engine.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "src/nilm/step_accumulator.hpp"

namespace meterd::nilm {

// What the sub-meters said about one step: the share of each category, the rest unexplained.
struct Label {
  UsageArray share{};
  double unexplained = 0.0;
};

// On-duration classes of labelled runs, upper edges in seconds (the last class is open).
inline constexpr std::array<double, 7> kDurationEdgesS{30, 60, 120, 300, 600, 1200, 3600};
inline constexpr std::size_t kDurationBins = kDurationEdgesS.size() + 1;
using RunHistogram = std::array<std::array<double, kDurationBins>, kUsageCount + 1>;

struct Cluster {
  std::uint8_t phase = 0;
  double dp_w = 0.0;    // mean |dP| of its steps (ON direction)
  double dq_var = 0.0;  // mean dQ of its ON steps (0 when Q never measured)
  bool has_q = false;
  bool leg = false;     // a leg's: its steps come with steps of their size on another phase
  double count = 0.0;      // steps matched
  UsageArray votes{};      // steps confirmed by a sub-meter of each category
  double unmatched = 0.0;  // steps seen in training that no sub-meter confirmed
  double ons = 0.0;        // ON steps seen
  double on_count = 0.0;   // of them closed by an OFF step (paired on-durations)
  double on_mean_s = 0.0;  // their mean
  double on_max_s = 0.0;   // their max
  RunHistogram runs{};     // labelled runs by category (last row: unexplained) and duration
  std::array<double, kDurationBins> durations{};  // all paired runs by duration
};

class EventClusters {
 public:
  static constexpr std::size_t kMaxClusters = 256;
  static constexpr double kRelTolerance = 0.05;  // of |dP|
  static constexpr double kAbsToleranceW = 25.0;

  // The cluster of a step of (dp, dq) on `phase` (dq NaN = not measured), created if none
  // matches; the cluster's mean follows the step. -1 when |dp| is 0 or not finite. `leg`: the
  // step is a leg of a three-phase switching (PhaseStep::leg); legs and lone steps of one size
  // are different signatures and never share a cluster (Hart 1992 tells a 240 V appliance,
  // present on both legs of the supply, from a 120 V one of the same size).
  int assign(std::uint8_t phase, double dp_w, double dq_var, bool leg = false);
  // The cluster assign() would put the step in, without changing anything; -1 when none matches.
  int match(std::uint8_t phase, double dp_w, double dq_var, bool leg = false) const noexcept;

  // The matching tolerance (W) of a step or cluster of |w| W: kRelTolerance of it, at least
  // kAbsToleranceW.
  static double tolerance_w(double w) noexcept;
  // Whether two step magnitudes (W) are the same appliance's within the tolerance.
  static bool same_size(double a_w, double b_w) noexcept;

  // Adds `weight` (0..1) of a step to the votes for `usage` / to the unexplained steps.
  void vote(int cluster, Usage usage, double weight = 1.0);
  void unmatched(int cluster, double weight = 1.0);
  // An ON step of the cluster / one of its instances closed by an OFF step after `seconds`.
  void record_on(int cluster);
  void record_on_duration(int cluster, double seconds);
  // Whether the cluster's ON steps are mostly closed by a matching OFF step (a two-state
  // appliance Hart's pairing follows; a cluster of coincident switchings is not). With slow
  // sampling (set_slow_sampling) a cluster the sub-meters confirmed as one category's
  // switchings (>= 80 % of its labelled steps, >= 5 of them) needs only half of its ON steps
  // paired: there another load switching in the same sample hides many OFF steps of a real
  // two-state appliance (AMPds2 at 1 min: 45 % of the fridge's), and the sub-meter's
  // confirmation is the direct evidence that the pairing share stands for.
  // The paired share is pooled over the clusters of the phase whose centres lie within the
  // matching tolerance of the cluster's (itself included): the cluster means follow their steps,
  // so one appliance's steps end up split over neighbouring clusters (leader clustering drifts),
  // and its OFF step then often closes an instance of a neighbour (pairing across clusters is
  // allowed), leaving each fragment's own share short of its appliance's. So a cluster with
  // kMinLabelledRuns paired runs of its own pairs reliably when its own or its neighbourhood's
  // paired share is >= 80 % (neighbours of its kind: legs with legs, lone steps with lone steps).
  // The runs are pooled too: at 1 Hz a fragment with 3 paired runs of its own pairs reliably
  // when its neighbourhood has kMinLabelledRuns paired runs and >= 80 % of its ON steps paired
  // (a fragment founded late, e.g. one leg of a three-phase light, gets few runs of its own).
  bool pairs_reliably(int cluster) const noexcept;
  // Whether the mains are sampled slowly (StepMerger::kSlowSampleMs or more between samples).
  void set_slow_sampling(bool slow) noexcept { slow_sampling_ = slow; }
  bool slow_sampling() const noexcept { return slow_sampling_; }

  // A run of the cluster, labelled at its ON step, closed by an OFF step after `seconds`.
  void record_labelled_run(int cluster, const Label& label, double seconds);

  // P(category | cluster), summing to <= 1 (the rest is unexplained); zeros for -1.
  UsageArray shares(int cluster) const noexcept;
  // P(category | cluster, still on after age_s): from the labelled runs that lasted at least
  // that long (Hart's duration feature: a 2 kW step on for 10 min is a convector, not the
  // kettle of the same size); shares(cluster) when too few runs are known.
  UsageArray shares(int cluster, double age_s) const noexcept;
  // The category with most votes, `other` when none or when most steps were unexplained.
  Usage usage_of(int cluster) const noexcept;
  // How long an instance of the cluster may stay on before it is considered lost, s.
  double max_on_s(int cluster) const noexcept;
  // The probability that an instance of the cluster whose OFF step has not been seen is still
  // on after age_s: S / (S + (1 - S)(1 - q)), S the share of the cluster's paired runs longer
  // than age_s, q the share of its ON steps closed by a seen OFF step (Bayes). 1 while fewer
  // than a few runs are known.
  double on_probability(int cluster, double age_s) const noexcept;

  // How usual a run of age_s is for the cluster, 0..1: three times the share of its paired runs
  // that lasted between age_s / 1.5 and 1.5 age_s, at most 1 (a length a third of the runs come
  // close to is fully usual). 1 while fewer than a few runs are known, and with slow sampling
  // (run lengths of a few samples whose onsets the step merger moves: on AMPds2 at 1 min the
  // term made the fridge's MAE worse, 54.9 -> 55.5 W on the test day).
  double run_plausibility(int cluster, double age_s) const noexcept;

  const std::vector<Cluster>& clusters() const noexcept { return clusters_; }
  std::vector<Cluster>& clusters() noexcept {
    ++version_;  // the caller may change them
    return clusters_;
  }

 private:
  // The pooled paired share's test for cluster i (see pairs_reliably()).
  bool pooled_pairs_reliably(std::size_t i) const noexcept;

  std::vector<Cluster> clusters_;
  bool slow_sampling_ = false;
  // pairs_reliably()'s pooled test per cluster, valid while reliable_version_[i] == version_
  // (version_ counts the changes of the clusters' centres and pairing counts).
  std::uint64_t version_ = 1;
  mutable std::vector<std::uint64_t> reliable_version_;
  mutable std::vector<bool> reliable_;
};

}  // namespace meterd::nilm
