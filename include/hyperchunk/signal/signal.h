// Signals: data (lazy or in memory) + calibrated axes split into navigation | signal + metadata —
// HyperSpy's BaseSignal family in C++ (reference §0, §2, §5, §6, §8.1).
//
// HyperSpy name → hyperchunk name: hs.load → Load, s.compute() → Compute, s.as_lazy() → AsLazy,
// s.save → Save, s.deepcopy → DeepCopy, s.T / s.transpose → Transpose, s.isig[...] → Isig,
// s.inav[...] → Inav, s.sum(axis) → Sum, s.indexmax → IndexMax, s.rebin → Rebin.
//
// One C++ type serves every class: the class (BaseSignal, Signal1D, Signal2D, EDSSpectrum,
// EDSTEMSpectrum, EDSSEMSpectrum, EELSSpectrum, their Lazy variants) follows from signal_type,
// signal dimension and laziness exactly as HyperSpy assigns it, and is re-derived after every
// operation (summing away the energy axis of an EDSTEMSpectrum gives a BaseSignal, as in HyperSpy).
//
// Signals are values: every operation returns a new Signal and leaves its source untouched (no
// implicit rechunking of the source, unlike HyperSpy's rebin). Operations on a lazy signal build a
// lazy graph; on an in-memory signal they compute at once, within the signal's Context.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hyperchunk/array/array.h"
#include "hyperchunk/core/metadata.h"
#include "hyperchunk/core/ndarray.h"
#include "hyperchunk/core/status.h"
#include "hyperchunk/exec/context.h"
#include "hyperchunk/signal/axes.h"
#include "hyperchunk/signal/index_spec.h"
#include "hyperchunk/store/hspy.h"

namespace hyperchunk {

/// HyperSpy's signal classes. Each is-a the ones above it: EDSTEMSpectrum is an EDSSpectrum, a
/// Signal1D and a BaseSignal.
enum class SignalClass {
  kBaseSignal,
  kSignal1D,
  kSignal2D,
  kEDSSpectrum,
  kEDSTEMSpectrum,
  kEDSSEMSpectrum,
  kEELSSpectrum,
  kHologramImage,
};

struct LoadOptions {
  /// Keep the data in the file and read chunks only when computed (hs.load(..., lazy=True)).
  bool lazy = true;
};

/// What Rebin takes: exactly one of `scale` (factors) or `new_shape`, in natural order, one entry
/// per axis.
struct RebinOptions {
  std::optional<std::vector<double>> scale;
  std::optional<std::vector<Index>> new_shape;
  /// Linear path: drop a last partial bin (true) or keep it (false).
  bool crop = true;
  /// nullopt: numpy's sum dtype (integer path) / float64 for integer input (linear path);
  /// "same": the input dtype; otherwise a numpy dtype name ("float32", "uint32").
  std::optional<std::string> dtype;
};

class Signal {
 public:
  /// An empty signal (no data, no context). Real ones come from Create, FromNdArray and Load.
  Signal() = default;

  /// A signal over `data` with `axes` in array order (one per dimension, sizes matching).
  /// `lazy` false makes it an in-memory signal (the data is computed now, in `ctx`).
  /// `ctx` runs this signal's computations and those of signals derived from it; nullptr gives a
  /// private Context with default options.
  static Result<Signal> Create(Array data, std::vector<DataAxis> axes, MetadataTree metadata = {}, bool lazy = true,
                               std::shared_ptr<Context> ctx = nullptr);
  /// An in-memory signal with default axes (scale 1, offset 0, unnamed): the last
  /// `signal_dimension` array dimensions are signal axes (1: Signal1D, 2: Signal2D, 0: BaseSignal).
  static Result<Signal> FromNdArray(NdArray data, int signal_dimension = 1, std::shared_ptr<Context> ctx = nullptr);
  /// A signal from a file record (see ReadHspy).
  static Result<Signal> FromRecord(SignalRecord record, bool lazy = true, std::shared_ptr<Context> ctx = nullptr);

