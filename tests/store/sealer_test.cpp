#include "src/store/sealer.hpp"

#include <gtest/gtest.h>

namespace meterd::store {
namespace {

KeyBytes key_of(std::uint8_t fill) {
  KeyBytes k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(fill + i);
  return k;
}

class SealerTest : public ::testing::Test {
 protected:
  SealerTest() : keys_(KeyStore::from_keys({key_of(1)}).value()), sealer_(keys_) {
    ad_ = {"meter-a",         1'700'000'400'000, 42,  1,    keys_.active_id(),
           1'700'000'400'123, 1'700'000'999'000, 600, 16800};
  }
  std::vector<std::uint8_t> plain_{'h', 'e', 'l', 'l', 'o', ' ', 'c', 'h', 'u', 'n', 'k'};
  KeyStore keys_;
  Sealer sealer_;
  ChunkAd ad_;
};

TEST_F(SealerTest, RoundTripsAndHidesThePlaintext) {
  auto sealed = sealer_.seal(ad_, plain_).value();
  EXPECT_EQ(sealed.size(), kNonceBytes + plain_.size() + kTagBytes);
  EXPECT_EQ(std::search(sealed.begin(), sealed.end(), plain_.begin(), plain_.end()), sealed.end());
  EXPECT_EQ(sealer_.open(ad_, sealed).value(), plain_);
  auto again = sealer_.seal(ad_, plain_).value();
  EXPECT_FALSE(
      std::equal(sealed.begin(), sealed.begin() + kNonceBytes, again.begin()));  // fresh nonce
}

TEST_F(SealerTest, RejectsEveryFlippedBitOfNonceCiphertextAndTag) {
  auto sealed = sealer_.seal(ad_, plain_).value();
  for (std::size_t byte = 0; byte < sealed.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      auto bad = sealed;
      bad[byte] ^= static_cast<std::uint8_t>(1u << bit);
      auto r = sealer_.open(ad_, bad);
      ASSERT_FALSE(r) << "byte " << byte << " bit " << bit;
      EXPECT_TRUE(r.error().is(Errc::authentication_failed));
    }
  }
  auto cut = sealed;
  cut.pop_back();
  EXPECT_FALSE(sealer_.open(ad_, cut));
  EXPECT_FALSE(sealer_.open(ad_, std::vector<std::uint8_t>(10)));
}

TEST_F(SealerTest, RejectsAChunkMovedSwappedOrRelabelled) {
  auto sealed = sealer_.seal(ad_, plain_).value();
  std::vector<ChunkAd> moved(10, ad_);
  moved[0].meter = "meter-b";           // moved to another meter
  moved[1].window_start_ms += 600'000;  // moved to another window
  moved[2].chunk_id = 43;               // swapped with another row
  moved[3].codec_version = 2;
  moved[4].t_first_ms -= 1;
  moved[5].t_last_ms += 1;
  moved[6].rows = 599;
  moved[7].values = 16801;
  moved[8].meter = "meter-a ";
  moved[9].staging_seq = 0;  // a chunk presented as a staging row
  for (const auto& ad : moved) {
    auto r = sealer_.open(ad, sealed);
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(Errc::authentication_failed));
    EXPECT_NE(r.error().detail.find("authentication failed"), std::string::npos);
  }
}

TEST_F(SealerTest, AssociatedDataFlipsAreRejected) {
  auto sealed = sealer_.seal(ad_, plain_).value();
  // Every bit of every numeric field matters: flip each bit of the window start.
  for (int bit = 0; bit < 64; ++bit) {
    ChunkAd ad = ad_;
    ad.window_start_ms ^= std::int64_t{1} << bit;
    EXPECT_FALSE(sealer_.open(ad, sealed)) << bit;
  }
}

TEST_F(SealerTest, UnknownKeyIdIsNotFoundAndOldKeysStillOpen) {
  auto sealed = sealer_.seal(ad_, plain_).value();
  auto rotated = KeyStore::from_keys({key_of(1), key_of(9)}).value();
  EXPECT_NE(rotated.active_id(), ad_.key_id);
  Sealer after(rotated);
  EXPECT_EQ(after.open(ad_, sealed).value(), plain_);  // the old key opens old chunks

  ChunkAd other = ad_;
  other.key_id = rotated.active_id();
  auto r = sealer_.open(other, sealed);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::not_found));
  // Same id but a different key (a wrong key file): authentication fails.
  auto wrong = KeyStore::from_keys({key_of(2)}).value();
  ChunkAd wrong_ad = ad_;
  wrong_ad.key_id = wrong.active_id();
  auto sealed_wrong = Sealer(wrong).seal(wrong_ad, plain_).value();
  EXPECT_FALSE(sealer_.open(wrong_ad, sealed_wrong));
}

TEST_F(SealerTest, NoRandomnessNoSeal) {
  Sealer broken(keys_, [](std::span<std::uint8_t>) -> Result<void> {
    return Error{Errc::io_error, "no entropy"};
  });
  EXPECT_FALSE(broken.seal(ad_, plain_));
}

}  // namespace
}  // namespace meterd::store
