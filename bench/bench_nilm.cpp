// bench-nilm: how well the streaming NILM engine (src/nilm) splits a mains by usage, against
// the trivial baseline (every category at its training-mean power), with a chronological
// train/test split (issue 7, docs/nilm.md "Results"):
//   sim      simulated buildings (tools/sim CommercialBuilding): office, retail, school x seeds
//            101-103 (never used while developing), 14 days of training with all 7 categories'
//            truth as complete sub-meters, then 7 days of mains only; 10-min steps
//   untrained  the same buildings and days with no sub-meter at all (the signature priors of
//            src/nilm/signature_priors.hpp only): daily energy and share error, no goal
//   ampds2   AMPds2 train file (4 sub-meters) -> test file, and -> val file (1-min steps)
//   ukdale   UK-DALE train day (4 sub-meters) -> test day (1-min steps)
//   lab      the change detector's event F1 on the lab-1hz recordings (switchings > 150 W)
//   speed    Engine::push_mains samples/s on one core (thread CPU time, median of runs) and the
//            heap one engine grows (model loaded), on the test days of the first building
// Usage: bench-nilm [--quick] [--data DIR] [--runs N] [--seeds S,..] [--types T,..]
//                   [--only SECTION,..]
// --quick: one building, 1 + 1 days, one speed run (the smoke test in ctest). DIR defaults to
// the source tree's tests/data/nilm. Development runs: --seeds 1,2,3 (the development seeds;
// the official figures use the default 101,102,103), --types office,school, --only sim,real
// (sections: sim, untrained, real, lab, speed; the last line then shows what ran, the rest 0).
// The last line:
//   sim_daily_error_pct=... sim_nep_10min=... ampds2_mae_ratio=... samples_per_s=... mem_mb=...
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "bench/nilm_datasets.hpp"
#include "bench/nilm_metrics.hpp"
#include "bench/nilm_runs.hpp"

namespace {

using namespace meterd;
using namespace meterd::bench::nilm;

struct Options {
  bool quick = false;
  std::filesystem::path data = METERD_NILM_TEST_DATA;
  int runs = 3;
  std::vector<std::uint64_t> seeds{101, 102, 103};
  std::vector<sim::BuildingType> types{sim::BuildingType::office, sim::BuildingType::retail,
                                       sim::BuildingType::school};
  std::vector<std::string> only;  // empty: every section

  bool runs_section(std::string_view s) const {
    return only.empty() || std::find(only.begin(), only.end(), s) != only.end();
  }
};

// Splits "a,b,c" into its non-empty parts.
std::vector<std::string> split_list(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto part = list.substr(0, comma);
    if (!part.empty()) out.emplace_back(part);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return out;
}

constexpr std::string_view kSections[] = {"sim", "untrained", "real", "lab", "speed"};
constexpr const char* kUsage =
    "usage: bench-nilm [--quick] [--data DIR] [--runs N] [--seeds S,..] [--types T,..] "
    "[--only sim,untrained,real,lab,speed]\n";

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--quick") {
      o.quick = true;
    } else if (a == "--data" && i + 1 < argc) {
      o.data = argv[++i];
    } else if (a == "--runs" && i + 1 < argc) {
      o.runs = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--seeds" && i + 1 < argc) {
      o.seeds.clear();
      for (const auto& part : split_list(argv[++i])) {
        char* end = nullptr;
        const unsigned long long seed = std::strtoull(part.c_str(), &end, 10);
        if (*end != '\0') {
          std::fprintf(stderr, "bench-nilm: --seeds: '%s' is not a number\n", part.c_str());
          return false;
        }
        o.seeds.push_back(seed);
      }
    } else if (a == "--types" && i + 1 < argc) {
      o.types.clear();
      for (const auto& part : split_list(argv[++i])) {
        const auto type = sim::building_type_from_string(part);
        if (!type) {
          std::fprintf(stderr, "bench-nilm: --types: unknown building type '%s'\n", part.c_str());
          return false;
        }
        o.types.push_back(*type);
      }
    } else if (a == "--only" && i + 1 < argc) {
      o.only = split_list(argv[++i]);
      for (const auto& part : o.only) {
        if (std::find(std::begin(kSections), std::end(kSections), part) == std::end(kSections)) {
          std::fprintf(stderr, "bench-nilm: --only: unknown section '%s'\n", part.c_str());
          return false;
        }
      }
    } else {
      std::fprintf(stderr, "%s", kUsage);
      return false;
    }
  }
  return true;
}

