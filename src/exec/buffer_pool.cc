#include "exec/buffer_pool.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <new>

namespace hyperchunk::internal {

void MemoryLedger::Acquire(int64_t bytes) {
  std::lock_guard lock(mu_);
  current_ += bytes;
  peak_ = std::max(peak_, current_);
}
bool MemoryLedger::TryAcquire(int64_t bytes, int64_t limit) {
  std::lock_guard lock(mu_);
  if (current_ + bytes > limit) return false;
  current_ += bytes;
  peak_ = std::max(peak_, current_);
  return true;
}
void MemoryLedger::Release(int64_t bytes) {
  std::lock_guard lock(mu_);
  current_ -= bytes;
}
int64_t MemoryLedger::current() const {
  std::lock_guard lock(mu_);
  return current_;
}
int64_t MemoryLedger::peak() const {
  std::lock_guard lock(mu_);
  return peak_;
}
void MemoryLedger::ResetPeak() {
  std::lock_guard lock(mu_);
  peak_ = current_;
}

namespace {

constexpr std::align_val_t kAlign{64};
constexpr int64_t kHugePageBytes = int64_t{2} << 20;

// Buffers of a huge page or more are aligned to huge pages and advised to use them (transparent
// huge pages in "madvise" mode): the first touch of a 64 MiB chunk buffer then costs 32 page
// faults instead of 16384.
void* AllocateBytes(int64_t bytes) {
  if (bytes < kHugePageBytes) return ::operator new(static_cast<size_t>(bytes), kAlign);
  const int64_t rounded = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  void* p = ::operator new (static_cast<size_t>(rounded), std::align_val_t{static_cast<size_t>(kHugePageBytes)});
  ::madvise(p, static_cast<size_t>(rounded), MADV_HUGEPAGE);  // advice only: failure changes nothing
  return p;
}

void FreeBytes(void* p, int64_t bytes) {
  if (bytes < kHugePageBytes) return ::operator delete(p, kAlign);
  ::operator delete (p, std::align_val_t{static_cast<size_t>(kHugePageBytes)});
}

}  // namespace

NdArray AllocateLarge(DType dtype, Shape shape) {
  const int64_t bytes = NumElements(shape) * ItemSize(dtype);
  if (bytes < kHugePageBytes) return NdArray::Empty(dtype, std::move(shape));
  void* p = AllocateBytes(bytes);
  std::shared_ptr<void> owner(p, [bytes](void* q) { FreeBytes(q, bytes); });
  return NdArray::Wrap(dtype, std::move(shape), std::move(owner), p);
}

struct BufferPool::State {
  std::shared_ptr<MemoryLedger> ledger;
  int64_t capacity = 0;
  int64_t limit = 0;
  std::mutex mu;
  std::unordered_map<int64_t, std::vector<void*>> free;  // by byte size
  int64_t retained = 0;
  bool closed = false;

  void Return(void* p, int64_t bytes) {
    {
      std::lock_guard lock(mu);
      if (!closed && retained + bytes <= capacity && ledger->TryAcquire(bytes, limit)) {
        free[bytes].push_back(p);
        retained += bytes;
        return;
      }
    }
    FreeBytes(p, bytes);
  }
};

BufferPool::BufferPool(std::shared_ptr<MemoryLedger> ledger, int64_t capacity, int64_t limit)
    : state_(std::make_shared<State>()) {
  state_->ledger = std::move(ledger);
  state_->capacity = capacity;
  state_->limit = limit;
}

BufferPool::~BufferPool() {
  Trim();
  std::lock_guard lock(state_->mu);
  state_->closed = true;
}

NdArray BufferPool::Allocate(DType dtype, Shape shape) {
  const int64_t bytes = NumElements(shape) * ItemSize(dtype);
  if (bytes < kMinPooledBytes) return NdArray::Empty(dtype, std::move(shape));
  void* p = nullptr;
  {
    std::lock_guard lock(state_->mu);
    auto it = state_->free.find(bytes);
    if (it != state_->free.end() && !it->second.empty()) {
      p = it->second.back();
      it->second.pop_back();
      state_->retained -= bytes;
      state_->ledger->Release(bytes);
    }
  }
  if (!p) p = AllocateBytes(bytes);
  std::shared_ptr<State> state = state_;
  std::shared_ptr<void> owner(p, [state, bytes](void* q) { state->Return(q, bytes); });
  return NdArray::Wrap(dtype, std::move(shape), std::move(owner), p);
}

int64_t BufferPool::Trim() { return TrimBelow(INT64_MAX); }

int64_t BufferPool::TrimSmall() { return TrimBelow(kMinRetainedBytes); }

int64_t BufferPool::TrimBelow(int64_t limit_bytes) {
  std::vector<std::pair<void*, int64_t>> drop;
  int64_t freed = 0;
  {
    std::lock_guard lock(state_->mu);
    for (auto it = state_->free.begin(); it != state_->free.end();) {
      const auto& [bytes, list] = *it;
      if (bytes >= limit_bytes) {
        ++it;
        continue;
      }
      for (void* p : list) drop.emplace_back(p, bytes);
      freed += bytes * static_cast<int64_t>(list.size());
      it = state_->free.erase(it);
    }
    state_->retained -= freed;
    if (freed) state_->ledger->Release(freed);
  }
  for (const auto& [p, bytes] : drop) FreeBytes(p, bytes);
  return freed;
}

int64_t BufferPool::retained() const {
  std::lock_guard lock(state_->mu);
  return state_->retained;
}

}  // namespace hyperchunk::internal
