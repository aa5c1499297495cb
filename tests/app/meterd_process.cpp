#include "tests/app/meterd_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

extern char** environ;

namespace meterd::app::test {
namespace {

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

[[noreturn]] void fail(int err, const char* what) {
  throw std::system_error(err, std::generic_category(), what);
}

bool inherited(std::string_view entry) {
  for (std::string_view blocked : {"NOTIFY_SOCKET=", "JOURNAL_STREAM=", "WATCHDOG_USEC=",
                                   "WATCHDOG_PID=", "LISTEN_FDS=", "LISTEN_PID="}) {
    if (entry.substr(0, blocked.size()) == blocked) return false;
  }
  return true;
}

}  // namespace

std::string meterd_binary() { return METERD_BINARY_DIR "/src/app/meterd"; }

MeterdProcess::MeterdProcess(const SpawnOptions& options) {
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) fail(errno, "pipe2");
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) fail(errno, "pipe2");
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (inherited(*e)) env_strings.emplace_back(*e);
  }
  for (const auto& [name, value] : options.env) env_strings.push_back(name + "=" + value);
  if (options.journal_stream) {
    struct stat st {};
    if (::fstat(err_pipe[1], &st) != 0) fail(errno, "fstat");
    env_strings.push_back("JOURNAL_STREAM=" + std::to_string(st.st_dev) + ":" +
                          std::to_string(st.st_ino));
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::string program = meterd_binary();
  std::vector<std::string> arg_strings{program};
  arg_strings.insert(arg_strings.end(), options.args.begin(), options.args.end());
  std::vector<char*> argv;
  for (auto& s : arg_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  // The child starts with default signal dispositions and an empty mask, whatever gtest set.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t all;
  sigset_t none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  const int rc = ::posix_spawn(&pid_, program.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(out_fd_);
    ::close(err_fd_);
    fail(rc, "posix_spawn meterd");
  }
}

MeterdProcess::~MeterdProcess() {
  if (!exit_code_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  ::close(out_fd_);
  ::close(err_fd_);
}

void MeterdProcess::signal(int signo) const {
  if (!exit_code_) ::kill(pid_, signo);
}

void MeterdProcess::pump(milliseconds timeout) {
  // A negative fd is ignored by poll(2): at EOF on both, this only sleeps.
  std::array<pollfd, 2> fds{
      {{out_eof_ ? -1 : out_fd_, POLLIN, 0}, {err_eof_ ? -1 : err_fd_, POLLIN, 0}}};
  if (::poll(fds.data(), fds.size(), static_cast<int>(timeout.count())) <= 0) return;
  std::array<char, 4096> buf{};
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
    const ssize_t n = ::read(fds[i].fd, buf.data(), buf.size());
    if (n > 0) {
      (i == 0 ? out_ : err_).append(buf.data(), static_cast<std::size_t>(n));
    } else if (n == 0) {
      (i == 0 ? out_eof_ : err_eof_) = true;
    }
  }
}

bool MeterdProcess::reap(int options) {
  if (exit_code_) return true;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, options);
  if (r != pid_) return false;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

bool MeterdProcess::running() { return !reap(WNOHANG); }

bool MeterdProcess::wait_for_stderr(std::string_view text, milliseconds timeout) {
  const auto deadline = Steady::now() + timeout;
  while (err_.find(text) == std::string::npos) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Steady::now());
    if (left.count() <= 0) return false;
    pump(std::min(left, milliseconds{50}));
  }
  return true;
}

std::optional<int> MeterdProcess::wait_exit(milliseconds timeout) {
  const auto deadline = Steady::now() + timeout;
  while (!reap(WNOHANG)) {
    if (Steady::now() >= deadline) return std::nullopt;
    pump(milliseconds{10});
  }
  // Exited: the write ends are closed, so read what is left up to EOF.
  std::array<char, 4096> buf{};
  for (int fd : {out_fd_, err_fd_}) {
    ssize_t n = 0;
    while ((n = ::read(fd, buf.data(), buf.size())) > 0) {
      (fd == out_fd_ ? out_ : err_).append(buf.data(), static_cast<std::size_t>(n));
    }
  }
  return exit_code_;
}

Finished run_meterd(std::vector<std::string> args, milliseconds timeout) {
  return run_meterd(SpawnOptions{.args = std::move(args)}, timeout);
}

Finished run_meterd(SpawnOptions options, milliseconds timeout) {
  MeterdProcess p(options);
  const auto code = p.wait_exit(timeout);
  if (!code) throw std::runtime_error("meterd did not exit within the timeout");
  return {*code, p.stdout_text(), p.stderr_text()};
}

}  // namespace meterd::app::test
