// meterd/uplink_status.hpp: the uplink's state as other stages (the REST API) see it.
//
// The uplink publishes a copy after every attempt; readers take a snapshot. Plain values; the
// provider interface is thread-safe (snapshots are taken under the provider's own lock).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "meterd/time.hpp"

namespace meterd {

struct UplinkStatus {
  bool enabled = false;                 // an uplink is configured
  bool connected = false;               // a TLS connection to the server is open now
  std::optional<UtcTime> last_success;  // the last acknowledged batch or heartbeat
  std::optional<UtcTime> last_error_time;
  std::string last_error;            // "tls: certificate has expired (server cert)", ...
  std::uint64_t backlog_chunks = 0;  // chunks not yet acknowledged
  std::uint64_t backlog_bytes = 0;   // their stored size
  std::uint64_t batches_sent = 0;    // acknowledged batches since start
  std::uint64_t readings_sent = 0;   // readings in them
  std::uint64_t retries = 0;         // attempts that failed and will be retried
  std::uint64_t quarantined = 0;     // batches refused by the server (4xx), since start
};

class UplinkStatusProvider {
 public:
  virtual ~UplinkStatusProvider() = default;
  virtual UplinkStatus uplink_status() const = 0;
};

}  // namespace meterd
