// src/app/nilm_commands.hpp: `meterd nilm ...`, the NILM commands for people with recorded data
// (docs/nilm.md "Replay"):
//   meterd nilm replay --mains FILE.csv[:PCOL[,QCOL]] [--submeter CATEGORY=FILE.csv[:COL]]...
//                      [--train-until TIME] [--step 10min] [--out FILE.csv]
// runs the streaming engine over the files (src/nilm/replay) and writes the per-category steps
// as CSV to --out (written to FILE.tmp, renamed when complete) or stdout, and one summary line
// on stderr. Exit codes: kExitOk; kExitUsage for a bad argument (unknown option or category, bad
// time or duration, missing file or column); kExitFailure for bad data (a malformed line, named
// FILE:LINE:COLUMN) or an output that cannot be written. BLOCKING; main thread only.
#pragma once

#include <iosfwd>
#include <span>
#include <string>

#include "src/app/command_line.hpp"

namespace meterd::app {

struct NilmIo {
  std::ostream& out;
  std::ostream& err;
};

// Registers `nilm` (std::cout, std::cerr).
void add_nilm_commands(CommandTable& commands);

// The words after `nilm`: a subcommand (`replay`) and its options.
int run_nilm_command(std::span<const std::string> args, NilmIo io);

}  // namespace meterd::app
