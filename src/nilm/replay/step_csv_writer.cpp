#include "src/nilm/replay/step_csv_writer.hpp"

#include <chrono>
#include <cstdio>
#include <ostream>

#include "meterd/time.hpp"
#include "meterd/usage.hpp"

namespace meterd::nilm::replay {
namespace {

void append_fixed3(std::string& line, double v) {
  char buf[48];
  // -0.000 reads oddly and is the same value.
  if (v > -0.0005 && v < 0.0005) v = 0.0;
  std::snprintf(buf, sizeof buf, "%.3f", v);
  line += buf;
}

}  // namespace

std::string format_step_time(std::int64_t t_ms) {
  std::string text = format_utc(UtcTime{std::chrono::milliseconds{t_ms}});
  // format_utc always writes ".fff"; whole seconds read better without it.
  if (t_ms % 1000 == 0 && text.size() > 5 && text.compare(text.size() - 5, 5, ".000Z") == 0) {
    text.erase(text.size() - 5, 4);
  }
  return text;
}

StepCsvWriter::StepCsvWriter(std::ostream& out) : out_(out) {
  std::string header = "start,end,covered_s,total_wh";
  for (const Usage u : kAllUsages) header += "," + std::string{to_string(u)} + "_wh";
  for (const Usage u : kAllUsages) header += "," + std::string{to_string(u)} + "_confidence";
  out_ << header << '\n';
}

void StepCsvWriter::write(const StepResult& step) {
  std::string line;
  line.reserve(256);
  line += format_step_time(step.start_ms);
  line += ',';
  line += format_step_time(step.end_ms);
  line += ',';
  append_fixed3(line, step.covered_s);
  // A step without any mains data is a gap: empty fields (missing values to a CSV reader), not
  // zeros that a sum or a plot would take for no consumption. The daemon publishes no reading.
  const bool gap = !(step.covered_s > 0.0);
  const auto field = [&](double v) {
    line += ',';
    if (!gap) append_fixed3(line, v);
  };
  field(step.total_wh);
  for (const Usage u : kAllUsages) field(step.energy_wh[index_of(u)]);
  for (const Usage u : kAllUsages) field(step.confidence[index_of(u)]);
  line += '\n';
  out_ << line;
  ++rows_;
}

}  // namespace meterd::nilm::replay
