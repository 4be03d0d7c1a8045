// `hyperchunk rebin FILE (--scale F,... | --new-shape N,...) [--inav SPEC] [--isig SPEC]
// [--dtype same|NAME] [--no-crop] [-o OUT]`: s.inav[...].isig[...].rebin(scale=..., new_shape=...,
// crop=..., dtype=...) of a .hspy file (reference §6), lazily and out of core. Integer factors that
// divide their axes sum blocks; other factors use HyperSpy's linear fractional binning, which
// HyperSpy itself only runs in memory.
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "command.h"
#include "signal_output.h"

namespace hyperchunk::cli {
namespace {

// "2,2,1" / "1.5,1,0.5": positive finite numbers separated by commas.
Result<std::vector<double>> ParseFactors(const std::string& text) {
  std::vector<double> out;
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    const std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || !std::isfinite(v) || v <= 0)
      return InvalidArgument(fmt::format(
          "--scale '{}': '{}' is not a positive number (one factor per axis, natural order, e.g. 2,2,1)", text, item));
    out.push_back(v);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

class RebinCommand final : public Command {
 public:
  void Configure(CLI::App& app) override {
    app.add_option("FILE", path_, "a HyperSpy .hspy file")->required();
    auto* scale = app.add_option("--scale", scale_,
                                 "binning factor per axis, natural order (navigation x, y, then signal axes): 2,2,1 "
                                 "sums 2x2 pixels; 1.5 or 0.5 bins linearly (fractional pixels)")
                      ->type_name("F,...");
    auto* shape = app.add_option("--new-shape", new_shape_, "the new size of every axis, natural order: 256,256,992")
                      ->type_name("N,...");
    scale->excludes(shape);
    app.add_option("--dtype", dtype_,
                   "the result's dtype: 'same' (the input's) or a numpy name (float32, uint32, ...); default "
                   "(or 'none', HyperSpy's dtype=None): numpy's sum dtype (uint16 -> uint64), float64 for linear "
                   "binning of integers")
        ->type_name("same|NAME");
    app.add_flag("--no-crop", no_crop_,
                 "linear binning: keep a last, partly covered bin (HyperSpy's crop=False) instead of dropping it");
    slices_.Add(app);
    output_.Add(app);
    app.footer(
        "Slicing (--inav, --isig; see 'hyperchunk slice --help') is applied before binning.\n"
        "Examples:\n"
        "  hyperchunk rebin scan.hspy --scale 2,2,1 -o binned.hspy               # s.rebin(scale=(2, 2, 1))\n"
        "  hyperchunk rebin scan.hspy --new-shape 256,256,496 -o small.hspy      # s.rebin(new_shape=...)\n"
        "  hyperchunk rebin scan.hspy --isig :15.0 --scale 1,1,4 -o e4.npy       # s.isig[:15.0].rebin(...)\n"
        "  hyperchunk rebin scan.hspy --scale 1.5,1.5,1 --no-crop -o lin.hspy    # linear, float64 result\n"
        "  hyperchunk rebin scan.hspy --scale 2,2,1 --dtype same -o b16.hspy     # keep uint16 (may overflow)");
  }

  Status Validate() override {
    if (scale_.empty() == new_shape_.empty()) return InvalidArgument("give exactly one of --scale or --new-shape");
    if (!scale_.empty()) {
      HC_ASSIGN_OR_RETURN(std::vector<double> factors, ParseFactors(scale_));
      options_.scale = std::move(factors);
    } else {
      HC_ASSIGN_OR_RETURN(Shape shape, ParseShape(new_shape_, "--new-shape"));
      options_.new_shape = std::vector<Index>(shape.begin(), shape.end());
    }
    if (!dtype_.empty() && dtype_ != "none") {
      if (dtype_ != "same" && !ParseDType(dtype_).ok())
        return InvalidArgument(
            fmt::format("--dtype '{}': expected 'same' or a numpy dtype name (float32, float64, uint32, ...)", dtype_));
      options_.dtype = dtype_;
    }
    options_.crop = !no_crop_;
    HC_RETURN_IF_ERROR(slices_.Validate());
    return output_.Validate();
  }

  Status Run(CommandEnv& env) override {
    HC_ASSIGN_OR_RETURN(Signal s, LoadSignal(env, path_, "rebin"));
    HC_ASSIGN_OR_RETURN(Signal sliced, slices_.Apply(s, path_));
    auto result = sliced.Rebin(options_);
    if (!result.ok()) {
      const std::string what = !scale_.empty() ? "--scale " + scale_ : "--new-shape " + new_shape_;
      return result.status().WithContext(
          fmt::format("{}: {} on {}", path_, what, sliced.axes_manager().DimensionString()));
    }
    return WriteSignalOutput(env, *result, output_, path_);
  }

 private:
  std::string path_, scale_, new_shape_, dtype_;
  bool no_crop_ = false;
  RebinOptions options_;
  SliceFlags slices_;
  SignalOutputFlags output_;
};

}  // namespace

std::unique_ptr<Command> MakeRebinCommand() { return std::make_unique<RebinCommand>(); }

}  // namespace hyperchunk::cli
