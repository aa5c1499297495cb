#include "tests/drivers/modbus/test_responder.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace meterd::modbus::test {

Responder::Responder(int fd, std::uint8_t slave, Framing framing)
    : fd_(fd), slave_(slave), framing_(framing) {}

Responder::~Responder() { stop(); }

void Responder::set_register(std::uint16_t address, std::uint16_t value) {
  std::lock_guard lock(mutex_);
  bank_[address] = value;
}

std::uint16_t Responder::get_register(std::uint16_t address) {
  std::lock_guard lock(mutex_);
  return bank_[address];
}

void Responder::start() {
  thread_ = std::thread([this] { run(); });
}

void Responder::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

Bytes Responder::answer_rtu(const Bytes& frame) {
  auto req = parse_request(frame);
  if (!req) return {};  // a bad request is ignored, as a real slave does (serial line §2.4.2)
  if (req->slave != slave_) return {};
  ++requests_;
  const Fault fault = fault_.load();
  if (fault == Fault::silent) return {};
  if (fault == Fault::illegal_address) {
    return build_exception_reply(slave_, req->function, ExceptionCode::illegal_data_address);
  }
  Bytes reply;
  {
    std::lock_guard lock(mutex_);
    if (req->function == kFcReadHoldingRegisters) {
      std::vector<std::uint16_t> regs;
      for (std::uint32_t a = req->address; a < std::uint32_t{req->address} + req->count; ++a) {
        regs.push_back(bank_[static_cast<std::uint16_t>(a)]);
      }
      reply = build_read_reply(slave_, regs);
    } else {
      for (std::size_t i = 0; i < req->values.size(); ++i) {
        bank_[static_cast<std::uint16_t>(req->address + i)] = req->values[i];
      }
      reply = build_write_reply(slave_, req->address, req->count);
    }
  }
  if (fault == Fault::bad_crc) reply.back() ^= 0x5A;
  return reply;
}

void Responder::run() {
  Bytes in;
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    const int rc = ::poll(&p, 1, 20);
    if (rc <= 0) {
      in.clear();  // silence ends a partial frame (serial line §2.5.1.1)
      continue;
    }
    std::uint8_t buf[512];
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) {
      if (n == 0) return;  // peer closed
      continue;
    }
    if (in.empty() && last_reply_end_ != std::chrono::steady_clock::time_point{}) {
      const auto gap = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - last_reply_end_)
                           .count();
      if (gap < shortest_silence_us_) shortest_silence_us_ = gap;
    }
    in.insert(in.end(), buf, buf + n);
    for (;;) {
      Bytes rtu;
      std::uint16_t tid = 0;
      if (framing_ == Framing::rtu) {
        auto len = expected_request_length(in);
        if (!len || in.size() < *len) break;
        rtu.assign(in.begin(), in.begin() + static_cast<long>(*len));
        in.erase(in.begin(), in.begin() + static_cast<long>(*len));
      } else {
        if (in.size() < 7) break;
        const std::size_t len = (in[4] << 8) | in[5];
        if (in.size() < 6 + len) break;
        tid = static_cast<std::uint16_t>((in[0] << 8) | in[1]);
        rtu.assign(in.begin() + 6, in.begin() + 6 + static_cast<long>(len));
        in.erase(in.begin(), in.begin() + 6 + static_cast<long>(len));
        append_crc(rtu);  // the PDU with its unit id, as an RTU frame for the shared codec
      }
      Bytes reply = answer_rtu(rtu);
      if (reply.empty()) continue;
      if (framing_ == Framing::mbap) {
        reply.resize(reply.size() - 2);  // drop the CRC: MBAP carries unit id + PDU
        const auto len = static_cast<std::uint16_t>(reply.size());
        Bytes mbap{static_cast<std::uint8_t>(tid >> 8), static_cast<std::uint8_t>(tid), 0, 0,
                   static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len)};
        reply.insert(reply.begin(), mbap.begin(), mbap.end());
      }
      // Stamped before the write: a stamp taken after it came late whenever this thread lost the
      // core right after writing (a loaded CI machine: 489 us measured against the link's 3.6 ms),
      // while the link had the reply and kept its silence from then. The reply is on the line no
      // earlier than this, so the measured silence is never shorter than the real one.
      const auto sent = std::chrono::steady_clock::now();
      if (::write(fd_, reply.data(), reply.size()) < 0) return;
      last_reply_end_ = sent;
    }
  }
}

Listener::Listener() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd_, 4) != 0) {
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
}

Listener::~Listener() {
  if (fd_ >= 0) ::close(fd_);
}

int Listener::accept_one(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return -1;
  return ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
}

}  // namespace meterd::modbus::test
