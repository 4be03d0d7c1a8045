#include "store/h5.h"

#include <cstring>
#include <mutex>

#include <fmt/format.h>

namespace hyperchunk::h5 {

void Handle::Reset() {
  if (id_ >= 0 && H5Iis_valid(id_) > 0) H5Idec_ref(id_);
  id_ = H5I_INVALID_HID;
}

void SilenceErrors() {
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
  // The automatic printing is per thread in a thread-safe build: switch it off here too.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

std::string LastError() {
  std::string message;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* err, void* data) -> herr_t {
        auto* out = static_cast<std::string*>(data);
        if (n == 0 && err->desc) *out = err->desc;
        return 0;
      },
      &message);
  H5Eclear2(H5E_DEFAULT);
  return message;
}

Result<Handle> Check(hid_t id, const std::string& what) {
  if (id < 0) {
    const std::string why = LastError();
    return IoError(why.empty() ? what : what + ": " + why);
  }
  return Handle(id);
}

Status Check(herr_t status, const std::string& what) {
  if (status < 0) {
    const std::string why = LastError();
    return IoError(why.empty() ? what : what + ": " + why);
  }
  return Status::Ok();
}

Result<Handle> OpenFile(const std::string& path) {
  SilenceErrors();
  return Check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "cannot open as HDF5");
}

Result<Handle> OpenGroup(hid_t loc, const std::string& name) {
  return Check(H5Gopen2(loc, name.c_str(), H5P_DEFAULT), fmt::format("cannot open group '{}'", name));
}

Result<Handle> OpenDataset(hid_t loc, const std::string& name) {
  return Check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), fmt::format("cannot open dataset '{}'", name));
}

bool Exists(hid_t loc, const std::string& name) {
  const htri_t r = H5Lexists(loc, name.c_str(), H5P_DEFAULT);
  if (r < 0) LastError();
  return r > 0;
}

