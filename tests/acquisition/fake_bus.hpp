// tests/acquisition/fake_bus.hpp: a scripted BusLink and MeterDriver for the threaded tests.
//
// The real drivers are built elsewhere; what these tests check is the scheduler's behaviour with
// realistic timing, so the fakes sleep for a transaction's duration and can be told to stop
// answering (sleep the full timeout, then Errc::timeout) or to lose the link (Errc::io_error, as
// a read on an unplugged USB adapter does). Thread-safe: the test thread scripts them while the
// bus thread calls them.
#pragma once

#include "meterd/meter_driver.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace meterd::acquisition::testing {

using WallTime = std::chrono::steady_clock::time_point;

// Counts transactions in flight across every fake of a test, to see buses overlap.
struct Concurrency {
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
};

class FakeLink final : public BusLink {
 public:
  explicit FakeLink(std::string name) : name_(std::move(name)) {}
  Result<void> open() override;
  void close() override { open_ = false; }
  bool is_open() const override { return open_; }
  std::string describe() const override { return name_ + " (fake)"; }

  // Unplugging makes every transaction fail with io_error and open() fail until replugged.
  void set_plugged(bool plugged) { plugged_ = plugged; }
  bool plugged() const { return plugged_; }
  std::vector<WallTime> open_attempts() const;

 private:
  std::string name_;
  std::atomic<bool> open_{false};
  std::atomic<bool> plugged_{true};
  mutable std::mutex mutex_;
  std::vector<WallTime> open_attempts_;
};

class FakeMeter final : public MeterDriver {
 public:
  FakeMeter(std::string id, FakeLink& link, std::vector<PollGroup> groups,
            std::chrono::milliseconds transaction, std::chrono::milliseconds timeout,
            Concurrency* concurrency = nullptr);

  const std::string& meter_id() const override { return id_; }
  std::string protocol() const override { return "fake"; }
  const std::vector<PollGroup>& groups() const override { return groups_; }
  Result<std::string> identify() override;
  Result<Reading> poll(std::size_t index, TransactionCounts& counts) override;

  void set_answering(bool answering) { answering_ = answering; }
  // Answers, but every transaction fails with this error (e.g. crc_error); ok = Errc::ok.
  void set_reply_error(Errc e) { reply_error_ = e; }
  // A badly behaved driver: poll() throws instead of returning an error.
  void set_throwing(bool throwing) { throwing_ = throwing; }
  void set_serial(std::string serial);
  std::vector<WallTime> poll_starts() const;
  std::vector<WallTime> identify_starts() const;
  int polls_ok() const { return polls_ok_; }

 private:
  // Sleeps like one transaction; the error if it failed.
  Result<void> transaction();

  std::string id_;
  FakeLink& link_;
  std::vector<PollGroup> groups_;
  std::chrono::milliseconds transaction_;
  std::chrono::milliseconds timeout_;
  Concurrency* concurrency_;
  std::atomic<bool> answering_{true};
  std::atomic<Errc> reply_error_{Errc::ok};
  std::atomic<bool> throwing_{false};
  std::atomic<int> polls_ok_{0};
  mutable std::mutex mutex_;
  std::string serial_ = "SN-0001";
  std::vector<WallTime> poll_starts_;
  std::vector<WallTime> identify_starts_;
};

}  // namespace meterd::acquisition::testing
