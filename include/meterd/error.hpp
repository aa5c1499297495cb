// meterd/error.hpp: errors as values (STYLE.md rule 2).
//
// `Result<T>` is boost::system::result<T, Error>: a value or an Error carrying a portable code
// (`Errc`, or any foreign error_code mapped once at the boundary) plus a human detail that says
// what was expected. Protocol decoders, config loading and parsers return it; exceptions are for
// abandoning a whole task only. Thread-safe: plain values.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <system_error>
#include <utility>

namespace meterd {

// Portable error conditions of meterd. Values are stable (they appear in logs and metrics).
enum class Errc {
  ok = 0,
  invalid_argument = 1,  // a caller passed something outside the contract
  parse_error = 2,       // text or bytes that do not follow the expected syntax
  out_of_range = 3,      // syntactically valid, numerically impossible
  timeout = 4,           // a peer did not answer within its bound
  crc_error = 5,         // a frame failed its checksum
  exception_reply = 6,   // the peer answered with a protocol exception
  protocol_error = 7,    // a reply that does not fit the request
  io_error = 8,          // the OS refused an operation (see detail)
  not_found = 9,         // an id, file or object that does not exist
  permission_denied = 10,// e.g. a key file readable by others
  unsupported = 11,      // a valid request this build or peer cannot serve
  config_error = 12,     // a configuration that does not validate
  authentication_failed = 13,  // a sealed record or TLS peer that does not verify
};

const boost::system::error_category& meterd_category() noexcept;
boost::system::error_code make_error_code(Errc e) noexcept;

// An error code plus a sentence for people. `detail` never contains key material.
struct Error {
  boost::system::error_code code;
  std::string detail;

  Error() = default;
  Error(Errc e, std::string d = {}) : code(make_error_code(e)), detail(std::move(d)) {}
  Error(boost::system::error_code c, std::string d = {}) : code(c), detail(std::move(d)) {}

  bool is(Errc e) const noexcept { return code == make_error_code(e); }
  // "parse_error: expected '.' after C at column 6"
  std::string message() const;
};

// Lets Result<T>::value() throw a useful exception when a caller insists (tests, start-up).
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace meterd

template <>
struct boost::system::is_error_code_enum<meterd::Errc> : std::true_type {};
