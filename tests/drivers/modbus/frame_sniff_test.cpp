#include "drivers/modbus/frame_sniff.hpp"

#include <gtest/gtest.h>

#include "drivers/modbus/rtu_frame.hpp"

namespace meterd::modbus {
namespace {

TEST(FrameSniff, MbapReplyIsRecognised) {
  // Modbus TCP reply: transaction 1, protocol 0, length 7, unit 3, FC03, 4 bytes.
  const Bytes mbap{0x00, 0x01, 0x00, 0x00, 0x00, 0x07, 0x03, 0x03, 0x04, 0xA0, 0x00, 0xA0, 0x01};
  EXPECT_TRUE(looks_like_mbap(mbap));
  EXPECT_FALSE(looks_like_rtu(mbap));
}

TEST(FrameSniff, RtuReplyIsRecognised) {
  const Bytes rtu = build_read_reply(3, std::vector<std::uint16_t>{0xA000, 0xA001});
  EXPECT_TRUE(looks_like_rtu(rtu));
  EXPECT_FALSE(looks_like_mbap(rtu));  // bytes 2..3 are the byte count and data, not 00 00
}

TEST(FrameSniff, ShortOrOddInputIsNeither) {
  EXPECT_FALSE(looks_like_mbap(Bytes{0, 1, 0, 0, 0, 7, 3}));
  EXPECT_FALSE(looks_like_mbap(Bytes{0, 1, 0, 0, 0, 1, 3, 3}));  // length 1: no function
  EXPECT_FALSE(looks_like_rtu(Bytes{1, 3, 0}));
}

TEST(FrameSniff, HexDump) {
  EXPECT_EQ(hex_dump(Bytes{0x00, 0x0A, 0xFF}), "00 0A FF");
  EXPECT_EQ(hex_dump(Bytes{1, 2, 3, 4}, 2), "01 02 ...");
  EXPECT_EQ(hex_dump(Bytes{}), "");
}

}  // namespace
}  // namespace meterd::modbus
