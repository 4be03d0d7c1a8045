#include "hspy_write_expect.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "hyperchunk/array/array.h"
#include "hyperchunk/exec/compute.h"

namespace hyperchunk::interop {
namespace {

using nlohmann::json;

json Number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

std::string Hex(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

// A numpy integer or float scalar; `py`: a Python int / float (items of `_list_` datasets).
json TagNumber(DType dtype, const Value& v, bool py) {
  json out;
  if (dtype == DType::kBool) return {{"t", "bool"}, {"v", v.as_double() != 0}};
  if (IsFloat(dtype)) {
    out = {{"t", "float"}, {"dtype", DTypeName(dtype)}, {"v", Number(v.as_double())}};
  } else if (dtype == DType::kUInt64 || (v.kind() == Value::Kind::kInt && v.dtype() == DType::kUInt64)) {
    out = {{"t", "int"}, {"dtype", DTypeName(dtype)}, {"v", static_cast<uint64_t>(v.as_int())}};
  } else {
    out = {{"t", "int"}, {"dtype", DTypeName(dtype)}, {"v", v.as_int()}};
  }
  if (py) out["py"] = true;
  return out;
}

// An item of a number list converted to the list's promoted dtype, as numpy.array(list) does.
Value CastItem(const Value& item, DType dtype) {
  return VisitDType(dtype, [&]<typename T>() -> Value {
    T cast{};
    if (item.kind() == Value::Kind::kFloat) cast = CastValue<T>(item.as_double());
    else if (item.kind() == Value::Kind::kInt && item.dtype() == DType::kUInt64)
      cast = CastValue<T>(static_cast<uint64_t>(item.as_int()));
    else cast = CastValue<T>(item.as_int());
    if constexpr (std::is_same_v<T, bool>) return Value::Bool(cast);
    else if constexpr (std::is_floating_point_v<T>) return Value::Float(static_cast<double>(cast), dtype);
    else return Value::Int(static_cast<int64_t>(cast), dtype);
  });
}

json TagSequence(const Value& v, Context& ctx) {
  const bool tuple = v.kind() == Value::Kind::kTuple;
  json out = {{"t", tuple ? "tuple" : "list"}, {"v", json::array()}};
  const std::vector<Value>& items = v.items();
  const bool numbers = std::all_of(items.begin(), items.end(), [](const Value& i) { return i.is_number(); });
  const bool texts = std::all_of(items.begin(), items.end(),
                                 [](const Value& i) { return i.is_number() || i.kind() == Value::Kind::kString; });
  if (items.empty()) return out;
  if (numbers) {  // a `_list_<key>` dataset of the promoted type, read back with tolist()
    DType dtype = items[0].kind() == Value::Kind::kBool ? DType::kBool : items[0].dtype();
    for (const Value& item : items)
      dtype = PromoteTypes(dtype, item.kind() == Value::Kind::kBool ? DType::kBool : item.dtype());
    for (const Value& item : items) out["v"].push_back(TagNumber(dtype, CastItem(item, dtype), true));
    return out;
  }
  if (texts) {  // a vlen string dataset; a tuple of strings comes back as bytes (§1.12)
    // A number becomes numpy's str() of it, which check_written.py computes with numpy itself
    // from "from": the number's tagged form.
    for (const Value& item : items) {
      json text = {{"t", tuple ? "bytes" : "str"}};
      if (item.kind() != Value::Kind::kString)
        text["from"] = TagNumber(item.kind() == Value::Kind::kBool ? DType::kBool : item.dtype(), item, false);
      else if (tuple) text["hex"] = Hex(item.as_string());
      else text["v"] = item.as_string();
      out["v"].push_back(std::move(text));
    }
    if (tuple) out["quirk"] = "strings_as_bytes";
    return out;
  }
  // A `_list_<n>_<key>` group: items keyed "0", "1", ..., read back in the string order of the keys.
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [](size_t a, size_t b) { return std::to_string(a) < std::to_string(b); });
  for (size_t i : order) out["v"].push_back(TagValue(items[i], ctx));
  if (items.size() >= 11) out["quirk"] = "lexicographic_order";
  return out;
}

json TagTree(const MetadataTree& tree, Context& ctx) {
  json out = {{"t", "dict"}, {"v", json::object()}};
  for (const auto& [key, value] : tree.entries()) out["v"][key] = TagValue(value, ctx);
  return out;
}

json TagSignal(const SignalRecord& signal, Context& ctx) {
  Result<NdArray> data = Compute(ctx, signal.data);
  if (!data.ok()) throw std::runtime_error("computing a nested signal: " + data.status().ToString());
  int signal_dim = 0;
  for (const AxisRecord& axis : signal.axes) signal_dim += axis.navigate ? 0 : 1;
  // HyperSpy's lazy load makes nested signals lazy too (1.7.3 ignores their `attributes/_lazy`).
  const std::string cls = signal_dim == 1 ? "Signal1D" : signal_dim == 2 ? "Signal2D" : "BaseSignal";
  json out = SignalJson(signal, *data, cls, signal_dim == 1 || signal_dim == 2 ? "Lazy" + cls : "LazySignal", ctx);
  out["t"] = "signal";
  return out;
}

}  // namespace

NdArray FixtureValues(DType dtype, const Shape& shape, uint64_t seed) {
  NdArray a = NdArray::Empty(dtype, shape);
  VisitDType(dtype, [&]<typename T>() {
    T* out = a.data<T>();
    std::vector<T> special;
    using L = std::numeric_limits<T>;
    if constexpr (std::is_floating_point_v<T>) {
      special = {L::quiet_NaN(), L::infinity(), -L::infinity(),  T(-0.0),
                 L::max(),       L::lowest(),   L::denorm_min(), L::min()};
    } else if constexpr (!std::is_same_v<T, bool>) {
      special = {L::min(), L::max(), T(0), T(1)};
    }
    for (Index i = 0; i < a.size(); ++i) {
      const uint64_t k = static_cast<uint64_t>(i) + seed;
      if (static_cast<size_t>(k) < special.size()) {
        out[i] = special[static_cast<size_t>(k)];
      } else if constexpr (std::is_same_v<T, bool>) {
        out[i] = (k * 7 + 3) % 5 < 2;
      } else if constexpr (std::is_floating_point_v<T>) {
        out[i] = static_cast<T>((static_cast<double>(k % 1000) - 500.0) * 1.375 + static_cast<double>(k) * 1e-3);
      } else {
        out[i] = static_cast<T>(k * 0x9E3779B97F4A7C15ull + 12345);  // wraps (C++20: modular)
      }
    }
  });
  return a;
}

json DataJson(const NdArray& values) {
  json out = {{"dtype", DTypeName(values.dtype())}, {"shape", values.shape()}, {"values", json::array()}};
  json& list = out["values"];
  VisitDType(values.dtype(), [&]<typename T>() {
    for (Index i = 0; i < values.size(); ++i) {
      const T v = values.data<T>()[i];
      if constexpr (std::is_floating_point_v<T>) list.push_back(Number(static_cast<double>(v)));
      else list.push_back(v);
    }
  });
  return out;
}

json AxisJson(const AxisRecord& axis) {
  static constexpr const char* kTypes[] = {"UniformDataAxis", "DataAxis", "FunctionalDataAxis"};
  json out = {{"type", kTypes[static_cast<int>(axis.type)]},
              {"name", axis.name ? json(*axis.name) : json()},
              {"units", axis.units ? json(*axis.units) : json()},
              {"navigate", axis.navigate},
              {"is_binned", axis.is_binned},
              {"size", axis.type == AxisRecord::Type::kData ? static_cast<Index>(axis.values.size()) : axis.size},
              {"scale", nullptr},
              {"offset", nullptr},
              {"values", nullptr},
              {"expression", nullptr},
              {"parameters", nullptr}};
  if (axis.type == AxisRecord::Type::kUniform) {
    out["scale"] = axis.scale;
    out["offset"] = axis.offset;
  } else if (axis.type == AxisRecord::Type::kData) {
    out["values"] = axis.values;
  } else {
    out["expression"] = axis.expression;
    out["parameters"] = json::object();
    for (const auto& [name, value] : axis.parameters) out["parameters"][name] = value;
    if (axis.x) out["x"] = AxisJson(*axis.x);
  }
  return out;
}

json TagValue(const Value& value, Context& ctx) {
  switch (value.kind()) {
    case Value::Kind::kNone: return {{"t", "none"}};
    case Value::Kind::kBool:
    case Value::Kind::kInt:
    case Value::Kind::kFloat:
      return TagNumber(value.kind() == Value::Kind::kBool ? DType::kBool : value.dtype(), value, false);
    case Value::Kind::kString: return {{"t", "str"}, {"v", value.as_string()}};
    case Value::Kind::kBytes:  // bytes without a NUL are stored (and read back) as text
      if (value.as_string().find('\0') == std::string::npos) return {{"t", "str"}, {"v", value.as_string()}};
      return {{"t", "bytes"}, {"hex", Hex(value.as_string())}};
    case Value::Kind::kList:
    case Value::Kind::kTuple: return TagSequence(value, ctx);
    case Value::Kind::kArray: {
      json out = DataJson(value.array());
      out["t"] = "array";
      return out;
    }
    case Value::Kind::kTree: return TagTree(value.tree(), ctx);
    case Value::Kind::kSignal: return TagSignal(*value.signal(), ctx);
  }
  throw std::logic_error("unknown Value kind");
}

json ExpectedMetadata(const MetadataTree& metadata, Context& ctx) {
  MetadataTree md = metadata;
  const auto set_default = [&](const std::string& path, Value v) {
    if (!md.Has(path) && !md.Set(path, std::move(v)).ok()) throw std::runtime_error("cannot set " + path);
  };
  set_default("General.title", Value::String(""));
  set_default("Signal.signal_type", Value::String(""));
  set_default("_HyperSpy.Folding.unfolded", Value::Bool(false));
  set_default("_HyperSpy.Folding.signal_unfolded", Value::Bool(false));
  set_default("_HyperSpy.Folding.original_shape", Value::None());
  set_default("_HyperSpy.Folding.original_axes_manager", Value::None());
  md.Remove("Signal.record_by");
  return TagTree(md, ctx);
}

json SignalJson(const SignalRecord& signal, const NdArray& data, const std::string& class_name,
                const std::string& lazy_class_name, Context& ctx) {
  json axes = json::array();
  for (const AxisRecord& axis : signal.axes) axes.push_back(AxisJson(axis));
  const Value* title = signal.metadata.Find("General.title");
  const Value* type = signal.metadata.Find("Signal.signal_type");
  return {{"class", class_name},
          {"lazy_class", lazy_class_name},
          {"title", title ? title->as_string() : ""},
          {"signal_type", type ? type->as_string() : ""},
          {"data", DataJson(data)},
          {"axes", axes},
          {"metadata", ExpectedMetadata(signal.metadata, ctx)},
          {"original_metadata", TagTree(signal.original_metadata, ctx)},
          {"learning_results", TagTree(signal.learning_results, ctx)}};
}

}  // namespace hyperchunk::interop
