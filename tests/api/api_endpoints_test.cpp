// tests/api/api_endpoints_test.cpp: every endpoint over a real socket against real sources,
// each JSON reply validated against docs/openapi.yaml; bad inputs get the right status and a
// JSON error.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "src/api/server.hpp"
#include "tests/api/api_fixture.hpp"
#include "tests/api/http_client.hpp"
#include "tests/api/openapi_check.hpp"

namespace meterd::api::testing {
namespace {

using nlohmann::json;

class ApiEndpoints : public ::testing::Test {
 protected:
  // GETs `target`, expects `status` and a JSON body valid against the document's `path`.
  json get_json(const std::string& target, const std::string& path, int status = 200) {
    auto reply = get(f_.port(), target);
    EXPECT_EQ(reply.status, status) << target << ": " << reply.body;
    EXPECT_EQ(reply.headers["content-type"], "application/json") << target;
    const json body = json::parse(reply.body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << target << ": " << reply.body;
    for (const auto& v : openapi_violations(path, status, body))
      ADD_FAILURE() << target << ": " << v;
    return body;
  }
  // Expects an error reply with `status` and error code `error`.
  void expect_error(const std::string& target, const std::string& path, int status,
                    const std::string& error) {
    const auto body = get_json(target, path, status);
    EXPECT_EQ(body.value("error", ""), error) << target << ": " << body.dump();
    EXPECT_FALSE(body.value("detail", "").empty()) << target;
  }
  std::string iso(UtcTime t) { return format_utc(t); }

  ApiFixture f_;
};

TEST_F(ApiEndpoints, HealthAndReady) {
  ASSERT_TRUE(f_.start_result()) << f_.start_result().error().message();
  const auto h = get_json("/api/v1/health", "/api/v1/health");
  EXPECT_EQ(h["status"], "ok");
  EXPECT_EQ(h["version"], "test");
  const auto r = get_json("/api/v1/ready", "/api/v1/ready");
  EXPECT_TRUE(r["ready"].get<bool>());
}

TEST_F(ApiEndpoints, MetersWithStateAndStatistics) {
  const auto body = get_json("/api/v1/meters", "/api/v1/meters");
  ASSERT_EQ(body["meters"].size(), 3u);
  EXPECT_EQ(body["meters"][0]["id"], "grid");
  EXPECT_EQ(body["meters"][0]["serial_number"], "SN1000");
  EXPECT_EQ(body["meters"][0]["bus"], "rs485-1");
  EXPECT_EQ(body["meters"][0]["protocol"], "modbus-rtu");
  EXPECT_TRUE(body["meters"][0]["online"].get<bool>());
  EXPECT_FALSE(body["meters"][2]["online"].get<bool>());
  EXPECT_EQ(body["meters"][2]["stats"]["timeouts"], 60);
  EXPECT_DOUBLE_EQ(body["meters"][1]["stats"]["latency_median_ms"].get<double>(), 41.0);
  const auto one = get_json("/api/v1/meters/pv", "/api/v1/meters/{id}");
  EXPECT_EQ(one["id"], "pv");
  expect_error("/api/v1/meters/nope", "/api/v1/meters/{id}", 404, "unknown_meter");
}

TEST_F(ApiEndpoints, LatestValuesCarryAgeQualityAndStaleness) {
  const auto grid = get_json("/api/v1/meters/grid/latest", "/api/v1/meters/{id}/latest");
  ASSERT_EQ(grid["values"].size(), 3u);
  const auto& power = grid["values"][0];  // ordered by OBIS: 1.7.0 < 1.8.0 < 32.7.0
  EXPECT_EQ(power["obis"], "1-1:1.7.0");
  EXPECT_DOUBLE_EQ(power["value"].get<double>(), power_of(0, 719));
  EXPECT_EQ(power["unit"], "W");
  EXPECT_EQ(power["quality"], "good");
  EXPECT_DOUBLE_EQ(power["age_s"].get<double>(), 0.0);
  EXPECT_FALSE(power["stale"].get<bool>());
  // heat-pump's last reading is 10 minutes old: > 3 x 10 s and > 3 x 60 s: every value stale.
  const auto hp = get_json("/api/v1/meters/heat-pump/latest", "/api/v1/meters/{id}/latest");
  ASSERT_EQ(hp["values"].size(), 3u);
  for (const auto& v : hp["values"]) {
    EXPECT_TRUE(v["stale"].get<bool>()) << v.dump();
    EXPECT_DOUBLE_EQ(v["age_s"].get<double>(), 600.0);
  }
  EXPECT_DOUBLE_EQ(hp["values"][1]["stale_after_s"].get<double>(), 180.0);  // energy: 3 x 60 s
  expect_error("/api/v1/meters/nope/latest", "/api/v1/meters/{id}/latest", 404, "unknown_meter");
}

TEST_F(ApiEndpoints, SeriesRawAndAggregated) {
  const std::string base = "/api/v1/meters/grid/series?obis=1-1:1.7.0";
  const std::string path = "/api/v1/meters/{id}/series";
  const auto raw = get_json(base, path);  // default: the last hour
  EXPECT_EQ(raw["aggregate"], "raw");
  EXPECT_EQ(raw["unit"], "W");
  ASSERT_EQ(raw["points"].size(), 360u);
  EXPECT_DOUBLE_EQ(raw["points"][359][1].get<double>(), power_of(0, 719));
  EXPECT_EQ(raw["points"][359][0], iso(f_.now()));
  // One point per minute: the average of 6 samples.
  const auto from = f_.now() - std::chrono::minutes(30);
  const auto avg =
      get_json(base + "&from=" + iso(from) + "&to=" + iso(f_.now()) + "&step=1m", path);
  EXPECT_EQ(avg["aggregate"], "avg");
  EXPECT_DOUBLE_EQ(avg["step_s"].get<double>(), 60.0);
  ASSERT_EQ(avg["points"].size(), 30u);
  // Sample i is at now - 2 h + 10 s (i + 1): those at from + 0 s .. from + 50 s are 539..544.
  double sum = 0;
  for (std::int64_t i = 539; i < 545; ++i) sum += power_of(0, i);
  EXPECT_NEAR(avg["points"][0][1].get<double>(), sum / 6, 1e-9);
  const auto mx = get_json(base + "&from=" + iso(from) + "&step=30m&aggregate=max", path);
  double best = 0;
  for (std::int64_t i = 539; i < 719; ++i) best = std::max(best, power_of(0, i));
  EXPECT_DOUBLE_EQ(mx["points"][0][1].get<double>(), best);
}

TEST_F(ApiEndpoints, SeriesBadInputs) {
  const std::string path = "/api/v1/meters/{id}/series";
  expect_error("/api/v1/meters/grid/series", path, 400, "missing_parameter");
  expect_error("/api/v1/meters/grid/series?obis=1-1:1.7", path, 400, "bad_obis");
  expect_error("/api/v1/meters/grid/series?obis=1-1:1.7.0&from=yesterday", path, 400,
               "bad_time_range");
  expect_error("/api/v1/meters/grid/series?obis=1-1:1.7.0&from=2026-13-01T00:00:00Z", path, 400,
               "bad_time_range");
  // A literal '+' in the query is a space once decoded: the message says to write %2B.
  const auto plus = get_json("/api/v1/meters/grid/series?obis=1-1:1.7.0&from=2026-11-01T00:00:00+01:00",
                             path, 400);
  EXPECT_NE(plus.value("detail", "").find("write +01:00 as %2B01:00"), std::string::npos)
      << plus.dump();
  expect_error("/api/v1/meters/grid/series?obis=1-1:1.7.0&from=" + iso(f_.now()) +
                   "&to=" + iso(f_.now() - std::chrono::hours(1)),
               path, 400, "bad_time_range");
  expect_error("/api/v1/meters/grid/series?obis=1-1:1.7.0&step=0s", path, 400, "bad_step");
  expect_error("/api/v1/meters/grid/series?obis=1-1:1.7.0&aggregate=median&step=1m", path, 400,
               "bad_aggregate");
  expect_error("/api/v1/meters/grid/series?obis=1-1:1.7.0&aggregate=avg", path, 400,
               "missing_parameter");
  // 1 s steps over 2 hours: 7200 points > the fixture's cap of 5000.
  expect_error("/api/v1/meters/grid/series?obis=1-1:1.7.0&step=1s&from=" +
                   iso(f_.now() - std::chrono::hours(2)),
               path, 400, "range_too_large");
  // Raw over 2 hours is 720 points; over 40 days the range itself is refused.
  expect_error("/api/v1/meters/grid/series?obis=1-1:1.7.0&from=" +
                   iso(f_.now() - std::chrono::hours(24 * 40)),
               path, 400, "range_too_large");
  expect_error("/api/v1/meters/grid/series?obis=1-1:2.8.0", path, 404, "unknown_obis");
  expect_error("/api/v1/meters/ghost/series?obis=1-1:1.7.0", path, 404, "unknown_meter");
}

TEST_F(ApiEndpoints, EventsStorageUplink) {
  const auto ev = get_json("/api/v1/events", "/api/v1/events");
  ASSERT_EQ(ev["events"].size(), 1u);
  EXPECT_EQ(ev["events"][0]["kind"], "meter_offline");
  EXPECT_EQ(ev["events"][0]["meter"], "heat-pump");
  EXPECT_EQ(ev["events"][0]["source"], "acquisition");
  const auto none =
      get_json("/api/v1/events?from=" + iso(f_.now() - std::chrono::minutes(5)), "/api/v1/events");
  EXPECT_TRUE(none["events"].empty());
  expect_error("/api/v1/events?to=nonsense", "/api/v1/events", 400, "bad_time_range");

  const auto st = get_json("/api/v1/storage", "/api/v1/storage");
  EXPECT_TRUE(st["available"].get<bool>());
  EXPECT_GT(st["size_bytes"].get<std::uint64_t>(), 0u);
  EXPECT_GT(st["chunks"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(st["chunks_pending_upload"], st["chunks"]);
  EXPECT_EQ(st["oldest"], iso(f_.now() - kHistory + kStep));
  EXPECT_EQ(st["newest"], iso(f_.now()));

  const auto up = get_json("/api/v1/uplink", "/api/v1/uplink");
  EXPECT_EQ(up["backlog_chunks"], 3);
  EXPECT_EQ(up["last_success"], iso(f_.now() - std::chrono::seconds(30)));
  EXPECT_TRUE(up["last_error_time"].is_null());
}

TEST_F(ApiEndpoints, CsvExport) {
  const auto from = f_.now() - std::chrono::minutes(1);
  auto reply = get(f_.port(), "/api/v1/export.csv?meter=grid,pv&from=" + iso(from) +
                                  "&to=" + iso(f_.now() + std::chrono::seconds(1)));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.headers["content-type"], "text/csv; charset=utf-8");
  EXPECT_NE(reply.headers["content-disposition"].find(".csv"), std::string::npos);
  EXPECT_EQ(reply.body.substr(0, reply.body.find("\r\n")),
            "time,meter,obis,value,unit,quality,time_sync");
  // 7 readings (from .. now inclusive of now) x 3 values x 2 meters + the header.
  EXPECT_EQ(std::count(reply.body.begin(), reply.body.end(), '\n'), 1 + 7 * 3 * 2);
  std::ostringstream line;
  line.precision(17);
  line << iso(f_.now()) << ",pv,1-1:1.7.0," << power_of(1, 719) << ",W,good,synchronized";
  EXPECT_NE(reply.body.find(line.str()), std::string::npos) << line.str();
  expect_error("/api/v1/export.csv?meter=ghost", "/api/v1/export.csv", 404, "unknown_meter");
  expect_error("/api/v1/export.csv?from=" + iso(f_.now() - std::chrono::hours(24 * 60)),
               "/api/v1/export.csv", 400, "range_too_large");
}

TEST_F(ApiEndpoints, MetricsExposition) {
  auto reply = get(f_.port(), "/metrics");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  const auto& m = reply.body;
  for (const char* line :
       {"meterd_polls_total{meter=\"grid\",result=\"ok\"} 720\n",
        "meterd_polls_total{meter=\"heat-pump\",result=\"failed\"} 60\n",
        "meterd_request_errors_total{meter=\"heat-pump\",kind=\"timeout\"} 60\n",
        "meterd_meter_online{meter=\"heat-pump\"} 0\n",
        "meterd_poll_latency_seconds{meter=\"grid\",quantile=\"0.99\"} 0.09\n",
        "meterd_uplink_backlog_chunks 3\n", "# TYPE process_cpu_seconds_total counter\n"}) {
    EXPECT_NE(m.find(line), std::string::npos) << line;
  }
  for (const char* name :
       {"meterd_store_size_bytes ", "meterd_store_chunks ", "process_resident_memory_bytes ",
        "process_open_fds ", "process_start_time_seconds "}) {
    EXPECT_NE(m.find(std::string{"\n"} + name), std::string::npos) << name;
  }
  // Every sample line is `name{labels} value` with a number.
  std::istringstream in(m);
  std::string l;
  while (std::getline(in, l)) {
    if (l.empty() || l[0] == '#') continue;
    const auto space = l.rfind(' ');
    ASSERT_NE(space, std::string::npos) << l;
    EXPECT_NO_THROW((void)std::stod(l.substr(space + 1))) << l;
  }
}

TEST_F(ApiEndpoints, UnknownPathAndMethod) {
  expect_error("/api/v1/nothing", "/api/v1/meters/{id}", 404, "not_found");
  auto reply = http_exchange(
      f_.port(), "DELETE /api/v1/meters HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(json::parse(reply.body)["error"], "method_not_allowed");
  const auto bad = http_exchange(
      f_.port(), "GET /api/v1/meters/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body)["error"], "bad_request");
}

}  // namespace
}  // namespace meterd::api::testing
