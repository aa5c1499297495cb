// src/nilm/replay/step_csv_writer.hpp: writes the engine's steps as CSV (the replay's output).
//
// Columns: start,end,covered_s,total_wh, then <usage>_wh for every meterd::Usage in index order,
// then <usage>_confidence likewise (docs/nilm.md "Replay"). Times are ISO 8601 UTC
// (2026-01-05T00:10:00Z; milliseconds only when not whole seconds). Energies in Wh with 3
// decimals, covered_s with 3, confidences with 3: the printed categories add up to total_wh
// within the rounding (7 x 0.0005 Wh). A step without mains data (covered_s 0, a gap) has its
// energies and confidences empty: missing, not zero.
//
// Thread contract: not thread-safe; one owner. Writes to the stream it is given, no flush.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "src/nilm/engine.hpp"

namespace meterd::nilm::replay {

// "2026-01-05T00:10:00Z" or "2026-01-05T00:10:00.250Z".
std::string format_step_time(std::int64_t t_ms);

class StepCsvWriter {
 public:
  // Writes the header line at once.
  explicit StepCsvWriter(std::ostream& out);

  // One line for the step.
  void write(const StepResult& step);

  std::uint64_t rows() const noexcept { return rows_; }

 private:
  std::ostream& out_;
  std::uint64_t rows_ = 0;
};

}  // namespace meterd::nilm::replay
