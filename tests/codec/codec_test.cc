// The chunk codecs against trusted peers: zlib for deflate streams, HDF5's H5Zshuffle.c and
// H5checksum.c (transcribed below) for shuffle and fletcher32, and error paths on damaged input.
// Byte-level interop with the HDF5 library itself is in codec_hdf5_test.cc.
#include "codec/codec.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include "codec/sample_data.h"
#include "testing/compare.h"
#include "testing/random.h"

namespace hyperchunk::codec {
namespace {

using testdata::AsBytes;
using testdata::MakeBytes;
using ::testing::HasSubstr;

/// H5Z__filter_shuffle, forward or reverse, as HDF5 1.10 writes it (only whole elements move, and
/// nothing at all for 1-byte elements or fewer than 2 elements).
std::vector<std::byte> ReferenceShuffle(std::span<const std::byte> in, size_t k, bool reverse) {
  std::vector<std::byte> out(in.begin(), in.end());
  const size_t n = in.size() / k;
  if (k <= 1 || n <= 1) return out;
  for (size_t i = 0; i < n; ++i) {
    for (size_t b = 0; b < k; ++b) {
      if (reverse) {
        out[i * k + b] = in[b * n + i];
      } else {
        out[b * n + i] = in[i * k + b];
      }
    }
  }
  return out;
}

std::vector<std::byte> ZlibCompress(std::span<const std::byte> in, int level) {
  uLongf size = compressBound(in.size());
  std::vector<std::byte> out(size);
  EXPECT_EQ(compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(in.data()), in.size(),
                      level),
            Z_OK);
  out.resize(size);
  return out;
}

std::vector<std::byte> ZlibUncompress(std::span<const std::byte> in, size_t size) {
  std::vector<std::byte> out(size);
  uLongf out_size = size;
  EXPECT_EQ(
      uncompress(reinterpret_cast<Bytef*>(out.data()), &out_size, reinterpret_cast<const Bytef*>(in.data()), in.size()),
      Z_OK);
  EXPECT_EQ(out_size, size);
  return out;
}

std::vector<std::byte> Bytes(std::initializer_list<int> values) {
  std::vector<std::byte> bytes;
  for (int v : values) bytes.push_back(static_cast<std::byte>(v));
  return bytes;
}

// ---- deflate ------------------------------------------------------------------------------------

TEST(DeflateZlib, EveryLevelRoundTripsAndZlibDecodesIt) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{7}, size_t{1000}, size_t{300000}}) {
    const std::vector<std::byte> data = MakeBytes(size, size);
    for (int level = 0; level <= 12; ++level) {
      SCOPED_TRACE("size " + std::to_string(size) + ", level " + std::to_string(level));
      HC_ASSERT_OK_AND_ASSIGN(const std::vector<std::byte> stream, DeflateZlib(data, level));
      EXPECT_EQ(ZlibUncompress(stream, size), data);
      std::vector<std::byte> back(size);
      HC_EXPECT_OK(InflateZlib(stream, back));
      EXPECT_EQ(back, data);
    }
  }
}

TEST(DeflateZlib, LevelOutsideRangeIsInvalid) {
  const std::vector<std::byte> data = MakeBytes(10, 1);
  HC_EXPECT_CODE(DeflateZlib(data, -1), StatusCode::kInvalidArgument);
  HC_EXPECT_CODE(DeflateZlib(data, 13), StatusCode::kInvalidArgument);
}

TEST(DeflateZlib, CompressesSpectra) {
  const std::vector<double> spectra = testdata::MakeSpectra(16, 1024, 7);
  std::vector<std::byte> shuffled(spectra.size() * 8);
  Shuffle(AsBytes(spectra), shuffled, 8);
  HC_ASSERT_OK_AND_ASSIGN(const std::vector<std::byte> stream, DeflateZlib(shuffled, kDefaultDeflateLevel));
  EXPECT_LT(stream.size(), shuffled.size() / 4) << "shuffled whole-number spectra should compress well";
}

