// tests/drivers/modbus/test_responder.hpp: a tiny Modbus slave for integration tests.
//
// Serves FC03/FC10 on a file descriptor (the master side of a pseudo-terminal, or an accepted
// TCP socket) from a register bank, with RTU framing (slave, PDU, CRC: Modbus over serial line
// v1.02 §2.5.1) or MBAP framing (Modbus TCP: Messaging Implementation Guide v1.0b §3.1.3).
// Faults are injected per test: a bad CRC, silence, an exception. Uses the driver's own
// rtu_frame codec for the slave side. Runs one thread; the fault and bank are set before
// start() or through the atomic setters.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include "drivers/modbus/rtu_frame.hpp"

namespace meterd::modbus::test {

enum class Framing { rtu, mbap };
enum class Fault { none, bad_crc, silent, illegal_address };

class Responder {
 public:
  Responder(int fd, std::uint8_t slave, Framing framing);
  ~Responder();  // stops the thread; does not close fd

  void set_register(std::uint16_t address, std::uint16_t value);
  std::uint16_t get_register(std::uint16_t address);
  void set_fault(Fault f) { fault_ = f; }
  void start();
  void stop();
  unsigned requests() const { return requests_.load(); }
  // The shortest silence seen between the end of a reply and the first byte of the next
  // request (the master's t3.5, Modbus over serial line v1.02 §2.5.1.1); max() before two.
  std::chrono::microseconds shortest_silence() const {
    return std::chrono::microseconds{shortest_silence_us_.load()};
  }

 private:
  void run();
  Bytes answer_rtu(const Bytes& frame);  // the RTU reply, or empty for no reply

  int fd_;
  std::uint8_t slave_;
  Framing framing_;
  std::atomic<Fault> fault_{Fault::none};
  std::atomic<bool> stop_{false};
  std::atomic<unsigned> requests_{0};
  std::atomic<long long> shortest_silence_us_{std::numeric_limits<long long>::max()};
  std::chrono::steady_clock::time_point last_reply_end_{};
  std::mutex mutex_;
  std::map<std::uint16_t, std::uint16_t> bank_;
  std::thread thread_;
};

// A listening TCP socket on 127.0.0.1, port chosen by the kernel.
class Listener {
 public:
  Listener();
  ~Listener();
  std::uint16_t port() const { return port_; }
  // Accepts one connection within `timeout_ms`; -1 on timeout.
  int accept_one(int timeout_ms);

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace meterd::modbus::test
