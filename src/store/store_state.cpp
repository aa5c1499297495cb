// Store::save_state() / load_state(): named state of the stages that must survive a restart
// (the NILM engine's learned model), one row of the `state` table per name (schema.cpp).
// The value is sealed with AES-256-GCM like the chunks (sealer.hpp), so nothing is stored in
// clear. Its associated data is a ChunkAd for the meter name "state:<name>" with chunk id 0: a
// meter id never contains ':' and chunk ids start at 1, so a state row authenticates as nothing
// but itself, and a row renamed or swapped with another fails authentication.
#include <mutex>
#include <span>
#include <string>

#include "src/store/store.hpp"

namespace meterd::store {
namespace {

ChunkAd state_ad(const std::string& name, KeyId key_id) {
  ChunkAd ad;
  ad.meter = "state:" + name;
  ad.key_id = key_id;
  return ad;
}

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

Result<void> Store::save_state(const std::string& name, std::string_view bytes) {
  if (auto w = writable(); !w) return w;
  const KeyId key = keys_.active_id();
  auto sealed = sealer_.seal(state_ad(name, key), bytes_of(bytes));
  if (!sealed) return sealed.error();
  std::lock_guard lock(writer_mutex_);
  auto st = db_.prepare(
      "INSERT INTO state (name, key_id, sealed, updated_ms) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (name) DO UPDATE SET key_id = excluded.key_id, sealed = excluded.sealed, "
      "updated_ms = excluded.updated_ms");
  if (!st) return st.error();
  return st->bind(1, name)
      .bind(2, static_cast<std::int64_t>(key))
      .bind_blob(3, *sealed)
      .bind(4, std::int64_t{clock_.utc_now().time_since_epoch().count()})
      .run();
}

Result<std::optional<std::string>> Store::load_state(const std::string& name) {
  std::lock_guard lock(writer_mutex_);
  auto st = db_.prepare("SELECT key_id, sealed FROM state WHERE name = ?");
  if (!st) return st.error();
  st->bind(1, name);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>{};
  const auto key = static_cast<KeyId>(st->col_int(0));
  auto plain = sealer_.open(state_ad(name, key), st->col_blob(1));
  if (!plain) {
    return Error{plain.error().code, "state " + name + ": " + plain.error().detail};
  }
  return std::optional<std::string>{std::string(plain->begin(), plain->end())};
}

}  // namespace meterd::store
