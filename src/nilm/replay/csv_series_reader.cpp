#include "src/nilm/replay/csv_series_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace meterd::nilm::replay {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Splits one line into fields (RFC 4180 quoting, no line breaks inside quotes). Returns the
// 0-based offset of an unterminated quote, or npos when the line is well formed.
std::size_t split_line(const std::string& line, std::vector<std::string>& fields,
                       std::vector<std::size_t>& starts) {
  fields.clear();
  starts.clear();
  std::size_t i = 0;
  while (true) {
    starts.push_back(i);
    std::string field;
    if (i < line.size() && line[i] == '"') {
      const std::size_t open = i++;
      while (true) {
        if (i >= line.size()) return open;
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += line[i++];
      }
      // Text between the closing quote and the comma is kept, as most readers do.
      while (i < line.size() && line[i] != ',') field += line[i++];
    } else {
      const auto comma = line.find(',', i);
      const auto end = comma == std::string::npos ? line.size() : comma;
      field.assign(line, i, end - i);
      i = end;
    }
    fields.push_back(std::move(field));
    if (i >= line.size()) break;
    ++i;  // the comma
  }
  return std::string::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A number, or NaN for a missing value; nullopt if the text is neither.
std::optional<double> parse_value(std::string_view text) {
  text = trim(text);
  if (text.empty() || text == "nan" || text == "NaN" || text == "NAN") return kNaN;
  if (text.front() == '+') text.remove_prefix(1);
  double v = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

std::optional<std::size_t> find_column(const std::vector<std::string>& header,
                                       std::string_view name) {
  const auto it = std::find(header.begin() + 1, header.end(), name);
  if (it == header.end()) return std::nullopt;
  return static_cast<std::size_t>(it - header.begin());
}

std::string list_columns(const std::vector<std::string>& header) {
  std::string out;
  for (std::size_t i = 1; i < header.size(); ++i) out += (i > 1 ? ", " : "") + header[i];
  return out;
}

void strip_cr(std::string& line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
}

}  // namespace

Result<CsvSeriesReader> CsvSeriesReader::open(const ColumnSelector& selector) {
  CsvSeriesReader r;
  r.file_ = selector.file.string();
  std::error_code ec;
  const auto status = std::filesystem::status(selector.file, ec);
  if (!std::filesystem::exists(status)) return Error{Errc::not_found, r.file_ + ": no such file"};
  if (std::filesystem::is_directory(status)) {
    return Error{Errc::invalid_argument, r.file_ + ": is a directory, not a CSV file"};
  }
  r.in_ = std::make_unique<std::ifstream>(selector.file, std::ios::binary);
  if (!*r.in_) return Error{Errc::io_error, r.file_ + ": cannot open for reading"};
  if (!std::getline(*r.in_, r.line_)) return Error{Errc::parse_error, r.file_ + ": empty file"};
  r.line_no_ = 1;
  strip_cr(r.line_);
  if (split_line(r.line_, r.header_, r.starts_) != std::string::npos || r.header_.size() < 2) {
    return Error{Errc::parse_error,
                 r.file_ + ":1:1: expected a header line: timestamp,column[,column...]"};
  }
  for (auto& name : r.header_) name = std::string{trim(name)};

  auto need = [&](std::string_view name) -> Result<std::size_t> {
    if (auto i = find_column(r.header_, name)) return *i;
    return Error{Errc::invalid_argument, r.file_ + ": no column '" + std::string{name} +
                                             "' (columns: " + list_columns(r.header_) + ")"};
  };
  if (!selector.columns.empty()) {
    auto p = need(selector.columns[0]);
    if (!p) return p.error();
    r.p_index_.push_back(*p);
    if (selector.columns.size() > 1) {
      auto q = need(selector.columns[1]);
      if (!q) return q.error();
      r.q_index_.push_back(*q);
    }
  } else if (auto p_col = find_column(r.header_, "p_w")) {
    r.p_index_.push_back(*p_col);
    if (auto q_col = find_column(r.header_, "q_var")) r.q_index_.push_back(*q_col);
  } else if (find_column(r.header_, "p1_w")) {
    // Phases p1_w, p2_w, ... in order: a gap in the numbering (p1_w,p3_w) or a phase beyond
    // kMaxPhases would silently leave a phase's power out of the mains.
    for (std::size_t k = 1; k <= kMaxPhases; ++k) {
      const auto p = find_column(r.header_, "p" + std::to_string(k) + "_w");
      if (!p) break;
      r.p_index_.push_back(*p);
      if (const auto q = find_column(r.header_, "q" + std::to_string(k) + "_var")) {
        r.q_index_.push_back(*q);
      }
    }
    for (std::size_t i = 1; i < r.header_.size(); ++i) {
      const std::string& name = r.header_[i];
      const bool phase_column = name.size() >= 4 && name.front() == 'p' && name.ends_with("_w") &&
                                std::all_of(name.begin() + 1, name.end() - 2,
                                            [](char c) { return c >= '0' && c <= '9'; });
      if (phase_column && std::find(r.p_index_.begin(), r.p_index_.end(), i) == r.p_index_.end()) {
        return Error{Errc::invalid_argument,
                     r.file_ + ": column '" + name + "' is not one of the phases p1_w.." +
                         "p" + std::to_string(kMaxPhases) + "_w in order (columns: " +
                         list_columns(r.header_) + "); name the column as FILE:PCOL to take it alone"};
      }
    }
    if (!r.q_index_.empty() && r.q_index_.size() != r.p_index_.size()) {
      return Error{Errc::invalid_argument,
                   r.file_ + ": reactive power columns q1_var.. do not match p1_w.."};
    }
  } else if (r.header_.size() == 2) {
    r.p_index_.push_back(1);
  } else {
    return Error{Errc::invalid_argument,
                 r.file_ + ": no p_w or p1_w column; name the columns as FILE:PCOL[,QCOL] "
                           "(columns: " + list_columns(r.header_) + ")"};
  }
  return r;
}

std::vector<std::string> CsvSeriesReader::column_names() const {
  std::vector<std::string> names;
  for (const auto i : p_index_) names.push_back(header_[i]);
  for (const auto i : q_index_) names.push_back(header_[i]);
  return names;
}

Error CsvSeriesReader::line_error(std::size_t column, const std::string& what) const {
  return Error{Errc::parse_error, file_ + ":" + std::to_string(line_no_) + ":" +
                                      std::to_string(column + 1) + ": " + what};
}

Result<std::optional<PowerSample>> CsvSeriesReader::next() {
  while (std::getline(*in_, line_)) {
    ++line_no_;
    strip_cr(line_);
    if (trim(line_).empty()) continue;
    if (const auto bad = split_line(line_, fields_, starts_); bad != std::string::npos) {
      return line_error(bad, "unterminated quoted field");
    }
    if (fields_.size() != header_.size()) {
      return line_error(fields_.size() < header_.size() ? line_.size() : starts_[header_.size()],
                        "expected " + std::to_string(header_.size()) + " fields as in the header, got " +
                            std::to_string(fields_.size()));
    }
    PowerSample s;
    auto t = parse_timestamp_ms(trim(fields_[0]));
    if (!t) return line_error(starts_[0], t.error().detail);
    s.t_ms = *t;
    s.phases = phases();
    s.q_var.fill(kNaN);
    auto value = [&](std::size_t index, double& out) -> Result<void> {
      const auto v = parse_value(fields_[index]);
      if (!v) {
        return line_error(starts_[index], "expected a number in column '" + header_[index] +
                                              "', got \"" + fields_[index] + "\"");
      }
      out = *v;
      return {};
    };
    for (std::size_t k = 0; k < p_index_.size(); ++k) {
      if (auto ok = value(p_index_[k], s.p_w[k]); !ok) return ok.error();
    }
    for (std::size_t k = 0; k < q_index_.size(); ++k) {
      if (auto ok = value(q_index_[k], s.q_var[k]); !ok) return ok.error();
    }
    return std::optional<PowerSample>{s};
  }
  if (in_->bad()) return Error{Errc::io_error, file_ + ": read error after line " + std::to_string(line_no_)};
  return std::optional<PowerSample>{};
}

}  // namespace meterd::nilm::replay
