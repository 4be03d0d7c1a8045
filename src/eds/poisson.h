// Counter-based random numbers and Poisson sampling for the synthetic data generator.
//
// Every random draw of the generator comes from a stream named by a 64-bit counter (e.g. the pixel
// and the channel block), so a value never depends on which chunk or thread computes it.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

namespace hyperchunk::eds::internal {

/// SplitMix64's finaliser (Steele, Lea & Flood 2014): a bijection of 64-bit words with full avalanche.
inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// A SplitMix64 generator whose start is a hash of (key, counter): independent streams without
/// state shared between threads.
class CounterRng {
 public:
  static constexpr uint64_t kGamma = 0x9e3779b97f4a7c15ULL;

  CounterRng(uint64_t key, uint64_t counter) : state_(Mix64(key ^ Mix64(counter + kGamma))) {}

  uint64_t Next() {
    state_ += kGamma;
    return Mix64(state_);
  }
  /// Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

/// ln(k!) for k >= 0: a table below 64, Stirling's series (error < 1e-15) above.
double LogFactorial(int64_t k);

/// Below this mean, Poisson draws use inversion (one uniform, about mean + 1 steps).
inline constexpr double kPoissonInversionLimit = 10.0;

/// 1 / k for k in [0, kInverseTableSize) (entry 0 unused): the inversion loop multiplies instead of dividing.
inline constexpr int kInverseTableSize = 128;
inline constexpr auto kInverse = [] {
  std::array<double, kInverseTableSize> t{};
  for (int k = 1; k < kInverseTableSize; ++k) t[k] = 1.0 / k;
  return t;
}();

/// Poisson(mean) by inversion of the CDF; for 0 <= mean < kPoissonInversionLimit.
inline int64_t PoissonByInversion(double mean, CounterRng& rng) {
  const double u = rng.Uniform();
  double p = std::exp(-mean);
  double cdf = p;
  int64_t k = 0;
  // The cap only guards against rounding leaving the CDF a hair below u (k >= 128 has probability
  // below 1e-80 for these means).
  while (u > cdf && k + 1 < kInverseTableSize) {
    ++k;
    p *= mean * kInverse[k];
    cdf += p;
  }
  return k;
}

/// Poisson(mean) by Hörmann's transformed rejection with squeeze (PTRS, 1993), as numpy uses it;
/// for mean >= kPoissonInversionLimit.
int64_t PoissonByRejection(double mean, CounterRng& rng);

/// Poisson(mean) for any mean >= 0 (0 for mean <= 0).
inline int64_t SamplePoisson(double mean, CounterRng& rng) {
  if (!(mean > 0)) return 0;
  if (mean < kPoissonInversionLimit) return PoissonByInversion(mean, rng);
  return PoissonByRejection(mean, rng);
}

}  // namespace hyperchunk::eds::internal
