// uplink/retry_policy.cpp: classify_status(), backoff with jitter, Retry-After (retry_policy.hpp).
#include "src/uplink/retry_policy.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <string>

namespace meterd::uplink {

Verdict classify_status(unsigned status) noexcept {
  if (status >= 200 && status < 300) return Verdict::acknowledged;
  if (status == 408 || status == 429 || (status >= 500 && status < 600)) return Verdict::retry;
  // Authentication and authorization concern the gateway, not the batch: every batch would be
  // refused alike until someone fixes the certificate or the server, so none is quarantined.
  if (status == 401 || status == 403 || status == 495 || status == 496) return Verdict::retry;
  return Verdict::quarantine;
}

std::chrono::milliseconds backoff_delay(unsigned attempt, const BackoffOptions& o,
                                        const Uniform01& uniform) {
  const auto cap = std::max<long long>(o.max.count(), 1);
  long long d = std::max<long long>(o.initial.count(), 1);
  for (unsigned i = 0; i < attempt && d < cap; ++i) d *= 2;
  d = std::min(d, cap);
  const double u = std::clamp(uniform(), 0.0, 1.0);
  const auto half = static_cast<double>(d) / 2.0;
  return std::chrono::milliseconds{static_cast<long long>(half + u * half)};
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view v, UtcTime now) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(v.front()))) {
    long long s = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
    if (ec != std::errc{} || end != v.data() + v.size() || s > 10'000'000) return std::nullopt;
    return std::chrono::milliseconds{s * 1000};
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::string s(v);
  char wday[4] = {}, mon[4] = {}, zone[4] = {};
  int day = 0, year = 0, hh = 0, mm = 0, ss = 0;
  if (std::sscanf(s.c_str(), "%3s, %d %3s %d %d:%d:%d %3s", wday, &day, mon, &year, &hh, &mm, &ss,
                  zone) != 8 ||
      std::string_view(zone) != "GMT" || s.size() != 29)
    return std::nullopt;
  int month = -1;
  for (int i = 0; i < 12; ++i)
    if (std::string_view(mon) == kMonths[static_cast<std::size_t>(i)]) month = i;
  if (month < 0 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  const auto when = std::chrono::seconds{timegm(&tm)};
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  const auto delta = std::chrono::duration_cast<std::chrono::milliseconds>(when) - now_ms;
  return std::max(delta, std::chrono::milliseconds{0});
}

std::chrono::milliseconds retry_delay(unsigned attempt,
                                      std::optional<std::chrono::milliseconds> retry_after,
                                      const BackoffOptions& o, const Uniform01& uniform) {
  if (retry_after) return std::min(*retry_after, o.max_retry_after);
  return backoff_delay(attempt, o, uniform);
}

}  // namespace meterd::uplink
