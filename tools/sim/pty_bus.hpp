// tools/sim/pty_bus.hpp: a simulated RS485 bus on a pseudo-terminal, paced like the real wire.
//
// open() creates a pty pair (openpty(3)) in raw mode; the simulator keeps the master side and
// a Modbus master (the daemon, mbpoll) opens device_path(), optionally through a stable
// symlink. run() delimits request frames (RtuFramer), hands each to a handler and writes the
// reply only once the real wire would have delivered it: request wire time + t3.5 turnaround
// + reply wire time at the slave's baud rate + any injected delay (Modbus over serial line
// v1.02 §2.5.1.1). When the master closes the slave side, reads fail with EIO / POLLHUP: the
// bus waits and carries on, so the device survives reopening. run() is called from one thread;
// stop it through its stop_token. The destructor closes the pty and removes the symlink.
#pragma once

#include "meterd/clock.hpp"
#include "meterd/error.hpp"
#include "tools/sim/rtu_framer.hpp"
#include "tools/sim/rtu_slave.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>

namespace meterd::sim {

class PtyBus {
 public:
  using Handler = std::function<std::optional<RtuReply>(std::span<const std::uint8_t> frame)>;

  // Opens the pty pair; with a non-empty `link_path`, (re)places a symlink there pointing to
  // the slave device. Errc::io_error with the failing call in the detail.
  static Result<std::unique_ptr<PtyBus>> open(const SerialLine& line, const std::string& link_path,
                                              const Clock& clock);
  ~PtyBus();
  PtyBus(const PtyBus&) = delete;
  PtyBus& operator=(const PtyBus&) = delete;

  // "/dev/pts/N", the path a master opens.
  const std::string& device_path() const noexcept { return device_path_; }

  // Serves frames until `stop` is requested (checked at least every 50 ms). Never throws.
  void run(std::stop_token stop, const Handler& handler);

 private:
  PtyBus(int master_fd, std::string device_path, std::string link_path, const SerialLine& line,
         const Clock& clock);
  void serve(std::span<const std::uint8_t> frame, MonoTime received, std::stop_token stop,
             const Handler& handler);
  void write_all(std::span<const std::uint8_t> bytes);

  int master_fd_;
  std::string device_path_;
  std::string link_path_;
  SerialLine line_;
  const Clock& clock_;
};

}  // namespace meterd::sim
