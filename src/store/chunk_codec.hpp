// store/chunk_codec.hpp: the readings of one meter over one window, encoded column by column.
//
// A chunk is the plaintext that the Sealer encrypts. Layout (all integers LEB128 unless noted):
//   u8 codec version (kChunkCodecVersion) | rows | timestamps (encode_ints: ms since the epoch,
//   delta-of-delta for a steady poll) | time-sync runs | columns | per column: 6-byte OBIS,
//   u8 unit, body length, then presence runs (alternating present/absent, present first),
//   quality runs (u8 quality, length) over the present values, and the values (value_codec.hpp),
//   or a reference to an earlier column whose values are bit-identical (a total equal to its only
//   non-zero part, a quantity mirrored on another code), which costs two bytes.
// A row is one Reading; a column is one (OBIS, unit) over the rows where it is present, so two
// poll groups at different rates share a chunk and a missing value stays visible as absence.
// Lossless: times, time-sync, order of rows, every value's 64 bits and quality round-trip.
// Pure functions, no I/O, thread-safe. The decoder checks every bound and returns
// Errc::parse_error (or Errc::unsupported for an unknown version) instead of trusting input.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "meterd/error.hpp"
#include "meterd/reading.hpp"

namespace meterd::store {

inline constexpr std::uint8_t kChunkCodecVersion = 1;
inline constexpr std::size_t kMaxChunkRows = std::size_t{1} << 20;
inline constexpr std::size_t kMaxChunkColumns = 4096;
inline constexpr std::size_t kMaxChunkValues = std::size_t{1} << 22;

struct ChunkColumn {
  ObisCode obis;
  Unit unit = Unit::none;
  std::vector<std::uint32_t> rows;  // strictly increasing row indices where the value is present
  std::vector<double> values;       // one per entry of rows
  std::vector<Quality> qualities;   // one per entry of rows

  friend bool operator==(const ChunkColumn&, const ChunkColumn&) = default;
};

struct ChunkData {
  std::vector<std::int64_t> times_ms;  // one per row (reading), in arrival order
  std::vector<TimeSync> time_sync;     // one per row
  std::vector<ChunkColumn> columns;

  std::size_t value_count() const noexcept;
};

// Encodes `data`; Errc::invalid_argument if it is inconsistent (sizes, row order, limits).
Result<std::vector<std::uint8_t>> encode_chunk(const ChunkData& data);

// Decodes a chunk. With `only`, columns of other OBIS codes are skipped without decoding.
Result<ChunkData> decode_chunk(std::span<const std::uint8_t> bytes,
                               std::optional<ObisCode> only = std::nullopt);

// Rows from readings (one row per reading, columns in order of first appearance; a code repeated
// within one reading gets a second column).
ChunkData chunk_from_readings(std::span<const Reading> readings);

// The readings back, each with `meter_id`.
std::vector<Reading> readings_from_chunk(const ChunkData& data, const std::string& meter_id);

}  // namespace meterd::store
