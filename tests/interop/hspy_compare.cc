#include "hspy_compare.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "hyperchunk/core/chunk_grid.h"
#include "hyperchunk/core/dtype.h"
#include "hyperchunk/exec/compute.h"
#include "npy.h"
#include "testing/compare.h"

namespace hyperchunk::interop {
namespace {

using nlohmann::json;

std::string Join(const std::string& where, const std::string& key) { return where + "." + key; }

std::string ShapeText(const json& list) {
  Shape shape;
  for (const json& v : list) shape.push_back(v.get<Index>());
  return ShapeToString(shape);
}

Shape ToShape(const json& list) {
  Shape shape;
  for (const json& v : list) shape.push_back(v.get<Index>());
  return shape;
}

std::string KindName(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kNone: return "none";
    case Value::Kind::kBool: return "bool";
    case Value::Kind::kInt: return "int";
    case Value::Kind::kFloat: return "float";
    case Value::Kind::kString: return "str";
    case Value::Kind::kBytes: return "bytes";
    case Value::Kind::kList: return "list";
    case Value::Kind::kTuple: return "tuple";
    case Value::Kind::kArray: return "array";
    case Value::Kind::kTree: return "dict";
    case Value::Kind::kSignal: return "signal";
  }
  return "?";
}

/// The tag of each kind, as make_fixtures.py writes it.
Value::Kind TaggedKind(const std::string& tag) {
  static const std::pair<const char*, Value::Kind> kTags[] = {
      {"none", Value::Kind::kNone},   {"bool", Value::Kind::kBool},     {"int", Value::Kind::kInt},
      {"float", Value::Kind::kFloat}, {"str", Value::Kind::kString},    {"bytes", Value::Kind::kBytes},
      {"list", Value::Kind::kList},   {"tuple", Value::Kind::kTuple},   {"array", Value::Kind::kArray},
      {"dict", Value::Kind::kTree},   {"signal", Value::Kind::kSignal},
  };
  for (const auto& [name, kind] : kTags) {
    if (tag == name) return kind;
  }
  throw std::runtime_error("unknown tag '" + tag + "' in an expected-results file");
}

std::string Shorten(std::string text, size_t max_chars = 100) {
  if (text.size() > max_chars) text = text.substr(0, max_chars) + "...";
  return text;
}

std::string HexOf(const std::string& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (const char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    hex += kDigits[b >> 4];
    hex += kDigits[b & 15];
  }
  return hex;
}

/// A tagged float's value: a JSON number or "nan" / "inf" / "-inf".
double TaggedDouble(const json& v) {
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    throw std::runtime_error("bad float text '" + s + "'");
  }
  return v.get<double>();
}

bool SameDouble(double want, double got) {
  if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got);
  return want == got && std::signbit(want) == std::signbit(got);
}

std::string DoubleText(double v) {
  std::ostringstream os;
  os.precision(17);
  os << v;
  return os.str();
}

/// The integer of a tagged int equals the reader's (uint64 values above INT64_MAX keep their bits).
bool SameInt(const json& want, const Value& got) {
  if (want.is_number_unsigned()) return static_cast<uint64_t>(got.as_int()) == want.get<uint64_t>();
  return got.as_int() == want.get<int64_t>();
}

const Value* FindChild(const MetadataTree& tree, const std::string& key) {
  for (const auto& [name, value] : tree.entries()) {
    if (name == key) return &value;
  }
  return nullptr;
}

std::string AxisTypeName(AxisRecord::Type type) {
  switch (type) {
    case AxisRecord::Type::kUniform: return "UniformDataAxis";
    case AxisRecord::Type::kData: return "DataAxis";
    case AxisRecord::Type::kFunctional: return "FunctionalDataAxis";
  }
  return "?";
}

/// "'text'", or "undefined" for a name or units HyperSpy leaves undefined.
std::string Quoted(const std::string& text) {
  std::string quoted = "'";  // appended piecewise: GCC 12 warns (-Wrestrict) on "'" + text + "'"
  quoted += text;
  quoted += '\'';
  return quoted;
}

