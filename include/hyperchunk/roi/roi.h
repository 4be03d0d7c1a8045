// Regions of interest: HyperSpy's hs.roi classes (reference §7). Coordinates are in axis units.
// `Apply(s)` is HyperSpy's `roi(s)`: it slices the signal lazily (CircleROI also masks with NaN;
// Line2DROI samples a profile). `AsIndexSpecs()` is what `s.isig[roi]` / `s.inav[roi]` mean.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hyperchunk/core/events.h"
#include "hyperchunk/core/status.h"
#include "hyperchunk/signal/signal.h"

namespace hyperchunk {

class Roi {
 public:
  virtual ~Roi() = default;
  /// HyperSpy's class name: "RectangularROI", ...
  virtual std::string ClassName() const = 0;
  /// How many axes the ROI spans (1 or 2).
  virtual int ndim() const = 0;
  /// The parameters as `tuple(roi)` orders them (RectangularROI: left, right, top, bottom);
  /// nullopt for undefined ones.
  virtual std::vector<std::optional<double>> Parameters() const = 0;
  /// `RectangularROI(left=1, top=1.5, right=3, bottom=4)`.
  virtual std::string Repr() const = 0;
  /// Every parameter defined.
  bool is_valid() const;

  /// `roi(s, axes=...)`: the part of `s` the ROI covers. `axes` (natural indices or names) default
  /// to HyperSpy's rule: the first ndim navigation axes, else the first signal axes, else (signal
  /// axis, navigation axis). Lazy in, lazy out (Line2DROI computes its profile).
  virtual Result<Signal> Apply(const Signal& s, const std::vector<AxisRef>& axes = {}) const;
  /// `s.isig[roi]` / `s.inav[roi]`: SpanROI → left:right, Point1DROI → value, Point2DROI → x, y,
  /// RectangularROI → left:right, top:bottom (calibrated). Other ROIs cannot index.
  virtual Result<std::vector<IndexSpec>> AsIndexSpecs() const;

  /// Fires after every accepted parameter change, with this ROI.
  Event<const Roi&>& changed() { return changed_; }

 protected:
  /// One (low, high) range per axis, or (value, nullopt) for a point, in calibrated units: what
  /// the base Apply slices with (HyperSpy's `_get_ranges`). Empty for ROIs that override Apply.
  using Ranges = std::vector<std::pair<double, std::optional<double>>>;
  virtual Ranges SliceRanges() const { return {}; }
  /// The axes `Apply` works on: array indices of `s`, in the ROI's order.
  Result<std::vector<int>> ResolveAxes(const Signal& s, const std::vector<AxisRef>& axes) const;
  /// Sets `field` to `value` when `valid` and notifies; returns whether it was accepted
  /// (HyperSpy silently keeps the old value of an invalid assignment).
  bool Assign(std::optional<double>& field, double value, bool valid);

  Event<const Roi&> changed_;
};

/// A point on one axis.
class Point1DRoi final : public Roi {
 public:
  Point1DRoi() = default;
  explicit Point1DRoi(double value) : value_(value) {}
  std::string ClassName() const override { return "Point1DROI"; }
  int ndim() const override { return 1; }
  std::vector<std::optional<double>> Parameters() const override { return {value_}; }
  std::string Repr() const override;
  Result<std::vector<IndexSpec>> AsIndexSpecs() const override;
  const std::optional<double>& value() const { return value_; }
  bool SetValue(double v) { return Assign(value_, v, true); }

 protected:
  Ranges SliceRanges() const override { return {{*value_, std::nullopt}}; }

 private:
  std::optional<double> value_;
};

/// A point on two axes.
class Point2DRoi final : public Roi {
 public:
  Point2DRoi() = default;
  Point2DRoi(double x, double y) : x_(x), y_(y) {}
  std::string ClassName() const override { return "Point2DROI"; }
  int ndim() const override { return 2; }
  std::vector<std::optional<double>> Parameters() const override { return {x_, y_}; }
  std::string Repr() const override;
  Result<std::vector<IndexSpec>> AsIndexSpecs() const override;
  bool SetX(double v) { return Assign(x_, v, true); }
  bool SetY(double v) { return Assign(y_, v, true); }

 protected:
  Ranges SliceRanges() const override { return {{*x_, std::nullopt}, {*y_, std::nullopt}}; }

 private:
  std::optional<double> x_, y_;
};

/// A range [left, right) on one axis.
class SpanRoi final : public Roi {
 public:
  SpanRoi() = default;
  /// left < right, else an error (HyperSpy's ValueError).
  static Result<SpanRoi> Create(double left, double right);
  std::string ClassName() const override { return "SpanROI"; }
  int ndim() const override { return 1; }
  std::vector<std::optional<double>> Parameters() const override { return {left_, right_}; }
  std::string Repr() const override;
  Result<std::vector<IndexSpec>> AsIndexSpecs() const override;
  const std::optional<double>& left() const { return left_; }
  const std::optional<double>& right() const { return right_; }
  bool SetLeft(double v) { return Assign(left_, v, !right_ || v < *right_); }
  bool SetRight(double v) { return Assign(right_, v, !left_ || v > *left_); }

