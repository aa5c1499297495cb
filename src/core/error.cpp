#include "meterd/error.hpp"

#include <boost/throw_exception.hpp>

#include <stdexcept>

namespace meterd {
namespace {

class MeterdCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "meterd"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok: return "ok";
      case Errc::invalid_argument: return "invalid argument";
      case Errc::parse_error: return "parse error";
      case Errc::out_of_range: return "out of range";
      case Errc::timeout: return "timeout";
      case Errc::crc_error: return "CRC error";
      case Errc::exception_reply: return "exception reply";
      case Errc::protocol_error: return "protocol error";
      case Errc::io_error: return "I/O error";
      case Errc::not_found: return "not found";
      case Errc::permission_denied: return "permission denied";
      case Errc::unsupported: return "unsupported";
      case Errc::config_error: return "configuration error";
      case Errc::authentication_failed: return "authentication failed";
    }
    return "unknown meterd error " + std::to_string(ev);
  }
};

}  // namespace

const boost::system::error_category& meterd_category() noexcept {
  static const MeterdCategory category;
  return category;
}

boost::system::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), meterd_category()};
}

std::string Error::message() const {
  std::string out = code.message();
  if (!detail.empty()) {
    out += ": ";
    out += detail;
  }
  return out;
}

void throw_exception_from_error(const Error& e, const boost::source_location& loc) {
  boost::throw_exception(std::runtime_error(e.message()), loc);
}

}  // namespace meterd
