#include "src/app/nilm_commands.hpp"

#include <variant>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "src/app/output_file.hpp"
#include "src/config/config.hpp"
#include "src/nilm/replay/replay_runner.hpp"
#include "src/nilm/replay/step_csv_writer.hpp"

namespace meterd::app {
namespace {

namespace replay = nilm::replay;

constexpr std::int64_t kDayMs = 86'400'000;

constexpr std::string_view kReplaySynopsis =
    "replay --mains FILE.csv[:PCOL[,QCOL]] [--submeter CATEGORY=FILE.csv[:COL]]...\n"
    "                   [--usages CATEGORY,...] [--train-until TIME] [--step 10min]\n"
    "                   [--max-gap 3min] [--utc-offset +HH:MM|local] [--out FILE.csv]";

constexpr std::string_view kReplayHelp =
    "Runs the streaming NILM engine over recorded CSV files and writes, for every step, the\n"
    "energy and confidence of each category (start,end,covered_s,total_wh,<usage>_wh...,\n"
    "<usage>_confidence...); a step without mains data has covered_s 0 and empty fields.\n"
    "  --mains FILE[:PCOL[,QCOL]]     mains power (default columns p_w[,q_var] or p1_w..p3_w)\n"
    "  --submeter CATEGORY=FILE[:COL] a complete sub-meter of CATEGORY (lighting, it,\n"
    "                                 heat_cold_production, heating_elements, ventilation,\n"
    "                                 hvac_auxiliaries, other); repeatable\n"
    "  --usages CATEGORY,...          the usages the site has (default: all); the others are\n"
    "                                 never estimated (their share goes to other); every\n"
    "                                 sub-meter's category must be listed\n"
    "  --train-until TIME             sub-meter data from TIME on is withheld (ISO 8601 UTC,\n"
    "                                 'YYYY-MM-DD HH:MM:SS' as UTC, or unix seconds)\n"
    "  --step DURATION                output resolution, dividing a day (default 10min;\n"
    "                                 units ms, s, min, h, d)\n"
    "  --max-gap DURATION             mains samples further apart leave a gap with no\n"
    "                                 energy (default 3min, at most 1h): raise it for data\n"
    "                                 slower than 1 sample a minute\n"
    "  --utc-offset +HH:MM|local      local time of the time-of-day features and the steps\n"
    "                                 (default +00:00: the files' own clock); local: the time\n"
    "                                 zone of TZ or /etc/localtime, daylight saving followed\n"
    "  --out FILE                     output CSV (default: stdout); a regular file is\n"
    "                                 replaced when complete, a device or pipe written to\n"
    "CSV input: a header line, the timestamp first (same forms as TIME).\n";

int usage(NilmIo io, const std::string& detail) {
  io.err << "meterd nilm: " << detail << "\nusage: meterd nilm " << kReplaySynopsis << '\n';
  return kExitUsage;
}

// The parsed options of `replay`, or the exit code of a usage error already reported.
struct ReplayArgs {
  replay::ReplayOptions options;
  std::optional<std::filesystem::path> out;
  bool help = false;
};

std::variant<ReplayArgs, int> parse_replay_args(std::span<const std::string> args, NilmIo io) {
  ReplayArgs a;
  std::set<std::string> seen;  // options that may be given once
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    if (name == "--help" || name == "-h") {
      a.help = true;
      continue;
    }
    if (!name.starts_with("--")) return usage(io, "unexpected argument '" + name + "'");
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (name != "--mains" && name != "--submeter" && name != "--usages" &&
        name != "--train-until" && name != "--step" && name != "--max-gap" &&
        name != "--utc-offset" && name != "--out") {
      return usage(io, "unknown option '" + name + "'");
    }
    if (!value) {
      if (i + 1 >= args.size()) return usage(io, "option '" + name + "' needs a value");
      value = args[++i];
    }
    if (name != "--submeter" && !seen.insert(name).second) {
      return usage(io, "option '" + name + "' given twice");
    }
    if (name == "--mains") {
      auto sel = replay::parse_column_selector(*value);
      if (!sel) return usage(io, "--mains: " + sel.error().detail);
      a.options.mains = std::move(*sel);
    } else if (name == "--submeter") {
      auto sub = replay::parse_submeter_input(*value);
      if (!sub) return usage(io, "--submeter: " + sub.error().detail);
      a.options.submeters.push_back(std::move(*sub));
    } else if (name == "--usages") {
      auto present = replay::parse_usage_list(*value);
      if (!present) return usage(io, "--usages: " + present.error().detail);
      a.options.present = *present;
    } else if (name == "--train-until") {
      auto t = replay::parse_timestamp_ms(*value);
      if (!t) return usage(io, "--train-until: " + t.error().detail);
      a.options.train_until_ms = *t;
    } else if (name == "--step") {
      auto d = replay::parse_duration_ms(*value);
      if (!d) return usage(io, "--step: " + d.error().detail);
      if (*d <= 0 || kDayMs % *d != 0) {
        return usage(io, "--step: '" + *value +
                             "' does not divide a day into whole steps (e.g. 1min, 5min, 10min, "
                             "15min, 1h)");
      }
      a.options.step_ms = *d;
    } else if (name == "--max-gap") {
      auto d = replay::parse_duration_ms(*value);
      if (!d) return usage(io, "--max-gap: " + d.error().detail);
      if (*d < 1'000 || *d > 3'600'000) {
        return usage(io, "--max-gap: '" + *value + "' is outside 1s .. 1h");
      }
      a.options.max_gap_ms = *d;
    } else if (name == "--utc-offset") {
      if (*value == "local") {
        a.options.local_offset_ms = [](std::int64_t t_ms) {
          const auto offset = config::local_utc_offset(UtcTime{std::chrono::milliseconds{t_ms}});
          return std::chrono::milliseconds(offset).count();
        };
      } else if (const auto offset = config::parse_utc_offset(*value)) {
        a.options.utc_offset_ms = std::chrono::milliseconds(*offset).count();
      } else {
        return usage(io, "--utc-offset: expected local or an offset from -14:00 to +14:00 such "
                         "as +01:00, found '" + *value + "'");
      }
    } else {
      if (value->empty()) return usage(io, "option '--out' needs a file name");
      a.out = std::filesystem::path{*value};
    }
  }
  if (!a.help && !seen.contains("--mains")) return usage(io, "replay needs --mains FILE.csv");
  return a;
}

// The input file `out` would overwrite, if any.
std::optional<std::filesystem::path> overwritten_input(const replay::ReplayOptions& options,
                                                       const std::filesystem::path& out) {
  std::vector<std::filesystem::path> inputs{options.mains.file};
  for (const auto& s : options.submeters) inputs.push_back(s.source.file);
  for (const auto& in : inputs) {
    std::error_code ec;
    if (std::filesystem::equivalent(in, out, ec) && !ec) return in;
  }
  return std::nullopt;
}

int run_replay_command(std::span<const std::string> args, NilmIo io) {
  auto parsed = parse_replay_args(args, io);
  if (const int* code = std::get_if<int>(&parsed)) return *code;
  ReplayArgs& a = std::get<ReplayArgs>(parsed);
  if (a.help) {
    io.out << "usage: meterd nilm " << kReplaySynopsis << "\n\n" << kReplayHelp;
    return kExitOk;
  }

  // Every file is opened and every column found before anything is written.
  auto runner = replay::ReplayRunner::open(a.options);
  if (!runner) {
    const Error& e = runner.error();
    if (e.is(Errc::invalid_argument) || e.is(Errc::not_found)) return usage(io, e.detail);
    io.err << "meterd nilm replay: " << e.detail << '\n';
    return kExitFailure;
  }
  std::optional<OutputFile> file;
  if (a.out) {
    if (const auto input = overwritten_input(a.options, *a.out)) {
      return usage(io, "--out " + a.out->string() + " is the input file " + input->string());
    }
    auto opened = OutputFile::open(*a.out);
    if (!opened) {
      io.err << "meterd nilm replay: " << opened.error().detail << '\n';
      return kExitFailure;
    }
    file.emplace(std::move(*opened));
  }
  std::ostream& out = file ? file->stream() : io.out;
  replay::StepCsvWriter writer{out};
  const auto stats = runner->run([&](const nilm::StepResult& step) { writer.write(step); });
  if (!stats) {
    io.err << "meterd nilm replay: " << stats.error().detail << '\n';
    return kExitFailure;  // the temporary file goes with `file`
  }
  if (file) {
    if (auto committed = file->commit(); !committed) {
      io.err << "meterd nilm replay: " << committed.error().detail << '\n';
      return kExitFailure;
    }
  } else if (!out.flush()) {
    io.err << "meterd nilm replay: writing the output failed\n";
    return kExitFailure;
  }
  const auto& s = *stats;
  io.err << "meterd nilm replay: " << s.mains_samples << " mains samples, " << s.submeter_samples
         << " sub-meter samples, " << s.steps << " steps, " << s.engine.events << " events, "
         << s.engine.gaps << " gaps, " << s.engine.dropped_samples << " samples dropped";
  if (a.options.local_offset_ms) {
    io.err << ", " << s.offset_changes << (s.offset_changes == 1 ? " change" : " changes")
           << " of UTC offset";
  }
  io.err << '\n';
  if (!a.options.submeters.empty() && s.submeter_samples == 0) {
    io.err << "meterd nilm replay: warning: no sub-meter sample was used"
           << (a.options.train_until_ms ? " (all are from --train-until on)" : "")
           << ": the engine learned nothing from the sub-meters\n";
  }
  if (s.engine.submeters_over_mains > 0) {
    io.err << "meterd nilm replay: warning: in " << s.engine.submeters_over_mains
           << " mains samples the sub-meters measured more than the mains (by over 10 % and "
              "100 W): check their columns' scale and that they are part of the mains; their "
              "power was scaled down to the mains\n";
  }
  // Most intervals longer than --max-gap: data slower than the replay's rates, mostly gaps.
  if (s.mains_samples > 2 && 2 * s.engine.gaps > s.mains_samples) {
    io.err << "meterd nilm replay: warning: " << s.engine.gaps << " of " << s.mains_samples
           << " mains samples came more than --max-gap ("
           << config::format_duration(std::chrono::milliseconds{a.options.max_gap_ms})
           << ") after the one before: those intervals are gaps, with no energy; for data "
              "slower than 1 sample a minute give --max-gap above its interval\n";
  }
  return kExitOk;
}

}  // namespace

void add_nilm_commands(CommandTable& commands) {
  (void)commands.add({.name = "nilm",
                      .summary = "nilm replay: disaggregate recorded CSV data by usage",
                      .handler = [](const CommandLine& cl) {
                        return run_nilm_command(cl.command_args, {std::cout, std::cerr});
                      }});
}

int run_nilm_command(std::span<const std::string> args, NilmIo io) {
  if (args.empty()) return usage(io, "missing subcommand");
  if (args.front() == "--help" || args.front() == "-h" || args.front() == "help") {
    io.out << "usage: meterd nilm " << kReplaySynopsis << "\n\n" << kReplayHelp;
    return kExitOk;
  }
  if (args.front() != "replay") return usage(io, "unknown subcommand '" + args.front() + "'");
  return run_replay_command(args.subspan(1), io);
}

}  // namespace meterd::app
