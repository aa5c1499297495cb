#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <thread>

#include "drivers/modbus/modbus_link.hpp"
#include "tests/drivers/modbus/test_responder.hpp"

namespace meterd::modbus {
namespace {

using namespace std::chrono_literals;
using test::Fault;
using test::Framing;
using test::Listener;
using test::Responder;

// A gateway on 127.0.0.1 (port 0): the link connects, the test accepts and serves with
// `framing`, and the link talks `mode`.
class Gateway {
 public:
  Gateway(LinkMode mode, Framing framing) : framing_(framing) {
    settings_.mode = mode;
    settings_.host = "127.0.0.1";
    settings_.port = listener_.port();
    settings_.response_timeout = 300ms;
    settings_.byte_timeout = 50ms;
  }
  ~Gateway() {
    responder_.reset();
    if (fd_ >= 0) ::close(fd_);
  }

  // Opens the link and starts serving its connection.
  Result<void> connect(ModbusLink& link) {
    auto ok = link.open();
    if (!ok) return ok;
    fd_ = listener_.accept_one(2000);
    if (fd_ < 0) return Error{Errc::timeout, "no connection accepted"};
    responder_ = std::make_unique<Responder>(fd_, 3, framing_);
    for (std::uint16_t i = 0; i < 4; ++i) responder_->set_register(0x3000 + i, 0xA000 + i);
    responder_->start();
    return {};
  }
  // Drops the connection as a gateway reboot would.
  void drop() {
    responder_.reset();
    ::close(fd_);
    fd_ = -1;
  }

  Listener listener_;
  Framing framing_;
  LinkSettings settings_;
  int fd_ = -1;
  std::unique_ptr<Responder> responder_;
};

const std::vector<std::uint16_t> kExpected{0xA000, 0xA001, 0xA002, 0xA003};

TEST(RtuOverTcp, ReadsAndWrites) {
  Gateway gw(LinkMode::rtu_over_tcp, Framing::rtu);
  ModbusLink link(gw.settings_);
  ASSERT_TRUE(gw.connect(link));
  EXPECT_EQ(link.describe(),
            "127.0.0.1:" + std::to_string(gw.listener_.port()) + " (rtu_over_tcp)");
  auto regs = link.read_registers(3, 0x3000, 4);
  ASSERT_TRUE(regs) << regs.error().message();
  EXPECT_EQ(*regs, kExpected);
  const std::uint16_t v[] = {9};
  ASSERT_TRUE(link.write_registers(3, 0x1000, v));
  EXPECT_EQ(gw.responder_->get_register(0x1000), 9);
}

TEST(RtuOverTcp, CrcErrorExceptionAndTimeout) {
  Gateway gw(LinkMode::rtu_over_tcp, Framing::rtu);
  ModbusLink link(gw.settings_);
  ASSERT_TRUE(gw.connect(link));

  gw.responder_->set_fault(Fault::bad_crc);
  auto crc = link.read_registers(3, 0x3000, 4);
  ASSERT_FALSE(crc);
  EXPECT_TRUE(crc.error().is(Errc::crc_error)) << crc.error().message();

  gw.responder_->set_fault(Fault::illegal_address);
  auto exc = link.read_registers(3, 0x3000, 4);
  ASSERT_FALSE(exc);
  EXPECT_TRUE(exc.error().is(Errc::exception_reply));
  EXPECT_NE(exc.error().detail.find("0x02"), std::string::npos);

  gw.responder_->set_fault(Fault::silent);
  const auto start = std::chrono::steady_clock::now();
  auto quiet = link.read_registers(3, 0x3000, 4);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(quiet);
  EXPECT_TRUE(quiet.error().is(Errc::timeout));
  EXPECT_GE(took, 280ms);
  EXPECT_LT(took, 800ms);

  gw.responder_->set_fault(Fault::none);
  EXPECT_EQ(link.read_registers(3, 0x3000, 4).value(), kExpected);
}

// A scripted peer: reads one request of `request_size` bytes and answers `reply` verbatim, as
// a gateway of the other transport would.
class ScriptedPeer {
 public:
  ScriptedPeer(Listener& listener, std::size_t request_size, Bytes reply)
      : thread_([&listener, request_size, reply = std::move(reply), this] {
          fd_ = listener.accept_one(2000);
          if (fd_ < 0) return;
          std::vector<std::uint8_t> in(request_size);
          std::size_t got = 0;
          while (got < request_size) {
            const ssize_t n = ::read(fd_, in.data() + got, request_size - got);
            if (n <= 0) return;
            got += static_cast<std::size_t>(n);
          }
          request_ = in;
          if (::write(fd_, reply.data(), reply.size()) < 0) return;
        }) {}
  ~ScriptedPeer() {
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }
  const Bytes& request() {
    if (thread_.joinable()) thread_.join();
    return request_;
  }

