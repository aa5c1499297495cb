#include "drivers/modbus/rtu_frame.hpp"

#include <gtest/gtest.h>

namespace meterd::modbus {
namespace {

Bytes hex(std::string_view s) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < s.size();) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(static_cast<std::uint8_t>(std::stoul(std::string(s.substr(i, 2)), nullptr, 16)));
    i += 2;
  }
  return out;
}

TEST(RtuFrame, CrcOfTheClassicReadRequest) {
  // 01 03 00 00 00 0A is sent on the wire as 01 03 00 00 00 0A C5 CD.
  const Bytes f = hex("01 03 00 00 00 0A");
  EXPECT_EQ(crc16(f), 0xCDC5);
  EXPECT_TRUE(crc_ok(hex("01 03 00 00 00 0A C5 CD")));
  EXPECT_FALSE(crc_ok(hex("01 03 00 00 00 0A CD C5")));
}

TEST(RtuFrame, BuildsTheApplicationProtocolFc03Example) {
  // Application Protocol v1.1b3 §6.3: read registers 108..110 (address 0x006B, 3 registers),
  // framed for slave 0x11 (serial line §2.5.1): 11 03 00 6B 00 03 CRC 76 87.
  auto req = build_read_request(0x11, 0x006B, 3);
  ASSERT_TRUE(req);
  EXPECT_EQ(*req, hex("11 03 00 6B 00 03 76 87"));
}

TEST(RtuFrame, ParsesTheApplicationProtocolFc03Reply) {
  // §6.3 response PDU 03 06 02 2B 00 00 00 64: registers 555, 0, 100.
  Bytes reply = hex("11 03 06 02 2B 00 00 00 64");
  append_crc(reply);
  auto regs = parse_read_reply(reply, 0x11, 3);
  ASSERT_TRUE(regs) << regs.error().message();
  EXPECT_EQ(*regs, (std::vector<std::uint16_t>{555, 0, 100}));
}

TEST(RtuFrame, BuildsAndParsesTheFc10Example) {
  // §6.12: write 0x000A, 0x0102 to registers 2..3 (address 1).
  const std::uint16_t values[] = {0x000A, 0x0102};
  auto req = build_write_request(0x11, 0x0001, values);
  ASSERT_TRUE(req);
  EXPECT_EQ(*req, hex("11 10 00 01 00 02 04 00 0A 01 02 C6 F0"));
  EXPECT_TRUE(parse_write_reply(hex("11 10 00 01 00 02 12 98"), 0x11, 1, 2));
  auto wrong = parse_write_reply(build_write_reply(0x11, 1, 3), 0x11, 1, 2);
  ASSERT_FALSE(wrong);
  EXPECT_TRUE(wrong.error().is(Errc::protocol_error));
}

TEST(RtuFrame, RequestBoundsAreChecked) {
  EXPECT_TRUE(build_read_request(0, 0, 1).error().is(Errc::invalid_argument));
  EXPECT_TRUE(build_read_request(248, 0, 1).error().is(Errc::invalid_argument));
  EXPECT_TRUE(build_read_request(1, 0, 0).error().is(Errc::invalid_argument));
  EXPECT_TRUE(build_read_request(1, 0, 126).error().is(Errc::invalid_argument));
  EXPECT_TRUE(build_read_request(1, 0xFFFF, 2).error().is(Errc::invalid_argument));
  EXPECT_TRUE(build_read_request(1, 0xFFFF, 1));
  EXPECT_TRUE(build_read_request(247, 0, 125));
  const std::vector<std::uint16_t> too_many(124, 0);
  EXPECT_TRUE(build_write_request(1, 0, too_many).error().is(Errc::invalid_argument));
}

TEST(RtuFrame, ShortReplyIsAProtocolError) {
  auto r = parse_read_reply(hex("01 03 04 00"), 1, 2);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::protocol_error));
  EXPECT_NE(r.error().detail.find("expected at least 5"), std::string::npos);
}

TEST(RtuFrame, TruncatedReplyWithValidCrcIsAProtocolError) {
  Bytes f = hex("01 03 04 00 01");  // byte count says 4, only 1 data byte
  append_crc(f);
  auto r = parse_read_reply(f, 1, 2);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::protocol_error));
}

TEST(RtuFrame, BadCrcIsACrcError) {
  Bytes f = build_read_reply(1, std::vector<std::uint16_t>{1, 2});
  f[3] ^= 0x01;
  auto r = parse_read_reply(f, 1, 2);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::crc_error));
}

TEST(RtuFrame, ReplyFromAnotherSlaveIsRejected) {
  auto r = parse_read_reply(build_read_reply(2, std::vector<std::uint16_t>{7}), 1, 1);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::protocol_error));
  EXPECT_NE(r.error().detail.find("expected slave 1"), std::string::npos);
}

TEST(RtuFrame, WrongFunctionIsRejected) {
  Bytes f = hex("01 04 02 00 07");
  append_crc(f);
  auto r = parse_read_reply(f, 1, 1);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::protocol_error));
}

TEST(RtuFrame, ByteCountMustMatchTheRequest) {
  auto r = parse_read_reply(build_read_reply(1, std::vector<std::uint16_t>{1, 2, 3}), 1, 2);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::protocol_error));
}

TEST(RtuFrame, ExceptionReplyKeepsItsCode) {
  const Bytes f =
      build_exception_reply(1, kFcReadHoldingRegisters, ExceptionCode::illegal_data_address);
  EXPECT_EQ(f.size(), 5u);
  EXPECT_EQ(f[1], 0x83);
  auto r = parse_read_reply(f, 1, 2);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::exception_reply));
  EXPECT_NE(r.error().detail.find("0x02 (illegal data address)"), std::string::npos);
}

TEST(RtuFrame, ExpectedReplyLength) {
  EXPECT_FALSE(expected_reply_length(hex("01 03"), 3));
  EXPECT_EQ(expected_reply_length(hex("01 03 08"), 3), 13u);
  EXPECT_EQ(expected_reply_length(hex("01 83 02"), 3), 5u);
  EXPECT_EQ(expected_reply_length(hex("01 10 00"), 0x10), 8u);
}

TEST(RtuFrame, SlaveSideRoundTrip) {
  auto req = parse_request(*build_read_request(9, 0x2100, 54));
  ASSERT_TRUE(req);
  EXPECT_EQ(req->slave, 9);
  EXPECT_EQ(req->function, kFcReadHoldingRegisters);
  EXPECT_EQ(req->address, 0x2100);
  EXPECT_EQ(req->count, 54);

  const std::uint16_t values[] = {247, 9600};
  const Bytes w = *build_write_request(1, 0x1000, values);
  EXPECT_EQ(expected_request_length(std::span(w).first(2)), std::nullopt);
  EXPECT_EQ(expected_request_length(w), w.size());
  auto wr = parse_request(w);
  ASSERT_TRUE(wr);
  EXPECT_EQ(wr->values, (std::vector<std::uint16_t>{247, 9600}));

  Bytes unknown = hex("01 06 00 01 00 03");
  append_crc(unknown);
  EXPECT_TRUE(parse_request(unknown).error().is(Errc::unsupported));
  Bytes zero = hex("01 03 00 00 00 00");
  append_crc(zero);
  EXPECT_TRUE(parse_request(zero).error().is(Errc::out_of_range));
}

TEST(RtuFrame, ExceptionNames) {
  EXPECT_EQ(exception_name(0x01), "illegal function");
  EXPECT_EQ(exception_name(0x0B), "gateway target device failed to respond");
  EXPECT_EQ(exception_name(0x42), "exception 0x42");
}

}  // namespace
}  // namespace meterd::modbus
