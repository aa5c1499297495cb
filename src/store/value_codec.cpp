#include "src/store/value_codec.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace meterd::store {
namespace {

constexpr std::size_t kBlock = 32;
constexpr std::uint64_t kTwo53 = std::uint64_t{1} << 53;

Error malformed(const char* what) {
  return Error{Errc::parse_error, std::string("chunk values: ") + what};
}

std::uint64_t bits_of(double d) { return std::bit_cast<std::uint64_t>(d); }

unsigned bit_width64(std::uint64_t v) { return static_cast<unsigned>(std::bit_width(v)); }

// ---- integers ---------------------------------------------------------------------------------

void encode_ints_order(std::span<const std::int64_t> ints, unsigned order,
                       std::vector<std::uint8_t>& out) {
  ByteWriter w(out);
  w.u8(static_cast<std::uint8_t>(order));
  std::vector<std::uint64_t> res;
  res.reserve(ints.size());
  std::uint64_t prev = 0, prev_delta = 0;
  for (std::size_t i = 0; i < ints.size(); ++i) {
    const auto v = static_cast<std::uint64_t>(ints[i]);
    const std::uint64_t delta = v - prev;
    if (i == 0) {
      w.varint(zigzag(ints[0]));
    } else if (order == 1 || i == 1) {
      if (order == 2)
        w.varint(zigzag(static_cast<std::int64_t>(delta)));
      else
        res.push_back(zigzag(static_cast<std::int64_t>(delta)));
    } else {
      res.push_back(zigzag(static_cast<std::int64_t>(delta - prev_delta)));
    }
    prev_delta = delta;
    prev = v;
  }
  std::vector<std::uint8_t> packed;
  {
    BitWriter bw(packed);
    for (std::size_t b = 0; b < res.size(); b += kBlock) {
      const std::size_t e = std::min(res.size(), b + kBlock);
      std::uint64_t all = 0;
      for (std::size_t i = b; i < e; ++i) all |= res[i];
      const unsigned width = bit_width64(all);
      bw.put(width, 7);
      for (std::size_t i = b; i < e; ++i) bw.put(res[i], width);
    }
  }
  w.varint(packed.size());
  w.bytes(packed);
}

// ---- XOR (Gorilla) ----------------------------------------------------------------------------

void encode_xor(std::span<const std::uint64_t> words, ByteWriter& w) {
  if (words.empty()) return;
  w.u64le(words[0]);
  std::vector<std::uint8_t> packed;
  {
    BitWriter bw(packed);
    unsigned prev_lead = 65, prev_trail = 65;  // no window yet
    for (std::size_t i = 1; i < words.size(); ++i) {
      const std::uint64_t x = words[i] ^ words[i - 1];
      if (x == 0) {
        bw.put(0, 1);
        continue;
      }
      const unsigned lead = static_cast<unsigned>(std::countl_zero(x));
      const unsigned trail = static_cast<unsigned>(std::countr_zero(x));
      if (prev_lead <= 64 && lead >= prev_lead && trail >= prev_trail) {
        bw.put(0b10, 2);
        bw.put(x >> prev_trail, 64 - prev_lead - prev_trail);
      } else {
        const unsigned len = 64 - lead - trail;  // 1..64
        bw.put(0b11, 2);
        bw.put(lead, 6);
        bw.put(len - 1, 6);
        bw.put(x >> trail, len);
        prev_lead = lead;
        prev_trail = trail;
      }
    }
  }
  w.varint(packed.size());
  w.bytes(packed);
}

Result<void> decode_xor(ByteReader& in, std::size_t count, std::vector<std::uint64_t>& out) {
  if (count == 0) return {};
  auto first = in.u64le();
  if (!first) return malformed("truncated xor head");
  auto len = in.varint();
  if (!len) return malformed("truncated xor length");
  auto body = in.take(*len);
  if (!body) return malformed("xor body past end");
  BitReader br(*body);
  std::uint64_t prev = *first;
  out.push_back(prev);
  unsigned lead = 0, trail = 0;
  bool window = false;
  for (std::size_t i = 1; i < count; ++i) {
    if (br.get(1) != 0) {
      if (br.get(1) != 0) {
        lead = static_cast<unsigned>(br.get(6));
        const unsigned n = static_cast<unsigned>(br.get(6)) + 1;
        if (lead + n > 64) return malformed("xor window wider than 64 bits");
        trail = 64 - lead - n;
        window = true;
      } else if (!window) {
        return malformed("xor reuses a window before defining one");
      }
      const unsigned n = 64 - lead - trail;
      prev ^= br.get(n) << trail;
    }
    if (br.failed()) return malformed("xor bits past end");
    out.push_back(prev);
  }
  return {};
}

// ---- float32 ----------------------------------------------------------------------------------

std::uint64_t to_ordered64(std::uint64_t u) {
  return (u >> 63) ? ~u : (u | (std::uint64_t{1} << 63));
}
std::uint64_t from_ordered64(std::uint64_t o) {
  return (o >> 63) ? (o & ~(std::uint64_t{1} << 63)) : ~o;
}

std::uint32_t to_ordered(std::uint32_t u) { return (u & 0x80000000u) ? ~u : (u | 0x80000000u); }
std::uint32_t from_ordered(std::uint32_t o) { return (o & 0x80000000u) ? (o & 0x7fffffffu) : ~o; }

double widen(std::uint32_t f, std::uint8_t scale) {
  const double d = static_cast<double>(std::bit_cast<float>(f));
  return scale == 1 ? d * 1000.0 : d;
}

// The float32 patterns if every value is a widened float32 (scale 0) or one times 1000 (scale 1).
bool as_float32(std::span<const double> values, std::uint8_t scale,
                std::vector<std::uint32_t>& out) {
  out.clear();
  out.reserve(values.size());
  for (double v : values) {
    const float f = static_cast<float>(scale == 1 ? v / 1000.0 : v);
    const auto fb = std::bit_cast<std::uint32_t>(f);
    if (bits_of(widen(fb, scale)) != bits_of(v)) return false;
    out.push_back(fb);
  }
  return true;
}

// ---- decimal ----------------------------------------------------------------------------------

constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12};

