// src/nilm/replay/replay_input.hpp: the command-line vocabulary of a NILM replay.
//
// Parses the words a person types for `meterd nilm replay` (docs/nilm.md "Replay"):
//   column selector  FILE.csv[:PCOL[,QCOL]]           e.g. ampds2.csv:mains_P_W,mains_Q_var
//   sub-meter        CATEGORY=FILE.csv[:PCOL]          e.g. heat_cold_production=ampds2.csv:HPE_P
//   timestamp        ISO 8601 UTC (2026-01-05T00:00:00Z, or an offset), naive
//                    "YYYY-MM-DD HH:MM:SS" (taken as UTC), or unix seconds (1700000000[.5])
//   duration         <integer><unit>, unit ms | s | min | h | d (e.g. 10min)
//   usage list       CATEGORY[,CATEGORY]...                e.g. heat_cold_production,lighting
// Pure functions of their input: thread-safe, no I/O. Errors are Errc::invalid_argument (or
// parse_error for timestamps, with the column) and say what was expected.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "meterd/error.hpp"
#include "meterd/usage.hpp"
#include "src/nilm/engine.hpp"

namespace meterd::nilm::replay {

// A CSV file and the columns to take from it; `columns` empty = the file's default columns.
struct ColumnSelector {
  std::filesystem::path file;
  std::vector<std::string> columns;  // P, then optionally Q (single phase)
};

// A sub-meter of the replay: its category and where its power is.
struct SubmeterInput {
  Usage usage = Usage::other;
  ColumnSelector source;
};

// "FILE[:PCOL[,QCOL]]". The text after the last ':' is a column list unless it contains '/'
// (then the whole text is a path). At most `max_columns` columns; none may be empty.
Result<ColumnSelector> parse_column_selector(std::string_view text, std::size_t max_columns = 2);

// "CATEGORY=FILE[:PCOL]", CATEGORY one of meterd::to_string(Usage).
Result<SubmeterInput> parse_submeter_input(std::string_view text);

// "CATEGORY[,CATEGORY]...": the usages the site has (EngineConfig::present), `other` always
// among them. Each name once; at least one besides `other`.
Result<UsageSet> parse_usage_list(std::string_view text);

// A timestamp as accepted in CSV files and on the command line, in UTC milliseconds.
// Errc::parse_error naming the 1-based column of `text` where it stops making sense.
Result<std::int64_t> parse_timestamp_ms(std::string_view text);

// "10min" -> 600000. Positive, at most one day. Errc::invalid_argument otherwise.
Result<std::int64_t> parse_duration_ms(std::string_view text);

}  // namespace meterd::nilm::replay
