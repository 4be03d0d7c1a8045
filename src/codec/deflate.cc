// zlib-format deflate with libdeflate (one (de)compressor per thread); zlib only explains failures.
#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <libdeflate.h>
#include <zlib.h>

#include "codec/codec.h"
#include "codec/deflate_internal.h"

namespace hyperchunk::codec {
namespace {

struct DecompressorDeleter {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};
struct CompressorDeleter {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

constexpr int kMaxLevel = 12;
/// Past the expected size, a failing stream is inflated this much further to quote its length.
constexpr uint64_t kOverrunCountBytes = uint64_t{64} << 20;
/// Upper bound of an inflate whose size is not known in advance: HDF5 chunks are under 4 GiB.
constexpr size_t kMaxUnknownInflateBytes = size_t{1} << 32;

/// This thread's decompressor, or nullptr when it cannot be allocated.
libdeflate_decompressor* ThreadDecompressor() {
  thread_local std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> decompressor;
  if (!decompressor) decompressor.reset(libdeflate_alloc_decompressor());
  return decompressor.get();
}

/// This thread's compressor for `level` (0-12), or nullptr when it cannot be allocated.
libdeflate_compressor* ThreadCompressor(int level) {
  thread_local std::array<std::unique_ptr<libdeflate_compressor, CompressorDeleter>, kMaxLevel + 1> compressors;
  auto& compressor = compressors[static_cast<size_t>(level)];
  if (!compressor) compressor.reset(libdeflate_alloc_compressor(level));
  return compressor.get();
}

/// What zlib's inflate makes of a stream: how far it got and why it stopped.
struct ZlibVerdict {
  enum class Kind { kComplete, kCorrupt, kTruncated, kTooLong } kind = Kind::kComplete;
  uint64_t produced = 0;  ///< bytes inflated (for kTooLong: at least this many)
  uint64_t consumed = 0;  ///< input bytes read when it stopped
  std::string zlib_message;
};

/// Inflates `in` with zlib, writing the first out.size() bytes into `out` and counting (up to
/// out.size() + kOverrunCountBytes) the rest. Only runs after libdeflate rejected a stream.
ZlibVerdict RunZlib(std::span<const std::byte> in, std::span<std::byte> out) {
  ZlibVerdict verdict;
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) {
    verdict.kind = ZlibVerdict::Kind::kCorrupt;
    verdict.zlib_message = "zlib could not allocate its state";
    return verdict;
  }
  std::array<Bytef, 16384> sink{};
  size_t in_pos = 0;
  const uint64_t count_limit = out.size() + kOverrunCountBytes;
  while (true) {
    if (zs.avail_in == 0 && in_pos < in.size()) {
      const size_t piece = std::min<size_t>(in.size() - in_pos, UINT_MAX);
      // zlib's API takes a non-const pointer but never writes through next_in.
      zs.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(in.data() + in_pos));
      zs.avail_in = static_cast<uInt>(piece);
      in_pos += piece;
    }
    if (zs.avail_out == 0) {
      const uint64_t produced = zs.total_out;
      if (produced < out.size()) {
        zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
        zs.avail_out = static_cast<uInt>(std::min<uint64_t>(out.size() - produced, UINT_MAX));
      } else if (produced >= count_limit) {
        verdict.kind = ZlibVerdict::Kind::kTooLong;
        break;
      } else {
        zs.next_out = sink.data();
        zs.avail_out = static_cast<uInt>(sink.size());
      }
    }
    const int ret = inflate(&zs, Z_NO_FLUSH);
    if (ret == Z_STREAM_END) break;
    if (ret != Z_OK && ret != Z_BUF_ERROR) {
      verdict.kind = ZlibVerdict::Kind::kCorrupt;
      verdict.zlib_message = zs.msg != nullptr ? zs.msg : fmt::format("zlib error {}", ret);
      break;
    }
    if (zs.avail_in == 0 && in_pos == in.size() && zs.avail_out != 0) {
      verdict.kind = ZlibVerdict::Kind::kTruncated;
      break;
    }
  }
  verdict.produced = zs.total_out;
  verdict.consumed = zs.total_in;
  inflateEnd(&zs);
  return verdict;
}

Status ErrorFromVerdict(const ZlibVerdict& verdict, size_t in_size, size_t expected) {
  switch (verdict.kind) {
    case ZlibVerdict::Kind::kComplete:
      return DataLoss(fmt::format("deflate stream inflates to {} bytes, expected {}", verdict.produced, expected));
    case ZlibVerdict::Kind::kCorrupt:
      return DataLoss(fmt::format("deflate stream is corrupt at byte {} of {} ({}; {} of {} bytes inflated)",
                                  verdict.consumed, in_size, verdict.zlib_message, verdict.produced, expected));
    case ZlibVerdict::Kind::kTruncated:
      return DataLoss(fmt::format("deflate stream is truncated: its {} bytes end after inflating {} of {} bytes",
                                  in_size, verdict.produced, expected));
    case ZlibVerdict::Kind::kTooLong:
      return DataLoss(
          fmt::format("deflate stream inflates to more than {} bytes, expected {}", verdict.produced, expected));
  }
  return Internal("unknown zlib verdict");
}

}  // namespace

