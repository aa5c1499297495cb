#include "src/nilm/replay/replay_runner.hpp"

#include <array>
#include <chrono>
#include <optional>
#include <string>

#include "src/nilm/replay/csv_series_reader.hpp"

namespace meterd::nilm::replay {

namespace {

constexpr std::int64_t kDayMs = 86'400'000;

Result<void> check_options(const ReplayOptions& options) {
  if (options.step_ms <= 0 || kDayMs % options.step_ms != 0) {
    return Error{Errc::invalid_argument, "step " + std::to_string(options.step_ms) +
                                             " ms does not divide a day into whole steps"};
  }
  if (options.max_gap_ms < 1'000 || options.max_gap_ms > 3'600'000) {
    return Error{Errc::invalid_argument, "max gap " + std::to_string(options.max_gap_ms) +
                                             " ms is outside 1 s .. 1 h"};
  }
  std::array<bool, kUsageCount> seen{};
  for (const auto& s : options.submeters) {
    if (seen[index_of(s.usage)]) {
      return Error{Errc::invalid_argument, "category '" + std::string{to_string(s.usage)} +
                                               "' given to two sub-meters (each is complete)"};
    }
    seen[index_of(s.usage)] = true;
    if (!options.present[index_of(s.usage)]) {
      return Error{Errc::invalid_argument,
                   "category '" + std::string{to_string(s.usage)} +
                       "' has a sub-meter but is not among the site's usages (--usages)"};
    }
  }
  return {};
}

}  // namespace

// One input file and the sample it offers next.
struct ReplayRunner::Source {
  CsvSeriesReader reader;
  std::optional<PowerSample> head;
  std::size_t submeter = 0;  // index in EngineConfig::submeters; unused for the mains
  bool mains = false;
};

ReplayRunner::ReplayRunner(ReplayOptions options, std::vector<Source> sources, Engine engine)
    : options_(std::move(options)), sources_(std::move(sources)), engine_(std::move(engine)) {}
ReplayRunner::ReplayRunner(ReplayRunner&&) noexcept = default;
ReplayRunner& ReplayRunner::operator=(ReplayRunner&&) noexcept = default;
ReplayRunner::~ReplayRunner() = default;

Result<ReplayRunner> ReplayRunner::open(const ReplayOptions& options) {
  if (auto ok = check_options(options); !ok) return ok.error();
  EngineConfig config;
  config.step_ms = options.step_ms;
  config.present = options.present;
  config.utc_offset_ms = options.utc_offset_ms;
  config.max_gap_ms = options.max_gap_ms;
  std::vector<Source> sources;
  for (std::size_t i = 0; i < options.submeters.size(); ++i) {
    const auto& input = options.submeters[i];
    auto reader = CsvSeriesReader::open(input.source);
    if (!reader) return reader.error();
    if (reader->phases() != 1) {
      return Error{Errc::invalid_argument, reader->file() + ": a sub-meter is one channel; "
                                           "name its column as FILE:COLUMN"};
    }
    config.submeters.push_back(
        {.name = input.source.file.filename().string() + ":" + reader->column_names().front(),
         .usage = input.usage,
         .complete = true});
    sources.push_back({.reader = std::move(*reader), .head = {}, .submeter = i, .mains = false});
  }
  auto mains = CsvSeriesReader::open(options.mains);
  if (!mains) return mains.error();
  sources.push_back({.reader = std::move(*mains), .head = {}, .submeter = 0, .mains = true});
  return ReplayRunner{options, std::move(sources), Engine{std::move(config)}};
}

Result<ReplayStats> ReplayRunner::run(const std::function<void(const StepResult&)>& on_step) {
  ReplayStats stats;
  auto emit = [&] {
    for (const StepResult& step : engine_.take_steps()) {
      ++stats.steps;
      on_step(step);
    }
  };
  // Loads the next sample of a source; a sub-meter past the training limit is closed.
  auto advance = [&](Source& s) -> Result<void> {
    auto next = s.reader.next();
    if (!next) return next.error();
    s.head = *next;
    if (!s.mains && s.head && options_.train_until_ms &&
        s.head->t_ms >= *options_.train_until_ms) {
      s.head.reset();
    }
    return {};
  };
  for (auto& s : sources_) {
    if (auto ok = advance(s); !ok) return ok.error();
  }
  if (options_.local_offset_ms && sources_.back().head) {
    // The steps' grid on the local time of the first mains sample (the mains are the last source).
    EngineConfig config = engine_.config();
    config.utc_offset_ms = options_.local_offset_ms(sources_.back().head->t_ms);
    engine_ = Engine{std::move(config)};
  }
  std::optional<std::int64_t> asked_minute;  // of local_offset_ms's last call
  while (true) {
    Source* first = nullptr;
    for (auto& s : sources_) {
      if (s.head && (first == nullptr || s.head->t_ms < first->head->t_ms)) first = &s;
    }
    if (first == nullptr) break;
    if (first->mains) {
      const auto minute = std::chrono::floor<std::chrono::minutes>(
                              std::chrono::milliseconds{first->head->t_ms}).count();
      if (options_.local_offset_ms && minute != asked_minute) {
        asked_minute = minute;
        const std::int64_t offset = options_.local_offset_ms(first->head->t_ms);
        if (offset != engine_.config().utc_offset_ms) {
          engine_.set_utc_offset(offset);
          ++stats.offset_changes;
        }
      }
      engine_.push_mains(*first->head);
      ++stats.mains_samples;
      emit();
    } else {
      engine_.push_submeter(first->submeter, *first->head);
      ++stats.submeter_samples;
    }
    if (auto ok = advance(*first); !ok) return ok.error();
  }
  engine_.finish();
  emit();
  stats.engine = engine_.stats();
  return stats;
}

Result<ReplayStats> run_replay(const ReplayOptions& options,
                               const std::function<void(const StepResult&)>& on_step) {
  auto runner = ReplayRunner::open(options);
  if (!runner) return runner.error();
  return runner->run(on_step);
}

}  // namespace meterd::nilm::replay
