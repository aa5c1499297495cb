// uplink/column_codec.hpp: the compact (CBOR) encoding of one column of a batch.
//
// Integer columns (times, row indexes) are written as their first value followed by the
// differences to the previous one, as CBOR integers (RFC 8949 §3.1 major types 0/1: 1 byte for
// -24..23, 2 bytes up to 255, 3 bytes up to 65535). A value column is a map naming its encoding,
// the first that applies, each exact to the bit:
//   {"e":"dec","k":k,"d":[i0, i1-i0, ...]}  every value is an integer i divided by 10^k (k 0..6)
//   {"e":"f32","s":s,"b":bytes}             every value is float32 f times s (s = 1 or 1000): a
//                                           meter's float register, maybe kW -> W
//   {"e":"f64","b":bytes}                   anything else (NaN, infinities included)
// In "b" each value's bit pattern (IEEE 754 binary32/64) is mapped to an integer in numeric order
// (negative: all bits inverted; else the sign bit set), differenced to the previous one (wrapping,
// first against 0), zigzag-mapped ((d << 1) ^ (d >> 31|63)), and the big-endian bytes stored
// plane by plane: byte 0 of every value, then byte 1, ... (so gzip sees the many zero high bytes
// of a slowly moving series as long runs). Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "meterd/error.hpp"

namespace meterd::uplink {

nlohmann::json encode_deltas(std::span<const std::int64_t> ints);
// Errc::parse_error unless `j` is an array of exactly `count` integers.
Result<std::vector<std::int64_t>> decode_deltas(const nlohmann::json& j, std::size_t count);

nlohmann::json encode_value_column(std::span<const double> values);
// Errc::parse_error for an unknown encoding, a wrong length or a malformed field.
Result<std::vector<double>> decode_value_column(const nlohmann::json& j, std::size_t count);

}  // namespace meterd::uplink
