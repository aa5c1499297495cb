// AcquisitionService: starts the configured buses, and on a reload restarts only when the buses
// changed. Real simulators on real ptys; the io_context is not running (allowed by the
// Acquisition's thread contract), so nothing is delivered here: see tests/integration.
#include "src/app/acquisition_service.hpp"

#include <gtest/gtest.h>

namespace meterd::app {
namespace {

class NullReadings final : public ReadingSink {
 public:
  void publish(const Reading&) override { ++count; }
  int count = 0;
};
class NullEvents final : public EventSink {
 public:
  void publish(const Event&) override {}
};

config::Config simulated(int meters) {
  std::string yaml = "buses:\n  - id: sim\n    transport: simulator\n    meters:\n";
  for (int a = 1; a <= meters; ++a) {
    yaml += "      - { id: m" + std::to_string(a) + ", address: " + std::to_string(a) + " }\n";
  }
  return config::load_config_text(yaml, "t.yaml").value();
}

std::vector<std::string> meters(const AcquisitionService& s) {
  std::vector<std::string> ids;
  for (const auto& st : s.snapshot()) ids.push_back(st.meter_id);
  return ids;
}

TEST(AcquisitionService, ReloadRestartsOnlyWhenTheBusesChange) {
  boost::asio::io_context io;
  const SystemClock clock;
  NullReadings readings;
  NullEvents events;
  AcquisitionService service(io, clock, readings, events, simulated(2));
  EXPECT_EQ(service.name(), "acquisition");
  EXPECT_FALSE(service.running());
  ASSERT_TRUE(service.start());
  EXPECT_TRUE(service.running());
  EXPECT_EQ(meters(service), (std::vector<std::string>{"m1", "m2"}));
  const auto* first = service.simulator("sim");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(service.simulator("other"), nullptr);

  auto same = simulated(2);
  same.log.level = config::LogLevel::debug;  // not a bus change
  service.on_config_reloaded(same);
  EXPECT_EQ(service.simulator("sim"), first);

  service.on_config_reloaded(simulated(3));
  EXPECT_TRUE(service.running());
  EXPECT_EQ(meters(service), (std::vector<std::string>{"m1", "m2", "m3"}));

  bool done = false;
  service.async_stop([&] { done = true; });
  EXPECT_TRUE(done);
  EXPECT_FALSE(service.running());
  EXPECT_TRUE(service.snapshot().empty());
  // A reload while stopped is remembered for the next start, not started.
  service.on_config_reloaded(simulated(1));
  EXPECT_FALSE(service.running());
  ASSERT_TRUE(service.start());
  EXPECT_EQ(meters(service), std::vector<std::string>{"m1"});
}

TEST(AcquisitionService, NoBusesIsAValidIdleStart) {
  boost::asio::io_context io;
  const SystemClock clock;
  NullReadings readings;
  NullEvents events;
  AcquisitionService service(io, clock, readings, events, config::Config{});
  ASSERT_TRUE(service.start());
  EXPECT_TRUE(service.snapshot().empty());
}

TEST(AcquisitionService, ASimulatorThatCannotBeMadeFailsTheStartNamingTheBus) {
  boost::asio::io_context io;
  const SystemClock clock;
  NullReadings readings;
  NullEvents events;
  auto config = simulated(1);
  config.buses[0].simulator.link = "/nonexistent-dir-meterd/sim";
  AcquisitionService service(io, clock, readings, events, config);
  const auto started = service.start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message().find("bus sim: simulator"), std::string::npos)
      << started.error().message();
  EXPECT_FALSE(service.running());
}

}  // namespace
}  // namespace meterd::app
