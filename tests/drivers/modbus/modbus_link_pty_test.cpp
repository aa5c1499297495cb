#include <gtest/gtest.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "drivers/modbus/bsmart_driver.hpp"
#include "drivers/modbus/modbus_link.hpp"
#include "tests/drivers/modbus/test_responder.hpp"

namespace meterd::modbus {
namespace {

using namespace std::chrono_literals;
using test::Fault;
using test::Framing;
using test::Responder;

// A real pseudo-terminal: libmodbus opens the slave side by name as it would /dev/ttyUSB0; the
// test's responder answers on the master side.
class Pty {
 public:
  Pty() {
    char name[256];
    if (::openpty(&master_, &slave_, name, nullptr, nullptr) != 0) {
      throw std::runtime_error("openpty failed");
    }
    termios t{};
    ::tcgetattr(slave_, &t);
    ::cfmakeraw(&t);
    ::tcsetattr(slave_, TCSANOW, &t);
    name_ = name;
  }
  ~Pty() {
    ::close(master_);
    ::close(slave_);  // held open so the master never sees a hang-up between opens
  }
  int master() const { return master_; }
  const std::string& name() const { return name_; }

 private:
  int master_ = -1;
  int slave_ = -1;
  std::string name_;
};

class ModbusLinkPty : public ::testing::Test {
 protected:
  ModbusLinkPty() : responder_(pty_.master(), 7, Framing::rtu) {
    settings_.mode = LinkMode::rtu;
    settings_.device = pty_.name();
    settings_.response_timeout = 300ms;
    settings_.byte_timeout = 50ms;
    for (std::uint16_t i = 0; i < 8; ++i) responder_.set_register(0x2100 + i, 0x1000 + i);
  }
  void SetUp() override { responder_.start(); }

