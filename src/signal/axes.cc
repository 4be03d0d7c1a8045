#include "hyperchunk/signal/axes.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "hyperchunk/signal/summary.h"
#include "units.h"

namespace hyperchunk {
namespace {

// HyperSpy's misc.utils.ordinal: 0th, 1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st.
std::string Ordinal(int n) {
  const int last_two = n % 100;
  const char* suffix = "th";
  if (last_two < 11 || last_two > 13) {
    switch (n % 10) {
      case 1: suffix = "st"; break;
      case 2: suffix = "nd"; break;
      case 3: suffix = "rd"; break;
      default: break;
    }
  }
  return fmt::format("{}{}", n, suffix);
}

Status NotOnFunctionalAxis(const DataAxis& axis) {
  return Unimplemented(
      fmt::format("the \"{}\" axis is a functional axis ('{}'): calibrated positions on it are "
                  "not supported; index it with integers",
                  axis.name.value_or("Unnamed"), axis.expression));
}

}  // namespace

DataAxis DataAxis::Uniform(Index size, double scale, double offset, std::optional<std::string> name,
                           std::optional<std::string> units, bool navigate) {
  DataAxis a;
  a.type = Type::kUniform;
  a.size = size;
  a.scale = scale;
  a.offset = offset;
  a.name = std::move(name);
  a.units = std::move(units);
  a.navigate = navigate;
  return a;
}

Result<DataAxis> DataAxis::NonUniform(std::vector<double> values, std::optional<std::string> name,
                                      std::optional<std::string> units, bool navigate) {
  if (values.size() > 1) {
    bool increasing = true, decreasing = true;
    for (size_t i = 1; i < values.size(); ++i) {
      increasing = increasing && values[i] > values[i - 1];
      decreasing = decreasing && values[i] < values[i - 1];
    }
    if (!increasing && !decreasing) return InvalidArgument("The non-uniform axis needs to be ordered.");
  }
  DataAxis a;
  a.type = Type::kData;
  a.size = static_cast<Index>(values.size());
  a.values = std::move(values);
  a.name = std::move(name);
  a.units = std::move(units);
  a.navigate = navigate;
  return a;
}

Result<double> DataAxis::IndexToValue(Index index) const {
  const Index i = index < 0 ? index + size : index;
  if (i < 0 || i >= size)
    return OutOfRange(
        fmt::format("index {} is out of bounds for axis \"{}\" with size {}", index, name.value_or("Unnamed"), size));
  if (type == Type::kUniform) return offset + scale * static_cast<double>(i);
  if (type == Type::kData) return values[i];
  return NotOnFunctionalAxis(*this);
}

std::vector<double> DataAxis::Values() const {
  if (type == Type::kData) return values;
  std::vector<double> out(static_cast<size_t>(size));
  // Uniform: numpy's `offset + scale * arange(size)`. Functional axes have no evaluated values; their
  // indices stand in (only integer indexing is offered on them).
  for (Index i = 0; i < size; ++i)
    out[i] = type == Type::kUniform ? offset + scale * static_cast<double>(i) : static_cast<double>(i);
  return out;
}

double DataAxis::low_value() const {
  const auto v = Values();
  return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end());
}

double DataAxis::high_value() const {
  const auto v = Values();
  return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
}

