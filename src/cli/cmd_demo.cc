// `hyperchunk demo [--size small|seed] [--out DIR]`: the tutorial end to end on generated data.
// For now: dask's first example, then the navigator, sum spectrum and max spectrum of a spectrum
// image in one pass. Later issues grow it into the whole HyperSpy tutorial.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "command.h"
#include "demo_data.h"
#include "hyperchunk/core/format.h"
#include "hyperchunk/exec/compute.h"
#include "npy.h"

namespace hyperchunk::cli {
namespace {

constexpr double kTolerance = 1e-9;  // relative, for sums of up to 2^28 positive float64 values

/// dask's repr, e.g. "hyperchunk.Array<ones-sum, shape=(), dtype=float64, chunksize=(), tasks=19>".
std::string Repr(const Array& array) {
  return fmt::format("hyperchunk.Array<{}, shape={}, dtype={}, chunksize={}, tasks={}>", array.label(),
                     ShapeToString(array.shape()), DTypeName(array.dtype()),
                     ShapeToString(array.chunks().max_chunk_shape()), array.graph_task_count());
}

/// Python's repr of a float: "225.0", "0.5", "1e+20".
std::string PythonFloat(double value) {
  std::string text = fmt::format("{}", value);
  if (text.find_first_not_of("-0123456789") == std::string::npos) text += ".0";
  return text;
}

class DemoCommand final : public Command {
 public:
  void Configure(CLI::App& app) override {
    app.add_option("--size", size_,
                   "'seed': the tutorial's 512x512x992 float64 spectrum image (1.94 GiB, generated, never "
                   "stored); 'small': 64x64x992, under a second")
        ->check(CLI::IsMember({"small", "seed"}))
        ->type_name("SIZE")
        ->capture_default_str();
    app.add_option("--out", out_dir_, "also write the results as .npy files into DIR (created if missing)")
        ->type_name("DIR");
    app.footer(
        "Examples:\n"
        "  hyperchunk demo                          # the tutorial-size dataset (1.94 GiB, generated)\n"
        "  hyperchunk demo --size small --out res   # fast; writes res/navigator.npy, ...\n"
        "  hyperchunk demo --graph plan.svg         # also draws the task graph (needs Graphviz)");
  }

  Status Run(CommandEnv& env) override {
    out_ = env.out();
    fmt::print(out_, "hyperchunk demo ({} dataset, {} threads, memory limit {})\n\n", size_, env.context().threads(),
               FormatBytes(env.context().memory_limit()));
    HC_RETURN_IF_ERROR(RunDaskExample(env));
    if (env.cancelled()) return Cancelled("demo interrupted");
    return RunSpectrumImage(env);
  }

 private:
  /// dask's first example: a 15x15 array of ones in 5x5 chunks, summed lazily, then computed.
  Status RunDaskExample(CommandEnv& env) {
    fmt::print(out_, "1. A lazy array and a lazy sum (dask's first example)\n");
    const Array x = Array::Ones(DType::kFloat64, {15, 15}, {5, 5});
    const Array total = x.Sum();
    HC_RETURN_IF_ERROR(total.status());
    fmt::print(out_, "   >>> x = da.ones((15, 15), chunks=(5, 5))\n   {}\n", Repr(x));
    fmt::print(out_, "   >>> x.sum()\n   {}\n", Repr(total));
    HC_ASSIGN_OR_RETURN(const PlanInfo plan, Explain(env.context(), {total}));
    fmt::print(out_, "   plan: {}\n", plan.Summary());
    HC_ASSIGN_OR_RETURN(const NdArray value, Compute(env.context(), total));
    fmt::print(out_, "   >>> x.sum().compute()\n   {}\n\n", PythonFloat(value.GetAsDouble(0)));
    if (value.GetAsDouble(0) != 225.0) {
      return Internal(fmt::format("demo: ones((15, 15)).sum() gave {}, expected 225", value.GetAsDouble(0)));
    }
    return Status::Ok();
  }

