#include "bench/nilm_datasets.hpp"

#include <algorithm>

#include "src/nilm/replay/csv_series_reader.hpp"

namespace meterd::bench::nilm {
namespace {

namespace fs = std::filesystem;

struct Column {
  const char* header;
  const char* name;
  Usage usage;
};

Result<RealDataset> load_real(const std::string& name, const fs::path& train_file,
                              const fs::path& test_file, const std::vector<std::string>& mains,
                              const std::vector<Column>& columns, std::int64_t sample_ms) {
  RealDataset d;
  d.name = name;
  d.sample_ms = sample_ms;
  auto train = load_series(train_file, mains);
  if (!train) return train.error();
  auto test = load_series(test_file, mains);
  if (!test) return test.error();
  d.train_mains = std::move(*train);
  d.test_mains = std::move(*test);
  for (const Column& c : columns) {
    Appliance a{.name = c.name, .usage = c.usage, .train = {}, .test = {}};
    auto tr = load_series(train_file, {c.header});
    if (!tr) return tr.error();
    auto te = load_series(test_file, {c.header});
    if (!te) return te.error();
    a.train = std::move(*tr);
    a.test = std::move(*te);
    d.appliances.push_back(std::move(a));
  }
  return d;
}

}  // namespace

Result<Series> load_series(const fs::path& file, const std::vector<std::string>& columns) {
  auto reader = meterd::nilm::replay::CsvSeriesReader::open({file, columns});
  if (!reader) return reader.error();
  Series out;
  while (true) {
    auto s = reader->next();
    if (!s) return s.error();
    if (!*s) break;
    out.push_back(**s);
  }
  return out;
}

meterd::UsageSet present_usages(const RealDataset& d) {
  meterd::UsageSet present{};
  present[index_of(Usage::other)] = true;
  for (const Appliance& a : d.appliances) present[index_of(a.usage)] = true;
  return present;
}

Result<RealDataset> load_ampds2(const fs::path& data_dir, const std::string& test_file) {
  const fs::path dir = data_dir / "ampds2";
  return load_real(test_file.find("val") != std::string::npos ? "ampds2-val" : "ampds2",
                   dir / "ampds2_train_1min.csv", dir / test_file, {"mains_P_W", "mains_Q_var"},
                   {{"HPE_heatpump_P_W", "heat pump", Usage::heat_cold_production},
                    {"FGE_fridge_P_W", "fridge", Usage::hvac_auxiliaries},
                    {"DWE_dishwasher_P_W", "dishwasher", Usage::heating_elements},
                    {"BME_basement_P_W", "basement", Usage::lighting}},
                   60'000);
}

Result<RealDataset> load_ukdale(const fs::path& data_dir) {
  const fs::path dir = data_dir / "ukdale";
  return load_real("ukdale", dir / "ukdale_train_6s.csv", dir / "ukdale_test_6s.csv", {"main_W"},
                   {{"dish_washer_W", "dishwasher", Usage::heating_elements},
                    {"fridge_W", "fridge", Usage::hvac_auxiliaries},
                    {"microwave_W", "microwave", Usage::it},
                    {"washer_dryer_W", "washer-dryer", Usage::ventilation}},
                   6'000);
}

Result<std::vector<LabRecording>> load_lab(const fs::path& data_dir) {
  std::vector<LabRecording> out;
  for (const char* name : {"2combi_kettle+vacuum/train_data", "2combi_kettle+vacuum/test_data",
                           "3combi_kettle+vacuum+wheater/train_data",
                           "3combi_kettle+vacuum+wheater/test_data"}) {
    const fs::path dir = data_dir / "lab-1hz" / name;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return Error{Errc::not_found, dir.string() + ": no such directory"};
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    LabRecording rec;
    rec.name = name;
    for (const fs::path& f : files) {
      if (f.extension() != ".csv") continue;
      auto series = load_series(f, {"Active (W)", "Reactive (W)"});
      if (!series) return series.error();
      if (f.filename().string().rfind("main", 0) == 0) {
        rec.mains = std::move(*series);
      } else {
        rec.appliances.push_back(std::move(*series));
      }
    }
    if (rec.mains.empty()) return Error{Errc::not_found, dir.string() + ": no main*.csv"};
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace meterd::bench::nilm
