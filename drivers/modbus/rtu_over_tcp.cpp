#include "drivers/modbus/rtu_over_tcp.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "drivers/modbus/frame_sniff.hpp"

namespace meterd::modbus {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

// poll(2) for `events` within `wait`; restarts on EINTR with the remaining time.
int wait_for(int fd, short events, std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(std::max<long long>(0, left.count())));
    if (rc >= 0 || errno != EINTR) return rc;
  }
}

}  // namespace

RtuOverTcp::RtuOverTcp(std::string host, std::uint16_t port, TcpTimeouts timeouts)
    : host_(std::move(host)), port_(port), timeouts_(timeouts) {}

RtuOverTcp::~RtuOverTcp() { close(); }

void RtuOverTcp::close() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<void> RtuOverTcp::open() {
  close();
  const std::string where = host_ + ":" + std::to_string(port_);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(port_);
  if (int rc = ::getaddrinfo(host_.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return Error{Errc::io_error, "resolve " + where + ": " + ::gai_strerror(rc)};
  }
  Error last{Errc::io_error, "connect " + where + ": no address"};
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    const int fd =
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) {
      last = Error{Errc::io_error, "socket for " + where + ": " + errno_text(errno)};
      continue;
    }
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      rc = wait_for(fd, POLLOUT, timeouts_.connect);
      if (rc == 0) {
        ::close(fd);
        last = Error{Errc::timeout, "connect " + where + ": no answer within " +
                                        std::to_string(timeouts_.connect.count()) + " ms"};
        continue;
      }
      int so_error = 0;
      socklen_t len = sizeof so_error;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      rc = so_error == 0 ? 0 : -1;
      errno = so_error;
    }
    if (rc != 0) {
      last = Error{Errc::io_error, "connect " + where + ": " + errno_text(errno)};
      ::close(fd);
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fd_ = fd;
    break;
  }
  ::freeaddrinfo(found);
  if (fd_ < 0) return last;
  return {};
}

void RtuOverTcp::discard_input() noexcept {
  std::uint8_t buf[256];
  while (::recv(fd_, buf, sizeof buf, MSG_DONTWAIT) > 0) {
  }
}

Result<void> RtuOverTcp::send_all(std::span<const std::uint8_t> data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data = data.subspan(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (wait_for(fd_, POLLOUT, timeouts_.response) <= 0) {
        return Error{Errc::timeout, "send to " + host_ + ": socket not writable in time"};
      }
      continue;
    }
    const int err = errno;
    close();
    return Error{Errc::io_error, "send to " + host_ + ": " + errno_text(err)};
  }
  return {};
}

Result<void> RtuOverTcp::receive_some(Bytes& into, std::chrono::milliseconds wait,
                                      std::size_t want) {
  const int rc = wait_for(fd_, POLLIN, wait);
  if (rc == 0) return Error{Errc::timeout, ""};
  if (rc < 0) return Error{Errc::io_error, "poll: " + errno_text(errno)};
  std::uint8_t buf[kMaxRtuFrame];
  const std::size_t room = std::min(sizeof buf, want > into.size() ? want - into.size() : 1);
  const ssize_t n = ::recv(fd_, buf, room, MSG_DONTWAIT);
  if (n == 0) {
    close();
    return Error{Errc::io_error, "connection closed by " + host_ + ":" + std::to_string(port_)};
  }
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return {};
    const int err = errno;
    close();
    return Error{Errc::io_error, "receive: " + errno_text(err)};
  }
  into.insert(into.end(), buf, buf + n);
  return {};
}

Result<Bytes> RtuOverTcp::transact(std::span<const std::uint8_t> request, std::uint8_t slave,
                                   std::uint8_t function) {
  if (fd_ < 0) return Error{Errc::io_error, "not connected to " + host_};
  discard_input();
  if (auto sent = send_all(request); !sent) return sent.error();

  Bytes reply;
  // The first bytes: up to the response timeout.
  while (reply.size() < 3) {
    auto got = receive_some(reply, reply.empty() ? timeouts_.response : timeouts_.byte, 3);
    if (!got) {
      if (!got.error().is(Errc::timeout)) return got.error();
      return Error{Errc::timeout,
                   reply.empty()
                       ? "no reply within " + std::to_string(timeouts_.response.count()) + " ms"
                       : "reply stopped after " + std::to_string(reply.size()) +
                             " bytes: " + hex_dump(reply)};
    }
  }
  const bool ours =
      reply[0] == slave && (reply[1] == function || reply[1] == (function | kExceptionFlag));
  std::size_t want = ours ? *expected_reply_length(reply, function) : kMaxRtuFrame;
  want = std::min(want, kMaxRtuFrame);
  // The rest: each chunk within the byte timeout. A foreign frame is read until silence.
  while (reply.size() < want) {
    auto got = receive_some(reply, timeouts_.byte, want);
    if (!got) {
      if (!got.error().is(Errc::timeout)) return got.error();
      if (!ours) break;
      return Error{Errc::timeout, "reply stopped after " + std::to_string(reply.size()) + " of " +
                                      std::to_string(want) + " bytes: " + hex_dump(reply)};
    }
  }
  if (!ours && looks_like_mbap(reply) && !looks_like_rtu(reply)) {
    return Error{
        Errc::protocol_error,
        "reply looks like Modbus TCP (MBAP header " + hex_dump(std::span(reply).first(7)) +
            ": transaction " + std::to_string((reply[0] << 8) | reply[1]) +
            ", protocol 0, length " + std::to_string((reply[4] << 8) | reply[5]) + ", unit " +
            std::to_string(reply[6]) +
            "); the bus is configured as rtu_over_tcp, which expects RTU frames "
            "(slave, PDU, CRC-16): if the gateway speaks Modbus TCP, configure modbus_tcp"};
  }
  return reply;
}

}  // namespace meterd::modbus
