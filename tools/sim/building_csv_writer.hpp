// tools/sim/building_csv_writer.hpp: writes a simulated building's mains and ground truth as CSV.
//
// Files in one directory (the formats `meterd nilm replay` reads, docs/simulator.md):
//   mains.csv        timestamp,p1_w,q1_var,p2_w,q2_var,p3_w,q3_var   (timestamp,p_w,q_var if 1 phase)
//   truth.csv        timestamp,lighting_w,it_w,...,other_w           (all seven meterd::Usage)
//   <usage>.csv      timestamp,p_w                                   (one per usage)
// Each row is the average over [timestamp, timestamp + rate) of one-second samples; timestamps
// are ISO 8601 UTC ("2026-01-05T00:00:00Z"), values in W and var with 0.1 resolution.
// Not thread-safe (one owner).
#pragma once

#include "meterd/error.hpp"
#include "tools/sim/commercial_building.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace meterd::sim {

class BuildingCsvWriter {
 public:
  // Creates `dir` if needed and opens (truncates) the nine files. Errc::io_error otherwise.
  static Result<std::unique_ptr<BuildingCsvWriter>> open(const std::filesystem::path& dir,
                                                         std::uint8_t phases, int rate_s);

  // Adds the next one-second sample; writes a row of every file when an interval is complete.
  void add(const SiteSample& s);

  // Flushes and closes the files; Errc::io_error if any write failed (disk full...).
  Result<std::uint64_t> finish();  // the number of rows in each file

 private:
  BuildingCsvWriter(std::uint8_t phases, int rate_s) : phases_(phases), rate_s_(rate_s) {}
  void write_row();

  std::uint8_t phases_;
  int rate_s_;
  std::filesystem::path dir_;
  std::ofstream mains_;
  std::ofstream truth_;
  std::array<std::ofstream, kUsageCount> usage_;
  int count_ = 0;
  UtcTime row_start_{};
  std::array<double, 3> p_{}, q_{};
  std::array<double, kUsageCount> truth_w_{};
  std::uint64_t rows_ = 0;
};

// Simulates `days` days of `site` into `dir` at `rate_s`; the number of rows of each file, or
// Errc::io_error.
Result<std::uint64_t> write_building_csv(const SiteConfig& site, int days, int rate_s,
                                         const std::filesystem::path& dir);

}  // namespace meterd::sim
