#include "src/nilm/ridge_solver.hpp"

#include <algorithm>

namespace meterd::nilm {

double first_unknown(const RegressorMatrix& a, const RegressorVector& b, std::size_t f,
                     std::size_t n) noexcept {
  const double alone = b[f] / a[f][f];
  if (n - f == 1) return alone;
  if (n - f == 2) {
    const double det = a[f][f] * a[f + 1][f + 1] - a[f][f + 1] * a[f + 1][f];
    return det > 0.0 ? (b[f] * a[f + 1][f + 1] - a[f][f + 1] * b[f + 1]) / det : alone;
  }
  RegressorMatrix t = a;
  RegressorVector u = b;
  for (std::size_t p = n - 1; p > f; --p) {
    if (!(t[p][p] > 0.0)) return alone;
    for (std::size_t i = f; i < p; ++i) {
      const double k = t[i][p] / t[p][p];
      for (std::size_t j = f; j < p; ++j) t[i][j] -= k * t[p][j];
      u[i] -= k * u[p];
    }
  }
  return t[f][f] > 0.0 ? u[f] / t[f][f] : alone;
}

RegressorVector bounded_slopes(const RegressorMatrix& a, RegressorVector b,
                               const RegressorVector& lo, const RegressorVector& hi,
                               std::size_t n) noexcept {
  RegressorVector z{};
  for (std::size_t f = 0; f < n; ++f) {  // the unknowns f..n-1, given the slopes before f
    z[f] = std::clamp(first_unknown(a, b, f, n), lo[f], hi[f]);
    for (std::size_t i = f + 1; i < n; ++i) b[i] -= a[i][f] * z[f];
  }
  return z;
}

}  // namespace meterd::nilm
