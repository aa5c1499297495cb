// store/value_codec.hpp: lossless encodings of one column of doubles (part of the chunk codec).
//
// encode_values() tries every encoding that applies and keeps the shortest; each is exact to the
// bit (NaN payloads, infinities, -0.0 included), because a value is only given to a narrower
// encoding after checking that it decodes back to the same 64 bits:
//   constant   every value has the same bits: 8 bytes.
//   xor        Gorilla XOR of consecutive doubles (Pelkonen et al., "Gorilla: A Fast, Scalable,
//              In-Memory Time Series Database", VLDB 2015, section 4.1.2), 6-bit leading count.
//   float32    the value is a float32 widened to double, possibly times 1000 or 1/1000 (a meter's
//              kW/kWh converted to W/Wh): the 32-bit pattern is kept, then XOR-coded or
//              delta-coded in float order (ulps), whichever is shorter.
//   decimal    the value is an integer divided by 10^k (k <= 12) as a decimal parser produces it:
//              the integers are delta or delta-of-delta coded, zigzag, bit-packed in blocks of 32.
//   ordered64  the 64-bit patterns mapped to integers in numeric order (ulps), delta or
//              delta-of-delta coded: full-precision energy counters that rise steadily.
// Pure functions, no I/O, thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "meterd/error.hpp"
#include "src/store/byte_io.hpp"

namespace meterd::store {

enum class ValueEncoding : std::uint8_t {
  constant = 0,
  xor_double = 1,
  float32 = 2,
  decimal = 3,
  ordered64 = 4,
  same_as_column = 5,  // only inside a chunk (chunk_codec.cpp): the values of an earlier column
};

// Appends the shortest encoding of `values` (tag byte first). Empty input writes a tag only.
void encode_values(std::span<const double> values, ByteWriter& out);

// Reads exactly `count` values written by encode_values(); Errc::parse_error on any malformed or
// truncated input.
Result<void> decode_values(ByteReader& in, std::size_t count, std::vector<double>& out);

// Zigzag, delta (order 1) or delta-of-delta (order 2) integers, bit-packed in blocks of 32 with a
// 7-bit width per block. Also used for timestamps. Wrapping arithmetic: any int64 round-trips.
void encode_ints(std::span<const std::int64_t> ints, ByteWriter& out);
Result<void> decode_ints(ByteReader& in, std::size_t count, std::vector<std::int64_t>& out);

}  // namespace meterd::store
