// CircleROI (a masked bounding box) and Line2DROI (a sampled profile), reference §7.2.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "hyperchunk/roi/roi.h"
#include "roi_internal.h"

namespace hyperchunk {
namespace {

std::string G(const std::optional<double>& v) { return internal::RoiNumber(v); }

Status NeedUniform(const Signal& s, const std::vector<int>& axes) {
  for (int a : axes) {
    if (!s.axes_manager().array_axes()[a].is_uniform())
      return Unimplemented("This ROI cannot operate on a non-uniform axis.");
  }
  return Status::Ok();
}

// numpy.linspace(start, stop, num).
std::vector<double> Linspace(double start, double stop, Index num) {
  std::vector<double> v(static_cast<size_t>(std::max<Index>(num, 0)));
  if (num == 1) v[0] = start;
  if (num > 1) {
    const double step = (stop - start) / static_cast<double>(num - 1);
    for (Index i = 0; i < num; ++i) v[i] = start + static_cast<double>(i) * step;
    v[num - 1] = stop;
  }
  return v;
}

}  // namespace

// ---- CircleROI ----------------------------------------------------------------------------------

Result<CircleRoi> CircleRoi::Create(double cx, double cy, double r, double r_inner) {
  if (!(r_inner >= 0)) return InvalidArgument(fmt::format("`r_inner` ({}) must be >= 0.", G(r_inner)));
  if (!(r >= r_inner)) return InvalidArgument(fmt::format("`r` ({}) must be >= `r_inner` ({}).", G(r), G(r_inner)));
  if (r_inner > 0 && r_inner >= r)
    return InvalidArgument(fmt::format("`r_inner` ({}) must be smaller than `r` ({}).", G(r_inner), G(r)));
  CircleRoi c;
  c.cx_ = cx;
  c.cy_ = cy;
  c.r_ = r;
  c.r_inner_ = r_inner;
  return c;
}

std::string CircleRoi::Repr() const {
  return fmt::format("CircleROI(cx={}, cy={}, r={}, r_inner={})", G(cx_), G(cy_), G(r_), G(r_inner_));
}

bool CircleRoi::SetCenter(double cx, double cy) {
  if (std::isnan(cx) || std::isnan(cy)) return false;
  if (cx_ == cx && cy_ == cy) return true;
  cx_ = cx;
  cy_ = cy;
  changed_.Trigger(*this);
  return true;
}

Result<CircleRoi::Box2> CircleRoi::Cut(const Signal& s, const std::vector<AxisRef>& refs) const {
  if (!is_valid()) return internal::RoiNotSet();
  HC_ASSIGN_OR_RETURN(std::vector<int> axes, ResolveAxes(s, refs));
  HC_RETURN_IF_ERROR(NeedUniform(s, axes));
  const DataAxis& ax = s.axes_manager().array_axes()[axes[0]];
  const DataAxis& ay = s.axes_manager().array_axes()[axes[1]];
  // HyperSpy centres the box half a pixel (plus a hair) up, then takes [c - r, c + r] per axis.
  const double cx = *cx_ + 0.5001 * ax.scale;
  const double cy = *cy_ + 0.5001 * ay.scale;
  HC_ASSIGN_OR_RETURN(auto xr, internal::RoiIndexRange(ax, s.axes_manager().NaturalIndex(axes[0]), cx - *r_, cx + *r_));
  xr.second = std::max(xr.first, xr.second);
  HC_ASSIGN_OR_RETURN(auto yr, internal::RoiIndexRange(ay, s.axes_manager().NaturalIndex(axes[1]), cy - *r_, cy + *r_));
  yr.second = std::max(yr.first, yr.second);
  Box2 box;
  box.axes = axes;
  const AxesManager& am = s.axes_manager();
  std::vector<IndexSpec> per_natural(am.size(), IndexSpec::All());
  per_natural[am.NaturalIndex(axes[0])] = IndexSpec::Range(AxisPosition(xr.first), AxisPosition(xr.second));
  per_natural[am.NaturalIndex(axes[1])] = IndexSpec::Range(AxisPosition(yr.first), AxisPosition(yr.second));
  const int nav_dim = am.navigation_dimension();
  Signal cut = s;
  if (ax.navigate || ay.navigate) {
    HC_ASSIGN_OR_RETURN(cut, cut.Inav({per_natural.begin(), per_natural.begin() + nav_dim}));
  }
  if (!ax.navigate || !ay.navigate) {
    HC_ASSIGN_OR_RETURN(cut, cut.Isig({per_natural.begin() + nav_dim, per_natural.end()}));
  }
  box.cut = std::move(cut);
  for (Index i = xr.first; i < xr.second; ++i) box.x.push_back(ax.offset + ax.scale * static_cast<double>(i) - cx);
  for (Index j = yr.first; j < yr.second; ++j) box.y.push_back(ay.offset + ay.scale * static_cast<double>(j) - cy);
  const double r2 = *r_ * *r_, ri2 = *r_inner_ * *r_inner_;
  for (double vy : box.y) {
    for (double vx : box.x) {
      const double gr = vx * vx + vy * vy;
      box.inside.push_back(!(gr > r2 || gr < ri2));
    }
  }
  return box;
}

Result<Signal> CircleRoi::Apply(const Signal& s, const std::vector<AxisRef>& refs) const {
  HC_ASSIGN_OR_RETURN(Box2 box, Cut(s, refs));
  const Signal& cut = box.cut;
  // NaN outside the ring: numpy.where(outside, nan, data) — float data keeps its dtype, integers
  // become float64.
  Shape cond_shape(cut.shape().size(), 1);
  const int xdim = box.axes[0], ydim = box.axes[1];
  cond_shape[xdim] = static_cast<Index>(box.x.size());
  cond_shape[ydim] = static_cast<Index>(box.y.size());
  NdArray outside = NdArray::Empty(DType::kBool, cond_shape);
  auto* o = outside.data<bool>();
  const Index nx = static_cast<Index>(box.x.size()), ny = static_cast<Index>(box.y.size());
  // Element (y=j, x=i) in array order: x before y when the x axis comes first in the array.
  for (Index j = 0; j < ny; ++j) {
    for (Index i = 0; i < nx; ++i) {
      const Index flat = xdim < ydim ? i * ny + j : j * nx + i;
      o[flat] = !box.inside[static_cast<size_t>(j * nx + i)];
    }
  }
  const DType out_dtype = IsFloat(cut.dtype()) ? cut.dtype() : DType::kFloat64;
  Array cond = Array::FromNdArray(outside, ChunkGrid::Single(cond_shape));
  Array nan = Array::Full(std::nan(""), out_dtype, Shape(cut.shape().size(), 1), Shape(cut.shape().size(), 1));
  return cut.WithData(Where(cond, nan, cut.data()), cut.axes_manager().array_axes());
}

Result<Signal> CircleRoi::Mask(const Signal& s, const std::vector<AxisRef>& refs) const {
  HC_ASSIGN_OR_RETURN(Box2 box, Cut(s, refs));
  const int xdim = box.axes[0], ydim = box.axes[1];
  const Index nx = static_cast<Index>(box.x.size()), ny = static_cast<Index>(box.y.size());
  const bool x_first = xdim < ydim;
  NdArray mask = NdArray::Empty(DType::kBool, x_first ? Shape{nx, ny} : Shape{ny, nx});
  auto* m = mask.data<bool>();
  for (Index j = 0; j < ny; ++j) {
    for (Index i = 0; i < nx; ++i) m[x_first ? i * ny + j : j * nx + i] = box.inside[static_cast<size_t>(j * nx + i)];
  }
  const auto& cut_axes = box.cut.axes_manager().array_axes();
  std::vector<DataAxis> axes = {cut_axes[std::min(xdim, ydim)], cut_axes[std::max(xdim, ydim)]};
  MetadataTree md;
  HC_RETURN_IF_ERROR(md.Set("General.title", Value::String("CircleROI mask")));
  return Signal::Create(Array::FromNdArray(mask, ChunkGrid::Single(mask.shape())), std::move(axes), std::move(md),
                        false, s.shared_context());
}

// ---- Line2DROI ----------------------------------------------------------------------------------

std::string Line2DRoi::Repr() const {
  return fmt::format("Line2DROI(x1={}, y1={}, x2={}, y2={}, linewidth={})", G(x1_), G(y1_), G(x2_), G(y2_),
                     G(linewidth_));
}

double Line2DRoi::length() const {
  if (!is_valid()) return 0.0;
  // HyperSpy's numpy.linalg.norm(..., axis=1): sqrt(dx * dx + dy * dy). std::hypot rounds
  // differently in the last bit for about one line in six (the profile's scale would differ).
  const double dx = *x2_ - *x1_, dy = *y2_ - *y1_;
  return std::sqrt(dx * dx + dy * dy);
}

Result<Signal> Line2DRoi::Apply(const Signal& s, const std::vector<AxisRef>& refs) const {
  if (!is_valid()) return internal::RoiNotSet();
  HC_ASSIGN_OR_RETURN(std::vector<int> axes, ResolveAxes(s, refs));
  HC_RETURN_IF_ERROR(NeedUniform(s, axes));
  if (*linewidth_ < 0) return InvalidArgument("linewidth must be positive number");
  const AxesManager& am = s.axes_manager();
  const DataAxis& a0 = am.array_axes()[axes[0]];
  const DataAxis& a1 = am.array_axes()[axes[1]];
  // Pixel coordinates of the ends: (along axes[0], along axes[1]).
  const double p0r = (*x1_ - a0.offset) / a0.scale, p0c = (*y1_ - a1.offset) / a1.scale;
  const double p1r = (*x2_ - a0.offset) / a0.scale, p1c = (*y2_ - a1.offset) / a1.scale;
  Index width = static_cast<Index>(std::nearbyint(*linewidth_ / std::min(a0.scale, a1.scale)));
  width = std::max<Index>(width, 1);
  const double d_row = p1r - p0r, d_col = p1c - p0c;
  const double theta = std::atan2(d_row, d_col);
  const Index npoints = static_cast<Index>(std::ceil(std::hypot(d_row, d_col) + 1));
  const std::vector<double> line_col = Linspace(p0c, p1c, npoints);
  const std::vector<double> line_row = Linspace(p0r, p1r, npoints);
  std::vector<double> row_off(static_cast<size_t>(width), 0.0), col_off(static_cast<size_t>(width), 0.0);
  if (width != 1) {
    const double col_width = static_cast<double>(width - 1) * std::sin(-theta) / 2;
    const double row_width = static_cast<double>(width - 1) * std::cos(theta) / 2;
    row_off = Linspace(-row_width, row_width, width);
    col_off = Linspace(-col_width, col_width, width);
  }
  // Nearest pixel of each sample (scipy's map_coordinates, order 0, mode 'constant', cval 0): a
  // coordinate outside [0, n - 1] samples 0. Index along axes[1] from the "col" coordinate, along
  // axes[0] from the "row" coordinate.
  const Index n0 = a0.size, n1 = a1.size;
  std::vector<Index> i0s, i1s;  // -1: outside
  Index lo0 = n0, hi0 = -1, lo1 = n1, hi1 = -1;
  for (Index k = 0; k < npoints; ++k) {
    for (Index w = 0; w < width; ++w) {
      const double c1 = line_col[k] + col_off[w];
      const double c0 = line_row[k] + row_off[w];
      const bool in = c0 >= 0 && c0 <= static_cast<double>(n0 - 1) && c1 >= 0 && c1 <= static_cast<double>(n1 - 1);
      const Index i0 = in ? static_cast<Index>(std::floor(c0 + 0.5)) : -1;
      const Index i1 = in ? static_cast<Index>(std::floor(c1 + 0.5)) : -1;
      i0s.push_back(i0);
      i1s.push_back(i1);
      if (in) {
        lo0 = std::min(lo0, i0), hi0 = std::max(hi0, i0);
        lo1 = std::min(lo1, i1), hi1 = std::max(hi1, i1);
      }
    }
  }
  // Only bands along the line are read: the sampled pixels grouped by kBandRows rows of axes[0],
  // each band the box of its pixels. A diagonal across the navigator reads about a line's width
  // of pixels, not the bounding box (the whole dataset); all bands are computed in one pass.
  const Shape& shape = s.shape();
  const size_t rank = shape.size();
  Shape rest_shape;
  for (size_t d = 0; d < rank; ++d) {
    if (static_cast<int>(d) != axes[0] && static_cast<int>(d) != axes[1]) rest_shape.push_back(shape[d]);
  }
  const Index rest = NumElements(rest_shape);
  const bool integer_input = !IsFloat(s.dtype());
  const DType out_dtype = integer_input ? DType::kFloat64 : s.dtype();
  std::vector<double> profile(static_cast<size_t>(npoints * rest), 0.0);
  if (hi0 >= 0) {
    constexpr Index kBandRows = 16;
    struct Band {
      Index r0 = 0, r1 = -1, c0 = 0, c1 = -1;  // rows and columns of its pixels (inclusive)
      Signal box;
      NdArray values;
      std::vector<Index> stride;        // of `values`, array order
      std::vector<Index> rest_offsets;  // of every `rest` element in `values`
    };
    std::vector<Band> bands(static_cast<size_t>((hi0 - lo0) / kBandRows + 1));
    for (auto& b : bands) b.r0 = n0, b.c0 = n1;
    for (size_t k = 0; k < i0s.size(); ++k) {
      if (i0s[k] < 0) continue;
      Band& b = bands[static_cast<size_t>((i0s[k] - lo0) / kBandRows)];
      b.r0 = std::min(b.r0, i0s[k]), b.r1 = std::max(b.r1, i0s[k]);
      b.c0 = std::min(b.c0, i1s[k]), b.c1 = std::max(b.c1, i1s[k]);
    }
    const int nav_dim = am.navigation_dimension();
    std::vector<Signal*> to_compute;
    for (Band& b : bands) {
      if (b.r1 < 0) continue;
      std::vector<IndexSpec> per_natural(am.size(), IndexSpec::All());
      per_natural[am.NaturalIndex(axes[0])] = IndexSpec::Range(AxisPosition(b.r0), AxisPosition(b.r1 + 1));
      per_natural[am.NaturalIndex(axes[1])] = IndexSpec::Range(AxisPosition(b.c0), AxisPosition(b.c1 + 1));
      b.box = s;
      if (a0.navigate || a1.navigate) {
        HC_ASSIGN_OR_RETURN(b.box, b.box.Inav({per_natural.begin(), per_natural.begin() + nav_dim}));
      }
      if (!a0.navigate || !a1.navigate) {
        HC_ASSIGN_OR_RETURN(b.box, b.box.Isig({per_natural.begin() + nav_dim, per_natural.end()}));
      }
      to_compute.push_back(&b.box);
    }
    HC_RETURN_IF_ERROR(ComputeTogether(to_compute));
    for (Band& b : bands) {
      if (b.r1 < 0) continue;
      HC_ASSIGN_OR_RETURN(b.values, b.box.Values());
      const Shape& bs = b.values.shape();
      b.stride.assign(rank, 1);
      for (size_t d = rank - 1; d-- > 0;) b.stride[d] = b.stride[d + 1] * bs[d + 1];
      b.rest_offsets.assign(static_cast<size_t>(rest), 0);
      std::vector<Index> pos(rank, 0);
      for (Index r = 0; r < rest; ++r) {
        Index off = 0;
        for (size_t d = 0; d < rank; ++d) off += pos[d] * b.stride[d];
        b.rest_offsets[static_cast<size_t>(r)] = off;
        for (size_t d = rank; d-- > 0;) {
          if (static_cast<int>(d) == axes[0] || static_cast<int>(d) == axes[1]) continue;
          if (++pos[d] < bs[d]) break;
          pos[d] = 0;
        }
      }
    }
    for (Index k = 0; k < npoints; ++k) {
      for (Index r = 0; r < rest; ++r) {
        // Mean across the width: numpy sums in the data's float type (float64 for integers).
        double sum = 0;
        float sum32 = 0;
        for (Index w = 0; w < width; ++w) {
          const Index i0 = i0s[k * width + w], i1 = i1s[k * width + w];
          double v = 0;
          if (i0 >= 0) {
            const Band& b = bands[static_cast<size_t>((i0 - lo0) / kBandRows)];
            v = b.values.GetAsDouble(b.rest_offsets[static_cast<size_t>(r)] + (i0 - b.r0) * b.stride[axes[0]] +
                                     (i1 - b.c0) * b.stride[axes[1]]);
          }
          sum += v;
          sum32 += static_cast<float>(v);
        }
        profile[static_cast<size_t>(k * rest + r)] = out_dtype == DType::kFloat32
                                                         ? static_cast<double>(sum32 / static_cast<float>(width))
                                                         : sum / static_cast<double>(width);
      }
    }
  }
  // Result: the profile axis at the first of the two axes' array positions, the others after it in
  // array order (numpy.rollaxis as HyperSpy does).
  const int first = std::min(axes[0], axes[1]);
  std::vector<DataAxis> out_axes;
  Shape out_shape;
  for (size_t d = 0; d < rank; ++d) {
    if (static_cast<int>(d) == first) {
      out_axes.push_back(DataAxis::Uniform(npoints, length() / static_cast<double>(npoints), 0.0, std::nullopt,
                                           a0.units, a0.navigate));
      out_shape.push_back(npoints);
    }
    if (static_cast<int>(d) == axes[0] || static_cast<int>(d) == axes[1]) continue;
    out_axes.push_back(am.array_axes()[d]);
    out_shape.push_back(shape[d]);
  }
  // profile is (npoints, rest...) with rest in array order; the output puts npoints at `first`.
  NdArray out = NdArray::Empty(out_dtype, out_shape);
  Index before = 1;  // elements of the dims before `first` (all of them are "rest" dims)
  for (int d = 0; d < first; ++d) before *= shape[d];
  const Index after = rest / std::max<Index>(before, 1);
  for (Index b = 0; b < before; ++b) {
    for (Index k = 0; k < npoints; ++k) {
      for (Index a = 0; a < after; ++a) {
        const double v = profile[static_cast<size_t>(k * rest + b * after + a)];
        const Index flat = (b * npoints + k) * after + a;
        if (out_dtype == DType::kFloat32) out.data<float>()[flat] = static_cast<float>(v);
        else out.data<double>()[flat] = v;
      }
    }
  }
  HC_ASSIGN_OR_RETURN(Signal result, Signal::Create(Array::FromNdArray(out, ChunkGrid::Single(out_shape)),
                                                    std::move(out_axes), s.metadata(), false, s.shared_context()));
  result.original_metadata() = s.original_metadata();
  return result.WithClass(SignalClass::kBaseSignal);
}

}  // namespace hyperchunk
