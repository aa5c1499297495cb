#include "src/api/latest_endpoint.hpp"

#include <bit>
#include <charconv>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "src/api/json_views.hpp"

namespace meterd::api {
namespace {

using nlohmann::json;

// Same value for the cache: NaN equals NaN (a missing value stays missing).
bool same(const LatestSample& a, const LatestSample& b) {
  return a.obis == b.obis && a.unit == b.unit && a.quality == b.quality && a.time == b.time &&
         std::bit_cast<std::uint64_t>(a.value) == std::bit_cast<std::uint64_t>(b.value);
}

bool same(const std::vector<LatestSample>& a, const std::vector<LatestSample>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same(a[i], b[i])) return false;
  }
  return true;
}

// Seconds as json_views.cpp writes them: nlohmann's serialisation of the double ms / 1000.0,
// into `buf`; returns the length. For |ms| < 10^15 that is the decimal ms / 1000 with its
// trailing zeros dropped, or ".0" when whole (checked byte for byte against nlohmann for
// -2e6..3e7 ms and near 10^15), written without nlohmann's per-dump allocation; beyond,
// nlohmann itself (at most 24 characters for a double).
std::size_t write_seconds(char (&buf)[32], std::chrono::milliseconds d) {
  long long ms = d.count();
  if (ms <= -1'000'000'000'000'000 || ms >= 1'000'000'000'000'000) {
    const auto text = json(static_cast<double>(ms) / 1000.0).dump();
    return text.copy(buf, sizeof buf);
  }
  char* p = buf;
  if (ms < 0) {
    *p++ = '-';
    ms = -ms;
  }
  p = std::to_chars(p, buf + sizeof buf, ms / 1000).ptr;
  *p++ = '.';
  const int frac = static_cast<int>(ms % 1000);
  if (frac == 0) {
    *p++ = '0';
    return static_cast<std::size_t>(p - buf);
  }
  *p++ = static_cast<char>('0' + frac / 100);
  if (frac % 100 != 0) {
    *p++ = static_cast<char>('0' + frac / 10 % 10);
    if (frac % 10 != 0) *p++ = static_cast<char>('0' + frac % 10);
  }
  return static_cast<std::size_t>(p - buf);
}

void append_seconds(std::string& out, std::chrono::milliseconds d) {
  char buf[32];
  out.append(buf, write_seconds(buf, d));
}

}  // namespace

LatestEndpoint::LatestEndpoint(const Clock& clock, const MeterStatusSource& meters,
                               const LatestSource& latest, std::chrono::milliseconds meter_ttl)
    : clock_(clock), meters_(meters), latest_(latest), meter_ttl_(meter_ttl) {}

const MeterEntry* LatestEndpoint::find_meter(std::string_view id, MonoTime now) const {
  if (!meter_list_valid_ || now - meter_list_taken_ >= meter_ttl_ || now < meter_list_taken_) {
    meter_list_ = meters_.meters();
    meter_list_taken_ = now;
    meter_list_valid_ = true;
    // Bounded: only configured meters keep serialised values.
    std::erase_if(by_meter_, [this](const auto& kv) {
      for (const auto& m : meter_list_) {
        if (m.status.meter_id == kv.first) return false;
      }
      return true;
    });
  }
  for (const auto& m : meter_list_) {
    if (m.status.meter_id == id) return &m;
  }
  return nullptr;
}

const LatestEndpoint::Serialised& LatestEndpoint::serialised(
    const MeterEntry& m, std::vector<LatestSample> samples) const {
  auto it = by_meter_.find(m.status.meter_id);
  if (it != by_meter_.end() && it->second.poll_interval == m.poll_interval &&
      it->second.energy_interval == m.energy_interval && same(it->second.samples, samples)) {
    ++hits_;
    return it->second;
  }
  ++misses_;
  Serialised s;
  s.poll_interval = m.poll_interval;
  s.energy_interval = m.energy_interval;
  s.meter = "{\"meter\":" + json(m.status.meter_id).dump();
  s.pieces.reserve(samples.size());
  for (const auto& v : samples) {
    Serialised::Piece p;
    p.time = v.time;
    p.stale_after = stale_bound(m, v.obis);
    p.between = ",\"obis\":" + json(v.obis.to_string()).dump() +
                ",\"quality\":" + json(to_string(v.quality)).dump() + ",\"stale\":";
    p.after = ",\"stale_after_s\":";
    append_seconds(p.after, p.stale_after);
    p.after += ",\"time\":" + json(format_utc(v.time)).dump() +
               ",\"unit\":" + json(symbol(v.unit)).dump() +
               ",\"value\":" + number_or_null(v.value).dump() + '}';
    s.pieces.push_back(std::move(p));
  }
  s.samples = std::move(samples);
  if (it == by_meter_.end()) it = by_meter_.emplace(m.status.meter_id, Serialised{}).first;
  it->second = std::move(s);
  return it->second;
}

HttpResponse LatestEndpoint::respond(std::string_view meter_id) const {
  const auto now = clock_.utc_now();
  const std::lock_guard lock(mutex_);
  const MeterEntry* m = find_meter(meter_id, clock_.mono_now());
  if (m == nullptr) {
    return error_response(404, "unknown_meter",
                          "no meter '" + std::string{meter_id} + "' is configured");
  }
  auto values = latest_.latest(m->status.meter_id);
  const Serialised& s = serialised(*m, values ? std::move(*values) : std::vector<LatestSample>{});
  // The shape of latest_json(): keys in nlohmann's (sorted) order, compact.
  HttpResponse r;
  std::string& out = r.body;
  out.reserve(64 + s.pieces.size() * 160);
  out += s.meter;
  out += m->status.online ? ",\"online\":true" : ",\"online\":false";
  out += ",\"time\":\"";
  if (now != now_ || now_text_.empty()) {
    now_ = now;
    now_text_ = format_utc(now);
  }
  out += now_text_;
  out += "\",\"values\":[";
  // The values of one reading share their time, hence their age: written once per time.
  char age_text[32];
  std::size_t age_size = 0;
  std::optional<UtcTime> age_of;
  bool first = true;
  for (const auto& p : s.pieces) {
    out += first ? "{\"age_s\":" : ",{\"age_s\":";
    first = false;
    const auto age = now - p.time;
    if (age_of != p.time) {
      age_size = write_seconds(age_text, age);
      age_of = p.time;
    }
    out.append(age_text, age_size);
    out += p.between;
    out += age > p.stale_after ? "true" : "false";
    out += p.after;
  }
  out += "]}";
  return r;
}

std::size_t LatestEndpoint::hits() const {
  const std::lock_guard lock(mutex_);
  return hits_;
}

std::size_t LatestEndpoint::misses() const {
  const std::lock_guard lock(mutex_);
  return misses_;
}

}  // namespace meterd::api