TEST(InflateZlib, DecodesZlibStreams) {
  const std::vector<std::byte> data = MakeBytes(100000, 3);
  for (int level : {0, 1, 4, 6, 9}) {
    std::vector<std::byte> back(data.size());
    HC_EXPECT_OK(InflateZlib(ZlibCompress(data, level), back));
    EXPECT_EQ(back, data) << "zlib level " << level;
  }
}

TEST(InflateZlib, WrongSizesQuoteBothSizes) {
  const std::vector<std::byte> data = MakeBytes(1843, 4);
  const std::vector<std::byte> stream = ZlibCompress(data, 6);
  std::vector<std::byte> bigger(65536);
  const Status too_short = InflateZlib(stream, bigger);
  EXPECT_EQ(too_short.code(), StatusCode::kDataLoss);
  EXPECT_THAT(too_short.message(), HasSubstr("inflates to 1843 bytes, expected 65536"));
  std::vector<std::byte> smaller(1000);
  const Status too_long = InflateZlib(stream, smaller);
  EXPECT_EQ(too_long.code(), StatusCode::kDataLoss);
  EXPECT_THAT(too_long.message(), HasSubstr("inflates to 1843 bytes, expected 1000"));
  std::vector<std::byte> nothing;
  HC_EXPECT_CODE(InflateZlib(stream, nothing), StatusCode::kDataLoss);
}

TEST(InflateZlib, BombsAreMeasuredOnlyThatFar) {
  // 80 MiB of zeros deflate to ~80 KiB; the length of a stream much longer than expected is
  // quoted as a lower bound instead of inflating all of it.
  const std::vector<std::byte> zeros(size_t{80} << 20);
  HC_ASSERT_OK_AND_ASSIGN(const std::vector<std::byte> stream, DeflateZlib(zeros, 1));
  std::vector<std::byte> small(1000);
  const Status status = InflateZlib(stream, small);
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("inflates to more than 67109864 bytes, expected 1000"));
}

TEST(InflateZlib, EveryTruncationIsDataLoss) {
  const std::vector<std::byte> data = MakeBytes(5000, 5);
  const std::vector<std::byte> stream = ZlibCompress(data, 6);
  std::vector<std::byte> back(data.size());
  for (size_t keep = 0; keep < stream.size(); ++keep) {
    // A copy of exactly `keep` bytes, so that ASan catches any read past the end.
    const std::vector<std::byte> cut(stream.begin(), stream.begin() + static_cast<ptrdiff_t>(keep));
    const Status status = InflateZlib(cut, back);
    ASSERT_EQ(status.code(), StatusCode::kDataLoss) << keep << ": " << status.ToString();
    if (keep > 2 && keep + 4 < stream.size()) {
      EXPECT_THAT(status.message(), HasSubstr("truncated")) << keep;
    }
  }
}

TEST(InflateZlib, CorruptStreamsAreDataLoss) {
  const std::vector<std::byte> data = MakeBytes(3000, 6);
  const std::vector<std::byte> stream = ZlibCompress(data, 6);
  std::vector<std::byte> back(data.size());
  test::Rng rng(test::SeedForCurrentTest());
  for (size_t pos = 0; pos < stream.size(); ++pos) {
    std::vector<std::byte> damaged = stream;
    damaged[pos] ^= static_cast<std::byte>(1 + rng.Int(0, 254));
    const Status status = InflateZlib(damaged, back);
    if (status.ok()) {
      EXPECT_EQ(back, data) << "a damaged stream decoded to other data, byte " << pos;
    } else {
      EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
    }
  }
  std::vector<std::byte> header_only = Bytes({0x78, 0x9c});
  EXPECT_EQ(InflateZlib(header_only, back).code(), StatusCode::kDataLoss);
  const Status garbage = InflateZlib(MakeBytes(500, 7), back);
  EXPECT_EQ(garbage.code(), StatusCode::kDataLoss);
  EXPECT_THAT(garbage.message(), HasSubstr("corrupt"));
}

