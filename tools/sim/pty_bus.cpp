#include "tools/sim/pty_bus.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

namespace meterd::sim {
namespace {

using namespace std::chrono;

constexpr milliseconds kIdlePoll{50};
constexpr milliseconds kClosedRetry{20};

speed_t termios_speed(std::uint32_t baud) {
  switch (baud) {
    case 1200: return B1200;
    case 2400: return B2400;
    case 4800: return B4800;
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    default: return B9600;  // a pty ignores the speed; pacing uses the configured baud
  }
}

Error os_error(const char* what) {
  return Error{Errc::io_error, std::string(what) + ": " + std::strerror(errno)};
}

}  // namespace

Result<std::unique_ptr<PtyBus>> PtyBus::open(const SerialLine& line, const std::string& link_path,
                                             const Clock& clock) {
  termios tio{};
  ::cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  if (line.parity != 'N') tio.c_cflag |= PARENB | (line.parity == 'O' ? PARODD : 0);
  if (line.stop_bits == 2) tio.c_cflag |= CSTOPB;
  ::cfsetispeed(&tio, termios_speed(line.baud));
  ::cfsetospeed(&tio, termios_speed(line.baud));
  int master = -1;
  int slave = -1;
  char name[128] = {};
  if (::openpty(&master, &slave, name, &tio, nullptr) != 0) return os_error("openpty");
  // The master (the daemon, mbpoll) owns the slave side; ours only served to set it up.
  ::close(slave);
  ::fcntl(master, F_SETFD, FD_CLOEXEC);
  ::fcntl(master, F_SETFL, ::fcntl(master, F_GETFL) | O_NONBLOCK);
  if (!link_path.empty()) {
    std::error_code ec;
    if (std::filesystem::is_symlink(link_path, ec)) std::filesystem::remove(link_path, ec);
    std::filesystem::create_symlink(name, link_path, ec);
    if (ec) {
      ::close(master);
      return Error{Errc::io_error, "symlink " + link_path + ": " + ec.message()};
    }
  }
  return std::unique_ptr<PtyBus>(new PtyBus(master, name, link_path, line, clock));
}

PtyBus::PtyBus(int master_fd, std::string device_path, std::string link_path, const SerialLine& line,
               const Clock& clock)
    : master_fd_(master_fd),
      device_path_(std::move(device_path)),
      link_path_(std::move(link_path)),
      line_(line),
      clock_(clock) {}

PtyBus::~PtyBus() {
  ::close(master_fd_);
  if (!link_path_.empty()) {
    std::error_code ec;
    if (std::filesystem::read_symlink(link_path_, ec) == device_path_) std::filesystem::remove(link_path_, ec);
  }
}

void PtyBus::run(std::stop_token stop, const Handler& handler) {
  RtuFramer framer;
  MonoTime last_byte = clock_.mono_now();
  std::uint8_t buf[512];
  while (!stop.stop_requested()) {
    // Wait for bytes, or for the end of t3.5 when a partial frame is buffered.
    nanoseconds wait = kIdlePoll;
    if (!framer.empty()) wait = std::max(nanoseconds{0}, last_byte + line_.t35() - clock_.mono_now());
    const timespec ts{static_cast<time_t>(duration_cast<seconds>(wait).count()),
                      static_cast<long>((wait % seconds{1}).count())};
    pollfd pfd{master_fd_, POLLIN, 0};
    const int rc = ::ppoll(&pfd, 1, &ts, nullptr);
    if (rc < 0 && errno != EINTR) {
      std::this_thread::sleep_for(kClosedRetry);
      continue;
    }
    if (rc > 0 && (pfd.revents & POLLIN) != 0) {
      const ssize_t n = ::read(master_fd_, buf, sizeof buf);
      if (n > 0) {
        last_byte = clock_.mono_now();
        framer.feed(std::span<const std::uint8_t>(buf, static_cast<std::size_t>(n)));
        while (auto frame = framer.take_complete()) serve(*frame, last_byte, stop, handler);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    }
    if (rc > 0 && (pfd.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      // Nobody has the slave side open (never opened yet, or the master closed it): reads
      // fail with EIO. Forget any partial frame and wait for the next open.
      framer.clear();
      std::this_thread::sleep_for(kClosedRetry);
      continue;
    }
    if (!framer.empty() && clock_.mono_now() - last_byte >= line_.t35()) {
      const std::vector<std::uint8_t> frame = framer.take_all();
      serve(frame, last_byte, stop, handler);
    }
  }
}

void PtyBus::serve(std::span<const std::uint8_t> frame, MonoTime received, std::stop_token stop,
                   const Handler& handler) {
  const std::optional<RtuReply> reply = handler(frame);
  if (!reply) return;
  // The request took its wire time to arrive, then t3.5 turnaround, then the reply's own.
  const MonoTime due = received + line_.wire_time(frame.size(), reply->baud) + line_.t35(reply->baud) +
                       reply->delay + line_.wire_time(reply->frame.size(), reply->baud);
  while (!stop.stop_requested()) {
    const MonoTime now = clock_.mono_now();
    if (now >= due) break;
    std::this_thread::sleep_for(std::min<nanoseconds>(due - now, kIdlePoll));
  }
  if (!stop.stop_requested()) write_all(reply->frame);
}

void PtyBus::write_all(std::span<const std::uint8_t> bytes) {
  std::size_t done = 0;
  int attempts = 0;
  while (done < bytes.size() && attempts++ < 100) {
    const ssize_t n = ::write(master_fd_, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EAGAIN) {
      std::this_thread::sleep_for(milliseconds{1});
    } else if (n < 0 && errno != EINTR) {
      return;  // EIO: the master closed the port meanwhile; the reply is lost, as on a wire
    }
  }
}

}  // namespace meterd::sim