std::string OptionalText(const std::optional<std::string>& text) { return text ? Quoted(*text) : "undefined"; }

std::string OptionalText(const json& text) { return text.is_null() ? "undefined" : Quoted(text.get<std::string>()); }

}  // namespace

std::string DescribeTagged(const json& tagged) {
  const std::string t = tagged.at("t");
  if (t == "none") return "None";
  if (t == "bool") return std::string("bool ") + (tagged.at("v").get<bool>() ? "True" : "False");
  if (t == "int") return tagged.at("dtype").get<std::string>() + " " + tagged.at("v").dump();
  if (t == "float") return tagged.at("dtype").get<std::string>() + " " + DoubleText(TaggedDouble(tagged.at("v")));
  if (t == "str") return "str " + Shorten(tagged.at("v").dump());
  if (t == "bytes") return "bytes " + tagged.at("hex").get<std::string>();
  if (t == "list" || t == "tuple") return t + "[" + std::to_string(tagged.at("v").size()) + "]";
  if (t == "array") return "array " + tagged.at("dtype").get<std::string>() + ShapeText(tagged.at("shape"));
  if (t == "dict") return "dict{" + std::to_string(tagged.at("v").size()) + " keys}";
  return "signal " + tagged.at("dtype").get<std::string>() + ShapeText(tagged.at("shape"));
}

std::string DescribeValue(const Value& value) {
  std::string text = KindName(value.kind());
  if (value.kind() == Value::Kind::kInt || value.kind() == Value::Kind::kFloat || value.kind() == Value::Kind::kArray) {
    text += " " + std::string(DTypeName(value.dtype()));
  }
  if (value.kind() == Value::Kind::kBytes) return text + " " + HexOf(value.as_string());
  if (value.kind() == Value::Kind::kTree) return text + "{" + std::to_string(value.tree().entries().size()) + " keys}";
  if (value.kind() == Value::Kind::kSignal) return text;
  return text + " " + Shorten(value.Repr());
}

Checker::Checker(std::string fixture_dir, Context& ctx, bool may_fail_data)
    : fixture_dir_(std::move(fixture_dir)), ctx_(ctx), may_fail_data_(may_fail_data) {}

void Checker::Mismatch(const std::string& where, const std::string& what) {
  mismatches_.push_back(where + ": " + what);
}

void Checker::CheckFile(const json& want, const HspyFile& got) {
  if (got.format_version != want.at("format_version").get<std::string>()) {
    Mismatch("format_version", "want " + want.at("format_version").dump() + ", got '" + got.format_version + "'");
  }
  const json& experiments = want.at("experiments");
  std::string want_groups;
  std::string got_groups;
  for (const json& e : experiments) want_groups += e.at("group").get<std::string>() + " ";
  for (const SignalRecord& e : got.experiments) got_groups += e.group + " ";
  if (want_groups != got_groups) {
    Mismatch("experiments", "want groups [ " + want_groups + "], got [ " + got_groups + "]");
    return;
  }
  for (size_t i = 0; i < experiments.size(); ++i) {
    const json& e = experiments[i];
    LoadChanges changes;
    for (const json& path : e.at("added_on_load")) changes.added_on_load.insert(path.get<std::string>());
    for (const auto& [path, value] : e.at("stored_only").items()) changes.stored_only[path] = value;
    const SignalRecord& record = got.experiments[i];
    if (record.package != e.at("package").get<std::string>() ||
        record.package_version != e.at("package_version").get<std::string>()) {
      Mismatch(record.group, "want package " + e.at("package").dump() + " " + e.at("package_version").dump() +
                                 ", got '" + record.package + "' '" + record.package_version + "'");
    }
    CheckSignal(e, record, record.group, &changes);
  }
}