TEST(InflateZlib, IgnoresBytesAfterTheStream) {
  const std::vector<std::byte> data = MakeBytes(2000, 8);
  std::vector<std::byte> stream = ZlibCompress(data, 6);
  stream.resize(stream.size() + 17, std::byte{0x55});
  std::vector<std::byte> back(data.size());
  HC_EXPECT_OK(InflateZlib(stream, back));
  EXPECT_EQ(back, data);
}

// ---- shuffle ------------------------------------------------------------------------------------

TEST(Shuffle, MatchesHdf5ForEveryElementSizeAndLength) {
  const std::vector<std::byte> data = MakeBytes(700, 9);
  for (size_t k = 1; k <= 17; ++k) {
    for (size_t size = 0; size <= 3 * 16 * k + 3 && size <= data.size(); ++size) {
      SCOPED_TRACE("element size " + std::to_string(k) + ", " + std::to_string(size) + " bytes");
      const std::span<const std::byte> in(data.data(), size);
      std::vector<std::byte> shuffled(size);
      Shuffle(in, shuffled, k);
      ASSERT_EQ(shuffled, ReferenceShuffle(in, k, false));
      std::vector<std::byte> unshuffled(size);
      Unshuffle(in, unshuffled, k);
      ASSERT_EQ(unshuffled, ReferenceShuffle(in, k, true));
      std::vector<std::byte> back(size);
      Unshuffle(shuffled, back, k);
      ASSERT_TRUE(std::equal(back.begin(), back.end(), in.begin()));
    }
  }
}

TEST(Shuffle, LargeBuffersWithLeftoverBytes) {
  test::ForEachRandomCase(20, [](test::Rng& rng) {
    const size_t k = static_cast<size_t>(rng.Pick(std::vector<int64_t>{2, 3, 4, 5, 8, 16}));
    const size_t size = static_cast<size_t>(rng.Int(0, 200000));
    const std::vector<std::byte> data = MakeBytes(size, rng.Bits());
    std::vector<std::byte> shuffled(size);
    std::vector<std::byte> back(size);
    Shuffle(data, shuffled, k);
    EXPECT_EQ(shuffled, ReferenceShuffle(data, k, false)) << "element size " << k << ", " << size << " bytes";
    Unshuffle(shuffled, back, k);
    EXPECT_EQ(back, data);
  });
}

TEST(Shuffle, UnshuffleRangeIsASliceOfUnshuffle) {
  test::ForEachRandomCase(40, [](test::Rng& rng) {
    const size_t k = static_cast<size_t>(rng.Pick(std::vector<int64_t>{1, 2, 3, 4, 6, 8, 16}));
    const size_t n = static_cast<size_t>(rng.Int(1, 5000));
    const std::vector<std::byte> data = MakeBytes(n * k, rng.Bits());
    std::vector<std::byte> shuffled(n * k);
    Shuffle(data, shuffled, k);
    for (int trial = 0; trial < 20; ++trial) {
      const size_t first = static_cast<size_t>(rng.Int(0, static_cast<int64_t>(n) - 1));
      const size_t count = static_cast<size_t>(rng.Int(0, static_cast<int64_t>(n - first)));
      std::vector<std::byte> got(count * k, std::byte{0x5a});
      UnshuffleRange(shuffled, k, first, count, got.data());
      const std::vector<std::byte> want(data.begin() + static_cast<std::ptrdiff_t>(first * k),
                                        data.begin() + static_cast<std::ptrdiff_t>((first + count) * k));
      ASSERT_EQ(got, want) << "element size " << k << ", elements " << first << " + " << count << " of " << n;
    }
    // Short runs (narrow windows), also at the planes' ends.
    for (int trial = 0; trial < 20; ++trial) {
      const size_t count = std::min(n, static_cast<size_t>(rng.Int(1, 17)));
      const size_t first =
          trial % 4 == 0 ? n - count : static_cast<size_t>(rng.Int(0, static_cast<int64_t>(n - count)));
      std::vector<std::byte> got(count * k);
      UnshuffleRange(shuffled, k, first, count, got.data());
      const std::vector<std::byte> want(data.begin() + static_cast<std::ptrdiff_t>(first * k),
                                        data.begin() + static_cast<std::ptrdiff_t>((first + count) * k));
      ASSERT_EQ(got, want) << "element size " << k << ", elements " << first << " + " << count << " of " << n;
    }
  });
}

