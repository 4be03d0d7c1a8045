// ChunkSources for tests: one that counts its reads (and bytes) per chunk, can read parts of
// chunks, can fail a chosen chunk and can be slowed down, over an in-memory NdArray.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hyperchunk/array/array.h"

namespace hyperchunk::test {

/// Serves the chunks of `data` cut by `grid`, counting reads and bytes per chunk (thread-safe).
class CountingSource : public ChunkSource {
 public:
  CountingSource(NdArray data, ChunkGrid grid, std::string name = "counting");

  DType dtype() const override { return data_.dtype(); }
  const ChunkGrid& chunks() const override { return grid_; }
  std::string name() const override { return name_; }
  Status ReadChunk(const ChunkIndex& chunk, NdArray& out) const override;
  bool CanReadPartial(const ChunkIndex& /*chunk*/) const override { return partial_; }
  /// A read of part of a chunk: counts as a read of the chunk, and its box's bytes.
  Status ReadChunkBox(const ChunkIndex& chunk, const Box& box_in_chunk, NdArray& out) const override;

  /// Whether CanReadPartial says yes (default: no, whole chunks only).
  void set_partial_reads(bool partial) { partial_ = partial; }

  /// ReadChunk of `chunk` returns `error` (every time).
  void FailOn(ChunkIndex chunk, Status error);
  /// Each read sleeps this long first.
  void set_delay(std::chrono::microseconds delay) { delay_ = delay; }

  /// Reads of the chunk, whole or partial.
  int64_t reads(const ChunkIndex& chunk) const;
  int64_t total_reads() const;
  /// Reads that read only a part of their chunk (ReadChunkBox).
  int64_t partial_reads() const { return partial_reads_.load(); }
  /// Bytes read from the chunk (a whole chunk, or the boxes of partial reads).
  int64_t bytes_read(const ChunkIndex& chunk) const;
  int64_t total_bytes_read() const;
  /// Reads whose `out` had the wrong dtype or shape, or a chunk index outside the grid.
  int64_t bad_calls() const { return bad_calls_.load(); }
  /// Most reads running at the same moment.
  int64_t max_concurrent_reads() const { return max_concurrent_.load(); }
  void ResetCounts();

 private:
  NdArray data_;
  ChunkGrid grid_;
  std::string name_;
  std::unique_ptr<std::atomic<int64_t>[]> counts_;
  std::unique_ptr<std::atomic<int64_t>[]> bytes_;
  mutable std::atomic<int64_t> partial_reads_{0};
  bool partial_ = false;
  mutable std::atomic<int64_t> bad_calls_{0};
  mutable std::atomic<int64_t> concurrent_{0};
  mutable std::atomic<int64_t> max_concurrent_{0};
  std::optional<ChunkIndex> fail_chunk_;
  Status fail_status_;
  std::chrono::microseconds delay_{0};
};

/// Copies the box `box` of `src` into `out` (shaped as the box) by the test library's own loops.
void CopyBoxForTest(const NdArray& src, const Box& box, NdArray& out);
/// Writes `values` (shaped as `box`) into the box `box` of `dst`, by the test library's own loops.
void PasteBoxForTest(const NdArray& values, const Box& box, NdArray& dst);

}  // namespace hyperchunk::test
