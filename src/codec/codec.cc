// HDF5's filter pipeline for one chunk (H5Z_pipeline): names, fletcher32, decode and encode.
#include "codec/codec.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "codec/deflate_internal.h"

namespace hyperchunk::codec {
namespace {

struct KnownFilter {
  int id;
  std::string_view name;
};
constexpr KnownFilter kKnownFilters[] = {
    {kFilterDeflate, "deflate"},
    {kFilterShuffle, "shuffle"},
    {kFilterFletcher32, "fletcher32"},
    {kFilterSzip, "szip"},
    {kFilterNbit, "nbit"},
    {kFilterScaleOffset, "scaleoffset"},
    {307, "bzip2"},
    {kFilterLzf, "lzf"},
    {kFilterBlosc, "blosc"},
    {kFilterLz4, "lz4"},
    {kFilterBitshuffle, "bitshuffle"},
    {32013, "zfp"},
    {kFilterZstd, "zstd"},
    {32026, "blosc2"},
};

constexpr size_t kChecksumBytes = 4;
/// HDF5 records at most 32 filters per pipeline; the per-chunk mask has one bit per filter.
constexpr size_t kMaskBits = 32;

Status UnsupportedFilter(const FilterStep& step) {
  std::string_view name = FilterName(step.id);
  if (name.empty()) name = step.name;
  std::string label = name.empty() ? std::string() : fmt::format(" ({})", name);
  return Unimplemented(
      fmt::format("HDF5 filter {}{} is not supported; hyperchunk decodes deflate (gzip), shuffle "
                  "and fletcher32",
                  step.id, label));
}

Result<size_t> ShuffleElementSize(const FilterStep& step, size_t element_size) {
  const size_t size = step.params.empty() ? element_size : step.params[0];
  if (size == 0) return InvalidArgument("the shuffle filter needs an element size of at least 1 byte, got 0");
  return size;
}

bool IsActive(uint32_t filter_mask, size_t step_idx) {
  return step_idx >= kMaskBits || ((filter_mask >> step_idx) & 1u) == 0;
}

/// The size the data must have after decoding step `step_idx`, if the remaining steps (those before
/// it in the pipeline) determine it: shuffle keeps the size, fletcher32 strips 4 bytes, deflate
/// makes it unknowable.
std::optional<size_t> SizeAfterDecoding(std::span<const FilterStep> pipeline, uint32_t filter_mask, size_t step_idx,
                                        size_t out_size) {
  size_t size = out_size;
  for (size_t later = 0; later < step_idx; ++later) {
    if (!IsActive(filter_mask, later)) continue;
    if (pipeline[later].id == kFilterFletcher32) size += kChecksumBytes;
    if (pipeline[later].id == kFilterDeflate) return std::nullopt;
  }
  return size;
}

uint32_t LoadLittleEndian32(const std::byte* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

thread_local std::vector<std::byte> tls_scratch;

}  // namespace

std::string_view FilterName(int id) {
  for (const KnownFilter& filter : kKnownFilters) {
    if (filter.id == id) return filter.name;
  }
  return {};
}

bool IsFilterSupported(int id) { return id == kFilterDeflate || id == kFilterShuffle || id == kFilterFletcher32; }

Status CheckPipelineSupported(std::span<const FilterStep> pipeline) {
  for (const FilterStep& step : pipeline) {
    if (!IsFilterSupported(step.id)) return UnsupportedFilter(step);
  }
  return Status::Ok();
}

uint32_t Fletcher32(std::span<const std::byte> data) {
  // H5_checksum_fletcher32, step for step: sums start at 0 and are folded every 360 words, the
  // most that cannot overflow, so that the (not fully reduced) result is bit-identical.
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  size_t words = data.size() / 2;
  uint32_t sum1 = 0;
  uint32_t sum2 = 0;
  while (words > 0) {
    size_t block = std::min<size_t>(words, 360);
    words -= block;
    for (; block > 0; --block) {
      sum1 += static_cast<uint32_t>(bytes[0]) << 8 | static_cast<uint32_t>(bytes[1]);
      bytes += 2;
      sum2 += sum1;
    }
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  }
  if (data.size() % 2 != 0) {
    sum1 += static_cast<uint32_t>(bytes[0]) << 8;
    sum2 += sum1;
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  }
  sum1 = (sum1 & 0xffff) + (sum1 >> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  return sum2 << 16 | sum1;
}

Status VerifyFletcher32(std::span<const std::byte> chunk_with_checksum) {
  if (chunk_with_checksum.size() < kChecksumBytes) {
    return DataLoss(
        fmt::format("fletcher32 chunk has {} bytes, fewer than its 4-byte checksum", chunk_with_checksum.size()));
  }
  const size_t data_size = chunk_with_checksum.size() - kChecksumBytes;
  const uint32_t stored = LoadLittleEndian32(chunk_with_checksum.data() + data_size);
  const uint32_t computed = Fletcher32(chunk_with_checksum.first(data_size));
  // HDF5 before 1.6.3 swapped the bytes within each 16-bit half on little-endian machines.
  const uint32_t swapped = (computed & 0x00ff00ffu) << 8 | (computed & 0xff00ff00u) >> 8;
  if (stored == computed || stored == swapped) return Status::Ok();
  return DataLoss(fmt::format("fletcher32 checksum mismatch: stored {:#010x}, computed {:#010x} over {} bytes", stored,
                              computed, data_size));
}

void AppendFletcher32(std::vector<std::byte>& data) {
  const uint32_t checksum = Fletcher32(data);
  for (int shift = 0; shift < 32; shift += 8) data.push_back(static_cast<std::byte>(checksum >> shift));
}

Status DecodeChunk(std::span<const FilterStep> pipeline, uint32_t filter_mask, std::span<const std::byte> stored,
                   std::span<std::byte> out, size_t element_size, std::vector<std::byte>& scratch) {
  // The step after which no data-producing step remains writes straight into `out`.
  size_t last_active = pipeline.size();
  for (size_t step_idx = 0; step_idx < pipeline.size(); ++step_idx) {
    if (!IsActive(filter_mask, step_idx)) continue;
    if (!IsFilterSupported(pipeline[step_idx].id)) return UnsupportedFilter(pipeline[step_idx]);
    if (last_active == pipeline.size()) last_active = step_idx;
  }
  std::vector<std::byte> extra;  // a second intermediate, only for pipelines of 3+ data steps
  std::span<const std::byte> current = stored;
  // Where the next intermediate goes: whichever of scratch / extra does not hold `current`.
  auto intermediate = [&]() -> std::vector<std::byte>& {
    return !scratch.empty() && current.data() == scratch.data() ? extra : scratch;
  };
  for (size_t step_idx = pipeline.size(); step_idx-- > 0;) {
    if (!IsActive(filter_mask, step_idx)) continue;
    const FilterStep& step = pipeline[step_idx];
    const bool into_out = step_idx == last_active;
    auto in_context = [&](const Status& status) {
      return status.WithContext(fmt::format("filter {} ({})", step_idx, FilterName(step.id)));
    };
    Status status;
    if (step.id == kFilterFletcher32) {
      status = VerifyFletcher32(current);
      if (status.ok()) current = current.first(current.size() - kChecksumBytes);
    } else if (step.id == kFilterShuffle) {
      HC_ASSIGN_OR_RETURN(const size_t shuffle_size, ShuffleElementSize(step, element_size));
      if (into_out && current.size() != out.size()) {
        return in_context(DataLoss(fmt::format("unshuffling {} bytes, expected {}", current.size(), out.size())));
      }
      std::span<std::byte> dst = out;
      if (!into_out) {
        std::vector<std::byte>& buffer = intermediate();
        if (buffer.size() < current.size()) buffer.resize(current.size());
        dst = std::span<std::byte>(buffer).first(current.size());
      }
      Unshuffle(current, dst, shuffle_size);
      current = dst;
    } else if (into_out) {  // deflate
      status = InflateZlib(current, out);
      current = out;
    } else if (const std::optional<size_t> expected = SizeAfterDecoding(pipeline, filter_mask, step_idx, out.size())) {
      std::vector<std::byte>& buffer = intermediate();
      if (buffer.size() < *expected) buffer.resize(*expected);
      const std::span<std::byte> dst = std::span<std::byte>(buffer).first(*expected);
      status = InflateZlib(current, dst);
      current = dst;
    } else {
      std::vector<std::byte>& buffer = intermediate();
      status = internal::InflateZlibUnknownSize(current, buffer);
      current = buffer;
    }
    if (!status.ok()) return in_context(status);
  }
  if (current.data() == out.data() && current.size() == out.size()) return Status::Ok();
  if (current.size() != out.size()) {
    return DataLoss(fmt::format("chunk decodes to {} bytes, expected {}", current.size(), out.size()));
  }
  if (!out.empty()) std::memcpy(out.data(), current.data(), out.size());
  return Status::Ok();
}

Status DecodeChunk(std::span<const FilterStep> pipeline, uint32_t filter_mask, std::span<const std::byte> stored,
                   std::span<std::byte> out, size_t element_size) {
  return DecodeChunk(pipeline, filter_mask, stored, out, element_size, tls_scratch);
}

void ReleaseThreadScratch() { std::vector<std::byte>().swap(tls_scratch); }

Result<std::vector<std::byte>> EncodeChunk(std::span<const FilterStep> pipeline, std::span<const std::byte> chunk,
                                           size_t element_size) {
  HC_RETURN_IF_ERROR(CheckPipelineSupported(pipeline));
  std::vector<std::byte> owned;
  std::span<const std::byte> current = chunk;
  for (size_t step_idx = 0; step_idx < pipeline.size(); ++step_idx) {
    const FilterStep& step = pipeline[step_idx];
    if (step.id == kFilterDeflate) {
      if (step.params.size() != 1 || step.params[0] > 9) {
        return InvalidArgument(fmt::format("filter {} (deflate) needs one parameter, a level 0-9; got [{}]", step_idx,
                                           fmt::join(step.params, ", ")));
      }
      HC_ASSIGN_OR_RETURN(owned, DeflateZlib(current, static_cast<int>(step.params[0])));
    } else if (step.id == kFilterShuffle) {
      HC_ASSIGN_OR_RETURN(const size_t shuffle_size, ShuffleElementSize(step, element_size));
      std::vector<std::byte> shuffled(current.size());
      Shuffle(current, shuffled, shuffle_size);
      owned = std::move(shuffled);
    } else {  // fletcher32
      if (current.data() != owned.data()) owned.assign(current.begin(), current.end());
      AppendFletcher32(owned);
    }
    current = owned;
  }
  if (current.data() != owned.data()) owned.assign(current.begin(), current.end());
  return owned;
}

}  // namespace hyperchunk::codec
