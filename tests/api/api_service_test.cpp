// tests/api/api_service_test.cpp: the API as a daemon Service over the real acquisition of two
// simulated B-Smart meters (in-process simulator on a pty): meters, fresh latest values with the
// configured poll interval, no store and no uplink shown as such; a port already in use aborts
// start-up naming it; `api.enabled: false` starts nothing; /api/v1/usages follows the `nilm`
// section (its virtual meter, step and UTC offset).
#include "src/app/api_service.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "src/app/acquisition_service.hpp"
#include "src/pipeline/reading_fanout.hpp"
#include "tests/api/http_client.hpp"
#include "tests/app/scoped_time_zone.hpp"

namespace meterd::app {
namespace {

using api::testing::get;
using nlohmann::json;

config::Config simulated(const std::string& api) {
  auto c = config::load_config_text(
               "time:\n  unsynchronized: mark\nbuses:\n  - id: sim\n    transport: simulator\n    "
               "baud: 38400\n    meters:\n"
               "      - { id: m1, address: 1 }\n      - { id: m2, address: 2 }\n" +
                   api,
               "t.yaml")
               .value();
  for (auto& l : c.api.listeners) l.port = 0;  // any free port (the file cannot say 0)
  return c;
}

class Daemonish {
 public:
  explicit Daemonish(const config::Config& c)
      : acquisition(io, clock, latest, events, c),
        api(io, clock, c,
            ApiInputs{[this] { return acquisition.snapshot(); }, &latest, &events, {}, nullptr},
            "t") {}
  Result<void> start() {
    std::promise<Result<void>> started;
    boost::asio::post(io, [&] {
      auto a = acquisition.start();
      started.set_value(a ? api.start() : a);
    });
    thread = std::thread([this] { io.run(); });
    return started.get_future().get();
  }
  ~Daemonish() {
    boost::asio::post(io, [this] {
      api.async_stop([] {});
      acquisition.async_stop([] {});
    });
    guard.reset();
    if (thread.joinable()) thread.join();
  }

  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  SystemClock clock;
  pipeline::LatestValues latest;
  pipeline::RecentEvents events;
  AcquisitionService acquisition;
  ApiService api;
  std::thread thread;
};

TEST(ApiService, ServesTheRunningAcquisition) {
  Daemonish d(simulated(""));
  ASSERT_TRUE(d.start());
  ASSERT_EQ(d.api.ports().size(), 1u);
  const auto port = d.api.ports()[0];
  for (int i = 0; i < 100 && !d.latest.meter("m2"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto meters = json::parse(get(port, "/api/v1/meters").body);
  ASSERT_EQ(meters["meters"].size(), 2u);
  EXPECT_EQ(meters["meters"][0]["id"], "m1");
  EXPECT_EQ(meters["meters"][0]["bus"], "sim");
  EXPECT_DOUBLE_EQ(meters["meters"][0]["poll_interval_s"].get<double>(), 1.0);
  const auto latest = json::parse(get(port, "/api/v1/meters/m2/latest").body);
  ASSERT_FALSE(latest["values"].empty()) << latest.dump();
  for (const auto& v : latest["values"]) {
    EXPECT_FALSE(v["stale"].get<bool>()) << v.dump();
    EXPECT_LT(v["age_s"].get<double>(), 3.0) << v.dump();
  }
  EXPECT_FALSE(json::parse(get(port, "/api/v1/storage").body)["available"].get<bool>());
  EXPECT_FALSE(json::parse(get(port, "/api/v1/uplink").body)["enabled"].get<bool>());
  const auto series = get(port, "/api/v1/meters/m1/series?obis=1-1:1.7.0");
  EXPECT_EQ(series.status, 503) << series.body;  // no store in this daemon: said, not faked
}

TEST(ApiService, PortInUseAbortsStartNamingIt) {
  Daemonish first(simulated(""));
  ASSERT_TRUE(first.start());
  auto c = simulated("");
  c.api.listeners[0].port = first.api.ports()[0];
  Daemonish second(c);
  const auto started = second.start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().detail.find("cannot listen on 127.0.0.1:" +
                                        std::to_string(first.api.ports()[0])),
            std::string::npos)
      << started.error().detail;
}

TEST(ApiService, DisabledStartsNothing) {
  Daemonish d(simulated("api:\n  enabled: false\n"));
  ASSERT_TRUE(d.start());
  EXPECT_TRUE(d.api.ports().empty());
}

// `nilm.utc_offset: local`: the API asks the box's time zone per request, at the time asked
// about (here Central European time: January and July differ by the summer hour).
TEST(ApiService, UsagesOnLocalTimeFollowTheTimeZone) {
  const test::ScopedTimeZone cet(test::kCentralEuropeanTime);  // before any thread
  auto c = simulated("nilm:\n  enabled: true\n  mains:\n    - { meter: m1 }\n");
  ASSERT_FALSE(c.nilm.utc_offset);  // local by default
  const UtcTime january{std::chrono::milliseconds{1'767'571'200'000}};  // 2026-01-05
  const UtcTime july{std::chrono::milliseconds{1'783'296'000'000}};     // 2026-07-06
  const auto u = usage_options(c.nilm, january);
  EXPECT_EQ(u.utc_offset, std::chrono::minutes(60));
  ASSERT_TRUE(u.local_offset);
  EXPECT_EQ(u.local_offset(january), std::chrono::minutes(60));
  EXPECT_EQ(u.local_offset(july), std::chrono::minutes(120));
}

TEST(ApiService, UsagesFollowTheNilmSection) {
  const std::string nilm =
      "nilm:\n  enabled: true\n  meter_id: split\n  step: 15min\n  utc_offset: \"-03:30\"\n"
      "  mains:\n    - { meter: m1 }\n  usages: [lighting, heating_elements]\n";
  const auto on = simulated(nilm);
  const auto u = usage_options(on.nilm, UtcTime{});
  EXPECT_EQ(u.meter_id, "split");
  EXPECT_EQ(u.present, (UsageSet{true, false, false, true, false, false, true}));
  EXPECT_EQ(u.step, std::chrono::minutes(15));
  EXPECT_EQ(u.utc_offset, std::chrono::minutes(-210));
  EXPECT_TRUE(usage_options(simulated("").nilm, UtcTime{}).meter_id.empty());
  EXPECT_FALSE(u.local_offset);  // a fixed offset

  Daemonish off_daemon(simulated(""));
  ASSERT_TRUE(off_daemon.start());
  const auto off = get(off_daemon.api.ports()[0], "/api/v1/usages");
  EXPECT_EQ(off.status, 404);
  EXPECT_EQ(json::parse(off.body)["error"], "nilm_disabled");
  Daemonish on_daemon(on);
  ASSERT_TRUE(on_daemon.start());
  const auto reply = get(on_daemon.api.ports()[0], "/api/v1/usages");
  EXPECT_EQ(reply.status, 503) << reply.body;  // NILM on, but no store to read it from: said
  EXPECT_EQ(json::parse(reply.body)["error"], "series_unavailable");
}

}  // namespace
}  // namespace meterd::app
