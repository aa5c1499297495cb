#include "src/store/export_csv.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace meterd::store {
namespace {

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

Result<std::size_t> export_csv(Store& store, const ExportRequest& req, std::ostream& out) {
  if (req.from > req.to) return Error{Errc::invalid_argument, "export: --from is after --to"};
  out << "time,meter,obis,value,unit,quality,time_sync\n";
  const std::string meter = csv_field(req.meter);
  std::size_t n = 0;
  for (UtcTime day = req.from; day < req.to;) {
    const UtcTime end = std::min(req.to, day + std::chrono::hours(24));
    auto readings = store.readings(req.meter, day, end);
    if (!readings) return readings.error();
    for (const auto& r : *readings) {
      const std::string time = format_utc(r.time);
      for (const auto& v : r.values) {
        if (!req.obis.empty() &&
            std::find(req.obis.begin(), req.obis.end(), v.obis) == req.obis.end())
          continue;
        out << time << ',' << meter << ',' << v.obis.to_string() << ',' << number(v.value) << ','
            << csv_field(symbol(v.unit)) << ',' << to_string(v.quality) << ','
            << to_string(r.time_sync) << '\n';
        ++n;
      }
    }
    day = end;
  }
  if (!out) return Error{Errc::io_error, "export: cannot write the output"};
  return n;
}

}  // namespace meterd::store
