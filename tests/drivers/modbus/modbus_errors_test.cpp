#include "drivers/modbus/modbus_errors.hpp"

#include <gtest/gtest.h>
#include <modbus/modbus.h>

#include <cerrno>

namespace meterd::modbus {
namespace {

TEST(ModbusErrors, LibmodbusErrnoMapsOnce) {
  EXPECT_TRUE(map_libmodbus_error(ETIMEDOUT, "read").is(Errc::timeout));
  EXPECT_TRUE(map_libmodbus_error(EMBBADCRC, "read").is(Errc::crc_error));
  EXPECT_TRUE(map_libmodbus_error(EMBXILFUN, "read").is(Errc::exception_reply));
  EXPECT_TRUE(map_libmodbus_error(EMBXGTAR, "read").is(Errc::exception_reply));
  EXPECT_TRUE(map_libmodbus_error(EMBUNKEXC, "read").is(Errc::exception_reply));
  EXPECT_TRUE(map_libmodbus_error(EMBBADDATA, "read").is(Errc::protocol_error));
  EXPECT_TRUE(map_libmodbus_error(EMBBADSLAVE, "read").is(Errc::protocol_error));
  EXPECT_TRUE(map_libmodbus_error(EMBMDATA, "read").is(Errc::protocol_error));
  EXPECT_TRUE(map_libmodbus_error(EMBBADEXC, "read").is(Errc::protocol_error));
  EXPECT_TRUE(map_libmodbus_error(ECONNRESET, "read").is(Errc::io_error));
  EXPECT_TRUE(map_libmodbus_error(ENOENT, "open").is(Errc::io_error));
}

TEST(ModbusErrors, DetailSaysWhatFailedAndKeepsTheExceptionCode) {
  const Error e = map_libmodbus_error(EMBXSFAIL, "read 2 registers at 0x2100", "a hint");
  EXPECT_EQ(e.detail, "read 2 registers at 0x2100: exception 0x04 (slave device failure); a hint");
}

TEST(ModbusErrors, QualityOfLostValues) {
  EXPECT_EQ(quality_for(Error{Errc::timeout}), Quality::timeout);
  EXPECT_EQ(quality_for(Error{Errc::crc_error}), Quality::crc_error);
  EXPECT_EQ(quality_for(Error{Errc::exception_reply}), Quality::exception_reply);
  EXPECT_EQ(quality_for(Error{Errc::protocol_error}), Quality::meter_invalid);
  EXPECT_EQ(quality_for(Error{Errc::io_error}), Quality::timeout);
}

}  // namespace
}  // namespace meterd::modbus
