// engine_reduce: how close hyperchunk's reductions come to a plain threaded loop over the same
// bytes (the "floor"). The data is generated chunk by chunk, as a file's chunks would be read, so
// both sides pay the same generation cost and the ratio measures the engine's overhead.
//
//   engine_reduce [--size seed|small|AxBxC] [--chunks AxBxC] [--threads N] [--repeat N]
//                 [--memory-limit SIZE]
//
// Prints a table (op | hyperchunk median | floor median | ratio), the in-memory read bandwidth
// for context, and the process's peak RSS after the hyperchunk runs. Exit code 1 when results of
// the engine and the floor differ.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "hyperchunk/array/array.h"
#include "hyperchunk/core/format.h"
#include "hyperchunk/exec/compute.h"
#include "hyperchunk/exec/context.h"

namespace hc = hyperchunk;

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kPeriod = 17;

struct Options {
  hc::Shape shape = {512, 512, 992};
  hc::Shape chunks = {64, 512, 248};
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int repeat = 5;
  int64_t memory_limit = int64_t{1} << 30;
};

// ---- the data: x[i, j, k] = ((7i + 3j + k) mod 17) * 0.5 -----------------------------------------

/// Fills `box` (3-d, array order) of the data into `out` (C order, box.shape()). Rows are copies
/// from a periodic pattern, so generating costs about as much as writing the bytes.
class Generator {
 public:
  explicit Generator(hc::Index channels) : pattern_(static_cast<size_t>(channels + kPeriod)) {
    for (size_t n = 0; n < pattern_.size(); ++n) pattern_[n] = static_cast<double>(n % kPeriod) * 0.5;
  }
  void Fill(const hc::Box& box, double* out) const {
    const hc::Index channels = box.extent(2);
    for (hc::Index i = box.start[0]; i < box.stop[0]; ++i) {
      for (hc::Index j = box.start[1]; j < box.stop[1]; ++j) {
        const hc::Index phase = (7 * i + 3 * j + box.start[2]) % kPeriod;
        std::memcpy(out, pattern_.data() + phase, static_cast<size_t>(channels) * sizeof(double));
        out += channels;
      }
    }
  }

 private:
  std::vector<double> pattern_;
};

