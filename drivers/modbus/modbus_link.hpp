// drivers/modbus/modbus_link.hpp: one Modbus bus (a serial port, or a TCP gateway) as a BusLink.
//
// Three transports: `rtu` (RS485 via libmodbus modbus_new_rtu), `tcp` (Modbus TCP via
// libmodbus modbus_new_tcp_pi, e.g. a Modbus TCP gateway; the slave address is the unit id) and
// `rtu_over_tcp` (RTU frames over a raw TCP socket, see rtu_over_tcp.hpp). Calls are BLOCKING
// and bounded by the response and byte timeouts (a libmodbus call cannot be cancelled:
// STYLE.md rule 4): the acquisition scheduler runs them on the bus's own thread, never on the
// event loop. libmodbus errno values are mapped once, in modbus_errors.hpp. Not thread-safe:
// one bus thread owns the link and all its meters' transactions.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/modbus/rtu_over_tcp.hpp"
#include "meterd/error.hpp"
#include "meterd/meter_driver.hpp"

struct _modbus;  // libmodbus context (modbus_t), kept out of this header

namespace meterd::modbus {

// Named in text (describe(), errors, the config file) rtu, modbus_tcp, rtu_over_tcp.
enum class LinkMode : std::uint8_t { rtu, tcp, rtu_over_tcp };

std::string_view to_string(LinkMode m) noexcept;

struct LinkSettings {
  LinkMode mode = LinkMode::rtu;
  // rtu: the serial line (B-Smart default 9600 8N1, manual §10).
  std::string device = "/dev/ttyUSB0";
  int baud = 9600;
  char parity = 'N';  // 'N', 'E' or 'O'
  int data_bits = 8;  // 7 or 8
  int stop_bits = 1;  // 1 or 2
  // tcp, rtu_over_tcp: the gateway.
  std::string host;
  std::uint16_t port = 502;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds response_timeout{500};  // request sent -> first reply byte
  std::chrono::milliseconds byte_timeout{50};       // between reply bytes (chunks over TCP)
};

// Errc::config_error naming the setting when `s` cannot work (baud, parity, bits, empty
// device or host, zero timeouts).
Result<void> validate(const LinkSettings& s);

class ModbusLink final : public BusLink {
 public:
  explicit ModbusLink(LinkSettings settings);
  ~ModbusLink() override;
  ModbusLink(const ModbusLink&) = delete;
  ModbusLink& operator=(const ModbusLink&) = delete;

  // Opens the serial port or connects. config_error, io_error or timeout otherwise.
  Result<void> open() override;
  void close() override;
  bool is_open() const override;
  // "/dev/ttyUSB0 9600 8N1 (rtu)", "10.0.0.5:502 (modbus_tcp)", "10.0.0.5:4196 (rtu_over_tcp)".
  std::string describe() const override;
  // close() then open().
  Result<void> reconnect();

  // FC03: `count` (1..125) holding registers from `address` of `slave` (1..247).
  // Errors: timeout, crc_error, exception_reply (detail names the code), protocol_error
  // (including a reply framed for another transport), io_error, invalid_argument.
  Result<std::vector<std::uint16_t>> read_registers(std::uint8_t slave, std::uint16_t address,
                                                    std::uint16_t count);
  // FC10: `values` (1..123 registers) from `address`. Errors as read_registers.
  Result<void> write_registers(std::uint8_t slave, std::uint16_t address,
                               std::span<const std::uint16_t> values);

  const LinkSettings& settings() const noexcept { return settings_; }

 private:
  struct ContextDeleter {
    void operator()(_modbus* ctx) const noexcept;
  };
  Result<void> open_libmodbus();
  Error libmodbus_error(int err, const std::string& what) const;

  // rtu: waits until the line has been silent for t3.5 since the last frame ended, so that the
  // next request is not read as part of the previous reply by the other slaves (Modbus over
  // serial line v1.02 §2.5.1.1). libmodbus sends the next request as soon as it is asked to.
  void keep_interframe_silence();

  LinkSettings settings_;
  std::chrono::steady_clock::time_point last_frame_end_{};
  std::unique_ptr<_modbus, ContextDeleter> ctx_;
  std::unique_ptr<RtuOverTcp> raw_;
  bool connected_ = false;
};

}  // namespace meterd::modbus
