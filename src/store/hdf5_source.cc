#include "store/hdf5_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include <fmt/format.h>

#include "codec/codec.h"

namespace hyperchunk::internal {

// ---- H5File -----------------------------------------------------------------------------------

Result<std::shared_ptr<H5File>> H5File::Open(const std::string& path) {
  std::shared_ptr<H5File> f(new H5File());
  f->path_ = path;
  f->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f->fd_ < 0) {
    const int err = errno;
    if (err == ENOENT) return NotFound(fmt::format("{}: no such file", path));
    return IoError(fmt::format("{}: {}", path, std::strerror(err)));
  }
  struct stat st {};
  if (::fstat(f->fd_, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return InvalidArgument(fmt::format("{}: is a directory", path));
    f->size_ = static_cast<int64_t>(st.st_size);
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    h5::LastError();
    return InvalidArgument(fmt::format("{}: not an HDF5 file", path));
  }
  auto file = h5::OpenFile(path);
  if (!file.ok()) return file.status().WithContext(path);
  f->file_ = std::move(*file);
  return f;
}

H5File::~H5File() {
  if (fd_ >= 0) ::close(fd_);
}

// ---- helpers ------------------------------------------------------------------------------------

Shape ContiguousSlabChunks(const Shape& shape, int64_t item_size, int64_t target_bytes) {
  // The longest run of trailing axes that fits stays whole; the axis before it is cut into as many
  // steps as fit; earlier axes get 1. Each chunk is then one contiguous byte range.
  Shape chunks(shape.size(), 1);
  int64_t suffix = item_size;
  size_t d = shape.size();
  while (d > 0 && suffix * shape[d - 1] <= target_bytes) {
    suffix *= shape[d - 1];
    --d;
    chunks[d] = shape[d];
  }
  if (d > 0) chunks[d - 1] = std::max<int64_t>(1, target_bytes / std::max<int64_t>(suffix, 1));
  return chunks;
}

namespace {

void SwapBytes(void* data, int64_t n, int64_t item) {
  auto* p = static_cast<uint8_t*>(data);
  for (int64_t i = 0; i < n; ++i, p += item) std::reverse(p, p + item);
}

Status PreadFully(const H5File& file, void* buf, int64_t size, int64_t offset) {
  auto* p = static_cast<char*>(buf);
  int64_t done = 0;
  while (done < size) {
    const ssize_t r = ::pread(file.fd(), p + done, static_cast<size_t>(size - done), offset + done);
    if (r < 0) {
      if (errno == EINTR) continue;
      return IoError(fmt::format("read of {} bytes at offset {} failed: {}", size, offset, std::strerror(errno)));
    }
    if (r == 0)
      return DataLoss(fmt::format("the file ends early: got {} of {} bytes at offset {} (file size {})", done, size,
                                  offset, file.size()));
    done += r;
  }
  return Status::Ok();
}

#ifdef IOV_MAX
constexpr int kMaxIovecs = IOV_MAX;
#else
constexpr int kMaxIovecs = 1024;
#endif
/// Gaps between the byte runs of a partial read shorter than this are read through (into a
/// scratch buffer), so that one preadv covers many runs; longer gaps start a new preadv.
constexpr int64_t kMaxReadThroughGap = 4096;

// preadv until every byte of `iov` is read (short reads resume where they stopped). `iov` is
// consumed.
Status PreadvFully(const H5File& file, std::span<iovec> iov, int64_t offset) {
  int64_t total = 0;
  for (const iovec& v : iov) total += static_cast<int64_t>(v.iov_len);
  int64_t done = 0;
  while (!iov.empty()) {
    const int n = static_cast<int>(std::min<size_t>(iov.size(), static_cast<size_t>(kMaxIovecs)));
    const ssize_t r = ::preadv(file.fd(), iov.data(), n, offset + done);
    if (r < 0) {
      if (errno == EINTR) continue;
      return IoError(
          fmt::format("read of {} bytes at offset {} failed: {}", total - done, offset + done, std::strerror(errno)));
    }
    if (r == 0)
      return DataLoss(fmt::format("the file ends early: got {} of {} bytes at offset {} (file size {})", done, total,
                                  offset, file.size()));
    done += r;
    auto left = static_cast<size_t>(r);
    while (!iov.empty() && left >= iov.front().iov_len) {
      left -= iov.front().iov_len;
      iov = iov.subspan(1);
    }
    if (left > 0) {
      iov.front().iov_base = static_cast<char*>(iov.front().iov_base) + left;
      iov.front().iov_len -= left;
    }
  }
  return Status::Ok();
}

// Reads `box` of a C-order block of `block` elements stored uncompressed at file offset `base`
// into `out` (dense, shaped as the box): one byte run per position of the outer axes, each landing
// at its place in `out`; runs separated by short gaps share one preadv (reading the gaps into a
// scratch buffer).
Status ReadBlockBox(const H5File& file, int64_t base, const Shape& block, int64_t item, const Box& box, NdArray& out) {
  if (box.rank() > 0 && box.empty()) return Status::Ok();
  const size_t rank = block.size();
  // Axes from `inner` on form one run: the box covers each of them whole, except axis `inner`.
  size_t inner = rank;
  while (inner > 0 && box.extent(inner - 1) == block[inner - 1]) --inner;
  if (inner > 0) --inner;
  const auto strides = ContiguousStrides(block);
  int64_t run_elements = 1;
  for (size_t d = inner; d < rank; ++d) run_elements *= box.extent(d);
  const int64_t run_bytes = run_elements * item;
  std::vector<Index> pos(box.start.begin(), box.start.begin() + static_cast<std::ptrdiff_t>(inner));
  auto run_offset = [&]() {
    int64_t elements = rank > 0 ? box.start[inner] * strides[inner] : 0;
    for (size_t d = 0; d < inner; ++d) elements += pos[d] * strides[d];
    return base + elements * item;
  };
  // The next position of the outer axes (C order); false after the last.
  auto next = [&]() {
    for (size_t d = inner; d-- > 0;) {
      if (++pos[d] < box.stop[d]) return true;
      pos[d] = box.start[d];
    }
    return false;
  };
  thread_local std::vector<char> gap_scratch(static_cast<size_t>(kMaxReadThroughGap));
  std::vector<iovec> iov;
  iov.reserve(static_cast<size_t>(kMaxIovecs));
  auto* dst = static_cast<char*>(out.raw());
  int64_t batch_start = -1, batch_end = 0;  // file range of the pending preadv
  do {
    const int64_t at = run_offset();
    if (batch_start >= 0 &&
        (at < batch_end || at - batch_end >= kMaxReadThroughGap || iov.size() + 2 > static_cast<size_t>(kMaxIovecs))) {
      HC_RETURN_IF_ERROR(PreadvFully(file, iov, batch_start));
      iov.clear();
      batch_start = -1;
    }
    if (batch_start < 0) {
      batch_start = at;
    } else if (at > batch_end) {
      iov.push_back(iovec{gap_scratch.data(), static_cast<size_t>(at - batch_end)});
    }
    iov.push_back(iovec{dst, static_cast<size_t>(run_bytes)});
    dst += run_bytes;
    batch_end = at + run_bytes;
  } while (next());
  return PreadvFully(file, iov, batch_start);
}

/// ChunkEntry::offset of a chunk whose file offset is unknown: HDF5 reads its raw bytes.
constexpr int64_t kReadThroughHdf5 = -2;
/// Above this many chunks the index is not built with H5Dget_chunk_info_by_coord: in HDF5 1.10
/// each such call walks the index (3.9 ms a call at 131072 chunks: 7 minutes to open one file).
constexpr Index kMaxChunksForOffsetIndex = 4096;

struct ChunkEntry {
  int64_t offset = -1;  ///< file offset; -1: not allocated (the fill value); kReadThroughHdf5
  int64_t size = 0;
  uint32_t filter_mask = 0;
};

class Hdf5DatasetSource final : public ChunkSource {
 public:
  Hdf5DatasetSource(std::shared_ptr<H5File> file, std::string dataset, h5::Handle dset, DType dtype, Shape shape,
                    ChunkGrid grid, DatasetLayout layout, std::vector<codec::FilterStep> pipeline,
                    std::vector<ChunkEntry> index, NdArray fill)
      : file_(std::move(file)),
        dataset_(std::move(dataset)),
        dset_(std::move(dset)),
        dtype_(dtype),
        shape_(std::move(shape)),
        grid_(std::move(grid)),
        layout_(std::move(layout)),
        pipeline_(std::move(pipeline)),
        index_(std::move(index)),
        fill_(std::move(fill)) {}

