// bench/nilm_datasets.hpp: the recorded data of bench-nilm, read with the replay's CSV reader.
//
//   AMPds2   tests/data/nilm/ampds2 (1 min, P and measured Q): train = ampds2_train_1min.csv,
//            test = ampds2_test_1min.csv (and ampds2_val_1min.csv, the day of the published
//            baselines). Sub-meters -> category slots: heat pump -> heat_cold_production,
//            fridge -> hvac_auxiliaries, dishwasher -> heating_elements, basement -> lighting;
//            the unmetered rest (mains - sub-meters) -> other.
//   UK-DALE  tests/data/nilm/ukdale (6 s, P only): train = ukdale_train_6s.csv, test =
//            ukdale_test_6s.csv. dishwasher -> heating_elements, fridge -> hvac_auxiliaries,
//            microwave -> it, washer-dryer -> ventilation; the rest -> other.
//   lab-1hz  tests/data/nilm/lab-1hz: four recordings, each with its mains and every appliance
//            recorded alone (Active (W), Reactive (W)).
// A slot is only a label for one distinct appliance: what is scored is whether the engine
// separates it. A house has no other usage than its sub-metered slots and `other` (the
// unmetered rest): present_usages() declares that to the engine (EngineConfig::present), as an
// installer would, so no category a house lacks gets an estimate. Times are kept as recorded (a
// test file may be older than its training file: bench-nilm then tests on a new engine that
// loads the trained model).
// BLOCKING (file I/O); plain values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/nilm_metrics.hpp"
#include "meterd/error.hpp"
#include "src/nilm/engine.hpp"

namespace meterd::bench::nilm {

using Series = std::vector<meterd::nilm::PowerSample>;

// One sub-metered appliance: its slot, and its power in the training and test files.
struct Appliance {
  std::string name;
  Usage usage = Usage::other;
  Series train;
  Series test;
};

struct RealDataset {
  std::string name;           // "ampds2", "ampds2-val", "ukdale"
  std::int64_t sample_ms = 0;
  Series train_mains;
  Series test_mains;
  std::vector<Appliance> appliances;
};

// The usages of the house: its appliances' slots and `other`.
meterd::UsageSet present_usages(const RealDataset& d);

// test_file: "ampds2_test_1min.csv" or "ampds2_val_1min.csv".
Result<RealDataset> load_ampds2(const std::filesystem::path& data_dir, const std::string& test_file);
Result<RealDataset> load_ukdale(const std::filesystem::path& data_dir);

struct LabRecording {
  std::string name;  // e.g. "2combi_kettle+vacuum/train_data"
  Series mains;
  std::vector<Series> appliances;
};

Result<std::vector<LabRecording>> load_lab(const std::filesystem::path& data_dir);

// The whole file's columns [P[,Q]] as a series.
Result<Series> load_series(const std::filesystem::path& file, const std::vector<std::string>& columns);

}  // namespace meterd::bench::nilm
