// Decoding HyperSpy's metadata encoding (reference §1.5) into MetadataTree values.
#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "store/hspy_internal.h"

namespace hyperchunk::internal {

namespace {

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// A numeric NdArray as a list of numbers (nested for N-d), the way numpy's tolist() gives them.
Value ArrayToList(const NdArray& a, bool tuple, size_t dim = 0, Index offset = 0) {
  std::vector<Value> items;
  if (a.rank() == 0) return Value::List({});
  const Index n = a.shape()[dim];
  Index stride = 1;
  for (size_t d = dim + 1; d < a.rank(); ++d) stride *= a.shape()[d];
  for (Index i = 0; i < n; ++i) {
    const Index at = offset + i * stride;
    if (dim + 1 < a.rank()) {
      items.push_back(ArrayToList(a, false, dim + 1, at));
      continue;
    }
    VisitDType(a.dtype(), [&]<typename T>() {
      const T v = a.data<T>()[at];
      if constexpr (std::is_same_v<T, bool>) items.push_back(Value::Bool(v));
      else if constexpr (std::is_floating_point_v<T>) items.push_back(Value::Float(static_cast<double>(v), a.dtype()));
      else items.push_back(Value::Int(static_cast<int64_t>(v), a.dtype()));
    });
  }
  return tuple ? Value::Tuple(std::move(items)) : Value::List(std::move(items));
}

Value Scalar(const NdArray& a) {
  return VisitDType(a.dtype(), [&]<typename T>() -> Value {
    const T v = a.data<T>()[0];
    if constexpr (std::is_same_v<T, bool>) return Value::Bool(v);
    else if constexpr (std::is_floating_point_v<T>) return Value::Float(static_cast<double>(v), a.dtype());
    else return Value::Int(static_cast<int64_t>(v), a.dtype());
  });
}

// "datetime.date(2012, 3, 4)" -> "2012-03-04"; "datetime.time(10, 2, 3)" -> "10:02:03".
std::string LegacyDateTime(const std::string& text) {
  std::vector<long> parts;
  const size_t open = text.find('(');
  if (open == std::string::npos) return text;
  const char* p = text.c_str() + open + 1;
  while (*p && *p != ')') {
    char* end = nullptr;
    const long v = std::strtol(p, &end, 10);
    if (end == p) break;
    parts.push_back(v);
    p = end;
    while (*p == ',' || *p == ' ') ++p;
  }
  if (text.find("date(") != std::string::npos && parts.size() >= 3)
    return fmt::format("{:04d}-{:02d}-{:02d}", parts[0], parts[1], parts[2]);
  if (text.find("time(") != std::string::npos && parts.size() >= 2)
    return fmt::format("{:02d}:{:02d}:{:02d}", parts[0], parts[1], parts.size() > 2 ? parts[2] : 0);
  return text;
}

Result<std::optional<Value>> ReadAttributeValue(hid_t obj, const std::string& name) {
  HC_ASSIGN_OR_RETURN(h5::Handle attr, h5::Check(H5Aopen(obj, name.c_str(), H5P_DEFAULT),
                                                 fmt::format("cannot open attribute '{}'", name)));
  h5::Handle type(H5Aget_type(attr.id()));
  h5::Handle space(H5Aget_space(attr.id()));
  const H5T_class_t cls = H5Tget_class(type.id());
  const bool scalar = H5Sget_simple_extent_type(space.id()) == H5S_SCALAR;
  // An empty (H5S_NULL) dataspace holds no value (h5py reads an h5py.Empty): not kept.
  if (H5Sget_simple_extent_type(space.id()) == H5S_NULL) return std::optional<Value>();
  if (cls == H5T_STRING) {
    HC_ASSIGN_OR_RETURN(auto strings, h5::ReadStrings(attr.id(), true));
    if (scalar || strings.size() == 1) {
      if (strings.empty()) return std::optional<Value>(Value::String(""));
      if (strings[0] == "_None_") return std::optional<Value>(Value::None());
      return std::optional<Value>(Value::String(strings[0]));
    }
    std::vector<Value> items;
    for (auto& s : strings) items.push_back(Value::String(std::move(s)));
    return std::optional<Value>(Value::List(std::move(items)));
  }
  if (cls == H5T_OPAQUE) {
    const hsize_t n = H5Aget_storage_size(attr.id());
    std::string bytes(static_cast<size_t>(n), '\0');
    HC_RETURN_IF_ERROR(h5::Check(H5Aread(attr.id(), type.id(), bytes.data()), "cannot read bytes"));
    return std::optional<Value>(Value::Bytes(std::move(bytes)));
  }
  if (!h5::ToDType(type.id())) return std::optional<Value>();  // complex and other types: not kept
  HC_ASSIGN_OR_RETURN(NdArray values, h5::ReadNumeric(attr.id(), true));
  if (scalar) return std::optional<Value>(Scalar(values));
  return std::optional<Value>(Value::Array(std::move(values)));
}

// Parses "_list_<n>_<key>" / "_tuple_<n>_<key>" group names.
bool ParseSequenceGroup(const std::string& name, bool* is_tuple, std::string* key) {
  size_t pos = 0;
  if (StartsWith(name, "_list_")) {
    *is_tuple = false;
    pos = 6;
  } else if (StartsWith(name, "_tuple_")) {
    *is_tuple = true;
    pos = 7;
  } else {
    return false;
  }
  const size_t digits = pos;
  while (pos < name.size() && name[pos] >= '0' && name[pos] <= '9') ++pos;
  if (pos == digits || pos >= name.size() || name[pos] != '_') return false;
  *key = name.substr(pos + 1);
  return true;
}

Result<std::optional<Value>> ReadDatasetValue(const HspyReadContext& ctx, const std::string& path, bool as_list,
                                              bool as_tuple) {
  HC_ASSIGN_OR_RETURN(h5::Handle dset, h5::OpenDataset(ctx.file->id(), path));
  h5::Handle type(H5Dget_type(dset.id()));
  h5::Handle dspace(H5Dget_space(dset.id()));
  if (H5Sget_simple_extent_type(dspace.id()) == H5S_NULL) return std::optional<Value>();  // as for attributes
  if (H5Tget_class(type.id()) == H5T_STRING) {
    HC_ASSIGN_OR_RETURN(auto strings, h5::ReadStrings(dset.id(), false));
    std::vector<Value> items;
    for (auto& s : strings) items.push_back(Value::String(std::move(s)));
    if (!as_list && !as_tuple && H5Sget_simple_extent_type(dspace.id()) == H5S_SCALAR && items.size() == 1)
      return std::optional<Value>(items[0]);
    return std::optional<Value>(as_tuple ? Value::Tuple(std::move(items)) : Value::List(std::move(items)));
  }
  HC_ASSIGN_OR_RETURN(NdArray values, h5::ReadNumeric(dset.id(), false));
  if (as_list || as_tuple) return std::optional<Value>(ArrayToList(values, as_tuple));
  return std::optional<Value>(Value::Array(std::move(values)));
}

// Whether the group at `path` is also one of the groups `path` passes through: HDF5 groups can
// hard-link to an ancestor (or soft-link to one), and following such a link would recurse forever.
bool IsLinkCycle(hid_t file, const std::string& path) {
  H5O_info_t self;
  if (H5Oget_info_by_name2(file, path.c_str(), &self, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
    h5::LastError();
    return false;
  }
  for (size_t end = path.rfind('/'); end != std::string::npos && end > 0; end = path.rfind('/', end - 1)) {
    H5O_info_t above;
    if (H5Oget_info_by_name2(file, path.substr(0, end).c_str(), &above, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
      h5::LastError();
      continue;
    }
    if (above.fileno == self.fileno && above.addr == self.addr) return true;
  }
  H5O_info_t root;
  return H5Oget_info_by_name2(file, "/", &root, H5O_INFO_BASIC, H5P_DEFAULT) >= 0 && root.fileno == self.fileno &&
         root.addr == self.addr;
}

}  // namespace

Result<MetadataTree> ReadMetadataTree(const HspyReadContext& ctx, const std::string& path) {
  MetadataTree tree;
  HC_ASSIGN_OR_RETURN(h5::Handle group, h5::OpenGroup(ctx.file->id(), path));
  if (IsLinkCycle(ctx.file->id(), path))
    return DataLoss(fmt::format("{}: a link cycle (the group is also one of the groups that contain it)", path));
  auto fail = [&](const Status& s, const std::string& key) { return s.WithContext(fmt::format("{}/{}", path, key)); };

  HC_ASSIGN_OR_RETURN(auto attrs, h5::AttributeNames(group.id()));
  for (const std::string& name : attrs) {
    if (StartsWith(name, "_sig_")) continue;
    auto v = ReadAttributeValue(group.id(), name);
    if (!v.ok()) return fail(v.status(), name);
    if (!v->has_value()) continue;
    Value value = std::move(**v);
    std::string key = name;
    if (StartsWith(name, "_list_empty_")) {
      key = name.substr(12);
      value = Value::List({});
    } else if (StartsWith(name, "_tuple_empty_")) {
      key = name.substr(13);
      value = Value::Tuple({});
    } else if (StartsWith(name, "_bs_")) {
      key = name.substr(4);
    } else if (StartsWith(name, "_datetime_")) {
      key = name.substr(10);
      if (value.kind() == Value::Kind::kString) value = Value::String(LegacyDateTime(value.as_string()));
    }
    tree.SetChild(key, std::move(value));
  }

  HC_ASSIGN_OR_RETURN(auto links, h5::LinkNames(group.id()));
  for (const std::string& name : links) {
    const std::string child = path + "/" + name;
    const H5O_type_t type = h5::ObjectType(group.id(), name);
    if (type == H5O_TYPE_DATASET) {
      const bool is_list = StartsWith(name, "_list_"), is_tuple = StartsWith(name, "_tuple_");
      auto v = ReadDatasetValue(ctx, child, is_list, is_tuple);
      if (!v.ok()) return fail(v.status(), name);
      if (!v->has_value()) continue;
      const std::string key = is_list ? name.substr(6) : is_tuple ? name.substr(7) : name;
      tree.SetChild(key, std::move(**v));
      continue;
    }
    if (type != H5O_TYPE_GROUP) continue;
    if (StartsWith(name, "_sig_")) {
      auto sig = ReadSignalGroup(ctx, child);
      if (!sig.ok()) return fail(sig.status(), name);
      tree.SetChild(name.substr(5), Value::Signal(std::make_shared<const SignalRecord>(std::move(*sig))));
      continue;
    }
    bool is_tuple = false;
    std::string key;
    if (ParseSequenceGroup(name, &is_tuple, &key)) {
      auto items = ReadMetadataTree(ctx, child);
      if (!items.ok()) return fail(items.status(), name);
      // Items are keyed "0", "1", ...: numeric order (HyperSpy 1.7.3 sorts them as strings, which
      // reorders lists of 11 or more items; hyperchunk keeps the written order).
      std::vector<std::pair<long, Value>> ordered;
      for (const auto& [k, v] : items->entries()) ordered.emplace_back(std::strtol(k.c_str(), nullptr, 10), v);
      std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      std::vector<Value> values;
      for (auto& [i, v] : ordered) values.push_back(std::move(v));
      tree.SetChild(key, is_tuple ? Value::Tuple(std::move(values)) : Value::List(std::move(values)));
      continue;
    }
    const std::string tree_key = StartsWith(name, "_hspy_AxesManager_") ? name.substr(18) : name;
    auto sub = ReadMetadataTree(ctx, child);
    if (!sub.ok()) return sub.status();
    tree.SetChild(tree_key, Value::Tree(std::move(*sub)));
  }
  return tree;
}

}  // namespace hyperchunk::internal
