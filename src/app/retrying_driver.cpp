#include "src/app/retrying_driver.hpp"

namespace meterd::app {

bool is_transient(const Error& e) noexcept { return e.is(Errc::timeout) || e.is(Errc::crc_error); }

RetryingDriver::RetryingDriver(std::unique_ptr<MeterDriver> inner, unsigned retries)
    : inner_(std::move(inner)), retries_(retries) {}

Result<Reading> RetryingDriver::poll(std::size_t index, TransactionCounts& counts) {
  auto result = inner_->poll(index, counts);
  for (unsigned attempt = 0; attempt < retries_ && !result && is_transient(result.error());
       ++attempt) {
    result = inner_->poll(index, counts);
  }
  return result;
}

}  // namespace meterd::app
