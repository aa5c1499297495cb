// src/app/store_setup.hpp: from the configuration's `store` section to an open store's inputs:
// StoreOptions, and the sealing keys (generated at the first start when there are none).
//
// Shared by the daemon (StoreService) and the store commands (`meterd key|verify|export`).
// Key bytes never appear in a message or log line; only key ids (key_store.hpp) do.
// Reentrant; the functions touch only the key directory they are given.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "meterd/error.hpp"
#include "src/config/config.hpp"
#include "src/store/key_store.hpp"
#include "src/store/store.hpp"

namespace meterd::app {

// The StoreOptions that `store` describes (paths already resolved by load_config()).
store::StoreOptions store_options(const config::StoreConfig& store);

// "0x1a2b3c4d": how a key id is shown to people.
std::string format_key_id(store::KeyId id);

struct LoadedKeys {
  store::KeyStore keys;
  std::filesystem::path generated;  // the key file made now (first start), or empty
};

// Loads the sealing keys of `store`. When there is none at all and no credential is configured,
// first generates key-0001.key (0600) in key_dir (made 0700): secure by default, no setup step.
// Errors: Errc::permission_denied naming a key file readable by group or others,
// Errc::not_found for a configured credential that is missing, Errc::io_error.
Result<LoadedKeys> load_or_generate_keys(const config::StoreConfig& store);

// Loads the keys without ever generating one (the read-only commands).
Result<store::KeyStore> load_keys(const config::StoreConfig& store);

}  // namespace meterd::app
