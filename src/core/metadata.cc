#include "hyperchunk/core/metadata.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace hyperchunk {

Value Value::Bool(bool v) {
  Value x;
  x.kind_ = Kind::kBool;
  x.dtype_ = DType::kBool;
  x.int_ = v ? 1 : 0;
  return x;
}

Value Value::Int(int64_t v, DType dtype) {
  Value x;
  x.kind_ = Kind::kInt;
  x.dtype_ = dtype;
  x.int_ = v;
  return x;
}

Value Value::Float(double v, DType dtype) {
  Value x;
  x.kind_ = Kind::kFloat;
  x.dtype_ = dtype;
  x.float_ = v;
  return x;
}

Value Value::String(std::string v) {
  Value x;
  x.kind_ = Kind::kString;
  x.string_ = std::move(v);
  return x;
}

Value Value::Bytes(std::string v) {
  Value x;
  x.kind_ = Kind::kBytes;
  x.string_ = std::move(v);
  return x;
}

Value Value::List(std::vector<Value> items) {
  Value x;
  x.kind_ = Kind::kList;
  x.items_ = std::move(items);
  return x;
}

Value Value::Tuple(std::vector<Value> items) {
  Value x;
  x.kind_ = Kind::kTuple;
  x.items_ = std::move(items);
  return x;
}

Value Value::Array(NdArray data) {
  Value x;
  x.kind_ = Kind::kArray;
  x.dtype_ = data.dtype();
  x.array_ = std::move(data);
  return x;
}

Value Value::Tree(MetadataTree tree) {
  Value x;
  x.kind_ = Kind::kTree;
  x.tree_ = std::make_unique<MetadataTree>(std::move(tree));
  return x;
}

Value Value::Signal(std::shared_ptr<const SignalRecord> signal) {
  Value x;
  x.kind_ = Kind::kSignal;
  x.signal_ = std::move(signal);
  return x;
}

Value::Value(const Value& o)
    : kind_(o.kind_),
      dtype_(o.dtype_),
      int_(o.int_),
      float_(o.float_),
      string_(o.string_),
      items_(o.items_),
      array_(o.array_),
      tree_(o.tree_ ? std::make_unique<MetadataTree>(*o.tree_) : nullptr),
      signal_(o.signal_) {}

Value& Value::operator=(const Value& o) {
  if (this != &o) *this = Value(o);
  return *this;
}

Value::~Value() = default;

double Value::as_double() const {
  if (kind_ == Kind::kFloat) return float_;
  if (kind_ == Kind::kInt && dtype_ == DType::kUInt64) return static_cast<double>(static_cast<uint64_t>(int_));
  return static_cast<double>(int_);
}

namespace {

// Python's repr of a float: the shortest round-trip form, always with a '.', 'e', 'inf' or 'nan'.
std::string PyFloat(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

std::string PyString(const std::string& s) {
  const bool has_single = s.find('\'') != std::string::npos, has_double = s.find('"') != std::string::npos;
  const char q = has_single && !has_double ? '"' : '\'';
  std::string out(1, q);
  for (unsigned char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == static_cast<unsigned char>(q)) out += std::string("\\") + q;
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  return out + q;
}

std::string PyBytes(const std::string& s) {
  std::string out = "b'";
  for (unsigned char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\'') out += "\\'";
    else if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
    else out += fmt::format("\\x{:02x}", c);
  }
  return out + "'";
}

}  // namespace

std::string Value::Repr() const {
  switch (kind_) {
    case Kind::kNone: return "None";
    case Kind::kBool: return int_ ? "True" : "False";
    case Kind::kInt:
      return dtype_ == DType::kUInt64 ? fmt::format("{}", static_cast<uint64_t>(int_)) : fmt::format("{}", int_);
    case Kind::kFloat: return PyFloat(float_);
    case Kind::kString: return PyString(string_);
    case Kind::kBytes: return PyBytes(string_);
    case Kind::kList:
    case Kind::kTuple: {
      std::vector<std::string> parts;
      for (const auto& v : items_) parts.push_back(v.Repr());
      if (kind_ == Kind::kTuple)
        return parts.size() == 1 ? "(" + parts[0] + ",)" : fmt::format("({})", fmt::join(parts, ", "));
      return fmt::format("[{}]", fmt::join(parts, ", "));
    }
    case Kind::kArray:
      return fmt::format("array(shape={}, dtype={})", ShapeToString(array_.shape()), DTypeName(dtype_));
    case Kind::kTree: return "<tree>";
    case Kind::kSignal: return "<signal>";
  }
  return "?";
}

