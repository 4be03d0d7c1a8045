// Google Benchmark micro-benchmarks of the reduction kernels through the public API: one
// in-memory chunk of 8 MiB, one thread, so the numbers are the kernels' bytes per second.
#include <vector>

#include <benchmark/benchmark.h>

#include "hyperchunk/array/array.h"
#include "hyperchunk/exec/compute.h"
#include "hyperchunk/exec/context.h"

namespace hc = hyperchunk;

namespace {

/// A (64, 64, 256) float64 chunk, or the same values in `dtype`.
hc::Array InMemory(hc::DType dtype) {
  const hc::Shape shape = {64, 64, 256};
  std::vector<double> values(static_cast<size_t>(hc::NumElements(shape)));
  for (size_t n = 0; n < values.size(); ++n) values[n] = static_cast<double>(n % 17);
  return hc::Array::FromNdArray(hc::NdArray::FromVector(values, shape).AsType(dtype), shape);
}

void RunReduction(benchmark::State& state, hc::ReduceOp op, std::vector<int> axes, hc::DType dtype) {
  hc::ContextOptions options;
  options.threads = 1;
  hc::Context context(options);
  const hc::Array x = InMemory(dtype);
  const hc::Array reduced = x.Reduce(op, axes);
  for (auto _ : state) {
    hc::Result<hc::NdArray> result = hc::Compute(context, reduced);
    if (!result.ok()) {
      state.SkipWithError(result.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(result->raw());
  }
  state.SetBytesProcessed(state.iterations() * x.nbytes());
}

void BM_SumLastAxis(benchmark::State& state) { RunReduction(state, hc::ReduceOp::kSum, {2}, hc::DType::kFloat64); }
void BM_SumFirstAxes(benchmark::State& state) { RunReduction(state, hc::ReduceOp::kSum, {0, 1}, hc::DType::kFloat64); }
void BM_MaxFirstAxes(benchmark::State& state) { RunReduction(state, hc::ReduceOp::kMax, {0, 1}, hc::DType::kFloat64); }
void BM_MeanLastAxis(benchmark::State& state) { RunReduction(state, hc::ReduceOp::kMean, {2}, hc::DType::kFloat64); }
void BM_SumLastAxisUInt16(benchmark::State& state) { RunReduction(state, hc::ReduceOp::kSum, {2}, hc::DType::kUInt16); }
void BM_SumFirstAxesUInt16(benchmark::State& state) {
  RunReduction(state, hc::ReduceOp::kSum, {0, 1}, hc::DType::kUInt16);
}

BENCHMARK(BM_SumLastAxis)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SumFirstAxes)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MaxFirstAxes)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MeanLastAxis)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SumLastAxisUInt16)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SumFirstAxesUInt16)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
