// `hyperchunk roi FILE SHAPE [--axes navigation|signal] [--op none|sum|mean|nansum|nanmean] [-o OUT]`:
// HyperSpy's `roi(s, axes=...)` of a .hspy file (reference §7.2), optionally reduced over the axes
// the ROI spans, lazily: only the chunks the ROI touches are read. SHAPE is one of --rect, --span,
// --point, --circle, --line, in calibrated units. The ROI classes are hyperchunk/roi/roi.h.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/logger.h>

#include "command.h"
#include "hyperchunk/roi/roi.h"
#include "signal_output.h"

namespace hyperchunk::cli {
namespace {

// One shape option: its flag, the numbers it takes and the HyperSpy class it makes.
struct ShapeSpec {
  const char* flag;
  const char* type_name;
  size_t min_count, max_count;
  const char* help;
};

enum class ShapeKind { kRect, kSpan, kPoint, kCircle, kLine };

constexpr ShapeSpec kShapes[] = {
    {"--rect", "LEFT,TOP,RIGHT,BOTTOM", 4, 4,
     "RectangularROI(left, top, right, bottom): x from LEFT to RIGHT, y from TOP to BOTTOM"},
    {"--span", "LEFT,RIGHT", 2, 2, "SpanROI(left, right): one axis from LEFT to RIGHT"},
    {"--point", "X[,Y]", 1, 2, "Point1DROI(X) or Point2DROI(X, Y): one pixel; its axes are removed"},
    {"--circle", "CX,CY,R[,R_INNER]", 3, 4,
     "CircleROI(cx, cy, r, r_inner): the disc (ring) of the bounding box, NaN outside"},
    {"--line", "X1,Y1,X2,Y2[,WIDTH]", 4, 5,
     "Line2DROI(x1, y1, x2, y2, linewidth): the profile from (X1, Y1) to (X2, Y2), nearest pixels, averaged "
     "across WIDTH"},
};

// "1,1.5,3,4" / "-2,-1e2": finite numbers separated by commas (an error is bad usage).
Result<std::vector<double>> ParseNumbers(const ShapeSpec& shape, const std::string& text) {
  std::vector<double> out;
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    const std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || !std::isfinite(v))
      return InvalidArgument(fmt::format("{} '{}': '{}' is not a number (expected {}, in axis units)", shape.flag, text,
                                         item, shape.type_name));
    out.push_back(v);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  if (out.size() < shape.min_count || out.size() > shape.max_count)
    return InvalidArgument(fmt::format("{} '{}': {} number{} given, expected {}", shape.flag, text, out.size(),
                                       out.size() == 1 ? "" : "s", shape.type_name));
  return out;
}

using RoiPtr = std::unique_ptr<Roi>;

// The ROI the numbers describe; values HyperSpy refuses (or silently drops) are errors.
Result<RoiPtr> MakeRoi(ShapeKind kind, const std::vector<double>& v) {
  switch (kind) {
    case ShapeKind::kRect: {
      HC_ASSIGN_OR_RETURN(RectangularRoi r, RectangularRoi::Create(v[0], v[1], v[2], v[3]));
      return RoiPtr(std::make_unique<RectangularRoi>(std::move(r)));
    }
    case ShapeKind::kSpan: {
      HC_ASSIGN_OR_RETURN(SpanRoi r, SpanRoi::Create(v[0], v[1]));
      return RoiPtr(std::make_unique<SpanRoi>(std::move(r)));
    }
    case ShapeKind::kPoint:
      if (v.size() == 1) return RoiPtr(std::make_unique<Point1DRoi>(v[0]));
      return RoiPtr(std::make_unique<Point2DRoi>(v[0], v[1]));
    case ShapeKind::kCircle: {
      const double r_inner = v.size() > 3 ? v[3] : 0.0;
      // HyperSpy's CircleROI silently keeps r_inner = 0 when r_inner >= r, and masks |r_inner|
      // when it is negative: refuse both rather than cut something else than was asked.
      if (v.size() > 3 && v[2] >= 0 && !(r_inner >= 0 && r_inner < v[2]))
        return InvalidArgument(fmt::format("r_inner ({}) must lie in [0, r) with r = {}", r_inner, v[2]));
      HC_ASSIGN_OR_RETURN(CircleRoi r, CircleRoi::Create(v[0], v[1], v[2], r_inner));
      return RoiPtr(std::make_unique<CircleRoi>(std::move(r)));
    }
    case ShapeKind::kLine:
      if (v.size() > 4 && v[4] < 0) return InvalidArgument("linewidth must be positive number");
      return RoiPtr(std::make_unique<Line2DRoi>(v[0], v[1], v[2], v[3], v.size() > 4 ? v[4] : 0.0));
  }
  return Internal("unknown ROI shape");
}

// The array indices of the axes the ROI works on, in the ROI's order. With no group, HyperSpy's
// rule (roi._parse_axes(None)): the first `ndim` navigation axes, else the first signal axes, else
// (signal axis, navigation axis). With a group: its first `ndim` axes, x before y.
Result<std::vector<int>> RoiAxes(const AxesManager& am, int ndim, const std::string& group) {
  const std::vector<int> nav = am.NavigationArrayIndices();
  const std::vector<int> sig = am.SignalArrayIndices();
  const auto first = [&](const std::vector<int>& g) { return std::vector<int>(g.begin(), g.begin() + ndim); };
  if (group.empty()) {
    if (static_cast<int>(nav.size()) >= ndim) return first(nav);
    if (static_cast<int>(sig.size()) >= ndim) return first(sig);
    if (ndim == 2 && nav.size() == 1 && sig.size() == 1) return std::vector<int>{sig[0], nav[0]};
    return InvalidArgument(
        fmt::format("Could not find valid axes configuration: a {}-D ROI on a {} signal", ndim, am.DimensionString()));
  }
  const std::vector<int>& g = group == "navigation" ? nav : sig;
  if (static_cast<int>(g.size()) < ndim)
    return InvalidArgument(fmt::format("--axes {}: the signal {} has {} {} ax{}; this ROI spans {}", group,
                                       am.DimensionString(), g.size(), group, g.size() == 1 ? "is" : "es", ndim));
  return first(g);
}

class RoiCommand final : public Command {
 public:
  void Configure(CLI::App& app) override {
    app.add_option("FILE", path_, "a HyperSpy .hspy file")->required();
    for (size_t k = 0; k < std::size(kShapes); ++k) {
      app.add_option(kShapes[k].flag, texts_[k], kShapes[k].help)->type_name(kShapes[k].type_name)->group("Shape");
    }
    app.add_option("--axes", axes_,
                   "the axes the ROI works on: 'navigation' or 'signal' (the first 1 or 2 axes of that group, x "
                   "before y); default: HyperSpy's rule (see below)")
        ->type_name("navigation|signal")
        ->check(CLI::IsMember({"navigation", "signal"}));
    app.add_option("--op", op_,
                   "none: the cut itself; sum, mean: roi(s).sum/mean over the axes the ROI spans (--circle: "
                   "nansum/nanmean); nansum, nanmean")
        ->type_name("none|sum|mean|nansum|nanmean")
        ->check(CLI::IsMember({"none", "sum", "mean", "nansum", "nanmean"}));
    output_.Add(app);
    app.footer(
        "Give exactly one shape; its numbers are calibrated values (axis units), as HyperSpy's hs.roi classes take\n"
        "them. Write a leading negative number with '=': --rect=-2,-1,100,100.\n"
        "Pixels (HyperSpy's roi(s)): a range keeps the pixel nearest its low end up to the pixel nearest its high\n"
        "end, excluded (ties go to the value closer to zero); the part beyond the axis is dropped, a range wholly\n"
        "outside it is an error. A circle keeps its bounding box and sets the pixels outside the ring to NaN (integer\n"
        "data becomes float64). A line gives the nearest-pixel profile as a new first axis (a BaseSignal).\n"
        "Axes: by default the first navigation axes (x, then y) when there are enough, else the first signal axes,\n"
        "else (signal axis, navigation axis) -- so --span on a spectrum image cuts x: add --axes signal for an\n"
        "energy window. --axes navigation|signal is roi(s, axes=s.axes_manager.signal_axes[:n]).\n"
        "--op reduces the cut over the axes the ROI spans: roi(s).sum(those axes); a --line sums along its profile.\n"
        "For --circle, sum and mean are roi(s).nansum(axes) / roi(s).nanmean(axes): the NaN outside the ring are\n"
        "skipped (HyperSpy's plain roi(s).sum() is NaN there). A --point keeps no axis to reduce.\n"
        "Examples:\n"
        "  hyperchunk roi scan.hspy --rect 100.0,100.0,110.0,110.0 --op sum -o spectrum.hspy\n"
        "      # RectangularROI(left=100, top=100, right=110, bottom=110)(s).sum(): the summed spectrum\n"
        "  hyperchunk roi scan.hspy --span 6.2,6.6 --axes signal --op sum -o fe_map.png\n"
        "      # SpanROI(6.2, 6.6)(s, axes=s.axes_manager.signal_axes).sum('Energy'): a map\n"
        "  hyperchunk roi scan.hspy --point 2.26,1.24 -o pixel.csv      # Point2DROI(2.26, 1.24)(s): one spectrum\n"
        "  hyperchunk roi scan.hspy --circle 50,50,10,5 --op mean -o ring.hspy\n"
        "      # CircleROI(50, 50, 10, 5)(s).nanmean(navigation axes): the mean spectrum of a ring\n"
        "  hyperchunk roi scan.hspy --line 0,0,20,20,2 -o profile.hspy  # Line2DROI(0, 0, 20, 20, 2)(s)\n"
        "  hyperchunk roi scan.hspy --rect=-2,-1,100,100 -o cut.npy     # clipped to the navigation image");
  }

