#include "npy.h"

#include <bit>
#include <cstdint>

#include <fmt/format.h>

#include "output_file.h"

namespace hyperchunk::cli {

static_assert(std::endian::native == std::endian::little, "the .npy writer writes the host's bytes as little-endian");

namespace {

constexpr size_t kAlignment = 64;
constexpr char kMagic[] = "\x93NUMPY";  // 6 bytes

std::string ShapeTuple(const Shape& shape) {
  if (shape.size() == 1) return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape, ", "));
}

}  // namespace

std::string NpyDescr(DType dtype) {
  const int64_t size = ItemSize(dtype);
  const char order = size == 1 ? '|' : '<';
  switch (Kind(dtype)) {
    case DTypeKind::kBool: return fmt::format("{}b{}", order, size);
    case DTypeKind::kSignedInt: return fmt::format("{}i{}", order, size);
    case DTypeKind::kUnsignedInt: return fmt::format("{}u{}", order, size);
    case DTypeKind::kFloat: break;
  }
  return fmt::format("{}f{}", order, size);
}

std::string NpyPreamble(DType dtype, const Shape& shape) {
  std::string dict =
      fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}", NpyDescr(dtype), ShapeTuple(shape));
  // The preamble is magic (6) + version (2) + header length (2 bytes in version 1.0, 4 in 2.0);
  // the header is the dict padded with spaces and ended by '\n' so the data is 64-byte aligned.
  const auto padded_length = [&](size_t prefix) {
    const size_t unpadded = prefix + dict.size() + 1;
    return dict.size() + 1 + (kAlignment - unpadded % kAlignment) % kAlignment;
  };
  const bool v2 = padded_length(10) > 65535;
  const size_t header_length = padded_length(v2 ? 12 : 10);
  dict.append(header_length - dict.size() - 1, ' ');
  dict.push_back('\n');

  std::string preamble(kMagic, 6);
  preamble.push_back(static_cast<char>(v2 ? 2 : 1));
  preamble.push_back(0);
  for (size_t byte = 0; byte < (v2 ? 4u : 2u); ++byte) {
    preamble.push_back(static_cast<char>((header_length >> (8 * byte)) & 0xff));
  }
  return preamble + dict;
}

Status WriteNpy(const std::filesystem::path& path, const NdArray& array) {
  if (!array.valid()) return InvalidArgument(fmt::format("writing {}: the array has no values", path.string()));
  const std::string preamble = NpyPreamble(array.dtype(), array.shape());
  return WriteFileAtomically(path, [&](std::FILE* file) {
    HC_RETURN_IF_ERROR(WriteBytes(file, preamble.data(), preamble.size(), path));
    return WriteBytes(file, array.raw(), static_cast<size_t>(array.nbytes()), path);
  });
}

}  // namespace hyperchunk::cli
