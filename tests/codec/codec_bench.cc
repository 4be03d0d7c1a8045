// Micro-benchmarks of the chunk codecs on one realistic HyperSpy chunk: 62 MiB of float64 EDS
// spectra (3968 pixels x 2048 channels of whole-number counts), shuffled and deflated at level 4
// as HyperSpy saves it. Bytes/s are bytes of the decoded chunk.
//
//   build/tests/codec/codec_bench                       all
//   build/tests/codec/codec_bench --benchmark_filter=Unshuffle
#include <cstring>
#include <vector>

#include <benchmark/benchmark.h>
#include <zlib.h>

#include "codec/codec.h"
#include "codec/sample_data.h"

namespace hyperchunk::codec {
namespace {

constexpr size_t kPixels = 3968;
constexpr size_t kChannels = 2048;  // 3968 * 2048 * 8 bytes = 62 MiB

struct Sample {
  std::vector<std::byte> raw;       ///< the chunk as float64 values
  std::vector<std::byte> shuffled;  ///< after the shuffle filter
  std::vector<std::byte> stored;    ///< after shuffle + deflate(4): the bytes in the file
};

const Sample& TheSample() {
  static const Sample sample = [] {
    Sample s;
    const std::vector<double> spectra = testdata::MakeSpectra(kPixels, kChannels, 42);
    s.raw.assign(testdata::AsBytes(spectra).begin(), testdata::AsBytes(spectra).end());
    s.shuffled.resize(s.raw.size());
    Shuffle(s.raw, s.shuffled, sizeof(double));
    s.stored = std::move(DeflateZlib(s.shuffled, kDefaultDeflateLevel)).value();
    return s;
  }();
  return sample;
}

void SetCounters(benchmark::State& state, size_t bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["MiB"] = static_cast<double>(bytes) / (1 << 20);
}

void BM_InflateZlib(benchmark::State& state) {
  const Sample& sample = TheSample();
  std::vector<std::byte> out(sample.shuffled.size());
  for (auto _ : state) {
    const Status status = InflateZlib(sample.stored, out);
    if (!status.ok()) state.SkipWithError(status.ToString().c_str());
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, out.size());
  state.counters["ratio"] = static_cast<double>(out.size()) / static_cast<double>(sample.stored.size());
}
BENCHMARK(BM_InflateZlib)->Unit(benchmark::kMillisecond)->UseRealTime();

/// zlib's inflate on the same stream, for comparison (what HDF5's own gzip filter runs).
void BM_ZlibUncompress(benchmark::State& state) {
  const Sample& sample = TheSample();
  std::vector<std::byte> out(sample.shuffled.size());
  for (auto _ : state) {
    uLongf size = out.size();
    uncompress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(sample.stored.data()),
               sample.stored.size());
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, out.size());
}
BENCHMARK(BM_ZlibUncompress)->Unit(benchmark::kMillisecond)->UseRealTime();

/// The whole read path of one chunk: inflate into the scratch, unshuffle into the output.
void BM_DecodeChunk(benchmark::State& state) {
  const Sample& sample = TheSample();
  const std::vector<FilterStep> pipeline = {{kFilterShuffle, {8}, "shuffle"}, {kFilterDeflate, {4}, "deflate"}};
  std::vector<std::byte> out(sample.raw.size());
  std::vector<std::byte> scratch;
  for (auto _ : state) {
    const Status status = DecodeChunk(pipeline, 0, sample.stored, out, 8, scratch);
    if (!status.ok()) state.SkipWithError(status.ToString().c_str());
    benchmark::DoNotOptimize(out.data());
  }
  if (std::memcmp(out.data(), sample.raw.data(), out.size()) != 0) state.SkipWithError("decoded chunk differs");
  SetCounters(state, out.size());
}
BENCHMARK(BM_DecodeChunk)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Unshuffle(benchmark::State& state) {
  const size_t element_size = static_cast<size_t>(state.range(0));
  const Sample& sample = TheSample();
  std::vector<std::byte> out(sample.raw.size());
  for (auto _ : state) {
    Unshuffle(sample.shuffled, out, element_size);
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, out.size());
}
BENCHMARK(BM_Unshuffle)->Arg(2)->Arg(4)->Arg(8)->Arg(3)->Arg(16)->Unit(benchmark::kMillisecond)->UseRealTime();

/// The same transpose as HDF5's H5Z__filter_shuffle loop (one output byte per step), for comparison.
void BM_UnshuffleHdf5Loop(benchmark::State& state) {
  const size_t k = static_cast<size_t>(state.range(0));
  const Sample& sample = TheSample();
  std::vector<std::byte> out(sample.raw.size());
  const size_t n = out.size() / k;
  for (auto _ : state) {
    const std::byte* src = sample.shuffled.data();
    for (size_t b = 0; b < k; ++b) {
      std::byte* dst = out.data() + b;
      for (size_t i = 0; i < n; ++i, dst += k) *dst = *src++;
      benchmark::ClobberMemory();
    }
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, out.size());
}
BENCHMARK(BM_UnshuffleHdf5Loop)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Shuffle(benchmark::State& state) {
  const size_t element_size = static_cast<size_t>(state.range(0));
  const Sample& sample = TheSample();
  std::vector<std::byte> out(sample.raw.size());
  for (auto _ : state) {
    Shuffle(sample.raw, out, element_size);
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, out.size());
}
BENCHMARK(BM_Shuffle)->Arg(2)->Arg(4)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime();

/// memcpy of the chunk: the memory-bandwidth ceiling of a transpose.
void BM_Memcpy(benchmark::State& state) {
  const Sample& sample = TheSample();
  std::vector<std::byte> out(sample.raw.size());
  for (auto _ : state) {
    std::memcpy(out.data(), sample.shuffled.data(), out.size());
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state, out.size());
}
BENCHMARK(BM_Memcpy)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DeflateZlib(benchmark::State& state) {
  const int level = static_cast<int>(state.range(0));
  const Sample& sample = TheSample();
  size_t stored = 0;
  for (auto _ : state) {
    Result<std::vector<std::byte>> out = DeflateZlib(sample.shuffled, level);
    if (!out.ok()) state.SkipWithError(out.status().ToString().c_str());
    stored = out->size();
  }
  SetCounters(state, sample.shuffled.size());
  state.counters["ratio"] = static_cast<double>(sample.shuffled.size()) / static_cast<double>(stored);
}
BENCHMARK(BM_DeflateZlib)->Arg(1)->Arg(4)->Arg(6)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_Fletcher32(benchmark::State& state) {
  const Sample& sample = TheSample();
  for (auto _ : state) benchmark::DoNotOptimize(Fletcher32(sample.stored));
  SetCounters(state, sample.stored.size());
}
BENCHMARK(BM_Fletcher32)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace hyperchunk::codec

BENCHMARK_MAIN();
