// numpy's .npy file format (writer). May move to a library module once more than the command
// needs it (the Python module, the viewer's downloads).
// Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#pragma once

#include <filesystem>
#include <string>

#include "hyperchunk/core/dtype.h"
#include "hyperchunk/core/ndarray.h"
#include "hyperchunk/core/shape.h"
#include "hyperchunk/core/status.h"

namespace hyperchunk::cli {

/// numpy's type string of `dtype` in little-endian order: "<f8", "<u2", "|b1", "|i1", ...
std::string NpyDescr(DType dtype);

/// Everything a .npy file holds before its data: magic, version, header length and the header
/// dict padded with spaces and a newline so the data starts at a multiple of 64 bytes. Version
/// 1.0, or 2.0 when the header would not fit 1.0's 65535 bytes.
std::string NpyPreamble(DType dtype, const Shape& shape);

/// Writes `array` as a .npy file (C order, little-endian), through a temporary file renamed into
/// place: `path` is either complete or untouched.
Status WriteNpy(const std::filesystem::path& path, const NdArray& array);

}  // namespace hyperchunk::cli
