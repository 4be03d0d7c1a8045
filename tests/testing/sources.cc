#include "testing/sources.h"

#include <cstring>
#include <thread>

#include "testing/eager_internal.h"

namespace hyperchunk::test {

CountingSource::CountingSource(NdArray data, ChunkGrid grid, std::string name)
    : data_(std::move(data)), grid_(std::move(grid)), name_(std::move(name)) {
  const Index n = grid_.num_chunks();
  counts_ = std::make_unique<std::atomic<int64_t>[]>(static_cast<size_t>(n));
  bytes_ = std::make_unique<std::atomic<int64_t>[]>(static_cast<size_t>(n));
  ResetCounts();
}

namespace {

bool InsideGrid(const ChunkGrid& grid, const ChunkIndex& chunk) {
  const Shape grid_shape = grid.grid_shape();
  bool inside = chunk.size() == grid_shape.size();
  for (size_t dim = 0; inside && dim < chunk.size(); ++dim) inside = chunk[dim] >= 0 && chunk[dim] < grid_shape[dim];
  return inside;
}

// Counts a read in flight for as long as it lives, and records the most at once.
class ReadInFlight {
 public:
  ReadInFlight(std::atomic<int64_t>& concurrent, std::atomic<int64_t>& max_concurrent) : concurrent_(concurrent) {
    const int64_t now = concurrent_.fetch_add(1) + 1;
    int64_t seen = max_concurrent.load();
    while (now > seen && !max_concurrent.compare_exchange_weak(seen, now)) {
    }
  }
  ~ReadInFlight() { concurrent_.fetch_sub(1); }
  ReadInFlight(const ReadInFlight&) = delete;
  ReadInFlight& operator=(const ReadInFlight&) = delete;

 private:
  std::atomic<int64_t>& concurrent_;
};

}  // namespace

Status CountingSource::ReadChunkBox(const ChunkIndex& chunk, const Box& box_in_chunk, NdArray& out) const {
  const ReadInFlight in_flight(concurrent_, max_concurrent_);
  if (!partial_ || !InsideGrid(grid_, chunk)) {
    bad_calls_.fetch_add(1);
    return Internal("CountingSource: ReadChunkBox called without partial reads, or outside the grid");
  }
  const Box chunk_box = grid_.ChunkBox(chunk);
  if (box_in_chunk.rank() != chunk_box.rank() || !Contains(Box::Full(chunk_box.shape()), box_in_chunk) ||
      out.dtype() != data_.dtype() || out.shape() != box_in_chunk.shape() || (out.size() > 0 && out.raw() == nullptr)) {
    bad_calls_.fetch_add(1);
    return Internal("CountingSource: a box outside the chunk, or `out` not shaped as the box");
  }
  Box box = box_in_chunk;
  for (size_t dim = 0; dim < box.rank(); ++dim) {
    box.start[dim] += chunk_box.start[dim];
    box.stop[dim] += chunk_box.start[dim];
  }
  partial_reads_.fetch_add(1);
  counts_[static_cast<size_t>(grid_.Ravel(chunk))].fetch_add(1);
  bytes_[static_cast<size_t>(grid_.Ravel(chunk))].fetch_add(out.nbytes());
  if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
  if (fail_chunk_ && *fail_chunk_ == chunk) return fail_status_;
  CopyBoxForTest(data_, box, out);
  return Status::Ok();
}

Status CountingSource::ReadChunk(const ChunkIndex& chunk, NdArray& out) const {
  const ReadInFlight in_flight(concurrent_, max_concurrent_);
  if (!InsideGrid(grid_, chunk)) {
    bad_calls_.fetch_add(1);
    return Internal("CountingSource: chunk index outside the grid");
  }
  counts_[static_cast<size_t>(grid_.Ravel(chunk))].fetch_add(1);
  const Box box = grid_.ChunkBox(chunk);
  if (out.dtype() != data_.dtype() || out.shape() != box.shape() || (out.size() > 0 && out.raw() == nullptr)) {
    bad_calls_.fetch_add(1);
    return Internal("CountingSource: `out` is not shaped as the chunk");
  }
  bytes_[static_cast<size_t>(grid_.Ravel(chunk))].fetch_add(out.nbytes());
  if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
  if (fail_chunk_ && *fail_chunk_ == chunk) return fail_status_;
  CopyBoxForTest(data_, box, out);
  return Status::Ok();
}

void CountingSource::FailOn(ChunkIndex chunk, Status error) {
  fail_chunk_ = std::move(chunk);
  fail_status_ = std::move(error);
}

int64_t CountingSource::reads(const ChunkIndex& chunk) const {
  return counts_[static_cast<size_t>(grid_.Ravel(chunk))].load();
}

int64_t CountingSource::total_reads() const {
  int64_t total = 0;
  for (Index i = 0; i < grid_.num_chunks(); ++i) total += counts_[static_cast<size_t>(i)].load();
  return total;
}

int64_t CountingSource::bytes_read(const ChunkIndex& chunk) const {
  return bytes_[static_cast<size_t>(grid_.Ravel(chunk))].load();
}

int64_t CountingSource::total_bytes_read() const {
  int64_t total = 0;
  for (Index i = 0; i < grid_.num_chunks(); ++i) total += bytes_[static_cast<size_t>(i)].load();
  return total;
}

void CountingSource::ResetCounts() {
  for (Index i = 0; i < grid_.num_chunks(); ++i) {
    counts_[static_cast<size_t>(i)].store(0);
    bytes_[static_cast<size_t>(i)].store(0);
  }
  partial_reads_.store(0);
}

void CopyBoxForTest(const NdArray& src, const Box& box, NdArray& out) {
  const size_t item = static_cast<size_t>(ItemSize(src.dtype()));
  const std::vector<Index> strides = internal::Strides(src.shape());
  internal::ForEachIndex(box.shape(), [&](const std::vector<Index>& index, Index linear) {
    Index pos = 0;
    for (size_t dim = 0; dim < index.size(); ++dim) pos += (box.start[dim] + index[dim]) * strides[dim];
    std::memcpy(static_cast<char*>(out.raw()) + static_cast<size_t>(linear) * item,
                static_cast<const char*>(src.raw()) + static_cast<size_t>(pos) * item, item);
  });
}

void PasteBoxForTest(const NdArray& values, const Box& box, NdArray& dst) {
  const size_t item = static_cast<size_t>(ItemSize(dst.dtype()));
  const std::vector<Index> strides = internal::Strides(dst.shape());
  internal::ForEachIndex(box.shape(), [&](const std::vector<Index>& index, Index linear) {
    Index pos = 0;
    for (size_t dim = 0; dim < index.size(); ++dim) pos += (box.start[dim] + index[dim]) * strides[dim];
    std::memcpy(static_cast<char*>(dst.raw()) + static_cast<size_t>(pos) * item,
                static_cast<const char*>(values.raw()) + static_cast<size_t>(linear) * item, item);
  });
}

}  // namespace hyperchunk::test