double pct(double fraction) { return 100.0 * fraction; }

// One line per category with data: truth share, engine vs baseline figures.
void print_categories(const RunFigures& f, bool with_mae) {
  std::printf("  %-21s %7s %17s %13s %15s %12s%s\n", "category", "share", "kWh est/true",
              "daily err %", "NEP 10min", "share pts", with_mae ? "      MAE W (base)" : "");
  for (const Usage u : kAllUsages) {
    const auto& e = f.engine.category[index_of(u)];
    const auto& b = f.baseline.category[index_of(u)];
    if (e.true_wh <= 0.0 && e.est_wh <= 0.0) continue;
    std::printf("  %-21s %6.1f%% %8.1f/%-8.1f %6.1f (%5.1f) %6.3f (%6.3f) %5.2f (%5.2f)",
                std::string{to_string(u)}.c_str(), pct(e.true_share), e.est_wh / 1000.0,
                e.true_wh / 1000.0, pct(e.daily_error), pct(b.daily_error), e.nep_10min,
                b.nep_10min, e.share_error_pts, b.share_error_pts);
    if (with_mae) std::printf(" %7.1f (%6.1f)", e.mae_w, b.mae_w);
    std::printf("\n");
  }
  std::printf(
      "  closure: max |sum of categories - total| = %.2e Wh over %zu steps, %zu days; "
      "events %llu, gaps %llu, dropped %llu; %.1f CPU s\n",
      f.engine.closure_max_wh, f.engine.steps, f.engine.days,
      static_cast<unsigned long long>(f.stats.events),
      static_cast<unsigned long long>(f.stats.gaps),
      static_cast<unsigned long long>(f.stats.dropped_samples), f.cpu_s);
}

// The untrained engine's figures per category, and their means over the buildings.
struct UntrainedMeans {
  std::array<double, kUsageCount> daily{};
  std::array<double, kUsageCount> share_pts{};
  std::array<int, kUsageCount> n{};
};

void print_untrained(const Figures& f, UntrainedMeans& m) {
  std::printf("  %-21s %7s %17s %12s %10s\n", "category", "share", "kWh est/true", "daily err %",
              "share pts");
  for (const Usage u : kAllUsages) {
    const auto& e = f.category[index_of(u)];
    if (e.true_wh <= 0.0 && e.est_wh <= 0.0) continue;
    std::printf("  %-21s %6.1f%% %8.1f/%-8.1f %12.1f %10.2f\n", std::string{to_string(u)}.c_str(),
                pct(e.true_share), e.est_wh / 1000.0, e.true_wh / 1000.0, pct(e.daily_error),
                e.share_error_pts);
    m.daily[index_of(u)] += e.daily_error;
    m.share_pts[index_of(u)] += e.share_error_pts;
    ++m.n[index_of(u)];
  }
}

// The cells (building x category above 5 % of the building's energy) of a set of buildings: the
// worst daily error and NEP (the goals' figures), their means, and how many cells miss a goal.
struct CellSummary {
  double daily = 0.0;
  double nep = 0.0;
  double daily_sum = 0.0;
  double nep_sum = 0.0;
  int cells = 0;
  int daily_misses = 0;  // daily error above 5 %
  int nep_misses = 0;    // NEP above 0.15
};