bool as_decimal(std::span<const double> values, unsigned k, std::vector<std::int64_t>& out) {
  out.clear();
  out.reserve(values.size());
  const double p = kPow10[k];
  for (double v : values) {
    const double x = std::nearbyint(v * p);
    if (!(std::fabs(x) < static_cast<double>(kTwo53))) return false;  // also rejects NaN, inf
    const auto i = static_cast<std::int64_t>(x);
    if (bits_of(static_cast<double>(i) / p) != bits_of(v)) return false;
    out.push_back(i);
  }
  return true;
}

}  // namespace

void encode_ints(std::span<const std::int64_t> ints, ByteWriter& out) {
  std::vector<std::uint8_t> a, b;
  encode_ints_order(ints, 1, a);
  if (ints.size() > 2) encode_ints_order(ints, 2, b);
  out.bytes(!b.empty() && b.size() < a.size() ? b : a);
}

Result<void> decode_ints(ByteReader& in, std::size_t count, std::vector<std::int64_t>& out) {
  auto order = in.u8();
  if (!order || (*order != 1 && *order != 2)) return malformed("bad integer order");
  if (count == 0) {
    auto len = in.varint();
    if (!len || *len != 0) return malformed("integers: expected empty body");
    return {};
  }
  auto first = in.varint();
  if (!first) return malformed("truncated first integer");
  std::uint64_t prev = static_cast<std::uint64_t>(unzigzag(*first));
  std::uint64_t delta = 0;
  out.push_back(static_cast<std::int64_t>(prev));
  std::size_t done = 1;
  if (*order == 2 && count > 1) {
    auto d = in.varint();
    if (!d) return malformed("truncated first delta");
    delta = static_cast<std::uint64_t>(unzigzag(*d));
    prev += delta;
    out.push_back(static_cast<std::int64_t>(prev));
    done = 2;
  }
  auto len = in.varint();
  if (!len) return malformed("truncated integer length");
  auto body = in.take(*len);
  if (!body) return malformed("integer body past end");
  BitReader br(*body);
  while (done < count) {
    const unsigned width = static_cast<unsigned>(br.get(7));
    if (width > 64) return malformed("integer block wider than 64 bits");
    const std::size_t n = std::min(kBlock, count - done);
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = static_cast<std::uint64_t>(unzigzag(br.get(width)));
      if (*order == 1) {
        prev += r;
      } else {
        delta += r;
        prev += delta;
      }
      out.push_back(static_cast<std::int64_t>(prev));
    }
    if (br.failed()) return malformed("integer bits past end");
    done += n;
  }
  return {};
}

