#include "src/store/chunk_codec.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>

#include "src/store/byte_io.hpp"
#include "src/store/value_codec.hpp"

namespace meterd::store {
namespace {

Error malformed(const std::string& what) { return Error{Errc::parse_error, "chunk: " + what}; }

bool valid_quality(std::uint8_t q) { return q <= 2 || (q >= 16 && q <= 23); }

template <class T, class Valid>
Result<void> decode_runs(ByteReader& in, std::size_t total, Valid valid, std::vector<T>& out) {
  auto n = in.varint();
  if (!n || *n > total) return malformed("bad run count");
  std::size_t sum = 0;
  for (std::uint64_t i = 0; i < *n; ++i) {
    auto v = in.u8();
    auto len = in.varint();
    if (!v || !len) return malformed("truncated runs");
    if (!valid(*v)) return malformed("unknown enumerator in runs");
    if (*len == 0 || *len > total - sum) return malformed("runs do not add up");
    sum += *len;
    out.insert(out.end(), *len, static_cast<T>(*v));
  }
  if (sum != total) return malformed("runs do not add up");
  return {};
}

template <class T>
void encode_runs(const std::vector<T>& items, ByteWriter& w) {
  std::vector<std::pair<std::uint8_t, std::uint64_t>> runs;
  for (T item : items) {
    const auto v = static_cast<std::uint8_t>(item);
    if (!runs.empty() && runs.back().first == v)
      ++runs.back().second;
    else
      runs.emplace_back(v, 1);
  }
  w.varint(runs.size());
  for (auto [v, len] : runs) {
    w.u8(v);
    w.varint(len);
  }
}

// The index of an earlier column (itself not a reference) with the same rows and bit-identical
// values, e.g. a total that equals its only non-zero part; such a column stores a reference only.
std::optional<std::size_t> same_as(const std::vector<ChunkColumn>& cols, std::size_t i,
                                   const std::vector<bool>& is_ref) {
  const auto& c = cols[i];
  if (c.values.empty()) return std::nullopt;
  for (std::size_t j = 0; j < i; ++j) {
    if (is_ref[j] || cols[j].rows != c.rows) continue;
    if (std::memcmp(cols[j].values.data(), c.values.data(), c.values.size() * sizeof(double)) == 0)
      return j;
  }
  return std::nullopt;
}

void encode_column(const ChunkColumn& c, std::size_t n_rows, std::optional<std::size_t> ref,
                   std::vector<std::uint8_t>& out) {
  ByteWriter w(out);
  // Presence runs: alternate present/absent, starting with present (possibly of length 0).
  std::vector<std::uint64_t> runs;
  std::size_t row = 0;
  for (std::size_t i = 0; i < c.rows.size();) {
    const std::size_t start = c.rows[i];
    if (runs.empty() && start > 0) runs.push_back(0);
    if (start > row) runs.push_back(start - row);
    std::size_t j = i;
    while (j + 1 < c.rows.size() && c.rows[j + 1] == c.rows[j] + 1) ++j;
    runs.push_back(j - i + 1);
    row = c.rows[j] + 1;
    i = j + 1;
  }
  if (row < n_rows) {
    if (runs.empty()) runs.push_back(0);
    runs.push_back(n_rows - row);
  }
  w.varint(runs.size());
  for (auto r : runs) w.varint(r);
  encode_runs(c.qualities, w);
  if (ref) {
    w.u8(static_cast<std::uint8_t>(ValueEncoding::same_as_column));
    w.varint(*ref);
  } else {
    encode_values(c.values, w);
  }
}

// Values of column j (< the column being decoded), for a same_as_column reference.
using ColumnResolver = std::function<Result<std::vector<double>>(std::uint64_t j)>;

Result<void> decode_column_body(ByteReader& in, std::size_t n_rows, std::size_t& budget,
                                const ColumnResolver* resolve, ChunkColumn& c) {
  auto n_runs = in.varint();
  if (!n_runs || *n_runs > 2 * n_rows + 1) return malformed("bad presence run count");
  std::size_t row = 0;
  for (std::uint64_t i = 0; i < *n_runs; ++i) {
    auto len = in.varint();
    if (!len || *len > n_rows - row) return malformed("presence runs exceed rows");
    if (i % 2 == 0) {
      if (*len > budget) return malformed("more values than a chunk may hold");
      budget -= *len;
      for (std::uint64_t k = 0; k < *len; ++k)
        c.rows.push_back(static_cast<std::uint32_t>(row + k));
    }
    row += *len;
  }
  if (row != n_rows) return malformed("presence runs do not cover the rows");
  if (auto r = decode_runs<Quality>(in, c.rows.size(), valid_quality, c.qualities); !r) return r;
  if (in.peek() == static_cast<std::uint8_t>(ValueEncoding::same_as_column)) {
    (void)in.u8();
    auto j = in.varint();
    if (!j) return malformed("truncated column reference");
    if (resolve == nullptr) return malformed("column reference to a reference");
    auto values = (*resolve)(*j);
    if (!values) return values.error();
    if (values->size() != c.rows.size()) return malformed("referenced column has another length");
    c.values = std::move(*values);
  } else if (auto r = decode_values(in, c.rows.size(), c.values); !r) {
    return r;
  }
  if (!in.at_end()) return malformed("trailing bytes in column");
  return {};
}

}  // namespace

std::size_t ChunkData::value_count() const noexcept {
  std::size_t n = 0;
  for (const auto& c : columns) n += c.values.size();
  return n;
}

Result<std::vector<std::uint8_t>> encode_chunk(const ChunkData& d) {
  const std::size_t n = d.times_ms.size();
  if (n > kMaxChunkRows || d.time_sync.size() != n || d.columns.size() > kMaxChunkColumns) {
    return Error{Errc::invalid_argument, "chunk: row or column count out of bounds"};
  }
  if (d.value_count() > kMaxChunkValues) {
    return Error{Errc::invalid_argument, "chunk: more values than a chunk may hold"};
  }
  for (const auto& c : d.columns) {
    if (c.values.size() != c.rows.size() || c.qualities.size() != c.rows.size()) {
      return Error{Errc::invalid_argument, "chunk: column sizes differ"};
    }
    for (std::size_t i = 0; i < c.rows.size(); ++i) {
      if (c.rows[i] >= n || (i > 0 && c.rows[i] <= c.rows[i - 1])) {
        return Error{Errc::invalid_argument, "chunk: column rows not increasing within the chunk"};
      }
    }
  }
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  w.u8(kChunkCodecVersion);
  w.varint(n);
  encode_ints(d.times_ms, w);
  encode_runs(d.time_sync, w);
  w.varint(d.columns.size());
  std::vector<std::uint8_t> body;
  std::vector<bool> is_ref;
  for (std::size_t i = 0; i < d.columns.size(); ++i) {
    const auto& c = d.columns[i];
    const auto ref = same_as(d.columns, i, is_ref);
    is_ref.push_back(ref.has_value());
    const std::uint64_t p = c.obis.packed();
    for (int b = 5; b >= 0; --b) w.u8(static_cast<std::uint8_t>(p >> (8 * b)));
    w.u8(static_cast<std::uint8_t>(c.unit));
    body.clear();
    encode_column(c, n, ref, body);
    w.varint(body.size());
    w.bytes(body);
  }
  return out;
}

Result<ChunkData> decode_chunk(std::span<const std::uint8_t> bytes, std::optional<ObisCode> only) {
  ByteReader in(bytes);
  auto version = in.u8();
  if (!version) return malformed("empty");
  if (*version != kChunkCodecVersion) {
    return Error{Errc::unsupported,
                 "chunk: codec version " + std::to_string(*version) + " unknown"};
  }
  auto n = in.varint();
  if (!n || *n > kMaxChunkRows) return malformed("bad row count");
  ChunkData d;
  d.times_ms.reserve(*n);
  if (auto r = decode_ints(in, *n, d.times_ms); !r) return r.error();
  auto valid_sync = [](std::uint8_t v) { return v <= 3; };
  if (auto r = decode_runs<TimeSync>(in, *n, valid_sync, d.time_sync); !r) return r.error();
  auto n_cols = in.varint();
  if (!n_cols || *n_cols > kMaxChunkColumns) return malformed("bad column count");
  std::size_t budget = kMaxChunkValues;
  std::vector<std::span<const std::uint8_t>> bodies;
  for (std::uint64_t i = 0; i < *n_cols; ++i) {
    auto head = in.take(7);
    auto len = in.varint();
    if (!head || !len) return malformed("truncated column header");
    auto body = in.take(*len);
    if (!body) return malformed("column body past end");
    bodies.push_back(*body);
    std::uint64_t p = 0;
    for (int k = 0; k < 6; ++k) p = (p << 8) | (*head)[static_cast<std::size_t>(k)];
    const ObisCode obis = ObisCode::from_packed(p);
    if (only && obis != *only) continue;
    auto unit = unit_from_dlms((*head)[6]);
    if (!unit) return malformed("unknown unit code");
    ChunkColumn c;
    c.obis = obis;
    c.unit = *unit;
    const ColumnResolver resolve = [&](std::uint64_t j) -> Result<std::vector<double>> {
      if (j >= i) return malformed("column reference forward");
      ChunkColumn referenced;
      ByteReader ref_in(bodies[j]);
      if (auto r = decode_column_body(ref_in, *n, budget, nullptr, referenced); !r)
        return r.error();
      return std::move(referenced.values);
    };
    ByteReader body_in(*body);
    if (auto r = decode_column_body(body_in, *n, budget, &resolve, c); !r) return r.error();
    d.columns.push_back(std::move(c));
  }
  if (!in.at_end()) return malformed("trailing bytes");
  return d;
}

ChunkData chunk_from_readings(std::span<const Reading> readings) {
  ChunkData d;
  d.times_ms.reserve(readings.size());
  d.time_sync.reserve(readings.size());
  std::map<std::pair<std::uint64_t, Unit>, std::vector<std::size_t>> index;
  for (std::size_t r = 0; r < readings.size(); ++r) {
    const auto& reading = readings[r];
    d.times_ms.push_back(reading.time.time_since_epoch().count());
    d.time_sync.push_back(reading.time_sync);
    const auto row = static_cast<std::uint32_t>(r);
    for (std::size_t k = 0; k < reading.values.size(); ++k) {
      const auto& v = reading.values[k];
      ChunkColumn* target = nullptr;
      // Fast path: a poll group lists its values in the same order every time.
      if (k < d.columns.size() && d.columns[k].obis == v.obis && d.columns[k].unit == v.unit &&
          d.columns[k].rows.back() != row) {
        target = &d.columns[k];
      } else {
        auto& cols = index[{v.obis.packed(), v.unit}];
        for (auto ci : cols) {
          if (d.columns[ci].rows.back() != row) {
            target = &d.columns[ci];
            break;
          }
        }
        if (target == nullptr) {
          cols.push_back(d.columns.size());
          d.columns.emplace_back();
          target = &d.columns.back();
          target->obis = v.obis;
          target->unit = v.unit;
          target->rows.reserve(readings.size());
          target->values.reserve(readings.size());
          target->qualities.reserve(readings.size());
        }
      }
      target->rows.push_back(row);
      target->values.push_back(v.value);
      target->qualities.push_back(v.quality);
    }
  }
  return d;
}

std::vector<Reading> readings_from_chunk(const ChunkData& d, const std::string& meter_id) {
  std::vector<Reading> out(d.times_ms.size());
  for (std::size_t r = 0; r < out.size(); ++r) {
    out[r].meter_id = meter_id;
    out[r].time = UtcTime{std::chrono::milliseconds{d.times_ms[r]}};
    out[r].time_sync = d.time_sync[r];
  }
  for (const auto& c : d.columns) {
    for (std::size_t i = 0; i < c.rows.size(); ++i) {
      out[c.rows[i]].values.push_back(Value{c.obis, c.values[i], c.unit, c.qualities[i]});
    }
  }
  return out;
}

}  // namespace meterd::store
