// HyperSpy's .hspy files (HDF5): reading, lazily and fast. Format: shared reference §1.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hyperchunk/array/array.h"
#include "hyperchunk/core/metadata.h"
#include "hyperchunk/core/status.h"
#include "hyperchunk/exec/context.h"

namespace hyperchunk {

/// One axis as a .hspy file stores it (`axis-<i>` groups, reference §1.4).
struct AxisRecord {
  enum class Type { kUniform, kData, kFunctional };
  Type type = Type::kUniform;
  std::optional<std::string> name;   ///< nullopt: undefined
  std::optional<std::string> units;  ///< nullopt: undefined
  bool navigate = false;
  bool is_binned = false;
  Index size = 1;
  double scale = 1.0;          ///< uniform axes
  double offset = 0.0;         ///< uniform axes
  std::vector<double> values;  ///< DataAxis: the explicit axis values
  std::string expression;      ///< FunctionalDataAxis: the expression, e.g. "a / (x + 1) + b"
  std::vector<std::pair<std::string, double>> parameters;  ///< FunctionalDataAxis: a, b, ...
  std::shared_ptr<AxisRecord> x;                           ///< FunctionalDataAxis: the x sub-axis
};

/// A signal as stored: its data (lazy, chunked as in the file), axes in array order, and trees.
struct SignalRecord {
  std::string group;            ///< HDF5 path of its group, e.g. "/Experiments/__unnamed__"
  std::string package;          ///< e.g. "hyperspy" (empty in files older than HyperSpy 1.5)
  std::string package_version;  ///< e.g. "1.7.3"
  Array data;
  std::vector<AxisRecord> axes;  ///< array order
  MetadataTree metadata;
  MetadataTree original_metadata;
  MetadataTree learning_results;
};

/// What a .hspy file holds.
struct HspyFile {
  std::string path;
  std::string format_version;  ///< "3.1" for HyperSpy 1.7.3; "1.0" when the attribute is absent
  std::vector<SignalRecord> experiments;
};

struct HspyReadOptions {
  /// Keep the file open and read chunks only when computed (HyperSpy's lazy=True).
  bool lazy = true;
};

/// Opens a .hspy file: metadata, axes and the chunk index are read now, chunk data on demand.
/// Errors name the file and what is wrong ("scan.hspy: not a HyperSpy file: no /Experiments").
Result<HspyFile> ReadHspy(const std::string& path, const HspyReadOptions& options = {});

struct HspyWriteOptions {
  enum class Compression { kGzip, kNone };
  Compression compression = Compression::kGzip;
  int gzip_level = 4;   ///< 0-9, h5py's default 4
  bool shuffle = true;  ///< HDF5's shuffle filter before gzip (HyperSpy's default)
  /// HDF5 chunk shape in array order; nullopt: the array's own chunks (the first chunk of each
  /// axis when irregular — HyperSpy's rule for lazy data).
  std::optional<Shape> chunks;
  /// Replace an existing file; without it an existing target is refused.
  bool overwrite = false;
};

/// Writes `signal` as a .hspy 3.1 file that HyperSpy 1.7.3 loads with equal data, axes and
/// metadata. The data is computed and compressed chunk by chunk in ctx's worker threads, within
/// ctx's memory limit. The file is written under a temporary name beside `path` and renamed at the
/// end: on any failure `path` is untouched and no temporary file remains.
Status WriteHspy(Context& ctx, const SignalRecord& signal, const std::string& path,
                 const HspyWriteOptions& options = {});

}  // namespace hyperchunk
