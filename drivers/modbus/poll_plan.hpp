// drivers/modbus/poll_plan.hpp: which FC03 transactions read a set of registers.
//
// Each transaction costs a request, a reply header and CRC, two 3.5-character silences and the
// meter's turnaround (Modbus over serial line v1.02 §2.5.1.1), so a poll reads as few blocks as
// possible: needed items are coalesced into blocks of at most 125 registers (Application
// Protocol v1.1b3 §6.3), and a gap between two items is read over when it is at most
// `max_gap` registers and lies entirely inside registers the meter is known to serve (reading
// an undefined register gets exception 0x02 on most meters). Items are never split. Pure
// functions: thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "meterd/error.hpp"

namespace meterd::modbus {

// A contiguous range of holding registers.
struct RegisterSpan {
  std::uint16_t address = 0;
  std::uint16_t count = 0;

  std::uint32_t end() const noexcept { return std::uint32_t{address} + count; }
  friend bool operator==(const RegisterSpan&, const RegisterSpan&) = default;
};

// Registers as read by one transaction.
struct RegisterBlock {
  std::uint16_t address = 0;
  std::vector<std::uint16_t> registers;
};

struct PlanLimits {
  std::uint16_t max_registers = 125;  // per transaction, §6.3
  // A gap this size or smaller is read over rather than starting a new transaction: at 9600
  // bit/s a new transaction costs about 13 bytes of framing, 2 x 3.5 characters of silence and
  // a turnaround of some milliseconds, i.e. 30+ bytes, while each gap register costs 2.
  std::uint16_t max_gap = 16;
};

// The fewest blocks covering every item of `needed` (in any order, may overlap), each within
// limits.max_registers, bridging only gaps of at most limits.max_gap registers that lie inside
// one span of `readable` (an empty `readable` means every register is readable). Blocks come
// back sorted by address. Errc::invalid_argument if an item is larger than max_registers.
// Greedy left to right is optimal here: every block starts at the first uncovered item, and
// extending it as far as allowed never leaves more items for later blocks.
Result<std::vector<RegisterSpan>> plan_reads(std::span<const RegisterSpan> needed,
                                             std::span<const RegisterSpan> readable,
                                             PlanLimits limits = {});

// The registers of `item` out of `blocks`, or an empty span if no block holds all of them.
std::span<const std::uint16_t> find_registers(std::span<const RegisterBlock> blocks,
                                              RegisterSpan item) noexcept;

}  // namespace meterd::modbus
