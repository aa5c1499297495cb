#include "drivers/modbus/modbus_link.hpp"

#include <modbus/modbus.h>

#include <cerrno>
#include <cstdio>
#include <thread>

#include "drivers/modbus/modbus_errors.hpp"
#include "drivers/modbus/rtu_frame.hpp"

namespace meterd::modbus {
namespace {

std::string hex16(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", v);
  return buf;
}

void set_timeout(modbus_t* ctx, int (*setter)(modbus_t*, uint32_t, uint32_t),
                 std::chrono::milliseconds t) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t).count();
  setter(ctx, static_cast<uint32_t>(us / 1'000'000), static_cast<uint32_t>(us % 1'000'000));
}

bool is_tcp(LinkMode m) { return m == LinkMode::tcp || m == LinkMode::rtu_over_tcp; }

// t3.5 of Modbus over serial line v1.02 §2.5.1.1: 3.5 character times (start bit, data bits,
// parity bit if any, stop bits), fixed at 1.75 ms above 19200 bit/s.
std::chrono::microseconds interframe_silence(const LinkSettings& s) {
  if (s.baud > 19200) return std::chrono::microseconds{1750};
  const int bits = 1 + s.data_bits + (s.parity == 'N' ? 0 : 1) + s.stop_bits;
  return std::chrono::microseconds{(35'000'000LL * bits) / (10LL * s.baud)};
}

}  // namespace

std::string_view to_string(LinkMode m) noexcept {
  switch (m) {
    case LinkMode::rtu:
      return "rtu";
    case LinkMode::tcp:
      return "modbus_tcp";
    case LinkMode::rtu_over_tcp:
      return "rtu_over_tcp";
  }
  return "rtu";
}

Result<void> validate(const LinkSettings& s) {
  auto bad = [](std::string what) { return Error{Errc::config_error, std::move(what)}; };
  if (s.response_timeout.count() <= 0 || s.byte_timeout.count() <= 0 ||
      s.connect_timeout.count() <= 0) {
    return bad("timeouts must be positive");
  }
  if (is_tcp(s.mode)) {
    if (s.host.empty())
      return bad("host is empty (required for " + std::string(to_string(s.mode)) + ")");
    if (s.port == 0) return bad("port 0 is not a valid gateway port");
    return {};
  }
  if (s.device.empty()) return bad("device is empty (required for rtu)");
  switch (s.baud) {
    case 1200:
    case 2400:
    case 4800:
    case 9600:
    case 19200:
    case 38400:
    case 57600:
    case 115200:
      break;
    default:
      return bad("baud " + std::to_string(s.baud) +
                 " (expected 1200, 2400, 4800, 9600, 19200, 38400, 57600 or 115200)");
  }
  if (s.parity != 'N' && s.parity != 'E' && s.parity != 'O') {
    return bad(std::string("parity '") + s.parity + "' (expected N, E or O)");
  }
  if (s.data_bits != 7 && s.data_bits != 8) return bad("data bits must be 7 or 8");
  if (s.stop_bits != 1 && s.stop_bits != 2) return bad("stop bits must be 1 or 2");
  return {};
}

void ModbusLink::ContextDeleter::operator()(modbus_t* ctx) const noexcept {
  modbus_close(ctx);
  modbus_free(ctx);
}

ModbusLink::ModbusLink(LinkSettings settings) : settings_(std::move(settings)) {}

ModbusLink::~ModbusLink() { close(); }

std::string ModbusLink::describe() const {
  if (is_tcp(settings_.mode)) {
    return settings_.host + ":" + std::to_string(settings_.port) + " (" +
           std::string(to_string(settings_.mode)) + ")";
  }
  return settings_.device + " " + std::to_string(settings_.baud) + " " +
         std::to_string(settings_.data_bits) + settings_.parity +
         std::to_string(settings_.stop_bits) + " (rtu)";
}

bool ModbusLink::is_open() const {
  if (settings_.mode == LinkMode::rtu_over_tcp) return raw_ && raw_->is_open();
  return connected_;
}

void ModbusLink::close() {
  if (raw_) raw_->close();
  if (ctx_ && connected_) modbus_close(ctx_.get());
  connected_ = false;
}

Result<void> ModbusLink::reconnect() {
  close();
  return open();
}

Result<void> ModbusLink::open() {
  if (auto ok = validate(settings_); !ok) return ok.error();
  close();
  if (settings_.mode == LinkMode::rtu_over_tcp) {
    raw_ = std::make_unique<RtuOverTcp>(
        settings_.host, settings_.port,
        TcpTimeouts{settings_.connect_timeout, settings_.response_timeout, settings_.byte_timeout});
    return raw_->open();
  }
  return open_libmodbus();
}

