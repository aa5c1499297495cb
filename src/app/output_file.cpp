#include "src/app/output_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace meterd::app {
namespace {

namespace fs = std::filesystem;

// Links to what the kernel makes up per process (/dev/stdout -> /proc/self/fd/1): only the node
// itself may be written, never replaced.
bool through_proc(const fs::path& p) {
  const std::string s = p.lexically_normal().string();
  return s.starts_with("/proc/") || s.starts_with("/dev/fd/");
}

struct Resolved {
  fs::path path;
  bool in_place = false;
};

// Follows `out`'s symbolic links (at most 40 hops, as the kernel).
Resolved resolve(const fs::path& out) {
  fs::path p = out;
  for (int hop = 0; hop < 40; ++hop) {
    if (through_proc(p)) return {out, true};
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(p, ec))) break;
    const fs::path link = fs::read_symlink(p, ec);
    if (ec) break;
    p = link.is_absolute() ? link : p.parent_path() / link;
  }
  std::error_code ec;
  const auto status = fs::status(p, ec);
  return {p, fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status)};
}

// The mode a new file gets: 0666 less the process's umask.
mode_t new_file_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

}  // namespace

Result<OutputFile> OutputFile::open(const fs::path& path) {
  const Resolved r = resolve(path);
  std::error_code ec;
  if (!r.in_place && fs::is_directory(r.path, ec)) {
    return Error{Errc::invalid_argument, "cannot write " + path.string() + ": is a directory"};
  }
  if (r.in_place) {
    OutputFile f(r.path, {});
    // Appending: /dev/stdout may be a file the shell opened with >>, and reopening it for
    // writing would truncate it; a device or a pipe has no end to append to.
    f.out_.open(path, std::ios::binary | std::ios::app);
    if (!f.out_) return Error{Errc::io_error, "cannot write " + path.string()};
    return f;
  }
  std::string pattern = r.path.string() + ".tmp.XXXXXX";
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) {
    return Error{Errc::io_error, "cannot create a temporary file beside " + r.path.string() +
                                     ": " + std::strerror(errno)};
  }
  struct stat old {};
  if (::stat(r.path.c_str(), &old) == 0) {
    (void)::fchmod(fd, old.st_mode & 07777);
    if (::geteuid() == 0) (void)::fchown(fd, old.st_uid, old.st_gid);
  } else {
    (void)::fchmod(fd, new_file_mode());
  }
  ::close(fd);
  OutputFile f(r.path, pattern);
  f.out_.open(f.tmp_, std::ios::binary | std::ios::trunc);
  if (!f.out_) return Error{Errc::io_error, "cannot write " + f.tmp_.string()};
  return f;
}

Result<void> OutputFile::commit() {
  out_.flush();
  const bool written = static_cast<bool>(out_);
  out_.close();
  if (!written) {
    discard();
    return Error{Errc::io_error, "writing " + target_.string() + " failed"};
  }
  done_ = true;
  if (tmp_.empty()) return {};
  std::error_code ec;
  fs::rename(tmp_, target_, ec);
  if (ec) {
    done_ = false;
    discard();
    return Error{Errc::io_error, "cannot rename the output to " + target_.string() + ": " +
                                     ec.message()};
  }
  return {};
}

void OutputFile::discard() noexcept {
  if (done_) return;
  done_ = true;
  if (out_.is_open()) out_.close();
  if (tmp_.empty()) return;
  std::error_code ec;
  fs::remove(tmp_, ec);
}

}  // namespace meterd::app