Result<Index> DataAxis::ValueToIndex(double value, Rounding rounding) const {
  const auto out_of_limits = [&] {
    return OutOfRange(fmt::format("the value {} is out of the limits [{:.3g}-{:.3g}] of the \"{}\" axis", value,
                                  low_value(), high_value(), name.value_or("Unnamed")));
  };
  if (std::isnan(value))
    return InvalidArgument(fmt::format("cannot index the \"{}\" axis with NaN", name.value_or("Unnamed")));
  if (type == Type::kFunctional) return NotOnFunctionalAxis(*this);
  if (type == Type::kData) {
    if (!(value >= low_value() && value <= high_value())) return out_of_limits();
    if (values.empty()) return out_of_limits();
    size_t best = 0;
    if (rounding == Rounding::kRound) {
      // HyperSpy nudges the value by sign(v)·1e-12·min|spacing| so ties go towards zero, then takes
      // the first arg-min of |axis - v + nudge|.
      double min_spacing = INFINITY;
      for (size_t i = 1; i < values.size(); ++i)
        min_spacing = std::min(min_spacing, std::abs(values[i] - values[i - 1]));
      const double nudge = values.size() > 1 ? min_spacing * 1e-12 : 0.0;
      const double sign = value > 0 ? 1.0 : (value < 0 ? -1.0 : 0.0);
      double best_d = INFINITY;
      for (size_t i = 0; i < values.size(); ++i) {
        const double d = std::abs(values[i] - value + sign * nudge);
        if (d < best_d) best_d = d, best = i;
      }
    } else if (rounding == Rounding::kFloor) {
      double best_x = -INFINITY;
      for (size_t i = 0; i < values.size(); ++i) {
        const double diff = values[i] - value > 0 ? -INFINITY : values[i] - value;
        if (diff > best_x || i == 0) best_x = diff, best = i;
      }
    } else {
      double best_x = INFINITY;
      for (size_t i = 0; i < values.size(); ++i) {
        const double diff = values[i] - value < 0 ? INFINITY : values[i] - value;
        if (diff < best_x || i == 0) best_x = diff, best = i;
      }
    }
    return static_cast<Index>(best);
  }
  // Uniform: x truncated to 12 decimals as `1 / 1e12 * trunc((value - offset) / scale * 1e12)`.
  const double multiplier = 1e12;
  double pos = (1.0 / multiplier) * std::trunc((value - offset) / scale * multiplier);
  switch (rounding) {
    case Rounding::kRound: {
      const bool towards_zero = scale > 0 ? value >= 0 : value < 0;
      const double half_towards_zero = pos >= 0 ? std::ceil(pos - 0.5) : std::floor(pos + 0.5);
      const double half_away = pos >= 0 ? std::floor(pos + 0.5) : std::ceil(pos - 0.5);
      pos = towards_zero ? half_towards_zero : half_away;
      break;
    }
    case Rounding::kFloor: pos = std::floor(pos); break;
    case Rounding::kCeil: pos = std::ceil(pos); break;
  }
  if (!std::isfinite(pos)) return out_of_limits();
  const double truncated = std::trunc(pos);  // Python's int()
  if (!(truncated >= 0 && truncated < static_cast<double>(size)))
    return OutOfRange(
        fmt::format("the value {} is out of the limits of the \"{}\" axis", value, name.value_or("Unnamed")));
  return static_cast<Index>(truncated);
}

Result<double> DataAxis::ParseValue(std::string_view text) const {
  if (text.empty()) return InvalidArgument("Cannot index with an empty string");
  if (text.substr(0, 3) == "rel") {
    double f = 0;
    std::string rest(text.substr(3));
    char* end = nullptr;
    f = std::strtod(rest.c_str(), &end);
    if (rest.empty() || end != rest.c_str() + rest.size())
      return InvalidArgument("`rel` must be followed by a number in range [0, 1].");
    if (f < 0 || f > 1) return InvalidArgument("Relative value must be in range [0, 1]");
    if (type == Type::kFunctional) return NotOnFunctionalAxis(*this);
    return low_value() + f * (high_value() - low_value());
  }
  if (text[0] >= '0' && text[0] <= '9') {
    if (!is_uniform()) return InvalidArgument("Unit conversion is only supported for uniform axis.");
    return internal::ConvertQuantity(text, units.value_or(""));
  }
  return InvalidArgument(fmt::format("`{}` is not a suitable string for slicing.", text));
}

Result<Index> DataAxis::ValueToIndex(std::string_view text, Rounding rounding) const {
  HC_ASSIGN_OR_RETURN(double v, ParseValue(text));
  return ValueToIndex(v, rounding);
}

std::string DataAxis::DisplayName(int natural_index) const {
  return name ? *name : "Unnamed " + Ordinal(natural_index) + " axis";
}

