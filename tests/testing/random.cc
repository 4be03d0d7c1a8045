#include "testing/random.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>

namespace hyperchunk::test {
namespace {

uint64_t ReadSeedFromEnv() {
  const char* text = std::getenv("HC_TEST_SEED");
  if (text == nullptr || *text == '\0') return kDefaultSeed;
  return std::strtoull(text, nullptr, 0);
}

/// Prints the seed and the torture switch once per test program, before any test runs.
class SeedEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    std::cout << "[hyperchunk tests] HC_TEST_SEED=" << BaseSeed() << " HC_TEST_TORTURE=" << (TortureMode() ? 1 : 0)
              << " (rerun a failure with the same HC_TEST_SEED and --gtest_filter)" << std::endl;
    ::testing::Test::RecordProperty("hc_test_seed", std::to_string(BaseSeed()));
    ::testing::Test::RecordProperty("hc_test_torture", TortureMode() ? 1 : 0);
  }
};

[[maybe_unused]] const bool kSeedEnvironmentRegistered =
    (::testing::AddGlobalTestEnvironment(new SeedEnvironment), true);

template <typename T>
void FillInts(Rng& rng, NdArray& out, Values values) {
  T* data = out.data<T>();
  const Index n = out.size();
  for (Index i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<T, bool>) {
      data[i] = rng.Chance(0.5);
    } else if (values == Values::kFull) {
      data[i] = static_cast<T>(rng.Bits());
    } else if (values == Values::kPositive) {
      data[i] = static_cast<T>(rng.Int(1, 9));
    } else if (values == Values::kExponent) {
      data[i] = static_cast<T>(rng.Int(0, 5));
    } else if constexpr (std::is_signed_v<T>) {
      data[i] = static_cast<T>(rng.Int(-9, 9));
    } else {
      data[i] = static_cast<T>(rng.Int(0, 12));
    }
  }
}

template <typename T>
void FillFloats(Rng& rng, NdArray& out, Values values) {
  T* data = out.data<T>();
  const Index n = out.size();
  for (Index i = 0; i < n; ++i) {
    double v = 0;
    switch (values) {
      case Values::kSmall:
      case Values::kNaN:
        v = rng.Chance(0.1) ? 0.0 : static_cast<double>(rng.Int(-80, 80)) / 8.0;
        if (values == Values::kNaN) {
          if (rng.Chance(0.2)) v = std::numeric_limits<double>::quiet_NaN();
          else if (rng.Chance(0.03)) v = rng.Chance(0.5) ? HUGE_VAL : -HUGE_VAL;
        }
        break;
      case Values::kFull: v = std::pow(10.0, rng.Real(-3.0, 3.0)) * (rng.Chance(0.5) ? -1.0 : 1.0); break;
      case Values::kPositive: v = rng.Real(1.0 / 64, 10.0); break;
      case Values::kExponent: v = static_cast<double>(rng.Int(-8, 12)) / 4.0; break;
    }
    data[i] = static_cast<T>(v);
  }
}

}  // namespace

uint64_t BaseSeed() {
  static const uint64_t seed = ReadSeedFromEnv();
  return seed;
}

bool TortureMode() {
  static const bool torture = [] {
    const char* text = std::getenv("HC_TEST_TORTURE");
    return text != nullptr && *text != '\0' && std::strcmp(text, "0") != 0;
  }();
  return torture;
}

ContextOptions TestContextOptions(int threads) {
  ContextOptions options;
  options.threads = threads;
  if (TortureMode()) {
    options.tile_bytes = kTortureTileBytes;
    options.memory_limit = kTortureMemoryLimit;
  }
  return options;
}

int64_t HeldBeyondChunkCache(const Context& ctx) {
  return ctx.memory_stats().current_bytes - ctx.chunk_cache_stats().bytes;
}

Context& SharedContext(int threads) {
  static std::mutex mutex;
  static std::map<int, std::unique_ptr<Context>> contexts;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = contexts[threads];
  if (!slot) slot = std::make_unique<Context>(TestContextOptions(threads));
  return *slot;
}

