// uplink/retry_policy.hpp: what an answer means for a batch, and how long to wait before the
// next attempt. Pure functions of their inputs (randomness passed in), thread-safe.
//
// 2xx acknowledges. 408, 429 and 5xx, and every transport failure (timeout, refused or cut
// connection, TLS failure), are retried with capped exponential backoff and jitter, or after
// the server's Retry-After (RFC 9110 §10.2.3) when it gave one. 401 and 403 (and nginx's 495/496
// for a client certificate it refused) are retried too: they are about the gateway's identity,
// not the batch. Any other status (a 4xx the server will answer again for the same bytes, or an
// unexpected 1xx/3xx) quarantines the batch.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

#include "meterd/time.hpp"

namespace meterd::uplink {

enum class Verdict { acknowledged, retry, quarantine };

Verdict classify_status(unsigned status) noexcept;

struct BackoffOptions {
  std::chrono::milliseconds initial{1000};               // first delay
  std::chrono::milliseconds max{300'000};                // cap of the exponential part
  std::chrono::milliseconds max_retry_after{3'600'000};  // cap of a server's Retry-After
};

// A number uniformly distributed in [0, 1); tests pass a fixed sequence.
using Uniform01 = std::function<double()>;

// Delay before attempt number `attempt` + 1 (attempt 0 failed first): d = min(max, initial *
// 2^attempt), then "equal jitter": d/2 + u * d/2.
std::chrono::milliseconds backoff_delay(unsigned attempt, const BackoffOptions& options,
                                        const Uniform01& uniform);

// The delay a Retry-After header value asks for: delay-seconds or an IMF-fixdate (RFC 9110
// §5.6.7) relative to `now`; nullopt if malformed. Dates in the past give 0.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, UtcTime now);

// The delay to use: Retry-After (capped at max_retry_after) when present, else backoff_delay().
std::chrono::milliseconds retry_delay(unsigned attempt,
                                      std::optional<std::chrono::milliseconds> retry_after,
                                      const BackoffOptions& options, const Uniform01& uniform);

}  // namespace meterd::uplink