/// Sum of n doubles with 8 independent accumulators (what a good kernel does; numpy's pairwise
/// sum is unrolled the same way).
double SumRow(const double* values, hc::Index n) {
  double acc[8] = {};
  hc::Index k = 0;
  for (; k + 8 <= n; k += 8) {
    for (int lane = 0; lane < 8; ++lane) acc[lane] += values[k + lane];
  }
  for (; k < n; ++k) acc[0] += values[k];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// ---- the floor: plain threads over the same chunks ----------------------------------------------

/// Runs `work(item, thread_idx)` for items [0, count) on `threads` std::threads.
void ParallelFor(int threads, hc::Index count, const std::function<void(hc::Index, int)>& work) {
  std::atomic<hc::Index> next{0};
  std::vector<std::thread> pool;
  for (int thread_idx = 0; thread_idx < threads; ++thread_idx) {
    pool.emplace_back([&, thread_idx] {
      for (hc::Index item = next++; item < count; item = next++) work(item, thread_idx);
    });
  }
  for (std::thread& thread : pool) thread.join();
}

struct FloorResult {
  std::vector<double> navigator;  // sum over axis 2, (rows, columns)
  std::vector<double> spectrum;   // sum over axes 0 and 1, (channels)
};

/// The plain loop: each thread takes the next chunk, generates it into its own chunk-sized
/// buffer (allocated once and reused, as a reader reuses its read buffer) and reduces it into its
/// own partial results, which are added up at the end.
class Floor {
 public:
  Floor(const Options& options, const Generator& generator)
      : options_(options), generator_(generator), grid_(hc::ChunkGrid::Regular(options.shape, options.chunks)) {
    for (int thread_idx = 0; thread_idx < options.threads; ++thread_idx) {
      buffers_.emplace_back(new double[static_cast<size_t>(grid_.max_chunk_elements())]);
    }
  }

  FloorResult Reduce(bool navigator, bool spectrum) const {
    if (navigator && spectrum) return Run<true, true>();
    if (navigator) return Run<true, false>();
    return Run<false, true>();
  }

 private:
  template <bool kNavigator, bool kSpectrum>
  FloorResult Run() const {
    const size_t pixels = static_cast<size_t>(options_.shape[0] * options_.shape[1]);
    const size_t channels = static_cast<size_t>(options_.shape[2]);
    const hc::Index columns = options_.shape[1];
    std::vector<FloorResult> partial(static_cast<size_t>(options_.threads));
    for (FloorResult& sums : partial) {
      if (kNavigator) sums.navigator.assign(pixels, 0.0);
      if (kSpectrum) sums.spectrum.assign(channels, 0.0);
    }
    ParallelFor(options_.threads, grid_.num_chunks(), [&](hc::Index chunk_idx, int thread_idx) {
      FloorResult& sums = partial[static_cast<size_t>(thread_idx)];
      double* const buffer = buffers_[static_cast<size_t>(thread_idx)].get();
      const hc::Box box = grid_.ChunkBox(grid_.Unravel(chunk_idx));
      generator_.Fill(box, buffer);
      const hc::Index width = box.extent(2);
      const double* row = buffer;
      double* const spectrum_out = kSpectrum ? sums.spectrum.data() + box.start[2] : nullptr;
      for (hc::Index i = box.start[0]; i < box.stop[0]; ++i) {
        for (hc::Index j = box.start[1]; j < box.stop[1]; ++j, row += width) {
          if constexpr (kNavigator) sums.navigator[static_cast<size_t>(i * columns + j)] += SumRow(row, width);
          if constexpr (kSpectrum) {
            for (hc::Index k = 0; k < width; ++k) spectrum_out[k] += row[k];
          }
        }
      }
    });
    FloorResult result = std::move(partial[0]);
    for (size_t thread_idx = 1; thread_idx < partial.size(); ++thread_idx) {
      const FloorResult& sums = partial[thread_idx];
      for (size_t n = 0; n < sums.navigator.size(); ++n) result.navigator[n] += sums.navigator[n];
      for (size_t k = 0; k < sums.spectrum.size(); ++k) result.spectrum[k] += sums.spectrum[k];
    }
    return result;
  }

  const Options& options_;
  const Generator& generator_;
  hc::ChunkGrid grid_;
  std::vector<std::unique_ptr<double[]>> buffers_;  // one per thread, uninitialised
};

/// Bytes per second of `threads` threads summing a preallocated 256 MiB buffer, 8 times over.
double ReadBandwidth(int threads) {
  constexpr size_t kElements = (size_t{256} << 20) / sizeof(double);
  constexpr int kPasses = 8;
  std::vector<double> buffer(kElements);
  ParallelFor(threads, threads, [&](hc::Index part, int) {  // first touch on the threads that read
    const size_t begin = kElements * static_cast<size_t>(part) / static_cast<size_t>(threads);
    const size_t end = kElements * static_cast<size_t>(part + 1) / static_cast<size_t>(threads);
    for (size_t n = begin; n < end; ++n) buffer[n] = static_cast<double>(n % kPeriod);
  });
  std::vector<double> sums(static_cast<size_t>(threads));
  const auto start = Clock::now();
  ParallelFor(threads, threads, [&](hc::Index part, int) {
    const size_t begin = kElements * static_cast<size_t>(part) / static_cast<size_t>(threads);
    const size_t end = kElements * static_cast<size_t>(part + 1) / static_cast<size_t>(threads);
    for (int pass = 0; pass < kPasses; ++pass) {
      sums[static_cast<size_t>(part)] += SumRow(buffer.data() + begin, static_cast<hc::Index>(end - begin));
      asm volatile("" ::: "memory");  // every pass reads the buffer again
    }
  });
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (sums[0] < 0) std::puts("");  // keep the sums alive
  return static_cast<double>(kElements * sizeof(double) * kPasses) / seconds;
}

// ---- measuring ----------------------------------------------------------------------------------

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

/// Wall time of one call of `run`.
double Seconds(const std::function<void()>& run) {
  const auto start = Clock::now();
  run();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double MaxRelativeError(const hc::NdArray& got, const std::vector<double>& expected) {
  if (got.dtype() != hc::DType::kFloat64 || got.size() != static_cast<hc::Index>(expected.size())) return INFINITY;
  double worst = 0;
  for (size_t n = 0; n < expected.size(); ++n) {
    const double error = std::abs(got.data<double>()[n] - expected[n]) / std::max(std::abs(expected[n]), 1e-300);
    worst = std::max(worst, std::isnan(error) ? INFINITY : error);
  }
  return worst;
}

int64_t PeakRssBytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return int64_t{usage.ru_maxrss} * 1024;  // Linux reports KiB
}

hc::Shape ParseShape(const std::string& text) {
  if (text == "seed") return {512, 512, 992};
  if (text == "small") return {64, 64, 992};
  hc::Shape shape;
  size_t begin = 0;
  while (begin <= text.size()) {
    const size_t end = std::min(text.find('x', begin), text.size());
    shape.push_back(std::stoll(text.substr(begin, end - begin)));
    begin = end + 1;
  }
  if (shape.size() != 3 || std::any_of(shape.begin(), shape.end(), [](hc::Index n) { return n <= 0; })) {
    throw CLI::ValidationError("shape", fmt::format("'{}' is not 3 positive lengths like 512x512x992", text));
  }
  return shape;
}

struct Row {
  std::string op;
  double engine_seconds;
  double floor_seconds;
};

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app("engine_reduce: hyperchunk's chunked reductions against a plain threaded loop", "engine_reduce");
  std::string size = "seed", chunks = "64x512x248", memory_limit = "1GiB";
  app.add_option("--size", size, "seed (512x512x992), small (64x64x992) or AxBxC")->capture_default_str();
  app.add_option("--chunks", chunks, "chunk shape AxBxC")->capture_default_str();
  app.add_option("--threads", options.threads, "threads for both sides")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--repeat", options.repeat, "runs per measurement (the median is reported)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--memory-limit", memory_limit, "hyperchunk's memory budget")->capture_default_str();
  try {
    app.parse(argc, argv);
    options.shape = ParseShape(size);
    options.chunks = ParseShape(chunks);
    const hc::Result<int64_t> limit = hc::ParseBytes(memory_limit);
    if (!limit.ok()) throw CLI::ValidationError("--memory-limit", limit.status().message());
    options.memory_limit = *limit;
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }

  const Generator generator(options.shape[2]);
  const hc::ChunkGrid grid = hc::ChunkGrid::Regular(options.shape, options.chunks);
  const hc::Array x = hc::Array::FromGenerator("pattern", hc::DType::kFloat64, grid,
                                               [&generator](const hc::Box& box, hc::NdArray& out) {
                                                 generator.Fill(box, out.data<double>());
                                                 return hc::Status::Ok();
                                               });
  hc::ContextOptions context_options;
  context_options.threads = options.threads;
  context_options.memory_limit = options.memory_limit;
  hc::Context context(context_options);
  const double bytes = static_cast<double>(x.nbytes());
  fmt::print("engine_reduce: {} float64 ({}), chunks {} ({} chunks), {} threads, median of {}, memory limit {}\n",
             hc::ShapeToString(options.shape), hc::FormatBytes(x.nbytes()), hc::ShapeToString(grid.max_chunk_shape()),
             grid.num_chunks(), options.threads, options.repeat, hc::FormatBytes(options.memory_limit));

  // Each op: the engine's outputs, and which reductions the floor does.
  struct Op {
    std::string name;
    std::vector<hc::Array> outputs;
    bool navigator, spectrum;
  };
  const std::vector<Op> ops = {
      {"sum(axis=2)", {x.Sum({2})}, true, false},
      {"sum(axis=(0, 1))", {x.Sum({0, 1})}, false, true},
      {"both, one pass", {x.Sum({2}), x.Sum({0, 1})}, true, true},
  };

  // A first, untimed run of each op: its results are checked against the floor's below, and the
  // peak RSS after it is the engine's alone (nothing of the floor is allocated yet).
  std::vector<std::vector<hc::NdArray>> engine_results(ops.size());
  int64_t peak_accounted = 0;
  for (size_t op_idx = 0; op_idx < ops.size(); ++op_idx) {
    context.ResetMemoryStats();
    hc::Result<std::vector<hc::NdArray>> result = hc::Compute(context, ops[op_idx].outputs);
    if (!result.ok()) {
      fmt::print(stderr, "engine_reduce: {}: {}\n", ops[op_idx].name, result.status().ToString());
      return 1;
    }
    engine_results[op_idx] = std::move(result).value();
    peak_accounted = std::max(peak_accounted, context.memory_stats().peak_bytes);
  }
  const int64_t engine_rss = PeakRssBytes();

  const Floor plain_loop(options, generator);
  double worst_error = 0;
  for (size_t op_idx = 0; op_idx < ops.size(); ++op_idx) {  // also the floor's warm-up
    const FloorResult floor = plain_loop.Reduce(ops[op_idx].navigator, ops[op_idx].spectrum);
    const std::vector<hc::NdArray>& engine = engine_results[op_idx];
    if (ops[op_idx].navigator) worst_error = std::max(worst_error, MaxRelativeError(engine.front(), floor.navigator));
    if (ops[op_idx].spectrum) worst_error = std::max(worst_error, MaxRelativeError(engine.back(), floor.spectrum));
  }

  // Timed runs: the engine and the floor take turns, so both see the same noise of the machine.
  std::vector<std::vector<double>> engine_times(ops.size()), floor_times(ops.size());
  for (int run_idx = 0; run_idx < options.repeat; ++run_idx) {
    for (size_t op_idx = 0; op_idx < ops.size(); ++op_idx) {
      hc::Status status;
      engine_times[op_idx].push_back(Seconds([&] { status = hc::Compute(context, ops[op_idx].outputs).status(); }));
      if (!status.ok()) {
        fmt::print(stderr, "engine_reduce: {}: {}\n", ops[op_idx].name, status.ToString());
        return 1;
      }
      floor_times[op_idx].push_back(Seconds([&] { plain_loop.Reduce(ops[op_idx].navigator, ops[op_idx].spectrum); }));
    }
  }
  std::vector<Row> rows;
  for (size_t op_idx = 0; op_idx < ops.size(); ++op_idx) {
    rows.push_back({ops[op_idx].name, Median(engine_times[op_idx]), Median(floor_times[op_idx])});
  }
  const double read_bandwidth = ReadBandwidth(options.threads);

  const auto cell = [&](double seconds) {
    return fmt::format("{} ({:.2f} GB/s)", hc::FormatDuration(seconds), bytes / seconds / 1e9);
  };
  fmt::print("\n| {:<18} | {:<24} | {:<24} | {:>5} |\n", "op", "hyperchunk median", "floor median", "ratio");
  fmt::print("|{:-<20}|{:-<26}|{:-<26}|{:->7}|\n", "", "", "", "");
  for (const Row& row : rows) {
    fmt::print("| {:<18} | {:<24} | {:<24} | {:>5.2f} |\n", row.op, cell(row.engine_seconds), cell(row.floor_seconds),
               row.engine_seconds / row.floor_seconds);
  }
  fmt::print("\nin-memory read floor ({} threads, 256 MiB x 8): {:.2f} GB/s\n", options.threads, read_bandwidth / 1e9);
  fmt::print("peak accounted engine memory: {}; peak RSS after the hyperchunk runs: {}\n",
             hc::FormatBytes(peak_accounted), hc::FormatBytes(engine_rss));
  fmt::print("results: engine vs floor, largest relative difference {:.2g}\n", worst_error);
  if (!(worst_error <= 1e-12)) {
    fmt::print(stderr, "engine_reduce: the engine's results differ from the floor's\n");
    return 1;
  }
  return 0;
}