  DType dtype() const override { return dtype_; }
  const ChunkGrid& chunks() const override { return grid_; }
  std::string name() const override { return file_->path() + ":" + dataset_; }

  Index StoredBytes(const ChunkIndex& chunk) const override {
    if (layout_.kind == DatasetLayout::Kind::kChunked) return index_[static_cast<size_t>(grid_.Ravel(chunk))].size;
    return grid_.ChunkBox(chunk).num_elements() * ItemSize(dtype_);
  }

  /// Makes every read fail with `error` (a filter nobody here can decode), so that opening the
  /// file — metadata, axes, `info` — still works.
  void SetReadError(Status error) { read_error_ = std::move(error); }

  Status ReadChunk(const ChunkIndex& chunk, NdArray& out) const override {
    if (!read_error_.ok()) return read_error_;
    Status st;
    switch (layout_.kind) {
      case DatasetLayout::Kind::kChunked: st = ReadStoredChunk(chunk, out); break;
      case DatasetLayout::Kind::kContiguous: st = ReadContiguous(chunk, out); break;
      case DatasetLayout::Kind::kOther: st = ReadWithHdf5(grid_.ChunkBox(chunk), out); break;
    }
    return st;
  }

  /// Unfiltered chunks with a known file offset, unallocated chunks and contiguous datasets.
  bool CanReadPartial(const ChunkIndex& chunk) const override {
    if (!read_error_.ok()) return false;
    switch (layout_.kind) {
      case DatasetLayout::Kind::kChunked: {
        const ChunkEntry& e = index_[static_cast<size_t>(grid_.Ravel(chunk))];
        return e.offset == -1 || (e.offset >= 0 && Unfiltered(e.filter_mask));
      }
      case DatasetLayout::Kind::kContiguous: return true;
      case DatasetLayout::Kind::kOther: return false;
    }
    return false;
  }

