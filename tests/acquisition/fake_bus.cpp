#include "tests/acquisition/fake_bus.hpp"

#include <stdexcept>
#include <thread>

namespace meterd::acquisition::testing {

Result<void> FakeLink::open() {
  {
    std::lock_guard lock(mutex_);
    open_attempts_.push_back(std::chrono::steady_clock::now());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds{5});
  if (!plugged_) return Error(Errc::io_error, "open " + name_ + ": No such file or directory");
  open_ = true;
  return {};
}

std::vector<WallTime> FakeLink::open_attempts() const {
  std::lock_guard lock(mutex_);
  return open_attempts_;
}

FakeMeter::FakeMeter(std::string id, FakeLink& link, std::vector<PollGroup> groups,
                     std::chrono::milliseconds transaction, std::chrono::milliseconds timeout,
                     Concurrency* concurrency)
    : id_(std::move(id)),
      link_(link),
      groups_(std::move(groups)),
      transaction_(transaction),
      timeout_(timeout),
      concurrency_(concurrency) {}

void FakeMeter::set_serial(std::string serial) {
  std::lock_guard lock(mutex_);
  serial_ = std::move(serial);
}

std::vector<WallTime> FakeMeter::poll_starts() const {
  std::lock_guard lock(mutex_);
  return poll_starts_;
}

std::vector<WallTime> FakeMeter::identify_starts() const {
  std::lock_guard lock(mutex_);
  return identify_starts_;
}

Result<void> FakeMeter::transaction() {
  if (!link_.is_open() || !link_.plugged()) {
    return Error(Errc::io_error, "read: Input/output error");
  }
  if (concurrency_) {
    const int now = ++concurrency_->in_flight;
    int seen = concurrency_->max_in_flight;
    while (now > seen && !concurrency_->max_in_flight.compare_exchange_weak(seen, now)) {
    }
  }
  const bool answering = answering_;
  std::this_thread::sleep_for(answering ? transaction_ : timeout_);
  if (concurrency_) --concurrency_->in_flight;
  if (!answering)
    return Error(Errc::timeout, "no reply within " + std::to_string(timeout_.count()) + " ms");
  if (const Errc e = reply_error_; e != Errc::ok) return Error(e, "scripted reply error");
  return {};
}

Result<std::string> FakeMeter::identify() {
  {
    std::lock_guard lock(mutex_);
    identify_starts_.push_back(std::chrono::steady_clock::now());
  }
  if (auto r = transaction(); !r) return r.error();
  std::lock_guard lock(mutex_);
  return serial_;
}

Result<Reading> FakeMeter::poll(std::size_t index, TransactionCounts& counts) {
  {
    std::lock_guard lock(mutex_);
    poll_starts_.push_back(std::chrono::steady_clock::now());
  }
  ++counts.requests;
  if (throwing_) throw std::runtime_error("fake driver bug");
  auto r = transaction();
  if (!r) {
    if (r.error().is(Errc::timeout)) ++counts.timeouts;
    if (r.error().is(Errc::crc_error)) ++counts.crc_errors;
    if (r.error().is(Errc::io_error)) ++counts.other_errors;
    return r.error();
  }
  ++polls_ok_;
  Reading reading;
  reading.meter_id = id_;
  const double channel = static_cast<double>(index);
  reading.values.push_back({ObisCode(1, 1, 1, 7, 0), 1000.0 + channel, Unit::watt, Quality::good});
  reading.values.push_back({ObisCode(1, 1, 32, 7, 0), 230.0, Unit::volt, Quality::good});
  return reading;
}

}  // namespace meterd::acquisition::testing