 private:
  int fd_ = -1;
  Bytes request_;
  std::thread thread_;
};

TEST(RtuOverTcp, ModbusTcpReplyIsNamedAsAModeMismatch) {
  Listener listener;
  LinkSettings s;
  s.mode = LinkMode::rtu_over_tcp;
  s.host = "127.0.0.1";
  s.port = listener.port();
  s.response_timeout = 300ms;
  // What a Modbus TCP gateway answers to FC03 for 2 registers: MBAP (transaction 1, protocol 0,
  // length 7, unit 3), then 03 04 A0 00 A0 01.
  ScriptedPeer peer(
      listener, 8,
      Bytes{0x00, 0x01, 0x00, 0x00, 0x00, 0x07, 0x03, 0x03, 0x04, 0xA0, 0x00, 0xA0, 0x01});
  ModbusLink link(s);
  ASSERT_TRUE(link.open());
  auto regs = link.read_registers(3, 0x3000, 2);
  EXPECT_EQ(peer.request(), build_read_request(3, 0x3000, 2).value());  // we sent RTU
  ASSERT_FALSE(regs);
  EXPECT_TRUE(regs.error().is(Errc::protocol_error)) << regs.error().message();
  EXPECT_NE(regs.error().detail.find(
                "reply looks like Modbus TCP (MBAP header 00 01 00 00 00 07 03: transaction 1, "
                "protocol 0, length 7, unit 3); the bus is configured as rtu_over_tcp"),
            std::string::npos)
      << regs.error().detail;
}

TEST(RtuOverTcp, TruncatedReplyTimesOutNamingWhatArrived) {
  Listener listener;
  LinkSettings s;
  s.mode = LinkMode::rtu_over_tcp;
  s.host = "127.0.0.1";
  s.port = listener.port();
  s.response_timeout = 300ms;
  s.byte_timeout = 50ms;
  Bytes whole = build_read_reply(3, std::vector<std::uint16_t>{0xA000, 0xA001});
  whole.resize(5);  // slave, function, byte count 4, two data bytes; the rest never comes
  ScriptedPeer peer(listener, 8, whole);
  ModbusLink link(s);
  ASSERT_TRUE(link.open());
  auto regs = link.read_registers(3, 0x3000, 2);
  ASSERT_FALSE(regs);
  EXPECT_TRUE(regs.error().is(Errc::timeout)) << regs.error().message();
  EXPECT_NE(regs.error().detail.find("reply stopped after 5 of 9 bytes: 03 03 04 A0 00"),
            std::string::npos)
      << regs.error().detail;
}

TEST(RtuOverTcp, PeerClosingIsAnIoErrorAndReconnectRecovers) {
  Gateway gw(LinkMode::rtu_over_tcp, Framing::rtu);
  ModbusLink link(gw.settings_);
  ASSERT_TRUE(gw.connect(link));
  gw.drop();
  auto regs = link.read_registers(3, 0x3000, 4);
  ASSERT_FALSE(regs);
  EXPECT_TRUE(regs.error().is(Errc::io_error)) << regs.error().message();
  EXPECT_FALSE(link.is_open());
  ASSERT_TRUE(gw.connect(link));  // reopens and is served again
  EXPECT_EQ(link.read_registers(3, 0x3000, 4).value(), kExpected);
}

TEST(RtuOverTcp, RefusedConnectionIsAnIoError) {
  LinkSettings s;
  s.mode = LinkMode::rtu_over_tcp;
  s.host = "127.0.0.1";
  {
    Listener closed;
    s.port = closed.port();
  }  // nothing listens there any more
  ModbusLink link(s);
  auto r = link.open();
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::io_error)) << r.error().message();
}

