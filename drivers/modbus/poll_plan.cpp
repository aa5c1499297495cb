#include "drivers/modbus/poll_plan.hpp"

#include <algorithm>

namespace meterd::modbus {
namespace {

bool gap_readable(std::span<const RegisterSpan> readable, std::uint32_t from, std::uint32_t to) {
  if (readable.empty()) return true;
  return std::any_of(readable.begin(), readable.end(),
                     [&](const RegisterSpan& r) { return r.address <= from && to <= r.end(); });
}

}  // namespace

Result<std::vector<RegisterSpan>> plan_reads(std::span<const RegisterSpan> needed,
                                             std::span<const RegisterSpan> readable,
                                             PlanLimits limits) {
  std::vector<RegisterSpan> items(needed.begin(), needed.end());
  for (const auto& it : items) {
    if (it.count == 0 || it.count > limits.max_registers || it.end() > 0x10000) {
      return Error{Errc::invalid_argument, "register item at " + std::to_string(it.address) +
                                               " of " + std::to_string(it.count) +
                                               " registers does not fit one transaction of " +
                                               std::to_string(limits.max_registers)};
    }
  }
  std::sort(items.begin(), items.end(), [](const RegisterSpan& a, const RegisterSpan& b) {
    return a.address != b.address ? a.address < b.address : a.count > b.count;
  });

  std::vector<RegisterSpan> blocks;
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  bool open = false;
  for (const auto& it : items) {
    if (open) {
      const std::uint32_t new_end = std::max(end, it.end());
      const bool overlaps = it.address <= end;
      const bool bridge = !overlaps && it.address - end <= limits.max_gap &&
                          gap_readable(readable, end, it.address);
      if ((overlaps || bridge) && new_end - start <= limits.max_registers) {
        end = new_end;
        continue;
      }
      blocks.push_back(
          {static_cast<std::uint16_t>(start), static_cast<std::uint16_t>(end - start)});
    }
    start = it.address;
    end = it.end();
    open = true;
  }
  if (open) {
    blocks.push_back({static_cast<std::uint16_t>(start), static_cast<std::uint16_t>(end - start)});
  }
  return blocks;
}

std::span<const std::uint16_t> find_registers(std::span<const RegisterBlock> blocks,
                                              RegisterSpan item) noexcept {
  for (const auto& b : blocks) {
    const std::uint32_t b_end = std::uint32_t{b.address} + b.registers.size();
    if (b.address <= item.address && item.end() <= b_end) {
      return std::span<const std::uint16_t>(b.registers)
          .subspan(item.address - b.address, item.count);
    }
  }
  return {};
}

}  // namespace meterd::modbus