TEST(Shuffle, GroupsBytesByPosition) {
  const std::vector<std::byte> in = Bytes({0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23, 99, 98});
  std::vector<std::byte> out(in.size());
  Shuffle(in, out, 4);
  EXPECT_EQ(out, Bytes({0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23, 99, 98}));
}

// ---- fletcher32 ---------------------------------------------------------------------------------

TEST(Fletcher32, MatchesHdf5Arithmetic) {
  EXPECT_EQ(Fletcher32({}), 0u);
  EXPECT_EQ(Fletcher32(Bytes({0x01, 0x02})), 0x01020102u);
  EXPECT_EQ(Fletcher32(Bytes({0x01, 0x02, 0x03})), 0x05040402u);
  // Long runs of 0xff exercise the folding every 360 words.
  std::vector<std::byte> ones(100001, std::byte{0xff});
  uint64_t sum1 = 0;
  uint64_t sum2 = 0;
  for (size_t i = 0; i + 1 < ones.size(); i += 2) {
    sum1 = (sum1 + 0xffff) % 0xffff;
    sum2 = (sum2 + sum1) % 0xffff;
  }
  sum1 = (sum1 + 0xff00) % 0xffff;
  sum2 = (sum2 + sum1) % 0xffff;
  const uint32_t got = Fletcher32(ones);
  EXPECT_EQ((got & 0xffff) % 0xffff, sum1);
  EXPECT_EQ((got >> 16) % 0xffff, sum2);
}

TEST(Fletcher32, VerifiesAppendedChecksum) {
  std::vector<std::byte> chunk = MakeBytes(1001, 10);
  AppendFletcher32(chunk);
  ASSERT_EQ(chunk.size(), 1005u);
  HC_EXPECT_OK(VerifyFletcher32(chunk));
  chunk[500] ^= std::byte{0x40};
  const Status bad = VerifyFletcher32(chunk);
  EXPECT_EQ(bad.code(), StatusCode::kDataLoss);
  EXPECT_THAT(bad.message(), HasSubstr("checksum mismatch"));
  HC_EXPECT_CODE(VerifyFletcher32(Bytes({1, 2, 3})), StatusCode::kDataLoss);
  HC_EXPECT_OK(VerifyFletcher32(Bytes({0, 0, 0, 0})));
}

TEST(Fletcher32, AcceptsTheByteSwappedChecksumOfOldHdf5) {
  std::vector<std::byte> chunk = Bytes({0x12, 0x34, 0x56});
  const uint32_t sum = Fletcher32(chunk);
  const uint32_t swapped = (sum & 0x00ff00ffu) << 8 | (sum & 0xff00ff00u) >> 8;
  for (int shift = 0; shift < 32; shift += 8) chunk.push_back(static_cast<std::byte>(swapped >> shift));
  HC_EXPECT_OK(VerifyFletcher32(chunk));
}

// ---- pipeline -----------------------------------------------------------------------------------

const FilterStep kShuffle8{kFilterShuffle, {8}, "shuffle"};
const FilterStep kDeflate4{kFilterDeflate, {4}, "deflate"};
const FilterStep kFletcher{kFilterFletcher32, {}, "fletcher32"};