  /// Navigator image, sum spectrum and max spectrum of a spectrum image, all in one pass.
  Status RunSpectrumImage(CommandEnv& env) {
    const Index pixels = size_ == "small" ? 64 : 512;
    const SyntheticSpectrumImage dataset(pixels, pixels, 992);
    const Array data = dataset.MakeArray({64, 512, 248});
    HC_RETURN_IF_ERROR(data.status());
    fmt::print(out_, "2. A spectrum image, {} (y, x, E), {}, generated chunk by chunk\n", ShapeToString(data.shape()),
               FormatBytes(data.nbytes()));
    fmt::print(out_, "   >>> data\n   {}\n", Repr(data));

    const std::vector<Array> outputs = {data.Sum({2}), data.Sum({0, 1}), data.Max({0, 1})};
    const char* const names[] = {"navigator    = data.sum(axis=2)", "sum spectrum = data.sum(axis=(0, 1))",
                                 "max spectrum = data.max(axis=(0, 1))"};
    for (size_t output_idx = 0; output_idx < outputs.size(); ++output_idx) {
      HC_RETURN_IF_ERROR(outputs[output_idx].status());
      fmt::print(out_, "   >>> {:<38} # {}\n", names[output_idx], ShapeToString(outputs[output_idx].shape()));
    }
    HC_ASSIGN_OR_RETURN(const PlanInfo plan, Explain(env.context(), outputs));
    fmt::print(out_, "   plan: {}\n", plan.Summary());
    HC_RETURN_IF_ERROR(env.RecordGraph(outputs));
    std::fflush(out_);  // the progress bar (stderr) comes next

    Context& context = env.context();
    context.ResetMemoryStats();
    const auto start = std::chrono::steady_clock::now();
    HC_ASSIGN_OR_RETURN(const std::vector<NdArray> results, Compute(context, outputs));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const MemoryStats memory = context.memory_stats();

    fmt::print(out_, "   >>> hyperchunk.compute(navigator, sum_spectrum, max_spectrum)   # one pass\n");
    fmt::print(out_, "   computed in {}: {} of source data at {}/s, every chunk read once ({} chunks)\n",
               FormatDuration(seconds), FormatBytes(data.nbytes()),
               FormatBytes(static_cast<int64_t>(static_cast<double>(data.nbytes()) / std::max(seconds, 1e-9))),
               plan.source_chunks);
    fmt::print(out_, "   peak engine memory: {} (limit {})\n", FormatBytes(memory.peak_bytes),
               FormatBytes(context.memory_limit()));
    HC_RETURN_IF_ERROR(Check(dataset, results));
    if (!out_dir_.empty()) HC_RETURN_IF_ERROR(WriteResults(env, results));
    return Status::Ok();
  }

  Status Check(const SyntheticSpectrumImage& dataset, const std::vector<NdArray>& results) {
    const double error = dataset.MaxRelativeError(results[0], results[1], results[2]);
    const Index values = results[0].size() + results[1].size() + results[2].size();
    if (!(error <= kTolerance)) {
      return Internal(
          fmt::format("demo: results differ from their closed forms (largest relative error {:.3g} over "
                      "{} values, tolerance {:g})",
                      error, values, kTolerance));
    }
    fmt::print(out_, "   check: all {} values match their closed forms (largest relative error {:.2g})\n", values,
               error);

    const double* spectrum = results[1].data<double>();
    const Index peak = std::max_element(spectrum, spectrum + results[1].size()) - spectrum;
    const double energy = SyntheticSpectrumImage::Energy(peak);
    const double* navigator = results[0].data<double>();
    const auto [lowest, highest] = std::minmax_element(navigator, navigator + results[0].size());
    fmt::print(out_, "   sum spectrum: strongest line at {:.2f} keV ({}); navigator: {:.4g} to {:.4g} counts\n", energy,
               SyntheticSpectrumImage::NearestLine(energy), *lowest, *highest);
    return Status::Ok();
  }

  Status WriteResults(CommandEnv& env, const std::vector<NdArray>& results) {
    if (env.cancelled()) return Cancelled("demo interrupted before writing its results");
    const std::filesystem::path folder = out_dir_;
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error) return IoError(fmt::format("creating folder {}: {}", folder.string(), error.message()));
    const char* const files[] = {"navigator.npy", "sum_spectrum.npy", "max_spectrum.npy"};
    for (size_t output_idx = 0; output_idx < results.size(); ++output_idx) {
      const std::filesystem::path path = folder / files[output_idx];
      HC_RETURN_IF_ERROR(WriteNpy(path, results[output_idx]));
      fmt::print(out_, "   wrote {} ({} {})\n", path.string(), ShapeToString(results[output_idx].shape()),
                 DTypeName(results[output_idx].dtype()));
    }
    return Status::Ok();
  }

  std::string size_ = "seed";
  std::string out_dir_;
  std::FILE* out_ = stdout;
};

}  // namespace

/// Declared and listed in commands.cc.
std::unique_ptr<Command> MakeDemoCommand() { return std::make_unique<DemoCommand>(); }

}  // namespace hyperchunk::cli
