#include "src/app/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
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

// Follows `out`'s symbolic links (at most 40 hops, as the kernel); a loop or an unreadable link is
// an error, never a link to replace.
Result<Resolved> resolve(const fs::path& out) {
  fs::path p = out;
  for (int hop = 0;; ++hop) {
    if (through_proc(p)) return Resolved{out, true};
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(p, ec))) break;
    const fs::path link = fs::read_symlink(p, ec);
    if (ec || hop == 40) {
      return Error{Errc::io_error, "cannot write " + out.string() + ": " +
                                       (ec ? ec.message() : "too many levels of symbolic links")};
    }
    p = link.is_absolute() ? link : p.parent_path() / link;
  }
  std::error_code ec;
  const auto status = fs::status(p, ec);
  return Resolved{p, fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status)};
}

// The mode a new file gets: 0666 less the process's umask, read from /proc (umask() to read it
// would change it for every thread meanwhile).
mode_t new_file_mode() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "Umask:") {
      std::string octal;
      status >> octal;
      return static_cast<mode_t>(0666 & ~std::stoul(octal, nullptr, 8));
    }
    status.ignore(4096, '\n');
  }
  return 0644;
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

Result<OutputFile> OutputFile::open(const fs::path& path) {
  auto r = resolve(path);
  if (!r) return r.error();
  std::error_code ec;
  if (!r->in_place && fs::is_directory(r->path, ec)) {
    return Error{Errc::invalid_argument, "cannot write " + path.string() + ": is a directory"};
  }
  if (r->in_place) {
    OutputFile f(r->path, {});
    // Appending: /dev/stdout may be a file the shell opened with >>, and reopening it for
    // writing would truncate it; a device or a pipe has no end to append to.
    f.out_.open(path, std::ios::binary | std::ios::app);
    if (!f.out_) return Error{Errc::io_error, "cannot write " + path.string()};
    return f;
  }
  std::string pattern = r->path.string() + ".tmp.XXXXXX";
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) {
    return Error{Errc::io_error, "cannot create a temporary file beside " + r->path.string() +
                                     ": " + errno_text()};
  }
  struct stat old {};
  if (::stat(r->path.c_str(), &old) == 0) {
    (void)::fchmod(fd, old.st_mode & 07777);
    if (::geteuid() == 0) (void)::fchown(fd, old.st_uid, old.st_gid);  // only root may give
  } else {
    (void)::fchmod(fd, new_file_mode());
  }
  OutputFile f(r->path, pattern);
  f.fd_ = fd;
  // Written through mkstemp's descriptor (its /proc/self/fd link is the open file itself), never
  // reopened by name: the name could have been swapped for a link meanwhile.
  f.out_.open("/proc/self/fd/" + std::to_string(fd), std::ios::binary | std::ios::trunc);
  if (!f.out_) return Error{Errc::io_error, "cannot write " + f.tmp_.string()};
  return f;
}

Result<void> OutputFile::commit() {
  out_.flush();
  out_.close();  // close() sets failbit when the flush at close fails (a quota, NFS)
  const bool written = !out_.fail();
  // On the disk before it takes the name: a power cut leaves the old file or the new, never an
  // empty one under the name.
  const bool synced = fd_ < 0 || ::fsync(fd_) == 0;
  if (!written || !synced) {
    discard();
    return Error{Errc::io_error, "writing " + target_.string() + " failed"};
  }
  done_ = true;
  if (tmp_.empty()) return {};
  ::close(fd_);
  fd_ = -1;
  std::error_code ec;
  fs::rename(tmp_, target_, ec);
  if (ec) {
    done_ = false;
    discard();
    return Error{Errc::io_error, "cannot rename the output to " + target_.string() + ": " +
                                     ec.message()};
  }
  const fs::path dir = target_.has_parent_path() ? target_.parent_path() : fs::path{"."};
  if (const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY); d >= 0) {  // the rename itself
    (void)::fsync(d);
    ::close(d);
  }
  return {};
}

void OutputFile::discard() noexcept {
  if (done_) return;
  done_ = true;
  if (out_.is_open()) out_.close();
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (tmp_.empty()) return;
  std::error_code ec;
  fs::remove(tmp_, ec);
}

}  // namespace meterd::app
