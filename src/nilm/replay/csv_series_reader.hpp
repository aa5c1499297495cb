// src/nilm/replay/csv_series_reader.hpp: reads a power time series from a CSV file, streaming.
//
// The file has a header line naming its columns; the first column is the timestamp (ISO 8601
// UTC, naive "YYYY-MM-DD HH:MM:SS" taken as UTC, or unix seconds: replay_input.hpp), the others
// are numbers. Fields are separated by ',' and may be double-quoted (RFC 4180, without line
// breaks inside quotes); CRLF line ends and blank lines are accepted. An empty field, "nan" or
// "NaN" is a missing value (NaN in the sample, for the engine to treat as a gap). Anything else
// that is not a number is an error "FILE:LINE:COLUMN: ..." (1-based, the column in characters
// where the field starts), as meterd reports configuration errors.
//
// Which columns: the selector's, by name (P, then optionally Q). Without one, the file's
// default: `p_w` [+ `q_var`]; else `p1_w`..`p3_w` [+ `q1_var`..`q3_var`] (several phases);
// else its only data column, if it has exactly one. Memory is one line, whatever the file size.
//
// Thread contract: not thread-safe; one owner. BLOCKING (file I/O).
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meterd/error.hpp"
#include "src/nilm/engine.hpp"
#include "src/nilm/replay/replay_input.hpp"

namespace meterd::nilm::replay {

class CsvSeriesReader {
 public:
  // Opens the file and resolves the columns from its header. Errors: Errc::not_found (no such
  // file), Errc::io_error, Errc::parse_error (no header), Errc::invalid_argument (a column that
  // is not in the header, or no default column), each naming the file.
  static Result<CsvSeriesReader> open(const ColumnSelector& selector);

  // The next sample (t_ms, P per phase, Q per phase or NaN), nullopt at the end of the file,
  // or Errc::parse_error "FILE:LINE:COLUMN: ..." for a malformed line (the reader then stays
  // at that line: calling again returns the next one).
  Result<std::optional<PowerSample>> next();

  std::uint8_t phases() const noexcept { return static_cast<std::uint8_t>(p_index_.size()); }
  bool has_q() const noexcept { return !q_index_.empty(); }
  const std::string& file() const noexcept { return file_; }
  // The header names of the P and Q columns in use, for messages.
  std::vector<std::string> column_names() const;

 private:
  CsvSeriesReader() = default;
  Error line_error(std::size_t column, const std::string& what) const;

  std::string file_;
  std::unique_ptr<std::ifstream> in_;
  std::vector<std::string> header_;
  std::vector<std::size_t> p_index_;  // per phase, index into the fields
  std::vector<std::size_t> q_index_;  // empty, or one per phase
  std::uint64_t line_no_ = 0;
  std::string line_;
  std::vector<std::string> fields_;
  std::vector<std::size_t> starts_;  // 0-based character offset of each field in line_
};

}  // namespace meterd::nilm::replay