  Status ReadChunkBox(const ChunkIndex& chunk, const Box& box_in_chunk, NdArray& out) const override {
    if (!CanReadPartial(chunk)) return ChunkSource::ReadChunkBox(chunk, box_in_chunk, out);
    const Box chunk_box = grid_.ChunkBox(chunk);
    const int64_t item = ItemSize(dtype_);
    if (!Contains(Box::Full(chunk_box.shape()), box_in_chunk) || out.shape() != box_in_chunk.shape())
      return InvalidArgument(fmt::format("cannot read {} of a chunk of shape {} into an array of shape {}",
                                         box_in_chunk.ToString(), ShapeToString(chunk_box.shape()),
                                         ShapeToString(out.shape())));
    if (layout_.kind == DatasetLayout::Kind::kContiguous) {
      if (layout_.contiguous_offset < 0) return Fill(out);
      Box box = box_in_chunk;
      for (size_t d = 0; d < box.rank(); ++d) {
        box.start[d] += chunk_box.start[d];
        box.stop[d] += chunk_box.start[d];
      }
      HC_RETURN_IF_ERROR(ReadBlockBox(*file_, layout_.contiguous_offset, shape_, item, box, out));
    } else {
      const ChunkEntry& e = index_[static_cast<size_t>(grid_.Ravel(chunk))];
      if (e.offset == -1) return Fill(out);
      const int64_t full_bytes = NumElements(layout_.storage_chunk) * item;
      if (e.size != full_bytes)
        return DataLoss(fmt::format("an unfiltered chunk stores {} bytes, expected {}", e.size, full_bytes));
      // The stored chunk always has the full chunk shape, also at the array's edges.
      HC_RETURN_IF_ERROR(ReadBlockBox(*file_, e.offset, layout_.storage_chunk, item, box_in_chunk, out));
    }
    if (layout_.big_endian) SwapBytes(out.raw(), out.size(), item);
    return Status::Ok();
  }

  /// Chunks stored with shuffle as the pipeline's first filter (HyperSpy's gzip: shuffle, then
  /// deflate), of the full storage shape: staged = every later filter undone, still shuffled.
  bool CanReadStaged(const ChunkIndex& chunk) const override {
    if (!read_error_.ok() || layout_.kind != DatasetLayout::Kind::kChunked || pipeline_.size() < 2) return false;
    const codec::FilterStep& first = pipeline_.front();
    if (first.id != codec::kFilterShuffle) return false;
    if (!first.params.empty() && static_cast<int64_t>(first.params[0]) != ItemSize(dtype_)) return false;
    const ChunkEntry& e = index_[static_cast<size_t>(grid_.Ravel(chunk))];
    if (e.offset < 0 || (e.filter_mask & 1u) != 0 || Unfiltered(e.filter_mask)) return false;
    return grid_.ChunkBox(chunk).shape() == layout_.storage_chunk;
  }

