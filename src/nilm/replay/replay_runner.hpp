// src/nilm/replay/replay_runner.hpp: runs the streaming NILM engine over recorded CSV files.
//
// The offline twin of the daemon's NILM service (issue 7, "Offline runner"): the mains file and
// the sub-meter files are read in parallel and merged into one time-ordered stream (at equal
// times sub-meters first, so a step sees its known loads before its mains), fed to one
// meterd::nilm::Engine, and each closed step is handed to the caller as soon as the engine emits
// it. Sub-meters are declared `complete` (each measures its whole category). With a training
// limit, a sub-meter file is read only up to it (its samples from then on are withheld): the
// engine never sees ground truth of the period it is evaluated on. Memory: one line per file plus the engine's.
//
// Thread contract: not thread-safe; run_replay() blocks the caller (file I/O) until the files
// end or one of them has a malformed line.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "meterd/error.hpp"
#include "src/nilm/engine.hpp"
#include "src/nilm/replay/replay_input.hpp"

namespace meterd::nilm::replay {

struct ReplayOptions {
  ColumnSelector mains;
  std::vector<SubmeterInput> submeters;  // distinct categories, each among `present`
  UsageSet present = kAllUsagesPresent;  // the usages the site has (EngineConfig::present)
  std::optional<std::int64_t> train_until_ms;  // sub-meter data from here on is withheld
  std::int64_t step_ms = 600'000;
  // Mains samples further apart than this leave a gap between them (no energy, as the daemon's
  // nilm.max_gap): 1 s .. 1 h. Data slower than the default's 1 min rates needs a larger one.
  std::int64_t max_gap_ms = 180'000;
  // Local time (the time-of-day and day-of-week features, the steps' grid) = UTC + this; 0: the
  // files' own clock (naive timestamps are read as UTC).
  std::int64_t utc_offset_ms = 0;
  // When set, the offset at a time instead (a time zone's rules, daylight saving included):
  // asked at the first mains sample (the steps' grid) and at each one after (the features
  // follow a change, Engine::set_utc_offset), as the daemon's NILM service does. Asked once per
  // UTC minute, not per sample (a localtime_r per 1 Hz sample cost 5-10 % of a replay): time
  // zones have changed on whole minutes since the 1970s; an older local-mean-time change (e.g.
  // Monrovia's until 1972) is followed up to a minute late.
  std::function<std::int64_t(std::int64_t t_ms)> local_offset_ms;
};

struct ReplayStats {
  std::uint64_t mains_samples = 0;       // read from the mains file
  std::uint64_t submeter_samples = 0;    // fed to the engine (before the training limit)
  std::uint64_t steps = 0;
  std::uint64_t offset_changes = 0;  // of the local time's offset (ReplayOptions::local_offset_ms)
  EngineStats engine;
};

// One replay: open() checks the options (distinct categories, each a usage the site has, a step
// that divides a day) and
// opens every file, so a bad argument fails before any output; run() then replays.
class ReplayRunner {
 public:
  // Errors: Errc::invalid_argument (options, columns), not_found, io_error, parse_error (a
  // file without a header).
  static Result<ReplayRunner> open(const ReplayOptions& options);

  // Replays to the end of the files, once; `on_step` gets each step in time order. Error:
  // Errc::parse_error "FILE:LINE:COLUMN: ..." at a malformed line (steps already passed stand).
  Result<ReplayStats> run(const std::function<void(const StepResult&)>& on_step);

  ReplayRunner(ReplayRunner&&) noexcept;
  ReplayRunner& operator=(ReplayRunner&&) noexcept;
  ~ReplayRunner();

 private:
  struct Source;
  ReplayRunner(ReplayOptions options, std::vector<Source> sources, Engine engine);

  ReplayOptions options_;
  std::vector<Source> sources_;  // sub-meters first: they win ties with the mains
  Engine engine_;
};

// open() then run().
Result<ReplayStats> run_replay(const ReplayOptions& options,
                               const std::function<void(const StepResult&)>& on_step);

}  // namespace meterd::nilm::replay
