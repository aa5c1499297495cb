// bench-modbus: how close the Modbus driver gets to the wire's own limit on a paced RS485 bus.
//
// At 9600, 19200 and 38400 bit/s, an in-process BsmartSimulator (tools/sim) serves 4 B-Smart
// meters on a pseudo-terminal, paced at the baud rate (each frame takes its wire time, with a
// t3.5 turnaround). The real driver (drivers/modbus: BsmartDriver over ModbusLink over
// libmodbus) polls the full map of each meter: both channels, instantaneous and energy groups,
// three-phase layout so no register is skipped. One cycle = the 4 meters polled back to back.
// Per Modbus over serial line v1.02 §2.5.1.1, the least time a cycle can take on the wire is
//   T_wire = sum over transactions (request_bytes + reply_bytes) * bits_per_char / baud
//            + 2 * t3.5 per transaction (the silence after the request and after the reply),
//   bits_per_char = 10 (8N1), t3.5 = 3.5 * 10 / baud up to 19200 bit/s, 1.75 ms above;
//   FC03: request 8 bytes, reply 5 + 2 * registers bytes.
// bus_efficiency = T_wire / median(achieved cycle time). Two masters are measured:
//   compliant  the driver's parts (BsmartMeter plans and decodes, ModbusLink/libmodbus does the
//              transactions) with the bench keeping t3.5 of silence after each reply before the
//              next request, as §2.5.1.1 requires of every frame on the bus: the summary line;
//   poll()     BsmartDriver::poll() back to back, as the acquisition scheduler calls it: it sends
//              the next request as soon as the reply is parsed, so its cycle is shorter than the
//              standard allows (efficiency above 1; see docs/modbus.md).
// Usage: bench-modbus [--cycles N] [--response-timeout MS]. The last line is the summary:
//   bus_efficiency_9600=... bus_efficiency_19200=... bus_efficiency_38400=...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "drivers/modbus/bsmart_driver.hpp"
#include "drivers/modbus/modbus_link.hpp"
#include "meterd/clock.hpp"
#include "tools/sim/bsmart_simulator.hpp"

