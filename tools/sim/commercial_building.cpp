#include "tools/sim/commercial_building.hpp"

#include "tools/sim/building_inventory.hpp"
#include "tools/sim/building_profile.hpp"
#include "tools/sim/site_environment.hpp"

#include <chrono>
#include <algorithm>
#include <cmath>
#include <limits>

namespace meterd::sim {
namespace {

// Measurement noise of the mains meter (1 sigma): a share of the apparent power plus an offset,
// well inside the ±1 % of IEC 62053-21 class 1.
constexpr double kNoiseRelative = 0.002;
constexpr double kNoiseOffsetW = 1.5;
// Incremental sums are rebuilt from scratch this often, so rounding cannot accumulate.
constexpr std::int64_t kResumEveryS = 600;

std::uint64_t stream_seed(std::uint64_t base, std::uint64_t stream) noexcept {
  std::uint64_t z = base + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

}  // namespace

std::string_view to_string(BuildingType type) noexcept {
  switch (type) {
    case BuildingType::office: return "office";
    case BuildingType::retail: return "retail";
    case BuildingType::school: return "school";
  }
  return "office";
}

std::optional<BuildingType> building_type_from_string(std::string_view name) noexcept {
  for (const auto t : {BuildingType::office, BuildingType::retail, BuildingType::school})
    if (name == to_string(t)) return t;
  return std::nullopt;
}

class CommercialBuilding::Impl {
 public:
  explicit Impl(const SiteConfig& config)
      : config_(config),
        rng_(stream_seed(config.seed, 1)),
        noise_(stream_seed(config.seed, 2)),
        profile_(make_profile(config.type, rng_)),
        env_(profile_, config.start, config.utc_offset_h, stream_seed(config.seed, 3)),
        items_(make_inventory(profile_, rng_)),
        due_(items_.size(), 0) {
    sample_.phases = config.phases == 1 ? 1 : 3;
    slot_.reserve(items_.size());
    for (const auto& a : items_) {
      const ApplianceBase& b = a->base();
      slot_.push_back(static_cast<std::uint8_t>(index_of(b.usage) * 4 + static_cast<std::size_t>(b.phase)));
    }
  }

  const SiteSample& step() {
    ++now_s_;
    if (now_s_ >= next_env_s_) {
      env_.update(now_s_);
      next_env_s_ = now_s_ + kEnvironmentStepS;
    } else {
      env_.set_now(now_s_);
    }
    const SiteEnvironment& env = env_.env();
    if (now_s_ >= next_due_s_) {
      next_due_s_ = std::numeric_limits<std::int64_t>::max();
      for (std::size_t i = 0; i < items_.size(); ++i) {
        if (due_[i] <= now_s_) {
          Appliance& a = *items_[i];
          const double p0 = a.p_w(), q0 = a.q_var();
          due_[i] = a.update(env, rng_);
          p_[slot_[i]] += a.p_w() - p0;
          q_[slot_[i]] += a.q_var() - q0;
        }
        next_due_s_ = std::min(next_due_s_, due_[i]);
      }
    }
    if (now_s_ >= next_resum_s_) {
      resum();
      next_resum_s_ = now_s_ + kResumEveryS;
    }
    publish();
    return sample_;
  }

  double floor_area_m2() const noexcept { return profile_.floor_area_m2; }

  std::vector<ApplianceInfo> appliances() const {
    std::vector<ApplianceInfo> out;
    for (const auto& a : items_) {
      const ApplianceBase& b = a->base();
      out.push_back({b.name, b.usage, b.rated_w, b.phase});
    }
    return out;
  }

 private:
  void resum() {
    p_.fill(0.0);
    q_.fill(0.0);
    for (std::size_t i = 0; i < items_.size(); ++i) {
      p_[slot_[i]] += items_[i]->p_w();
      q_[slot_[i]] += items_[i]->q_var();
    }
  }

  void publish() {
    SiteSample& s = sample_;
    s.time = config_.start + std::chrono::seconds{now_s_};
    double phase_p[4] = {}, phase_q[4] = {};  // L1, L2, L3, balanced three-phase
    for (std::size_t u = 0; u < kUsageCount; ++u) {
      const double* p = &p_[u * 4];
      const double* q = &q_[u * 4];
      s.truth_w[u] = (p[0] + p[1]) + (p[2] + p[3]);
      s.truth_q_var[u] = (q[0] + q[1]) + (q[2] + q[3]);
      for (std::size_t k = 0; k < 4; ++k) {
        phase_p[k] += p[k];
        phase_q[k] += q[k];
      }
    }
    const double p3 = phase_p[3] / 3.0, q3 = phase_q[3] / 3.0;
    for (std::size_t k = 0; k < 3; ++k) {
      phase_p[k] += p3;
      phase_q[k] += q3;
    }
    if (s.phases == 1) {
      phase_p[0] += phase_p[1] + phase_p[2];
      phase_q[0] += phase_q[1] + phase_q[2];
    }
    for (std::size_t k = 0; k < s.phases; ++k) {
      const double sigma = kNoiseRelative * std::sqrt(phase_p[k] * phase_p[k] + phase_q[k] * phase_q[k]) +
                           kNoiseOffsetW;
      s.p_w[k] = phase_p[k] + sigma * noise_.normal();
      s.q_var[k] = phase_q[k] + sigma * noise_.normal();
    }
  }

  SiteConfig config_;
  SimRng rng_;
  SimRng noise_;
  BuildingProfile profile_;
  EnvironmentModel env_;
  Inventory items_;
  std::vector<std::int64_t> due_;
  std::vector<std::uint8_t> slot_;  // usage × 4 + phase (3 = balanced three-phase)
  std::array<double, kUsageCount * 4> p_{}, q_{};
  std::int64_t now_s_ = -1;
  std::int64_t next_env_s_ = 0;
  std::int64_t next_due_s_ = 0;    // the earliest due_ entry
  std::int64_t next_resum_s_ = 0;
  SiteSample sample_;
};

CommercialBuilding::CommercialBuilding(const SiteConfig& config) : impl_(std::make_unique<Impl>(config)) {}
CommercialBuilding::~CommercialBuilding() = default;
const SiteSample& CommercialBuilding::step() { return impl_->step(); }
double CommercialBuilding::floor_area_m2() const noexcept { return impl_->floor_area_m2(); }
std::vector<ApplianceInfo> CommercialBuilding::appliances() const { return impl_->appliances(); }

}  // namespace meterd::sim
