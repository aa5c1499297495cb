// tests/app/meterd_process.hpp: runs the real meterd binary as a child process for
// integration tests: posix_spawn with chosen arguments and environment, stdout and stderr read
// through pipes, signals, and waitpid with a timeout. The destructor SIGKILLs a child that is
// still running, so a failing test never leaks a daemon. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meterd::app::test {

// The binary under test, built in the same tree (METERD_BINARY_DIR "/src/app/meterd").
std::string meterd_binary();

struct SpawnOptions {
  std::vector<std::string> args{};           // after argv[0]
  std::map<std::string, std::string> env{};  // set in the child, on top of the test's own
  bool journal_stream = false;               // set $JOURNAL_STREAM to the stderr pipe's "dev:inode"
};

class MeterdProcess {
 public:
  // Starts meterd; throws std::system_error if it cannot be spawned. NOTIFY_SOCKET,
  // JOURNAL_STREAM and WATCHDOG_* of the test's own environment are never inherited.
  explicit MeterdProcess(const SpawnOptions& options);
  ~MeterdProcess();
  MeterdProcess(const MeterdProcess&) = delete;
  MeterdProcess& operator=(const MeterdProcess&) = delete;

  pid_t pid() const { return pid_; }

  // Sends `signo` to the child (unless it has been reaped).
  void signal(int signo) const;

  // Reads stderr until it contains `text` or `timeout` passes. Returns whether it appeared.
  bool wait_for_stderr(std::string_view text, std::chrono::milliseconds timeout);

  // Waits up to `timeout` for the child to exit, reading its output meanwhile. Returns its exit
  // code, 128 + signal number if a signal killed it, or nullopt if it is still running.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  // Whether the child is still running (not yet exited).
  bool running();

  const std::string& stderr_text() const { return err_; }
  const std::string& stdout_text() const { return out_; }

 private:
  // Reads whatever is available on both pipes, waiting at most `timeout` for something.
  void pump(std::chrono::milliseconds timeout);
  bool reap(int options);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool out_eof_ = false;
  bool err_eof_ = false;
  std::string out_;
  std::string err_;
  std::optional<int> exit_code_;
};

// Runs meterd to completion (bounded by `timeout`) and returns it, exited.
struct Finished {
  int exit_code;
  std::string out;
  std::string err;
};
Finished run_meterd(std::vector<std::string> args,
                    std::chrono::milliseconds timeout = std::chrono::seconds{5});
Finished run_meterd(SpawnOptions options, std::chrono::milliseconds timeout);

}  // namespace meterd::app::test
