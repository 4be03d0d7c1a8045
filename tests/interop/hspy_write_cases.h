// The signals hspy_write_fixtures writes with WriteHspy, one .hspy file each (README.md lists them).
#pragma once

#include <string>
#include <vector>

#include "hyperchunk/core/ndarray.h"
#include "hyperchunk/core/shape.h"
#include "hyperchunk/store/hspy.h"

namespace hyperchunk::interop {

struct WriteCase {
  std::string name;  ///< file name without .hspy
  std::string note;  ///< what the case covers
  SignalRecord signal;
  NdArray data;  ///< the values signal.data holds, made independently of the lazy Array
  HspyWriteOptions options;
  std::string cls;       ///< HyperSpy's class for hs.load(path), e.g. "EDSTEMSpectrum"
  std::string lazy_cls;  ///< ... and for hs.load(path, lazy=True), e.g. "LazyEDSTEMSpectrum"
  Shape h5_chunks;       ///< the HDF5 chunk shape WriteHspy must give the data (array order)
  int threads = 2;       ///< worker threads of the Context that writes it
};

std::vector<WriteCase> MakeWriteCases();

}  // namespace hyperchunk::interop