  // ---- what it is -------------------------------------------------------------------------------
  bool is_lazy() const { return lazy_; }
  const Array& data() const { return data_; }
  DType dtype() const { return data_.dtype(); }
  /// Array order.
  const Shape& shape() const { return data_.shape(); }
  const AxesManager& axes_manager() const { return axes_; }
  AxesManager& axes_manager() { return axes_; }
  const MetadataTree& metadata() const { return metadata_; }
  MetadataTree& metadata() { return metadata_; }
  const MetadataTree& original_metadata() const { return original_metadata_; }
  MetadataTree& original_metadata() { return original_metadata_; }
  const MetadataTree& learning_results() const { return learning_results_; }
  MetadataTree& learning_results() { return learning_results_; }
  Context& context() const { return *ctx_; }
  const std::shared_ptr<Context>& shared_context() const { return ctx_; }

  /// `metadata.General.title` ("" when absent).
  std::string title() const;
  /// `metadata.Signal.signal_type` ("" when absent).
  std::string signal_type() const;
  SignalClass signal_class() const;
  /// True when this signal's class is `c` or derives from it.
  bool IsA(SignalClass c) const;
  /// "LazyEDSTEMSpectrum", "Signal1D", "BaseSignal", ...
  std::string class_name() const;

  /// `<LazyEDSTEMSpectrum, title: , dimensions: (512, 512|992)>`.
  std::string Repr() const;
  /// dask's Bytes / Shape / Count / Type table of the data.
  std::string DescribeTable() const;

  // ---- lazy and in memory -----------------------------------------------------------------------
  /// The data in memory (computed now when lazy; array order).
  Result<NdArray> Values() const;
  /// Makes the signal in-memory (HyperSpy's s.compute(), in place).
  Status Compute();
  /// A lazy signal over the same data (s.as_lazy()).
  Signal AsLazy() const;
  /// A copy that shares nothing mutable (axes and metadata copied; data arrays are immutable).
  Signal DeepCopy() const { return *this; }
  /// Writes a .hspy 3.1 file (streamed chunk by chunk for lazy data).
  Status Save(const std::string& path, const HspyWriteOptions& options = {}) const;
  /// The signal as a file record.
  SignalRecord ToRecord() const;

  // ---- axes -------------------------------------------------------------------------------------
  /// `s.T`: navigation axes become signal axes and the other way round.
  Result<Signal> Transpose() const;
  /// `s.transpose(signal_axes=...)`: the given axes (natural order of this signal) become the
  /// signal axes, in that natural order; every other axis becomes navigation, keeping its array order.
  Result<Signal> Transpose(const std::vector<AxisRef>& signal_axes) const;

  /// `s.isig[...]` / `s.inav[...]`: specs in natural order of the signal (navigation) axes.
  Result<Signal> Isig(const std::vector<IndexSpec>& specs) const;
  Result<Signal> Inav(const std::vector<IndexSpec>& specs) const;

  // ---- reductions (default: the navigation axes, as HyperSpy) -----------------------------------
  Result<Signal> Reduce(ReduceOp op, const std::vector<AxisRef>& axes = {AxisRef::Navigation()}) const;
  Result<Signal> Sum(const std::vector<AxisRef>& axes = {AxisRef::Navigation()}) const;
  Result<Signal> Mean(const std::vector<AxisRef>& axes = {AxisRef::Navigation()}) const;
  Result<Signal> Max(const std::vector<AxisRef>& axes = {AxisRef::Navigation()}) const;
  Result<Signal> Min(const std::vector<AxisRef>& axes = {AxisRef::Navigation()}) const;
  Result<Signal> Std(const std::vector<AxisRef>& axes = {AxisRef::Navigation()}) const;
  Result<Signal> Var(const std::vector<AxisRef>& axes = {AxisRef::Navigation()}) const;
  Result<Signal> NanSum(const std::vector<AxisRef>& axes = {AxisRef::Navigation()}) const;
  Result<Signal> NanMean(const std::vector<AxisRef>& axes = {AxisRef::Navigation()}) const;
  /// Index of the maximum (minimum) along one axis; int64.
  Result<Signal> IndexMax(const AxisRef& axis) const;
  Result<Signal> IndexMin(const AxisRef& axis) const;

