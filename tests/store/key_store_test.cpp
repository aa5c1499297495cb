#include "src/store/key_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/store/temp_dir.hpp"

namespace meterd::store {
namespace {

using testing::TempDir;

mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 07777;
}

std::string hex(const KeyBytes& k) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto b : k) {
    s += d[b >> 4];
    s += d[b & 15];
  }
  return s;
}

TEST(KeyStore, GenerateWritesThirtyTwoPrivateBytes) {
  TempDir tmp;
  auto dir = tmp.path() / "keys";
  auto path = generate_key(dir).value();
  EXPECT_EQ(path.filename(), "key-0001.key");
  EXPECT_EQ(std::filesystem::file_size(path), kKeyBytes);
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of(dir), 0700u);
  auto again = generate_key(dir);
  ASSERT_FALSE(again);
  EXPECT_TRUE(again.error().is(Errc::invalid_argument));
  auto ks = KeyStore::load({dir, ""}).value();
  EXPECT_EQ(ks.ids().size(), 1u);
  EXPECT_EQ(ks.active_id(), key_id_of(read_key_file(path).value()));
}

TEST(KeyStore, WorldReadableKeyIsRefusedWithAClearMessageAndNoKeyBytes) {
  TempDir tmp;
  auto path = generate_key(tmp.path()).value();
  const auto key = read_key_file(path).value();
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto r = read_key_file(path);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::permission_denied));
  const std::string msg = r.error().message();
  EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("0644"), std::string::npos) << msg;
  EXPECT_NE(msg.find("chmod 600"), std::string::npos) << msg;
  EXPECT_EQ(msg.find(hex(key).substr(0, 8)), std::string::npos);
  auto load = KeyStore::load({tmp.path(), ""});
  ASSERT_FALSE(load);
  EXPECT_TRUE(load.error().is(Errc::permission_denied));
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  EXPECT_FALSE(read_key_file(path));
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
  EXPECT_TRUE(read_key_file(path));
}

TEST(KeyStore, WrongSizeAndMissingFilesAreRefused) {
  TempDir tmp;
  auto path = tmp.path() / "key-0001.key";
  std::ofstream(path) << "short";
  ::chmod(path.c_str(), 0600);
  auto r = read_key_file(path);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::invalid_argument));
  EXPECT_TRUE(read_key_file(tmp.path() / "none.key").error().is(Errc::not_found));
  TempDir empty;
  auto load = KeyStore::load({empty.path(), ""});
  ASSERT_FALSE(load);
  EXPECT_TRUE(load.error().is(Errc::not_found));
  EXPECT_NE(load.error().detail.find("meterd key generate"), std::string::npos);
}

TEST(KeyStore, RotationAddsAnActiveKeyAndMakesOldOnesReadOnly) {
  TempDir tmp;
  auto first = generate_key(tmp.path()).value();
  const KeyId old_id = KeyStore::load({tmp.path(), ""}).value().active_id();
  auto second = rotate_key(tmp.path()).value();
  EXPECT_EQ(second.filename(), "key-0002.key");
  EXPECT_EQ(mode_of(first), 0400u);
  EXPECT_EQ(mode_of(second), 0600u);
  auto ks = KeyStore::load({tmp.path(), ""}).value();
  EXPECT_EQ(ks.ids().size(), 2u);
  EXPECT_NE(ks.active_id(), old_id);
  EXPECT_NE(ks.find(old_id), nullptr);
  EXPECT_EQ(rotate_key(tmp.path()).value().filename(), "key-0003.key");
  TempDir empty;
  EXPECT_TRUE(rotate_key(empty.path()).error().is(Errc::not_found));
}

TEST(KeyStore, SystemdCredentialBecomesTheActiveKey) {
  TempDir keys, creds;
  generate_key(keys.path()).value();
  auto cred = generate_key(creds.path()).value();
  std::filesystem::rename(cred, creds.path() / "meterd-store-key");
  const KeyId cred_id = key_id_of(read_key_file(creds.path() / "meterd-store-key").value());
  ::setenv("CREDENTIALS_DIRECTORY", creds.path().c_str(), 1);
  auto ks = KeyStore::load({keys.path(), "meterd-store-key"}).value();
  EXPECT_EQ(ks.active_id(), cred_id);
  EXPECT_EQ(ks.ids().size(), 2u);
  auto only = KeyStore::load({"", "meterd-store-key"}).value();
  EXPECT_EQ(only.active_id(), cred_id);
  ::unsetenv("CREDENTIALS_DIRECTORY");
  EXPECT_FALSE(KeyStore::load({"", "meterd-store-key"}));
}

TEST(KeyStore, RandomSourceFailureLeavesNoFile) {
  TempDir tmp;
  auto r = generate_key(tmp.path(), [](std::span<std::uint8_t>) -> Result<void> {
    return Error{Errc::io_error, "x"};
  });
  ASSERT_FALSE(r);
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));
}

}  // namespace
}  // namespace meterd::store
