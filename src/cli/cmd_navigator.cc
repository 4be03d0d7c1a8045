// `hyperchunk navigator FILE [--index V[,V]] [--chunks-number N[,N]] [--full] [-o OUT]`:
// s.compute_navigator(index=..., chunks_number=...) of a .hspy file (reference §3): the navigation
// image summed over the signal chunk(s) that hold the index, reading only those chunks. A file
// HyperSpy saved after compute_navigator carries its navigator (metadata._HyperSpy.navigator):
// without options that one is written out instead of computing a new one.
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/logger.h>

#include "command.h"
#include "hspy_options.h"
#include "hyperchunk/signal/navigator.h"
#include "signal_output.h"

namespace hyperchunk::cli {
namespace {

// --index: a plain integer is an index, a number with a decimal point or exponent a calibrated value
// (CLI.md's index specs).
Result<std::vector<NavigatorIndex>> ParseIndex(const std::string& text) {
  std::vector<NavigatorIndex> out;
  for (const std::string& item : SplitCommas(text)) {
    auto specs = ParseIndexSpecs(item);
    const bool single = specs.ok() && specs->size() == 1 && (*specs)[0].kind == IndexSpec::Kind::kPosition;
    if (single && !item.empty()) {
      const AxisPosition& p = (*specs)[0].position;
      if (const auto* i = std::get_if<Index>(&p)) {
        out.emplace_back(*i);
        continue;
      }
      if (const auto* v = std::get_if<double>(&p)) {
        out.emplace_back(*v);
        continue;
      }
    }
    return InvalidArgument(fmt::format(
        "--index '{}': '{}' is neither an index (300) nor a calibrated value (6.3); give one per signal axis, "
        "natural order, or one for all",
        text, item));
  }
  return out;
}

// --chunks-number: positive numbers (HyperSpy accepts non-integers: int(size / n) channels a chunk).
Result<std::vector<double>> ParseChunksNumber(const std::string& text) {
  std::vector<double> out;
  for (const std::string& item : SplitCommas(text)) {
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || !std::isfinite(v) || v <= 0)
      return InvalidArgument(fmt::format(
          "--chunks-number '{}': '{}' is not a positive number (chunks per signal axis, e.g. 3 or 3,5)", text, item));
    out.push_back(v);
  }
  return out;
}

class NavigatorCommand final : public Command {
 public:
  void Configure(CLI::App& app) override {
    app.add_option("FILE", path_, "a HyperSpy .hspy file")->required();
    app.add_option("--index", index_,
                   "where to take the sum, per signal axis in natural order (one value: every axis): an index (300) "
                   "or a calibrated value (6.3); default: the middle of each signal axis. The signal chunk holding "
                   "it is summed; write --index=-1 for a leading '-'")
        ->type_name("V[,V]");
    auto* number = app.add_option("--chunks-number", chunks_number_,
                                  "cut each signal axis into about N balanced chunks (dask's rechunk(balance=True)) "
                                  "to choose the summed range; the data itself is not rechunked")
                       ->type_name("N[,N]");
    auto* full = app.add_flag("--full", full_, "sum over the whole signal (compute_navigator(chunks_number=1))");
    full->excludes(number);
    app.add_flag("--recompute", recompute_,
                 "compute a navigator even when the file carries one (metadata._HyperSpy.navigator)");
    output_.Add(app);
    app.footer(
        "The result is HyperSpy's s.navigator: the sum transposed (Signal2D (|x, y) for a 2-D scan), numpy's\n"
        "sum dtype (uint16 -> uint64), original_metadata.sum_from = the summed range. Without --index,\n"
        "--chunks-number, --full or --recompute a navigator stored in the file is reused. --log-level info\n"
        "prints HyperSpy's INFO lines (Using index, Signal chunks, Computing sum over signal dimension).\n"
        "Examples:\n"
        "  hyperchunk navigator scan.hspy -o navigator.png             # s.compute_navigator(); s.navigator.plot()\n"
        "  hyperchunk navigator scan.hspy --index 6.3 -o fe.npy        # compute_navigator(index=6.3)\n"
        "  hyperchunk navigator scan.hspy --chunks-number 5 -o nav.hspy # compute_navigator(chunks_number=5)\n"
        "  hyperchunk navigator image.hspy --index 30,50 -o nav.npy    # two signal axes: x then y\n"
        "  hyperchunk navigator scan.hspy --full -o total.png          # s.sum(s.axes_manager.signal_axes).T\n"
        "  hyperchunk --log-level info navigator line.hspy             # prints a small navigator");
  }

  Status Validate() override {
    if (!index_.empty()) {
      HC_ASSIGN_OR_RETURN(options_.index, ParseIndex(index_));
    }
    if (!chunks_number_.empty()) {
      HC_ASSIGN_OR_RETURN(options_.chunks_number, ParseChunksNumber(chunks_number_));
    }
    options_.full = full_;
    return output_.Validate();
  }

  Status Run(CommandEnv& env) override {
    HC_ASSIGN_OR_RETURN(Signal s, LoadSignal(env, path_, "navigator"));
    const bool defaults = index_.empty() && chunks_number_.empty() && !full_ && !recompute_;
    if (defaults) {
      if (std::optional<Signal> stored = StoredNavigator(s)) {
        const Value* sum_from = stored->original_metadata().Find("sum_from");
        env.context().logger().info(
            "{}: using the navigator stored in the file (metadata._HyperSpy.navigator{})", path_,
            sum_from && sum_from->kind() == Value::Kind::kString ? ", sum_from " + sum_from->as_string()
                                                                 : std::string());
        return Write(env, *stored);
      }
    }
    auto navigator = LazyNavigator(s, options_);
    if (!navigator.ok()) return navigator.status().WithContext(fmt::format("{}: compute_navigator", path_));
    return Write(env, *navigator);
  }

 private:
  // A printed navigator is computed first, so that it shows as HyperSpy's s.navigator does
  // (<Signal2D, ...>, in memory); files are written from the lazy one, chunk by chunk.
  Status Write(CommandEnv& env, Signal navigator) {
    if (output_.path().empty() && navigator.is_lazy() && navigator.data().size() <= kMaxPrintedValues) {
      HC_RETURN_IF_ERROR(env.RecordGraph({navigator.data()}));
      HC_RETURN_IF_ERROR(navigator.Compute());
    }
    return WriteSignalOutput(env, navigator, output_, path_);
  }

  std::string path_, index_, chunks_number_;
  bool full_ = false;
  bool recompute_ = false;
  NavigatorOptions options_;
  SignalOutputFlags output_;
};

}  // namespace

std::unique_ptr<Command> MakeNavigatorCommand() { return std::make_unique<NavigatorCommand>(); }

}  // namespace hyperchunk::cli