  Pty pty_;
  Responder responder_;
  LinkSettings settings_;
};

TEST_F(ModbusLinkPty, ReadsRegisters) {
  ModbusLink link(settings_);
  ASSERT_TRUE(link.open()) << link.describe();
  EXPECT_TRUE(link.is_open());
  auto regs = link.read_registers(7, 0x2100, 4);
  ASSERT_TRUE(regs) << regs.error().message();
  EXPECT_EQ(*regs, (std::vector<std::uint16_t>{0x1000, 0x1001, 0x1002, 0x1003}));
  EXPECT_EQ(link.describe(), pty_.name() + " 9600 8N1 (rtu)");
}

TEST_F(ModbusLinkPty, KeepsTheInterframeSilenceBetweenTransactions) {
  ModbusLink link(settings_);
  ASSERT_TRUE(link.open());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(link.read_registers(7, 0x2100, 2));
  const std::uint16_t values[] = {7};
  ASSERT_TRUE(link.write_registers(7, 0x1000, values));
  // 9600 8N1: t3.5 = 3.5 x 10 bits / 9600 = 3.646 ms between a reply and the next request.
  EXPECT_GE(responder_.shortest_silence(), 3646us);
}

TEST_F(ModbusLinkPty, WritesRegisters) {
  ModbusLink link(settings_);
  ASSERT_TRUE(link.open());
  const std::uint16_t values[] = {12, 19200};
  auto ok = link.write_registers(7, 0x1000, values);
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(responder_.get_register(0x1000), 12);
  EXPECT_EQ(responder_.get_register(0x1001), 19200);
}

TEST_F(ModbusLinkPty, BadCrcIsCrcError) {
  ModbusLink link(settings_);
  ASSERT_TRUE(link.open());
  responder_.set_fault(Fault::bad_crc);
  auto regs = link.read_registers(7, 0x2100, 2);
  ASSERT_FALSE(regs);
  EXPECT_TRUE(regs.error().is(Errc::crc_error)) << regs.error().message();
  responder_.set_fault(Fault::none);
  EXPECT_TRUE(link.read_registers(7, 0x2100, 2));  // the bus recovers on the next request
}

TEST_F(ModbusLinkPty, SilenceTimesOutWithinTheConfiguredBound) {
  ModbusLink link(settings_);
  ASSERT_TRUE(link.open());
  responder_.set_fault(Fault::silent);
  const auto start = std::chrono::steady_clock::now();
  auto regs = link.read_registers(7, 0x2100, 2);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(regs);
  EXPECT_TRUE(regs.error().is(Errc::timeout)) << regs.error().message();
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 800ms);
  EXPECT_EQ(responder_.requests(), 1u);
}

TEST_F(ModbusLinkPty, ExceptionReplyKeepsItsCode) {
  ModbusLink link(settings_);
  ASSERT_TRUE(link.open());
  responder_.set_fault(Fault::illegal_address);
  auto regs = link.read_registers(7, 0x2100, 2);
  ASSERT_FALSE(regs);
  EXPECT_TRUE(regs.error().is(Errc::exception_reply));
  EXPECT_NE(regs.error().detail.find("0x02 (illegal data address)"), std::string::npos)
      << regs.error().detail;
}

TEST_F(ModbusLinkPty, OtherSlaveDoesNotAnswer) {
  ModbusLink link(settings_);
  ASSERT_TRUE(link.open());
  auto regs = link.read_registers(8, 0x2100, 2);
  ASSERT_FALSE(regs);
  EXPECT_TRUE(regs.error().is(Errc::timeout));
}

TEST_F(ModbusLinkPty, BsmartDriverPollsOverTheWire) {
  // Serial number "BSM1" and a voltage of 230.5 V on channel 1, zero elsewhere.
  responder_.set_register(0x1009, 0x4253);
  responder_.set_register(0x100A, 0x4D31);
  const auto volts = encode_f32(230.5f, WordOrder::abcd);
  responder_.set_register(0x2100, volts[0]);
  responder_.set_register(0x2101, volts[1]);
  responder_.set_register(0x2134, encode_f32(50.0f, WordOrder::abcd)[0]);
  responder_.set_register(0x2334, encode_f32(50.0f, WordOrder::abcd)[0]);

  ModbusLink link(settings_);
  ASSERT_TRUE(link.open());
  ManualClock clock(UtcTime{std::chrono::milliseconds{1'763'700'000'000}});
  BsmartDriver driver(BsmartMeter::create({.meter_id = "bsmart-1", .address = 7}).value(), link,
                      clock);
  EXPECT_EQ(driver.protocol(), "modbus-rtu");
  ASSERT_EQ(driver.groups().size(), 2u);
  EXPECT_EQ(driver.identify().value(), "BSM1");

  TransactionCounts counts;
  Reading r = driver.poll(0, counts).value();
  EXPECT_EQ(counts.requests, 2u);  // one transaction per channel
  EXPECT_EQ(r.meter_id, "bsmart-1");
  EXPECT_EQ(r.time, clock.utc_now());
  ASSERT_NE(r.find(ObisCode(1, 1, 32, 7, 0)), nullptr);
  EXPECT_EQ(r.find(ObisCode(1, 1, 32, 7, 0))->value, 230.5);
  EXPECT_EQ(r.find(ObisCode(1, 2, 14, 7, 0))->value, 50.0);
  EXPECT_EQ(r.find(ObisCode(1, 1, 32, 7, 0))->quality, Quality::good);
  EXPECT_EQ(r.find(ObisCode(1, 1, 52, 7, 0)), nullptr);  // single-phase: no phase B

  responder_.set_register(0x100A, 0x4D32);
  EXPECT_EQ(driver.identify().value(), "BSM2");
  auto swap = driver.take_swap();
  ASSERT_TRUE(swap);
  EXPECT_EQ(swap->previous, "BSM1");
  EXPECT_FALSE(driver.take_swap());

  responder_.set_fault(Fault::bad_crc);
  TransactionCounts corrupt;
  auto bad = driver.poll(0, corrupt);
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().is(Errc::crc_error));
  EXPECT_EQ(corrupt.requests, 1u);  // the first failed transaction ends the poll
  EXPECT_EQ(corrupt.crc_errors, 1u);

  responder_.set_fault(Fault::silent);
  TransactionCounts failed;
  auto lost = driver.poll(1, failed);
  ASSERT_FALSE(lost);
  EXPECT_TRUE(lost.error().is(Errc::timeout));
  EXPECT_EQ(failed.requests, 1u);
  EXPECT_EQ(failed.timeouts, 1u);
}

TEST(ModbusLinkSerial, MissingDeviceIsAnIoError) {
  LinkSettings s;
  s.device = "/nonexistent/ttyUSB9";
  ModbusLink link(s);
  auto r = link.open();
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::io_error)) << r.error().message();
  EXPECT_FALSE(link.is_open());
  EXPECT_TRUE(link.read_registers(1, 0, 1).error().is(Errc::io_error));
}

TEST(ModbusLinkSerial, SettingsAreValidated) {
  LinkSettings s;
  s.baud = 9601;
  EXPECT_TRUE(validate(s).error().is(Errc::config_error));
  s.baud = 9600;
  s.parity = 'X';
  EXPECT_TRUE(validate(s).error().is(Errc::config_error));
  s.parity = 'E';
  EXPECT_TRUE(validate(s));
  s.mode = LinkMode::tcp;
  EXPECT_TRUE(validate(s).error().is(Errc::config_error));  // no host
}

}  // namespace
}  // namespace meterd::modbus
