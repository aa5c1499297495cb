// tests/nilm/ridge_solver_test.cpp: the bounded least squares of the continuous model's fit
// (src/nilm/ridge_solver.hpp) on systems whose solutions are known.
#include "src/nilm/ridge_solver.hpp"

#include <gtest/gtest.h>

namespace meterd::nilm {
namespace {

TEST(RidgeSolver, SolvesTheNormalEquationsOfOneToFourUnknowns) {
  // a: 3, 5, 6, 11 on the diagonal and 1 elsewhere (positive definite); b = a y for
  // y = (1, -2, 0.5, 3), each leading n x n block.
  RegressorMatrix a{};
  const RegressorVector y{1.0, -2.0, 0.5, 3.0};
  const RegressorVector diag{3.0, 5.0, 6.0, 11.0};
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j) a[i][j] = i == j ? diag[i] : 1.0;
  const RegressorVector open{-1e9, -1e9, -1e9, -1e9};
  const RegressorVector shut{1e9, 1e9, 1e9, 1e9};
  for (std::size_t n = 1; n <= 4; ++n) {
    RegressorVector b{};
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) b[i] += a[i][j] * y[j];
    const RegressorVector z = bounded_slopes(a, b, open, shut, n);
    for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(z[i], y[i], 1e-12) << "n " << n << " i " << i;
  }
}

TEST(RidgeSolver, AClampedSlopeIsFollowedByTheOthersRefittedGivenIt) {
  // y = (2, 1) would solve it; the first is bounded to [0, 1]: z0 = 1, and z1 from the second
  // equation given z0: (b1 - a10 * 1) / a11.
  const RegressorMatrix a{{{4.0, 1.0, 0.0, 0.0}, {1.0, 3.0, 0.0, 0.0}, {}, {}}};
  const RegressorVector b{4.0 * 2.0 + 1.0 * 1.0, 1.0 * 2.0 + 3.0 * 1.0, 0.0, 0.0};
  const RegressorVector z = bounded_slopes(a, b, {0.0, -5.0}, {1.0, 5.0}, 2);
  EXPECT_DOUBLE_EQ(z[0], 1.0);
  EXPECT_DOUBLE_EQ(z[1], (b[1] - a[1][0] * 1.0) / a[1][1]);
}

TEST(RidgeSolver, ASingularSystemFallsBackToTheFirstRegressorAlone) {
  RegressorMatrix a{};
  a[0][0] = 2.0;  // the other diagonal entries 0: no information on them
  const RegressorVector b{6.0, 0.0, 0.0, 0.0};
  EXPECT_DOUBLE_EQ(first_unknown(a, b, 0, 3), 3.0);
  EXPECT_DOUBLE_EQ(first_unknown(a, b, 0, 2), 3.0);
}

}  // namespace
}  // namespace meterd::nilm
