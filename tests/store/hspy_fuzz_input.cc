#include "hspy_fuzz_input.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <hdf5.h>

namespace hyperchunk::fuzz {
namespace {

constexpr int kMaxDepth = 8;
constexpr int kMaxObjects = 400;
constexpr size_t kMaxElements = 4096;

// Closes one HDF5 identifier of any kind.
class Id {
 public:
  Id() = default;
  explicit Id(hid_t id) : id_(id) {}
  ~Id() {
    if (id_ >= 0) H5Idec_ref(id_);
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  Id(Id&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
  Id& operator=(Id&&) = delete;
  hid_t get() const { return id_; }
  hid_t release() { return std::exchange(id_, H5I_INVALID_HID); }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  bool done() const { return pos_ >= bytes_.size(); }
  uint8_t U8() { return pos_ < bytes_.size() ? bytes_[pos_++] : 0; }
  std::string Take(size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(U8()));
    return out;
  }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

// A numeric element type by index (kNumberTypeCount of them).
Id NumberType(uint8_t index) {
  static const hid_t kNative[] = {H5T_NATIVE_INT8,  H5T_NATIVE_INT16,  H5T_NATIVE_INT32,  H5T_NATIVE_INT64,
                                  H5T_NATIVE_UINT8, H5T_NATIVE_UINT16, H5T_NATIVE_UINT32, H5T_NATIVE_UINT64,
                                  H5T_NATIVE_FLOAT, H5T_NATIVE_DOUBLE, H5T_STD_I16BE,     H5T_STD_U32BE,
                                  H5T_STD_I64BE,    H5T_IEEE_F32BE,    H5T_IEEE_F64BE};
  const int n = static_cast<int>(sizeof(kNative) / sizeof(kNative[0]));
  const int i = index % kNumberTypeCount;
  if (i < n) return Id(H5Tcopy(kNative[i]));
  if (i == n) {  // h5py's bool
    Id t(H5Tenum_create(H5T_NATIVE_INT8));
    int8_t v = 0;
    H5Tenum_insert(t.get(), "FALSE", &v);
    v = 1;
    H5Tenum_insert(t.get(), "TRUE", &v);
    return t;
  }
  if (i == n + 1) return Id(H5Tcopy(H5T_NATIVE_LDOUBLE));
  if (i == n + 2) return Id(H5Tcopy(H5T_NATIVE_B8));
  Id half(H5Tcopy(H5T_IEEE_F32LE));  // numpy's float16, as h5py defines it
  H5Tset_fields(half.get(), 15, 10, 5, 0, 10);
  H5Tset_size(half.get(), 2);
  H5Tset_ebias(half.get(), 15);
  return half;
}

Id StringType(bool vlen, size_t size, uint8_t pad) {
  Id t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.get(), vlen ? H5T_VARIABLE : std::max<size_t>(size, 1));
  H5Tset_cset(t.get(), vlen ? H5T_CSET_UTF8 : H5T_CSET_ASCII);
  if (!vlen)
    H5Tset_strpad(t.get(), pad % 3 == 0 ? H5T_STR_NULLTERM : pad % 3 == 1 ? H5T_STR_NULLPAD : H5T_STR_SPACEPAD);
  return t;
}

Id Space(const std::vector<hsize_t>& dims) {
  if (dims.empty()) return Id(H5Screate(H5S_SCALAR));
  return Id(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
}

size_t Elements(const std::vector<hsize_t>& dims) {
  size_t n = 1;
  for (hsize_t d : dims) n *= static_cast<size_t>(d);
  return n;
}

// A scalar attribute of `type` holding kNumbers[k]: HDF5 converts the double (out-of-range values
// saturate); an enum (h5py's bool) gets the raw value k % 3, so 2 is no member.
void WriteNumberAttr(hid_t loc, const std::string& name, hid_t type, uint8_t k) {
  Id space(H5Screate(H5S_SCALAR));
  Id a(H5Acreate2(loc, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!a.ok()) return;
  if (H5Tget_class(type) == H5T_ENUM) {
    const int8_t raw = static_cast<int8_t>(k % 3);
    H5Awrite(a.get(), type, &raw);
    return;
  }
  const double v = kNumbers[k % kNumbers.size()];
  H5Awrite(a.get(), H5T_NATIVE_DOUBLE, &v);
}

// Where values go: an attribute (created on `loc` by name) or a dataset.
struct Target {
  hid_t loc;
  std::string name;
  bool attribute;
  hid_t dcpl = H5P_DEFAULT;
};

// Creates the attribute or dataset and writes `data` (nullptr: a dataset left unwritten).
void Write(const Target& t, hid_t type, hid_t space, const void* data) {
  if (t.attribute) {
    Id a(H5Acreate2(t.loc, t.name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT));
    if (a.ok() && data) H5Awrite(a.get(), type, data);
    return;
  }
  Id d(H5Dcreate2(t.loc, t.name.c_str(), type, space, H5P_DEFAULT, t.dcpl, H5P_DEFAULT));
  if (d.ok() && data) H5Dwrite(d.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
}

void WriteNumbers(Reader& in, const Target& t, uint8_t type_index, const std::vector<hsize_t>& dims, bool raw) {
  Id type = NumberType(type_index);
  const size_t size = H5Tget_size(type.get());
  const size_t n = Elements(dims);
  if (n > kMaxElements) return;
  std::vector<uint8_t> values(n * size);
  if (raw) {
    for (auto& v : values) v = in.U8();
  } else {  // a recognisable pattern: 0, 1, 2, ... in the low byte
    for (size_t i = 0; i < n; ++i)
      values[i * size + (H5Tget_order(type.get()) == H5T_ORDER_BE ? size - 1 : 0)] = i & 0x7f;
  }
  Id space = Space(dims);
  Write(t, type.get(), space.get(), values.data());
}

void WriteStrings(Reader& in, const Target& t, bool vlen, size_t count, bool scalar) {
  std::vector<std::string> items;
  size_t fixed = 0;
  if (!vlen) fixed = std::max(1, in.U8() % 65);
  const uint8_t pad = vlen ? 0 : in.U8();
  for (size_t i = 0; i < count; ++i) items.push_back(in.Take(vlen ? in.U8() % 64 : fixed));
  Id type = StringType(vlen, fixed, pad);
  Id space = Space(scalar ? std::vector<hsize_t>{} : std::vector<hsize_t>{count});
  if (vlen) {
    std::vector<const char*> ptrs;
    for (auto& s : items) ptrs.push_back(s.c_str());  // a NUL inside ends the string, as in HDF5
    Write(t, type.get(), space.get(), ptrs.empty() ? nullptr : ptrs.data());
    return;
  }
  std::string flat;
  for (auto& s : items) flat += s;
  Write(t, type.get(), space.get(), flat.empty() ? nullptr : flat.data());
}

std::string Name(Reader& in) {
  const uint8_t k = in.U8();
  if (k < 0xc0) return kNames[k % kNames.size()];
  std::string name = in.Take(k - 0xc0u);
  for (char& c : name) c = c == '/' || c == '\0' ? '_' : c;
  if (name.empty() || name == ".") name = "_";
  return name;
}

void WriteAttrValue(Reader& in, hid_t loc, const std::string& name) {
  const Target t{loc, name, true};
  const auto kind = static_cast<AttrKind>(in.U8() % static_cast<uint8_t>(AttrKind::kNumAttrKinds));
  switch (kind) {
    case AttrKind::kVlenString: return WriteStrings(in, t, true, 1, true);
    case AttrKind::kFixedString: return WriteStrings(in, t, false, 1, true);
    case AttrKind::kVlenStrings: return WriteStrings(in, t, true, in.U8() % 9, false);
    case AttrKind::kFixedStrings: return WriteStrings(in, t, false, in.U8() % 9, false);
    case AttrKind::kNumber: return WriteNumbers(in, t, in.U8(), {}, true);
    case AttrKind::kNumbers1d: {
      const uint8_t type = in.U8();
      return WriteNumbers(in, t, type, {static_cast<hsize_t>(in.U8() % 17)}, true);
    }
    case AttrKind::kNumbers2d: {
      const uint8_t type = in.U8();
      const hsize_t rows = in.U8() % 7;
      return WriteNumbers(in, t, type, {rows, static_cast<hsize_t>(in.U8() % 7)}, true);
    }
    case AttrKind::kOpaque: {
      const size_t n = std::max(1, in.U8() % 33);
      Id type(H5Tcreate(H5T_OPAQUE, n));
      const std::string bytes = in.Take(n);
      Id space(H5Screate(H5S_SCALAR));
      return Write(t, type.get(), space.get(), bytes.data());
    }
    case AttrKind::kComplex: {
      Id type(H5Tcreate(H5T_COMPOUND, 16));
      H5Tinsert(type.get(), "r", 0, H5T_NATIVE_DOUBLE);
      H5Tinsert(type.get(), "i", 8, H5T_NATIVE_DOUBLE);
      const std::string bytes = in.Take(16);
      Id space(H5Screate(H5S_SCALAR));
      return Write(t, type.get(), space.get(), bytes.data());
    }
    case AttrKind::kEnum3: {
      Id type(H5Tenum_create(H5T_NATIVE_INT8));
      const char* names[] = {"FALSE", "TRUE", "MAYBE"};
      for (int8_t v = 0; v < 3; ++v) H5Tenum_insert(type.get(), names[v], &v);
      const int8_t value = static_cast<int8_t>(in.U8() % 3);
      Id space(H5Screate(H5S_SCALAR));
      return Write(t, type.get(), space.get(), &value);
    }
    case AttrKind::kNullSpace: {
      const uint8_t type_byte = in.U8();
      Id type = type_byte % 2 ? StringType(true, 0, 0) : NumberType(type_byte / 2);
      Id space(H5Screate(H5S_NULL));
      return Write(t, type.get(), space.get(), nullptr);
    }
    case AttrKind::kEmpty1d: return WriteNumbers(in, t, in.U8(), {0}, true);
    case AttrKind::kVlenSequence: {
      Id type(H5Tvlen_create(H5T_NATIVE_INT32));
      std::vector<int32_t> values(in.U8() % 5, 7);
      hvl_t vl{values.size(), values.data()};
      Id space(H5Screate(H5S_SCALAR));
      return Write(t, type.get(), space.get(), &vl);
    }
    case AttrKind::kArrayType: {
      const hsize_t three = 3;
      Id type(H5Tarray_create2(H5T_NATIVE_INT32, 1, &three));
      const int32_t values[3] = {in.U8(), in.U8(), in.U8()};
      Id space(H5Screate(H5S_SCALAR));
      return Write(t, type.get(), space.get(), values);
    }
    case AttrKind::kNumAttrKinds: return;
  }
}

// A dataset: kind, then the kind's bytes (see the header).
void WriteDataset(Reader& in, hid_t loc, const std::string& name, bool numeric_only) {
  uint8_t kind_byte = in.U8();
  auto kind = static_cast<DataKind>(kind_byte % static_cast<uint8_t>(DataKind::kNumDataKinds));
  if (numeric_only) kind = DataKind::kNumeric;
  Target t{loc, name, false};
  switch (kind) {
    case DataKind::kNumeric: {
      const uint8_t type = in.U8();
      const size_t rank = in.U8() % 4;
      std::vector<hsize_t> dims;
      for (size_t d = 0; d < rank; ++d) dims.push_back(in.U8() % 7);
      const uint8_t layout = in.U8();
      const uint8_t fill = in.U8();
      Id dcpl(H5Pcreate(H5P_DATASET_CREATE));
      // layout % 6: 0 contiguous, 1 compact, 2 chunked, 3 + gzip, 4 + shuffle + gzip, 5 + fletcher32
      if (layout % 6 == 1) H5Pset_layout(dcpl.get(), H5D_COMPACT);
      if (layout % 6 >= 2 && !dims.empty()) {
        std::vector<hsize_t> chunk;
        for (hsize_t d : dims) chunk.push_back(std::max<hsize_t>(1, std::min<hsize_t>(d, in.U8() % 4 + 1)));
        H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
        if (layout % 6 == 4) H5Pset_shuffle(dcpl.get());
        if (layout % 6 == 3 || layout % 6 == 4) H5Pset_deflate(dcpl.get(), layout / 6 % 10);
        if (layout % 6 == 5) H5Pset_fletcher32(dcpl.get());
      }
      t.dcpl = dcpl.get();
      if (fill % 3 == 2) {  // created, never written: chunks unallocated, the fill value
        Id ty = NumberType(type);
        Id space = Space(dims);
        return Write(t, ty.get(), space.get(), nullptr);
      }
      return WriteNumbers(in, t, type, dims, fill % 3 == 0);
    }
    case DataKind::kVlenStrings:
    case DataKind::kFixedStrings: {
      const uint8_t count = in.U8() % 9;
      return WriteStrings(in, t, kind == DataKind::kVlenStrings, count == 8 ? 1 : count, count == 8);
    }
    case DataKind::kOpaque: {
      const size_t n = std::max(1, in.U8() % 17);
      Id type(H5Tcreate(H5T_OPAQUE, n));
      const hsize_t two = 2;
      Id space(H5Screate_simple(1, &two, nullptr));
      const std::string bytes = in.Take(2 * n);
      return Write(t, type.get(), space.get(), bytes.data());
    }
    case DataKind::kComplex: {
      Id type(H5Tcreate(H5T_COMPOUND, 8));
      H5Tinsert(type.get(), "r", 0, H5T_NATIVE_FLOAT);
      H5Tinsert(type.get(), "i", 4, H5T_NATIVE_FLOAT);
      const hsize_t three = 3;
      Id space(H5Screate_simple(1, &three, nullptr));
      const std::string bytes = in.Take(24);
      return Write(t, type.get(), space.get(), bytes.data());
    }
    case DataKind::kNullSpace: {
      Id type = NumberType(in.U8());
      Id space(H5Screate(H5S_NULL));
      return Write(t, type.get(), space.get(), nullptr);
    }
    case DataKind::kNumDataKinds: return;
  }
}

class Builder {
 public:
  explicit Builder(Reader& in) : in_(in) {}

  // Applies OPs to group `g` until kEnd or the end of the input.
  void Body(hid_t g, int depth) {
    while (!in_.done() && objects_++ < kMaxObjects) {
      const uint8_t op = in_.U8() % kNumOps;
      if (op == kEnd) return;
      Apply(static_cast<Op>(op), g, depth);
    }
  }

 private:
  void Apply(Op op, hid_t g, int depth) {
    switch (op) {
      case kAttr: {
        const std::string name = Name(in_);
        return WriteAttrValue(in_, g, name);
      }
      case kDataset: {
        const std::string name = Name(in_);
        return WriteDataset(in_, g, name, false);
      }
      case kGroup: return Child(g, Name(in_), depth);
      case kSignal: {
        Id sig(H5Gcreate2(g, ("_sig_" + Name(in_)).c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        WriteDataset(in_, sig.ok() ? sig.get() : g, "data", true);
        return sig.ok() && depth < kMaxDepth ? Body(sig.get(), depth + 1) : Skip();
      }
      case kSequence: {
        const uint8_t kind = in_.U8();
        const unsigned n = in_.U8();
        const std::string name = (kind % 2 ? "_tuple_" : "_list_") + std::to_string(n) + "_" + Name(in_);
        return Child(g, name, depth);
      }
      case kAxis: return Axis(g, depth);
      case kLink: {
        const uint8_t kind = in_.U8();
        const std::string name = Name(in_);
        if (kind % 5 == 0) H5Lcreate_hard(g, ".", g, name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
        if (kind % 5 == 1) H5Lcreate_hard(g, "/", g, name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
        if (kind % 5 == 2) H5Lcreate_soft("/Experiments", g, name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
        if (kind % 5 == 3) H5Lcreate_soft("/nowhere", g, name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
        if (kind % 5 == 4) H5Lcreate_external("missing.h5", "/x", g, name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
        return;
      }
      case kText: {
        const std::string name = Name(in_);
        const std::string& text = kTexts[in_.U8() % kTexts.size()];
        Id type = StringType(true, 0, 0);
        Id space(H5Screate(H5S_SCALAR));
        const char* p = text.c_str();
        return Write({g, name, true}, type.get(), space.get(), &p);
      }
      case kNumber: {
        const std::string name = Name(in_);
        Id type = NumberType(in_.U8());
        return WriteNumberAttr(g, name, type.get(), in_.U8());
      }
      case kEnd:
      case kNumOps: return;
    }
  }

  void Child(hid_t g, const std::string& name, int depth) {
    Id child(H5Gcreate2(g, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    if (child.ok() && depth < kMaxDepth) return Body(child.get(), depth + 1);
    Skip();
  }

  // Consumes a body without creating anything (its group could not be made).
  void Skip() {
    Id scratch(H5Gcreate_anon(scratch_parent_, H5P_DEFAULT, H5P_DEFAULT));
    if (scratch.ok()) Body(scratch.get(), kMaxDepth);
  }

  void Axis(hid_t g, int depth) {
    const uint8_t index = in_.U8() % 5;
    const uint8_t flags = in_.U8();
    Id axis(H5Gcreate2(g, ("axis-" + std::to_string(index)).c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    if (!axis.ok()) return Skip();
    const auto text = [&](const char* name, const std::string& value) {
      Id type = StringType(true, 0, 0);
      Id space(H5Screate(H5S_SCALAR));
      const char* p = value.c_str();
      Write({axis.get(), name, true}, type.get(), space.get(), &p);
    };
    const auto number = [&](const char* name, hid_t type) { WriteNumberAttr(axis.get(), name, type, in_.U8()); };
    if (flags & 1) text("_type", kTexts[in_.U8() % kTexts.size()]);
    if (flags & 2) text("name", kTexts[in_.U8() % kTexts.size()]);
    if (flags & 4) text("units", "nm");
    if (flags & 8) number("navigate", NumberType(kBoolType).get());
    if (flags & 16) number("is_binned", NumberType(kBoolType).get());
    if (flags & 32) number("size", H5T_NATIVE_INT64);
    if (flags & 64) {
      number("scale", H5T_NATIVE_DOUBLE);
      number("offset", H5T_NATIVE_DOUBLE);
    }
    if (flags & 128) WriteDataset(in_, axis.get(), "axis", true);
    if (depth < kMaxDepth) Body(axis.get(), depth + 1);
  }

 public:
  hid_t scratch_parent_ = H5I_INVALID_HID;

 private:
  Reader& in_;
  int objects_ = 0;
};

}  // namespace

bool BuildHspyFile(std::span<const uint8_t> input, const std::string& path, BuildResult* result) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Reader in(input);
  const uint8_t flags = in.U8();
  result->lazy = flags & 1;
  result->compute = flags & 2;
  const std::string& version = kVersions[(flags >> 2) % kVersions.size()];

  Id fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_fapl_core(fapl.get(), 1 << 16, 1);  // built in memory, written to `path` when closed
  Id file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()));
  if (!file.ok()) return false;
  {
    Id root(H5Gopen2(file.get(), "/", H5P_DEFAULT));
    Id string_type = StringType(true, 0, 0);
    Id scalar(H5Screate(H5S_SCALAR));
    const char* format = "HyperSpy";
    Write({root.get(), "file_format", true}, string_type.get(), scalar.get(), &format);
    if (version == "1.3f") {
      const double v = 1.3;
      Id a(H5Acreate2(root.get(), "file_format_version", H5T_NATIVE_DOUBLE, scalar.get(), H5P_DEFAULT, H5P_DEFAULT));
      H5Awrite(a.get(), H5T_NATIVE_DOUBLE, &v);
    } else if (!version.empty()) {
      const char* v = version.c_str();
      Write({root.get(), "file_format_version", true}, string_type.get(), scalar.get(), &v);
    }
    Id experiments(H5Gcreate2(file.get(), "Experiments", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    Id scratch(H5Gcreate2(file.get(), "scratch", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    std::string name = Name(in);
    if (name == "scratch") name = "e";
    Id experiment(H5Gcreate2(experiments.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    if (!experiment.ok()) return false;
    WriteDataset(in, experiment.get(), "data", true);
    Builder builder(in);
    builder.scratch_parent_ = scratch.get();
    builder.Body(experiment.get(), 0);
  }
  return H5Fclose(file.release()) >= 0;
}

}  // namespace hyperchunk::fuzz
