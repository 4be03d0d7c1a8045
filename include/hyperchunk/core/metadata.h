// Metadata trees: what HyperSpy keeps in `metadata`, `original_metadata` and `learning_results`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hyperchunk/core/dtype.h"
#include "hyperchunk/core/ndarray.h"
#include "hyperchunk/core/status.h"

namespace hyperchunk {

class MetadataTree;
/// A signal stored inside metadata (e.g. `_HyperSpy.navigator`); defined in store/hspy.h.
struct SignalRecord;

/// One value of a metadata tree. Numbers keep the numpy type they were stored with (an int32
/// attribute stays int32 on a round trip); lists and tuples are kept apart as HyperSpy does.
class Value {
 public:
  enum class Kind { kNone, kBool, kInt, kFloat, kString, kBytes, kList, kTuple, kArray, kTree, kSignal };

  Value() = default;  ///< None
  static Value None() { return Value(); }
  static Value Bool(bool v);
  /// An integer of dtype int8..int64 or uint8..uint64 (uint64 values above INT64_MAX keep their bits).
  static Value Int(int64_t v, DType dtype = DType::kInt64);
  static Value Float(double v, DType dtype = DType::kFloat64);
  static Value String(std::string v);
  /// Raw bytes (HyperSpy's `_bs_` attributes: bytes containing a NUL).
  static Value Bytes(std::string v);
  static Value List(std::vector<Value> items);
  static Value Tuple(std::vector<Value> items);
  static Value Array(NdArray data);
  static Value Tree(MetadataTree tree);
  static Value Signal(std::shared_ptr<const SignalRecord> signal);

  Value(const Value& other);
  Value& operator=(const Value& other);
  Value(Value&&) noexcept = default;
  Value& operator=(Value&&) noexcept = default;
  ~Value();

  Kind kind() const { return kind_; }
  bool is_none() const { return kind_ == Kind::kNone; }
  bool is_number() const { return kind_ == Kind::kInt || kind_ == Kind::kFloat || kind_ == Kind::kBool; }
  /// The numpy type of a number, bool or array.
  DType dtype() const { return dtype_; }

  bool as_bool() const { return int_ != 0; }
  int64_t as_int() const { return kind_ == Kind::kFloat ? static_cast<int64_t>(float_) : int_; }
  /// Any number as a double.
  double as_double() const;
  /// Text of a string, or the bytes of a Bytes value.
  const std::string& as_string() const { return string_; }
  /// Items of a list or tuple.
  const std::vector<Value>& items() const { return items_; }
  std::vector<Value>& items() { return items_; }
  const NdArray& array() const { return array_; }
  const MetadataTree& tree() const { return *tree_; }
  MetadataTree& tree() { return *tree_; }
  const std::shared_ptr<const SignalRecord>& signal() const { return signal_; }

  /// Python's repr of the value, as HyperSpy prints it in a tree: 'text', 1, 2.5, True, None, [1, 2].
  std::string Repr() const;
  /// Equal kind, dtype and value (arrays element by element; NaN equals NaN).
  bool operator==(const Value& other) const;

 private:
  Kind kind_ = Kind::kNone;
  DType dtype_ = DType::kFloat64;
  int64_t int_ = 0;
  double float_ = 0;
  std::string string_;
  std::vector<Value> items_;
  NdArray array_;
  std::unique_ptr<MetadataTree> tree_;
  std::shared_ptr<const SignalRecord> signal_;
};

/// An ordered tree of named values (HyperSpy's DictionaryTreeBrowser). Keys keep their insertion
/// order; paths are dotted ("General.title", "Acquisition_instrument.TEM.beam_energy").
class MetadataTree {
 public:
  using Entry = std::pair<std::string, Value>;

  bool empty() const { return entries_.empty(); }
  const std::vector<Entry>& entries() const { return entries_; }

  /// The value at a dotted path, or nullptr.
  const Value* Find(std::string_view path) const;
  Value* Find(std::string_view path);
  bool Has(std::string_view path) const { return Find(path) != nullptr; }
  /// Sets the value at a dotted path, creating intermediate nodes; fails if a parent is not a tree.
  Status Set(std::string_view path, Value value);
  /// Removes the value at a dotted path; false if there was none.
  bool Remove(std::string_view path);
  /// Sets the direct child `key` taken literally (dots and all), replacing one of the same key.
  void SetChild(std::string_view key, Value value);
  /// The direct child `key` (no dots), or nullptr.
  const Value* Child(std::string_view key) const;

  /// HyperSpy's text tree (print(s.metadata)): "├── General" / "│   └── title = " lines.
  std::string ToString() const;
  bool operator==(const MetadataTree& other) const { return entries_ == other.entries_; }

 private:
  std::vector<Entry> entries_;
};

}  // namespace hyperchunk