TEST(ModbusTcp, ReadsAndWritesThroughLibmodbus) {
  Gateway gw(LinkMode::tcp, Framing::mbap);
  ModbusLink link(gw.settings_);
  ASSERT_TRUE(gw.connect(link));
  auto regs = link.read_registers(3, 0x3000, 4);
  ASSERT_TRUE(regs) << regs.error().message();
  EXPECT_EQ(*regs, kExpected);
  const std::uint16_t v[] = {4, 5};
  ASSERT_TRUE(link.write_registers(3, 0x1000, v));
  EXPECT_EQ(gw.responder_->get_register(0x1001), 5);

  gw.responder_->set_fault(Fault::illegal_address);
  auto exc = link.read_registers(3, 0x3000, 4);
  ASSERT_FALSE(exc);
  EXPECT_TRUE(exc.error().is(Errc::exception_reply)) << exc.error().message();
  EXPECT_NE(exc.error().detail.find("0x02 (illegal data address)"), std::string::npos);
}

TEST(ModbusTcp, PeerClosingIsAnIoErrorAndReconnectRecovers) {
  Gateway gw(LinkMode::tcp, Framing::mbap);
  ModbusLink link(gw.settings_);
  ASSERT_TRUE(gw.connect(link));
  ASSERT_TRUE(link.read_registers(3, 0x3000, 4));
  gw.drop();
  auto regs = link.read_registers(3, 0x3000, 4);
  ASSERT_FALSE(regs);
  EXPECT_TRUE(regs.error().is(Errc::io_error)) << regs.error().message();
  ASSERT_TRUE(gw.connect(link));
  EXPECT_EQ(link.read_registers(3, 0x3000, 4).value(), kExpected);
}

TEST(ModbusTcp, RtuReplyIsNamedAsAModeMismatch) {
  Listener listener;
  LinkSettings s;
  s.mode = LinkMode::tcp;
  s.host = "127.0.0.1";
  s.port = listener.port();
  s.response_timeout = 300ms;
  // What an RTU-over-TCP gateway answers to FC03 for 2 registers of slave 3.
  ScriptedPeer peer(listener, 12, build_read_reply(3, std::vector<std::uint16_t>{0xA000, 0xA001}));
  ModbusLink link(s);
  ASSERT_TRUE(link.open());
  auto regs = link.read_registers(3, 0x3000, 2);
  ASSERT_EQ(peer.request().size(), 12u);
  EXPECT_EQ(peer.request()[2], 0x00);  // we sent MBAP: protocol id 0, then length 6, unit 3
  EXPECT_EQ(peer.request()[5], 0x06);
  EXPECT_EQ(peer.request()[6], 0x03);
  ASSERT_FALSE(regs);
  EXPECT_TRUE(regs.error().is(Errc::protocol_error)) << regs.error().message();
  EXPECT_NE(regs.error().detail.find("the bus is configured as modbus_tcp"), std::string::npos)
      << regs.error().detail;
  EXPECT_NE(regs.error().detail.find("configure it as rtu_over_tcp"), std::string::npos);
}

}  // namespace
}  // namespace meterd::modbus
