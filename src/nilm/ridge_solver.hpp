// src/nilm/ridge_solver.hpp: the bounded least squares of the continuous model's fit.
//
// The continuous model (continuous_model.hpp) regresses a category's power on at most four
// regressors (the residual R, its two phase contrasts, its high-passed Q) from running sums; the
// systems are tiny (n <= 4) and symmetric positive definite (ridges on the diagonal), so they are
// solved here directly rather than through a linear-algebra library. Pure functions.
#pragma once

#include <array>
#include <cstddef>

namespace meterd::nilm {

inline constexpr std::size_t kMaxRegressors = 4;
using RegressorVector = std::array<double, kMaxRegressors>;
using RegressorMatrix = std::array<RegressorVector, kMaxRegressors>;

// The first unknown of the system a y = b in the unknowns f..n-1: Cramer's rule for one or two
// unknowns (for the fit on (R, dQ): exactly its closed form before the contrasts), Gaussian
// elimination of the last unknowns first otherwise. Where the system is singular, b_f / a_ff:
// the fit on the first regressor alone.
double first_unknown(const RegressorMatrix& a, const RegressorVector& b, std::size_t f,
                     std::size_t n) noexcept;

// The ridge least squares of x on n regressors from their centred second moments `a` (ridges on
// the diagonal) and covariances with x, `b`: the first slope from the joint normal equations,
// clamped to [lo, hi], then the others refitted given it, one after the other.
RegressorVector bounded_slopes(const RegressorMatrix& a, RegressorVector b,
                               const RegressorVector& lo, const RegressorVector& hi,
                               std::size_t n) noexcept;

}  // namespace meterd::nilm
