// src/app/output_file.hpp: a command's output file (`meterd nilm replay --out`, `meterd export
// --output`), written so that a failed run never leaves half a file under its name and the node
// the name points to is respected.
//
// A regular file, or a new name, is written as a temporary file beside it, created exclusively
// under a random name (mkstemp: never an existing file, nor a link someone placed) and written
// through that descriptor, given the old file's mode (and, run as root, its owner; 0666 less the
// umask for a new one), synced and renamed over the name by commit(); discard() or the
// destructor removes it. So the directory must be writable, and a hard link to the old file keeps
// the old content. A symbolic link is followed hop by hop
// (read_symlink, relative to the link's directory; a dangling one to where it points; a loop is
// an error): the link stays, its target is replaced. Anything else that exists (a device such as /dev/null, a named
// pipe, a terminal) and any path through /proc or /dev/fd (/dev/stdout: the shell's redirection,
// which may be a file opened for appending) is written in place, appending: a rename would
// replace the node itself (as root, /dev/null with it), and reopening /dev/stdout for writing
// would truncate what `>>` meant to keep. Not thread-safe.
#pragma once

#include <filesystem>
#include <fstream>
#include <ostream>
#include <utility>

#include "meterd/error.hpp"

namespace meterd::app {

class OutputFile {
 public:
  // Errc::invalid_argument for a directory, io_error when the temporary file or the node cannot
  // be opened for writing (the detail names the path).
  static Result<OutputFile> open(const std::filesystem::path& path);

  OutputFile(OutputFile&& o) noexcept
      : target_(std::move(o.target_)), tmp_(std::move(o.tmp_)), out_(std::move(o.out_)),
        fd_(o.fd_), done_(o.done_) {
    o.fd_ = -1;
    o.done_ = true;  // the moved-from one removes nothing
  }
  OutputFile& operator=(OutputFile&&) = delete;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() { discard(); }

  std::ostream& stream() noexcept { return out_; }
  bool in_place() const noexcept { return tmp_.empty(); }

  // Flushes and closes; renames the temporary file over the target. Errc::io_error on a write or
  // rename failure (the temporary file is removed then).
  Result<void> commit();
  // Removes the temporary file (what was written in place stays); idempotent.
  void discard() noexcept;

 private:
  OutputFile(std::filesystem::path target, std::filesystem::path tmp)
      : target_(std::move(target)), tmp_(std::move(tmp)) {}

  std::filesystem::path target_;  // where the output lands: the path, or the file its links lead to
  std::filesystem::path tmp_;  // empty: written in place
  std::ofstream out_;
  int fd_ = -1;  // mkstemp's descriptor of tmp_, kept to fsync it before the rename
  bool done_ = false;
};

}  // namespace meterd::app