Result<void> ModbusLink::open_libmodbus() {
  if (!ctx_) {
    modbus_t* ctx = nullptr;
    if (settings_.mode == LinkMode::rtu) {
      ctx = modbus_new_rtu(settings_.device.c_str(), settings_.baud, settings_.parity,
                           settings_.data_bits, settings_.stop_bits);
    } else {
      const std::string port = std::to_string(settings_.port);
      ctx = modbus_new_tcp_pi(settings_.host.c_str(), port.c_str());
    }
    if (ctx == nullptr) return libmodbus_error(errno, "create context for " + describe());
    ctx_.reset(ctx);
  }
  // libmodbus bounds its TCP connect by the response timeout; set that first.
  set_timeout(
      ctx_.get(), modbus_set_response_timeout,
      settings_.mode == LinkMode::tcp ? settings_.connect_timeout : settings_.response_timeout);
  set_timeout(ctx_.get(), modbus_set_byte_timeout, settings_.byte_timeout);
  if (modbus_connect(ctx_.get()) == -1) return libmodbus_error(errno, "open " + describe());
  set_timeout(ctx_.get(), modbus_set_response_timeout, settings_.response_timeout);
  connected_ = true;
  return {};
}

Error ModbusLink::libmodbus_error(int err, const std::string& what) const {
  std::string hint;
  if (settings_.mode == LinkMode::tcp && (err == EMBBADDATA || err == EMBMDATA)) {
    // libmodbus does not hand out the bytes it rejected; its checks say enough: a reply whose
    // MBAP transaction or protocol id does not match is what an RTU-over-TCP gateway sends.
    hint =
        "reply does not look like Modbus TCP (MBAP header with our transaction id and "
        "protocol id 0 expected); the bus is configured as modbus_tcp: if the gateway forwards RTU "
        "frames, configure it as rtu_over_tcp";
  }
  return map_libmodbus_error(err, what, hint);
}

Result<std::vector<std::uint16_t>> ModbusLink::read_registers(std::uint8_t slave,
                                                              std::uint16_t address,
                                                              std::uint16_t count) {
  const std::string what = "read " + std::to_string(count) + " registers at " + hex16(address) +
                           " from slave " + std::to_string(slave) + " on " + describe();
  if (!is_open()) return Error{Errc::io_error, what + ": link is not open"};
  if (settings_.mode == LinkMode::rtu_over_tcp) {
    auto request = build_read_request(slave, address, count);
    if (!request) return request.error();
    auto reply = raw_->transact(*request, slave, kFcReadHoldingRegisters);
    if (!reply) return Error{reply.error().code, what + ": " + reply.error().detail};
    auto regs = parse_read_reply(*reply, slave, count);
    if (!regs) return Error{regs.error().code, what + ": " + regs.error().detail};
    return regs;
  }
  if (slave == 0 || slave > kMaxSlave || count == 0 || count > kMaxReadRegisters) {
    return Error{Errc::invalid_argument, what + ": slave 1..247 and count 1..125 expected"};
  }
  std::vector<std::uint16_t> regs(count);
  modbus_set_slave(ctx_.get(), slave);
  keep_interframe_silence();
  modbus_flush(ctx_.get());  // a late reply to an earlier request must not answer this one
  const int rc = modbus_read_registers(ctx_.get(), address, count, regs.data());
  last_frame_end_ = std::chrono::steady_clock::now();
  if (rc == -1) return libmodbus_error(errno, what);
  if (rc != count) {
    return Error{Errc::protocol_error, what + ": " + std::to_string(rc) + " registers returned"};
  }
  return regs;
}

Result<void> ModbusLink::write_registers(std::uint8_t slave, std::uint16_t address,
                                         std::span<const std::uint16_t> values) {
  const std::string what = "write " + std::to_string(values.size()) + " registers at " +
                           hex16(address) + " of slave " + std::to_string(slave) + " on " +
                           describe();
  if (!is_open()) return Error{Errc::io_error, what + ": link is not open"};
  if (settings_.mode == LinkMode::rtu_over_tcp) {
    auto request = build_write_request(slave, address, values);
    if (!request) return request.error();
    auto reply = raw_->transact(*request, slave, kFcWriteMultipleRegisters);
    if (!reply) return Error{reply.error().code, what + ": " + reply.error().detail};
    auto ok = parse_write_reply(*reply, slave, address, static_cast<std::uint16_t>(values.size()));
    if (!ok) return Error{ok.error().code, what + ": " + ok.error().detail};
    return {};
  }
  if (slave == 0 || slave > kMaxSlave || values.empty() || values.size() > kMaxWriteRegisters) {
    return Error{Errc::invalid_argument, what + ": slave 1..247 and 1..123 values expected"};
  }
  modbus_set_slave(ctx_.get(), slave);
  keep_interframe_silence();
  modbus_flush(ctx_.get());
  const int rc =
      modbus_write_registers(ctx_.get(), address, static_cast<int>(values.size()), values.data());
  last_frame_end_ = std::chrono::steady_clock::now();
  if (rc == -1) return libmodbus_error(errno, what);
  return {};
}

void ModbusLink::keep_interframe_silence() {
  if (settings_.mode != LinkMode::rtu) return;
  const auto earliest = last_frame_end_ + interframe_silence(settings_);
  if (std::chrono::steady_clock::now() < earliest) std::this_thread::sleep_until(earliest);
}

}  // namespace meterd::modbus
