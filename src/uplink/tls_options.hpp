// uplink/tls_options.hpp: the client side of mutual TLS (RFC 8446 / RFC 5246) for the uplink.
//
// make_tls_context() builds one OpenSSL context: TLS 1.2 minimum (1.3 offered first), the
// gateway's certificate chain and private key (PEM; the key file is refused when the group or
// others may read or write it), the CA bundle the server must chain to, peer verification on.
// Per connection, configure_peer_check() turns on the hostname (or IP address) check of RFC 6125
// inside OpenSSL's chain verification, SNI for names, and the optional SPKI SHA-256 pins
// (RFC 7469 §2.4 fingerprint: SHA-256 of the DER SubjectPublicKeyInfo). A failure keeps OpenSSL's
// verify result and says which check failed. Not thread-safe per connection; a context may be
// shared by connections on one thread.
#pragma once

#include <array>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "meterd/error.hpp"

typedef struct ssl_st SSL;                        // NOLINT: OpenSSL's own forward declarations
typedef struct x509_store_ctx_st X509_STORE_CTX;  // NOLINT

namespace meterd::uplink {

using SpkiPin = std::array<std::uint8_t, 32>;

struct TlsOptions {
  std::filesystem::path ca_file;    // PEM bundle of the CAs the server certificate must chain to
  std::filesystem::path cert_file;  // PEM: the gateway's certificate (then its intermediates)
  std::filesystem::path key_file;   // PEM: its private key, mode 0600 or 0400
  std::vector<SpkiPin> pins;        // any one must match the server's key; empty = no pinning
};

// Errc::permission_denied for a key readable by group/others, Errc::not_found / io_error for
// files that cannot be read, Errc::config_error for a certificate and key that do not match.
Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const TlsOptions& options);

// What the last handshake's peer check found: empty when it passed.
struct PeerCheck {
  std::string failure;     // "certificate has expired (depth 0, CN=...)", "hostname mismatch ..."
  long verify_result = 0;  // OpenSSL X509_V_* code (X509_V_OK = 0)
};

// Arms `ssl` for a connection to `host` (a DNS name or an IP literal): SNI for names, and
// OpenSSL's host or IP check as part of chain verification (X509_V_ERR_HOSTNAME_MISMATCH /
// X509_V_ERR_IP_ADDRESS_MISMATCH). Errc::invalid_argument if OpenSSL refuses the name.
Result<void> configure_peer_check(SSL* ssl, const std::string& host);

// The verification callback's body (SSL_set_verify): keeps OpenSSL's verdict, records the first
// failure in `check`, and at depth 0 checks the pins. Returns whether to continue.
bool verify_peer(bool preverified, X509_STORE_CTX* ctx, const std::vector<SpkiPin>& pins,
                 PeerCheck& check);

// The SPKI SHA-256 fingerprint of "sha256//<base64>" or 64 hex digits; Errc::parse_error.
Result<SpkiPin> parse_pin(const std::string& text);

}  // namespace meterd::uplink