  Status Validate() override {
    int given = 0;
    for (size_t k = 0; k < std::size(kShapes); ++k) {
      if (texts_[k].empty()) continue;
      ++given;
      kind_ = static_cast<ShapeKind>(k);
      HC_ASSIGN_OR_RETURN(numbers_, ParseNumbers(kShapes[k], texts_[k]));
    }
    if (given != 1)
      return InvalidArgument(
          fmt::format("give exactly one shape: --rect, --span, --point, --circle or --line ({} given)", given));
    if (kind_ == ShapeKind::kPoint && op_ != "none")
      return InvalidArgument(
          fmt::format("--op {}: --point selects one pixel and removes its axes: nothing to reduce", op_));
    return output_.Validate();
  }

  Status Run(CommandEnv& env) override {
    const ShapeSpec& shape = kShapes[static_cast<size_t>(kind_)];
    const std::string where = fmt::format("{}: {} {}", path_, shape.flag, texts_[static_cast<size_t>(kind_)]);
    auto roi = MakeRoi(kind_, numbers_);
    if (!roi.ok()) return roi.status().WithContext(where);
    HC_ASSIGN_OR_RETURN(Signal s, LoadSignal(env, path_, "roi"));
    const AxesManager& am = s.axes_manager();
    auto axes = RoiAxes(am, (*roi)->ndim(), axes_);
    if (!axes.ok()) return axes.status().WithContext(where);
    std::vector<AxisRef> refs;
    std::vector<std::string> names;
    for (int a : *axes) {
      refs.emplace_back(am.NaturalIndex(a));
      names.push_back(am.array_axes()[a].DisplayName(am.NaturalIndex(a)));
    }
    env.context().logger().info("{} on axes {}", (*roi)->Repr(), fmt::join(names, ", "));
    auto cut = (*roi)->Apply(s, refs);
    if (!cut.ok()) return cut.status().WithContext(where);
    if (op_ == "none") return WriteSignalOutput(env, *cut, output_, path_);

    // The axes to reduce, as natural indices of the cut: the ROI's own axes (slicing keeps them in
    // place), or a line's profile axis, which replaced the first of its two axes in the array.
    std::vector<AxisRef> reduce_axes;
    if (kind_ == ShapeKind::kLine) {
      reduce_axes.emplace_back(cut->axes_manager().NaturalIndex(std::min((*axes)[0], (*axes)[1])));
    } else {
      for (int a : *axes) reduce_axes.emplace_back(cut->axes_manager().NaturalIndex(a));
    }
    const bool nan_ops = op_.starts_with("nan") || kind_ == ShapeKind::kCircle;
    const bool mean = op_.ends_with("mean");
    const ReduceOp op =
        nan_ops ? (mean ? ReduceOp::kNanMean : ReduceOp::kNanSum) : (mean ? ReduceOp::kMean : ReduceOp::kSum);
    auto result = cut->Reduce(op, reduce_axes);
    if (!result.ok()) return result.status().WithContext(fmt::format("{} --op {}", where, op_));
    return WriteSignalOutput(env, *result, output_, path_);
  }

 private:
  std::string path_, axes_, op_ = "none";
  std::string texts_[std::size(kShapes)];
  ShapeKind kind_ = ShapeKind::kRect;
  std::vector<double> numbers_;
  SignalOutputFlags output_;
};

}  // namespace

std::unique_ptr<Command> MakeRoiCommand() { return std::make_unique<RoiCommand>(); }

}  // namespace hyperchunk::cli
