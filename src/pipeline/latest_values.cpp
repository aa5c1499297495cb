#include "src/pipeline/latest_values.hpp"

namespace meterd::pipeline {

void LatestValues::publish(const Reading& reading) {
  const std::lock_guard lock(mutex_);
  auto it = meters_.find(reading.meter_id);
  if (it == meters_.end()) it = meters_.emplace(reading.meter_id, Entry{}).first;
  Entry& e = it->second;
  ++e.readings;
  e.last_reading = reading.time;
  for (const Value& v : reading.values) {
    e.values[v.obis] =
        LatestValue{v.obis, v.value, v.unit, v.quality, reading.time, reading.time_sync};
  }
}

std::optional<LatestValue> LatestValues::get(std::string_view meter_id,
                                             const ObisCode& obis) const {
  const std::lock_guard lock(mutex_);
  const auto it = meters_.find(meter_id);
  if (it == meters_.end()) return std::nullopt;
  const auto v = it->second.values.find(obis);
  if (v == it->second.values.end()) return std::nullopt;
  return v->second;
}

std::optional<MeterValues> LatestValues::meter(std::string_view meter_id) const {
  const std::lock_guard lock(mutex_);
  const auto it = meters_.find(meter_id);
  if (it == meters_.end()) return std::nullopt;
  return to_values(it->first, it->second);
}

std::vector<MeterValues> LatestValues::snapshot() const {
  const std::lock_guard lock(mutex_);
  std::vector<MeterValues> out;
  out.reserve(meters_.size());
  for (const auto& [id, e] : meters_) out.push_back(to_values(id, e));
  return out;
}

void LatestValues::clear() {
  const std::lock_guard lock(mutex_);
  meters_.clear();
}

MeterValues LatestValues::to_values(const std::string& id, const Entry& e) {
  MeterValues out{id, e.readings, e.last_reading, {}};
  out.values.reserve(e.values.size());
  for (const auto& [obis, v] : e.values) out.values.push_back(v);
  return out;
}

}  // namespace meterd::pipeline
