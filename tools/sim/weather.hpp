// tools/sim/weather.hpp: sun position, cloud cover and outdoor temperature at the building.
//
// Sun elevation follows the usual declination / hour-angle approximation (Cooper's formula for
// the declination); clouds are a mean-reverting random process around a daily regime (clear,
// broken or overcast); outdoor temperature is a seasonal and diurnal cycle plus weather noise.
// Deterministic for a given random generator state; not thread-safe (owned by BuildingModel).
#pragma once

#include "meterd/time.hpp"

#include <random>

namespace meterd::sim {

struct SiteLocation {
  double latitude_deg = 46.2;  // Geneva-like
  double longitude_deg = 6.1;
};

// Sine of the sun's elevation at UTC time `t` (negative at night).
double sun_elevation_sine(UtcTime t, const SiteLocation& site) noexcept;

class Weather {
 public:
  explicit Weather(std::mt19937_64& rng);

  // Advances the weather to time `t` (steps of `dt_s` seconds).
  void step(UtcTime t, const SiteLocation& site, double dt_s, std::mt19937_64& rng);

  double sun_sine() const noexcept { return sun_sine_; }
  double cloud_cover() const noexcept { return cloud_; }  // [0, 1]
  // Share of clear-sky irradiance reaching the panels in [0.2, 1] (cloud cover and edges).
  double sky_transmittance() const noexcept;
  double outdoor_c() const noexcept { return outdoor_c_; }
  // Daylight in [0, 1] as an occupant perceives it (drives lighting dimming).
  double daylight() const noexcept;

 private:
  long long day_ = -1;
  double regime_ = 0.3;   // the day's mean cloud cover
  double cloud_ = 0.3;
  double deviation_ = 0.0;  // slow departure from the regime
  double flicker_ = 0.0;    // fast cloud edges
  double temp_noise_ = 0.0;
  double sun_sine_ = 0.0;
  double outdoor_c_ = 10.0;
};

}  // namespace meterd::sim