uint64_t MixSeed(uint64_t a, uint64_t b) {
  uint64_t z = a + 0x9e3779b97f4a7c15ULL * (b + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t SeedForCurrentTest() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  uint64_t h = 1469598103934665603ULL;  // FNV-1a of "Suite.Name"
  if (info != nullptr) {
    const std::string name = std::string(info->test_suite_name()) + "." + info->name();
    for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  return MixSeed(BaseSeed(), h);
}

int FailedPartCount() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return 0;
  const ::testing::TestResult* result = info->result();
  int failed = 0;
  for (int part = 0; part < result->total_part_count(); ++part)
    failed += result->GetTestPartResult(part).failed() ? 1 : 0;
  return failed;
}

std::string_view ValuesName(Values values) {
  switch (values) {
    case Values::kSmall: return "small";
    case Values::kFull: return "full";
    case Values::kPositive: return "positive";
    case Values::kExponent: return "exponent";
    case Values::kNaN: return "nan";
  }
  return "?";
}

NdArray RandomArray(Rng& rng, DType dtype, const Shape& shape, Values values) {
  NdArray out = NdArray::Empty(dtype, shape);
  VisitDType(dtype, [&]<typename T>() {
    if constexpr (std::is_floating_point_v<T>) FillFloats<T>(rng, out, values);
    else FillInts<T>(rng, out, values);
  });
  return out;
}

Shape RandomShape(Rng& rng, int min_rank, int max_rank, Index max_extent, double zero_probability) {
  const int rank = static_cast<int>(rng.Int(min_rank, max_rank));
  Shape shape(static_cast<size_t>(rank));
  for (auto& extent : shape) extent = rng.Int(1, max_extent);
  if (rank > 0 && rng.Chance(zero_probability)) shape[static_cast<size_t>(rng.Int(0, rank - 1))] = 0;
  return shape;
}

std::vector<Index> RandomAxisChunks(Rng& rng, Index length) {
  if (length == 0) return {0};
  std::vector<Index> lengths;
  const int mode = TortureMode() ? static_cast<int>(rng.Int(2, 4)) : static_cast<int>(rng.Int(0, 4));
  switch (mode) {
    case 0:  // one chunk
      return {length};
    case 1: {  // regular, ragged last chunk
      const Index chunk = rng.Int(1, length);
      for (Index start = 0; start < length; start += chunk) lengths.push_back(std::min(chunk, length - start));
      return lengths;
    }
    case 2: {  // irregular, often 1-element chunks
      Index left = length;
      while (left > 0) {
        const Index chunk = rng.Chance(0.4) ? 1 : rng.Int(1, left);
        lengths.push_back(chunk);
        left -= chunk;
      }
      return lengths;
    }
    case 3: {  // 1s and 2s
      Index left = length;
      while (left > 0) {
        const Index chunk = std::min<Index>(left, rng.Int(1, 2));
        lengths.push_back(chunk);
        left -= chunk;
      }
      return lengths;
    }
    default:  // all 1-element chunks
      return std::vector<Index>(static_cast<size_t>(length), 1);
  }
}

ChunkGrid RandomChunks(Rng& rng, const Shape& shape) {
  std::vector<std::vector<Index>> lengths;
  for (Index extent : shape) lengths.push_back(RandomAxisChunks(rng, extent));
  return MakeGrid(lengths);
}

DType RandomDType(Rng& rng) { return kAllDTypes[rng.Int(0, static_cast<int64_t>(std::size(kAllDTypes)) - 1)]; }

ChunkGrid MakeGrid(const std::vector<std::vector<Index>>& lengths) {
  Result<ChunkGrid> grid = ChunkGrid::Make(lengths);
  if (!grid.ok()) {
    ADD_FAILURE() << "ChunkGrid::Make refused valid chunks: " << grid.status().ToString();
    return ChunkGrid();
  }
  return *std::move(grid);
}

std::string ShapeString(const Shape& shape) {
  std::string out = "(";
  for (size_t dim = 0; dim < shape.size(); ++dim) {
    if (dim > 0) out += ", ";
    out += std::to_string(shape[dim]);
  }
  if (shape.size() == 1) out += ",";
  return out + ")";
}

std::string ChunksString(const ChunkGrid& grid) {
  std::string out = "(";
  for (size_t dim = 0; dim < grid.rank(); ++dim) {
    if (dim > 0) out += ", ";
    out += ShapeString(grid.lengths(dim));
  }
  if (grid.rank() == 1) out += ",";
  return out + ")";
}

std::string Describe(const NdArray& array) {
  return std::string(DTypeName(array.dtype())) + " " + ShapeString(array.shape());
}

}  // namespace hyperchunk::test
