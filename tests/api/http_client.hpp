// tests/api/http_client.hpp: a tiny blocking HTTP/1.1 client over a real TCP socket, written
// independently of the server (POSIX sockets, no Beast), plus raw-socket helpers for the
// slow-client and oversized-request cases.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace meterd::api::testing {

struct Reply {
  int status = 0;  // 0: no reply (connection closed without a status line)
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// A connected socket to 127.0.0.1:port, or -1.
inline int connect_local(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Reads until the peer closes or `timeout` passes.
inline std::string read_all(int fd, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  std::string out;
  const auto end = std::chrono::steady_clock::now() + timeout;
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

inline Reply parse_reply(const std::string& raw) {
  Reply r;
  const auto head_end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || head_end == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  std::string_view head(raw.data(), head_end);
  head.remove_prefix(std::min(head.size(), head.find("\r\n") + 2));
  while (!head.empty()) {
    const auto eol = head.find("\r\n");
    const std::string_view line = head.substr(0, eol);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string name(line.substr(0, colon));
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      r.headers[name] = std::string(value);
    }
    if (eol == std::string_view::npos) break;
    head.remove_prefix(eol + 2);
  }
  r.body = raw.substr(head_end + 4);
  return r;
}

// Sends `raw` (a whole request) and reads the reply until the server closes.
inline Reply http_exchange(std::uint16_t port, std::string_view raw) {
  const int fd = connect_local(port);
  if (fd < 0) return {};
  send_all(fd, raw);
  const auto reply = parse_reply(read_all(fd));
  ::close(fd);
  return reply;
}

// GET `target` with `Connection: close` and an optional bearer token.
inline Reply get(std::uint16_t port, std::string_view target, std::string_view token = {}) {
  std::string req = "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + std::string(token) + "\r\n";
  req += "Connection: close\r\n\r\n";
  return http_exchange(port, req);
}

}  // namespace meterd::api::testing
