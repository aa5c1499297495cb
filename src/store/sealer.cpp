#include "src/store/sealer.hpp"

#include <openssl/evp.h>

#include <memory>

#include "src/store/byte_io.hpp"

namespace meterd::store {
namespace {

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string describe(const ChunkAd& ad) {
  if (ad.staging_seq >= 0) {
    return "staging row " + std::to_string(ad.staging_seq) + " of meter " + ad.meter +
           " (window start " + std::to_string(ad.window_start_ms) + " ms)";
  }
  return "chunk " + std::to_string(ad.chunk_id) + " of meter " + ad.meter + " (window start " +
         std::to_string(ad.window_start_ms) + " ms)";
}

Error key_missing(const ChunkAd& ad) {
  return Error{Errc::not_found,
               describe(ad) + ": key id " + std::to_string(ad.key_id) + " is not loaded"};
}

}  // namespace

std::vector<std::uint8_t> associated_data(const ChunkAd& ad) {
  static constexpr std::uint8_t kLabel[] = {'m', 'e', 't', 'e', 'r', 'd', '-',
                                            'c', 'h', 'u', 'n', 'k', '-', '1'};
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  w.bytes(kLabel);
  w.varint(ad.meter.size());
  w.bytes({reinterpret_cast<const std::uint8_t*>(ad.meter.data()), ad.meter.size()});
  w.u64le(static_cast<std::uint64_t>(ad.window_start_ms));
  w.u64le(static_cast<std::uint64_t>(ad.chunk_id));
  w.u8(ad.codec_version);
  w.u64le(ad.key_id);
  w.u64le(static_cast<std::uint64_t>(ad.t_first_ms));
  w.u64le(static_cast<std::uint64_t>(ad.t_last_ms));
  w.u64le(ad.rows);
  w.u64le(ad.values);
  w.u64le(static_cast<std::uint64_t>(ad.staging_seq));
  return out;
}

Result<std::vector<std::uint8_t>> Sealer::seal(const ChunkAd& ad,
                                               std::span<const std::uint8_t> plain) const {
  const KeyBytes* key = keys_.find(ad.key_id);
  if (key == nullptr) return key_missing(ad);
  std::vector<std::uint8_t> out(kNonceBytes + plain.size() + kTagBytes);
  if (auto r = random_(std::span(out.data(), kNonceBytes)); !r) return r.error();
  const auto aad = associated_data(ad);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  bool ok =
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key->data(), out.data()) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), out.data() + kNonceBytes, &len, plain.data(),
                        static_cast<int>(plain.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonceBytes + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          out.data() + kNonceBytes + plain.size()) == 1;
  if (!ok) return Error{Errc::io_error, describe(ad) + ": AES-256-GCM encryption failed"};
  return out;
}

Result<std::vector<std::uint8_t>> Sealer::open(const ChunkAd& ad,
                                               std::span<const std::uint8_t> sealed) const {
  const KeyBytes* key = keys_.find(ad.key_id);
  if (key == nullptr) return key_missing(ad);
  if (sealed.size() < kNonceBytes + kTagBytes) {
    return Error{Errc::authentication_failed, describe(ad) + ": sealed data too short"};
  }
  const std::size_t n = sealed.size() - kNonceBytes - kTagBytes;
  std::vector<std::uint8_t> plain(n);
  std::uint8_t tag[kTagBytes];
  std::copy(sealed.end() - kTagBytes, sealed.end(), tag);
  const auto aad = associated_data(ad);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key->data(), sealed.data()) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), plain.data(), &len, sealed.data() + kNonceBytes,
                        static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), plain.data() + len, &len) == 1;
  if (!ok)
    return Error{Errc::authentication_failed,
                 describe(ad) + ": authentication failed (altered, moved or wrong key)"};
  return plain;
}

}  // namespace meterd::store
