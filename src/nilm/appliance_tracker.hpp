// src/nilm/appliance_tracker.hpp: Hart's on/off pairing into running appliance instances.
//
// An ON step (dP > 0) of a cluster opens an instance drawing the step's power (one instance per
// cluster: an ON step of a running one means its OFF was missed, it restarts); an OFF step of
// the same size on the same phase closes the running instance closest in size, preferring one
// of the OFF step's own cluster and one whose run length is usual for its cluster (Hart 1992,
// section on appliance state machines for two-state appliances, with the on-duration as a
// pairing feature). An instance whose OFF step has not been seen counts with the probability
// that it is still on given its age (EventClusters::on_probability) and is dropped when that
// becomes small or it outlives its cluster's learned maximum (its OFF was missed); a dropped
// instance attributes nothing but its OFF step may still close it while it is younger than its
// cluster's maximum and its cluster has not switched on again, so the run is learned with its
// true length (without that, a cluster whose runs were only ever seen up to some age would drop
// every longer run there and never learn it: right-censoring). A mains gap drops all (their
// state is unknown). Each running instance's power is attributed to its cluster's categories
// by their shares, when the cluster pairs reliably (mostly closed by OFF steps; otherwise its power
// stays in the residual). Bounded: at most kMaxInstances running and as many dropped (the oldest
// go first). An instance restarted by an ON step of its own cluster may have been a second
// appliance of the same size still on (two heaters of one model), not a missed OFF: it is kept
// as a shadow, counted apart (shadow_w, a regressor of the continuous part) until an OFF step of
// its size that no running instance takes ends it (before any dropped one), or until it expires
// as a running one would (kMaxInstances of them at most). At 1 Hz the pairing also uses the
// steps' reactive power across categories and, for restarts, the signature rather than the
// cluster; a leg of a switching of several phases is told from a lone step (see switch_on() and
// switch_off()). Not thread-safe; owned by the engine.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "src/nilm/event_clusters.hpp"

namespace meterd::nilm {

struct ApplianceInstance {
  int cluster = -1;
  std::uint8_t phase = 0;
  double p_w = 0.0;
  std::int64_t on_ms = 0;
  std::optional<Label> label;  // what the sub-meters said at its ON step (training)
  double q_var = std::numeric_limits<double>::quiet_NaN();  // its ON step's dQ (NaN: unknown)
  bool leg = false;  // its ON step was a leg of a switching of several phases (PhaseStep::leg)
};

// A closed instance: its cluster and how long it ran.
struct PairedRun {
  int cluster = -1;
  double on_s = 0.0;
  std::optional<Label> label;
};

class ApplianceTracker {
 public:
  static constexpr std::size_t kMaxInstances = 64;
  static constexpr double kPairTolerance = 2.0;      // times the clustering tolerance
  static constexpr double kMinOnProbability = 0.02;  // below: the instance is dropped

  // An ON step of `cluster` at t_ms on `phase`, drawing dp_w (> 0) and dq_var (NaN: not
  // measured), labelled or not; `leg`: one leg of a switching of several phases alike. It
  // restarts the running instance of its appliance (see the header comment): the one of its
  // cluster and, at 1 Hz (`clusters` not slow_sampling()), one of its phase within the
  // clustering tolerance of its (P, Q) (a neighbouring fragment of the same signature); a leg
  // never restarts a lone step's instance nor the reverse (a three-phase appliance's 2 kW leg
  // and a 2 kW single-phase heater on its phase are two appliances).
  void switch_on(std::int64_t t_ms, std::uint8_t phase, double dp_w, int cluster,
                 const std::optional<Label>& label, const EventClusters* clusters = nullptr,
                 double dq_var = std::numeric_limits<double>::quiet_NaN(), bool leg = false);

  // An OFF step (dp_w < 0) of `cluster`; the instance it closes, if any: a running one, else one
  // dropped earlier (see the header comment). With `clusters`, the run lengths weigh in, and an
  // OFF step that matches no running instance in size closes the closest-sized running instance
  // of its phase that is not larger than it and whose cluster has the OFF cluster's learned
  // category (not `other`): an appliance whose power grew during its run (a heat pump's
  // compressor draws more as the condensing temperature rises: 1.4 to 2.4 kW over a run on
  // AMPds2) ends with a larger OFF step than its ON step; the sub-meters' labels say both are its.
  // Hart's pairing in the (P, Q) plane: at 1 Hz, an OFF step whose cluster's learned category
  // is not the instance's closes it only if their reactive powers (dq_var, NaN: not measured)
  // also agree within the pairing tolerance (a lift's 2.3 kW inductive leg does not end a 3 kW
  // water heater); within a category P alone, as before (a motor's or a dimmed light's Q at its
  // OFF step need not be its ON step's). A leg (`leg`) prefers a leg's instance and a lone step
  // a lone step's (as much as its own cluster over another).
  std::optional<PairedRun> switch_off(std::int64_t t_ms, std::uint8_t phase, double dp_w,
                                      int cluster, const EventClusters* clusters = nullptr,
                                      double dq_var = std::numeric_limits<double>::quiet_NaN(),
                                      bool leg = false);

  // Drops the instances on longer than their cluster allows at t_ms (they stay closable until
  // the cluster's maximum on-time or its next ON step), and forgets the dropped ones older than
  // that.
  void expire(std::int64_t t_ms, const EventClusters& clusters);

  void clear() noexcept {
    running_.clear();
    dropped_.clear();
    shadows_.clear();
  }

  // The power per category of the shadows at t_ms (their power x their cluster's on-probability
  // at their age x its shares; clusters that pair reliably only, as attributed_w()).
  UsageArray shadow_w(const EventClusters& clusters, std::int64_t t_ms) const;
  const std::vector<ApplianceInstance>& shadows() const noexcept { return shadows_; }

  // The power of the running instances per category at t_ms (by the clusters' shares given
  // each instance's age).
  // The instances of a phase never add up to more than that phase draws (`phase_w`, NaN: no
  // limit): they are scaled down together when they would. `shares`, when given, replaces the
  // clusters' shares (the engine's labelled shares completed by priors, signature_priors.hpp).
  // `per_phase_w`, when given, receives each phase's attributed power (all categories).
  using InstanceShares = std::function<UsageArray(const ApplianceInstance&, double age_s)>;
  UsageArray attributed_w(const EventClusters& clusters, std::int64_t t_ms,
                          const std::array<double, kMaxPhases>& phase_w,
                          const InstanceShares& shares = {},
                          std::array<double, kMaxPhases>* per_phase_w = nullptr) const;

  const std::vector<ApplianceInstance>& running() const noexcept { return running_; }

 private:
  std::vector<ApplianceInstance> running_;
  std::vector<ApplianceInstance> dropped_;  // closable by their OFF step, attribute nothing
  std::vector<ApplianceInstance> shadows_;  // restarted by their own cluster (shadow_w)
};

}  // namespace meterd::nilm
