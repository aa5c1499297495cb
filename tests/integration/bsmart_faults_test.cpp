// End to end over a real pty: faults on the wire. A reply with a bad CRC is counted in the
// meter's statistics and none of its values reaches the sinks; a bus whose pty disappears and
// comes back at the same path is reopened and polling resumes, without restarting anything.
#include <gtest/gtest.h>

#include "tests/app/temp_dir.hpp"
#include "tests/integration/acquisition_harness.hpp"
#include "tools/sim/bsmart_simulator.hpp"

namespace meterd::integration {
namespace {

using namespace std::chrono_literals;

const ObisCode kPower{1, 1, 16, 7, 0};

std::unique_ptr<sim::BsmartSimulator> simulator(const std::vector<std::uint8_t>& addresses,
                                                const std::string& link, const Clock& clock) {
  sim::SimulatorConfig sc;
  sc.addresses = addresses;
  sc.line.baud = 38400;
  sc.link_path = link;
  auto s = sim::BsmartSimulator::create(sc, clock);
  if (!s) throw std::runtime_error(s.error().message());
  (*s)->start();
  return std::move(*s);
}

std::string serial_bus(const std::string& device) {
  return R"(time:
  unsynchronized: mark
buses:
  - id: rs485
    transport: serial
    device: )" +
         device + R"(
    baud: 38400
    timeout: 200ms
    retries: 0
    meters:
      - { id: m1, address: 1 }
      - { id: m2, address: 2 }
)";
}

TEST(BsmartFaults, CrcErrorIsCountedAndItsValuesAreNeverStored) {
  const SystemClock clock;
  auto sim = simulator({1, 2}, "", clock);
  AcquisitionHarness h(serial_bus(sim->device_path()));
  h.start();
  ASSERT_TRUE(AcquisitionHarness::wait_until(
      [&] { return h.recorder().count("m1") >= 2 && h.recorder().count("m2") >= 2; }, 5s));

  sim::FaultConfig bad_crc;
  bad_crc.corrupt_crc_probability = 1.0;
  sim->slave().set_faults(2, bad_crc);
  const UtcTime fault_time = clock.utc_now();
  ASSERT_TRUE(AcquisitionHarness::wait_until([&] { return h.status("m2")->crc_errors >= 3; }, 6s));
  // Every reading that reached the sinks comes from a successful poll: none from a bad frame.
  ASSERT_TRUE(AcquisitionHarness::wait_until(
      [&] { return h.recorder().count("m2") == h.status("m2")->polls_ok; }, 2s));
  const auto m2 = *h.status("m2");
  EXPECT_GE(m2.polls_failed, 3u);
  EXPECT_EQ(m2.timeouts, 0u);
  EXPECT_TRUE(m2.online);  // it answered, wrongly: not offline
  // The cached value is from before the fault (one poll may have been in flight).
  const auto cached = h.latest().get("m2", kPower);
  ASSERT_TRUE(cached);
  EXPECT_LE(cached->time, fault_time + 200ms);
  // The other meter on the bus went on.
  EXPECT_GT(h.latest().get("m1", kPower)->time, fault_time + 1s);
  EXPECT_EQ(h.status("m1")->crc_errors, 0u);

  // The fault clears: values flow again.
  const auto before = h.recorder().count("m2");
  sim->slave().clear_faults();
  EXPECT_TRUE(
      AcquisitionHarness::wait_until([&] { return h.recorder().count("m2") >= before + 2; }, 4s));
  h.stop();
}

TEST(BsmartFaults, PtyClosedAndReopenedPollingResumesWithoutRestart) {
  const SystemClock clock;
  const app::test::TempDir dir;
  const std::string link = (dir.path() / "rs485").string();
  auto sim = simulator({1, 2}, link, clock);
  AcquisitionHarness h(serial_bus(link));
  h.start();
  ASSERT_TRUE(AcquisitionHarness::wait_until(
      [&] { return h.recorder().count("m1") >= 2 && h.recorder().count("m2") >= 2; }, 5s));

  sim.reset();  // the adapter is unplugged: the pty closes and the link path disappears
  ASSERT_TRUE(
      AcquisitionHarness::wait_until([&] { return h.has_event(EventKind::link_lost); }, 5s));
  const auto during = h.recorder().count("m1");
  std::this_thread::sleep_for(1500ms);
  EXPECT_LE(h.recorder().count("m1"), during + 1);  // nothing to read from

  sim = simulator({1, 2}, link, clock);  // plugged in again: a new pty at the same path
  ASSERT_TRUE(
      AcquisitionHarness::wait_until([&] { return h.has_event(EventKind::link_reopened); }, 10s));
  ASSERT_TRUE(AcquisitionHarness::wait_until(
      [&] {
        return h.recorder().count("m1") >= during + 3 && h.recorder().count("m2") >= during + 3;
      },
      5s));
  EXPECT_TRUE(h.status("m1")->online);
  EXPECT_TRUE(h.status("m2")->online);
  h.stop();
}

}  // namespace
}  // namespace meterd::integration
