// src/app/retrying_driver.hpp: a MeterDriver that repeats a failed poll on a transient error.
//
// Wraps a driver and repeats poll() up to `retries` times after a timeout or a CRC error (a
// lost or damaged reply on the wire: the next try is likely to pass). Exception replies,
// protocol and I/O errors are returned at once: repeating cannot change them, and an I/O error
// is the scheduler's business (it reopens the link). Every attempt's transaction counts add up
// in `counts`, so statistics still show every timeout and CRC error. A silent meter therefore
// costs its bus (1 + retries) x timeout per poll. identify() is passed through: the scheduler
// retries it with backoff. Same thread contract as the wrapped driver (the bus thread only).
#pragma once

#include <memory>

#include "meterd/meter_driver.hpp"

namespace meterd::app {

class RetryingDriver final : public MeterDriver {
 public:
  // `retries` = extra attempts after the first (0 = no retry).
  RetryingDriver(std::unique_ptr<MeterDriver> inner, unsigned retries);

  const std::string& meter_id() const override { return inner_->meter_id(); }
  std::string protocol() const override { return inner_->protocol(); }
  const std::vector<PollGroup>& groups() const override { return inner_->groups(); }
  Result<std::string> identify() override { return inner_->identify(); }
  // The first successful attempt, or the last attempt's error.
  Result<Reading> poll(std::size_t index, TransactionCounts& counts) override;

  unsigned retries() const noexcept { return retries_; }

 private:
  std::unique_ptr<MeterDriver> inner_;
  unsigned retries_;
};

// Whether a failed transaction is worth repeating at once: a timeout or a CRC error.
bool is_transient(const Error& e) noexcept;

}  // namespace meterd::app