void Checker::CheckSignal(const json& want, const SignalRecord& got, const std::string& where,
                          const LoadChanges* changes) {
  if (want.at("group").is_string() && got.group != want.at("group").get<std::string>()) {
    Mismatch(where, "want group " + want.at("group").dump() + ", got '" + got.group + "'");
  }
  CheckData(want, got.data, where + " data");
  const json& axes = want.at("axes");
  if (axes.size() != got.axes.size()) {
    Mismatch(where + " axes", "want " + std::to_string(axes.size()) + " axes, got " + std::to_string(got.axes.size()));
  } else {
    for (size_t i = 0; i < axes.size(); ++i) CheckAxis(axes[i], got.axes[i], where + " axis-" + std::to_string(i));
  }
  CheckTree(want.at("metadata"), got.metadata, where + " metadata", changes);
  CheckTree(want.at("original_metadata"), got.original_metadata, where + " original_metadata", nullptr);
  CheckTree(want.at("learning_results"), got.learning_results, where + " learning_results", nullptr);
}

void Checker::CheckData(const json& want, const Array& got, const std::string& where) {
  if (!got.ok()) {
    Mismatch(where, "the array is an error: " + got.status().ToString());
    return;
  }
  const Shape shape = ToShape(want.at("shape"));
  const std::string dtype = want.at("dtype");
  if (DTypeName(got.dtype()) != dtype)
    Mismatch(where, "want dtype " + dtype + ", got " + std::string(DTypeName(got.dtype())));
  if (got.shape() != shape) {
    Mismatch(where, "want shape " + ShapeToString(shape) + ", got " + ShapeToString(got.shape()));
    return;
  }
  const json& chunks = want.at("chunks");
  if (!chunks.is_null()) {
    const ChunkGrid grid = ChunkGrid::Regular(shape, ToShape(chunks));
    if (got.chunks() != grid) {
      Mismatch(where, "want the file's chunks " + ShapeText(chunks) + " = " + grid.ToString() + ", got " +
                          got.chunks().ToString());
    }
  } else if (got.chunks().shape() != shape) {
    Mismatch(where, "contiguous data: the chunk grid " + got.chunks().ToString() + " does not cover the shape");
  }
  Result<NdArray> values = Compute(ctx_, got);
  if (!values.ok()) {
    if (may_fail_data_) {
      notes_.push_back(where +
                       ": the data failed to compute, which this fixture allows: " + values.status().ToString());
    } else {
      Mismatch(where, "computing failed: " + values.status().ToString());
    }
    return;
  }
  CheckArrayValues(want.at("data_npy"), *values, where);
}

void Checker::CheckArrayValues(const std::string& npy, const NdArray& got, const std::string& where) {
  Result<NdArray> want = ReadNpy(fixture_dir_ + "/" + npy);
  if (!want.ok()) {
    Mismatch(where, "cannot read the expected values: " + want.status().ToString());
    return;
  }
  const ::testing::AssertionResult same = test::ArraysIdentical(*want, got);
  if (!same) Mismatch(where, std::string("values differ from ") + npy + ": " + same.message());
}