TEST(DecodeChunk, HyperSpyDefaultPipeline) {
  const std::vector<double> spectra = testdata::MakeSpectra(8, 512, 11);
  const std::vector<FilterStep> pipeline = {kShuffle8, kDeflate4};
  HC_ASSERT_OK_AND_ASSIGN(const std::vector<std::byte> stored, EncodeChunk(pipeline, AsBytes(spectra), 8));
  // By hand: shuffle, then deflate.
  std::vector<std::byte> shuffled(spectra.size() * 8);
  Shuffle(AsBytes(spectra), shuffled, 8);
  EXPECT_EQ(ZlibUncompress(stored, shuffled.size()), shuffled);
  std::vector<double> back(spectra.size());
  HC_ASSERT_OK(DecodeChunk(pipeline, 0, stored, std::as_writable_bytes(std::span<double>(back)), 8));
  EXPECT_EQ(back, spectra);
}

TEST(DecodeChunk, RoundTripsRandomPipelines) {
  const std::vector<std::vector<FilterStep>> pipelines = {
      {},
      {kDeflate4},
      {kShuffle8},
      {kShuffle8, kDeflate4},
      {kShuffle8, kDeflate4, kFletcher},
      {kFletcher},
      {kDeflate4, kShuffle8},  // shuffles a stream that is not a whole number of elements
      {kDeflate4, kDeflate4},  // the inner inflate cannot know its size in advance
      {{kFilterShuffle, {}, ""}, {kFilterDeflate, {0}, ""}},
      {kFletcher, kShuffle8, kDeflate4, kFletcher, kShuffle8},
  };
  std::vector<std::byte> scratch;
  test::ForEachRandomCase(60, [&](test::Rng& rng) {
    const std::vector<FilterStep>& pipeline = rng.Pick(pipelines);
    const size_t element_size = static_cast<size_t>(rng.Int(1, 9));
    const size_t size = element_size * static_cast<size_t>(rng.Int(0, 5000));
    const std::vector<std::byte> chunk = MakeBytes(size, rng.Bits());
    SCOPED_TRACE(std::to_string(pipeline.size()) + " filters, " + std::to_string(size) + " bytes");
    HC_ASSERT_OK_AND_ASSIGN(const std::vector<std::byte> stored, EncodeChunk(pipeline, chunk, element_size));
    std::vector<std::byte> back(size);
    HC_ASSERT_OK(DecodeChunk(pipeline, 0, stored, back, element_size, scratch));
    EXPECT_EQ(back, chunk);
    std::fill(back.begin(), back.end(), std::byte{0});
    HC_ASSERT_OK(DecodeChunk(pipeline, 0, stored, back, element_size));
    EXPECT_EQ(back, chunk);
  });
}

TEST(DecodeChunk, SkipsFiltersMaskedForTheChunk) {
  const std::vector<std::byte> chunk = MakeBytes(4000, 12);
  // HDF5 stores a chunk without deflate (mask bit 1) when the optional filter failed for it.
  const std::vector<FilterStep> pipeline = {kShuffle8, kDeflate4};
  std::vector<std::byte> shuffled(chunk.size());
  Shuffle(chunk, shuffled, 8);
  std::vector<std::byte> back(chunk.size());
  HC_ASSERT_OK(DecodeChunk(pipeline, 0b10, shuffled, back, 8));
  EXPECT_EQ(back, chunk);
  HC_ASSERT_OK(DecodeChunk(pipeline, 0b11, chunk, back, 8));
  EXPECT_EQ(back, chunk);
  // An unsupported filter masked off for this chunk is not needed.
  const std::vector<FilterStep> with_blosc = {{kFilterBlosc, {2, 2, 8}, "blosc"}, kShuffle8};
  HC_ASSERT_OK(DecodeChunk(with_blosc, 0b1, shuffled, back, 8));
  EXPECT_EQ(back, chunk);
}

