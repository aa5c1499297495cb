#include "drivers/modbus/modbus_errors.hpp"

#include <modbus/modbus.h>

#include <cerrno>
#include <string>

#include "drivers/modbus/rtu_frame.hpp"

namespace meterd::modbus {

Error map_libmodbus_error(int err, std::string_view what, std::string_view hint) {
  std::string detail(what);
  auto with = [&](Errc code, std::string reason) {
    detail += ": " + reason;
    if (!hint.empty()) {
      detail += "; ";
      detail += hint;
    }
    return Error{code, std::move(detail)};
  };
  if (err == ETIMEDOUT) return with(Errc::timeout, "no complete reply within the timeout");
  if (err == EMBBADCRC) return with(Errc::crc_error, "reply failed its CRC");
  if (err >= EMBXILFUN && err <= EMBXGTAR) {
    const auto code = static_cast<std::uint8_t>(err - MODBUS_ENOBASE);
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", code);
    return with(Errc::exception_reply,
                std::string("exception ") + hex + " (" + exception_name(code) + ")");
  }
  if (err == EMBUNKEXC) return with(Errc::exception_reply, "exception with an unknown code");
  if (err == EMBBADDATA || err == EMBBADSLAVE || err == EMBMDATA || err == EMBBADEXC) {
    return with(Errc::protocol_error, modbus_strerror(err));
  }
  return with(Errc::io_error, modbus_strerror(err));
}

Quality quality_for(const Error& e) noexcept {
  if (e.is(Errc::crc_error)) return Quality::crc_error;
  if (e.is(Errc::exception_reply)) return Quality::exception_reply;
  if (e.is(Errc::protocol_error)) return Quality::meter_invalid;
  return Quality::timeout;
}

}  // namespace meterd::modbus
