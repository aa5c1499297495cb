// uplink/gzip.hpp: gzip (RFC 1952) bodies with zlib, for Content-Encoding: gzip (RFC 9110 §8.4.1).
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "meterd/error.hpp"

namespace meterd::uplink {

// The gzip member of `data` at zlib level 1..9. Errc::io_error only if zlib fails (out of memory).
Result<std::vector<std::uint8_t>> gzip_compress(std::span<const std::uint8_t> data, int level = 6);
// The data of a gzip member; Errc::parse_error for a corrupt or truncated stream,
// Errc::out_of_range when the output would exceed max_bytes.
Result<std::vector<std::uint8_t>> gzip_decompress(std::span<const std::uint8_t> gz,
                                                  std::size_t max_bytes);

}  // namespace meterd::uplink
