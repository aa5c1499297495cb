// store/key_store.hpp: the AES-256 keys that seal chunks, and the key files they come from.
//
// A key file holds exactly 32 random bytes and must not be readable or writable by group or
// others (mode & 077 == 0), else it is refused with Errc::permission_denied and a message that
// names the file and its mode. Keys live in one directory as key-0001.key, key-0002.key, ...
// (a generation number); the highest generation seals new chunks, older ones are kept read-only
// (mode 0400) to open old chunks ("rotation"). A systemd credential ($CREDENTIALS_DIRECTORY/
// <name>, see systemd.exec(5) "Credentials") may supply the active key instead.
// A key's id is the first 32 bits of SHA-256("meterd-key-id" || key): stable, stored with each
// chunk, and revealing nothing useful about the key. No key byte ever appears in a message or log.
// KeyStore is immutable after load(): thread-safe for concurrent readers.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "meterd/error.hpp"

namespace meterd::store {

inline constexpr std::size_t kKeyBytes = 32;
using KeyId = std::uint32_t;
using KeyBytes = std::array<std::uint8_t, kKeyBytes>;

// Fills a buffer with cryptographically secure random bytes (injected so tests can count calls).
using RandomFill = std::function<Result<void>(std::span<std::uint8_t>)>;
// OpenSSL RAND_bytes (the default RandomFill).
Result<void> openssl_random(std::span<std::uint8_t> out);

KeyId key_id_of(const KeyBytes& key);

// Reads one key file: Errc::not_found, Errc::permission_denied (group/other access), or
// Errc::invalid_argument (not exactly 32 bytes).
Result<KeyBytes> read_key_file(const std::filesystem::path& path);

struct KeySource {
  std::filesystem::path key_dir;  // key-NNNN.key files; may be empty when a credential is used
  std::string credential;         // name under $CREDENTIALS_DIRECTORY; empty = none
};

class KeyStore {
 public:
  KeyStore(const KeyStore&) = delete;
  KeyStore& operator=(const KeyStore&) = delete;
  KeyStore(KeyStore&&) noexcept = default;
  KeyStore& operator=(KeyStore&&) noexcept = default;
  ~KeyStore();

  // Loads every key of `source`. Errc::not_found when there is no key at all.
  static Result<KeyStore> load(const KeySource& source);
  // From keys in memory (tests, tools); the last one is active. Errc::invalid_argument if empty.
  static Result<KeyStore> from_keys(const std::vector<KeyBytes>& keys);

  KeyId active_id() const noexcept { return active_; }
  // The key with this id, or nullptr.
  const KeyBytes* find(KeyId id) const noexcept;
  std::vector<KeyId> ids() const;

 private:
  KeyStore() = default;
  void add(const KeyBytes& key, bool make_active);
  std::map<KeyId, KeyBytes> keys_;
  KeyId active_ = 0;
};

// `meterd key generate`: writes key-0001.key (mode 0600) in `dir` (created 0700 if missing).
// Errc::invalid_argument if the directory already holds a key. Returns the new file.
Result<std::filesystem::path> generate_key(const std::filesystem::path& dir,
                                           const RandomFill& random = openssl_random);

// `meterd key rotate`: writes the next generation (0600) and makes every older key file 0400.
// Errc::not_found if there is no key yet. Returns the new file.
Result<std::filesystem::path> rotate_key(const std::filesystem::path& dir,
                                         const RandomFill& random = openssl_random);

}  // namespace meterd::store
