// An HDF5 dataset as a ChunkSource (internal). The chunk index is built once when the dataset is
// opened; chunk bytes are then read with pread and decoded (deflate, shuffle) in the calling
// worker thread, outside HDF5's global lock. Layouts or filters the fast path lacks are read
// through H5Dread (correct, serialised).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "hyperchunk/array/array.h"
#include "store/h5.h"

namespace hyperchunk::internal {

/// An open HDF5 file shared by every array read from it: the HDF5 handle and a plain descriptor.
class H5File {
 public:
  static Result<std::shared_ptr<H5File>> Open(const std::string& path);
  ~H5File();
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;

  const std::string& path() const { return path_; }
  hid_t id() const { return file_.id(); }
  int fd() const { return fd_; }
  /// File size in bytes when opened.
  int64_t size() const { return size_; }

 private:
  H5File() = default;
  std::string path_;
  h5::Handle file_;
  int fd_ = -1;
  int64_t size_ = 0;
};

/// How a dataset's bytes are stored, as far as the fast path is concerned.
struct DatasetLayout {
  enum class Kind { kChunked, kContiguous, kOther };
  Kind kind = Kind::kOther;
  Shape storage_chunk;             ///< HDF5 chunk shape (chunked)
  int64_t contiguous_offset = -1;  ///< file offset of a contiguous dataset's bytes (-1: not allocated)
  bool big_endian = false;
  int64_t filters = 0;  ///< number of filters in the pipeline
};

/// Opens `dataset` (an HDF5 path) of `file` as a ChunkSource. Chunked datasets keep their chunks;
/// contiguous ones are cut into contiguous slabs of about `contiguous_chunk_bytes`.
Result<std::shared_ptr<const ChunkSource>> OpenDatasetSource(std::shared_ptr<H5File> file, const std::string& dataset,
                                                             int64_t contiguous_chunk_bytes = int64_t{64} << 20);

/// Chunks for a contiguous array: leading axes split so that each chunk is one contiguous slab of
/// at most `target_bytes` (at least one element).
Shape ContiguousSlabChunks(const Shape& shape, int64_t item_size, int64_t target_bytes);

}  // namespace hyperchunk::internal
