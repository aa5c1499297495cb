// NilmService over the real engine and a real store file: mains readings in, virtual-meter
// readings out (stamped with the step's start, every OBIS code of meterd/usage.hpp, categories
// adding up to the total), switching events out as load_switch events, phases of two meters
// assembled by holding the last value, a silent mains closed as gaps by the timer (no reading,
// no energy), the virtual meter's own readings ignored, the learned model saved into the store at
// stop and loaded at the next start (a malformed one is replaced by a fresh model), a reload
// that restarts the engine only when the nilm section changed, and local time that follows the
// time zone across a daylight-saving change (`local`) or stays fixed.
#include "src/app/nilm_service.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <chrono>
#include <cmath>
#include <memory>
#include <numeric>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/app/scoped_time_zone.hpp"
#include "tests/app/temp_dir.hpp"

namespace meterd::app {
namespace {

using namespace std::chrono_literals;
using test::kCentralEuropeanTime;
using test::ScopedTimeZone;
using test::TempDir;

constexpr std::int64_t kT0 = 1'763'700'000'000;  // 2025-11-21T04:40:00Z, a minute boundary
const ObisCode kP{1, 1, 16, 7, 0};
const ObisCode kQ{1, 1, 131, 7, 0};

UtcTime at(std::int64_t ms) { return UtcTime{std::chrono::milliseconds{ms}}; }
std::int64_t ms_since(UtcTime t) { return t.time_since_epoch().count() - kT0; }

struct Collect final : ReadingSink, EventSink {
  void publish(const Reading& r) override { readings.push_back(r); }
  void publish(const Event& e) override { events.push_back(e); }
  std::vector<Reading> readings;
  std::vector<Event> events;
};

// Two simulated meters; NILM on m1 (one phase, P and Q), a sub-meter on m2's CT2.
constexpr char kConfig[] = R"(buses:
  - id: sim
    transport: simulator
    meters:
      - {id: m1, address: 1}
      - {id: m2, address: 2}
nilm:
  enabled: true
  mains:
    - {meter: m1, power: 1-1:16.7.0, reactive: 1-1:131.7.0}
  submeters:
    - {name: boiler, meter: m2, power: 1-2:16.7.0, usage: heating_elements, complete: true}
  step: 1min
  max_lag: 10s
  max_gap: 5s
  utc_offset: "+01:00"
)";

Reading mains(std::int64_t t_ms, double p, double q, const std::string& meter = "m1") {
  return {meter, at(t_ms), TimeSync::synchronized,
          {{kP, p, Unit::watt, Quality::good}, {kQ, q, Unit::var, Quality::good}}};
}

Reading boiler(std::int64_t t_ms, double p) {
  return {"m2", at(t_ms), TimeSync::synchronized,
          {{ObisCode{1, 2, 16, 7, 0}, p, Unit::watt, Quality::good}}};
}

class NilmServiceTest : public ::testing::Test {
 protected:
  NilmServiceTest() : clock_(at(kT0)) {
    auto c = config::load_config_text(kConfig, "nilm.yaml");
    EXPECT_TRUE(c) << c.error().to_string();
    config_ = *c;
    store::StoreOptions options;
    options.path = dir_.path() / "store.db";
    store::KeyBytes key{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(7 * i + 1);
    auto s = store::Store::open(options, clock_, store::KeyStore::from_keys({key}).value());
    EXPECT_TRUE(s) << s.error().message();
    store_ = std::move(*s);
  }

  std::unique_ptr<NilmService> make_service() {
    return std::make_unique<NilmService>(
        io_, clock_, config_, NilmOutputs{out_, out_, [this] { return store_.get(); }});
  }

  // Stops `service` and runs the loop until it says it is done.
  void stop(NilmService& service) {
    bool done = false;
    service.async_stop([&] { boost::asio::post(io_, [&] { done = true; }); });
    while (!done) {
      io_.restart();  // run_for() leaves it stopped once out of work
      io_.run_for(10ms);
    }
  }

  // Two minutes at 1 Hz: 1000 W, then 3000 W from 30 s into the second minute; a 400 W boiler.
  static void publish_two_minutes(NilmService& service) {
    for (std::int64_t i = 0; i <= 120; ++i) {
      const std::int64_t t = kT0 + i * 1000;
      service.publish(boiler(t - 40, 400.0));
      service.publish(mains(t, i < 90 ? 1000.0 : 3000.0, i < 90 ? 100.0 : 1500.0));
    }
  }

  // Readings of the virtual meter published so far, by step start.
  std::vector<Reading> steps() const {
    std::vector<Reading> v;
    for (const auto& r : out_.readings) {
      if (r.meter_id == "usages") v.push_back(r);
    }
    return v;
  }

  static double value(const Reading& r, const ObisCode& obis) {
    const Value* v = r.find(obis);
    EXPECT_NE(v, nullptr) << obis.to_string();
    return v == nullptr ? NAN : v->value;
  }

  TempDir dir_;
  ManualClock clock_;
  config::Config config_;
  std::unique_ptr<store::Store> store_;
  boost::asio::io_context io_;
  Collect out_;
};

TEST_F(NilmServiceTest, StepsOfTheVirtualMeterAddUpToTheMeasuredTotal) {
  auto service = make_service();
  ASSERT_TRUE(service->start());
  publish_two_minutes(*service);
  const auto published = steps();
  ASSERT_EQ(published.size(), 2u);
  const double expected_wh[] = {1000.0 * 60 / 3600, (1000.0 * 30 + 3000.0 * 30) / 3600};
  for (std::size_t k = 0; k < 2; ++k) {
    SCOPED_TRACE(k);
    const Reading& r = published[k];
    EXPECT_EQ(r.time, at(kT0 + static_cast<std::int64_t>(k) * 60'000));  // the step's start
    EXPECT_EQ(r.time_sync, TimeSync::synchronized);
    EXPECT_EQ(r.values.size(), 3 + 3 * kUsageCount);
    EXPECT_EQ(value(r, kStepLengthObis), 60.0);  // nilm.step 1min
    const double total = value(r, kTotalEnergyObis);
    EXPECT_NEAR(total, expected_wh[k], 1e-6);
    EXPECT_NEAR(value(r, kTotalPowerObis), expected_wh[k] * 60, 1e-6);  // W over 60 s
    EXPECT_EQ(r.find(kTotalEnergyObis)->quality, Quality::good);
    double sum = 0.0;
    for (const Usage u : kAllUsages) {
      sum += value(r, usage_energy_obis(u));
      EXPECT_EQ(r.find(usage_energy_obis(u))->quality, Quality::estimated);
      EXPECT_EQ(r.find(usage_power_obis(u))->unit, Unit::watt);
      const double c = value(r, usage_confidence_obis(u));
      EXPECT_GE(c, 0.0);
      EXPECT_LE(c, 1.0);
    }
    EXPECT_NEAR(sum, total, 1e-9 * total);
    // The complete sub-meter measures its category while it reports.
    EXPECT_NEAR(value(r, usage_energy_obis(Usage::heating_elements)), 400.0 * 60 / 3600, 0.2);
  }
  // The switch from 1000 W to 3000 W is an event of the virtual meter on the mains' bus.
  ASSERT_EQ(out_.events.size(), 1u);
  const Event& e = out_.events[0];
  EXPECT_EQ(e.kind, EventKind::load_switch);
  EXPECT_EQ(e.bus, "sim");
  EXPECT_EQ(e.meter_id, "usages");
  EXPECT_NEAR(static_cast<double>(ms_since(e.time)), 90'000.0, 3'000.0);
  EXPECT_TRUE(std::regex_match(
      e.detail, std::regex(R"(phase L1 dP=\+(19|20)[0-9]{2} W dQ=\+1[34][0-9]{2} var cluster )"
                           R"((none|[0-9]+) [a-z_]+)")))
      << e.detail;
  stop(*service);
}

// A sub-meter above the mains (a wrong CT ratio) is scaled down to the mains and logged as a
// warning, at most once an hour of steps: 3 one-minute steps give one line.
TEST_F(NilmServiceTest, ASubmeterAboveTheMainsIsLoggedOnceAnHour) {
  std::ostringstream log_text;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text);
  sink->set_pattern("%l %v");
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("nilm-over-mains", sink));
  auto service = make_service();
  ASSERT_TRUE(service->start());
  for (std::int64_t i = 0; i <= 180; ++i) {
    const std::int64_t t = kT0 + i * 1000;
    service->publish(boiler(t - 40, 4000.0));
    service->publish(mains(t, 1000.0, 100.0));
  }
  stop(*service);
  spdlog::set_default_logger(previous);
  const std::string text = log_text.str();
  std::size_t lines = 0;
  for (auto at = text.find("the sub-meters measured more than the mains"); at != std::string::npos;
       at = text.find("the sub-meters measured more than the mains", at + 1))
    ++lines;
  EXPECT_EQ(lines, 1u) << text;
  EXPECT_TRUE(std::regex_search(
      text, std::regex(R"(warning nilm: the sub-meters measured more than the mains in 6[0-2] )"
                       R"(sample\(s\) since start)")))
      << text;  // the first step's minute, give or take the sample that closes it
  EXPECT_NE(text.find("181 samples with the sub-meters above the mains"), std::string::npos) << text;
  const auto published = steps();
  ASSERT_GE(published.size(), 3u);
  EXPECT_NEAR(value(published[0], usage_energy_obis(Usage::heating_elements)),
              value(published[0], kTotalEnergyObis), 1e-6);
}

// nilm.usages: a site with the boiler's usage only. The engine gets it as EngineConfig::present;
// every other usage is published as 0 Wh and `other` is the total minus the boiler.
TEST_F(NilmServiceTest, UsagesTheSiteLacksArePublishedAsZero) {
  config_.nilm.usages = {};
  config_.nilm.usages[index_of(Usage::heating_elements)] = true;
  config_.nilm.usages[index_of(Usage::other)] = true;
  const auto offset = config::effective_utc_offset(config_.nilm, clock_.utc_now());
  EXPECT_EQ(engine_config(config_.nilm, offset).present, config_.nilm.usages);
  auto service = make_service();
  ASSERT_TRUE(service->start());
  publish_two_minutes(*service);
  const auto published = steps();
  ASSERT_EQ(published.size(), 2u);
  for (const Reading& r : published) {
    for (const Usage u : kAllUsages) {
      if (u == Usage::heating_elements || u == Usage::other) continue;
      EXPECT_EQ(value(r, usage_energy_obis(u)), 0.0) << to_string(u);
      EXPECT_EQ(value(r, usage_power_obis(u)), 0.0) << to_string(u);
    }
    EXPECT_NEAR(value(r, usage_energy_obis(Usage::other)),
                value(r, kTotalEnergyObis) - value(r, usage_energy_obis(Usage::heating_elements)),
                1e-9);
  }
  stop(*service);
}

TEST_F(NilmServiceTest, PhasesOfTwoMetersAreHeldAndSummed) {
  config_.nilm.mains = {{"m1", kP, std::nullopt}, {"m2", kP, std::nullopt}};
  config_.nilm.submeters.clear();
  auto service = make_service();
  ASSERT_TRUE(service->start());
  // m2 answers 30 ms after m1 in every cycle, and the same millisecond once (i = 10).
  for (std::int64_t i = 0; i <= 60; ++i) {
    const std::int64_t t = kT0 + i * 1000;
    service->publish(mains(t, 500.0, 0.0, "m1"));
    service->publish(mains(i == 10 ? t : t + 30, 700.0, 0.0, "m2"));
  }
  ASSERT_EQ(steps().size(), 1u);
  // Before m2's first reading only L1 is known: no total, no energy for those 30 ms.
  EXPECT_NEAR(value(steps()[0], kTotalPowerObis), 1200.0, 1e-6);
  EXPECT_NEAR(value(steps()[0], kTotalEnergyObis), 1200.0 * (60.0 - 0.03) / 3600, 1e-3);
  EXPECT_EQ(service->stats()->dropped_samples, 1u);  // m1 alone at kT0
  stop(*service);
}

TEST_F(NilmServiceTest, SilentMainsIsClosedAsAGapByTheTimer) {
  auto service = make_service();
  ASSERT_TRUE(service->start());
  for (std::int64_t i = 0; i < 30; ++i) service->publish(mains(kT0 + i * 1000, 1000.0, 0.0));
  EXPECT_TRUE(steps().empty());
  // The meter falls silent; five minutes later the 1 s timer tells the engine the time.
  clock_.advance(5min);
  io_.run_for(kNilmTick + 500ms);
  const auto published = steps();
  ASSERT_EQ(published.size(), 1u) << "only the step with data is published";
  EXPECT_EQ(published[0].time, at(kT0));
  // 30 samples held 1 s each: 30 s of 1000 W, nothing made up for the silence.
  EXPECT_NEAR(value(published[0], kTotalEnergyObis), 1000.0 * 30 / 3600, 1e-6);
  EXPECT_NEAR(value(published[0], kTotalPowerObis), 1000.0, 1e-6);
  ASSERT_TRUE(service->stats());
  EXPECT_EQ(service->stats()->gaps, 1u);
  EXPECT_GE(service->stats()->steps, 4u);  // the empty steps were closed too
  stop(*service);
}

// The fixture with the box in Central European time, set before the fixture's store thread
// starts and restored after it stopped (ScopedTimeZone).
struct CentralEuropeanBox {
  ScopedTimeZone tz{kCentralEuropeanTime};
};
class NilmServiceLocalTime : public CentralEuropeanBox, public NilmServiceTest {};

TEST_F(NilmServiceLocalTime, FollowsTheTimeZoneAcrossADaylightSavingChange) {
  // Summer time from 2026-03-29T01:00:00Z (02:00 CET -> 03:00 CEST).
  constexpr std::int64_t kSummer = 1'774'746'000'000;
  config_.nilm.utc_offset.reset();  // `local`
  clock_.step_utc(std::chrono::milliseconds{kSummer - 30 * 60'000 - kT0});
  auto service = make_service();
  ASSERT_TRUE(service->start());
  EXPECT_EQ(service->utc_offset(), 60min);
  // Mains at 1 Hz from 00:58 to 01:03 UTC: the engine's local time moves at 01:00:00 exactly.
  for (std::int64_t t = kSummer - 120'000; t < kSummer + 180'000; t += 1000) {
    service->publish(mains(t, 1000.0, 0.0));
    EXPECT_EQ(service->utc_offset(), t < kSummer ? 60min : 120min) << t - kSummer;
  }
  stop(*service);
  // Every minute published once and whole across the change (the grid's own test, with a change
  // that is not a whole number of steps: tests/nilm/engine_local_time_test.cpp).
  const auto published = steps();
  ASSERT_EQ(published.size(), 5u);
  for (std::size_t i = 0; i < published.size(); ++i) {
    EXPECT_EQ(published[i].time, at(kSummer - 120'000 + static_cast<std::int64_t>(i) * 60'000));
    EXPECT_NEAR(value(published[i], kTotalEnergyObis), 1000.0 / 60.0, 1e-6);
  }
}

TEST_F(NilmServiceLocalTime, AFixedOffsetStaysFixed) {
  constexpr std::int64_t kSummer = 1'774'746'000'000;
  auto service = make_service();  // utc_offset: "+01:00"
  ASSERT_TRUE(service->start());
  for (std::int64_t t = kSummer - 5000; t < kSummer + 5000; t += 1000)
    service->publish(mains(t, 1000.0, 0.0));
  EXPECT_EQ(service->utc_offset(), 60min);
  stop(*service);
}

TEST_F(NilmServiceTest, IgnoresTheVirtualMetersOwnAndOtherReadings) {
  auto service = make_service();
  ASSERT_TRUE(service->start());
  service->publish(mains(kT0, 1000.0, 0.0));
  Reading own{"usages", at(kT0 + 500), TimeSync::synchronized,
              {{kTotalPowerObis, 5.0, Unit::watt, Quality::good}, {kP, 9.0, Unit::watt,
                                                                   Quality::good}}};
  service->publish(own);
  service->publish(mains(kT0 + 600, 1.0, 0.0, "m3"));
  // A reading of m1 without the power (its energy registers) is not a mains sample.
  service->publish({"m1", at(kT0 + 700), TimeSync::synchronized,
                    {{ObisCode{1, 1, 1, 8, 0}, 1e6, Unit::watt_hour, Quality::good}}});
  EXPECT_EQ(service->stats()->mains_samples, 1u);
  EXPECT_EQ(service->stats()->dropped_samples, 0u);
  stop(*service);
}

TEST_F(NilmServiceTest, ModelIsSavedAtStopAndLoadedAtTheNextStart) {
  std::string saved;
  {
    auto service = make_service();
    ASSERT_TRUE(service->start());
    for (std::int64_t i = 0; i < 600; ++i) {
      const std::int64_t t = kT0 + i * 1000;
      service->publish(boiler(t - 40, i % 100 < 50 ? 2000.0 : 0.0));
      service->publish(mains(t, 500.0 + (i % 100 < 50 ? 2000.0 : 0.0), 50.0));
    }
    stop(*service);
    const auto state = store_->load_state(std::string(kNilmModelState));
    ASSERT_TRUE(state) << state.error().message();
    ASSERT_TRUE(*state);
    saved = **state;
  }
  const auto offset = config::effective_utc_offset(config_.nilm, clock_.utc_now());
  const std::string fresh = nilm::Engine(engine_config(config_.nilm, offset)).save_model();
  ASSERT_NE(saved, fresh) << "the model learned nothing from the complete sub-meter";
  // Restart: the model comes back from the store, and goes back unchanged at stop.
  auto service = make_service();
  ASSERT_TRUE(service->start());
  stop(*service);
  EXPECT_EQ(store_->load_state(std::string(kNilmModelState)).value().value(), saved);
}

TEST_F(NilmServiceTest, MalformedSavedModelIsReplacedByAFreshOne) {
  ASSERT_TRUE(store_->save_state(std::string(kNilmModelState), "{\"not\": \"a model\"}"));
  auto service = make_service();
  ASSERT_TRUE(service->start());
  service->publish(mains(kT0, 1000.0, 0.0));
  EXPECT_EQ(service->stats()->mains_samples, 1u);
  stop(*service);
  // What was saved at stop is a model again (the fresh engine's, which learned only the base
  // load of the priors from one sample: no cluster), not the garbage it found.
  const std::string saved = store_->load_state(std::string(kNilmModelState)).value().value();
  const auto offset = config::effective_utc_offset(config_.nilm, clock_.utc_now());
  nilm::Engine probe(engine_config(config_.nilm, offset));
  EXPECT_TRUE(probe.load_model(saved)) << saved.substr(0, 200);
  EXPECT_NE(saved.find("\"clusters\":[]"), std::string::npos);
}

TEST_F(NilmServiceTest, ReloadRestartsTheEngineOnlyWhenTheSectionChanged) {
  auto service = make_service();
  ASSERT_TRUE(service->start());
  for (std::int64_t i = 0; i < 30; ++i) service->publish(mains(kT0 + i * 1000, 1000.0, 0.0));
  config::Config same = config_;
  same.log.level = config::LogLevel::debug;
  service->on_config_reloaded(same);
  EXPECT_EQ(service->stats()->mains_samples, 30u) << "nothing restarted";
  EXPECT_TRUE(steps().empty());

  config::Config changed = config_;
  changed.nilm.step = 2min;
  service->on_config_reloaded(changed);
  // The open step was closed and published with what it had; a new engine counts afresh.
  ASSERT_EQ(steps().size(), 1u);
  EXPECT_NEAR(value(steps()[0], kTotalEnergyObis), 1000.0 * 30 / 3600, 1e-6);
  EXPECT_EQ(service->stats()->mains_samples, 0u);
  service->publish(mains(kT0 + 30'000, 1000.0, 0.0));
  EXPECT_EQ(service->stats()->mains_samples, 1u);

  changed.nilm.enabled = false;
  service->on_config_reloaded(changed);
  EXPECT_FALSE(service->stats());
  stop(*service);
  // The model went to the store when the engine was rebuilt and when it stopped.
  EXPECT_TRUE(store_->load_state(std::string(kNilmModelState)).value());
}

TEST_F(NilmServiceTest, OffWhenDisabled) {
  config_.nilm.enabled = false;
  auto service = make_service();
  ASSERT_TRUE(service->start());
  service->publish(mains(kT0, 1000.0, 0.0));
  EXPECT_FALSE(service->stats());
  stop(*service);
  EXPECT_FALSE(store_->load_state(std::string(kNilmModelState)).value());
}

}  // namespace
}  // namespace meterd::app
