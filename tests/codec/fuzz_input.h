// The input format of the fuzz_decode_chunk target, shared with its seed generator.
//
//   byte 0      pipeline: index into FuzzPipelines() (modulo its size)
//   byte 1      element size in bytes, minus 1 (modulo 16)
//   byte 2      the chunk's filter mask
//   bytes 3-4   decoded chunk size in bytes (little-endian uint16)
//   bytes 5-    the stored chunk
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "codec/codec.h"

namespace hyperchunk::codec::fuzz {

inline constexpr size_t kHeaderBytes = 5;

/// The pipelines the fuzzer decodes with; element size 0 in a shuffle's params means "none given".
inline std::vector<std::vector<FilterStep>> FuzzPipelines(unsigned element_size) {
  const FilterStep shuffle{kFilterShuffle, {element_size}, "shuffle"};
  const FilterStep shuffle_no_params{kFilterShuffle, {}, ""};
  const FilterStep deflate{kFilterDeflate, {4}, "deflate"};
  const FilterStep fletcher{kFilterFletcher32, {}, "fletcher32"};
  const FilterStep blosc{kFilterBlosc, {2, 2, element_size}, "blosc"};
  return {
      {},
      {deflate},
      {shuffle_no_params, deflate},
      {shuffle, deflate, fletcher},
      {deflate, shuffle},
      {shuffle},
      {deflate, deflate},
      {fletcher},
      {shuffle, deflate, blosc},
      {fletcher, shuffle, deflate, fletcher, shuffle},
  };
}

struct FuzzInput {
  size_t pipeline = 0;
  unsigned element_size = 1;
  uint32_t filter_mask = 0;
  size_t out_size = 0;
  std::span<const std::byte> stored;
};

inline FuzzInput ParseFuzzInput(std::span<const std::byte> data) {
  FuzzInput input;
  if (data.size() < kHeaderBytes) return input;
  const auto byte = [&](size_t i) { return std::to_integer<unsigned>(data[i]); };
  input.pipeline = byte(0);
  input.element_size = 1 + byte(1) % 16;
  input.filter_mask = byte(2);
  input.out_size = byte(3) | byte(4) << 8;
  input.stored = data.subspan(kHeaderBytes);
  return input;
}

inline std::vector<std::byte> MakeFuzzHeader(size_t pipeline, unsigned element_size, uint32_t filter_mask,
                                             size_t out_size) {
  return {static_cast<std::byte>(pipeline), static_cast<std::byte>(element_size - 1),
          static_cast<std::byte>(filter_mask), static_cast<std::byte>(out_size & 0xff),
          static_cast<std::byte>(out_size >> 8 & 0xff)};
}

}  // namespace hyperchunk::codec::fuzz