void Checker::CheckAxis(const json& want, const AxisRecord& got, const std::string& where) {
  const std::string type = want.at("type");
  if (AxisTypeName(got.type) != type) {
    Mismatch(where, "want type " + type + ", got " + AxisTypeName(got.type));
    return;
  }
  if (OptionalText(want.at("name")) != OptionalText(got.name)) {
    Mismatch(where, "want name " + OptionalText(want.at("name")) + ", got " + OptionalText(got.name));
  }
  if (OptionalText(want.at("units")) != OptionalText(got.units)) {
    Mismatch(where, "want units " + OptionalText(want.at("units")) + ", got " + OptionalText(got.units));
  }
  if (want.at("navigate").get<bool>() != got.navigate) {
    Mismatch(where, "want navigate " + want.at("navigate").dump() + ", got " + (got.navigate ? "true" : "false"));
  }
  if (want.at("is_binned").get<bool>() != got.is_binned) {
    // An EDS class forces is_binned on its energy axis; the file alone may say otherwise.
    if (want.contains("is_binned_in_file") && want.at("is_binned_in_file").get<bool>() == got.is_binned) {
      notes_.push_back(where + ": is_binned as the file says; HyperSpy's signal class changes it");
    } else {
      Mismatch(where, "want is_binned " + want.at("is_binned").dump() + ", got " + (got.is_binned ? "true" : "false"));
    }
  }
  if (want.at("size").get<Index>() != got.size) {
    Mismatch(where, "want size " + want.at("size").dump() + ", got " + std::to_string(got.size));
  }
  if (type == "UniformDataAxis") {
    for (const auto& [key, value] : {std::pair{"scale", got.scale}, std::pair{"offset", got.offset}}) {
      if (!SameDouble(want.at(key).get<double>(), value)) {
        Mismatch(where, std::string("want ") + key + " " + DoubleText(want.at(key).get<double>()) + ", got " +
                            DoubleText(value));
      }
    }
  } else if (type == "DataAxis") {
    const std::vector<double> values = want.at("values").get<std::vector<double>>();
    if (values != got.values) {
      Mismatch(where, "want values " + want.at("values").dump() + ", got " + std::to_string(got.values.size()) +
                          " different values");
    }
  } else {
    if (want.at("expression").get<std::string>() != got.expression) {
      Mismatch(where, "want expression " + want.at("expression").dump() + ", got '" + got.expression + "'");
    }
    std::map<std::string, double> got_parameters(got.parameters.begin(), got.parameters.end());
    const std::map<std::string, double> want_parameters = want.at("parameters").get<std::map<std::string, double>>();
    if (got_parameters != want_parameters || got_parameters.size() != got.parameters.size()) {
      std::string text;
      for (const auto& [name, value] : got.parameters) text += name + "=" + DoubleText(value) + " ";
      Mismatch(where, "want parameters " + want.at("parameters").dump() + ", got " + text);
    }
    if (got.x == nullptr) {
      Mismatch(where, "a functional axis without its x sub-axis");
    } else {
      CheckAxis(want.at("x"), *got.x, where + ".x");
    }
  }
}

void Checker::CheckTree(const json& want, const MetadataTree& got, const std::string& where, const LoadChanges* changes,
                        const std::string& rel_path) {
  const json& items = want.at("v");
  for (const auto& [key, want_value] : items.items()) {
    const std::string path = rel_path.empty() ? key : rel_path + "." + key;
    const Value* got_value = FindChild(got, key);
    if (got_value == nullptr) {
      if (changes != nullptr && changes->added_on_load.count(path) > 0) {
        notes_.push_back(Join(where, key) + ": left out; HyperSpy adds it on load (" + DescribeTagged(want_value) +
                         ")");
      } else {
        Mismatch(Join(where, key), "missing; want " + DescribeTagged(want_value));
      }
      continue;
    }
    if (want_value.at("t") == "dict" && got_value->kind() == Value::Kind::kTree) {
      CheckTree(want_value, got_value->tree(), Join(where, key), changes, path);
    } else {
      CheckValue(want_value, *got_value, Join(where, key));
    }
  }
  for (const auto& [key, got_value] : got.entries()) {
    if (items.contains(key)) continue;
    const std::string path = rel_path.empty() ? key : rel_path + "." + key;
    const json* stored = nullptr;
    if (changes != nullptr) {
      const auto it = changes->stored_only.find(path);
      if (it != changes->stored_only.end()) stored = &it->second;
    }
    if (stored != nullptr) {
      notes_.push_back(Join(where, key) + ": kept; HyperSpy drops it on load (" + DescribeTagged(*stored) + ")");
      CheckValue(*stored, got_value, Join(where, key));
    } else {
      Mismatch(Join(where, key), "not in HyperSpy's read-back; got " + DescribeValue(got_value));
    }
  }
}

