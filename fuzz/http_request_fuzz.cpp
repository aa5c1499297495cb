// libFuzzer target: raw bytes as an HTTP/1.1 request, through what the API server does with
// them (src/api/connection.cpp): Beast's request parser with the server's header and body
// limits, our target decoding (parse_target: path, query, percent escapes) and the API's routing
// and parameter parsing (time ranges, steps, aggregates, OBIS codes, meter ids). The data
// sources are small in-memory fixtures: the handlers, not the store, are under test here.
// Must never crash, leak or throw; every request ends in a response with a status.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "meterd/clock.hpp"
#include "meterd/data_sources.hpp"
#include "src/api/api.hpp"
#include "src/api/http_types.hpp"

namespace {

using namespace std::chrono_literals;
using meterd::UtcTime;

const UtcTime kNow{std::chrono::sys_days{std::chrono::year{2026} / 11 / 21} + 8h};

class Meters final : public meterd::MeterStatusSource {
 public:
  std::vector<meterd::MeterEntry> meters() const override {
    meterd::MeterEntry m;
    m.status.meter_id = "office-1";
    m.status.bus = "sim";
    m.status.protocol = "modbus-rtu";
    m.status.online = true;
    m.status.serial_number = "BS000000000001";
    m.status.last_success = kNow - 1s;
    return {m};
  }
};

class Latest final : public meterd::LatestSource {
 public:
  std::optional<std::vector<meterd::LatestSample>> latest(std::string_view id) const override {
    if (id != "office-1") return std::nullopt;
    return std::vector<meterd::LatestSample>{
        {meterd::ObisCode(1, 1, 16, 7, 0), 1234.5, meterd::Unit::watt, meterd::Quality::good,
         kNow - 2s},
        {meterd::ObisCode(1, 1, 32, 7, 0), NAN, meterd::Unit::volt, meterd::Quality::timeout,
         kNow - 10min}};
  }
};

class Series final : public meterd::SeriesSource {
 public:
  meterd::Result<std::vector<meterd::SeriesSample>> series(
      const meterd::SeriesQuery& q) const override {
    if (q.meter_id != "office-1") return meterd::Error{meterd::Errc::not_found, "no such meter"};
    std::vector<meterd::SeriesSample> out;
    for (int i = 0; i < 3; ++i) out.push_back({q.from + std::chrono::seconds(i), 100.0 * i});
    return out;
  }
  meterd::Result<std::vector<meterd::Reading>> readings(const std::string& id, UtcTime from,
                                                        UtcTime) const override {
    if (id != "office-1") return meterd::Error{meterd::Errc::not_found, "no such meter"};
    meterd::Reading r;
    r.meter_id = id;
    r.time = from;
    r.values.push_back({meterd::ObisCode(1, 1, 16, 7, 0), 42.0, meterd::Unit::watt});
    return std::vector<meterd::Reading>{r};
  }
};

class Events final : public meterd::EventSource {
 public:
  meterd::Result<std::vector<meterd::EventRecord>> events(UtcTime from, UtcTime) const override {
    return std::vector<meterd::EventRecord>{{from, "meter_online", "acquisition", "sim",
                                             "office-1", 0, "serial BS000000000001"}};
  }
};

class Storage final : public meterd::StorageStatusSource {
 public:
  meterd::Result<meterd::StorageStatus> storage_status() const override {
    meterd::StorageStatus s;
    s.available = true;
    s.path = "/tmp/store.db";
    return s;
  }
};

const meterd::api::Api& api() {
  static const Meters meters;
  static const Latest latest;
  static const Series series;
  static const Events events;
  static const Storage storage;
  static const meterd::ManualClock clock(kNow);
  static const meterd::api::Api instance(meterd::api::ApiOptions{}, clock,
                                         {&meters, &latest, &series, &events, &storage, nullptr},
                                         "fuzz");
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace http = boost::beast::http;
  const meterd::api::ApiOptions limits;
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_done()) return 0;
  const auto& req = parser.get();
  meterd::api::HttpRequest request;
  request.method = std::string(req.method_string());
  if (!meterd::api::parse_target(req.target(), request)) return 0;
  // The input length picks the token scope, so the paths of every scope are explored.
  request.scope = static_cast<meterd::api::Scope>(size % 3);
  const auto response = api().handle(request);
  if (response.status < 100 || response.status > 599) std::abort();
  return 0;
}
