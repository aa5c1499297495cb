#include "src/api/tls_context.hpp"

#include <sys/stat.h>

namespace meterd::api {

Result<std::unique_ptr<boost::asio::ssl::context>> make_tls_context(
    const std::filesystem::path& cert, const std::filesystem::path& key) {
  namespace ssl = boost::asio::ssl;
  struct stat st {};
  if (::stat(key.c_str(), &st) != 0) {
    return Error{Errc::io_error, "cannot read TLS key " + key.string()};
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Error{Errc::permission_denied,
                 "TLS key " + key.string() + " is accessible by group or others (chmod 600 it)"};
  }
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert.string(), ec);
  if (ec) return Error{Errc::io_error, "TLS certificate " + cert.string() + ": " + ec.message()};
  ctx->use_private_key_file(key.string(), ssl::context::pem, ec);
  if (ec) return Error{Errc::io_error, "TLS key " + key.string() + ": " + ec.message()};
  return ctx;
}

}  // namespace meterd::api
