#include "exec/buffer_pool.h"

#include <algorithm>
#include <new>

namespace hyperchunk::internal {

void MemoryLedger::Acquire(int64_t bytes) {
  std::lock_guard lock(mu_);
  current_ += bytes;
  peak_ = std::max(peak_, current_);
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
      if (!closed && retained + bytes <= capacity && ledger->current() + bytes <= limit) {
        free[bytes].push_back(p);
        retained += bytes;
        ledger->Acquire(bytes);
        return;
      }
    }
    ::operator delete(p, kAlign);
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
  if (!p) p = ::operator new(static_cast<size_t>(bytes), kAlign);
  std::shared_ptr<State> state = state_;
  std::shared_ptr<void> owner(p, [state, bytes](void* q) { state->Return(q, bytes); });
  return NdArray::Wrap(dtype, std::move(shape), std::move(owner), p);
}

int64_t BufferPool::Trim() {
  std::vector<void*> drop;
  int64_t freed = 0;
  {
    std::lock_guard lock(state_->mu);
    for (auto& [bytes, list] : state_->free) {
      for (void* p : list) drop.push_back(p);
      freed += bytes * static_cast<int64_t>(list.size());
    }
    state_->free.clear();
    state_->retained = 0;
    if (freed) state_->ledger->Release(freed);
  }
  for (void* p : drop) ::operator delete(p, kAlign);
  return freed;
}

int64_t BufferPool::retained() const {
  std::lock_guard lock(state_->mu);
  return state_->retained;
}

}  // namespace hyperchunk::internal
