// roi_bench: the tutorial's 10x10 ROI on an open file as the viewer lives it (issue 6) — the first
// ROI sum, the sum again after moving the ROI by one pixel (an interactive recompute, reusing the
// Context's chunk cache), and the spectrum at one pixel. Public API only (Load, RectangularRoi,
// InteractiveRoi, Inav). bench/roi_bench.sh runs it next to HyperSpy; see BENCHMARKS.md, "ROI".
//
//   roi_bench FILE [--repeat N] [--threads N] [--cache-bytes B] [--json]
//
// Each moved sum is checked against the same ROI computed in a fresh Context (bit-identical).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "hyperchunk/core/format.h"
#include "hyperchunk/exec/context.h"
#include "hyperchunk/roi/interactive.h"
#include "hyperchunk/roi/roi.h"
#include "hyperchunk/signal/signal.h"

namespace hyperchunk {
namespace {

using Clock = std::chrono::steady_clock;
double Ms(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }
double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

std::shared_ptr<Context> MakeContext(int threads, int64_t cache_bytes) {
  ContextOptions options;
  options.threads = threads;
  options.chunk_cache_bytes = cache_bytes;
  return std::make_shared<Context>(options);
}

// The ROI sum computed from scratch (a Context of its own, nothing cached), as the reference.
Result<NdArray> FreshSum(const std::string& path, int threads, double left, double top) {
  HC_ASSIGN_OR_RETURN(Signal s, Load(path, {}, MakeContext(threads, 0)));
  HC_ASSIGN_OR_RETURN(RectangularRoi roi, RectangularRoi::Create(left, top, left + 10, top + 10));
  HC_ASSIGN_OR_RETURN(Signal cut, roi.Apply(s));
  HC_ASSIGN_OR_RETURN(Signal sum, cut.Sum());
  return sum.Values();
}

bool SameBytes(const NdArray& a, const NdArray& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) return false;
  return std::memcmp(a.raw(), b.raw(), static_cast<size_t>(a.nbytes())) == 0;
}

int Run(int argc, char** argv) {
  CLI::App app{"roi_bench: the 10x10 ROI sum (first, moved by one pixel) and a pixel's spectrum"};
  std::string path;
  int repeat = 21, threads = 0;
  int64_t cache_bytes = -1;
  bool json = false;
  app.add_option("file", path, "the .hspy file (a 3-d spectrum image, at least 128x128 pixels)")->required();
  app.add_option("--repeat", repeat, "moves and spectra timed (medians reported)");
  app.add_option("--threads", threads, "worker threads (0: one per CPU)");
  app.add_option("--cache-bytes", cache_bytes, "the Context's chunk cache (-1: default, 0: none)");
  app.add_flag("--json", json, "one JSON object instead of the table");
  CLI11_PARSE(app, argc, argv);

  auto ctx = MakeContext(threads, cache_bytes);
  const auto t_open = Clock::now();
  auto s = Load(path, {}, ctx);
  if (!s.ok()) return fmt::print(stderr, "{}\n", s.status().ToString()), 1;
  const double open_ms = Ms(t_open);

  // First call: the tutorial's RectangularROI(left=100, top=100, right=110, bottom=110), summed.
  auto roi = std::make_shared<RectangularRoi>(*RectangularRoi::Create(100, 100, 110, 110));
  const auto t_first = Clock::now();
  auto out = InteractiveRoi(roi, *s, [](const Signal& cut) { return cut.Sum(); });
  if (!out.ok()) return fmt::print(stderr, "{}\n", out.status().ToString()), 1;
  const double first_ms = Ms(t_first);

  // Moves by one pixel (right, then down, ...): each recomputes through the interactive output.
  std::vector<double> move_ms;
  double x = 100, y = 100;
  bool identical = true;
  for (int i = 0; i < repeat; ++i) {
    (i % 2 == 0 ? x : y) += 1;
    const auto t0 = Clock::now();
    roi->MoveTo(x, y);
    move_ms.push_back(Ms(t0));
    if (!(*out)->last_status().ok()) return fmt::print(stderr, "{}\n", (*out)->last_status().ToString()), 1;
    if (i == repeat - 1 || i == 0) {
      auto want = FreshSum(path, threads, x, y);
      auto got = (*out)->out().Values();
      identical = identical && want.ok() && got.ok() && SameBytes(*want, *got);
    }
  }
  const ChunkCacheStats after_moves = ctx->chunk_cache_stats();

  // A pixel's spectrum: pixels inside the ROI's neighbourhood (chunks the ROI already touched),
  // then pixels far away with the cache emptied first (the chunk must be read: decoded if gzip).
  std::vector<double> near_ms, far_ms;
  for (int i = 0; i < repeat; ++i) {
    const Index px = 100 + i % 10, py = 105 - i % 7;
    const auto t0 = Clock::now();
    auto spectrum = s->Inav({IndexSpec::At(px), IndexSpec::At(py)});
    if (!spectrum.ok() || !spectrum->Values().ok()) return fmt::print(stderr, "spectrum failed\n"), 1;
    near_ms.push_back(Ms(t0));
  }
  const std::vector<Index> nav = s->axes_manager().navigation_shape();
  if (nav.size() != 2 || nav[0] < 128 || nav[1] < 128)
    return fmt::print(stderr, "{}: expected 2-d navigation of at least 128x128 pixels\n", path), 1;
  const Index nx = nav[0], ny = nav[1];
  for (int i = 0; i < std::min(repeat, 7); ++i) {
    ctx->ClearChunkCache();
    const Index px = (nx - 1) - 37 * i % (nx / 2), py = (ny - 1) - 53 * i % (ny / 2);
    const auto t0 = Clock::now();
    auto spectrum = s->Inav({IndexSpec::At(px), IndexSpec::At(py)});
    if (!spectrum.ok() || !spectrum->Values().ok()) return fmt::print(stderr, "spectrum failed\n"), 1;
    far_ms.push_back(Ms(t0));
  }

  const double move = Median(move_ms), near = Median(near_ms), far = Median(far_ms);
  if (json) {
    fmt::print(
        "{{\"file\": \"{}\", \"open_ms\": {:.3f}, \"first_ms\": {:.3f}, \"move_ms\": {:.3f}, \"spectrum_ms\": {:.3f}, "
        "\"spectrum_uncached_ms\": {:.3f}, \"identical\": {}, \"cache_hits\": {}, \"cache_bytes\": {}, "
        "\"threads\": {}, \"repeat\": {}}}\n",
        path, open_ms, first_ms, move, near, far, identical ? "true" : "false", after_moves.hits, after_moves.bytes,
        ctx->threads(), repeat);
  } else {
    fmt::print("{}\n", path);
    fmt::print("  open                          {:9.3f} ms\n", open_ms);
    fmt::print("  ROI sum, first call           {:9.3f} ms\n", first_ms);
    fmt::print("  ROI sum, moved by one pixel   {:9.3f} ms  (median of {}; same bytes as a fresh compute: {})\n", move,
               repeat, identical ? "yes" : "NO");
    fmt::print("  spectrum at one pixel         {:9.3f} ms  (near the ROI)\n", near);
    fmt::print("  spectrum, chunk not cached    {:9.3f} ms\n", far);
    fmt::print("  chunk cache after the moves   {} hits, {} held\n", after_moves.hits, FormatBytes(after_moves.bytes));
  }
  return identical ? 0 : 1;
}

}  // namespace
}  // namespace hyperchunk

int main(int argc, char** argv) { return hyperchunk::Run(argc, argv); }
