// tests/app/notify_socket.hpp: the supervisor's end of sd_notify(3) for tests: a unix datagram
// socket bound to a path that a child gets as $NOTIFY_SOCKET, as systemd does for Type=notify.
// Not thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace meterd::app::test {

class NotifySocket {
 public:
  // Binds a SOCK_DGRAM socket at `path` (which must not exist); throws on failure.
  explicit NotifySocket(std::filesystem::path path);
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Receives datagrams until `count` of them, counted since construction, contain the line
  // `assignment` (e.g. "READY=1"), or `timeout` passes. Returns whether they arrived.
  bool wait_for(std::string_view assignment, int count, std::chrono::milliseconds timeout);

  // Receives every datagram already queued on the socket (unix datagrams are queued when sent),
  // without waiting for more.
  void drain();

  // Every datagram received so far, in order.
  const std::vector<std::string>& messages() const { return messages_; }

  // How many received datagrams contain the line `assignment`.
  int count(std::string_view assignment) const;

 private:
  // Receives at most one datagram, waiting up to `timeout`. Returns whether one arrived.
  bool receive(std::chrono::milliseconds timeout);

  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::string> messages_;
};

// The lines of a notify datagram ("READY=1\nSTATUS=running" -> {"READY=1", "STATUS=running"}).
std::vector<std::string> notify_lines(std::string_view message);

}  // namespace meterd::app::test
