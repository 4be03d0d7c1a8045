// isig / inav (reference §5.2): HyperSpy's `_get_array_slices`, `_slice_me` and axis removal.
#include <cmath>

#include <fmt/format.h>

#include "hyperchunk/signal/signal.h"
#include "signal_internal.h"

namespace hyperchunk {
namespace {

// A Python slice after HyperSpy resolved its values: ints (possibly negative) or None.
struct PySlice {
  std::optional<Index> start, stop, step;
};

// A position's number: an index stays an index; a value or a string becomes a calibrated value.
using Resolved = std::variant<Index, double>;

Result<Resolved> ParsePosition(const DataAxis& axis, const AxisPosition& p) {
  if (const auto* i = std::get_if<Index>(&p)) return Resolved(*i);
  if (const auto* d = std::get_if<double>(&p)) return Resolved(*d);
  HC_ASSIGN_OR_RETURN(double v, axis.ParseValue(std::get<std::string>(p)));
  return Resolved(v);
}

std::string AxisLabel(const DataAxis& axis, int natural_index) {
  return fmt::format("<{} axis, size: {}>", axis.DisplayName(natural_index), axis.size);
}

// Python's round(): half to even.
double RoundHalfEven(double x) { return std::nearbyint(x); }

// HyperSpy's DataAxis._get_array_slices for a slice spec, or for a position on a signal of one axis.
Result<PySlice> ArraySlice(const DataAxis& axis, int natural_index, const IndexSpec& spec) {
  std::optional<Resolved> start, stop, step;
  if (spec.kind == IndexSpec::Kind::kSlice) {
    if (spec.step && !axis.is_uniform()) {
      HC_ASSIGN_OR_RETURN(Resolved s, ParsePosition(axis, *spec.step));
      if (std::holds_alternative<double>(s)) return InvalidArgument("Float steps are only supported for uniform axes.");
    }
    if (spec.start) {
      HC_ASSIGN_OR_RETURN(start, ParsePosition(axis, *spec.start));
    }
    if (spec.stop) {
      HC_ASSIGN_OR_RETURN(stop, ParsePosition(axis, *spec.stop));
    }
    if (spec.step) {
      HC_ASSIGN_OR_RETURN(step, ParsePosition(axis, *spec.step));
    }
  } else {
    HC_ASSIGN_OR_RETURN(Resolved p, ParsePosition(axis, spec.position));
    Index i = 0;
    if (const auto* v = std::get_if<double>(&p)) {
      HC_ASSIGN_OR_RETURN(i, axis.ValueToIndex(*v));
    } else {
      i = std::get<Index>(p);
      if (i < 0) i += axis.size;
      if (i < 0) return OutOfRange("index out of bounds");
    }
    start = Resolved(i);
    stop = Resolved(i + 1);
  }
  PySlice out;
  if (step) {
    if (const auto* d = std::get_if<double>(&*step)) {
      out.step = static_cast<Index>(RoundHalfEven(*d / axis.scale));
    } else {
      out.step = std::get<Index>(*step);
    }
  }
  if (start) {
    if (const auto* d = std::get_if<double>(&*start)) {
      auto i = axis.ValueToIndex(*d);
      if (i.ok()) {
        out.start = *i;
      } else if (*d > axis.high_value()) {
        return OutOfRange(fmt::format("Start value above axis high bound for axis {}. value: {:f} high_bound: {:f}",
                                      AxisLabel(axis, natural_index), *d, axis.high_value()));
      }
    } else {
      out.start = std::get<Index>(*start);
    }
  }
  if (stop) {
    if (const auto* d = std::get_if<double>(&*stop)) {
      auto i = axis.ValueToIndex(*d);
      if (i.ok()) {
        out.stop = *i;
      } else if (*d < axis.low_value()) {
        return OutOfRange(fmt::format("Stop value below axis low bound for axis {}. value: {:f} low_bound: {:f}",
                                      AxisLabel(axis, natural_index), *d, axis.low_value()));
      }
    } else {
      out.stop = std::get<Index>(*stop);
    }
  }
  if (out.step && *out.step == 0) return InvalidArgument("slice step cannot be zero");
  return out;
}

// Python's slice.indices(size) and len(range(...)).
struct Bounds {
  Index start, stop, step, length;
};
Bounds Normalize(const PySlice& s, Index size) {
  const Index step = s.step.value_or(1);
  Index start, stop;
  auto clamp = [&](std::optional<Index> v, Index dflt) {
    if (!v) return dflt;
    Index x = *v;
    if (x < 0) x += size;
    if (step > 0) return std::clamp<Index>(x, 0, size);
    return std::clamp<Index>(x, -1, size - 1);
  };
  start = clamp(s.start, step > 0 ? 0 : size - 1);
  stop = clamp(s.stop, step > 0 ? size : -1);
  Index length = 0;
  if (step > 0 && stop > start) length = (stop - start + step - 1) / step;
  if (step < 0 && stop < start) length = (start - stop + (-step) - 1) / (-step);
  return {start, stop, step, length};
}

// DataAxis._slice_me: the axis after slicing.
Result<DataAxis> SliceAxis(const DataAxis& axis, const PySlice& s) {
  const Bounds b = Normalize(s, axis.size);
  DataAxis out = axis;
  if (axis.type == AxisRecord::Type::kUniform) {
    Index start = s.start ? *s.start : (s.step.value_or(1) > 0 ? 0 : axis.size - 1);
    // index2value(start): numpy indexing, so a start outside the axis is an IndexError.
    if (start < 0) start += axis.size;
    if (start < 0 || start >= axis.size)
      return OutOfRange(
          fmt::format("index {} is out of bounds for axis 0 with size {}", s.start.value_or(start), axis.size));
    out.offset = axis.offset + axis.scale * static_cast<double>(start);
    if (s.step) out.scale = axis.scale * static_cast<double>(*s.step);
    out.size = b.length;
    return out;
  }
  if (axis.type == AxisRecord::Type::kData) {
    out.values.clear();
    for (Index k = 0; k < b.length; ++k) out.values.push_back(axis.values[b.start + k * b.step]);
    out.size = b.length;
    return out;
  }
  // Functional: its x sub-axis is sliced; the values follow from the expression.
  if (axis.x) {
    HC_ASSIGN_OR_RETURN(DataAxis x, SliceAxis(DataAxis(*axis.x), s));
    out.x = std::make_shared<AxisRecord>(x);
  }
  out.size = b.length;
  return out;
}

}  // namespace

namespace internal {

Result<Signal> Slice(const Signal& s, const std::vector<IndexSpec>& specs_in, bool navigation) {
  const AxesManager& am = s.axes_manager();
  const std::vector<int> idx = navigation ? am.NavigationArrayIndices() : am.SignalArrayIndices();
  std::vector<IndexSpec> specs;
  bool expanded = false;
  size_t n_non_ellipsis = 0;
  for (const auto& sp : specs_in) n_non_ellipsis += sp.kind != IndexSpec::Kind::kEllipsis;
  for (const auto& sp : specs_in) {
    if (sp.kind != IndexSpec::Kind::kEllipsis) {
      specs.push_back(sp);
    } else if (!expanded) {
      expanded = true;
      for (size_t k = n_non_ellipsis; k < idx.size(); ++k) specs.push_back(IndexSpec::All());
    } else {
      specs.push_back(IndexSpec::All());
    }
  }
  if (specs.size() > idx.size())
    return OutOfRange(fmt::format("too many indices: {} given for {} {} axes", specs.size(), idx.size(),
                                  navigation ? "navigation" : "signal"));
  const int n = static_cast<int>(am.size());
  std::vector<IndexSpec> per_axis(n, IndexSpec::All());
  for (size_t k = 0; k < specs.size(); ++k) per_axis[idx[k]] = specs[k];

  std::vector<IndexItem> items;
  std::vector<DataAxis> axes;
  for (int d = 0; d < n; ++d) {
    const DataAxis& axis = am.array_axes()[d];
    const int natural = am.NaturalIndex(d);
    const IndexSpec& spec = per_axis[d];
    if (spec.kind == IndexSpec::Kind::kSlice || n < 2) {
      auto ps = ArraySlice(axis, natural, spec);
      if (!ps.ok()) return ps.status().WithContext(axis.DisplayName(natural));
      auto new_axis = SliceAxis(axis, *ps);
      if (!new_axis.ok()) return new_axis.status().WithContext(axis.DisplayName(natural));
      items.push_back(hyperchunk::Slice{ps->start, ps->stop, ps->step.value_or(1)});
      axes.push_back(std::move(new_axis).value());
    } else {
      // A position removes the axis: numpy indexing with an int, value2index for a value.
      auto p = ParsePosition(axis, spec.position);
      if (!p.ok()) return p.status().WithContext(axis.DisplayName(natural));
      Index i = 0;
      if (const auto* v = std::get_if<double>(&*p)) {
        auto r = axis.ValueToIndex(*v);
        if (!r.ok()) return r.status();
        i = *r;
      } else {
        i = std::get<Index>(*p);
        if (i < -axis.size || i >= axis.size)
          return OutOfRange(fmt::format("index {} is out of bounds for axis {} with size {}", i, d, axis.size));
      }
      items.push_back(i);
    }
  }
  Array data = s.data()[items];
  HC_RETURN_IF_ERROR(data.status());
  return s.WithData(std::move(data), std::move(axes));
}

}  // namespace internal

Result<Signal> Signal::Isig(const std::vector<IndexSpec>& specs) const { return internal::Slice(*this, specs, false); }

Result<Signal> Signal::Inav(const std::vector<IndexSpec>& specs) const { return internal::Slice(*this, specs, true); }

}  // namespace hyperchunk
