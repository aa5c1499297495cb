// libFuzzer target for the Modbus RTU codec (drivers/modbus/rtu_frame.hpp) and the frame sniffer:
// arbitrary bytes as a reply (FC03, FC10) or as a request must give a value or an error, never a
// crash, overrun or runaway allocation; whatever parses must re-encode to the same frame.
// The first byte chooses the expected register count, so replies of every size are reachable.
#include <cstdlib>

#include "drivers/modbus/bsmart_decode.hpp"
#include "drivers/modbus/frame_sniff.hpp"
#include "drivers/modbus/rtu_frame.hpp"

using namespace meterd::modbus;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint16_t count = static_cast<std::uint16_t>(1 + data[0] % kMaxReadRegisters);
  const std::span<const std::uint8_t> frame(data + 1, size - 1);
  const std::uint8_t slave = frame.empty() ? 1 : frame[0];

  if (auto regs = parse_read_reply(frame, slave, count)) {
    if (regs->size() != count) std::abort();
    if (build_read_reply(slave, *regs) != Bytes(frame.begin(), frame.end())) std::abort();
    for (std::size_t i = 0; i + 2 <= regs->size(); i += 2) {
      (void)decode_f32(std::span(*regs).subspan(i, 2), WordOrder::cdab);
    }
    if (regs->size() >= kSerialNumberRegisters) {
      (void)decode_serial(std::span(*regs).first(kSerialNumberRegisters));
    }
  }
  if (frame.size() >= 6) {
    const auto address = static_cast<std::uint16_t>((frame[2] << 8) | frame[3]);
    (void)parse_write_reply(frame, slave, address, count);
  }
  if (auto len = expected_reply_length(frame, kFcReadHoldingRegisters); len && *len < 3) {
    std::abort();
  }
  if (auto req = parse_request(frame)) {
    const auto rebuilt = req->function == kFcReadHoldingRegisters
                             ? build_read_request(req->slave, req->address, req->count)
                             : build_write_request(req->slave, req->address, req->values);
    // Broadcast (slave 0) and out-of-range slaves parse on the slave side but are not built.
    if (rebuilt && *rebuilt != Bytes(frame.begin(), frame.end())) std::abort();
  }
  (void)expected_request_length(frame);
  (void)looks_like_mbap(frame);
  (void)looks_like_rtu(frame);
  (void)hex_dump(frame);
  return 0;
}
