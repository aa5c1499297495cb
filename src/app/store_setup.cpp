#include "src/app/store_setup.hpp"

#include <cstdio>

namespace meterd::app {

store::StoreOptions store_options(const config::StoreConfig& c) {
  store::StoreOptions o;
  o.path = c.path;
  o.flush_interval = c.flush_interval;
  o.window = c.window;
  o.close_grace = c.close_grace;
  o.retention = c.retention;
  o.retention_interval = c.retention_interval;
  o.quota_bytes = c.quota_bytes;
  o.min_free_bytes = c.min_free_bytes;
  o.max_queued_readings = c.max_queued_readings;
  o.keys = {c.key_dir, c.key_credential};
  return o;
}

std::string format_key_id(store::KeyId id) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(id));
  return buf;
}

Result<store::KeyStore> load_keys(const config::StoreConfig& c) {
  return store::KeyStore::load({c.key_dir, c.key_credential});
}

Result<LoadedKeys> load_or_generate_keys(const config::StoreConfig& c) {
  auto keys = load_keys(c);
  if (keys) return LoadedKeys{std::move(*keys), {}};
  if (!keys.error().is(Errc::not_found) || !c.key_credential.empty()) return keys.error();
  auto made = store::generate_key(c.key_dir);
  // Another process may have made the first key in the meantime: then use it.
  keys = load_keys(c);
  if (!keys) return made ? keys.error() : made.error();
  return LoadedKeys{std::move(*keys), made ? *made : std::filesystem::path{}};
}

}  // namespace meterd::app
