// OutputFile (src/app/output_file.hpp): a command's output replaces a regular file whole and
// keeps its mode, never touches a file or link that happens to carry a temporary-looking name,
// follows symbolic links (dangling ones too) and keeps them, writes devices, named pipes and
// /proc/self/fd paths in place (appending), refuses a directory, and leaves nothing behind when
// discarded. On real files in a temp dir.
#include "src/app/output_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "tests/app/temp_dir.hpp"

namespace meterd::app {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<void> write_all(const fs::path& path, const std::string& text) {
  auto f = OutputFile::open(path);
  if (!f) return f.error();
  f->stream() << text;
  return f->commit();
}

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), {}));
}

TEST(OutputFile, ReplacesARegularFileWholeKeepingItsMode) {
  const TempDir dir;
  const fs::path out = dir.write("steps.csv", "old\n");
  fs::permissions(out, fs::perms::owner_read | fs::perms::owner_write);
  const fs::path bystander = dir.write("steps.csv.tmp", "someone's file\n");
  {
    auto f = OutputFile::open(out);
    ASSERT_TRUE(f) << f.error().message();
    EXPECT_FALSE(f->in_place());
    f->stream() << "new\n";
    EXPECT_EQ(slurp(out), "old\n");  // until commit
    ASSERT_TRUE(f->commit());
  }
  EXPECT_EQ(slurp(out), "new\n");
  EXPECT_EQ(fs::status(out).permissions(), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(slurp(bystander), "someone's file\n");
  EXPECT_EQ(entries(dir.path()), 2u);  // no temporary file left
}

TEST(OutputFile, ANewFileGetsTheUmasksMode) {
  const TempDir dir;
  const mode_t old = ::umask(027);
  const auto r = write_all(dir.path() / "new.csv", "x\n");
  ::umask(old);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(fs::status(dir.path() / "new.csv").permissions(),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

TEST(OutputFile, DiscardedOrDestroyedUncommittedLeavesTheOldFileAndNoTemporary) {
  const TempDir dir;
  const fs::path out = dir.write("steps.csv", "old\n");
  {
    auto f = OutputFile::open(out);
    ASSERT_TRUE(f);
    f->stream() << "half a fi";
  }
  EXPECT_EQ(slurp(out), "old\n");
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(OutputFile, FollowsLinksAndKeepsThem) {
  const TempDir dir;
  const fs::path target = dir.write("kept.csv", "old\n");
  fs::create_symlink("kept.csv", dir.path() / "latest.csv");
  ASSERT_TRUE(write_all(dir.path() / "latest.csv", "new\n"));
  EXPECT_TRUE(fs::is_symlink(dir.path() / "latest.csv"));
  EXPECT_EQ(slurp(target), "new\n");

  // A dangling link: the file is created where it points, the link stays a link.
  fs::create_directory(dir.path() / "sub");
  fs::create_symlink("sub/made.csv", dir.path() / "dangling.csv");
  ASSERT_TRUE(write_all(dir.path() / "dangling.csv", "made\n"));
  EXPECT_TRUE(fs::is_symlink(dir.path() / "dangling.csv"));
  EXPECT_EQ(slurp(dir.path() / "sub/made.csv"), "made\n");

  // A link someone placed under a temporary-looking name is not followed.
  const fs::path victim = dir.write("victim.txt", "precious\n");
  fs::create_symlink("victim.txt", dir.path() / "out.csv.tmp");
  ASSERT_TRUE(write_all(dir.path() / "out.csv", "out\n"));
  EXPECT_EQ(slurp(victim), "precious\n");
  EXPECT_FALSE(fs::is_symlink(dir.path() / "out.csv"));
}

// A named pipe is written into, not replaced by a plain file.
TEST(OutputFile, WritesANamedPipeInPlace) {
  const TempDir dir;
  const fs::path fifo = dir.path() / "steps.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string read;
  std::thread reader([&] { read = slurp(fifo); });
  {
    auto f = OutputFile::open(fifo);
    if (!f) {  // unblock the reader before failing
      const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
      if (fd >= 0) ::close(fd);
    }
    ASSERT_TRUE(f) << f.error().message();
    EXPECT_TRUE(f->in_place());
    f->stream() << "piped\n";
    ASSERT_TRUE(f->commit());
  }
  reader.join();
  EXPECT_EQ(read, "piped\n");
  EXPECT_TRUE(fs::is_fifo(fifo));
}

// /dev/stdout is a link into /proc/self/fd: what the shell redirected with >> keeps its content.
TEST(OutputFile, AppendsThroughProcSelfFd) {
  const TempDir dir;
  const fs::path log = dir.write("log.csv", "keep me\n");
  const int fd = ::open(log.c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(fd, 0);
  const fs::path through = "/proc/self/fd/" + std::to_string(fd);
  const auto r = write_all(through, "appended\n");
  ::close(fd);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(slurp(log), "keep me\nappended\n");
  EXPECT_EQ(entries(dir.path()), 1u);
}

// A loop of links is an error, and the link is left as it was (not replaced by a plain file).
TEST(OutputFile, RefusesALoopOfLinks) {
  const TempDir dir;
  fs::create_symlink("b", dir.path() / "a");
  fs::create_symlink("a", dir.path() / "b");
  const auto r = OutputFile::open(dir.path() / "a");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("too many levels of symbolic links"), std::string::npos)
      << r.error().detail;
  EXPECT_TRUE(fs::is_symlink(dir.path() / "a"));
  EXPECT_EQ(entries(dir.path()), 2u);
}

TEST(OutputFile, RefusesADirectoryAndAMissingOne) {
  const TempDir dir;
  const auto d = OutputFile::open(dir.path());
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().detail.find("is a directory"), std::string::npos) << d.error().detail;
  const auto missing = OutputFile::open(dir.path() / "no/such/dir/out.csv");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().detail.find("cannot create a temporary file beside"),
            std::string::npos)
      << missing.error().detail;
}

}  // namespace
}  // namespace meterd::app