// ---- AxesManager --------------------------------------------------------------------------------

Result<AxesManager> AxesManager::Create(std::vector<DataAxis> array_axes) {
  bool seen_signal = false;
  for (size_t i = 0; i < array_axes.size(); ++i) {
    if (!array_axes[i].navigate) seen_signal = true;
    else if (seen_signal)
      return InvalidArgument(
          fmt::format("navigation axis {} (array order) follows a signal axis: navigation axes "
                      "come first in the array",
                      i));
    if (array_axes[i].size < 0) return InvalidArgument(fmt::format("axis {} has a negative size", i));
  }
  return AxesManager(std::move(array_axes));
}

int AxesManager::navigation_dimension() const {
  return static_cast<int>(std::count_if(axes_.begin(), axes_.end(), [](const DataAxis& a) { return a.navigate; }));
}

int AxesManager::signal_dimension() const { return static_cast<int>(axes_.size()) - navigation_dimension(); }

int AxesManager::ArrayIndex(int natural_index) const {
  const int nav = navigation_dimension();
  const int n = static_cast<int>(axes_.size());
  return natural_index < nav ? nav - 1 - natural_index : n - 1 - (natural_index - nav);
}

int AxesManager::NaturalIndex(int array_index) const {
  const int nav = navigation_dimension();
  const int n = static_cast<int>(axes_.size());
  return array_index < nav ? nav - 1 - array_index : nav + (n - 1 - array_index);
}

std::vector<int> AxesManager::NavigationArrayIndices() const {
  std::vector<int> out;
  for (int i = navigation_dimension(); i-- > 0;) out.push_back(i);
  return out;
}

std::vector<int> AxesManager::SignalArrayIndices() const {
  std::vector<int> out;
  const int nav = navigation_dimension();
  for (int i = static_cast<int>(axes_.size()); i-- > nav;) out.push_back(i);
  return out;
}

std::vector<Index> AxesManager::navigation_shape() const {
  std::vector<Index> out;
  for (int i : NavigationArrayIndices()) out.push_back(axes_[i].size);
  return out;
}

std::vector<Index> AxesManager::signal_shape() const {
  std::vector<Index> out;
  for (int i : SignalArrayIndices()) out.push_back(axes_[i].size);
  return out;
}

Result<std::vector<int>> AxesManager::Resolve(const std::vector<AxisRef>& refs) const {
  std::set<int> out;
  const int n = static_cast<int>(axes_.size());
  for (const AxisRef& ref : refs) {
    switch (ref.group()) {
      case AxisRef::Group::kNavigation:
        for (int i : NavigationArrayIndices()) out.insert(i);
        continue;
      case AxisRef::Group::kSignal:
        for (int i : SignalArrayIndices()) out.insert(i);
        continue;
      case AxisRef::Group::kAll:
        for (int i = 0; i < n; ++i) out.insert(i);
        continue;
      case AxisRef::Group::kNone: break;
    }
    if (ref.index()) {
      int k = *ref.index();
      if (k < 0) k += n;
      if (k < 0 || k >= n)
        return InvalidArgument(fmt::format("axis {} does not exist: the signal has {} axes", *ref.index(), n));
      out.insert(ArrayIndex(k));
    } else {
      int found = -1;
      for (int k = 0; k < n && found < 0; ++k) {
        if (axes_[ArrayIndex(k)].name == *ref.name()) found = ArrayIndex(k);
      }
      if (found < 0) return InvalidArgument(fmt::format("There is no DataAxis named {}", *ref.name()));
      out.insert(found);
    }
  }
  return std::vector<int>(out.begin(), out.end());
}

std::vector<AxisRecord> AxesManager::ToRecords() const { return {axes_.begin(), axes_.end()}; }

std::string AxesManager::DimensionString() const { return hyperchunk::DimensionString(ToRecords()); }

std::string AxesManager::ToString() const { return AxesTable(ToRecords()); }

}  // namespace hyperchunk