void Checker::CheckItems(const json& want, const std::vector<Value>& got, const std::string& where) {
  const json& items = want.at("v");
  const std::string quirk = want.value("quirk", "");
  if (quirk == "lexicographic_order") {
    // HyperSpy reads the items of a `_list_<n>_<key>` group sorted as strings (0, 1, 10, 11, 2, ...);
    // the order they were written in is as good (a fixed quirk).
    Checker as_hyperspy(fixture_dir_, ctx_, may_fail_data_);
    Checker as_written(fixture_dir_, ctx_, may_fail_data_);
    std::vector<std::string> keys;
    for (size_t i = 0; i < items.size(); ++i) keys.push_back(std::to_string(i));
    std::sort(keys.begin(), keys.end());
    for (size_t pos = 0; pos < items.size(); ++pos) {
      as_hyperspy.CheckValue(items[pos], got[pos], where + "[" + std::to_string(pos) + "]");
      const size_t written = std::stoul(keys[pos]);
      as_written.CheckValue(items[pos], got[written], where + "[" + std::to_string(written) + "]");
    }
    if (!as_hyperspy.mismatches().empty() && as_written.mismatches().empty()) {
      notes_.push_back(where + ": items in the order written, not HyperSpy's string order (a quirk fixed)");
      return;
    }
  }
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string item_where = where + "[" + std::to_string(i) + "]";
    // HyperSpy reads a tuple of strings back as bytes; the strings are as good (a fixed quirk).
    if (quirk == "strings_as_bytes" && got[i].kind() == Value::Kind::kString && items[i].at("t") == "bytes" &&
        HexOf(got[i].as_string()) == items[i].at("hex")) {
      notes_.push_back(item_where + ": str, where HyperSpy reads bytes (a quirk fixed)");
      continue;
    }
    CheckValue(items[i], got[i], item_where);
  }
}

void Checker::CheckValue(const json& want, const Value& got, const std::string& where) {
  const std::string tag = want.at("t");
  const bool python_number = want.value("py", false);
  if (got.kind() != TaggedKind(tag)) {
    Mismatch(where, "want " + DescribeTagged(want) + ", got " + DescribeValue(got));
    return;
  }
  const auto differs = [&] { Mismatch(where, "want " + DescribeTagged(want) + ", got " + DescribeValue(got)); };
  if (tag == "bool") {
    if (got.as_bool() != want.at("v").get<bool>()) differs();
  } else if (tag == "int") {
    // A Python int (a `_list_` item) has no numpy type: any integer dtype holding the value will do.
    const bool dtype_ok = python_number ? IsInteger(got.dtype()) : DTypeName(got.dtype()) == want.at("dtype");
    if (!dtype_ok || !SameInt(want.at("v"), got)) differs();
  } else if (tag == "float") {
    const bool dtype_ok = python_number ? IsFloat(got.dtype()) : DTypeName(got.dtype()) == want.at("dtype");
    if (!dtype_ok || !SameDouble(TaggedDouble(want.at("v")), got.as_double())) differs();
  } else if (tag == "str") {
    if (got.as_string() != want.at("v").get<std::string>()) differs();
  } else if (tag == "bytes") {
    if (HexOf(got.as_string()) != want.at("hex").get<std::string>()) differs();
  } else if (tag == "list" || tag == "tuple") {
    if (want.at("v").size() != got.items().size()) {
      differs();
      return;
    }
    CheckItems(want, got.items(), where);
  } else if (tag == "array") {
    if (DTypeName(got.dtype()) != want.at("dtype") || got.array().shape() != ToShape(want.at("shape"))) {
      differs();
      return;
    }
    CheckArrayValues(want.at("npy"), got.array(), where);
  } else if (tag == "dict") {
    CheckTree(want, got.tree(), where, nullptr);
  } else if (tag == "signal") {
    if (got.signal() == nullptr) {
      Mismatch(where, "a signal value without its record");
      return;
    }
    CheckSignal(want, *got.signal(), where, nullptr);
  }
}

}  // namespace hyperchunk::interop
