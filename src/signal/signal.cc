#include "hyperchunk/signal/signal.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "hyperchunk/exec/compute.h"
#include "hyperchunk/signal/summary.h"
#include "signal_internal.h"

namespace hyperchunk {

// ---- classes ------------------------------------------------------------------------------------

std::string SignalClassName(SignalClass c, bool lazy) {
  const char* name = "BaseSignal";
  switch (c) {
    case SignalClass::kBaseSignal: return lazy ? "LazySignal" : "BaseSignal";
    case SignalClass::kSignal1D: name = "Signal1D"; break;
    case SignalClass::kSignal2D: name = "Signal2D"; break;
    case SignalClass::kEDSSpectrum: name = "EDSSpectrum"; break;
    case SignalClass::kEDSTEMSpectrum: name = "EDSTEMSpectrum"; break;
    case SignalClass::kEDSSEMSpectrum: name = "EDSSEMSpectrum"; break;
    case SignalClass::kEELSSpectrum: name = "EELSSpectrum"; break;
    case SignalClass::kHologramImage: name = "HologramImage"; break;
  }
  return lazy ? fmt::format("Lazy{}", name) : std::string(name);
}

namespace internal {

SignalClass DeriveSignalClass(const std::string& signal_type, int signal_dimension) {
  if (signal_dimension == 1) {
    if (signal_type == "EDS_TEM") return SignalClass::kEDSTEMSpectrum;
    if (signal_type == "EDS_SEM") return SignalClass::kEDSSEMSpectrum;
    if (signal_type == "EDS") return SignalClass::kEDSSpectrum;
    if (signal_type == "EELS" || signal_type == "TEM EELS") return SignalClass::kEELSSpectrum;
    return SignalClass::kSignal1D;
  }
  if (signal_dimension == 2) return signal_type == "hologram" ? SignalClass::kHologramImage : SignalClass::kSignal2D;
  return SignalClass::kBaseSignal;
}

Shape HyperSpyChunks(const Shape& shape, const std::vector<int>& need, int itemsize) {
  const int n = static_cast<int>(shape.size());
  std::vector<bool> needed(n, false);
  for (int d : need) needed[d] = true;
  double want = itemsize;
  for (int d = 0; d < n; ++d) {
    if (needed[d]) want *= static_cast<double>(shape[d]);
  }
  const Index fit = want > 0 ? static_cast<Index>(100.0 * (1 << 20) / want) : 0;
  Shape chunks = shape;
  std::vector<int> others;
  for (int d = 0; d < n; ++d) {
    if (!needed[d]) others.push_back(d);
  }
  if (fit < 2) {
    for (int d : others) chunks[d] = 1;
  } else {
    std::vector<Index> sizes;
    for (int d : others) sizes.push_back(shape[d]);
    auto prod = [&] {
      Index p = 1;
      for (Index s : sizes) p *= s;
      return p;
    };
    while (!sizes.empty() && prod() > fit) {
      const size_t k = static_cast<size_t>(std::max_element(sizes.begin(), sizes.end()) - sizes.begin());
      sizes[k] /= 2;
    }
    // numpy array_split into ceil(L / t) nearly equal parts: the largest part is ceil(L / n).
    for (size_t k = 0; k < others.size(); ++k) {
      const Index length = shape[others[k]];
      const Index t = std::max<Index>(sizes[k], 1);
      const Index parts = (length + t - 1) / t;
      chunks[others[k]] = parts > 0 ? (length + parts - 1) / parts : length;
    }
  }
  for (auto& c : chunks) c = std::max<Index>(c, 1);
  return chunks;
}

ChunkGrid HyperSpyChunkGrid(const Shape& shape, const std::vector<int>& need, int itemsize) {
  // array_split: the first (L mod n) parts are one longer than the rest.
  const Shape target = HyperSpyChunks(shape, need, itemsize);
  std::vector<std::vector<Index>> per_dim;
  for (size_t d = 0; d < shape.size(); ++d) {
    const Index length = shape[d];
    std::vector<Index> sizes;
    if (length == 0) {
      sizes.push_back(0);
    } else {
      const Index parts = (length + target[d] - 1) / target[d];
      for (Index p = 0; p < parts; ++p) sizes.push_back(length / parts + (p < length % parts ? 1 : 0));
    }
    per_dim.push_back(std::move(sizes));
  }
  auto grid = ChunkGrid::Make(std::move(per_dim));
  return grid.ok() ? *grid : ChunkGrid::Single(shape);
}

}  // namespace internal

// ---- construction -------------------------------------------------------------------------------

Result<Signal> Signal::Create(Array data, std::vector<DataAxis> axes, MetadataTree metadata, bool lazy,
                              std::shared_ptr<Context> ctx) {
  HC_RETURN_IF_ERROR(data.status());
  if (axes.size() != data.rank())
    return InvalidArgument(fmt::format("{} axes given for data of {} dimensions", axes.size(), data.rank()));
  for (size_t d = 0; d < axes.size(); ++d) {
    if (axes[d].size != data.shape()[d])
      return InvalidArgument(
          fmt::format("axis {} (array order) has size {} but the data has {} there", d, axes[d].size, data.shape()[d]));
  }
  Signal s;
  s.ctx_ = ctx ? std::move(ctx) : std::make_shared<Context>();
  HC_ASSIGN_OR_RETURN(s.axes_, AxesManager::Create(std::move(axes)));
  s.data_ = std::move(data);
  s.metadata_ = std::move(metadata);
  s.lazy_ = true;
  if (!lazy) HC_RETURN_IF_ERROR(s.Compute());
  return internal::FinishSignal(std::move(s));
}

Result<Signal> Signal::FromNdArray(NdArray data, int signal_dimension, std::shared_ptr<Context> ctx) {
  const int n = static_cast<int>(data.shape().size());
  if (signal_dimension < 0 || signal_dimension > n)
    return InvalidArgument(fmt::format("signal_dimension {} for data of {} dimensions", signal_dimension, n));
  std::vector<DataAxis> axes;
  for (int d = 0; d < n; ++d)
    axes.push_back(DataAxis::Uniform(data.shape()[d], 1.0, 0.0, {}, {}, d < n - signal_dimension));
  std::vector<int> sig;
  for (int d = n - signal_dimension; d < n; ++d) sig.push_back(d);
  const ChunkGrid grid = internal::HyperSpyChunkGrid(data.shape(), sig, static_cast<int>(ItemSize(data.dtype())));
  Signal s;
  s.ctx_ = ctx ? std::move(ctx) : std::make_shared<Context>();
  HC_ASSIGN_OR_RETURN(s.axes_, AxesManager::Create(std::move(axes)));
  s.values_ = data;
  s.data_ = Array::FromNdArray(std::move(data), grid);
  s.lazy_ = false;
  HC_RETURN_IF_ERROR(s.metadata_.Set("General.title", Value::String("")));
  HC_RETURN_IF_ERROR(s.metadata_.Set("Signal.signal_type", Value::String("")));
  return internal::FinishSignal(std::move(s));
}

Result<Signal> Signal::FromRecord(SignalRecord record, bool lazy, std::shared_ptr<Context> ctx) {
  std::vector<DataAxis> axes;
  for (auto& a : record.axes) axes.emplace_back(std::move(a));
  HC_ASSIGN_OR_RETURN(
      Signal s, Create(std::move(record.data), std::move(axes), std::move(record.metadata), lazy, std::move(ctx)));
  s.original_metadata_ = std::move(record.original_metadata);
  s.learning_results_ = std::move(record.learning_results);
  return s;
}

Result<std::vector<Signal>> LoadAll(const std::string& path, const LoadOptions& options, std::shared_ptr<Context> ctx) {
  HC_ASSIGN_OR_RETURN(HspyFile file, ReadHspy(path, HspyReadOptions{options.lazy}));
  if (!ctx) ctx = std::make_shared<Context>();
  std::vector<Signal> out;
  for (auto& record : file.experiments) {
    const std::string group = record.group;
    auto s = Signal::FromRecord(std::move(record), options.lazy, ctx);
    if (!s.ok()) return s.status().WithContext(fmt::format("{} ({})", path, group));
    out.push_back(std::move(s).value());
  }
  return out;
}

Result<Signal> Load(const std::string& path, const LoadOptions& options, std::shared_ptr<Context> ctx) {
  HC_ASSIGN_OR_RETURN(std::vector<Signal> all, LoadAll(path, options, std::move(ctx)));
  if (all.size() != 1)
    return InvalidArgument(fmt::format("{}: holds {} signals; load one of them with LoadAll", path, all.size()));
  return std::move(all[0]);
}

// ---- identity -----------------------------------------------------------------------------------

std::string Signal::title() const {
  const Value* v = metadata_.Find("General.title");
  return v && v->kind() == Value::Kind::kString ? v->as_string() : "";
}

std::string Signal::signal_type() const { return SignalType(metadata_); }

SignalClass Signal::signal_class() const {
  if (class_override_) return *class_override_;
  return internal::DeriveSignalClass(signal_type(), axes_.signal_dimension());
}

bool Signal::IsA(SignalClass c) const {
  const SignalClass mine = signal_class();
  if (c == mine || c == SignalClass::kBaseSignal) return true;
  switch (mine) {
    case SignalClass::kEDSTEMSpectrum:
    case SignalClass::kEDSSEMSpectrum: return c == SignalClass::kEDSSpectrum || c == SignalClass::kSignal1D;
    case SignalClass::kEDSSpectrum:
    case SignalClass::kEELSSpectrum: return c == SignalClass::kSignal1D;
    case SignalClass::kHologramImage: return c == SignalClass::kSignal2D;
    default: return false;
  }
}

std::string Signal::class_name() const { return SignalClassName(signal_class(), lazy_); }

std::string Signal::Repr() const {
  return fmt::format("<{}, title: {}, dimensions: {}>", class_name(), title(), axes_.DimensionString());
}

std::string Signal::DescribeTable() const { return hyperchunk::DescribeTable(ToRecord()); }

// ---- lazy and in memory -------------------------------------------------------------------------

Result<NdArray> Signal::Values() const {
  if (!lazy_) return values_;
  return hyperchunk::Compute(*ctx_, data_);
}

Status Signal::Compute() {
  if (!lazy_) return Status::Ok();
  HC_ASSIGN_OR_RETURN(NdArray values, hyperchunk::Compute(*ctx_, data_));
  const ChunkGrid grid = data_.chunks();
  values_ = values;
  data_ = Array::FromNdArray(std::move(values), grid);
  lazy_ = false;
  return Status::Ok();
}

Status ComputeTogether(const std::vector<Signal*>& signals) {
  std::vector<Signal*> lazy;
  std::vector<Array> arrays;
  for (Signal* s : signals) {
    if (s == nullptr || !s->is_lazy()) continue;
    lazy.push_back(s);
    arrays.push_back(s->data_);
  }
  if (lazy.empty()) return Status::Ok();
  HC_ASSIGN_OR_RETURN(std::vector<NdArray> values, hyperchunk::Compute(*lazy[0]->ctx_, arrays));
  for (size_t k = 0; k < lazy.size(); ++k) {
    const ChunkGrid grid = lazy[k]->data_.chunks();
    lazy[k]->values_ = values[k];
    lazy[k]->data_ = Array::FromNdArray(std::move(values[k]), grid);
    lazy[k]->lazy_ = false;
  }
  return Status::Ok();
}

Signal Signal::AsLazy() const {
  Signal s = *this;
  if (!lazy_) {
    // HyperSpy's as_lazy wraps the numpy data with its own chunking (reference §2.4).
    s.data_ = Array::FromNdArray(values_, internal::HyperSpyChunkGrid(values_.shape(), axes_.SignalArrayIndices(),
                                                                      static_cast<int>(ItemSize(dtype()))));
  }
  s.lazy_ = true;
  return s;
}

SignalRecord Signal::ToRecord() const {
  SignalRecord r;
  r.data = data_;
  r.axes = axes_.ToRecords();
  r.metadata = metadata_;
  r.original_metadata = original_metadata_;
  r.learning_results = learning_results_;
  return r;
}

Status Signal::Save(const std::string& path, const HspyWriteOptions& options) const {
  return WriteHspy(*ctx_, ToRecord(), path, options);
}

// ---- derived signals ----------------------------------------------------------------------------

Result<Signal> Signal::WithData(Array data, std::vector<DataAxis> axes) const {
  HC_RETURN_IF_ERROR(data.status());
  Signal s = *this;
  HC_ASSIGN_OR_RETURN(s.axes_, AxesManager::Create(std::move(axes)));
  if (s.axes_.size() != data.rank())
    return Internal(fmt::format("{} axes for data of {} dimensions", s.axes_.size(), data.rank()));
  s.data_ = std::move(data);
  s.values_ = NdArray();
  if (s.axes_.signal_dimension() != axes_.signal_dimension()) s.class_override_.reset();
  // As HyperSpy's _deepcopy_with_new_data: a derived signal does not inherit the stored navigator or
  // the learning results. Its noise variance would no longer match the data either (HyperSpy slices
  // and rebins it alongside; hyperchunk does not yet), so it is dropped rather than left stale.
  s.metadata_.Remove("_HyperSpy.navigator");
  s.metadata_.Remove("Signal.Noise_properties.variance");
  s.learning_results_ = MetadataTree();
  if (!lazy_) {
    s.lazy_ = true;
    HC_RETURN_IF_ERROR(s.Compute());
  }
  return internal::FinishSignal(std::move(s));
}

namespace internal {

Result<Signal> FinishSignal(Signal s) {
  // EDS classes force the energy axis to be binned when they are assigned (reference §0.3).
  if (s.IsA(SignalClass::kEDSSpectrum)) {
    for (int i : s.axes_manager().SignalArrayIndices()) s.axes_manager().array_axes()[i].is_binned = true;
  }
  return s;
}

}  // namespace internal

Result<Signal> Signal::Transpose() const {
  std::vector<AxisRef> nav;
  for (int k = 0; k < axes_.navigation_dimension(); ++k) nav.emplace_back(k);
  return Transpose(nav);
}

Result<Signal> Signal::Transpose(const std::vector<AxisRef>& signal_axes) const {
  // The new signal axes in the order given (natural order of the result).
  std::vector<int> sig_natural;
  for (const AxisRef& ref : signal_axes) {
    HC_ASSIGN_OR_RETURN(std::vector<int> a, axes_.Resolve({ref}));
    for (int array_index : a) {
      const int k = axes_.NaturalIndex(array_index);
      if (std::find(sig_natural.begin(), sig_natural.end(), k) != sig_natural.end())
        return InvalidArgument(fmt::format("axis {} given twice to transpose", k));
      sig_natural.push_back(k);
    }
  }
  // The other axes become navigation keeping their array order (HyperSpy: the remaining axes of
  // `_axes`, reversed into natural order).
  std::vector<int> perm;  // array indices of the source, in the result's array order
  std::vector<DataAxis> axes;
  for (int d = 0; d < static_cast<int>(axes_.size()); ++d) {
    if (std::find(sig_natural.begin(), sig_natural.end(), axes_.NaturalIndex(d)) != sig_natural.end()) continue;
    perm.push_back(d);
    axes.push_back(axes_.array_axes()[d]);
    axes.back().navigate = true;
  }
  for (auto it = sig_natural.rbegin(); it != sig_natural.rend(); ++it) {
    perm.push_back(axes_.ArrayIndex(*it));
    axes.push_back(axes_[*it]);
    axes.back().navigate = false;
  }
  return WithData(data_.Transpose(perm), std::move(axes));
}

// ---- reductions ---------------------------------------------------------------------------------

Result<Signal> Signal::Reduce(ReduceOp op, const std::vector<AxisRef>& refs) const {
  HC_ASSIGN_OR_RETURN(std::vector<int> axes, axes_.Resolve(refs));
  if (axes.empty()) return *this;  // HyperSpy returns the signal itself when there is nothing to reduce
  Array data;
  if (op == ReduceOp::kArgMax || op == ReduceOp::kArgMin) {
    if (axes.size() != 1)
      return InvalidArgument(fmt::format("{} works over one axis; got {}",
                                         op == ReduceOp::kArgMax ? "indexmax" : "indexmin", axes.size()));
    data = op == ReduceOp::kArgMax ? data_.ArgMax(axes[0]) : data_.ArgMin(axes[0]);
  } else {
    data = data_.Reduce(op, axes);
  }
  HC_RETURN_IF_ERROR(data.status());
  std::vector<DataAxis> kept;
  for (int d = 0; d < static_cast<int>(axes_.size()); ++d) {
    if (std::find(axes.begin(), axes.end(), d) == axes.end()) kept.push_back(axes_.array_axes()[d]);
  }
  const bool scalar = kept.empty();
  if (scalar) {
    // HyperSpy keeps a "Scalar" axis of size 1 (np.atleast_1d) and makes the signal a BaseSignal
    // (add_scalar_axis), whatever its signal_type.
    kept.push_back(DataAxis::Uniform(1, 1.0, 0.0, std::string("Scalar"), {}, false));
    data = data.ExpandDims(0);
  }
  HC_ASSIGN_OR_RETURN(Signal s, WithData(std::move(data), std::move(kept)));
  if (scalar) {
    s.class_override_ = SignalClass::kBaseSignal;
    s.axes_.array_axes()[0].is_binned = false;
  }
  if (op == ReduceOp::kSum && IsA(SignalClass::kEDSSpectrum)) internal::ScaleEdsTimes(*this, s, /*live_only=*/true);
  return s;
}

void internal::ScaleEdsTimes(const Signal& before, Signal& after, bool live_only, double factor) {
  double f = factor;
  if (f <= 0) {
    double n_before = 1, n_after = 1;
    for (Index v : before.axes_manager().navigation_shape()) n_before *= static_cast<double>(v);
    for (Index v : after.axes_manager().navigation_shape()) n_after *= static_cast<double>(v);
    f = n_before / n_after;
  }
  auto scale = [&](const char* what) {
    for (const char* mic : {"SEM", "TEM"}) {
      const std::string path = fmt::format("Acquisition_instrument.{}.Detector.EDS.{}", mic, what);
      if (Value* v = after.metadata().Find(path); v && v->is_number()) {
        *v = Value::Float(v->as_double() * f);
        return true;
      }
    }
    return false;
  };
  // HyperSpy's sum only looks (and logs) when the signal has an Acquisition_instrument tree.
  if (live_only && after.metadata().Find("Acquisition_instrument") == nullptr) return;
  if (!live_only && !scale("real_time"))
    after.context().logger().info("real_time could not be found in the metadata and has not been updated.");
  if (!scale("live_time"))
    after.context().logger().info("Live_time could not be found in the metadata and has not been updated.");
}

Result<Signal> Signal::Sum(const std::vector<AxisRef>& axes) const { return Reduce(ReduceOp::kSum, axes); }
Result<Signal> Signal::Mean(const std::vector<AxisRef>& axes) const { return Reduce(ReduceOp::kMean, axes); }
Result<Signal> Signal::Max(const std::vector<AxisRef>& axes) const { return Reduce(ReduceOp::kMax, axes); }
Result<Signal> Signal::Min(const std::vector<AxisRef>& axes) const { return Reduce(ReduceOp::kMin, axes); }
Result<Signal> Signal::Std(const std::vector<AxisRef>& axes) const { return Reduce(ReduceOp::kStd, axes); }
Result<Signal> Signal::Var(const std::vector<AxisRef>& axes) const { return Reduce(ReduceOp::kVar, axes); }
Result<Signal> Signal::NanSum(const std::vector<AxisRef>& axes) const { return Reduce(ReduceOp::kNanSum, axes); }
Result<Signal> Signal::NanMean(const std::vector<AxisRef>& axes) const { return Reduce(ReduceOp::kNanMean, axes); }
Result<Signal> Signal::IndexMax(const AxisRef& axis) const { return Reduce(ReduceOp::kArgMax, {axis}); }
Result<Signal> Signal::IndexMin(const AxisRef& axis) const { return Reduce(ReduceOp::kArgMin, {axis}); }

// ---- arithmetic ---------------------------------------------------------------------------------

Result<Signal> Signal::Apply(BinaryOp op, const Signal& other) const {
  const Shape& a = shape();
  const Shape& b = other.shape();
  const size_t n = std::max(a.size(), b.size());
  std::vector<DataAxis> axes(n);
  for (size_t k = 0; k < n; ++k) {
    // Right-aligned, as numpy broadcasts.
    const bool in_a = k + a.size() >= n, in_b = k + b.size() >= n;
    const Index sa = in_a ? a[k + a.size() - n] : 1, sb = in_b ? b[k + b.size() - n] : 1;
    if (sa != sb && sa != 1 && sb != 1)
      return InvalidArgument(fmt::format("operands could not be broadcast together with shapes {} {}", ShapeToString(a),
                                         ShapeToString(b)));
    const bool take_a = in_a && (sa >= sb || !in_b);
    axes[k] = take_a ? axes_.array_axes()[k + a.size() - n] : other.axes_.array_axes()[k + b.size() - n];
  }
  return WithData(Elementwise(op, data_, other.data_), std::move(axes));
}

Result<Signal> Signal::Apply(BinaryOp op, const Scalar& value) const {
  return WithData(Elementwise(op, data_, value), axes_.array_axes());
}

Result<Signal> Signal::ApplyReversed(BinaryOp op, const Scalar& value) const {
  return WithData(Elementwise(op, value, data_), axes_.array_axes());
}

Result<Signal> Signal::Map(UnaryOp op) const { return WithData(data_.Map(op), axes_.array_axes()); }

Result<Signal> Signal::AsType(DType dtype) const { return WithData(data_.AsType(dtype), axes_.array_axes()); }

Result<Signal> operator+(const Signal& a, const Signal& b) { return a.Apply(BinaryOp::kAdd, b); }
Result<Signal> operator-(const Signal& a, const Signal& b) { return a.Apply(BinaryOp::kSubtract, b); }
Result<Signal> operator*(const Signal& a, const Signal& b) { return a.Apply(BinaryOp::kMultiply, b); }
Result<Signal> operator/(const Signal& a, const Signal& b) { return a.Apply(BinaryOp::kDivide, b); }
Result<Signal> operator+(const Signal& a, double b) { return a.Apply(BinaryOp::kAdd, ToScalar(b)); }
Result<Signal> operator-(const Signal& a, double b) { return a.Apply(BinaryOp::kSubtract, ToScalar(b)); }
Result<Signal> operator*(const Signal& a, double b) { return a.Apply(BinaryOp::kMultiply, ToScalar(b)); }
Result<Signal> operator/(const Signal& a, double b) { return a.Apply(BinaryOp::kDivide, ToScalar(b)); }

}  // namespace hyperchunk
