// store/sealer.hpp: AES-256-GCM sealing of chunks (NIST SP 800-38D) through OpenSSL EVP.
//
// Staging rows (readings of windows still open) are sealed the same way, with their own label and
// sequence number in the associated data, so nothing is ever stored in clear.
// Sealed form: 12-byte nonce || ciphertext || 16-byte tag. The associated data binds everything
// that locates a chunk (meter name, window start, chunk id, codec version, key id, time range,
// row and value counts), so a row moved to another meter or window, swapped with another, or
// altered in any column fails authentication.
// Nonces: a fresh 96-bit random nonce per chunk (RandomFill, OpenSSL RAND_bytes by default).
// SP 800-38D §8.3 allows 2^32 random-nonce invocations per key; a site of 8 meters with 10-min
// windows seals ~1,200 chunks a day, so 2^32 is ~10,000 years away, and the chance of any
// repeat after n chunks is about n^2 / 2^97. A counter would need durable state that a crash
// or a restored backup could roll back; random nonces cannot be rolled back.
// Thread-safe: each call uses its own cipher context; the KeyStore is immutable.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "meterd/error.hpp"
#include "src/store/key_store.hpp"

namespace meterd::store {

inline constexpr std::size_t kNonceBytes = 12;
inline constexpr std::size_t kTagBytes = 16;

// What identifies a chunk; all of it is authenticated.
struct ChunkAd {
  std::string meter;
  std::int64_t window_start_ms = 0;
  std::int64_t chunk_id = 0;
  std::uint8_t codec_version = 0;
  KeyId key_id = 0;
  std::int64_t t_first_ms = 0;
  std::int64_t t_last_ms = 0;
  std::uint32_t rows = 0;
  std::uint32_t values = 0;
  std::int64_t staging_seq =
      -1;  // >= 0: a staging row (one reading of an open window), not a chunk
};

// The associated-data bytes for `ad` (an unambiguous, length-prefixed encoding).
std::vector<std::uint8_t> associated_data(const ChunkAd& ad);

class Sealer {
 public:
  explicit Sealer(const KeyStore& keys, RandomFill random = openssl_random)
      : keys_(keys), random_(std::move(random)) {}

  // Encrypts with the key `ad.key_id` (normally keys.active_id()). Errc::not_found for an
  // unknown key id, Errc::io_error if no randomness or the cipher fails.
  Result<std::vector<std::uint8_t>> seal(const ChunkAd& ad,
                                         std::span<const std::uint8_t> plain) const;

  // Decrypts and authenticates. Errc::authentication_failed if anything was altered (the message
  // names the chunk, never the key); Errc::not_found if the key id is not loaded.
  Result<std::vector<std::uint8_t>> open(const ChunkAd& ad,
                                         std::span<const std::uint8_t> sealed) const;

  const KeyStore& keys() const noexcept { return keys_; }

 private:
  const KeyStore& keys_;
  RandomFill random_;
};

}  // namespace meterd::store
