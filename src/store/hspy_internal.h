// Reading HyperSpy's group layouts (internal): metadata trees and signal groups.
#pragma once

#include <memory>
#include <string>

#include "hyperchunk/store/hspy.h"
#include "store/hdf5_source.h"

namespace hyperchunk::internal {

struct HspyReadContext {
  std::shared_ptr<H5File> file;
  HspyReadOptions options;
  std::string version = "3.1";
};

/// Decodes a metadata group (reference §1.5) at HDF5 path `path`.
Result<MetadataTree> ReadMetadataTree(const HspyReadContext& ctx, const std::string& path);

/// Reads a signal group: an experiment (`axis-<i>` groups) or a `_sig_` group (`_list_<n>_axes`).
Result<SignalRecord> ReadSignalGroup(const HspyReadContext& ctx, const std::string& path);

/// Compares dotted version strings numerically ("3.10" > "3.9"); <0, 0 or >0.
int CompareVersions(const std::string& a, const std::string& b);

}  // namespace hyperchunk::internal
