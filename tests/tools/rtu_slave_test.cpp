#include "tools/sim/rtu_slave.hpp"

#include "tools/sim/bsmart_register_map.hpp"
#include "tools/sim/modbus_crc.hpp"
#include "tools/sim/rtu_framer.hpp"

#include <gtest/gtest.h>

namespace meterd::sim {
namespace {

using namespace std::chrono;
using Bytes = std::vector<std::uint8_t>;

const UtcTime kStart = UtcTime{sys_days{2026y / 11 / 23} + 10h};

Bytes frame(std::uint8_t address, Bytes pdu) { return make_rtu_frame(address, pdu); }
Bytes read_req(std::uint8_t address, std::uint16_t start, std::uint16_t count) {
  return frame(address, {0x03, static_cast<std::uint8_t>(start >> 8), static_cast<std::uint8_t>(start),
                         static_cast<std::uint8_t>(count >> 8), static_cast<std::uint8_t>(count)});
}
Bytes write_req(std::uint8_t address, std::uint16_t start, std::vector<std::uint16_t> values) {
  Bytes pdu{0x10, static_cast<std::uint8_t>(start >> 8), static_cast<std::uint8_t>(start), 0,
            static_cast<std::uint8_t>(values.size()), static_cast<std::uint8_t>(2 * values.size())};
  for (auto v : values) {
    pdu.push_back(static_cast<std::uint8_t>(v >> 8));
    pdu.push_back(static_cast<std::uint8_t>(v));
  }
  return frame(address, pdu);
}

class RtuSlaveTest : public ::testing::Test {
 protected:
  static std::vector<DeviceSettings> two_meters() {
    DeviceSettings a{.address = 1, .baud = 9600, .seed = 11, .start = kStart, .frozen = false, .building = {}, .feed = nullptr, .feed_phase = 0};
    DeviceSettings b = a;
    b.address = 2;
    b.seed = 12;
    return {a, b};
  }
  std::optional<RtuReply> send(const Bytes& f, milliseconds since = milliseconds{0}) {
    return slave_.handle_frame(f, since, kStart + seconds{30});
  }
  RtuSlave slave_{two_meters(), 1};
};

TEST(ModbusCrc, MatchesTheSpecificationExample) {
  // Modbus over serial line v1.02 Appendix B procedure; the classic example frame.
  const Bytes req{0x01, 0x03, 0x00, 0x00, 0x00, 0x0A};
  EXPECT_EQ(modbus_crc16(req), 0xCDC5);  // sent C5 CD
  EXPECT_EQ(make_rtu_frame(0x01, Bytes{0x03, 0x00, 0x00, 0x00, 0x0A}),
            (Bytes{0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD}));
  EXPECT_TRUE(modbus_crc_ok(Bytes{0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD}));
  EXPECT_FALSE(modbus_crc_ok(Bytes{0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xCD, 0xC5}));
}

TEST_F(RtuSlaveTest, ReadHoldingRegistersReplyIsWellFormed) {
  const auto r = send(read_req(1, 0x2100, 2));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->frame.size(), 9U);  // address fc bytecount 4 data CRC
  EXPECT_EQ(r->frame[0], 1);
  EXPECT_EQ(r->frame[1], 0x03);
  EXPECT_EQ(r->frame[2], 4);
  EXPECT_TRUE(modbus_crc_ok(r->frame));
  const std::array<std::uint16_t, 2> regs{static_cast<std::uint16_t>(r->frame[3] << 8 | r->frame[4]),
                                          static_cast<std::uint16_t>(r->frame[5] << 8 | r->frame[6])};
  const auto snap = slave_.snapshot(1);
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->time, kStart + seconds{30});  // the read advanced the model
  EXPECT_EQ(bsmart::get_float(regs), static_cast<float>(snap->grid.phase_a.voltage_v));
  EXPECT_EQ(r->baud, 9600U);
}

