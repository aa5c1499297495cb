// api/export_endpoint.cpp: GET /api/v1/export.csv and /api/v1/export.xlsx: stored readings of a
// time range, of every meter or of `meter=a,b`. The range is capped (max_export_range) and so
// is the number of values (kMaxExportValues), so one request cannot exhaust memory. Reads one
// day at a time. Runs off the event loop. CSV follows RFC 4180 with the columns of
// `meterd export` (time,meter,obis,value,unit,quality,time_sync).
#include <cmath>
#include <sstream>

#include "src/api/api.hpp"
#include "src/api/params.hpp"
#include "src/api/xlsx_workbook.hpp"

namespace meterd::api {
namespace {

constexpr std::size_t kMaxExportValues = 2'000'000;

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string{s};
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::ostringstream o;
  o.precision(17);
  o << v;
  return o.str();
}

}  // namespace

HttpResponse Api::export_data(const HttpRequest& r, bool xlsx) const {
  const auto range =
      parse_range(r.query, clock_.utc_now(), std::chrono::hours(24), options_.max_export_range);
  if (!range) {
    return error_response(
        400, range.error().is(Errc::out_of_range) ? "range_too_large" : "bad_time_range",
        range.error().detail);
  }
  std::vector<std::string> ids;
  const auto configured = sources_.meters->meters();
  // The NILM virtual meter's readings are exported like a meter's (docs/api.md, Usages).
  const std::string& virtual_meter = options_.usages.meter_id;
  if (auto m = r.query.find("meter"); m != r.query.end() && !m->second.empty()) {
    std::string_view list = m->second;
    while (!list.empty()) {
      const auto comma = list.find(',');
      const std::string id{list.substr(0, comma)};
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
      bool known = !virtual_meter.empty() && id == virtual_meter;
      for (const auto& c : configured) known = known || c.status.meter_id == id;
      if (!known)
        return error_response(404, "unknown_meter", "no meter '" + id + "' is configured");
      ids.push_back(id);
    }
  } else {
    for (const auto& c : configured) ids.push_back(c.status.meter_id);
    if (!virtual_meter.empty()) ids.push_back(virtual_meter);
  }
  std::vector<MeterSheet> sheets;
  std::size_t values = 0;
  for (const auto& id : ids) {
    MeterSheet sheet{id, {}};
    for (UtcTime day = range->from; day < range->to; day += std::chrono::hours(24)) {
      const UtcTime end = std::min<UtcTime>(range->to, day + std::chrono::hours(24));
      auto got = sources_.series->readings(id, day, end);
      if (!got) {
        if (got.error().is(Errc::not_found)) break;  // the store never saw this meter
        return error_response(503, "export_unavailable", got.error().message());
      }
      for (auto& reading : *got) {
        values += reading.values.size();
        sheet.readings.push_back(std::move(reading));
      }
      if (values > kMaxExportValues) {
        return error_response(400, "range_too_large",
                              "more than " + std::to_string(kMaxExportValues) +
                                  " values: export fewer meters or a shorter range");
      }
    }
    sheets.push_back(std::move(sheet));
  }
  HttpResponse out;
  const std::string stem = "meterd-" + format_utc(range->from).substr(0, 10);
  if (xlsx) {
    auto bytes = make_xlsx(sheets);
    if (!bytes) {
      return error_response(
          bytes.error().is(Errc::out_of_range) ? 400 : 500,
          bytes.error().is(Errc::out_of_range) ? "range_too_large" : "export_failed",
          bytes.error().detail);
    }
    out.body = std::move(*bytes);
    out.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    out.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + stem + ".xlsx\"");
    return out;
  }
  std::string& b = out.body;
  b = "time,meter,obis,value,unit,quality,time_sync\r\n";
  for (const auto& sheet : sheets) {
    const std::string meter = csv_field(sheet.meter_id);
    for (const auto& reading : sheet.readings) {
      const std::string time = format_utc(reading.time);
      for (const auto& v : reading.values) {
        b += time;
        b += ',';
        b += meter;
        b += ',';
        b += v.obis.to_string();
        b += ',';
        b += number(v.value);
        b += ',';
        b += csv_field(symbol(v.unit));
        b += ',';
        b += to_string(v.quality);
        b += ',';
        b += to_string(reading.time_sync);
        b += "\r\n";
      }
    }
  }
  out.content_type = "text/csv; charset=utf-8";
  out.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + stem + ".csv\"");
  return out;
}

}  // namespace meterd::api