TEST(DecodeChunk, UnsupportedFiltersAreNamed) {
  const std::vector<std::byte> stored = MakeBytes(64, 13);
  std::vector<std::byte> out(64);
  const std::vector<std::pair<int, std::string>> cases = {
      {32001, "HDF5 filter 32001 (blosc) is not supported"},
      {4, "HDF5 filter 4 (szip) is not supported"},
      {32000, "HDF5 filter 32000 (lzf) is not supported"},
      {32004, "HDF5 filter 32004 (lz4) is not supported"},
      {32008, "(bitshuffle)"},
      {32015, "(zstd)"},
      {6, "(scaleoffset)"},
  };
  for (const auto& [id, want] : cases) {
    const std::vector<FilterStep> pipeline = {kShuffle8, {id, {}, ""}};
    const Status status = DecodeChunk(pipeline, 0, stored, out, 8);
    EXPECT_EQ(status.code(), StatusCode::kUnimplemented);
    EXPECT_THAT(status.message(), HasSubstr(want));
    EXPECT_EQ(CheckPipelineSupported(pipeline).code(), StatusCode::kUnimplemented);
    HC_EXPECT_CODE(EncodeChunk(pipeline, stored, 8), StatusCode::kUnimplemented);
  }
  const std::vector<FilterStep> custom = {{40001, {}, "my_filter"}};
  EXPECT_THAT(DecodeChunk(custom, 0, stored, out, 8).message(), HasSubstr("HDF5 filter 40001 (my_filter)"));
  const std::vector<FilterStep> anonymous = {{40002, {}, ""}};
  EXPECT_THAT(DecodeChunk(anonymous, 0, stored, out, 8).message(), HasSubstr("HDF5 filter 40002 is not supported"));
  EXPECT_EQ(FilterName(kFilterDeflate), "deflate");
  EXPECT_TRUE(IsFilterSupported(kFilterFletcher32));
  HC_EXPECT_OK(CheckPipelineSupported(std::vector<FilterStep>{kShuffle8, kDeflate4, kFletcher}));
}

TEST(DecodeChunk, WrongSizesAndDamageAreDataLoss) {
  const std::vector<std::byte> chunk = MakeBytes(4096, 14);
  const std::vector<FilterStep> pipeline = {kShuffle8, kDeflate4, kFletcher};
  HC_ASSERT_OK_AND_ASSIGN(const std::vector<std::byte> stored, EncodeChunk(pipeline, chunk, 8));
  std::vector<std::byte> out(4000);
  const Status wrong_size = DecodeChunk(pipeline, 0, stored, out, 8);
  EXPECT_EQ(wrong_size.code(), StatusCode::kDataLoss);
  EXPECT_THAT(wrong_size.message(),
              HasSubstr("filter 1 (deflate): deflate stream inflates to 4096 bytes, expected 4000"));
  out.resize(4096);
  std::vector<std::byte> damaged = stored;
  damaged[stored.size() / 2] ^= std::byte{1};
  EXPECT_THAT(DecodeChunk(pipeline, 0, damaged, out, 8).message(), HasSubstr("filter 2 (fletcher32): fletcher32"));
  // Without the checksum, deflate's Adler-32 catches the damage.
  EXPECT_EQ(DecodeChunk(pipeline, 0b100, std::span(damaged).first(damaged.size() - 4), out, 8).code(),
            StatusCode::kDataLoss);
  // Unfiltered data of the wrong size.
  const Status raw = DecodeChunk({}, 0, std::span(chunk).first(100), out, 8);
  EXPECT_EQ(raw.code(), StatusCode::kDataLoss);
  EXPECT_THAT(raw.message(), HasSubstr("chunk decodes to 100 bytes, expected 4096"));
  const std::vector<FilterStep> shuffle_only = {kShuffle8};
  EXPECT_THAT(DecodeChunk(shuffle_only, 0, std::span(chunk).first(100), out, 8).message(),
              HasSubstr("unshuffling 100 bytes, expected 4096"));
  const std::vector<FilterStep> zero_size = {{kFilterShuffle, {}, ""}};
  HC_EXPECT_CODE(DecodeChunk(zero_size, 0, chunk, out, 0), StatusCode::kInvalidArgument);
}

