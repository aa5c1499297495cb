#include "meterd/error.hpp"

#include <gtest/gtest.h>

namespace meterd {
namespace {

Result<int> half(int v) {
  if (v % 2 != 0) return Error{Errc::invalid_argument, std::to_string(v) + " is odd"};
  return v / 2;
}

TEST(Error, CarriesCodeAndDetail) {
  auto r = half(3);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::invalid_argument));
  EXPECT_EQ(r.error().message(), "invalid argument: 3 is odd");
  EXPECT_EQ(r.error().code.category().name(), std::string("meterd"));
  EXPECT_THROW((void)r.value(), std::runtime_error);
  EXPECT_EQ(half(4).value(), 2);
}

TEST(Error, ForeignCodesKeepTheirCategory) {
  Error e(boost::system::error_code(ETIMEDOUT, boost::system::generic_category()), "read");
  EXPECT_EQ(e.code.value(), ETIMEDOUT);
  EXPECT_FALSE(e.is(Errc::timeout));
}

}  // namespace
}  // namespace meterd
