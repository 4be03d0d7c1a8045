// Calibrated axes: HyperSpy's DataAxis family and AxesManager (reference §0 and §5.1).
//
// Two orders matter. *Array order* is the order of the data's shape (navigation dimensions first,
// then signal dimensions). *Natural order* — the order users index in (`inav`, `isig`, `rebin`
// scales, axis numbers) — is navigation axes then signal axes, each group fastest-varying first
// ("x before y"), i.e. each group reversed with respect to array order.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hyperchunk/core/shape.h"
#include "hyperchunk/core/status.h"
#include "hyperchunk/store/hspy.h"

namespace hyperchunk {

/// How value2index resolves a value that falls between two axis points.
enum class Rounding {
  kRound,  ///< nearest point; exact ties go to the point whose value is closer to zero (HyperSpy's `round`)
  kFloor,  ///< the point at or below the value (`math.floor`)
  kCeil,   ///< the point at or above the value (`math.ceil`)
};

/// One axis: uniform (offset + scale·i), non-uniform (explicit values) or functional (values
/// evaluated when the file was written). The fields are AxisRecord's; this adds HyperSpy's methods.
struct DataAxis : AxisRecord {
  DataAxis() = default;
  explicit DataAxis(AxisRecord record) : AxisRecord(std::move(record)) {}

  /// A uniform axis (UniformDataAxis).
  static DataAxis Uniform(Index size, double scale = 1.0, double offset = 0.0, std::optional<std::string> name = {},
                          std::optional<std::string> units = {}, bool navigate = false);
  /// A non-uniform axis (DataAxis) over strictly increasing or strictly decreasing values.
  static Result<DataAxis> NonUniform(std::vector<double> values, std::optional<std::string> name = {},
                                     std::optional<std::string> units = {}, bool navigate = false);

  bool is_uniform() const { return type == Type::kUniform; }
  /// The value of point `index` (negative counts from the end); out of range is an error.
  Result<double> IndexToValue(Index index) const;
  /// Every point's value, in index order.
  std::vector<double> Values() const;
  double low_value() const;
  double high_value() const;

  /// HyperSpy's value2index: for uniform axes `x = (value - offset) / scale` truncated to 12
  /// decimals, then rounded (ties towards the value closer to zero); the index must lie in
  /// [0, size), so values up to half a step outside the axis are accepted. Non-uniform axes take
  /// the nearest point and need low_value <= value <= high_value. Errors name the axis.
  Result<Index> ValueToIndex(double value, Rounding rounding = Rounding::kRound) const;
  /// value2index of a string: "rel0.25" (a fraction of [low_value, high_value]) or a quantity
  /// with units ("1500 eV", "1.5keV") converted to the axis units (uniform axes only).
  Result<Index> ValueToIndex(std::string_view text, Rounding rounding = Rounding::kRound) const;
  /// The calibrated value a string means on this axis ("rel0.5" or "1500 eV").
  Result<double> ParseValue(std::string_view text) const;

  /// "Energy", or "Unnamed 0th axis" when the axis has no name (`natural_index` numbers it).
  std::string DisplayName(int natural_index) const;
};

/// Refers to one axis (a natural index or a name) or to a group of axes.
class AxisRef {
 public:
  enum class Group { kNone, kNavigation, kSignal, kAll };
  AxisRef(int natural_index) : index_(natural_index) {}  // NOLINT(google-explicit-constructor)
  AxisRef(std::string name) : name_(std::move(name)) {}  // NOLINT(google-explicit-constructor)
  AxisRef(const char* name) : name_(name) {}             // NOLINT(google-explicit-constructor)
  static AxisRef Navigation() { return AxisRef(Group::kNavigation); }
  static AxisRef Signal() { return AxisRef(Group::kSignal); }
  static AxisRef All() { return AxisRef(Group::kAll); }

  Group group() const { return group_; }
  const std::optional<int>& index() const { return index_; }
  const std::optional<std::string>& name() const { return name_; }

 private:
  explicit AxisRef(Group g) : group_(g) {}
  Group group_ = Group::kNone;
  std::optional<int> index_;
  std::optional<std::string> name_;
};

/// The axes of a signal. Stored in array order; navigation axes come first in the array.
class AxesManager {
 public:
  AxesManager() = default;
  /// Axes in array order. Navigation axes must precede signal axes (HyperSpy keeps data aligned).
  static Result<AxesManager> Create(std::vector<DataAxis> array_axes);

  size_t size() const { return axes_.size(); }
  /// Axes in array order.
  const std::vector<DataAxis>& array_axes() const { return axes_; }
  std::vector<DataAxis>& array_axes() { return axes_; }
  /// Natural index → array index, and back.
  int ArrayIndex(int natural_index) const;
  int NaturalIndex(int array_index) const;
  /// The axis at natural index `i` (`axes_manager[i]`).
  const DataAxis& operator[](int natural_index) const { return axes_[ArrayIndex(natural_index)]; }
  DataAxis& operator[](int natural_index) { return axes_[ArrayIndex(natural_index)]; }

  int navigation_dimension() const;
  int signal_dimension() const;
  /// Array indices of the navigation (signal) axes, in natural order.
  std::vector<int> NavigationArrayIndices() const;
  std::vector<int> SignalArrayIndices() const;
  /// Sizes in natural order.
  std::vector<Index> navigation_shape() const;
  std::vector<Index> signal_shape() const;

  /// The array indices `refs` select, sorted, each once. A name matches the first axis of that name
  /// in natural order; a negative index counts from the end. Errors say which reference is bad.
  Result<std::vector<int>> Resolve(const std::vector<AxisRef>& refs) const;

  /// "(48, 64|992)".
  std::string DimensionString() const;
  /// HyperSpy's table: "<Axes manager, axes: (5, 4|30)>", a header, one row per axis.
  std::string ToString() const;
  /// The axes as records (array order), e.g. for writing a file.
  std::vector<AxisRecord> ToRecords() const;

 private:
  explicit AxesManager(std::vector<DataAxis> axes) : axes_(std::move(axes)) {}
  std::vector<DataAxis> axes_;
};

}  // namespace hyperchunk