  Index StagedBytes(const ChunkIndex& /*chunk*/) const override {
    return NumElements(layout_.storage_chunk) * ItemSize(dtype_);
  }

  Status ReadStaged(const ChunkIndex& chunk, std::span<std::byte> staged) const override {
    if (!CanReadStaged(chunk)) return Internal("ReadStaged on a chunk that cannot be staged");
    const ChunkEntry& e = index_[static_cast<size_t>(grid_.Ravel(chunk))];
    if (static_cast<Index>(staged.size()) != StagedBytes(chunk))
      return InvalidArgument(
          fmt::format("a staging buffer of {} bytes for a chunk of {}", staged.size(), StagedBytes(chunk)));
    thread_local std::vector<std::byte> stored;
    stored.resize(static_cast<size_t>(e.size));
    HC_RETURN_IF_ERROR(PreadFully(*file_, stored.data(), e.size, e.offset));
    // Every filter but the first (the shuffle), with the mask's bits shifted alike.
    return codec::DecodeChunk(std::span(pipeline_).subspan(1), e.filter_mask >> 1, stored, staged,
                              static_cast<size_t>(ItemSize(dtype_)));
  }

  Status ReadFromStaged(const ChunkIndex& chunk, std::span<const std::byte> staged, const Box& box_in_chunk,
                        NdArray& out) const override {
    const Shape& full = layout_.storage_chunk;
    const size_t rank = full.size();
    const int64_t item = ItemSize(dtype_);
    if (!Contains(Box::Full(grid_.ChunkBox(chunk).shape()), box_in_chunk) || out.shape() != box_in_chunk.shape() ||
        static_cast<Index>(staged.size()) != NumElements(full) * item)
      return InvalidArgument(fmt::format("cannot read {} of a staged chunk of shape {} into an array of shape {}",
                                         box_in_chunk.ToString(), ShapeToString(full), ShapeToString(out.shape())));
    if (out.size() == 0) return Status::Ok();
    // Runs of consecutive elements: the trailing axes the box covers whole, and one more.
    size_t split = rank;  // axes [split, rank) are merged into one run
    Index run = 1;
    while (split > 0) {
      const size_t d = split - 1;
      run *= box_in_chunk.extent(d);
      split = d;
      if (box_in_chunk.extent(d) != full[d]) break;
    }
    std::vector<Index> stride(rank, 1);
    for (size_t d = rank; d-- > 1;) stride[d - 1] = stride[d] * full[d];
    std::vector<Index> pos(box_in_chunk.start.begin(), box_in_chunk.start.begin() + static_cast<std::ptrdiff_t>(split));
    auto* dst = static_cast<std::byte*>(out.raw());
    const Index runs = out.size() / run;
    for (Index r = 0; r < runs; ++r) {
      Index first = 0;
      for (size_t d = 0; d < split; ++d) first += pos[d] * stride[d];
      for (size_t d = split; d < rank; ++d) first += box_in_chunk.start[d] * stride[d];
      codec::UnshuffleRange(staged, static_cast<size_t>(item), static_cast<size_t>(first), static_cast<size_t>(run),
                            dst + r * run * item);
      for (size_t d = split; d-- > 0;) {
        if (++pos[d] < box_in_chunk.stop[d]) break;
        pos[d] = box_in_chunk.start[d];
      }
    }
    if (layout_.big_endian) SwapBytes(out.raw(), out.size(), item);
    return Status::Ok();
  }

 private:
  // Whether a chunk's bytes are stored as they are: no filters, or every filter skipped.
  bool Unfiltered(uint32_t filter_mask) const {
    const uint32_t all = (1u << pipeline_.size()) - 1;
    return pipeline_.empty() || (filter_mask & all) == all;
  }

