#include "src/api/token_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>

namespace meterd::api {
namespace {

constexpr std::size_t kMinTokenLength = 16;

std::array<std::uint8_t, 32> digest(std::string_view s) {
  std::array<std::uint8_t, 32> d{};
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d.data());
  return d;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

Result<TokenAuth> TokenAuth::load(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Error{Errc::io_error, "cannot read tokens file " + path.string()};
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Error{Errc::permission_denied, "tokens file " + path.string() +
                                              " is accessible by group or others (chmod 600 it)"};
  }
  std::ifstream in(path);
  if (!in) return Error{Errc::io_error, "cannot open tokens file " + path.string()};
  TokenAuth auth;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string_view text = trim(line);
    if (text.empty() || text.front() == '#') continue;
    const auto space = text.find_first_of(" \t");
    const std::string_view scope = text.substr(0, space);
    const std::string_view token =
        space == std::string_view::npos ? std::string_view{} : trim(text.substr(space));
    const auto where = path.string() + ":" + std::to_string(number);
    if (scope != "read" && scope != "admin") {
      return Error{Errc::config_error, where + ": expected 'read <token>' or 'admin <token>'"};
    }
    if (token.size() < kMinTokenLength || token.find_first_of(" \t") != std::string_view::npos) {
      return Error{Errc::config_error, where + ": a token is one word of at least 16 characters"};
    }
    auth.tokens_.push_back({digest(token), scope == "admin" ? Scope::admin : Scope::read});
  }
  if (auth.tokens_.empty()) {
    return Error{Errc::config_error, "tokens file " + path.string() + " holds no token"};
  }
  return auth;
}

Scope TokenAuth::scope_of(std::string_view authorization) const {
  if (tokens_.empty()) return Scope::admin;
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size()) return Scope::none;
  // The scheme is case-insensitive (RFC 7235 §2.1).
  for (std::size_t i = 0; i < kBearer.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kBearer[i]))) {
      return Scope::none;
    }
  }
  const auto d = digest(trim(authorization.substr(kBearer.size())));
  Scope found = Scope::none;
  for (const auto& e : tokens_) {  // every entry is compared: no early exit
    if (CRYPTO_memcmp(e.digest.data(), d.data(), d.size()) == 0) found = e.scope;
  }
  return found;
}

}  // namespace meterd::api
