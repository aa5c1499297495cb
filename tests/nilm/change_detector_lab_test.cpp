// tests/nilm/change_detector_lab_test.cpp: the change detector on the real 1 Hz laboratory
// recordings (tests/data/nilm/lab-1hz: a kettle, a vacuum cleaner and a water heater, each alone
// and together), scored against the on/off transitions (> 150 W) of each appliance's own recording:
// every switching found within 3 s, one detection per true step (F1 >= 0.95, printed).
#include "src/nilm/change_detector.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace meterd::nilm {
namespace {

struct Point {
  std::int64_t t_ms = 0;
  double p = 0.0;
  double q = 0.0;
};

// The detector with its default configuration over a whole recording.
std::vector<SwitchEvent> run(const std::vector<Point>& signal) {
  ChangeDetector detector(0, {});
  std::vector<SwitchEvent> events;
  for (const Point& s : signal) {
    if (auto e = detector.push(s.t_ms, s.p, s.q)) events.push_back(*e);
  }
  if (auto e = detector.take_pending()) events.push_back(*e);
  return events;
}

struct Recording {
  std::vector<Point> rows;
};

std::int64_t days_from_civil(int y, unsigned m, unsigned d) {  // H. Hinnant's algorithm
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return std::int64_t{era} * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// A lab CSV: `Timestamp` as YYYY-MM-DD HH:MM:SS, `Active (W)`, `Reactive (W)` found by name.
Recording load_lab_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream hs(line);
  for (std::string c; std::getline(hs, c, ',');) header.push_back(c);
  std::size_t ip = header.size(), iq = header.size();
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "Active (W)") ip = i;
    if (header[i] == "Reactive (W)") iq = i;
  }
  Recording out;
  EXPECT_LT(ip, header.size()) << path;
  EXPECT_LT(iq, header.size()) << path;
  if (ip == header.size() || iq == header.size()) return out;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    if (cells.size() != header.size()) continue;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (std::sscanf(cells[0].c_str(), "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6) continue;
    const std::int64_t t_s =
        days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
        mi * 60 + s;
    out.rows.push_back({t_s * 1000, std::stod(cells[ip]), std::stod(cells[iq])});
  }
  return out;
}

struct TrueStep {
  std::int64_t t_ms = 0;
  bool on = false;
};

// Ground truth: the transitions of one appliance alone across 150 W, dated at the first sample
// on the other side.
std::vector<TrueStep> transitions(const Recording& appliance) {
  std::vector<TrueStep> out;
  bool on = false;
  for (const Point& r : appliance.rows) {
    const bool now = r.p > 150.0;
    if (now != on) out.push_back({r.t_ms, now});
    on = now;
  }
  return out;
}

struct Score {
  std::size_t truth = 0, detected = 0, matched = 0;
  double precision() const { return detected ? static_cast<double>(matched) / detected : 0.0; }
  double recall() const { return truth ? static_cast<double>(matched) / truth : 0.0; }
  double f1() const {
    const double p = precision(), r = recall();
    return p + r > 0.0 ? 2.0 * p * r / (p + r) : 0.0;
  }
};

// One detection per true step: each event takes the nearest unmatched true step of the same
// direction within 3 s.
Score score(const std::vector<TrueStep>& truth, const std::vector<SwitchEvent>& events) {
  constexpr std::int64_t kToleranceMs = 3'000;
  Score s;
  s.truth = truth.size();
  s.detected = events.size();
  std::vector<bool> used(truth.size(), false);
  for (const SwitchEvent& e : events) {
    std::size_t best = truth.size();
    for (std::size_t i = 0; i < truth.size(); ++i) {
      const std::int64_t d = std::llabs(truth[i].t_ms - e.t_ms);
      if (used[i] || d > kToleranceMs || truth[i].on != (e.dp_w > 0.0)) continue;
      if (best == truth.size() || d < std::llabs(truth[best].t_ms - e.t_ms)) best = i;
    }
    if (best < truth.size()) {
      used[best] = true;
      ++s.matched;
    }
  }
  return s;
}

class LabRecording : public ::testing::TestWithParam<const char*> {};

TEST_P(LabRecording, FindsEverySwitchingAbove150W) {
  const std::filesystem::path dir =
      std::filesystem::path(METERD_SOURCE_DIR) / "tests/data/nilm/lab-1hz" / GetParam();
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  std::vector<TrueStep> truth;
  Recording mains;
  int appliances = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    Recording r = load_lab_csv(entry.path());
    ASSERT_GT(r.rows.size(), 200u) << name;
    if (name.rfind("main", 0) == 0) {
      mains = std::move(r);
    } else {
      ++appliances;
      for (const TrueStep& s : transitions(r)) truth.push_back(s);
    }
  }
  ASSERT_GE(appliances, 2);
  ASSERT_FALSE(mains.rows.empty());
  ASSERT_GE(truth.size(), 3u);
  const Score s = score(truth, run(mains.rows));  // default configuration
  std::printf("lab-1hz %-45s true steps %2zu, events %2zu, precision %.3f recall %.3f F1 %.3f\n",
              GetParam(), s.truth, s.detected, s.precision(), s.recall(), s.f1());
  EXPECT_GE(s.f1(), 0.95);
}

INSTANTIATE_TEST_SUITE_P(Lab1Hz, LabRecording,
                         ::testing::Values("2combi_kettle+vacuum/train_data",
                                           "2combi_kettle+vacuum/test_data",
                                           "3combi_kettle+vacuum+wheater/train_data",
                                           "3combi_kettle+vacuum+wheater/test_data"));

}  // namespace
}  // namespace meterd::nilm
