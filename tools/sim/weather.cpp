#include "tools/sim/weather.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>

namespace meterd::sim {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

double ou_step(double x, double tau_s, double sigma, double dt_s, std::mt19937_64& rng) {
  const double a = std::exp(-dt_s / tau_s);
  return x * a + sigma * std::sqrt(1.0 - a * a) * std::normal_distribution<double>{0.0, 1.0}(rng);
}

int day_of_year(UtcTime t) noexcept {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  return static_cast<int>((day - sys_days{year_month_day{day}.year() / January / 1}).count());
}

}  // namespace

double sun_elevation_sine(UtcTime t, const SiteLocation& site) noexcept {
  using namespace std::chrono;
  const double doy = day_of_year(t);
  const double declination = 23.44 * kDeg * std::sin(2.0 * std::numbers::pi * (284.0 + doy + 1.0) / 365.0);
  const double utc_hours = duration<double, std::ratio<3600>>(t - floor<days>(t)).count();
  const double solar_hours = utc_hours + site.longitude_deg / 15.0;
  const double hour_angle = (solar_hours - 12.0) * 15.0 * kDeg;
  const double lat = site.latitude_deg * kDeg;
  return std::sin(lat) * std::sin(declination) +
         std::cos(lat) * std::cos(declination) * std::cos(hour_angle);
}

Weather::Weather(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u{0.0, 1.0};
  regime_ = u(rng);
  cloud_ = regime_;
  temp_noise_ = 2.0 * (u(rng) - 0.5);
}

double Weather::daylight() const noexcept {
  return std::clamp(sun_sine_ * 4.0, 0.0, 1.0) * (1.0 - 0.5 * cloud_);
}

double Weather::sky_transmittance() const noexcept {
  const double edges = flicker_ * std::sqrt(cloud_ * (1.0 - cloud_));
  return 1.0 - 0.8 * std::clamp(cloud_ + edges, 0.0, 1.0);
}

void Weather::step(UtcTime t, const SiteLocation& site, double dt_s, std::mt19937_64& rng) {
  using namespace std::chrono;
  const long long day = floor<days>(t).time_since_epoch().count();
  if (day != day_) {  // a new day's regime: clear days are the most frequent
    day_ = day;
    const double u = std::uniform_real_distribution<double>{0.0, 1.0}(rng);
    regime_ = u * u;
  }
  deviation_ = ou_step(deviation_, 1200.0, 0.02 + 0.5 * std::sqrt(regime_ * (1.0 - regime_)), dt_s, rng);
  cloud_ = std::clamp(regime_ + deviation_, 0.0, 1.0);
  flicker_ = ou_step(flicker_, 40.0, 0.5, dt_s, rng);
  sun_sine_ = sun_elevation_sine(t, site);

  const double doy = day_of_year(t);
  const double seasonal = 11.0 - 9.0 * std::cos(2.0 * std::numbers::pi * (doy - 20.0) / 365.0);
  const double utc_hours = duration<double, std::ratio<3600>>(t - floor<days>(t)).count();
  const double diurnal = 5.0 * (1.0 - 0.6 * regime_) * std::sin(2.0 * std::numbers::pi * (utc_hours - 9.0) / 24.0);
  temp_noise_ = ou_step(temp_noise_, 6.0 * 3600.0, 2.5, dt_s, rng);
  outdoor_c_ = seasonal + diurnal + temp_noise_;
}

}  // namespace meterd::sim
