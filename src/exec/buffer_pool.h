// A pool of large, equally sized buffers (internal). Chunks of one array all have the same byte
// size, so a freed chunk buffer is the next chunk's: reusing it saves the kernel from zeroing fresh
// pages (about a page fault per 4 KiB; buffers of 2 MiB and more also ask for transparent huge
// pages). Tile temporaries (copies of parts of cached chunks) are pooled too while a computation
// runs. Retained buffers count in the Context's memory ledger, so the budget covers them; the
// executor trims the pool whenever the budget is tight, and drops the small ones after each plan.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "hyperchunk/core/ndarray.h"

namespace hyperchunk::internal {

/// Bytes the engine holds: reservations of running tasks, cached chunks, results, pooled buffers.
class MemoryLedger {
 public:
  void Acquire(int64_t bytes);
  /// Acquires `bytes` only if that keeps the total within `limit`; check and add are one step, so
  /// concurrent callers (task admission, buffers returning to the pool) cannot overshoot together.
  bool TryAcquire(int64_t bytes, int64_t limit);
  void Release(int64_t bytes);
  int64_t current() const;
  int64_t peak() const;
  void ResetPeak();

 private:
  mutable std::mutex mu_;
  int64_t current_ = 0;
  int64_t peak_ = 0;
};

/// An uninitialised array, not pooled; from 2 MiB on aligned to and advised to use transparent
/// huge pages (fewer page faults on first touch).
NdArray AllocateLarge(DType dtype, Shape shape);

class BufferPool {
 public:
  /// Retains at most `capacity` bytes, and only while the ledger stays within `limit`.
  BufferPool(std::shared_ptr<MemoryLedger> ledger, int64_t capacity, int64_t limit);
  ~BufferPool();

  /// An uninitialised array; its bytes come back to the pool when the last view is gone.
  NdArray Allocate(DType dtype, Shape shape);
  /// Frees every retained buffer; returns the bytes freed.
  int64_t Trim();
  /// Frees the retained buffers smaller than kMinRetainedBytes (tile temporaries), keeping chunk
  /// buffers for the next computation; returns the bytes freed.
  int64_t TrimSmall();
  int64_t retained() const;

  /// Buffers smaller than this are left to malloc (tile-sized temporaries and up are pooled).
  static constexpr int64_t kMinPooledBytes = int64_t{64} << 10;
  /// Buffers smaller than this are pooled only while a computation runs (see TrimSmall).
  static constexpr int64_t kMinRetainedBytes = int64_t{1} << 20;

 private:
  int64_t TrimBelow(int64_t limit_bytes);

  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace hyperchunk::internal