  // ---- arithmetic (lazy for lazy signals) -------------------------------------------------------
  /// Elementwise `op` between two signals of broadcast-compatible shapes (array order, numpy's
  /// rules); the result takes the axes of the operand that has the larger extent per dimension.
  Result<Signal> Apply(BinaryOp op, const Signal& other) const;
  Result<Signal> Apply(BinaryOp op, const Scalar& value) const;
  /// `scalar op s` (e.g. 1 - s).
  Result<Signal> ApplyReversed(BinaryOp op, const Scalar& value) const;
  Result<Signal> Map(UnaryOp op) const;
  Result<Signal> AsType(DType dtype) const;

  // ---- rebin ------------------------------------------------------------------------------------
  /// `s.rebin(scale=..., new_shape=..., crop=..., dtype=...)`: integer factors that divide their
  /// axes sum blocks (lazily); other factors use HyperSpy's linear fractional binning — lazily too
  /// (HyperSpy refuses lazy linear rebin). Axes: scale·f, offset + (f − 1)·scale/2. EDS live and
  /// real times are scaled by the navigation binning.
  Result<Signal> Rebin(const RebinOptions& options) const;

  /// This signal with its class fixed to `c`, as HyperSpy's class constructors do (BaseSignal(data,
  /// metadata=...) stays a BaseSignal whatever signal_type says) until the signal dimension changes.
  Signal WithClass(SignalClass c) const {
    Signal s = *this;
    s.class_override_ = c;
    return s;
  }

  /// A signal like this one with new data and axes (metadata copied; the class re-derived).
  /// Used by operations; `axes` in array order.
  Result<Signal> WithData(Array data, std::vector<DataAxis> axes) const;

 private:
  friend Status ComputeTogether(const std::vector<Signal*>& signals);

  Array data_;
  NdArray values_;  ///< the data of an in-memory signal
  AxesManager axes_;
  MetadataTree metadata_;
  MetadataTree original_metadata_;
  MetadataTree learning_results_;
  bool lazy_ = true;
  std::shared_ptr<Context> ctx_;
  /// A class fixed by an operation rather than derived (HyperSpy's add_scalar_axis makes a
  /// BaseSignal); kept while the signal dimension does not change.
  std::optional<SignalClass> class_override_;
};

/// hs.load: the file's only signal (a file of several signals is refused: use LoadAll).
Result<Signal> Load(const std::string& path, const LoadOptions& options = {}, std::shared_ptr<Context> ctx = nullptr);
/// Every signal of a file, in file order.
Result<std::vector<Signal>> LoadAll(const std::string& path, const LoadOptions& options = {},
                                    std::shared_ptr<Context> ctx = nullptr);

/// Computes several signals together, in place: one plan, so each source chunk they share is read
/// once (the navigator, the sum spectrum and every line map of a file come from one pass). Runs in the
/// first lazy signal's Context; in-memory signals are left as they are.
Status ComputeTogether(const std::vector<Signal*>& signals);

/// Arithmetic on signals; a failure is carried by the result (`.ok()` / `.status()`).
Result<Signal> operator+(const Signal& a, const Signal& b);
Result<Signal> operator-(const Signal& a, const Signal& b);
Result<Signal> operator*(const Signal& a, const Signal& b);
Result<Signal> operator/(const Signal& a, const Signal& b);
Result<Signal> operator+(const Signal& a, double b);
Result<Signal> operator-(const Signal& a, double b);
Result<Signal> operator*(const Signal& a, double b);
Result<Signal> operator/(const Signal& a, double b);

/// HyperSpy's class name for a class and laziness ("LazyEDSTEMSpectrum").
std::string SignalClassName(SignalClass c, bool lazy);

}  // namespace hyperchunk
