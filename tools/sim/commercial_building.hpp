// tools/sim/commercial_building.hpp: a simulated commercial building with per-usage ground truth.
//
// An office, a shop or a school of 1,000-3,000 m² with a three-phase supply: dozens of
// appliances of every meterd::Usage (lighting zones, IT, heat pumps and split systems with
// thermostats, water heaters and convectors, air-handling units with variable-speed fans,
// pumps, kitchen, refrigeration, lifts), each with its size, phase, power factor, schedule and
// start-up inrush. One call of step() simulates one second; the model is a pure function of
// its SiteConfig (same config, same samples, with a given standard library). The mains are measured with the
// noise of a class 1 meter; the ground truth is noise-free, and the phases of the mains add up
// to the truth within that noise only (closure). Built for speed: appliances update on their
// own event times, not every second (several million steps/s in release on one core).
// Not thread-safe: one owner per object; independent objects may run in parallel.
#pragma once

#include "meterd/time.hpp"
#include "meterd/usage.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meterd::sim {

enum class BuildingType { office, retail, school };

// "office", "retail", "school".
std::string_view to_string(BuildingType type) noexcept;
// The inverse of to_string(); nullopt for anything else.
std::optional<BuildingType> building_type_from_string(std::string_view name) noexcept;

struct SiteConfig {
  BuildingType type = BuildingType::office;
  std::uint64_t seed = 1;      // sizes, counts, weather and every random event
  UtcTime start{};             // time of the first sample (whole seconds)
  std::uint8_t phases = 3;     // 3: per-phase mains; 1: the sum of the phases on phase index 0
  double utc_offset_h = 1.0;   // the building's local time (schedules), no daylight saving
};

struct SiteSample {
  UtcTime time{};                                // start of the second this sample averages
  std::uint8_t phases = 3;
  std::array<double, 3> p_w{}, q_var{};          // mains per phase as a meter measures them
  std::array<double, kUsageCount> truth_w{};     // noise-free active power of each Usage
  std::array<double, kUsageCount> truth_q_var{}; // and reactive (var > 0 inductive)
};

// One appliance of the building, for documentation and tests.
struct ApplianceInfo {
  std::string name;
  Usage usage = Usage::other;
  double rated_w = 0.0;   // electrical power at full load, W
  int phase = 0;          // 0, 1, 2 (L1..L3) or 3 (a balanced three-phase load)
};

class CommercialBuilding {
 public:
  // Draws the building (size, appliances) and its initial state from config.seed.
  explicit CommercialBuilding(const SiteConfig& config);
  ~CommercialBuilding();
  CommercialBuilding(const CommercialBuilding&) = delete;
  CommercialBuilding& operator=(const CommercialBuilding&) = delete;

  // Simulates the next second and returns its sample: the first call returns the second that
  // starts at config.start, each further call the following one. The reference stays valid
  // until the next call.
  const SiteSample& step();

  // The building's floor area, m², and its appliances (fixed for the object's life).
  double floor_area_m2() const noexcept;
  std::vector<ApplianceInfo> appliances() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace meterd::sim
