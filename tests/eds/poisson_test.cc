// The generator's counter-based random numbers and Poisson sampler (internal header).
#include "eds/poisson.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace hyperchunk::eds::internal {
namespace {

TEST(CounterRng, SameCounterSameStream) {
  CounterRng a(42, 7);
  CounterRng b(42, 7);
  CounterRng c(42, 8);
  CounterRng d(43, 7);
  const uint64_t first = a.Next();
  EXPECT_EQ(first, b.Next());
  EXPECT_NE(first, c.Next());
  EXPECT_NE(first, d.Next());
}

TEST(CounterRng, UniformIsInUnitInterval) {
  CounterRng rng(1, 2);
  double sum = 0;
  constexpr int kDraws = 100000;
  for (int i = 0; i < kDraws; ++i) {
    const double u = rng.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / kDraws, 0.5, 0.005);
}

TEST(LogFactorial, MatchesLgamma) {
  for (int64_t k : {0, 1, 2, 5, 20, 63, 64, 65, 100, 1000, 123456}) {
    EXPECT_NEAR(LogFactorial(k), std::lgamma(static_cast<double>(k) + 1), 1e-12 * std::max(1.0, std::lgamma(k + 1.0)))
        << k;
  }
}

// Mean, variance and the probability of 0 of Poisson(mean) draws, over both samplers' ranges.
TEST(SamplePoisson, MomentsMatch) {
  for (double mean : {0.0, 0.01, 0.3, 1.0, 4.5, 9.99, 10.0, 17.0, 120.0, 5000.0}) {
    constexpr int kDraws = 200000;
    double sum = 0;
    double sum2 = 0;
    int zeros = 0;
    for (int i = 0; i < kDraws; ++i) {
      CounterRng rng(99, static_cast<uint64_t>(i));
      const auto k = static_cast<double>(SamplePoisson(mean, rng));
      ASSERT_GE(k, 0);
      sum += k;
      sum2 += k * k;
      zeros += k == 0 ? 1 : 0;
    }
    const double m = sum / kDraws;
    const double var = sum2 / kDraws - m * m;
    // 5 standard errors: sd(mean) = sqrt(mean / n); sd(var) ~ sqrt((mean + 2 mean^2) / n).
    EXPECT_NEAR(m, mean, 5 * std::sqrt(mean / kDraws) + 1e-12) << "mean " << mean;
    EXPECT_NEAR(var, mean, 5 * std::sqrt((mean + 2 * mean * mean) / kDraws) + 1e-12) << "mean " << mean;
    const double p0 = std::exp(-mean);
    EXPECT_NEAR(zeros / static_cast<double>(kDraws), p0, 5 * std::sqrt(p0 * (1 - p0) / kDraws) + 1e-12)
        << "mean " << mean;
  }
}

// The whole distribution at a mean handled by rejection: a chi-square test over the bulk.
TEST(SamplePoisson, RejectionDistribution) {
  constexpr double kMean = 25;
  constexpr int kDraws = 400000;
  std::vector<int> histogram(80, 0);
  for (int i = 0; i < kDraws; ++i) {
    CounterRng rng(7, static_cast<uint64_t>(i));
    const int64_t k = SamplePoisson(kMean, rng);
    if (k < static_cast<int64_t>(histogram.size())) ++histogram[static_cast<size_t>(k)];
  }
  double chi2 = 0;
  int bins = 0;
  for (int k = 10; k <= 45; ++k) {
    const double expected = kDraws * std::exp(-kMean + k * std::log(kMean) - LogFactorial(k));
    chi2 += (histogram[static_cast<size_t>(k)] - expected) * (histogram[static_cast<size_t>(k)] - expected) / expected;
    ++bins;
  }
  // 36 bins: the 99.9th percentile of chi-square with 36 degrees of freedom is about 67.
  EXPECT_LT(chi2, 67) << bins << " bins";
}

}  // namespace
}  // namespace hyperchunk::eds::internal
