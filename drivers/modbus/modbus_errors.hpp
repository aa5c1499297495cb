// drivers/modbus/modbus_errors.hpp: libmodbus errno values -> meterd::Error, mapped once here.
//
// libmodbus reports failures in errno: system errors (ETIMEDOUT, ECONNRESET, ...) and its own
// EMB* codes (modbus.h). Mapping: ETIMEDOUT -> timeout; EMBBADCRC -> crc_error; EMBX* (an
// exception reply; the code stays in the detail) and EMBUNKEXC -> exception_reply; EMBBADDATA,
// EMBBADSLAVE, EMBMDATA, EMBBADEXC -> protocol_error; everything else -> io_error. Also the
// Quality a failed transaction gives the values it should have delivered. Pure: thread-safe.
#pragma once

#include <string_view>

#include "meterd/error.hpp"
#include "meterd/quality.hpp"

namespace meterd::modbus {

// The Error for libmodbus errno `err` after `what` failed ("read 10 registers at 0x2100 from
// slave 1"); `hint` is appended to the detail when not empty.
Error map_libmodbus_error(int err, std::string_view what, std::string_view hint = {});

// The quality of values lost to `e`: timeout, crc_error, exception_reply, else meter_invalid
// for protocol errors and timeout for I/O errors (the meter did not deliver).
Quality quality_for(const Error& e) noexcept;

}  // namespace meterd::modbus
