// libFuzzer target for the chunk codec decoder (src/store/chunk_codec.hpp): arbitrary bytes must
// give a value or an error, never a crash, overrun or runaway allocation; whatever decodes must
// re-encode and decode to the same data (bit-exact values).
#include "src/store/chunk_codec.hpp"

#include <bit>
#include <cstdlib>

namespace {

bool same(const meterd::store::ChunkData& a, const meterd::store::ChunkData& b) {
  if (a.times_ms != b.times_ms || a.time_sync != b.time_sync ||
      a.columns.size() != b.columns.size())
    return false;
  for (std::size_t i = 0; i < a.columns.size(); ++i) {
    const auto& x = a.columns[i];
    const auto& y = b.columns[i];
    if (x.obis != y.obis || x.unit != y.unit || x.rows != y.rows || x.qualities != y.qualities)
      return false;
    for (std::size_t k = 0; k < x.values.size(); ++k) {
      if (std::bit_cast<std::uint64_t>(x.values[k]) != std::bit_cast<std::uint64_t>(y.values[k]))
        return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto d = meterd::store::decode_chunk(std::span<const std::uint8_t>(data, size));
  if (!d) return 0;
  auto again = meterd::store::encode_chunk(*d);
  if (!again) std::abort();
  auto back = meterd::store::decode_chunk(*again);
  if (!back || !same(*d, *back)) std::abort();
  return 0;
}