bool Value::operator==(const Value& o) const {
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case Kind::kNone: return true;
    case Kind::kBool: return int_ == o.int_;
    case Kind::kInt: return dtype_ == o.dtype_ && int_ == o.int_;
    case Kind::kFloat:
      return dtype_ == o.dtype_ && (float_ == o.float_ || (std::isnan(float_) && std::isnan(o.float_)));
    case Kind::kString:
    case Kind::kBytes: return string_ == o.string_;
    case Kind::kList:
    case Kind::kTuple: return items_ == o.items_;
    case Kind::kArray: {
      if (array_.dtype() != o.array_.dtype() || array_.shape() != o.array_.shape()) return false;
      for (Index i = 0; i < array_.size(); ++i) {
        const double a = array_.GetAsDouble(i), b = o.array_.GetAsDouble(i);
        if (a != b && !(std::isnan(a) && std::isnan(b))) return false;
      }
      return true;
    }
    case Kind::kTree: return *tree_ == *o.tree_;
    case Kind::kSignal: return signal_ == o.signal_;
  }
  return false;
}

// ---- MetadataTree ----------------------------------------------------------------------------

namespace {
std::pair<std::string_view, std::string_view> SplitFirst(std::string_view path) {
  const size_t dot = path.find('.');
  if (dot == std::string_view::npos) return {path, {}};
  return {path.substr(0, dot), path.substr(dot + 1)};
}
}  // namespace

void MetadataTree::SetChild(std::string_view key, Value value) {
  for (auto& [k, v] : entries_) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  entries_.emplace_back(std::string(key), std::move(value));
}

const Value* MetadataTree::Child(std::string_view key) const {
  for (const auto& [k, v] : entries_) {
    if (k == key) return &v;
  }
  return nullptr;
}

const Value* MetadataTree::Find(std::string_view path) const { return const_cast<MetadataTree*>(this)->Find(path); }

Value* MetadataTree::Find(std::string_view path) {
  auto [head, rest] = SplitFirst(path);
  for (auto& [k, v] : entries_) {
    if (k != head) continue;
    if (rest.empty()) return &v;
    return v.kind() == Value::Kind::kTree ? v.tree().Find(rest) : nullptr;
  }
  return nullptr;
}

Status MetadataTree::Set(std::string_view path, Value value) {
  auto [head, rest] = SplitFirst(path);
  if (head.empty()) return InvalidArgument(fmt::format("empty key in metadata path '{}'", path));
  for (auto& [k, v] : entries_) {
    if (k != head) continue;
    if (rest.empty()) {
      v = std::move(value);
      return Status::Ok();
    }
    if (v.kind() != Value::Kind::kTree)
      return InvalidArgument(fmt::format("metadata '{}' is a value, not a node: cannot set '{}' under it", head, rest));
    return v.tree().Set(rest, std::move(value));
  }
  if (rest.empty()) {
    entries_.emplace_back(std::string(head), std::move(value));
    return Status::Ok();
  }
  MetadataTree child;
  HC_RETURN_IF_ERROR(child.Set(rest, std::move(value)));
  entries_.emplace_back(std::string(head), Value::Tree(std::move(child)));
  return Status::Ok();
}

bool MetadataTree::Remove(std::string_view path) {
  auto [head, rest] = SplitFirst(path);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first != head) continue;
    if (rest.empty()) {
      entries_.erase(it);
      return true;
    }
    return it->second.kind() == Value::Kind::kTree && it->second.tree().Remove(rest);
  }
  return false;
}

namespace {

// HyperSpy's DictionaryTreeBrowser printing: keys sorted, private ("_") keys hidden, strings raw,
// other values as repr, long values shortened. The end symbol is chosen by the position among
// all keys, private ones included — as HyperSpy does.
void Print(const MetadataTree& tree, const std::string& padding, std::string& out) {
  constexpr size_t kMaxLen = 78;
  std::vector<const MetadataTree::Entry*> sorted;
  for (const auto& e : tree.entries()) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  const size_t eoi = sorted.size();
  size_t j = 0;
  for (const auto* e : sorted) {
    if (!e->first.empty() && e->first[0] == '_') continue;
    const bool last = j + 1 == eoi;
    const char* symbol = last ? "└── " : "├── ";
    if (e->second.kind() == Value::Kind::kTree) {
      out += padding + symbol + e->first + "\n";
      Print(e->second.tree(), padding + (last ? "    " : "│   "), out);
    } else {
      std::string text = e->second.kind() == Value::Kind::kString ? e->second.as_string() : e->second.Repr();
      if (text.size() > 2 * kMaxLen) {
        const size_t right = std::min(kMaxLen, text.size() - kMaxLen);
        text = text.substr(0, kMaxLen) + " ... " + text.substr(text.size() - right);
      }
      out += padding + symbol + e->first + " = " + text + "\n";
    }
    ++j;
  }
}

}  // namespace

std::string MetadataTree::ToString() const {
  std::string out;
  Print(*this, "", out);
  return out;
}

}  // namespace hyperchunk