namespace {

using namespace meterd;
using Steady = std::chrono::steady_clock;

constexpr int kBauds[] = {9600, 19200, 38400};
constexpr int kMeters = 4;
constexpr int kBitsPerChar = 10;  // 8N1: start + 8 data + stop
constexpr double kRequestBytes = 8;

// t3.5 in seconds (Modbus over serial line v1.02 §2.5.1.1).
double t35(int baud) { return baud > 19200 ? 1.75e-3 : 3.5 * kBitsPerChar / baud; }

struct Transaction {
  double bytes;  // request + reply
};

// Least wire time of `txs` at `baud`, in seconds.
double wire_time(const std::vector<Transaction>& txs, int baud) {
  double t = 0;
  for (const auto& tx : txs) t += tx.bytes * kBitsPerChar / baud + 2 * t35(baud);
  return t;
}

enum class Master { compliant, poll };

struct Row {
  Master master = Master::compliant;
  int baud = 0;
  std::size_t transactions = 0;
  double bytes = 0;
  double wire_s = 0;
  double median_s = 0;
  double min_s = 0;
  double max_s = 0;
  double efficiency = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The compliant master's cycle: each meter's groups, transaction by transaction, with t3.5 of
// silence kept after each reply. Returns false (after saying why) when a transaction fails.
bool compliant_cycle(std::vector<modbus::BsmartMeter>& meters, modbus::ModbusLink& link,
                     const Clock& clock, int baud, Steady::time_point& last_reply) {
  const auto gap =
      std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(t35(baud)));
  for (auto& meter : meters) {
    for (const auto group : {modbus::BsmartGroup::instantaneous, modbus::BsmartGroup::energy}) {
      std::vector<modbus::RegisterBlock> blocks;
      for (const auto& span : meter.plan(group)) {
        std::this_thread::sleep_until(last_reply + gap);
        auto regs = link.read_registers(meter.settings().address, span.address, span.count);
        last_reply = Steady::now();
        if (!regs) {
          std::fprintf(stderr, "bench-modbus: %s\n", regs.error().message().c_str());
          return false;
        }
        blocks.push_back({span.address, std::move(*regs)});
      }
      if (auto r = meter.decode(group, blocks, clock.utc_now()); !r) {
        std::fprintf(stderr, "bench-modbus: %s\n", r.error().message().c_str());
        return false;
      }
    }
  }
  return true;
}

// BsmartDriver::poll() of every group of every meter, back to back.
bool poll_cycle(std::vector<std::unique_ptr<modbus::BsmartDriver>>& drivers) {
  for (auto& d : drivers) {
    for (std::size_t g = 0; g < d->groups().size(); ++g) {
      TransactionCounts counts;
      if (auto r = d->poll(g, counts); !r) {
        std::fprintf(stderr, "bench-modbus: %s: %s\n", d->meter_id().c_str(),
                     r.error().message().c_str());
        return false;
      }
    }
  }
  return true;
}

// One baud rate and master: simulator, link, 4 meters, `cycles` measured cycles after one
// warm-up.
bool run(int baud, Master master, int cycles, std::chrono::milliseconds response_timeout,
         Row& row) {
  const SystemClock clock;
  sim::SimulatorConfig config;
  config.addresses = {1, 2, 3, 4};
  config.line.baud = static_cast<std::uint32_t>(baud);
  config.seed = 2026;
  auto simulator = sim::BsmartSimulator::create(config, clock);
  if (!simulator) {
    std::fprintf(stderr, "bench-modbus: simulator: %s\n", simulator.error().message().c_str());
    return false;
  }
  (*simulator)->start();

  modbus::LinkSettings settings;
  settings.device = (*simulator)->device_path();
  settings.baud = baud;
  settings.response_timeout = response_timeout;
  modbus::ModbusLink link(settings);
  if (auto ok = link.open(); !ok) {
    std::fprintf(stderr, "bench-modbus: open: %s\n", ok.error().message().c_str());
    return false;
  }
  std::vector<modbus::BsmartMeter> meters;
  std::vector<std::unique_ptr<modbus::BsmartDriver>> drivers;
  std::vector<Transaction> txs;
  for (int i = 0; i < kMeters; ++i) {
    auto meter = modbus::BsmartMeter::create({.meter_id = "bsmart-" + std::to_string(i + 1),
                                              .address = static_cast<std::uint8_t>(i + 1),
                                              .phases = 3});
    if (!meter) {
      std::fprintf(stderr, "bench-modbus: %s\n", meter.error().message().c_str());
      return false;
    }
    for (const auto group : {modbus::BsmartGroup::instantaneous, modbus::BsmartGroup::energy}) {
      for (const auto& span : meter->plan(group)) {
        txs.push_back({kRequestBytes + 5 + 2.0 * span.count});
      }
    }
    if (master == Master::poll) {
      drivers.push_back(std::make_unique<modbus::BsmartDriver>(std::move(*meter), link, clock));
    } else {
      meters.push_back(std::move(*meter));
    }
  }
  std::vector<double> times;
  Steady::time_point last_reply = Steady::now();
  for (int c = 0; c <= cycles; ++c) {
    const auto t0 = Steady::now();
    const bool ok = master == Master::poll ? poll_cycle(drivers)
                                           : compliant_cycle(meters, link, clock, baud, last_reply);
    if (!ok) return false;
    if (c > 0) times.push_back(std::chrono::duration<double>(Steady::now() - t0).count());
  }
  row.master = master;
  row.baud = baud;
  row.transactions = txs.size();
  for (const auto& tx : txs) row.bytes += tx.bytes;
  row.wire_s = wire_time(txs, baud);
  row.median_s = median(times);
  row.min_s = *std::min_element(times.begin(), times.end());
  row.max_s = *std::max_element(times.begin(), times.end());
  row.efficiency = row.wire_s / row.median_s;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int cycles = 5;
  long timeout_ms = 1000;
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (std::strcmp(argv[i], "--cycles") == 0 && has_value) {
      cycles = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--response-timeout") == 0 && has_value) {
      timeout_ms = std::max(1L, std::atol(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: bench-modbus [--cycles N] [--response-timeout MS]\n");
      return 2;
    }
  }
  std::printf(
      "bench-modbus: %d B-Smart meters x 2 channels x (instantaneous + energy), full "
      "map, 8N1, paced simulator on a pty; %d cycles after 1 warm-up\n",
      kMeters, cycles);
  std::printf("%-10s %6s %4s %7s %9s %9s %9s %9s %10s\n", "master", "baud", "txs", "bytes",
              "wire_ms", "median_ms", "min_ms", "max_ms", "efficiency");
  std::vector<Row> compliant;
  for (const Master master : {Master::compliant, Master::poll}) {
    for (const int baud : kBauds) {
      Row row;
      if (!run(baud, master, cycles, std::chrono::milliseconds{timeout_ms}, row)) return 1;
      std::printf("%-10s %6d %4zu %7.0f %9.1f %9.1f %9.1f %9.1f %10.3f\n",
                  master == Master::compliant ? "compliant" : "poll()", row.baud, row.transactions,
                  row.bytes, row.wire_s * 1e3, row.median_s * 1e3, row.min_s * 1e3, row.max_s * 1e3,
                  row.efficiency);
      std::fflush(stdout);
      if (master == Master::compliant) compliant.push_back(row);
    }
  }
  std::printf("bus_efficiency_9600=%.3f bus_efficiency_19200=%.3f bus_efficiency_38400=%.3f\n",
              compliant[0].efficiency, compliant[1].efficiency, compliant[2].efficiency);
  return 0;
}