Status InflateZlib(std::span<const std::byte> in, std::span<std::byte> out) {
  libdeflate_decompressor* decompressor = ThreadDecompressor();
  if (decompressor == nullptr) return ResourceExhausted("cannot allocate a deflate decompressor");
  size_t actual_out = 0;
  const libdeflate_result result =
      libdeflate_zlib_decompress_ex(decompressor, in.data(), in.size(), out.data(), out.size(), nullptr, &actual_out);
  if (result == LIBDEFLATE_SUCCESS) {
    if (actual_out == out.size()) return Status::Ok();
    return DataLoss(fmt::format("deflate stream inflates to {} bytes, expected {}", actual_out, out.size()));
  }
  // libdeflate says only "bad data" or "too long": let zlib say where and how. zlib accepting a
  // stream of the right size that libdeflate refused would be a libdeflate bug; trust zlib then.
  const ZlibVerdict verdict = RunZlib(in, out);
  if (verdict.kind == ZlibVerdict::Kind::kComplete && verdict.produced == out.size()) return Status::Ok();
  return ErrorFromVerdict(verdict, in.size(), out.size());
}

namespace internal {

Status InflateZlibUnknownSize(std::span<const std::byte> in, std::vector<std::byte>& out) {
  libdeflate_decompressor* decompressor = ThreadDecompressor();
  if (decompressor == nullptr) return ResourceExhausted("cannot allocate a deflate decompressor");
  size_t capacity = std::max<size_t>(size_t{64} << 10, in.size() * 4);
  while (true) {
    capacity = std::min(capacity, kMaxUnknownInflateBytes);
    if (out.size() < capacity) out.resize(capacity);
    size_t actual_out = 0;
    const libdeflate_result result =
        libdeflate_zlib_decompress_ex(decompressor, in.data(), in.size(), out.data(), capacity, nullptr, &actual_out);
    if (result == LIBDEFLATE_SUCCESS) {
      out.resize(actual_out);
      return Status::Ok();
    }
    if (result != LIBDEFLATE_INSUFFICIENT_SPACE) break;
    if (capacity == kMaxUnknownInflateBytes) {
      return DataLoss(fmt::format("deflate stream inflates to more than {} bytes", kMaxUnknownInflateBytes));
    }
    capacity *= 2;
  }
  const ZlibVerdict verdict = RunZlib(in, std::span<std::byte>(out));
  if (verdict.kind == ZlibVerdict::Kind::kCorrupt) {
    return DataLoss(fmt::format("deflate stream is corrupt at byte {} of {} ({})", verdict.consumed, in.size(),
                                verdict.zlib_message));
  }
  if (verdict.kind == ZlibVerdict::Kind::kTruncated) {
    return DataLoss(fmt::format("deflate stream is truncated: its {} bytes end after inflating {} bytes", in.size(),
                                verdict.produced));
  }
  return DataLoss("deflate stream is corrupt");
}

}  // namespace internal

Result<std::vector<std::byte>> DeflateZlib(std::span<const std::byte> in, int level) {
  if (level < 0 || level > kMaxLevel) {
    return InvalidArgument(fmt::format("deflate level {} is outside 0-{}", level, kMaxLevel));
  }
  libdeflate_compressor* compressor = ThreadCompressor(level);
  if (compressor == nullptr) {
    return ResourceExhausted(fmt::format("cannot allocate a deflate compressor of level {}", level));
  }
  const size_t bound = libdeflate_zlib_compress_bound(compressor, in.size());
  std::vector<std::byte> out(bound);
  const size_t written = libdeflate_zlib_compress(compressor, in.data(), in.size(), out.data(), out.size());
  if (written == 0) return Internal(fmt::format("deflating {} bytes overflowed the {}-byte bound", in.size(), bound));
  out.resize(written);
  // Give back a large unused tail (compressed chunks may wait in a writer's queue).
  if (out.capacity() - written > out.capacity() / 4) out.shrink_to_fit();
  return out;
}

}  // namespace hyperchunk::codec
