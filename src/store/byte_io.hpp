// store/byte_io.hpp: little byte and bit streams for the chunk codec (no I/O, no allocation
// beyond the output vector).
//
// ByteWriter appends to a std::vector; ByteReader reads a span and reports every overrun as a
// failed read (false / nullopt), never reading past the end. LEB128 varints (unsigned) and
// zigzag mapping for signed values, as in Protocol Buffers "Encoding" (varint, ZigZag).
// BitWriter/BitReader pack fields MSB-first. Plain values, not thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

namespace meterd::store {

constexpr std::uint64_t zigzag(std::int64_t v) noexcept {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
constexpr std::int64_t unzigzag(std::uint64_t v) noexcept {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::uint8_t>& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u64le(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<std::uint8_t>(v));
  }
  void svarint(std::int64_t v) { varint(zigzag(v)); }
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  std::size_t size() const noexcept { return out_.size(); }
  std::vector<std::uint8_t>& buffer() noexcept { return out_; }

 private:
  std::vector<std::uint8_t>& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> in) : in_(in) {}

  std::optional<std::uint8_t> u8() {
    if (pos_ >= in_.size()) return std::nullopt;
    return in_[pos_++];
  }
  std::optional<std::uint8_t> peek() const {
    if (pos_ >= in_.size()) return std::nullopt;
    return in_[pos_];
  }
  std::optional<std::uint64_t> u64le() {
    if (in_.size() - pos_ < 8) return std::nullopt;
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
      v |= std::uint64_t{in_[pos_ + static_cast<std::size_t>(i)]} << (8 * i);
    pos_ += 8;
    return v;
  }
  std::optional<std::uint64_t> varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return std::nullopt;
      const std::uint8_t b = in_[pos_++];
      if (shift == 63 && (b & 0x7e) != 0) return std::nullopt;  // would overflow 64 bits
      v |= std::uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) return v;
    }
    return std::nullopt;
  }
  std::optional<std::int64_t> svarint() {
    auto v = varint();
    if (!v) return std::nullopt;
    return unzigzag(*v);
  }
  // The next n bytes as a sub-span, or nullopt if fewer remain.
  std::optional<std::span<const std::uint8_t>> take(std::size_t n) {
    if (in_.size() - pos_ < n) return std::nullopt;
    auto s = in_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  std::size_t remaining() const noexcept { return in_.size() - pos_; }
  bool at_end() const noexcept { return pos_ == in_.size(); }

 private:
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
};

// Appends bit fields MSB-first; flush() pads the last byte with zeros.
class BitWriter {
 public:
  explicit BitWriter(std::vector<std::uint8_t>& out) : out_(out) {}
  ~BitWriter() { flush(); }
  BitWriter(const BitWriter&) = delete;
  BitWriter& operator=(const BitWriter&) = delete;

  // Writes the low `bits` bits of v (bits in 0..64).
  void put(std::uint64_t v, unsigned bits) {
    while (bits > 0) {
      const unsigned room = 64 - fill_;
      const unsigned n = bits < room ? bits : room;
      const std::uint64_t part = (n == 64) ? v : (v >> (bits - n)) & ((std::uint64_t{1} << n) - 1);
      acc_ = (n == 64) ? part : (acc_ << n) | part;
      fill_ += n;
      bits -= n;
      if (fill_ == 64) drain_full();
    }
  }
  void flush() {
    while (fill_ >= 8) {
      out_.push_back(static_cast<std::uint8_t>(acc_ >> (fill_ - 8)));
      fill_ -= 8;
    }
    if (fill_ > 0) {
      out_.push_back(static_cast<std::uint8_t>(acc_ << (8 - fill_)));
      fill_ = 0;
    }
    acc_ = 0;
  }

 private:
  void drain_full() {
    for (int i = 7; i >= 0; --i) out_.push_back(static_cast<std::uint8_t>(acc_ >> (8 * i)));
    acc_ = 0;
    fill_ = 0;
  }
  std::vector<std::uint8_t>& out_;
  std::uint64_t acc_ = 0;
  unsigned fill_ = 0;
};

// Reads bit fields MSB-first from a span; a read past the end sets failed() and yields 0.
class BitReader {
 public:
  explicit BitReader(std::span<const std::uint8_t> in) : in_(in) {}

  std::uint64_t get(unsigned bits) {
    std::uint64_t v = 0;
    while (bits > 0) {
      if (avail_ == 0) {
        if (pos_ >= in_.size()) {
          failed_ = true;
          return 0;
        }
        cur_ = in_[pos_++];
        avail_ = 8;
      }
      const unsigned n = bits < avail_ ? bits : avail_;
      const std::uint64_t part = (cur_ >> (avail_ - n)) & ((1u << n) - 1);
      v = (n == 64) ? part : (v << n) | part;
      avail_ -= n;
      bits -= n;
    }
    return v;
  }
  bool failed() const noexcept { return failed_; }

 private:
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  std::uint32_t cur_ = 0;
  unsigned avail_ = 0;
  bool failed_ = false;
};

}  // namespace meterd::store