void add_cells(const Figures& f, CellSummary& w) {
  for (const auto& c : f.category) {
    if (c.true_share <= 0.05) continue;
    w.daily = std::max(w.daily, c.daily_error);
    w.nep = std::max(w.nep, c.nep_10min);
    w.daily_sum += c.daily_error;
    w.nep_sum += c.nep_10min;
    ++w.cells;
    w.daily_misses += c.daily_error > 0.05 ? 1 : 0;
    w.nep_misses += c.nep_10min > 0.15 ? 1 : 0;
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_options(argc, argv, o)) return 2;

  // ---- simulated buildings ----
  std::vector<SimRunOptions> sims;
  for (const auto type : o.types) {
    for (const std::uint64_t seed : o.seeds) {
      sims.push_back(
          {.type = type, .seed = seed, .train_days = 14, .test_days = 7, .step_ms = 600'000});
    }
  }
  if (o.quick)
    sims = {{.type = o.types.front(),
             .seed = o.seeds.front(),
             .train_days = 1,
             .test_days = 1,
             .step_ms = 600'000}};
  if (sims.empty()) {
    std::fprintf(stderr, "bench-nilm: no building to run (--seeds or --types empty)\n");
    return 2;
  }
  CellSummary sim_cells, base_cells;
  std::string first_model;
  if (o.runs_section("sim")) {
    std::printf(
        "== sim: %d days training (7 complete sub-meters), %d days test, 10-min steps; "
        "engine (baseline = training mean)\n",
        sims.front().train_days, sims.front().test_days);
    for (const SimRunOptions& s : sims) {
      const SimRun run = run_sim(s);
      if (first_model.empty()) first_model = run.model;
      std::printf("%s seed %llu\n", std::string{sim::to_string(s.type)}.c_str(),
                  static_cast<unsigned long long>(s.seed));
      print_categories(run.figures, false);
      std::printf("  event F1 (> %.0f W, +-3 s):", kEventThresholdW);
      for (const Usage u : kAllUsages) {
        const EventScore& e = run.figures.events[index_of(u)];
        std::printf(" %s %.2f (%zu/%zu)", std::string{to_string(u)}.c_str(), e.f1(), e.truth,
                    e.detected);
      }
      std::printf("\n");
      add_cells(run.figures.engine, sim_cells);
      add_cells(run.figures.baseline, base_cells);
    }
    std::printf(
        "sim worst over buildings x categories above 5 %% of energy: daily error %.2f %% "
        "(baseline %.2f %%), NEP %.3f (baseline %.3f)\n",
        pct(sim_cells.daily), pct(base_cells.daily), sim_cells.nep, base_cells.nep);
    const double cells = std::max(sim_cells.cells, 1);
    std::printf(
        "sim mean over those %d cells: daily error %.2f %%, NEP %.4f; cells above the goals: "
        "%d daily (> 5 %%), %d NEP (> 0.15)\n\n",
        sim_cells.cells, pct(sim_cells.daily_sum / cells), sim_cells.nep_sum / cells,
        sim_cells.daily_misses, sim_cells.nep_misses);
  }

  // ---- simulated buildings, untrained: the signature priors only ----
  if (o.runs_section("untrained")) {
    std::printf(
        "== sim untrained (priors only): no sub-meter, %d + %d days of mains, the last %d "
        "scored, 10-min steps; no goal\n",
        sims.front().train_days, sims.front().test_days, sims.front().test_days);
    UntrainedMeans untrained;
    for (SimRunOptions s : sims) {
      s.submeters = false;
      const SimRun run = run_sim(s);
      std::printf("%s seed %llu\n", std::string{sim::to_string(s.type)}.c_str(),
                  static_cast<unsigned long long>(s.seed));
      print_untrained(run.figures.engine, untrained);
    }
    std::printf("untrained, mean over buildings: daily error %% / share error pts:");
    for (const Usage u : kAllUsages) {
      const std::size_t c = index_of(u);
      if (untrained.n[c] == 0) continue;
      std::printf(" %s %.1f/%.2f", std::string{to_string(u)}.c_str(),
                  pct(untrained.daily[c] / untrained.n[c]),
                  untrained.share_pts[c] / untrained.n[c]);
    }
    std::printf("\n\n");
  }

  // ---- recorded residential data ----
  double ampds2_ratio = 0.0;
  if (o.runs_section("real")) {
    for (const char* name : {"ampds2", "ampds2-val", "ukdale"}) {
      const std::string_view n = name;
      auto data = n == "ukdale"       ? load_ukdale(o.data)
                  : n == "ampds2-val" ? load_ampds2(o.data, "ampds2_val_1min.csv")
                                      : load_ampds2(o.data, "ampds2_test_1min.csv");
      if (!data) {
        std::fprintf(stderr, "bench-nilm: %s\n", data.error().message().c_str());
        return 1;
      }
      const auto run = run_real(*data, 60'000);
      if (!run) {
        std::fprintf(stderr, "bench-nilm: %s: %s\n", name, run.error().message().c_str());
        return 1;
      }
      const RunFigures& f = *run;
      std::printf(
          "== %s: %zu training samples, %zu test samples, 1-min steps, test on the "
          "reloaded model; engine (baseline)\n",
          name, data->train_mains.size(), data->test_mains.size());
      for (const auto& a : data->appliances) {
        std::printf("  %-21s <- %s\n", std::string{to_string(a.usage)}.c_str(), a.name.c_str());
      }
      print_categories(f, true);
      if (n == "ampds2") {
        double ratio = 1e9;
        for (const Usage u : {Usage::hvac_auxiliaries, Usage::heat_cold_production}) {
          const double e = f.engine.category[index_of(u)].mae_w;
          const double b = f.baseline.category[index_of(u)].mae_w;
          ratio = std::min(ratio, e > 0.0 ? b / e : 1e9);
        }
        ampds2_ratio = ratio;
        std::printf("  MAE ratio baseline/engine, worst of fridge and heat pump: %.2f\n", ratio);
      }
      std::printf("\n");
    }
  }

  // ---- detector on the lab recordings ----
  if (o.runs_section("lab")) {
    auto lab = load_lab(o.data);
    if (!lab) {
      std::fprintf(stderr, "bench-nilm: %s\n", lab.error().message().c_str());
      return 1;
    }
    std::printf(
        "== lab-1hz: change detector, switchings > 150 W of each appliance alone, "
        "+-3 s\n");
    double worst_f1 = 1.0;
    for (const LabScore& s : run_lab(*lab, 150.0)) {
      std::printf("  %-42s true %3zu events %3zu precision %.3f recall %.3f F1 %.3f\n",
                  s.name.c_str(), s.score.truth, s.score.detected, s.score.precision(),
                  s.score.recall(), s.score.f1());
      worst_f1 = std::min(worst_f1, s.score.f1());
    }
    std::printf("  worst F1 %.3f\n\n", worst_f1);
  }

  // ---- speed and memory ----
  Throughput t;
  if (o.runs_section("speed")) {
    if (first_model.empty()) first_model = run_sim(sims.front()).model;
    t = measure_throughput(sims.front(), first_model, o.quick ? 1 : o.runs);
    std::printf("== speed: push_mains, 3 phases P+Q at 1 Hz, %zu samples per run, model loaded\n",
                t.samples);
    std::printf("  %.0f samples/s on one core (median of %d), heap growth %.3f MB\n",
                t.samples_per_s, o.quick ? 1 : o.runs, t.heap_bytes / 1e6);
    std::printf("  learning from 7 live sub-meters (the last training day, %zu mains samples): %.0f "
                "mains samples/s (median of %d)\n",
                t.learning_samples, t.learning_samples_per_s, o.quick ? 1 : o.runs);
    // What the store keeps and saves every hour (Engine::save_model()).
    std::printf("  learned model of that building after its training: %.0f kB of JSON\n\n",
                static_cast<double>(first_model.size()) / 1e3);
  }
  std::printf(
      "sim_daily_error_pct=%.2f sim_nep_10min=%.3f ampds2_mae_ratio=%.2f "
      "samples_per_s=%.0f mem_mb=%.2f\n",
      pct(sim_cells.daily), sim_cells.nep, ampds2_ratio, t.samples_per_s, t.heap_bytes / 1e6);
  return 0;
}
