// tests/api/usages_endpoint_test.cpp: GET /api/v1/usages over a real socket and a real store file
// holding the NILM virtual meter's readings (usage_fixture.hpp), every reply validated against
// docs/openapi.yaml: the values are the stored ones, regrouped per 10 min, 1 h and 1 d on local
// time; gaps stay absent, a partial step says so, a broken step is skipped whole; categories sum
// to the total; bad parameters and NILM off give the documented errors.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "tests/api/api_fixture.hpp"
#include "tests/api/http_client.hpp"
#include "tests/api/openapi_check.hpp"

namespace meterd::api::testing {
namespace {

using nlohmann::json;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
constexpr std::int64_t kStepMs = 600'000;

// Expected sums over the engine steps with start in [from, to), as the fixture stored them.
struct Expected {
  double covered_s = 0;
  double total_wh = 0;
  std::array<double, kUsageCount> wh{};
  std::array<double, kUsageCount> conf_weighted{};
  std::size_t steps = 0;
};

Expected expected(UtcTime midnight, UtcTime now, UtcTime from, UtcTime to) {
  Expected x;
  const auto first = std::max(from, midnight - std::chrono::days(1));
  for (std::int64_t k = first.time_since_epoch().count() / kStepMs;
       k * kStepMs < to.time_since_epoch().count() &&
       (k + 1) * kStepMs <= now.time_since_epoch().count();
       ++k) {
    const auto plan = plan_of(milliseconds{k * kStepMs} - midnight.time_since_epoch());
    if (plan == StepPlan::absent || plan == StepPlan::broken) continue;
    const double covered = plan == StepPlan::partial ? kPartialCoveredS : 600.0;
    x.covered_s += covered;
    ++x.steps;
    for (const Usage u : kAllUsages) {
      const double e = usage_power(u, k) * covered / 3600.0;
      x.wh[index_of(u)] += e;
      x.total_wh += e;
      x.conf_weighted[index_of(u)] += usage_confidence(u, k) * e;
    }
  }
  return x;
}

class UsagesEndpoint : public ::testing::Test {
 protected:
  json get_json(const std::string& target, int status = 200) {
    auto reply = get(f_.port(), target);
    EXPECT_EQ(reply.status, status) << target << ": " << reply.body;
    const json body = json::parse(reply.body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << target << ": " << reply.body;
    for (const auto& v : openapi_violations("/api/v1/usages", status, body))
      ADD_FAILURE() << target << ": " << v;
    return body;
  }
  void expect_error(const std::string& target, int status, const std::string& error) {
    const auto body = get_json(target, status);
    EXPECT_EQ(body.value("error", ""), error) << target << ": " << body.dump();
    EXPECT_FALSE(body.value("detail", "").empty()) << target;
  }
  UtcTime midnight() const {
    return today_local_midnight(f_.now(), f_.options().usages.utc_offset);
  }
  // The categories add up to the total, and match `x` (energy, power, confidence).
  void expect_step(const json& s, const Expected& x, const std::string& what) {
    EXPECT_NEAR(s["covered_s"].get<double>(), x.covered_s, 1e-6) << what;
    EXPECT_NEAR(s["total"]["energy_wh"].get<double>(), x.total_wh, 1e-6) << what;
    EXPECT_NEAR(s["total"]["power_w"].get<double>(), x.total_wh * 3600 / x.covered_s, 1e-6) << what;
    double sum = 0;
    for (const Usage u : kAllUsages) {
      const auto& v = s["usages"][std::string{to_string(u)}];
      const auto i = index_of(u);
      sum += v["energy_wh"].get<double>();
      EXPECT_NEAR(v["energy_wh"].get<double>(), x.wh[i], 1e-6) << what << ' ' << to_string(u);
      EXPECT_NEAR(v["power_w"].get<double>(), x.wh[i] * 3600 / x.covered_s, 1e-6) << what;
      EXPECT_NEAR(v["confidence"].get<double>(), x.conf_weighted[i] / x.wh[i], 1e-9) << what;
    }
    EXPECT_NEAR(sum, s["total"]["energy_wh"].get<double>(), 1e-9) << what << ": closure";
  }

  ApiFixture f_{ApiFixture::nilm_options()};
};

TEST_F(UsagesEndpoint, TodayPerTenMinutesByDefault) {
  ASSERT_TRUE(f_.start_result());
  const auto body = get_json("/api/v1/usages");
  const auto m = midnight();
  EXPECT_EQ(body["meter"], "usages");
  EXPECT_EQ(body["from"], format_utc(m));
  EXPECT_EQ(body["to"], format_utc(f_.now() + milliseconds{1}));
  EXPECT_EQ(body["day_end"], format_utc(m + hours{24}));
  EXPECT_DOUBLE_EQ(body["step_s"].get<double>(), 600.0);
  EXPECT_DOUBLE_EQ(body["utc_offset_s"].get<double>(),
                   static_cast<double>(f_.options().usages.utc_offset.count()) * 60.0);
  ASSERT_EQ(body["categories"].size(), kUsageCount);
  EXPECT_EQ(body["categories"][2], "heat_cold_production");

  // One step per stored engine step since midnight but the gap (2) and the broken one (1).
  const auto completed = (f_.now() - m).count() / kStepMs;
  const auto& steps = body["steps"];
  ASSERT_EQ(static_cast<std::int64_t>(steps.size()), completed - 3);
  for (const auto& s : steps) {
    const auto start = parse_utc(s["start"].get<std::string>()).value();
    const auto plan = plan_of(start - m);
    EXPECT_TRUE(plan == StepPlan::full || plan == StepPlan::partial) << s["start"];
    EXPECT_EQ(s["end"], format_utc(start + minutes(10)));
    EXPECT_EQ(s["complete"].get<bool>(), plan == StepPlan::full) << s["start"];
    expect_step(s, expected(m, f_.now(), start, start + minutes(10)), s["start"]);
  }
  // The gap is absent, never zero-filled: 02:50 is followed by 03:20 (partial, 240 s).
  const auto at = [&](minutes local) {
    for (const auto& s : steps) {
      if (s["start"] == format_utc(m + local)) return s;
    }
    return json(nullptr);
  };
  EXPECT_FALSE(at(minutes(170)).is_null());
  EXPECT_TRUE(at(minutes(180)).is_null());
  EXPECT_TRUE(at(minutes(190)).is_null());
  EXPECT_DOUBLE_EQ(at(minutes(200))["covered_s"].get<double>(), kPartialCoveredS);
  EXPECT_TRUE(at(minutes(240)).is_null());  // broken: skipped whole
  // The partial step's power is its average over the covered 240 s: the stored power.
  const std::int64_t k200 = (m + minutes(200)).time_since_epoch().count() / kStepMs;
  EXPECT_NEAR(at(minutes(200))["usages"]["lighting"]["power_w"].get<double>(),
              usage_power(Usage::lighting, k200), 1e-9);

  // Totals over today: energy, share and confidence per category; skipped steps counted.
  const auto x = expected(m, f_.now(), m, f_.now());
  const auto& t = body["totals"];
  EXPECT_NEAR(t["energy_wh"].get<double>(), x.total_wh, 1e-6);
  EXPECT_NEAR(t["covered_s"].get<double>(), x.covered_s, 1e-6);
  EXPECT_EQ(t["engine_steps"].get<std::size_t>(), x.steps);
  EXPECT_EQ(t["skipped_steps"], 1);
  double shares = 0;
  for (const Usage u : kAllUsages) {
    const auto& v = t["usages"][std::string{to_string(u)}];
    EXPECT_NEAR(v["energy_wh"].get<double>(), x.wh[index_of(u)], 1e-6);
    EXPECT_NEAR(v["share"].get<double>(), x.wh[index_of(u)] / x.total_wh, 1e-12);
    EXPECT_NEAR(v["confidence"].get<double>(), x.conf_weighted[index_of(u)] / x.wh[index_of(u)],
                1e-9);
    shares += v["share"].get<double>();
  }
  EXPECT_NEAR(shares, 1.0, 1e-12);
}

// A range that cuts engine steps counts their parts inside it (their power taken as even), not
// the whole steps: 00:05 to 00:25 is half of 00:00, all of 00:10 and half of 00:20. The step
// that began before `from` is read too.
TEST_F(UsagesEndpoint, ARangeCuttingEngineStepsCountsTheirPartsInside) {
  ASSERT_TRUE(f_.start_result());
  const auto m = midnight();
  const auto body = get_json("/api/v1/usages?from=" + format_utc(m + minutes(5)) +
                             "&to=" + format_utc(m + minutes(25)));
  const auto x = [&](int local_min) {
    return expected(m, f_.now(), m + minutes(local_min), m + minutes(local_min + 10));
  };
  const auto& steps = body["steps"];
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0]["start"], format_utc(m + minutes(5)));
  EXPECT_EQ(steps[0]["end"], format_utc(m + minutes(10)));
  EXPECT_NEAR(steps[0]["covered_s"].get<double>(), 300.0, 1e-6);
  EXPECT_TRUE(steps[0]["complete"].get<bool>());
  EXPECT_NEAR(steps[0]["total"]["energy_wh"].get<double>(), x(0).total_wh / 2, 1e-6);
  EXPECT_NEAR(steps[1]["total"]["energy_wh"].get<double>(), x(10).total_wh, 1e-6);
  EXPECT_EQ(steps[2]["end"], format_utc(m + minutes(25)));
  EXPECT_NEAR(steps[2]["total"]["energy_wh"].get<double>(), x(20).total_wh / 2, 1e-6);
  EXPECT_NEAR(body["totals"]["covered_s"].get<double>(), 1200.0, 1e-6);
  EXPECT_NEAR(body["totals"]["energy_wh"].get<double>(),
              x(0).total_wh / 2 + x(10).total_wh + x(20).total_wh / 2, 1e-6);
}

// A nilm.step too fine for the range (1 s: 86,400 steps a day) does not make the default request
// fail: the default step becomes the first usual one within the cap of points.
TEST(UsagesEndpointFineStep, TheDefaultStepFitsTheCap) {
  ApiOptions o = ApiFixture::nilm_options();
  o.usages.step = std::chrono::seconds(1);
  ApiFixture f(o);
  ASSERT_TRUE(f.start_result());
  const auto reply = get(f.port(), "/api/v1/usages");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto body = json::parse(reply.body);
  EXPECT_TRUE(openapi_violations("/api/v1/usages", 200, body).empty());
  EXPECT_DOUBLE_EQ(body["step_s"].get<double>(), 60.0);  // at most 1,440 steps a day
  EXPECT_DOUBLE_EQ(body["engine_step_s"].get<double>(), 1.0);
}

// The virtual meter's readings are exported like a meter's, by name and with all meters.
TEST_F(UsagesEndpoint, TheVirtualMeterIsExported) {
  ASSERT_TRUE(f_.start_result());
  const auto m = midnight();
  const std::string range = "from=" + format_utc(m) + "&to=" + format_utc(m + minutes(30));
  for (const std::string& target : {"/api/v1/export.csv?meter=usages&" + range,
                                   "/api/v1/export.csv?" + range}) {
    const auto reply = get(f_.port(), target);
    ASSERT_EQ(reply.status, 200) << target << ": " << reply.body;
    std::size_t totals = 0;
    for (std::size_t at = reply.body.find(",usages,1-0:1.29.0,"); at != std::string::npos;
         at = reply.body.find(",usages,1-0:1.29.0,", at + 1))
      ++totals;
    EXPECT_EQ(totals, 3u) << target;  // 00:00, 00:10, 00:20
  }
}

TEST_F(UsagesEndpoint, HourAndDayStepsAlignOnLocalTime) {
  const auto m = midnight();
  const std::string range = "&from=" + format_utc(m - hours(24)) + "&to=" + format_utc(f_.now());
  const auto days = get_json("/api/v1/usages?step=1d" + range);
  EXPECT_DOUBLE_EQ(days["step_s"].get<double>(), 86'400.0);
  ASSERT_EQ(days["steps"].size(), 2u);
  const auto& yesterday = days["steps"][0];
  EXPECT_EQ(yesterday["start"], format_utc(m - hours(24)));
  EXPECT_EQ(yesterday["end"], format_utc(m));
  EXPECT_TRUE(yesterday["complete"].get<bool>());
  expect_step(yesterday, expected(m, f_.now(), m - hours(24), m), "yesterday");
  EXPECT_FALSE(days["steps"][1]["complete"].get<bool>());    // today: gap, partial, now
  EXPECT_EQ(days["steps"][1]["end"], format_utc(f_.now()));  // cut by `to`
  expect_step(days["steps"][1], expected(m, f_.now(), m, f_.now()), "today");

  // 1 h steps today: 03:00 holds 03:20 (240 s) and 03:30..03:50: 2040 s covered.
  const auto hourly =
      get_json("/api/v1/usages?step=1h&from=" + format_utc(m) + "&to=" + format_utc(m + hours(6)));
  ASSERT_EQ(hourly["steps"].size(), 6u);
  const auto& three = hourly["steps"][3];
  EXPECT_EQ(three["start"], format_utc(m + hours(3)));
  EXPECT_DOUBLE_EQ(three["covered_s"].get<double>(), 2040.0);
  EXPECT_FALSE(three["complete"].get<bool>());
  expect_step(three, expected(m, f_.now(), m + hours(3), m + hours(4)), "03:00");
  // 04:00 lost its broken 04:00 step: 3000 s.
  EXPECT_DOUBLE_EQ(hourly["steps"][4]["covered_s"].get<double>(), 3000.0);
  expect_step(hourly["steps"][5], expected(m, f_.now(), m + hours(5), m + hours(6)), "05:00");
  EXPECT_TRUE(hourly["steps"][5]["complete"].get<bool>());
  EXPECT_EQ(hourly["totals"]["skipped_steps"], 1);
}

TEST_F(UsagesEndpoint, ToAloneStartsAtThatDaysLocalMidnight) {
  const auto m = midnight();
  const auto body = get_json("/api/v1/usages?to=" + format_utc(m - hours(12)));
  EXPECT_EQ(body["from"], format_utc(m - hours(24)));
  ASSERT_EQ(body["steps"].size(), 72u);  // 00:00 to 12:00 yesterday, all stored
  expect_step(body["steps"][71], expected(m, f_.now(), m - minutes(730), m - minutes(720)),
              "11:50 yesterday");
  // `to` at a local midnight: the whole day before it.
  EXPECT_EQ(get_json("/api/v1/usages?to=" + format_utc(m))["from"], format_utc(m - hours(24)));
}

TEST_F(UsagesEndpoint, RangeWithoutDataHasNoStepsAndNoShares) {
  const auto from = f_.now() - hours(24 * 20);
  const auto body = get_json("/api/v1/usages?from=" + format_utc(from) +
                             "&to=" + format_utc(from + hours(24)) + "&step=1h");
  EXPECT_TRUE(body["steps"].empty());
  EXPECT_DOUBLE_EQ(body["totals"]["energy_wh"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(body["totals"]["covered_s"].get<double>(), 0.0);
  EXPECT_TRUE(body["totals"]["usages"]["lighting"]["share"].is_null());
  EXPECT_TRUE(body["totals"]["usages"]["lighting"]["confidence"].is_null());
}

TEST_F(UsagesEndpoint, BadParameters) {
  expect_error("/api/v1/usages?step=7min", 400, "bad_step");  // not a multiple of 10 min
  expect_error("/api/v1/usages?step=7h", 400, "bad_step");    // does not divide a day
  expect_error("/api/v1/usages?step=soon", 400, "bad_step");
  expect_error("/api/v1/usages?step=-1h", 400, "bad_step");
  expect_error("/api/v1/usages?from=yesterday", 400, "bad_time_range");
  expect_error("/api/v1/usages?to=2026-13-01T00:00:00Z", 400, "bad_time_range");
  expect_error(
      "/api/v1/usages?from=" + format_utc(f_.now()) + "&to=" + format_utc(f_.now() - hours(1)), 400,
      "bad_time_range");
  expect_error("/api/v1/usages?from=" + format_utc(f_.now() - hours(24 * 60)), 400,
               "range_too_large");
  // 20 days of 10 min steps: 2880 steps, within the cap of 5000 points.
  EXPECT_EQ(get(f_.port(), "/api/v1/usages?from=" + format_utc(f_.now() - hours(24 * 20))).status,
            200);
}

// A site without IT or ventilation (nilm.usages): the engine stores them at 0 Wh, the API does not
// list them, and the listed categories still add up to the total.
TEST(UsagesEndpointSiteUsages, AbsentUsagesAreNotListed) {
  ApiOptions o = ApiFixture::nilm_options();
  o.usages.present[index_of(Usage::it)] = false;
  o.usages.present[index_of(Usage::ventilation)] = false;
  ApiFixture f(o, o.usages.present);
  ASSERT_TRUE(f.start_result());
  const auto reply = get(f.port(), "/api/v1/usages?step=1h");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto body = json::parse(reply.body);
  EXPECT_TRUE(openapi_violations("/api/v1/usages", 200, body).empty());
  EXPECT_EQ(body["categories"], json({"lighting", "heat_cold_production", "heating_elements",
                                      "hvac_auxiliaries", "other"}));
  ASSERT_FALSE(body["steps"].empty());
  for (const auto& s : body["steps"]) {
    EXPECT_EQ(s["usages"].size(), 5u) << s["start"];
    EXPECT_FALSE(s["usages"].contains("it"));
    double sum = 0;
    for (const auto& [name, v] : s["usages"].items()) sum += v["energy_wh"].get<double>();
    EXPECT_NEAR(sum, s["total"]["energy_wh"].get<double>(), 1e-6) << s["start"] << ": closure";
  }
  EXPECT_EQ(body["totals"]["usages"].size(), 5u);
  EXPECT_FALSE(body["totals"]["usages"].contains("ventilation"));
}

// A usage removed from nilm.usages after the engine estimated it: the range still holds its
// energy, so it stays listed (dropping it would break closure over that range).
TEST(UsagesEndpointSiteUsages, AbsentUsageWithStoredEnergyStaysListed) {
  ApiOptions o = ApiFixture::nilm_options();
  o.usages.present[index_of(Usage::it)] = false;
  ApiFixture f(o);  // every usage stored with energy
  ASSERT_TRUE(f.start_result());
  const auto body = json::parse(get(f.port(), "/api/v1/usages").body);
  ASSERT_EQ(body["categories"].size(), kUsageCount);
  EXPECT_EQ(body["categories"][1], "it");
  EXPECT_GT(body["totals"]["usages"]["it"]["energy_wh"].get<double>(), 0.0);
}

// `nilm.utc_offset: local`: each request takes the offset in force at the end of its range (the
// box's time zone, here a function: an hour ahead since `ago`, a daylight-saving change), not the
// one the daemon started with.
class UsagesEndpointLocalTime : public ::testing::Test {
 protected:
  void start(std::chrono::seconds ago) {
    ApiOptions o = ApiFixture::nilm_options();
    winter_ = o.usages.utc_offset;
    summer_ = winter_ + minutes{60};
    changed_at_ = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - ago;
    o.usages.local_offset = [winter = winter_, summer = summer_, at = changed_at_](UtcTime t) {
      return t < at ? winter : summer;
    };
    f_ = std::make_unique<ApiFixture>(o);
    ASSERT_TRUE(f_->start_result());
  }
  json get_json(const std::string& target) {
    const auto body = json::parse(get(f_->port(), target).body);
    EXPECT_TRUE(openapi_violations("/api/v1/usages", 200, body).empty()) << target;
    return body;
  }
  minutes winter_{};
  minutes summer_{};
  UtcTime changed_at_{};
  std::unique_ptr<ApiFixture> f_;
};

TEST_F(UsagesEndpointLocalTime, TheOffsetIsTheOneInForceAtTheEndOfTheRange) {
  start(hours{6});
  const auto today = get_json("/api/v1/usages");
  EXPECT_DOUBLE_EQ(today["utc_offset_s"].get<double>(), summer_.count() * 60.0);
  // Today began on the winter offset (the change came at about 06:00): its midnight is the
  // winter one, an hour after the summer offset's (Paris, 2026-03-29: 23:00Z, not 22:00Z).
  EXPECT_EQ(today["from"], format_utc(today_local_midnight(f_->now(), winter_)));
  // Today ends at the summer offset's midnight: a 23 h day (the page's axis).
  EXPECT_EQ(today["day_end"],
            format_utc(today_local_midnight(f_->now(), winter_) + hours{23}));
  // A range that ends before the change: days on the winter offset.
  const UtcTime to = changed_at_ - hours{1};
  const UtcTime from = today_local_midnight(to, winter_) - std::chrono::days{1};
  const auto before =
      get_json("/api/v1/usages?from=" + format_utc(from) + "&to=" + format_utc(to) + "&step=1d");
  EXPECT_DOUBLE_EQ(before["utc_offset_s"].get<double>(), winter_.count() * 60.0);
  ASSERT_FALSE(before["steps"].empty());
  EXPECT_EQ(before["steps"][0]["start"], format_utc(from));  // a local midnight of that offset
}

// A change two days ago: today is a summer day from its midnight.
TEST_F(UsagesEndpointLocalTime, ADayAfterTheChangeBeginsAtItsOwnMidnight) {
  start(hours{48});
  const auto today = get_json("/api/v1/usages");
  EXPECT_DOUBLE_EQ(today["utc_offset_s"].get<double>(), summer_.count() * 60.0);
  EXPECT_EQ(today["from"], format_utc(today_local_midnight(f_->now(), summer_)));
}

// The change yesterday at noon (winter midnight): yesterday is 23 h, from its own winter
// midnight to today's summer one; a range that starts before it is not cut on today's offset.
TEST_F(UsagesEndpointLocalTime, DaysBeforeTheChangeKeepTheirOwnMidnights) {
  const auto winter = ApiFixture::nilm_options().usages.utc_offset;
  const UtcTime now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  // The fixture's data begin a day before this winter midnight.
  const UtcTime midnight = today_local_midnight(now, winter);
  start(std::chrono::duration_cast<std::chrono::seconds>(now - (midnight - hours{12})));
  const UtcTime today = midnight - hours{1};  // today's midnight on the summer offset
  EXPECT_EQ(get_json("/api/v1/usages")["from"], format_utc(today));
  const auto days = get_json("/api/v1/usages?step=1d&from=" + format_utc(midnight - hours{30}) +
                             "&to=" + format_utc(f_->now()));
  ASSERT_EQ(days["steps"].size(), 2u);
  EXPECT_EQ(days["steps"][0]["start"], format_utc(midnight - hours{24}));  // not 25 h before
  EXPECT_EQ(days["steps"][0]["end"], format_utc(today));
  EXPECT_EQ(days["steps"][1]["start"], format_utc(today));
  // 10-min and hourly steps are the same grid on either offset.
  const auto hourly = get_json("/api/v1/usages?step=1h&from=" + format_utc(midnight - hours{24}) +
                               "&to=" + format_utc(midnight - hours{20}));
  ASSERT_FALSE(hourly["steps"].empty());
  EXPECT_EQ(hourly["steps"][0]["start"], format_utc(midnight - hours{24}));
  EXPECT_EQ(hourly["steps"][0]["end"], format_utc(midnight - hours{23}));
}

TEST(UsagesEndpointNilmOff, AnswersNotFoundNilmDisabled) {
  ApiFixture f;  // test_options(): no virtual meter
  ASSERT_TRUE(f.start_result());
  auto reply = get(f.port(), "/api/v1/usages");
  EXPECT_EQ(reply.status, 404);
  const auto body = json::parse(reply.body);
  EXPECT_EQ(body["error"], "nilm_disabled");
  EXPECT_NE(body["detail"].get<std::string>().find("nilm"), std::string::npos);
  EXPECT_TRUE(openapi_violations("/api/v1/usages", 404, body).empty());
}

}  // namespace
}  // namespace meterd::api::testing