void encode_values(std::span<const double> values, ByteWriter& out) {
  if (values.empty() || std::all_of(values.begin(), values.end(),
                                    [&](double v) { return bits_of(v) == bits_of(values[0]); })) {
    out.u8(static_cast<std::uint8_t>(ValueEncoding::constant));
    if (!values.empty()) out.u64le(bits_of(values[0]));
    return;
  }
  std::vector<std::uint8_t> best, cand;
  auto consider = [&] {
    if (best.empty() || cand.size() < best.size()) best.swap(cand);
    cand.clear();
  };
  {
    ByteWriter w(cand);
    w.u8(static_cast<std::uint8_t>(ValueEncoding::xor_double));
    std::vector<std::uint64_t> words(values.size());
    std::transform(values.begin(), values.end(), words.begin(), bits_of);
    encode_xor(words, w);
    consider();
  }
  {
    ByteWriter w(cand);
    w.u8(static_cast<std::uint8_t>(ValueEncoding::ordered64));
    std::vector<std::int64_t> ints(values.size());
    std::transform(values.begin(), values.end(), ints.begin(),
                   [](double v) { return static_cast<std::int64_t>(to_ordered64(bits_of(v))); });
    encode_ints(ints, w);
    consider();
  }
  std::vector<std::uint32_t> f32;
  for (std::uint8_t scale : {std::uint8_t{0}, std::uint8_t{1}}) {
    if (!as_float32(values, scale, f32)) continue;
    {
      ByteWriter w(cand);
      w.u8(static_cast<std::uint8_t>(ValueEncoding::float32));
      w.u8(scale);
      w.u8(0);  // inner: XOR of the 32-bit patterns
      std::vector<std::uint64_t> words(f32.size());
      std::transform(f32.begin(), f32.end(), words.begin(),
                     [](std::uint32_t f) { return std::uint64_t{f} << 32; });
      encode_xor(words, w);
      consider();
    }
    {
      ByteWriter w(cand);
      w.u8(static_cast<std::uint8_t>(ValueEncoding::float32));
      w.u8(scale);
      w.u8(1);  // inner: integers in float order
      std::vector<std::int64_t> ints(f32.size());
      std::transform(f32.begin(), f32.end(), ints.begin(),
                     [](std::uint32_t f) { return std::int64_t{to_ordered(f)}; });
      encode_ints(ints, w);
      consider();
    }
    break;
  }
  std::vector<std::int64_t> dec;
  for (unsigned k = 0; k < std::size(kPow10); ++k) {
    if (!as_decimal(values, k, dec)) continue;
    ByteWriter w(cand);
    w.u8(static_cast<std::uint8_t>(ValueEncoding::decimal));
    w.u8(static_cast<std::uint8_t>(k));
    encode_ints(dec, w);
    consider();
    break;
  }
  out.bytes(best);
}

Result<void> decode_values(ByteReader& in, std::size_t count, std::vector<double>& out) {
  auto tag = in.u8();
  if (!tag) return malformed("missing encoding tag");
  switch (static_cast<ValueEncoding>(*tag)) {
    case ValueEncoding::constant: {
      if (count == 0) return {};
      auto b = in.u64le();
      if (!b) return malformed("truncated constant");
      out.insert(out.end(), count, std::bit_cast<double>(*b));
      return {};
    }
    case ValueEncoding::xor_double: {
      std::vector<std::uint64_t> words;
      words.reserve(count);
      if (auto r = decode_xor(in, count, words); !r) return r;
      for (auto w : words) out.push_back(std::bit_cast<double>(w));
      return {};
    }
    case ValueEncoding::float32: {
      auto scale = in.u8();
      auto inner = in.u8();
      if (!scale || !inner || *scale > 1 || *inner > 1) return malformed("bad float32 header");
      if (*inner == 0) {
        std::vector<std::uint64_t> words;
        words.reserve(count);
        if (auto r = decode_xor(in, count, words); !r) return r;
        for (auto w : words) out.push_back(widen(static_cast<std::uint32_t>(w >> 32), *scale));
      } else {
        std::vector<std::int64_t> ints;
        ints.reserve(count);
        if (auto r = decode_ints(in, count, ints); !r) return r;
        for (auto i : ints)
          out.push_back(widen(from_ordered(static_cast<std::uint32_t>(i)), *scale));
      }
      return {};
    }
    case ValueEncoding::ordered64: {
      std::vector<std::int64_t> ints;
      ints.reserve(count);
      if (auto r = decode_ints(in, count, ints); !r) return r;
      for (auto i : ints)
        out.push_back(std::bit_cast<double>(from_ordered64(static_cast<std::uint64_t>(i))));
      return {};
    }
    case ValueEncoding::decimal: {
      auto k = in.u8();
      if (!k || *k >= std::size(kPow10)) return malformed("bad decimal exponent");
      std::vector<std::int64_t> ints;
      ints.reserve(count);
      if (auto r = decode_ints(in, count, ints); !r) return r;
      for (auto i : ints) out.push_back(static_cast<double>(i) / kPow10[*k]);
      return {};
    }
    case ValueEncoding::same_as_column:
      return malformed("column reference outside a chunk");
  }
  return malformed("unknown encoding tag");
}

}  // namespace meterd::store
