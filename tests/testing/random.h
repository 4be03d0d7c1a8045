// Seeds, random arrays, shapes and chunkings for the randomized tests, and the test Contexts.
//
// Every randomized test derives its seed from the run's base seed (HC_TEST_SEED, printed at the
// start of every test program) and the test's full name, so `HC_TEST_SEED=<s> <test> --gtest_filter=<name>`
// replays a failure exactly. HC_TEST_TORTURE=1 switches the Contexts to tiny tiles and a small memory
// budget and biases the chunkings towards 1- and 2-element chunks (STYLE.md point 12).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hyperchunk/core/chunk_grid.h"
#include "hyperchunk/core/dtype.h"
#include "hyperchunk/core/ndarray.h"
#include "hyperchunk/core/shape.h"
#include "hyperchunk/exec/context.h"

namespace hyperchunk::test {

inline constexpr uint64_t kDefaultSeed = 20240611;
/// Torture settings: ContextOptions::tile_bytes and ContextOptions::memory_limit (bytes).
inline constexpr int64_t kTortureTileBytes = 64;
inline constexpr int64_t kTortureMemoryLimit = int64_t{256} << 10;

/// HC_TEST_SEED (decimal or 0x-hex) or kDefaultSeed.
uint64_t BaseSeed();
/// HC_TEST_TORTURE=1 (or any value other than "0" or empty).
bool TortureMode();
/// Options for a test Context: `threads`, and the torture settings when TortureMode().
ContextOptions TestContextOptions(int threads);
/// Bytes the Context holds beyond its chunk cache (0 once every computation is done).
int64_t HeldBeyondChunkCache(const Context& ctx);
/// One shared Context per thread count, made on first use (tests of one program run one at a time).
Context& SharedContext(int threads);
/// The thread counts the randomized suites cycle through: 1 (inline), 2 and 4.
inline constexpr int kThreadCounts[] = {1, 2, 4};

/// splitmix64 of the pair: independent streams for (test, case).
uint64_t MixSeed(uint64_t a, uint64_t b);
/// BaseSeed() mixed with the running test's "Suite.Name".
uint64_t SeedForCurrentTest();

/// A seeded generator with the few draws the tests need.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  /// Uniform integer in [lo, hi] (inclusive).
  int64_t Int(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(engine_); }
  /// Uniform real in [lo, hi).
  double Real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(engine_); }
  bool Chance(double p) { return Real(0.0, 1.0) < p; }
  uint64_t Bits() { return engine_(); }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Int(0, static_cast<int64_t>(items.size()) - 1))];
  }
  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

/// What values a random array holds.
enum class Values {
  kSmall,     ///< ints in [-9, 9] (unsigned [0, 12]); floats k/8 in [-10, 10] with ~10% zeros: exact sums
  kFull,      ///< ints: any bit pattern; floats: continuous, magnitudes 1e-3 .. 1e3, both signs
  kPositive,  ///< ints in [1, 9]; floats in (0, 10]: the domain of log and sqrt
  kExponent,  ///< ints in [0, 5]; floats k/4 in [-2, 3]: exponents for power
  kNaN,       ///< kSmall floats with ~20% NaN and a few +-inf (ints and bool: as kSmall)
};
std::string_view ValuesName(Values values);

/// A random array of `dtype` and `shape`.
NdArray RandomArray(Rng& rng, DType dtype, const Shape& shape, Values values = Values::kSmall);
/// A random shape of rank in [min_rank, max_rank], extents in [1, max_extent]; with probability
/// `zero_probability` one axis has length 0.
Shape RandomShape(Rng& rng, int min_rank = 0, int max_rank = 4, Index max_extent = 7, double zero_probability = 0.03);
/// Random chunk lengths of one axis: one chunk, regular with a ragged last chunk, irregular with
/// 1-element chunks, or all 1-element chunks (under torture mostly 1s and 2s).
std::vector<Index> RandomAxisChunks(Rng& rng, Index length);
/// RandomAxisChunks for every axis.
ChunkGrid RandomChunks(Rng& rng, const Shape& shape);
DType RandomDType(Rng& rng);
/// A chunk grid from per-axis lengths that are known to be valid (fails the test otherwise).
ChunkGrid MakeGrid(const std::vector<std::vector<Index>>& lengths);

/// "((2, 2, 1), (3,))": the chunks in dask's notation, written by the test library itself.
std::string ChunksString(const ChunkGrid& grid);
std::string ShapeString(const Shape& shape);
/// "int16 (3, 4)"
std::string Describe(const NdArray& array);

/// Failed assertions recorded so far by the running test.
int FailedPartCount();

/// Runs `body(rng)` for `cases` random cases; each case has its own seed and a trace naming it.
/// Stops after 5 failing cases so that one bug does not flood the output.
template <typename F>
void ForEachRandomCase(int cases, F&& body) {
  const uint64_t test_seed = SeedForCurrentTest();
  int failing_cases = 0;
  for (int case_idx = 0; case_idx < cases; ++case_idx) {
    const uint64_t case_seed = MixSeed(test_seed, static_cast<uint64_t>(case_idx));
    SCOPED_TRACE("random case " + std::to_string(case_idx) + " of " + std::to_string(cases) +
                 " (HC_TEST_SEED=" + std::to_string(BaseSeed()) + ", case seed " + std::to_string(case_seed) + ")");
    const int parts_before = FailedPartCount();
    Rng rng(case_seed);
    body(rng);
    if (FailedPartCount() > parts_before && ++failing_cases >= 5) {
      ADD_FAILURE() << "stopping after " << failing_cases << " failing cases";
      return;
    }
  }
}

}  // namespace hyperchunk::test
