#include "hyperchunk/roi/roi.h"

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "roi_internal.h"

namespace hyperchunk {
namespace {

using internal::RoiNotSet;

std::string G(const std::optional<double>& v) { return internal::RoiNumber(v); }

// HyperSpy's _make_slices for one axis: value2index of the low end (below the axis: 0), and of the
// high end as an exclusive stop (above the axis: size); one value gives a position.
Result<IndexSpec> AxisRange(const DataAxis& axis, int natural, double low, std::optional<double> high) {
  HC_ASSIGN_OR_RETURN(auto bounds, internal::RoiIndexRange(axis, natural, low, high));
  if (!high) return IndexSpec::At(bounds.first);
  return IndexSpec::Range(AxisPosition(bounds.first), AxisPosition(bounds.second));
}

// Slices `s` with one spec per natural axis: navigation specs through Inav, then signal specs
// through Isig (HyperSpy: `s.inav[nav].isig[sig]`, or only the side the ROI's axes are on).
Result<Signal> SliceNatural(const Signal& s, const std::vector<IndexSpec>& per_natural, bool any_nav, bool any_sig) {
  const int nav_dim = s.axes_manager().navigation_dimension();
  std::vector<IndexSpec> nav(per_natural.begin(), per_natural.begin() + nav_dim);
  std::vector<IndexSpec> sig(per_natural.begin() + nav_dim, per_natural.end());
  Signal out = s;
  if (any_nav) {
    HC_ASSIGN_OR_RETURN(out, out.Inav(nav));
  }
  if (any_sig) {
    HC_ASSIGN_OR_RETURN(out, out.Isig(sig));
  }
  return out;
}

// roi(s) for ROIs given as one range or value per axis.
Result<Signal> ApplyRanges(const Signal& s, const std::vector<int>& axes,
                           const std::vector<std::pair<double, std::optional<double>>>& ranges) {
  const AxesManager& am = s.axes_manager();
  std::vector<IndexSpec> per_natural(am.size(), IndexSpec::All());
  bool any_nav = false, any_sig = false;
  for (size_t k = 0; k < axes.size(); ++k) {
    const int natural = am.NaturalIndex(axes[k]);
    const DataAxis& axis = am.array_axes()[axes[k]];
    HC_ASSIGN_OR_RETURN(per_natural[natural], AxisRange(axis, natural, ranges[k].first, ranges[k].second));
    (axis.navigate ? any_nav : any_sig) = true;
  }
  return SliceNatural(s, per_natural, any_nav, any_sig);
}

}  // namespace

// ---- base ---------------------------------------------------------------------------------------

bool Roi::is_valid() const {
  for (const auto& p : Parameters()) {
    if (!p) return false;
  }
  return true;
}

bool Roi::Assign(std::optional<double>& field, double value, bool valid) {
  if (!valid || std::isnan(value)) return false;
  const bool change = !field || *field != value;
  field = value;
  if (change) changed_.Trigger(*this);
  return true;
}

Result<std::vector<int>> Roi::ResolveAxes(const Signal& s, const std::vector<AxisRef>& refs) const {
  const AxesManager& am = s.axes_manager();
  const int nd = ndim();
  std::vector<int> out;
  if (refs.empty()) {
    const auto nav = am.NavigationArrayIndices();
    const auto sig = am.SignalArrayIndices();
    if (static_cast<int>(nav.size()) >= nd) {
      out.assign(nav.begin(), nav.begin() + nd);
    } else if (static_cast<int>(sig.size()) >= nd) {
      out.assign(sig.begin(), sig.begin() + nd);
    } else if (nd == 2 && nav.size() == 1 && sig.size() == 1) {
      out = {sig[0], nav[0]};
    } else {
      return InvalidArgument(
          fmt::format("Could not find valid axes configuration: a {}-D ROI on a {} signal", nd, am.DimensionString()));
    }
    return out;
  }
  if (static_cast<int>(refs.size()) != nd)
    return InvalidArgument(fmt::format("{} axes given for a {}-D ROI", refs.size(), nd));
  for (const AxisRef& ref : refs) {
    if (ref.group() != AxisRef::Group::kNone) {
      HC_ASSIGN_OR_RETURN(std::vector<int> group, am.Resolve({ref}));
      std::vector<int> natural_order;
      for (int a : group) natural_order.push_back(a);
      std::sort(natural_order.begin(), natural_order.end(),
                [&](int a, int b) { return am.NaturalIndex(a) < am.NaturalIndex(b); });
      out.insert(out.end(), natural_order.begin(), natural_order.end());
      continue;
    }
    HC_ASSIGN_OR_RETURN(std::vector<int> one, am.Resolve({ref}));
    out.push_back(one[0]);
  }
  if (static_cast<int>(out.size()) != nd)
    return InvalidArgument(fmt::format("the axes given name {} axes for a {}-D ROI", out.size(), nd));
  for (size_t i = 0; i < out.size(); ++i) {
    for (size_t j = i + 1; j < out.size(); ++j) {
      if (out[i] == out[j]) return InvalidArgument("the same axis given twice to an ROI");
    }
  }
  return out;
}

Result<Signal> Roi::Apply(const Signal& s, const std::vector<AxisRef>& refs) const {
  if (!is_valid()) return RoiNotSet();
  const Ranges ranges = SliceRanges();
  if (ranges.empty()) return Unimplemented(fmt::format("{} cannot slice a signal", ClassName()));
  HC_ASSIGN_OR_RETURN(std::vector<int> axes, ResolveAxes(s, refs));
  return ApplyRanges(s, axes, ranges);
}

Result<std::vector<IndexSpec>> Roi::AsIndexSpecs() const {
  return InvalidArgument(fmt::format("{} cannot index a signal: use it with Apply", ClassName()));
}

// ---- points, spans, rectangles ------------------------------------------------------------------

std::string Point1DRoi::Repr() const { return fmt::format("Point1DROI(value={})", G(value_)); }

Result<std::vector<IndexSpec>> Point1DRoi::AsIndexSpecs() const {
  if (!is_valid()) return RoiNotSet();
  return std::vector<IndexSpec>{IndexSpec::At(*value_)};
}

std::string Point2DRoi::Repr() const { return fmt::format("Point2DROI(x={}, y={})", G(x_), G(y_)); }

Result<std::vector<IndexSpec>> Point2DRoi::AsIndexSpecs() const {
  if (!is_valid()) return RoiNotSet();
  return std::vector<IndexSpec>{IndexSpec::At(*x_), IndexSpec::At(*y_)};
}

Result<SpanRoi> SpanRoi::Create(double left, double right) {
  if (!(left < right))
    return InvalidArgument(fmt::format("`left` ({}) must be smaller than `right` ({}).", G(left), G(right)));
  SpanRoi r;
  r.left_ = left;
  r.right_ = right;
  return r;
}

std::string SpanRoi::Repr() const { return fmt::format("SpanROI(left={}, right={})", G(left_), G(right_)); }

Result<std::vector<IndexSpec>> SpanRoi::AsIndexSpecs() const {
  if (!is_valid()) return RoiNotSet();
  return std::vector<IndexSpec>{IndexSpec::Range(*left_, *right_)};
}

Result<RectangularRoi> RectangularRoi::Create(double left, double top, double right, double bottom) {
  if (!(left < right))
    return InvalidArgument(fmt::format("`left` ({}) must be smaller than `right` ({}).", G(left), G(right)));
  if (!(top < bottom))
    return InvalidArgument(fmt::format("`top` ({}) must be smaller than `bottom` ({}).", G(top), G(bottom)));
  RectangularRoi r;
  r.left_ = left;
  r.top_ = top;
  r.right_ = right;
  r.bottom_ = bottom;
  return r;
}

std::string RectangularRoi::Repr() const {
  return fmt::format("RectangularROI(left={}, top={}, right={}, bottom={})", G(left_), G(top_), G(right_), G(bottom_));
}

Result<std::vector<IndexSpec>> RectangularRoi::AsIndexSpecs() const {
  if (!is_valid()) return RoiNotSet();
  return std::vector<IndexSpec>{IndexSpec::Range(*left_, *right_), IndexSpec::Range(*top_, *bottom_)};
}

bool RectangularRoi::MoveTo(double x, double y) {
  if (!is_valid() || std::isnan(x) || std::isnan(y)) return false;
  const double w = *right_ - *left_, h = *bottom_ - *top_;
  if (x == *left_ && y == *top_) return true;
  left_ = x;
  right_ = x + w;
  top_ = y;
  bottom_ = y + h;
  changed_.Trigger(*this);
  return true;
}

namespace internal {

std::string RoiNumber(const std::optional<double>& v) {
  if (!v) return "<undefined>";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%G", *v);
  return buf;
}

Result<std::pair<Index, Index>> RoiIndexRange(const DataAxis& axis, int natural, double low,
                                              std::optional<double> high) {
  Index ilow = 0;
  if (auto i = axis.ValueToIndex(low); i.ok()) {
    ilow = *i;
  } else if (!(low < axis.low_value())) {
    return i.status().WithContext(axis.DisplayName(natural));
  }
  if (!high) return std::make_pair(ilow, ilow + 1);
  Index ihigh = axis.size;
  if (auto i = axis.ValueToIndex(*high); i.ok()) {
    ihigh = *i;
  } else if (!(*high > axis.high_value())) {
    return i.status().WithContext(axis.DisplayName(natural));
  }
  return std::make_pair(ilow, ihigh);
}

Status RoiNotSet() {
  return InvalidArgument("Not all ROI parameters are defined: set them before slicing a signal with the ROI");
}

}  // namespace internal
}  // namespace hyperchunk
