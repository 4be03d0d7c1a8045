#include "eds/poisson.h"

#include <array>
#include <numbers>

namespace hyperchunk::eds::internal {

double LogFactorial(int64_t k) {
  constexpr int64_t kTableSize = 64;
  static const std::array<double, kTableSize> table = [] {
    std::array<double, kTableSize> t{};
    for (int64_t n = 1; n < kTableSize; ++n) t[n] = t[n - 1] + std::log(static_cast<double>(n));
    return t;
  }();
  if (k < kTableSize) return k <= 0 ? 0.0 : table[k];
  // ln Gamma(x) at x = k + 1 by Stirling's series; the next term is below 1 / (1680 x^7) < 1e-16.
  const double x = static_cast<double>(k) + 1;
  const double inv = 1 / x;
  const double inv2 = inv * inv;
  return (x - 0.5) * std::log(x) - x + 0.5 * std::log(2 * std::numbers::pi) +
         inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 / 1260));
}

int64_t PoissonByRejection(double mean, CounterRng& rng) {
  const double slam = std::sqrt(mean);
  const double loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2);
  while (true) {
    const double u = rng.Uniform() - 0.5;
    const double v = rng.Uniform();
    const double us = 0.5 - std::abs(u);
    if (us <= 0) continue;  // u = -0.5 exactly: the transform is infinite there
    const double kf = std::floor((2 * a / us + b) * u + mean + 0.43);
    if (kf < 0) continue;
    const auto k = static_cast<int64_t>(kf);
    if (us >= 0.07 && v <= vr) return k;
    if (us < 0.013 && v > us) continue;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <=
        -mean + static_cast<double>(k) * loglam - LogFactorial(k)) {
      return k;
    }
  }
}

}  // namespace hyperchunk::eds::internal
