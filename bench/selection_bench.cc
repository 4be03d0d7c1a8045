// selection_bench: how long one selection of a file takes once the file is open (the viewer's case:
// a pixel's spectrum, a small ROI), with partial reads of uncompressed chunks and with whole-chunk
// reads of the same source, in one process. See BENCHMARKS.md, "Partial reads".
//
//   selection_bench --file F.hspy [--dataset /Experiments/__unnamed__/data] [--repeat N] [--threads N]
//
// Each selection is computed once untimed (warm page cache), then N times; prints the median and
// the bytes the plan reads.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "hyperchunk/array/array.h"
#include "hyperchunk/core/format.h"
#include "hyperchunk/exec/compute.h"
#include "store/hdf5_source.h"

namespace hyperchunk {
namespace {

// The same source, read only in whole chunks (what every read was before partial reads).
class WholeChunks final : public ChunkSource {
 public:
  explicit WholeChunks(std::shared_ptr<const ChunkSource> inner) : inner_(std::move(inner)) {}
  DType dtype() const override { return inner_->dtype(); }
  const ChunkGrid& chunks() const override { return inner_->chunks(); }
  std::string name() const override { return inner_->name(); }
  Status ReadChunk(const ChunkIndex& chunk, NdArray& out) const override { return inner_->ReadChunk(chunk, out); }
  Index StoredBytes(const ChunkIndex& chunk) const override { return inner_->StoredBytes(chunk); }

 private:
  std::shared_ptr<const ChunkSource> inner_;
};

struct Timing {
  double median_ms = 0;
  int64_t read_bytes = 0;
};

Result<Timing> Time(Context& ctx, const Array& selection, int repeat) {
  HC_ASSIGN_OR_RETURN(PlanInfo info, Explain(ctx, {selection}));
  HC_RETURN_IF_ERROR(Compute(ctx, selection).status());  // warm-up
  std::vector<double> ms;
  for (int i = 0; i < repeat; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    HC_RETURN_IF_ERROR(Compute(ctx, selection).status());
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return Timing{ms[ms.size() / 2], info.read_bytes};
}

int Run(int argc, char** argv) {
  CLI::App app{"selection_bench: a spectrum and an ROI of an open file, partial vs whole-chunk reads"};
  std::string path, dataset = "/Experiments/__unnamed__/data";
  int repeat = 21, threads = 0;
  app.add_option("--file", path, "the .hspy file")->required();
  app.add_option("--dataset", dataset, "HDF5 path of the data");
  app.add_option("--repeat", repeat, "timed runs per selection (median reported)");
  app.add_option("--threads", threads, "worker threads (0: one per CPU)");
  CLI11_PARSE(app, argc, argv);

  auto file = internal::H5File::Open(path);
  if (!file.ok()) return fmt::print(stderr, "{}\n", file.status().ToString()), 1;
  auto source = internal::OpenDatasetSource(*file, dataset);
  if (!source.ok()) return fmt::print(stderr, "{}\n", source.status().ToString()), 1;
  const Array partial = Array::FromSource(*source);
  const Array whole = Array::FromSource(std::make_shared<WholeChunks>(*source));
  if (partial.rank() != 3) return fmt::print(stderr, "expected a 3-d spectrum image\n"), 1;
  ContextOptions options;
  options.threads = threads;
  Context ctx(options);

  const Index y = std::min<Index>(100, partial.shape()[0] - 10), x = std::min<Index>(100, partial.shape()[1] - 10);
  struct Selection {
    std::string name;
    std::vector<IndexItem> items;
  };
  const std::vector<Selection> selections = {
      {fmt::format("spectrum of pixel ({}, {})", y, x), {Index{y}, Index{x}}},
      {fmt::format("10x10 ROI [{}:{}, {}:{}]", y, y + 10, x, x + 10), {Slice{y, y + 10, 1}, Slice{x, x + 10, 1}}},
  };
  fmt::print("file: {} {} {}, chunks {}\n", path, ShapeToString(partial.shape()), DTypeName(partial.dtype()),
             ShapeToString(partial.chunks().ChunkBox(ChunkIndex(partial.rank(), 0)).shape()));
  fmt::print("median of {} runs, {} threads, file open, warm page cache\n\n", repeat, ctx.threads());
  fmt::print("| selection | reads (partial) | ms (partial) | reads (whole chunks) | ms (whole chunks) | ratio |\n");
  fmt::print("|---|---|---|---|---|---|\n");
  for (const Selection& s : selections) {
    auto p = Time(ctx, partial[s.items], repeat);
    auto w = Time(ctx, whole[s.items], repeat);
    if (!p.ok() || !w.ok()) return fmt::print(stderr, "{}\n", (p.ok() ? w.status() : p.status()).ToString()), 1;
    fmt::print("| {} | {} | {:.2f} | {} | {:.2f} | {:.0f}x |\n", s.name, FormatBytes(p->read_bytes), p->median_ms,
               FormatBytes(w->read_bytes), w->median_ms, w->median_ms / p->median_ms);
  }
  return 0;
}

}  // namespace
}  // namespace hyperchunk

int main(int argc, char** argv) { return hyperchunk::Run(argc, argv); }
