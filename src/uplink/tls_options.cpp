// uplink/tls_options.cpp: OpenSSL context and peer checks for the uplink (tls_options.hpp).
#include "src/uplink/tls_options.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <boost/asio/ip/address.hpp>
#include <cstdio>

namespace meterd::uplink {
namespace ssl = boost::asio::ssl;

namespace {

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

Result<void> readable_file(const std::filesystem::path& p, const char* what) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0)
    return Error(Errc::not_found, std::string(what) + " '" + p.string() + "' does not exist");
  if (!S_ISREG(st.st_mode))
    return Error(Errc::io_error, std::string(what) + " '" + p.string() + "' is not a file");
  return {};
}

std::string subject_of(X509* cert) {
  if (cert == nullptr) return "no certificate";
  char buf[256];
  X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
  return buf;
}

SpkiPin spki_sha256(X509* cert) {
  SpkiPin out{};
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(X509_get0_pubkey(cert), &der);
  if (n > 0) {
    unsigned int len = 0;
    EVP_Digest(der, static_cast<std::size_t>(n), out.data(), &len, EVP_sha256(), nullptr);
  }
  OPENSSL_free(der);
  return out;
}

}  // namespace

Result<std::shared_ptr<ssl::context>> make_tls_context(const TlsOptions& o) {
  for (auto [path, what] : {std::pair{&o.ca_file, "tls.ca_file"},
                            {&o.cert_file, "tls.cert_file"},
                            {&o.key_file, "tls.key_file"}}) {
    if (auto r = readable_file(*path, what); !r) return r.error();
  }
  struct stat st {};
  ::stat(o.key_file.c_str(), &st);
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Error(Errc::permission_denied, "private key '" + o.key_file.string() + "' has mode " +
                                              mode +
                                              ": group and others must have no access (chmod 600)");
  }
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_load_verify_locations(native, o.ca_file.c_str(), nullptr) != 1)
    return Error(Errc::config_error,
                 "cannot load CA bundle '" + o.ca_file.string() + "': " + openssl_error());
  if (SSL_CTX_use_certificate_chain_file(native, o.cert_file.c_str()) != 1)
    return Error(Errc::config_error,
                 "cannot load certificate '" + o.cert_file.string() + "': " + openssl_error());
  if (SSL_CTX_use_PrivateKey_file(native, o.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
    return Error(Errc::config_error,
                 "cannot load private key '" + o.key_file.string() + "': " + openssl_error());
  if (SSL_CTX_check_private_key(native) != 1)
    return Error(Errc::config_error, "private key '" + o.key_file.string() +
                                         "' does not match certificate '" + o.cert_file.string() +
                                         "'");
  SSL_CTX_set_verify(native, SSL_VERIFY_PEER, nullptr);
  return ctx;
}

Result<void> configure_peer_check(SSL* ssl, const std::string& host) {
  boost::system::error_code ec;
  auto ip = boost::asio::ip::make_address(host, ec);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (!ec) {
    if (X509_VERIFY_PARAM_set1_ip_asc(param, ip.to_string().c_str()) != 1)
      return Error(Errc::invalid_argument, "TLS: cannot check IP address " + host);
    return {};
  }
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) != 1 ||
      // SSL_set_tlsext_host_name() spelled out (the macro casts C-style): SNI, RFC 6066 §3.
      SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(host.c_str())) != 1)
    return Error(Errc::invalid_argument, "TLS: cannot check host name " + host);
  return {};
}

bool verify_peer(bool preverified, X509_STORE_CTX* ctx, const std::vector<SpkiPin>& pins,
                 PeerCheck& check) {
  const int depth = X509_STORE_CTX_get_error_depth(ctx);
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  if (!preverified) {
    const int err = X509_STORE_CTX_get_error(ctx);
    if (check.failure.empty()) {
      check.verify_result = err;
      check.failure = std::string(X509_verify_cert_error_string(err)) + " (depth " +
                      std::to_string(depth) + ", " + subject_of(cert) + ")";
    }
    return false;
  }
  if (depth == 0 && !pins.empty() && cert != nullptr) {
    const SpkiPin got = spki_sha256(cert);
    bool match = false;
    for (const auto& p : pins) match = match || p == got;
    if (!match) {
      X509_STORE_CTX_set_error(ctx, X509_V_ERR_APPLICATION_VERIFICATION);
      check.verify_result = X509_V_ERR_APPLICATION_VERIFICATION;
      check.failure = "server public key matches no configured pin (" + subject_of(cert) + ")";
      return false;
    }
  }
  return true;
}

Result<SpkiPin> parse_pin(const std::string& text) {
  SpkiPin pin{};
  constexpr std::string_view kPrefix = "sha256//";
  if (text.rfind(kPrefix, 0) == 0) {
    const std::string b64 = text.substr(kPrefix.size());
    unsigned char out[48];
    const int n = EVP_DecodeBlock(out, reinterpret_cast<const unsigned char*>(b64.data()),
                                  static_cast<int>(b64.size()));
    // 32 bytes encode to 44 characters with one '=' of padding: EVP_DecodeBlock returns 33.
    if (b64.size() != 44 || b64.back() != '=' || n != 33)
      return Error(Errc::parse_error, "pin: expected sha256// and 44 base64 characters");
    std::copy(out, out + 32, pin.begin());
    return pin;
  }
  if (text.size() != 64) return Error(Errc::parse_error, "pin: expected 64 hex digits");
  for (std::size_t i = 0; i < 32; ++i) {
    unsigned v = 0;
    for (std::size_t k = 0; k < 2; ++k) {
      const char c = text[2 * i + k];
      unsigned d;
      if (c >= '0' && c <= '9') {
        d = static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        d = static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        d = static_cast<unsigned>(c - 'A' + 10);
      } else {
        return Error(Errc::parse_error, "pin: expected 64 hex digits");
      }
      v = v * 16 + d;
    }
    pin[i] = static_cast<std::uint8_t>(v);
  }
  return pin;
}

}  // namespace meterd::uplink