TEST_F(RtuSlaveTest, ReadsEnergyDoublesAndTheSerialNumber) {
  const auto r = send(read_req(2, 0x3104, 4));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->frame.size(), 13U);
  std::array<std::uint16_t, 4> regs{};
  for (int i = 0; i < 4; ++i) regs[i] = static_cast<std::uint16_t>(r->frame[3 + 2 * i] << 8 | r->frame[4 + 2 * i]);
  EXPECT_DOUBLE_EQ(bsmart::get_double(regs), slave_.snapshot(2)->solar.energy.active_import_wh / 1000.0);

  const auto sn = send(read_req(1, 0x1009, 7));
  ASSERT_TRUE(sn);
  const std::string text(sn->frame.begin() + 3, sn->frame.begin() + 17);
  EXPECT_EQ(text, slave_.serial_number(1));
  EXPECT_EQ(text.size(), 14U);
  EXPECT_NE(slave_.serial_number(1), slave_.serial_number(2));
}

TEST_F(RtuSlaveTest, ExceptionsFollowTheApplicationProtocol) {
  const auto expect_exception = [&](const Bytes& req, std::uint8_t fc, std::uint8_t code) {
    const auto r = send(req);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->frame, make_rtu_frame(req[0], Bytes{static_cast<std::uint8_t>(fc | 0x80), code}));
  };
  expect_exception(frame(1, {0x04, 0x21, 0x00, 0x00, 0x02}), 0x04, 0x01);  // input registers
  expect_exception(frame(1, {0x06, 0x10, 0x00, 0x00, 0x05}), 0x06, 0x01);  // write single
  expect_exception(read_req(1, 0x5000, 2), 0x03, 0x02);                    // outside the map
  expect_exception(read_req(1, 0x2134, 4), 0x03, 0x02);                    // runs off a block
  expect_exception(read_req(1, 0x0FFF, 2), 0x03, 0x02);
  expect_exception(read_req(1, 0x2100, 0), 0x03, 0x03);                    // count 0
  expect_exception(read_req(1, 0x3000, 126), 0x03, 0x03);                  // count > 125
  expect_exception(write_req(1, 0x2100, {1, 2}), 0x10, 0x02);              // read-only
  expect_exception(write_req(1, 0x1000, {0}), 0x10, 0x03);                 // address 0
  expect_exception(write_req(1, 0x1001, {9601}), 0x10, 0x03);              // no such baud
  // A full block is fine: 0x36 registers.
  const auto r = send(read_req(1, 0x2300, 0x36));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->frame.size(), 5U + 2 * 0x36);
}

TEST_F(RtuSlaveTest, OtherAddressesAndBadCrcAreIgnored) {
  EXPECT_FALSE(send(read_req(3, 0x2100, 2)));
  EXPECT_FALSE(send(read_req(248, 0x2100, 2)));
  Bytes bad = read_req(1, 0x2100, 2);
  bad.back() ^= 0x01;
  EXPECT_FALSE(send(bad));
  EXPECT_FALSE(send(Bytes{0x01, 0x03, 0x00}));
  EXPECT_FALSE(send(read_req(0, 0x2100, 2)));  // a broadcast read is not answered
}

TEST_F(RtuSlaveTest, WritingTheAddressMovesTheSlaveAfterReplying) {
  const auto r = send(write_req(1, 0x1000, {5}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->frame, frame(1, {0x10, 0x10, 0x00, 0x00, 0x01}));  // echo from the old address
  EXPECT_FALSE(send(read_req(1, 0x1000, 1)));
  const auto at5 = send(read_req(5, 0x1000, 1));
  ASSERT_TRUE(at5);
  EXPECT_EQ(at5->frame, frame(5, {0x03, 0x02, 0x00, 0x05}));
  EXPECT_EQ(slave_.addresses(), (std::vector<std::uint8_t>{5, 2}));
}

TEST_F(RtuSlaveTest, BaudWriteIsAnsweredAtTheOldSpeedThenApplies) {
  const auto r = send(write_req(2, 0x1001, {19200}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->baud, 9600U);
  const auto next = send(read_req(2, 0x1001, 1));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->baud, 19200U);
  EXPECT_EQ(next->frame, frame(2, {0x03, 0x02, 0x4B, 0x00}));
}

TEST_F(RtuSlaveTest, BroadcastWritesExecuteWithoutReply) {
  EXPECT_FALSE(send(write_req(0, 0x1010, {1})));
  for (std::uint8_t a : {1, 2}) {
    const auto r = send(read_req(a, 0x1010, 1));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->frame, frame(a, {0x03, 0x02, 0x00, 0x01}));
  }
}

