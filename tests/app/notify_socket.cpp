#include "tests/app/notify_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace meterd::app::test {

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

std::vector<std::string> notify_lines(std::string_view message) {
  std::vector<std::string> lines;
  while (!message.empty()) {
    const auto nl = message.find('\n');
    lines.emplace_back(message.substr(0, nl));
    if (nl == std::string_view::npos) break;
    message.remove_prefix(nl + 1);
  }
  return lines;
}

NotifySocket::NotifySocket(std::filesystem::path path) : path_(std::move(path)) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string p = path_.string();
  if (p.size() >= sizeof(addr.sun_path)) throw std::invalid_argument("socket path too long: " + p);
  std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "socket");
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    const int err = errno;
    ::close(fd_);
    throw std::system_error(err, std::generic_category(), "bind " + p);
  }
}

NotifySocket::~NotifySocket() {
  ::close(fd_);
  ::unlink(path_.c_str());
}

int NotifySocket::count(std::string_view assignment) const {
  return static_cast<int>(std::count_if(messages_.begin(), messages_.end(), [&](const auto& m) {
    const auto lines = notify_lines(m);
    return std::find(lines.begin(), lines.end(), assignment) != lines.end();
  }));
}

bool NotifySocket::wait_for(std::string_view assignment, int count_wanted, milliseconds timeout) {
  const auto deadline = Steady::now() + timeout;
  while (count(assignment) < count_wanted) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Steady::now());
    if (left.count() <= 0) return false;
    receive(left);
  }
  return true;
}

void NotifySocket::drain() {
  while (receive(milliseconds{0})) {
  }
}

bool NotifySocket::receive(milliseconds timeout) {
  pollfd pfd{fd_, POLLIN, 0};
  const int ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
  if (ready <= 0) return false;
  std::array<char, 4096> buf{};
  const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
  if (n <= 0) return false;
  messages_.emplace_back(buf.data(), static_cast<std::size_t>(n));
  return true;
}

}  // namespace meterd::app::test
