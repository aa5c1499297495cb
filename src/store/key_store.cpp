#include "src/store/key_store.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <regex>

namespace meterd::store {
namespace fs = std::filesystem;
namespace {

Error os_error(const std::string& what, const fs::path& p) {
  return Error{Errc::io_error, what + " " + p.string() + ": " + std::strerror(errno)};
}

std::string octal_mode(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

// Generation number of "key-NNNN.key", or 0 for any other name.
unsigned generation_of(const fs::path& p) {
  static const std::regex kName(R"(key-(\d{4,9})\.key)");
  std::smatch m;
  const std::string name = p.filename().string();
  if (!std::regex_match(name, m, kName)) return 0;
  return static_cast<unsigned>(std::stoul(m[1].str()));
}

Result<std::vector<std::pair<unsigned, fs::path>>> key_files(const fs::path& dir) {
  std::vector<std::pair<unsigned, fs::path>> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (unsigned g = generation_of(e.path()); g > 0) out.emplace_back(g, e.path());
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Error{Errc::io_error, "cannot list key directory " + dir.string() + ": " + ec.message()};
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Writes 32 fresh random bytes to `path` (which must not exist) with mode 0600, durably.
Result<void> write_key_file(const fs::path& path, const RandomFill& random) {
  KeyBytes key{};
  if (auto r = random(key); !r) return r;
  const fs::path tmp = path.string() + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    OPENSSL_cleanse(key.data(), key.size());
    return os_error("cannot create", tmp);
  }
  const bool ok =
      ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  OPENSSL_cleanse(key.data(), key.size());
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return os_error("cannot write", tmp);
  }
  if (::link(tmp.c_str(), path.c_str()) != 0) {  // never replaces an existing key
    auto e = os_error("cannot create", path);
    ::unlink(tmp.c_str());
    return e;
  }
  ::unlink(tmp.c_str());
  const int dfd = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

fs::path name_for(const fs::path& dir, unsigned generation) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "key-%04u.key", generation);
  return dir / buf;
}

}  // namespace

Result<void> openssl_random(std::span<std::uint8_t> out) {
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    return Error{Errc::io_error, "RAND_bytes failed: no entropy available"};
  }
  return {};
}

KeyId key_id_of(const KeyBytes& key) {
  static constexpr char kLabel[] = "meterd-key-id";
  std::uint8_t md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, kLabel, sizeof kLabel - 1);
  EVP_DigestUpdate(ctx, key.data(), key.size());
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  return (KeyId{md[0]} << 24) | (KeyId{md[1]} << 16) | (KeyId{md[2]} << 8) | KeyId{md[3]};
}

Result<KeyBytes> read_key_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT)
      return Error{Errc::not_found, "key file " + path.string() + " does not exist"};
    return os_error("cannot open key file", path);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return os_error("cannot stat key file", path);
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return Error{Errc::permission_denied,
                 "key file " + path.string() + " has mode " + octal_mode(st.st_mode) +
                     ": it must not be accessible by group or others (chmod 600 " + path.string() +
                     ")"};
  }
  if (!S_ISREG(st.st_mode) || st.st_size != static_cast<off_t>(kKeyBytes)) {
    ::close(fd);
    return Error{Errc::invalid_argument, "key file " + path.string() +
                                             " must be a regular file of exactly " +
                                             std::to_string(kKeyBytes) + " bytes"};
  }
  KeyBytes key{};
  const ssize_t n = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(key.size())) {
    OPENSSL_cleanse(key.data(), key.size());
    return Error{Errc::io_error, "short read of key file " + path.string()};
  }
  return key;
}

KeyStore::~KeyStore() {
  for (auto& [id, key] : keys_) OPENSSL_cleanse(key.data(), key.size());
}

void KeyStore::add(const KeyBytes& key, bool make_active) {
  const KeyId id = key_id_of(key);
  keys_[id] = key;
  if (make_active) active_ = id;
}

Result<KeyStore> KeyStore::load(const KeySource& source) {
  KeyStore ks;
  if (!source.key_dir.empty()) {
    auto files = key_files(source.key_dir);
    if (!files) return files.error();
    for (const auto& [gen, path] : *files) {
      auto key = read_key_file(path);
      if (!key) return key.error();
      ks.add(*key, true);
      OPENSSL_cleanse(key->data(), key->size());
    }
  }
  if (!source.credential.empty()) {
    const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
    if (dir != nullptr && *dir != '\0') {
      auto key = read_key_file(fs::path(dir) / source.credential);
      if (key) {
        ks.add(*key, true);
        OPENSSL_cleanse(key->data(), key->size());
      } else if (!key.error().is(Errc::not_found)) {
        return key.error();
      }
    }
  }
  if (ks.keys_.empty()) {
    return Error{
        Errc::not_found,
        "no sealing key in " +
            (source.key_dir.empty() ? std::string("(no key directory)") : source.key_dir.string()) +
            (source.credential.empty() ? "" : " nor credential " + source.credential) +
            ": run `meterd key generate`"};
  }
  return ks;
}

Result<KeyStore> KeyStore::from_keys(const std::vector<KeyBytes>& keys) {
  if (keys.empty()) return Error{Errc::invalid_argument, "no key given"};
  KeyStore ks;
  for (const auto& k : keys) ks.add(k, true);
  return ks;
}

const KeyBytes* KeyStore::find(KeyId id) const noexcept {
  auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : &it->second;
}

std::vector<KeyId> KeyStore::ids() const {
  std::vector<KeyId> out;
  for (const auto& [id, key] : keys_) out.push_back(id);
  return out;
}

Result<fs::path> generate_key(const fs::path& dir, const RandomFill& random) {
  std::error_code ec;
  if (fs::create_directories(dir, ec); ec) {
    return Error{Errc::io_error,
                 "cannot create key directory " + dir.string() + ": " + ec.message()};
  }
  ::chmod(dir.c_str(), 0700);
  auto files = key_files(dir);
  if (!files) return files.error();
  if (!files->empty()) {
    return Error{Errc::invalid_argument, "key directory " + dir.string() + " already holds " +
                                             files->back().second.filename().string() +
                                             ": use `meterd key rotate`"};
  }
  const fs::path path = name_for(dir, 1);
  if (auto r = write_key_file(path, random); !r) return r.error();
  return path;
}

Result<fs::path> rotate_key(const fs::path& dir, const RandomFill& random) {
  auto files = key_files(dir);
  if (!files) return files.error();
  if (files->empty())
    return Error{Errc::not_found, "no key in " + dir.string() + ": use `meterd key generate`"};
  const fs::path path = name_for(dir, files->back().first + 1);
  if (auto r = write_key_file(path, random); !r) return r.error();
  for (const auto& [gen, old] : *files) {
    if (::chmod(old.c_str(), 0400) != 0) return os_error("cannot make read-only", old);
  }
  return path;
}

}  // namespace meterd::store
