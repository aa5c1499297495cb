#include "src/nilm/replay/replay_runner.hpp"

#include <array>
#include <string>

#include "src/nilm/replay/csv_series_reader.hpp"

namespace meterd::nilm::replay {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

// One input file and the sample it offers next.
struct Source {
  CsvSeriesReader reader;
  std::optional<PowerSample> head;
  std::size_t submeter = 0;  // index in EngineConfig::submeters; unused for the mains
  bool mains = false;
};

Result<void> check_options(const ReplayOptions& options) {
  if (options.step_ms <= 0 || kDayMs % options.step_ms != 0) {
    return Error{Errc::invalid_argument, "step " + std::to_string(options.step_ms) +
                                             " ms does not divide a day into whole steps"};
  }
  std::array<bool, kUsageCount> seen{};
  for (const auto& s : options.submeters) {
    if (seen[index_of(s.usage)]) {
      return Error{Errc::invalid_argument, "category '" + std::string{to_string(s.usage)} +
                                               "' given to two sub-meters (each is complete)"};
    }
    seen[index_of(s.usage)] = true;
  }
  return {};
}

}  // namespace

Result<ReplayStats> run_replay(const ReplayOptions& options,
                               const std::function<void(const StepResult&)>& on_step) {
  if (auto ok = check_options(options); !ok) return ok.error();

  EngineConfig config;
  config.step_ms = options.step_ms;
  std::vector<Source> sources;  // sub-meters first: they win ties with the mains
  for (std::size_t i = 0; i < options.submeters.size(); ++i) {
    const auto& input = options.submeters[i];
    auto reader = CsvSeriesReader::open(input.source);
    if (!reader) return reader.error();
    if (reader->phases() != 1) {
      return Error{Errc::invalid_argument, reader->file() + ": a sub-meter is one channel; "
                                           "name its column as FILE:COLUMN"};
    }
    const auto columns = reader->column_names();
    config.submeters.push_back(
        {.name = input.source.file.filename().string() + ":" + columns.front(),
         .usage = input.usage,
         .complete = true});
    sources.push_back({.reader = std::move(*reader), .head = {}, .submeter = i, .mains = false});
  }
  auto mains = CsvSeriesReader::open(options.mains);
  if (!mains) return mains.error();
  sources.push_back({.reader = std::move(*mains), .head = {}, .submeter = 0, .mains = true});

  ReplayStats stats;
  Engine engine{config};
  auto emit = [&] {
    for (const StepResult& step : engine.take_steps()) {
      ++stats.steps;
      on_step(step);
    }
  };
  // Loads the next sample of a source; a sub-meter past the training limit is closed.
  auto advance = [&](Source& s) -> Result<void> {
    auto next = s.reader.next();
    if (!next) return next.error();
    s.head = *next;
    if (!s.mains && s.head && options.train_until_ms && s.head->t_ms >= *options.train_until_ms) {
      s.head.reset();
    }
    return {};
  };
  for (auto& s : sources) {
    if (auto ok = advance(s); !ok) return ok.error();
  }
  while (true) {
    Source* first = nullptr;
    for (auto& s : sources) {
      if (s.head && (first == nullptr || s.head->t_ms < first->head->t_ms)) first = &s;
    }
    if (first == nullptr) break;
    if (first->mains) {
      engine.push_mains(*first->head);
      ++stats.mains_samples;
      emit();
    } else {
      engine.push_submeter(first->submeter, *first->head);
      ++stats.submeter_samples;
    }
    if (auto ok = advance(*first); !ok) return ok.error();
  }
  engine.finish();
  emit();
  stats.engine = engine.stats();
  return stats;
}

}  // namespace meterd::nilm::replay
