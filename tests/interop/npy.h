// A small reader of numpy's .npy files (format versions 1.0, 2.0 and 3.0), enough for the arrays
// make_fixtures.py writes: little-endian (or single-byte) bool, integer and float types, C order.
// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#pragma once

#include <string>

#include "hyperchunk/core/ndarray.h"
#include "hyperchunk/core/status.h"

namespace hyperchunk::interop {

/// Reads a whole .npy file. Big-endian data, Fortran order and types hyperchunk lacks (float16,
/// complex, strings, objects) are refused with an error naming the file and the type.
Result<NdArray> ReadNpy(const std::string& path);

}  // namespace hyperchunk::interop
