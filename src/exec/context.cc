#include "hyperchunk/exec/context.h"

#include <algorithm>
#include <thread>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "exec/buffer_pool.h"
#include "exec/chunk_cache.h"

namespace hyperchunk {

namespace {
// Pooled buffers: a quarter of the budget, at most 512 MiB.
int64_t PoolCapacity(int64_t limit) { return std::min<int64_t>(limit / 4, int64_t{512} << 20); }
int64_t CacheBudget(const ContextOptions& o) {
  return o.chunk_cache_bytes < 0 ? o.memory_limit / 2 : std::min(o.chunk_cache_bytes, o.memory_limit);
}
}  // namespace

Context::Context(ContextOptions options)
    : options_(std::move(options)), ledger_(std::make_shared<internal::MemoryLedger>()) {
  logger_ = options_.logger;
  if (!logger_)
    logger_ = std::make_shared<spdlog::logger>("hyperchunk", std::make_shared<spdlog::sinks::null_sink_mt>());
  pool_ = std::make_unique<internal::BufferPool>(ledger_, PoolCapacity(options_.memory_limit), options_.memory_limit);
  cache_ = std::make_unique<internal::SharedChunkCache>(ledger_, CacheBudget(options_));
}

// The cache goes first: its buffers return to the pool.
Context::~Context() { cache_.reset(); }

int Context::threads() const {
  if (options_.threads > 0) return options_.threads;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

MemoryStats Context::memory_stats() const { return MemoryStats{ledger_->current(), ledger_->peak()}; }

void Context::ResetMemoryStats() { ledger_->ResetPeak(); }

ChunkCacheStats Context::chunk_cache_stats() const { return cache_->stats(); }

int64_t Context::ClearChunkCache() { return cache_->Clear(); }

void Context::AccountAcquire(int64_t bytes) { ledger_->Acquire(bytes); }

bool Context::TryAccountAcquire(int64_t bytes) { return ledger_->TryAcquire(bytes, options_.memory_limit); }

void Context::AccountRelease(int64_t bytes) { ledger_->Release(bytes); }

}  // namespace hyperchunk
