// api/token_auth.hpp: bearer tokens (RFC 6750 §2.1) from a file, read-only or admin.
//
// The file holds one token per line as `<scope> <token>` with scope `read` or `admin`; blank
// lines and lines starting with '#' are ignored. It must not be readable by group or others
// (it is a secret), tokens are at least 16 characters. Comparison is constant-time in the
// token's content (CRYPTO_memcmp over SHA-256 digests, so length does not leak either).
// Immutable after load(): thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "meterd/error.hpp"
#include "src/api/http_types.hpp"

namespace meterd::api {

class TokenAuth {
 public:
  // No tokens: every request has Scope::admin (authentication off).
  TokenAuth() = default;

  // Reads `path`. Errc::permission_denied when group/other may read it, Errc::io_error when it
  // cannot be read, Errc::config_error naming the line for a bad line, or for a file without any
  // token.
  static Result<TokenAuth> load(const std::filesystem::path& path);

  bool enabled() const noexcept { return !tokens_.empty(); }
  // The scope of an `Authorization` header value ("Bearer <token>"); Scope::none when absent
  // or unknown. With authentication off, Scope::admin.
  Scope scope_of(std::string_view authorization) const;

 private:
  struct Entry {
    std::array<std::uint8_t, 32> digest;
    Scope scope;
  };
  std::vector<Entry> tokens_;
};

}  // namespace meterd::api
