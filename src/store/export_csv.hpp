// store/export_csv.hpp: `meterd export --format csv`: stored readings as CSV for people.
//
// One line per value (RFC 4180; fields quoted only when needed):
//   time,meter,obis,value,unit,quality,time_sync
//   2026-11-21T05:48:00.123Z,bsmart-1,1-1:1.7.0,12345.5,W,good,synchronized
// Values are printed with 17 significant digits so they read back to the same double; NaN and
// infinities as nan, inf, -inf. Reads one day at a time, so memory stays bounded for long ranges.
// Thread-safe as Store is.
#pragma once

#include <ostream>

#include "src/store/store.hpp"

namespace meterd::store {

struct ExportRequest {
  std::string meter;
  UtcTime from;
  UtcTime to;
  std::vector<ObisCode> obis;  // empty = every quantity
};

// Writes the header and every matching value with time in [from, to); returns the value count.
Result<std::size_t> export_csv(Store& store, const ExportRequest& request, std::ostream& out);

}  // namespace meterd::store