  Status ReadStoredChunk(const ChunkIndex& chunk, NdArray& out) const {
    const ChunkEntry& e = index_[static_cast<size_t>(grid_.Ravel(chunk))];
    const Box box = grid_.ChunkBox(chunk);
    const int64_t item = ItemSize(dtype_);
    if (e.offset == -1) return Fill(out);
    // The stored chunk always has the full chunk shape, also at the array's edges.
    const Shape full = layout_.storage_chunk;
    const bool whole = box.shape() == full;
    NdArray target = whole ? out : NdArray::Empty(dtype_, full);
    const int64_t full_bytes = NumElements(full) * item;
    auto bytes = std::span<std::byte>(static_cast<std::byte*>(target.raw()), static_cast<size_t>(full_bytes));
    const uint32_t all = (1u << pipeline_.size()) - 1;
    if (e.offset == kReadThroughHdf5) {
      // Raw bytes through HDF5 (its lock; a fast B-tree lookup), decoded here.
      thread_local std::vector<std::byte> stored;
      stored.resize(static_cast<size_t>(e.size));
      std::vector<hsize_t> at(box.start.begin(), box.start.end());
      uint32_t mask = 0;
      HC_RETURN_IF_ERROR(h5::Check(H5Dread_chunk(dset_.id(), H5P_DEFAULT, at.data(), &mask, stored.data()),
                                   "cannot read a raw chunk"));
      if (pipeline_.empty() || (mask & all) == all) {
        if (e.size != full_bytes)
          return DataLoss(fmt::format("an unfiltered chunk stores {} bytes, expected {}", e.size, full_bytes));
        std::memcpy(bytes.data(), stored.data(), static_cast<size_t>(full_bytes));
      } else {
        HC_RETURN_IF_ERROR(codec::DecodeChunk(pipeline_, mask, stored, bytes, static_cast<size_t>(item)));
      }
    } else if (pipeline_.empty() || (e.filter_mask & all) == all) {
      if (e.size != full_bytes)
        return DataLoss(fmt::format("an unfiltered chunk stores {} bytes, expected {}", e.size, full_bytes));
      HC_RETURN_IF_ERROR(PreadFully(*file_, bytes.data(), full_bytes, e.offset));
    } else {
      thread_local std::vector<std::byte> stored;
      stored.resize(static_cast<size_t>(e.size));
      HC_RETURN_IF_ERROR(PreadFully(*file_, stored.data(), e.size, e.offset));
      HC_RETURN_IF_ERROR(codec::DecodeChunk(pipeline_, e.filter_mask, stored, bytes, static_cast<size_t>(item)));
    }
    if (layout_.big_endian) SwapBytes(target.raw(), target.size(), item);
    if (!whole) {
      Box sub = Box::Full(box.shape());
      CopyBox(target, sub, out, sub);
    }
    return Status::Ok();
  }

  Status ReadContiguous(const ChunkIndex& chunk, NdArray& out) const {
    if (layout_.contiguous_offset < 0) return Fill(out);
    const Box box = grid_.ChunkBox(chunk);
    const auto strides = ContiguousStrides(shape_);
    int64_t first = 0;
    for (size_t d = 0; d < box.rank(); ++d) first += box.start[d] * strides[d];
    const int64_t item = ItemSize(dtype_);
    HC_RETURN_IF_ERROR(PreadFully(*file_, out.raw(), out.nbytes(), layout_.contiguous_offset + first * item));
    if (layout_.big_endian) SwapBytes(out.raw(), out.size(), item);
    return Status::Ok();
  }

  Status ReadWithHdf5(const Box& box, NdArray& out) const {
    h5::Handle fspace(H5Dget_space(dset_.id()));
    std::vector<hsize_t> start(box.start.begin(), box.start.end()), count(box.rank());
    for (size_t d = 0; d < box.rank(); ++d) count[d] = static_cast<hsize_t>(box.extent(d));
    if (box.rank() > 0)
      HC_RETURN_IF_ERROR(
          h5::Check(H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
                    "cannot select a region"));
    h5::Handle mspace(box.rank() > 0 ? H5Screate_simple(static_cast<int>(box.rank()), count.data(), nullptr)
                                     : H5Screate(H5S_SCALAR));
    h5::Handle mtype = h5::MemoryType(dtype_);
    if (dtype_ == DType::kBool) {
      std::vector<int8_t> raw(static_cast<size_t>(out.size()));
      HC_RETURN_IF_ERROR(h5::Check(H5Dread(dset_.id(), mtype.id(), mspace.id(), fspace.id(), H5P_DEFAULT, raw.data()),
                                   "H5Dread failed"));
      for (size_t i = 0; i < raw.size(); ++i) out.data<bool>()[i] = raw[i] != 0;
      return Status::Ok();
    }
    return h5::Check(H5Dread(dset_.id(), mtype.id(), mspace.id(), fspace.id(), H5P_DEFAULT, out.raw()),
                     "H5Dread failed");
  }