TEST_F(RtuSlaveTest, FaultsAreInjectedPerSlaveOrForTheBus) {
  FaultConfig drop;
  drop.drop_probability = 1.0;
  slave_.set_faults(2, drop);
  EXPECT_FALSE(send(read_req(2, 0x2100, 2)));
  EXPECT_TRUE(send(read_req(1, 0x2100, 2)));

  FaultConfig corrupt;
  corrupt.corrupt_crc_probability = 1.0;
  corrupt.delay = milliseconds{200};
  slave_.set_faults(std::nullopt, corrupt);
  const auto c = send(read_req(1, 0x2100, 2));
  ASSERT_TRUE(c);
  EXPECT_FALSE(modbus_crc_ok(c->frame));
  EXPECT_EQ(c->delay, milliseconds{200});

  FaultConfig busy;
  busy.exception = ModbusException::server_device_failure;
  busy.exception_register = 0x3000;
  slave_.set_faults(1, busy);
  EXPECT_EQ(send(read_req(1, 0x2FFF + 1, 4))->frame, frame(1, {0x83, 0x04}));
  EXPECT_TRUE(modbus_crc_ok(send(read_req(1, 0x2100, 2))->frame));  // other registers answer

  FaultConfig silent;
  silent.silent_after = seconds{30};
  silent.silent_for = seconds{10};
  slave_.set_faults(1, silent);
  EXPECT_TRUE(send(read_req(1, 0x2100, 2), seconds{29}));
  EXPECT_FALSE(send(read_req(1, 0x2100, 2), seconds{30}));
  EXPECT_FALSE(send(read_req(1, 0x2100, 2), milliseconds{39'999}));
  EXPECT_TRUE(send(read_req(1, 0x2100, 2), seconds{40}));

  slave_.clear_faults();
  EXPECT_TRUE(send(read_req(2, 0x2100, 2)));
}

TEST_F(RtuSlaveTest, DropProbabilityIsHonouredStatistically) {
  FaultConfig f;
  f.drop_probability = 0.25;
  slave_.set_faults(std::nullopt, f);
  int answered = 0;
  for (int i = 0; i < 2000; ++i) answered += send(read_req(1, 0x1000, 1)) ? 1 : 0;
  EXPECT_NEAR(answered, 1500, 100);
}

TEST(RtuFramer, CompletesByLengthAndCrcOrBySilence) {
  RtuFramer f;
  const Bytes req = read_req(1, 0x2100, 2);
  f.feed(std::span(req).first(5));
  EXPECT_FALSE(f.take_complete());
  f.feed(std::span(req).subspan(5));
  EXPECT_EQ(f.take_complete(), req);
  EXPECT_TRUE(f.empty());

  const Bytes w = write_req(1, 0x1009, {0x4142, 0x4344});
  const Bytes two = [&] { Bytes b = w; b.insert(b.end(), req.begin(), req.end()); return b; }();
  f.feed(two);
  EXPECT_EQ(f.take_complete(), w);
  EXPECT_EQ(f.take_complete(), req);

  const Bytes fc4 = frame(1, {0x04, 0x00, 0x00, 0x00, 0x01});
  f.feed(fc4);
  EXPECT_EQ(f.take_complete(), fc4);

  const Bytes noise{0x01, 0x03, 0x21, 0x00, 0x00, 0x02, 0x00, 0x00};  // CRC wrong
  f.feed(noise);
  EXPECT_FALSE(f.take_complete());
  EXPECT_EQ(f.take_all(), noise);  // after t3.5 it is one (invalid) frame
  EXPECT_TRUE(f.empty());
}

TEST(SerialLine, WireTimeAndSilentInterval) {
  const SerialLine n81{9600, 'N', 1};
  EXPECT_EQ(n81.bits_per_char(), 10);
  EXPECT_EQ(n81.wire_time(8), microseconds{8334});    // 80 bits at 9600 bps
  EXPECT_EQ(n81.t35(), microseconds{3646});           // 3.5 x 10 bits
  const SerialLine e81{9600, 'E', 1};
  EXPECT_EQ(e81.bits_per_char(), 11);
  EXPECT_EQ(e81.t35(), microseconds{4011});
  EXPECT_EQ(n81.t35(19200), microseconds{1823});
  EXPECT_EQ(n81.t35(38400), microseconds{1750});      // fixed above 19200 (§2.5.1.1)
  EXPECT_EQ(n81.wire_time(9, 38400), microseconds{2344});
}

}  // namespace
}  // namespace meterd::sim