 protected:
  Ranges SliceRanges() const override { return {{*left_, *right_}}; }

 private:
  std::optional<double> left_, right_;
};

/// A rectangle [left, right) x [top, bottom) on two axes.
class RectangularRoi final : public Roi {
 public:
  RectangularRoi() = default;
  /// left < right and top < bottom, else an error.
  static Result<RectangularRoi> Create(double left, double top, double right, double bottom);
  std::string ClassName() const override { return "RectangularROI"; }
  int ndim() const override { return 2; }
  std::vector<std::optional<double>> Parameters() const override { return {left_, right_, top_, bottom_}; }
  std::string Repr() const override;
  Result<std::vector<IndexSpec>> AsIndexSpecs() const override;
  const std::optional<double>& left() const { return left_; }
  const std::optional<double>& top() const { return top_; }
  const std::optional<double>& right() const { return right_; }
  const std::optional<double>& bottom() const { return bottom_; }
  bool SetLeft(double v) { return Assign(left_, v, !right_ || v < *right_); }
  bool SetRight(double v) { return Assign(right_, v, !left_ || v > *left_); }
  bool SetTop(double v) { return Assign(top_, v, !bottom_ || v < *bottom_); }
  bool SetBottom(double v) { return Assign(bottom_, v, !top_ || v > *top_); }
  /// Moves the rectangle keeping its size (HyperSpy's `x` / `y` properties), one notification.
  bool MoveTo(double x, double y);

 protected:
  Ranges SliceRanges() const override { return {{*left_, *right_}, {*top_, *bottom_}}; }

 private:
  std::optional<double> left_, top_, right_, bottom_;
};

/// A disc (or ring, with r_inner > 0) on two axes. Apply sets pixels outside the ring to NaN
/// (integer data becomes float64), as HyperSpy does; Mask gives the ring as booleans instead.
class CircleRoi final : public Roi {
 public:
  CircleRoi() = default;
  /// r > r_inner >= 0 (or both 0), else an error.
  static Result<CircleRoi> Create(double cx, double cy, double r, double r_inner = 0);
  std::string ClassName() const override { return "CircleROI"; }
  int ndim() const override { return 2; }
  std::vector<std::optional<double>> Parameters() const override { return {cx_, cy_, r_, r_inner_}; }
  std::string Repr() const override;
  Result<Signal> Apply(const Signal& s, const std::vector<AxisRef>& axes = {}) const override;
  /// The bounding box's pixels inside the ring: a bool signal over the two ROI axes (array order of
  /// `s`), true inside. Combine with Apply's box (same pixels) for masked reductions without NaN.
  Result<Signal> Mask(const Signal& s, const std::vector<AxisRef>& axes = {}) const;
  bool SetCenter(double cx, double cy);
  bool SetRadius(double r) { return Assign(r_, r, !r_inner_ || r >= *r_inner_); }
  /// HyperSpy keeps the old inner radius when the new one is not below r.
  bool SetInnerRadius(double r) { return Assign(r_inner_, r, r >= 0 && (!r_ || r < *r_)); }

 private:
  struct Box2 {
    std::vector<int> axes;  // array indices (x axis, y axis)
    Signal cut;             // the signal cut to the bounding box
    std::vector<double> x, y;
    std::vector<uint8_t> inside;  // y-major, x fastest
  };
  Result<Box2> Cut(const Signal& s, const std::vector<AxisRef>& axes) const;
  std::optional<double> cx_, cy_, r_, r_inner_ = 0.0;
};

/// A line from (x1, y1) to (x2, y2) of a given width; Apply gives the intensity profile along it
/// (nearest-neighbour sampling, averaged across the width), computed.
class Line2DRoi final : public Roi {
 public:
  Line2DRoi() = default;
  Line2DRoi(double x1, double y1, double x2, double y2, double linewidth = 0)
      : x1_(x1), y1_(y1), x2_(x2), y2_(y2), linewidth_(linewidth) {}
  std::string ClassName() const override { return "Line2DROI"; }
  int ndim() const override { return 2; }
  std::vector<std::optional<double>> Parameters() const override { return {x1_, y1_, x2_, y2_, linewidth_}; }
  std::string Repr() const override;
  Result<Signal> Apply(const Signal& s, const std::vector<AxisRef>& axes = {}) const override;
  /// Length in axis units.
  double length() const;

 private:
  std::optional<double> x1_, y1_, x2_, y2_, linewidth_ = 0.0;
};

}  // namespace hyperchunk