TEST(DecodeChunk, EveryTruncationOfAStoredChunkIsDataLoss) {
  const std::vector<double> spectra = testdata::MakeSpectra(4, 256, 15);
  const std::vector<FilterStep> pipeline = {kShuffle8, kDeflate4};
  HC_ASSERT_OK_AND_ASSIGN(const std::vector<std::byte> stored, EncodeChunk(pipeline, AsBytes(spectra), 8));
  std::vector<std::byte> out(spectra.size() * 8);
  for (size_t keep = 0; keep < stored.size(); ++keep) {
    const std::vector<std::byte> cut(stored.begin(), stored.begin() + static_cast<ptrdiff_t>(keep));
    ASSERT_EQ(DecodeChunk(pipeline, 0, cut, out, 8).code(), StatusCode::kDataLoss) << keep;
  }
}

TEST(DecodeChunk, ThreadsDecodeIndependently) {
  // Per-thread decompressors, compressors and scratch buffers (run under TSan in CI).
  const std::vector<FilterStep> pipeline = {kShuffle8, kDeflate4};
  std::vector<std::vector<std::byte>> chunks;
  std::vector<std::vector<std::byte>> stored;
  for (uint64_t chunk_idx = 0; chunk_idx < 8; ++chunk_idx) {
    chunks.push_back(MakeBytes(8 * (1000 + 100 * chunk_idx), chunk_idx));
    HC_ASSERT_OK_AND_ASSIGN(std::vector<std::byte> encoded, EncodeChunk(pipeline, chunks.back(), 8));
    stored.push_back(std::move(encoded));
  }
  for (int threads : test::kThreadCounts) {
    std::vector<int> failures(static_cast<size_t>(threads), 0);
    std::vector<std::thread> workers;
    for (int thread_idx = 0; thread_idx < threads; ++thread_idx) {
      workers.emplace_back([&, thread_idx] {
        for (int round = 0; round < 20; ++round) {
          const size_t chunk_idx = static_cast<size_t>(thread_idx + round) % chunks.size();
          std::vector<std::byte> out(chunks[chunk_idx].size());
          const Status status = DecodeChunk(pipeline, 0, stored[chunk_idx], out, 8);
          Result<std::vector<std::byte>> again = EncodeChunk(pipeline, out, 8);
          if (!status.ok() || out != chunks[chunk_idx] || !again.ok() || *again != stored[chunk_idx]) {
            ++failures[static_cast<size_t>(thread_idx)];
          }
        }
        ReleaseThreadScratch();
      });
    }
    for (std::thread& worker : workers) worker.join();
    for (int thread_idx = 0; thread_idx < threads; ++thread_idx) {
      EXPECT_EQ(failures[static_cast<size_t>(thread_idx)], 0) << threads << " threads, thread " << thread_idx;
    }
  }
}

TEST(EncodeChunk, DeflateNeedsALevelHdf5Accepts) {
  const std::vector<std::byte> chunk = MakeBytes(100, 16);
  for (const std::vector<unsigned>& params : {std::vector<unsigned>{}, {10}, {4, 1}}) {
    const std::vector<FilterStep> pipeline = {{kFilterDeflate, params, "deflate"}};
    const Result<std::vector<std::byte>> encoded = EncodeChunk(pipeline, chunk, 1);
    EXPECT_EQ(encoded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(encoded.status().message(), HasSubstr("level 0-9"));
  }
}

}  // namespace
}  // namespace hyperchunk::codec
