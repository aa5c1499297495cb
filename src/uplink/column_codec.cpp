// uplink/column_codec.cpp: delta integer columns and exact value columns (column_codec.hpp).
#include "src/uplink/column_codec.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <limits>

namespace meterd::uplink {
namespace {

using Json = nlohmann::json;

constexpr std::array<double, 7> kPow10{1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6};
constexpr double kMaxExactInt = 9007199254740992.0;  // 2^53

template <class U>
U ordered(U bits) {
  constexpr U kSign = U{1} << (sizeof(U) * 8 - 1);
  return (bits & kSign) ? static_cast<U>(~bits) : static_cast<U>(bits | kSign);
}

template <class U>
U unordered(U o) {
  constexpr U kSign = U{1} << (sizeof(U) * 8 - 1);
  return (o & kSign) ? static_cast<U>(o & ~kSign) : static_cast<U>(~o);
}

template <class U>
std::vector<std::uint8_t> pack_planes(const std::vector<U>& patterns) {
  constexpr std::size_t kW = sizeof(U);
  const std::size_t n = patterns.size();
  std::vector<std::uint8_t> out(n * kW);
  U prev = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const U o = ordered(patterns[i]);
    const U d = static_cast<U>(o - prev);  // wrapping difference
    prev = o;
    const U z = static_cast<U>((d << 1) ^ ((d >> (kW * 8 - 1)) ? ~U{0} : U{0}));
    for (std::size_t b = 0; b < kW; ++b)
      out[b * n + i] = static_cast<std::uint8_t>(z >> (8 * (kW - 1 - b)));
  }
  return out;
}

template <class U>
Result<std::vector<U>> unpack_planes(const Json& j, std::size_t n) {
  constexpr std::size_t kW = sizeof(U);
  if (!j.is_binary() || j.get_binary().size() != n * kW)
    return Error(Errc::parse_error,
                 "value column: 'b' must be a byte string of " + std::to_string(n * kW) + " bytes");
  const auto& bytes = j.get_binary();
  std::vector<U> out(n);
  U prev = 0;
  for (std::size_t i = 0; i < n; ++i) {
    U z = 0;
    for (std::size_t b = 0; b < kW; ++b) z = static_cast<U>((z << 8) | bytes[b * n + i]);
    const U d = static_cast<U>((z >> 1) ^ ((z & 1) ? ~U{0} : U{0}));
    prev = static_cast<U>(prev + d);
    out[i] = unordered(prev);
  }
  return out;
}

bool fits_decimal(std::span<const double> values, int k, std::vector<std::int64_t>& ints) {
  ints.clear();
  for (double v : values) {
    const double scaled = v * kPow10[static_cast<std::size_t>(k)];
    if (!std::isfinite(scaled) || std::fabs(scaled) >= kMaxExactInt) return false;
    const double r = std::nearbyint(scaled);
    const auto i = static_cast<std::int64_t>(r);
    const double back = static_cast<double>(i) / kPow10[static_cast<std::size_t>(k)];
    if (std::bit_cast<std::uint64_t>(back) != std::bit_cast<std::uint64_t>(v)) return false;
    ints.push_back(i);
  }
  return true;
}

bool fits_float32(std::span<const double> values, double scale, std::vector<std::uint32_t>& out) {
  out.clear();
  for (double v : values) {
    const auto f = static_cast<float>(v / scale);
    const double back = static_cast<double>(f) * scale;
    if (std::bit_cast<std::uint64_t>(back) != std::bit_cast<std::uint64_t>(v)) return false;
    out.push_back(std::bit_cast<std::uint32_t>(f));
  }
  return true;
}

}  // namespace

Json encode_deltas(std::span<const std::int64_t> ints) {
  Json out = Json::array();
  std::int64_t prev = 0;
  for (std::int64_t v : ints) {
    out.push_back(static_cast<std::int64_t>(static_cast<std::uint64_t>(v) -
                                            static_cast<std::uint64_t>(prev)));
    prev = v;
  }
  return out;
}

Result<std::vector<std::int64_t>> decode_deltas(const Json& j, std::size_t count) {
  if (!j.is_array() || j.size() != count)
    return Error(Errc::parse_error,
                 "integer column: expected an array of " + std::to_string(count) + " integers");
  std::vector<std::int64_t> out;
  out.reserve(count);
  std::uint64_t acc = 0;
  for (const auto& d : j) {
    if (!d.is_number_integer()) return Error(Errc::parse_error, "integer column: not an integer");
    acc += d.is_number_unsigned() ? d.get<std::uint64_t>()
                                  : static_cast<std::uint64_t>(d.get<std::int64_t>());
    out.push_back(static_cast<std::int64_t>(acc));
  }
  return out;
}

Json encode_value_column(std::span<const double> values) {
  std::vector<std::int64_t> ints;
  for (int k = 0; k < static_cast<int>(kPow10.size()); ++k) {
    if (fits_decimal(values, k, ints))
      return Json{{"e", "dec"}, {"k", k}, {"d", encode_deltas(ints)}};
  }
  std::vector<std::uint32_t> f32;
  for (double scale : {1.0, 1000.0}) {
    if (fits_float32(values, scale, f32))
      return Json{
          {"e", "f32"}, {"s", static_cast<int>(scale)}, {"b", Json::binary(pack_planes(f32))}};
  }
  std::vector<std::uint64_t> f64;
  f64.reserve(values.size());
  for (double v : values) f64.push_back(std::bit_cast<std::uint64_t>(v));
  return Json{{"e", "f64"}, {"b", Json::binary(pack_planes(f64))}};
}

Result<std::vector<double>> decode_value_column(const Json& j, std::size_t count) {
  if (!j.is_object() || !j.contains("e") || !j["e"].is_string())
    return Error(Errc::parse_error, "value column: expected a map with an encoding 'e'");
  const auto e = j["e"].get<std::string>();
  std::vector<double> out;
  out.reserve(count);
  if (e == "dec") {
    if (!j.contains("k") || !j["k"].is_number_unsigned() || j["k"].get<std::uint64_t>() >= 7 ||
        !j.contains("d"))
      return Error(Errc::parse_error, "value column 'dec': 'k' must be 0..6, 'd' an array");
    const double p = kPow10[j["k"].get<std::size_t>()];
    auto ints = decode_deltas(j["d"], count);
    if (!ints) return ints.error();
    for (auto i : *ints) out.push_back(static_cast<double>(i) / p);
    return out;
  }
  if (e == "f32") {
    if (!j.contains("s") || !j.contains("b") || !j["s"].is_number_integer() ||
        (j["s"].get<std::int64_t>() != 1 && j["s"].get<std::int64_t>() != 1000))
      return Error(Errc::parse_error, "value column 'f32': 's' must be 1 or 1000");
    const auto s = static_cast<double>(j["s"].get<std::int64_t>());
    auto bits = unpack_planes<std::uint32_t>(j["b"], count);
    if (!bits) return bits.error();
    for (auto b : *bits) out.push_back(static_cast<double>(std::bit_cast<float>(b)) * s);
    return out;
  }
  if (e == "f64") {
    if (!j.contains("b")) return Error(Errc::parse_error, "value column 'f64': no 'b'");
    auto bits = unpack_planes<std::uint64_t>(j["b"], count);
    if (!bits) return bits.error();
    for (auto b : *bits) out.push_back(std::bit_cast<double>(b));
    return out;
  }
  return Error(Errc::parse_error, "value column: unknown encoding '" + e + "'");
}

}  // namespace meterd::uplink