  Status Fill(NdArray& out) const {
    const int64_t item = ItemSize(dtype_);
    auto* p = static_cast<char*>(out.raw());
    for (Index i = 0; i < out.size(); ++i) std::memcpy(p + i * item, fill_.raw(), static_cast<size_t>(item));
    return Status::Ok();
  }

  std::shared_ptr<H5File> file_;
  std::string dataset_;
  h5::Handle dset_;
  DType dtype_;
  Shape shape_;
  ChunkGrid grid_;
  DatasetLayout layout_;
  std::vector<codec::FilterStep> pipeline_;
  std::vector<ChunkEntry> index_;
  NdArray fill_;
  Status read_error_;
};

// Reads the pipeline of a dataset creation property list.
std::vector<codec::FilterStep> ReadPipeline(hid_t dcpl) {
  std::vector<codec::FilterStep> steps;
  const int n = H5Pget_nfilters(dcpl);
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0, cd[16];
    size_t ncd = 16;
    char name[256] = {0};
    unsigned config = 0;
    const H5Z_filter_t id =
        H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &ncd, cd, sizeof(name), name, &config);
    codec::FilterStep step;
    step.id = static_cast<int>(id);
    step.params.assign(cd, cd + std::min<size_t>(ncd, 16));
    step.name = name;
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace

Result<std::shared_ptr<const ChunkSource>> OpenDatasetSource(std::shared_ptr<H5File> file, const std::string& dataset,
                                                             int64_t contiguous_chunk_bytes) {
  auto where = [&](const Status& s) { return s.WithContext(fmt::format("{}:{}", file->path(), dataset)); };
  auto dset_r = h5::OpenDataset(file->id(), dataset);
  if (!dset_r.ok()) return where(dset_r.status());
  h5::Handle dset = std::move(*dset_r);
  h5::Handle type(H5Dget_type(dset.id()));
  const auto dtype = h5::ToDType(type.id());
  if (!dtype)
    return where(
        Unimplemented("its element type (e.g. float16, complex, strings, ragged) is not one hyperchunk reads: "
                      "bool, int8-int64, uint8-uint64, float32, float64"));
  h5::Handle space(H5Dget_space(dset.id()));
  Shape shape;
  for (hsize_t d : h5::Dims(space.id())) shape.push_back(static_cast<Index>(d));
  h5::Handle dcpl(H5Dget_create_plist(dset.id()));

  DatasetLayout layout;
  layout.big_endian = h5::IsBigEndian(type.id());
  std::vector<codec::FilterStep> pipeline = ReadPipeline(dcpl.id());
  layout.filters = static_cast<int64_t>(pipeline.size());
  const int64_t item = ItemSize(*dtype);

  // Fill value for unallocated chunks (0 unless the file says otherwise).
  NdArray fill = NdArray::Zeros(*dtype, {});
  {
    H5D_fill_value_t defined;
    if (H5Pfill_value_defined(dcpl.id(), &defined) >= 0 && defined == H5D_FILL_VALUE_USER_DEFINED) {
      h5::Handle mtype = h5::MemoryType(*dtype);
      if (*dtype == DType::kBool) {
        int8_t v = 0;
        if (H5Pget_fill_value(dcpl.id(), mtype.id(), &v) >= 0) fill.data<bool>()[0] = v != 0;
      } else {
        H5Pget_fill_value(dcpl.id(), mtype.id(), fill.raw());
      }
    }
    h5::LastError();
  }

  const H5D_layout_t kind = H5Pget_layout(dcpl.id());
  ChunkGrid grid;
  std::vector<ChunkEntry> index;
  if (kind == H5D_CHUNKED && codec::CheckPipelineSupported(pipeline).ok()) {
    layout.kind = DatasetLayout::Kind::kChunked;
    std::vector<hsize_t> cdims(shape.size());
    if (H5Pget_chunk(dcpl.id(), static_cast<int>(cdims.size()), cdims.data()) < 0)
      return where(IoError("cannot read its chunk shape: " + h5::LastError()));
    for (hsize_t c : cdims) layout.storage_chunk.push_back(static_cast<Index>(c));
    grid = ChunkGrid::Regular(shape, layout.storage_chunk);
    // The chunk index, built once: file offsets (one H5Dget_chunk_info_by_coord per chunk) for the
    // pread path; past kMaxChunksForOffsetIndex chunks only sizes (a fast lookup), and the raw
    // bytes come through H5Dread_chunk. (HDF5 1.10 has no chunk iterator.)
    const Index n = grid.num_chunks();
    const bool offsets = n <= kMaxChunksForOffsetIndex;
    index.resize(static_cast<size_t>(n));
    std::vector<hsize_t> offset(shape.size());
    for (Index c = 0; c < n; ++c) {
      const Box b = grid.ChunkBox(grid.Unravel(c));
      if (b.rank() > 0 && b.empty()) continue;
      for (size_t d = 0; d < shape.size(); ++d) offset[d] = static_cast<hsize_t>(b.start[d]);
      ChunkEntry& e = index[static_cast<size_t>(c)];
      if (!offsets) {
        hsize_t size = 0;
        if (H5Dget_chunk_storage_size(dset.id(), offset.data(), &size) < 0)
          return where(DataLoss(fmt::format("cannot look up chunk {} in the chunk index: {}",
                                            ShapeToString(grid.Unravel(c)), h5::LastError())));
        if (size > 0) {
          e.offset = kReadThroughHdf5;
          e.size = static_cast<int64_t>(size);
        }
        continue;
      }
      unsigned mask = 0;
      haddr_t addr = HADDR_UNDEF;
      hsize_t size = 0;
      if (H5Dget_chunk_info_by_coord(dset.id(), offset.data(), &mask, &addr, &size) < 0)
        return where(DataLoss(fmt::format("cannot look up chunk {} in the chunk index: {}",
                                          ShapeToString(grid.Unravel(c)), h5::LastError())));
      if (addr != HADDR_UNDEF) {
        e.offset = static_cast<int64_t>(addr);
        e.size = static_cast<int64_t>(size);
        e.filter_mask = mask;
        if (e.offset + e.size > file->size())
          return where(
              DataLoss(fmt::format("chunk {} lies past the end of the file (truncated?): bytes {}..{} of {}",
                                   ShapeToString(grid.Unravel(c)), e.offset, e.offset + e.size, file->size())));
      }
    }
  } else if (kind == H5D_CONTIGUOUS && pipeline.empty()) {
    layout.kind = DatasetLayout::Kind::kContiguous;
    const haddr_t addr = H5Dget_offset(dset.id());
    h5::LastError();
    layout.contiguous_offset = addr == HADDR_UNDEF ? -1 : static_cast<int64_t>(addr);
    if (layout.contiguous_offset >= 0 && layout.contiguous_offset + NumElements(shape) * item > file->size())
      return where(
          DataLoss(fmt::format("its data lies past the end of the file (truncated?): needs {} bytes from "
                               "offset {}, the file has {}",
                               NumElements(shape) * item, layout.contiguous_offset, file->size())));
    grid = ChunkGrid::Regular(shape, ContiguousSlabChunks(shape, item, contiguous_chunk_bytes));
  }
  Status read_error;
  if (layout.kind == DatasetLayout::Kind::kOther) {
    // Compact layout or filters we do not decode: HDF5 reads it (serialised), in our chunks.
    if (kind == H5D_CHUNKED) {
      std::vector<hsize_t> cdims(shape.size());
      H5Pget_chunk(dcpl.id(), static_cast<int>(cdims.size()), cdims.data());
      Shape cs(cdims.begin(), cdims.end());
      grid = ChunkGrid::Regular(shape, cs);
      const Status unsupported = codec::CheckPipelineSupported(pipeline);
      // A filter HDF5 itself cannot apply either: reads fail, naming it; opening (info) still works.
      for (const auto& step : pipeline) {
        if (H5Zfilter_avail(static_cast<H5Z_filter_t>(step.id)) <= 0) {
          h5::LastError();
          read_error = unsupported;
        }
      }
    } else {
      grid = ChunkGrid::Regular(shape, ContiguousSlabChunks(shape, item, contiguous_chunk_bytes));
    }
  }
  auto source =
      std::make_shared<Hdf5DatasetSource>(file, dataset, std::move(dset), *dtype, shape, std::move(grid),
                                          std::move(layout), std::move(pipeline), std::move(index), std::move(fill));
  source->SetReadError(std::move(read_error));
  return std::shared_ptr<const ChunkSource>(std::move(source));
}

}  // namespace hyperchunk::internal
