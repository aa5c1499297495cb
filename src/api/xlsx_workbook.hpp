// api/xlsx_workbook.hpp: readings as an Office Open XML workbook (ECMA-376), via libxlsxwriter.
//
// One sheet per meter, named after it (Excel's 31-character limit and forbidden characters
// []:*?/\ replaced); column A is the reading's time (an Excel date, UTC), then one column per
// OBIS code ("1-1:1.7.0 [W]"). A value whose quality is not usable, or NaN, is an empty cell:
// never a zero. Thread-safe (each call has its own temporary file).
#pragma once

#include <string>
#include <vector>

#include "meterd/error.hpp"
#include "meterd/reading.hpp"

namespace meterd::api {

struct MeterSheet {
  std::string meter_id;
  std::vector<Reading> readings;  // in time order
};

// The .xlsx file's bytes. Errc::io_error when libxlsxwriter or the temporary file fails;
// Errc::out_of_range past Excel's 1,048,576 rows or 16,384 columns in a sheet.
Result<std::string> make_xlsx(const std::vector<MeterSheet>& sheets);

}  // namespace meterd::api
