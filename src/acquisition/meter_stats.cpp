#include "src/acquisition/meter_stats.hpp"

#include <utility>

namespace meterd::acquisition {

MeterStats::MeterStats(std::string meter_id, std::string bus, std::string protocol) {
  status_.meter_id = std::move(meter_id);
  status_.bus = std::move(bus);
  status_.protocol = std::move(protocol);
}

void MeterStats::add_counts(const TransactionCounts& counts) {
  status_.requests += counts.requests;
  status_.timeouts += counts.timeouts;
  status_.crc_errors += counts.crc_errors;
  status_.exception_replies += counts.exception_replies;
  status_.other_errors += counts.other_errors;
}

void MeterStats::record_poll(const TransactionCounts& counts, bool ok,
                             std::chrono::microseconds latency, UtcTime completed) {
  add_counts(counts);
  if (!ok) {
    ++status_.polls_failed;
    return;
  }
  ++status_.polls_ok;
  latency_.add(latency);
  status_.last_success = completed;
}

void MeterStats::record_identify(const TransactionCounts& counts) { add_counts(counts); }

void MeterStats::set_serial(const std::string& serial) {
  if (!status_.serial_number.empty() && serial != status_.serial_number) {
    status_.previous_serial_number = status_.serial_number;
    ++status_.swaps;
  }
  status_.serial_number = serial;
}

MeterStatus MeterStats::status() const {
  MeterStatus s = status_;
  s.latency_median = latency_.quantile(0.5);
  s.latency_p99 = latency_.quantile(0.99);
  return s;
}

std::size_t StatusBoard::add(std::string meter_id, std::string bus, std::string protocol) {
  std::lock_guard lock(mutex_);
  meters_.emplace_back(std::move(meter_id), std::move(bus), std::move(protocol));
  return meters_.size() - 1;
}

std::vector<MeterStatus> StatusBoard::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<MeterStatus> out;
  out.reserve(meters_.size());
  for (const MeterStats& m : meters_) out.push_back(m.status());
  return out;
}

}  // namespace meterd::acquisition
