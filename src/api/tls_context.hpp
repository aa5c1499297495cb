// api/tls_context.hpp: the server's TLS context (TLS 1.2+, RFC 8446/5246) from PEM files.
//
// The private key file must not be accessible by group or others. Used only by server.cpp.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <memory>

#include "meterd/error.hpp"

namespace meterd::api {

// A server context with `cert` (chain) and `key`. Errc::permission_denied when the key is
// group/other-accessible, Errc::io_error when a file cannot be read or does not match.
Result<std::unique_ptr<boost::asio::ssl::context>> make_tls_context(
    const std::filesystem::path& cert, const std::filesystem::path& key);

}  // namespace meterd::api
