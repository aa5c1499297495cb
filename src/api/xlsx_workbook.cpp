#include "src/api/xlsx_workbook.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

namespace meterd::api {
namespace {

constexpr std::size_t kMaxRows = 1'048'576;
constexpr std::size_t kMaxColumns = 16'384;
constexpr double kUnixEpochAsExcelDay = 25569.0;  // 1970-01-01 in the 1900 date system

std::string sheet_name(const std::string& id, std::set<std::string>& used) {
  std::string name;
  for (char c : id)
    name.push_back(std::string_view{"[]:*?/\\"}.find(c) == std::string_view::npos ? c : '_');
  if (name.empty()) name = "meter";
  name = name.substr(0, 28);
  std::string unique = name;
  for (int n = 2; used.contains(unique); ++n) unique = name + "~" + std::to_string(n);
  used.insert(unique);
  return unique;
}

struct TempFile {
  std::filesystem::path path;
  ~TempFile() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove(path, ec);
  }
};

Result<void> write_sheet(lxw_workbook* wb, const MeterSheet& s, const std::string& name,
                         lxw_format* date, lxw_format* bold) {
  if (s.readings.size() + 1 > kMaxRows) {
    return Error{Errc::out_of_range,
                 "meter " + s.meter_id + " has more readings than an Excel sheet rows"};
  }
  std::map<ObisCode, std::pair<lxw_col_t, Unit>> columns;
  for (const auto& r : s.readings) {
    for (const auto& v : r.values) columns.try_emplace(v.obis, lxw_col_t{0}, v.unit);
  }
  if (columns.size() + 1 > kMaxColumns) return Error{Errc::out_of_range, "too many quantities"};
  lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
  if (ws == nullptr) return Error{Errc::io_error, "cannot add sheet " + name};
  worksheet_write_string(ws, 0, 0, "time (UTC)", bold);
  worksheet_set_column(ws, 0, 0, 20, nullptr);
  lxw_col_t col = 1;
  for (auto& [obis, c] : columns) {
    c.first = col;
    const auto unit = symbol(c.second);
    const std::string header =
        obis.to_string() + (unit.empty() ? std::string{} : " [" + std::string{unit} + "]");
    worksheet_write_string(ws, 0, col, header.c_str(), bold);
    ++col;
  }
  worksheet_set_column(ws, 1, static_cast<lxw_col_t>(col - 1), 16, nullptr);
  lxw_row_t row = 1;
  for (const auto& r : s.readings) {
    const double day = static_cast<double>(r.time.time_since_epoch().count()) / 86'400'000.0 +
                       kUnixEpochAsExcelDay;
    worksheet_write_number(ws, row, 0, day, date);
    for (const auto& v : r.values) {
      if (!is_usable(v.quality) || !std::isfinite(v.value)) continue;
      worksheet_write_number(ws, row, columns.at(v.obis).first, v.value, nullptr);
    }
    ++row;
  }
  return {};
}

}  // namespace

Result<std::string> make_xlsx(const std::vector<MeterSheet>& sheets) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "meterd-export-XXXXXX.xlsx").string();
  const int fd = ::mkstemps(pattern.data(), 5);
  if (fd < 0) return Error{Errc::io_error, "cannot create a temporary file for the workbook"};
  ::close(fd);
  TempFile tmp{pattern};
  lxw_workbook_options opts{};
  opts.constant_memory = LXW_FALSE;
  opts.tmpdir = nullptr;
  lxw_workbook* wb = workbook_new_opt(pattern.c_str(), &opts);
  if (wb == nullptr) return Error{Errc::io_error, "libxlsxwriter cannot create the workbook"};
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd hh:mm:ss.000");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  std::set<std::string> used;
  Result<void> written;
  for (const auto& s : sheets) {
    written = write_sheet(wb, s, sheet_name(s.meter_id, used), date, bold);
    if (!written) break;
  }
  if (sheets.empty()) workbook_add_worksheet(wb, "no data");
  const lxw_error closed = workbook_close(wb);
  if (!written) return written.error();
  if (closed != LXW_NO_ERROR) {
    return Error{Errc::io_error, std::string{"libxlsxwriter: "} + lxw_strerror(closed)};
  }
  std::ifstream in(pattern, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) return Error{Errc::io_error, "cannot read the workbook back"};
  return bytes.str();
}

}  // namespace meterd::api
