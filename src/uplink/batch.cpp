// uplink/batch.cpp: columns of a chunk, content hash and idempotency key (see batch.hpp).
#include "src/uplink/batch.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
#include <string_view>

namespace meterd::uplink {
namespace {

// SHA-256 (FIPS 180-4) of what is added. Small additions are gathered in a buffer and handed to
// OpenSSL in blocks: a chunk's hash adds three 8-byte words per value, and one EVP call each
// cost more than the hashing itself.
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
  }
  void add(const void* data, std::size_t n) {
    if (used_ + n > sizeof buffer_) flush();
    if (n >= sizeof buffer_) {
      EVP_DigestUpdate(ctx_.get(), data, n);
      return;
    }
    std::memcpy(buffer_ + used_, data, n);
    used_ += n;
  }
  void add(std::string_view s) {
    add_u64(s.size());
    add(s.data(), s.size());
  }
  void add_u64(std::uint64_t v) {  // big-endian
    if (used_ + 8 > sizeof buffer_) flush();
    for (int i = 0; i < 8; ++i) buffer_[used_ + i] = static_cast<unsigned char>(v >> (56 - 8 * i));
    used_ += 8;
  }
  std::string hex() {
    flush();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_.get(), md, &n);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < n; ++i) {
      out += kHex[md[i] >> 4];
      out += kHex[md[i] & 15];
    }
    return out;
  }

 private:
  void flush() {
    if (used_ > 0) EVP_DigestUpdate(ctx_.get(), buffer_, used_);
    used_ = 0;
  }

  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
  unsigned char buffer_[8192];
  std::size_t used_ = 0;
};

std::int64_t ms_of(UtcTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

bool SeriesColumns::all_good() const noexcept {
  return std::all_of(qualities.begin(), qualities.end(),
                     [](Quality q) { return q == Quality::good; });
}

bool ChunkColumns::all_synchronized() const noexcept {
  return std::all_of(syncs.begin(), syncs.end(),
                     [](TimeSync s) { return s == TimeSync::synchronized; });
}

ChunkColumns to_columns(const UploadChunk& chunk) {
  ChunkColumns out;
  std::map<std::pair<std::uint64_t, Unit>, std::size_t> index;
  const auto n = chunk.readings.size();
  out.times_ms.reserve(n);
  out.syncs.reserve(n);
  // The series of value k of the previous reading: a meter's readings mostly list the same
  // quantities in the same order, so that guess spares the map lookup.
  std::vector<std::size_t> guess;
  for (std::size_t r = 0; r < n; ++r) {
    const Reading& reading = chunk.readings[r];
    out.times_ms.push_back(ms_of(reading.time));
    out.syncs.push_back(reading.time_sync);
    for (std::size_t k = 0; k < reading.values.size(); ++k) {
      const Value& v = reading.values[k];
      std::size_t at = 0;
      if (k < guess.size() && out.series[guess[k]].obis == v.obis &&
          out.series[guess[k]].unit == v.unit) {
        at = guess[k];
      } else {
        auto key = std::make_pair(v.obis.packed(), v.unit);
        auto it = index.find(key);
        if (it == index.end()) {
          it = index.emplace(key, out.series.size()).first;
          out.series.push_back({v.obis, v.unit, {}, {}, {}});
          out.series.back().rows.reserve(n - r);
          out.series.back().values.reserve(n - r);
          out.series.back().qualities.reserve(n - r);
        }
        at = it->second;
        if (k >= guess.size()) guess.resize(k + 1);
        guess[k] = at;
      }
      SeriesColumns& s = out.series[at];
      s.rows.push_back(static_cast<std::uint32_t>(r));
      s.values.push_back(v.value);
      s.qualities.push_back(v.quality);
    }
  }
  for (auto& s : out.series) {
    if (s.rows.size() == n) s.rows.clear();  // a value in every reading: no row list
  }
  return out;
}

std::vector<Reading> to_readings(const ChunkColumns& columns, const std::string& meter) {
  std::vector<Reading> out(columns.times_ms.size());
  for (std::size_t r = 0; r < out.size(); ++r) {
    out[r].meter_id = meter;
    out[r].time = UtcTime{std::chrono::milliseconds{columns.times_ms[r]}};
    out[r].time_sync = r < columns.syncs.size() ? columns.syncs[r] : TimeSync::synchronized;
  }
  for (const auto& s : columns.series) {
    for (std::size_t i = 0; i < s.values.size(); ++i) {
      const std::size_t row = s.rows.empty() ? i : s.rows[i];
      if (row >= out.size()) continue;  // decoders reject this before; defensive only
      out[row].values.push_back(
          {s.obis, s.values[i], s.unit, i < s.qualities.size() ? s.qualities[i] : Quality::good});
    }
  }
  return out;
}

std::string chunk_hash(const UploadChunk& chunk) {
  Sha256 h;
  h.add_u64(static_cast<std::uint64_t>(chunk.id));
  h.add(chunk.meter);
  h.add_u64(static_cast<std::uint64_t>(ms_of(chunk.window_start)));
  h.add_u64(chunk.readings.size());
  for (const Reading& r : chunk.readings) {
    h.add_u64(static_cast<std::uint64_t>(ms_of(r.time)));
    h.add_u64(static_cast<std::uint64_t>(r.time_sync));
    h.add_u64(r.values.size());
    for (const Value& v : r.values) {
      h.add_u64(v.obis.packed());
      h.add_u64((std::uint64_t{static_cast<std::uint8_t>(v.unit)} << 8) |
                static_cast<std::uint8_t>(v.quality));
      h.add_u64(std::bit_cast<std::uint64_t>(v.value));
    }
  }
  return h.hex();
}

std::string idempotency_key(const Batch& batch, std::vector<std::string>* chunk_hashes) {
  std::string text = "meterd-batch-v1\n" + batch.gateway + "\n";
  for (const auto& c : batch.chunks) {
    std::string hash = chunk_hash(c);
    text += std::to_string(c.id) + ":" + hash + "\n";
    if (chunk_hashes) chunk_hashes->push_back(std::move(hash));
  }
  for (const auto& [id, e] : batch.events) {
    Sha256 eh;
    eh.add_u64(static_cast<std::uint64_t>(ms_of(e.time)));
    eh.add(to_string(e.kind));
    eh.add(e.bus);
    eh.add(e.meter_id);
    eh.add(e.detail);
    text += "event:" + std::to_string(id) + ":" + eh.hex() + "\n";
  }
  Sha256 h;
  h.add(text.data(), text.size());
  return h.hex();
}

std::size_t reading_count(const Batch& batch) {
  std::size_t n = 0;
  for (const auto& c : batch.chunks) n += c.readings.size();
  return n;
}

std::size_t value_count(const Batch& batch) {
  std::size_t n = 0;
  for (const auto& c : batch.chunks)
    for (const auto& r : c.readings) n += r.values.size();
  return n;
}

}  // namespace meterd::uplink
