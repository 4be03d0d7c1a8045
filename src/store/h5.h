// A thin checked layer over the HDF5 C API (internal): RAII handles, HDF5's error stack turned into
// Status, HDF5's own printing switched off. Debian's libhdf5 is built thread-safe (one global
// lock inside the library): these calls may come from any thread, but they serialise — so hot
// paths read chunk bytes with pread instead.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <hdf5.h>

#include "hyperchunk/core/dtype.h"
#include "hyperchunk/core/ndarray.h"
#include "hyperchunk/core/status.h"

namespace hyperchunk::h5 {

/// Owns one HDF5 identifier (file, group, dataset, attribute, type, space, property list).
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  ~Handle() { Reset(); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      Reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  hid_t id() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void Reset();

 private:
  hid_t id_ = H5I_INVALID_HID;
};

/// Turns HDF5's printing of error stacks off for this process (idempotent).
void SilenceErrors();

/// The innermost message of HDF5's current error stack ("" if none), then clears the stack.
std::string LastError();

/// `id` wrapped in a Handle, or an error Status saying what failed (with HDF5's reason).
Result<Handle> Check(hid_t id, const std::string& what);
Status Check(herr_t status, const std::string& what);

Result<Handle> OpenFile(const std::string& path);
Result<Handle> OpenGroup(hid_t loc, const std::string& name);
Result<Handle> OpenDataset(hid_t loc, const std::string& name);
/// Whether `loc` has a link `name` (no error if not).
bool Exists(hid_t loc, const std::string& name);
/// H5O_TYPE_GROUP / H5O_TYPE_DATASET / ... of the object at `name`.
H5O_type_t ObjectType(hid_t loc, const std::string& name);

/// Names of the links in a group, in name order (as h5py lists them).
Result<std::vector<std::string>> LinkNames(hid_t group);
/// Names of the attributes of an object, in name order.
Result<std::vector<std::string>> AttributeNames(hid_t obj);

/// The hyperchunk dtype of an HDF5 numeric type (h5py's bool enum → kBool); nullopt if none.
std::optional<DType> ToDType(hid_t type);
/// Whether the type's byte order is big-endian.
bool IsBigEndian(hid_t type);
/// A native in-memory HDF5 type for a dtype (h5py's bool enum for kBool).
Handle MemoryType(DType dtype);

/// A string attribute or scalar string dataset's text (vlen or fixed, ASCII or UTF-8).
Result<std::string> ReadStringAttribute(hid_t obj, const std::string& name);

/// The decoded value of a string-typed object: its text items (one for a scalar).
Result<std::vector<std::string>> ReadStrings(hid_t obj, bool is_attribute);

/// Reads a whole numeric attribute or dataset into an NdArray (native byte order).
Result<NdArray> ReadNumeric(hid_t obj, bool is_attribute);

/// Dimensions of a dataspace (empty for a scalar).
std::vector<hsize_t> Dims(hid_t space);

}  // namespace hyperchunk::h5
