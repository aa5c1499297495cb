// tests/tools/serial_client.hpp: the master's side of a serial port, for simulator tests.
//
// SerialClient opens a tty (the simulator's pty) in raw 8N1 like a Modbus master does and
// exchanges bytes with timeouts. SimProcess runs the real meterd-sim binary, reads its
// "device=" line and stops it with SIGTERM. Test-only helpers; not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

namespace meterd::sim::test {

using Bytes = std::vector<std::uint8_t>;

class SerialClient {
 public:
  // Opens `path` raw 8N1 at 9600 bps; ok() says whether it worked.
  explicit SerialClient(const std::string& path);
  ~SerialClient();
  SerialClient(const SerialClient&) = delete;
  SerialClient& operator=(const SerialClient&) = delete;

  bool ok() const noexcept { return fd_ >= 0; }
  void send(const Bytes& bytes);
  // Reads until `n` bytes arrived or `timeout` passed; returns what arrived.
  Bytes receive(std::size_t n, std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
};

class SimProcess {
 public:
  // Starts `binary` with `args` and waits (up to 10 s) for its "device=" line.
  SimProcess(const std::string& binary, const std::vector<std::string>& args);
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  const std::string& device() const noexcept { return device_; }
  // Sends SIGTERM and returns the exit status (-1 if it did not exit normally within 5 s).
  int terminate();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string device_;
};

// Runs a shell command, returns its stdout and stderr together.
std::string run_command(const std::string& command);

}  // namespace meterd::sim::test