H5O_type_t ObjectType(hid_t loc, const std::string& name) {
  H5O_info_t info;
  if (H5Oget_info_by_name2(loc, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
    LastError();
    return H5O_TYPE_UNKNOWN;
  }
  return info.type;
}

Result<std::vector<std::string>> LinkNames(hid_t group) {
  std::vector<std::string> names;
  hsize_t idx = 0;
  const herr_t st = H5Literate(
      group, H5_INDEX_NAME, H5_ITER_INC, &idx,
      [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
      },
      &names);
  HC_RETURN_IF_ERROR(Check(st, "cannot list a group"));
  return names;
}

Result<std::vector<std::string>> AttributeNames(hid_t obj) {
  std::vector<std::string> names;
  hsize_t idx = 0;
  const herr_t st = H5Aiterate2(
      obj, H5_INDEX_NAME, H5_ITER_INC, &idx,
      [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
      },
      &names);
  HC_RETURN_IF_ERROR(Check(st, "cannot list attributes"));
  return names;
}

std::optional<DType> ToDType(hid_t type) {
  const H5T_class_t cls = H5Tget_class(type);
  const size_t size = H5Tget_size(type);
  if (cls == H5T_INTEGER) {
    const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
    switch (size) {
      case 1: return is_signed ? DType::kInt8 : DType::kUInt8;
      case 2: return is_signed ? DType::kInt16 : DType::kUInt16;
      case 4: return is_signed ? DType::kInt32 : DType::kUInt32;
      case 8: return is_signed ? DType::kInt64 : DType::kUInt64;
      default: return std::nullopt;
    }
  }
  if (cls == H5T_FLOAT) {
    if (size == 4) return DType::kFloat32;
    if (size == 8) return DType::kFloat64;
    return std::nullopt;
  }
  if (cls == H5T_ENUM && size == 1 && H5Tget_nmembers(type) == 2) {
    // h5py stores numpy bools as an int8 enum {FALSE: 0, TRUE: 1}.
    char* name0 = H5Tget_member_name(type, 0);
    char* name1 = H5Tget_member_name(type, 1);
    const bool is_bool = name0 && name1 && std::strcmp(name0, "FALSE") == 0 && std::strcmp(name1, "TRUE") == 0;
    H5free_memory(name0);
    H5free_memory(name1);
    if (is_bool) return DType::kBool;
  }
  return std::nullopt;
}

bool IsBigEndian(hid_t type) {
  hid_t base = type;
  Handle super;
  if (H5Tget_class(type) == H5T_ENUM) {
    super = Handle(H5Tget_super(type));
    base = super.id();
  }
  return H5Tget_order(base) == H5T_ORDER_BE;
}

Handle MemoryType(DType dtype) {
  switch (dtype) {
    case DType::kBool: {
      Handle t(H5Tenum_create(H5T_NATIVE_INT8));
      int8_t v = 0;
      H5Tenum_insert(t.id(), "FALSE", &v);
      v = 1;
      H5Tenum_insert(t.id(), "TRUE", &v);
      return t;
    }
    case DType::kInt8: return Handle(H5Tcopy(H5T_NATIVE_INT8));
    case DType::kInt16: return Handle(H5Tcopy(H5T_NATIVE_INT16));
    case DType::kInt32: return Handle(H5Tcopy(H5T_NATIVE_INT32));
    case DType::kInt64: return Handle(H5Tcopy(H5T_NATIVE_INT64));
    case DType::kUInt8: return Handle(H5Tcopy(H5T_NATIVE_UINT8));
    case DType::kUInt16: return Handle(H5Tcopy(H5T_NATIVE_UINT16));
    case DType::kUInt32: return Handle(H5Tcopy(H5T_NATIVE_UINT32));
    case DType::kUInt64: return Handle(H5Tcopy(H5T_NATIVE_UINT64));
    case DType::kFloat32: return Handle(H5Tcopy(H5T_NATIVE_FLOAT));
    case DType::kFloat64: break;
  }
  return Handle(H5Tcopy(H5T_NATIVE_DOUBLE));
}

std::vector<hsize_t> Dims(hid_t space) {
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

namespace {
Handle TypeOf(hid_t obj, bool is_attribute) { return Handle(is_attribute ? H5Aget_type(obj) : H5Dget_type(obj)); }
Handle SpaceOf(hid_t obj, bool is_attribute) { return Handle(is_attribute ? H5Aget_space(obj) : H5Dget_space(obj)); }
herr_t ReadInto(hid_t obj, bool is_attribute, hid_t mem_type, void* buf) {
  return is_attribute ? H5Aread(obj, mem_type, buf) : H5Dread(obj, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
}
}  // namespace

Result<std::vector<std::string>> ReadStrings(hid_t obj, bool is_attribute) {
  Handle ftype = TypeOf(obj, is_attribute);
  Handle space = SpaceOf(obj, is_attribute);
  if (H5Tget_class(ftype.id()) != H5T_STRING) return InvalidArgument("not a string");
  const hssize_t n = H5Sget_simple_extent_npoints(space.id());
  std::vector<std::string> out;
  if (n <= 0) return out;
  Handle mtype(H5Tcopy(H5T_C_S1));
  H5Tset_cset(mtype.id(), H5Tget_cset(ftype.id()));
  if (H5Tis_variable_str(ftype.id()) > 0) {
    H5Tset_size(mtype.id(), H5T_VARIABLE);
    std::vector<char*> ptrs(static_cast<size_t>(n), nullptr);
    HC_RETURN_IF_ERROR(Check(ReadInto(obj, is_attribute, mtype.id(), ptrs.data()), "cannot read a string"));
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(mtype.id(), space.id(), H5P_DEFAULT, ptrs.data());
    return out;
  }
  const size_t len = H5Tget_size(ftype.id());
  H5Tset_size(mtype.id(), len);
  H5Tset_strpad(mtype.id(), H5T_STR_NULLPAD);
  std::vector<char> buf(len * static_cast<size_t>(n));
  HC_RETURN_IF_ERROR(Check(ReadInto(obj, is_attribute, mtype.id(), buf.data()), "cannot read a string"));
  for (hssize_t i = 0; i < n; ++i) {
    const char* p = buf.data() + static_cast<size_t>(i) * len;
    size_t l = 0;
    while (l < len && p[l] != '\0') ++l;
    out.emplace_back(p, l);
  }
  return out;
}

Result<std::string> ReadStringAttribute(hid_t obj, const std::string& name) {
  HC_ASSIGN_OR_RETURN(Handle attr,
                      Check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), fmt::format("cannot open attribute '{}'", name)));
  HC_ASSIGN_OR_RETURN(auto strings, ReadStrings(attr.id(), true));
  if (strings.size() != 1) return InvalidArgument(fmt::format("attribute '{}' is not a single string", name));
  return strings[0];
}

Result<NdArray> ReadNumeric(hid_t obj, bool is_attribute) {
  Handle ftype = TypeOf(obj, is_attribute);
  Handle space = SpaceOf(obj, is_attribute);
  const auto dtype = ToDType(ftype.id());
  if (!dtype) return Unimplemented("an HDF5 type hyperchunk does not read (not bool, integer or float)");
  Shape shape;
  for (hsize_t d : Dims(space.id())) shape.push_back(static_cast<Index>(d));
  NdArray out = NdArray::Empty(*dtype, shape);
  if (out.size() == 0) return out;
  if (*dtype == DType::kBool) {
    Handle mtype = MemoryType(DType::kBool);
    std::vector<int8_t> raw(static_cast<size_t>(out.size()));
    HC_RETURN_IF_ERROR(Check(ReadInto(obj, is_attribute, mtype.id(), raw.data()), "cannot read values"));
    for (size_t i = 0; i < raw.size(); ++i) out.data<bool>()[i] = raw[i] != 0;
    return out;
  }
  Handle mtype = MemoryType(*dtype);
  HC_RETURN_IF_ERROR(Check(ReadInto(obj, is_attribute, mtype.id(), out.raw()), "cannot read values"));
  return out;
}

}  // namespace hyperchunk::h5
