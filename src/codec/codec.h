// Chunk codecs of HDF5's filter pipeline, run in hyperchunk's own threads instead of behind
// HDF5's global lock: gzip (deflate, filter 1), shuffle (2) and fletcher32 (3).
//
// Byte formats follow HDF5 1.10's filters (H5Zdeflate.c, H5Zshuffle.c, H5Zfletcher32.c,
// H5checksum.c); the pipeline order and the per-chunk filter mask follow the HDF5 file format
// spec, "Data Storage - Filter Pipeline" and "Version 1 B-trees" (chunk filter mask):
// https://docs.hdfgroup.org/hdf5/v1_10/_f_m_t3.html
//
// Every function is thread-safe; the deflate (de)compressors and the decode scratch are per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hyperchunk/core/status.h"

namespace hyperchunk::codec {

/// HDF5 filter ids (H5Zpublic.h and the registry at https://github.com/HDFGroup/hdf5_plugins).
inline constexpr int kFilterDeflate = 1;
inline constexpr int kFilterShuffle = 2;
inline constexpr int kFilterFletcher32 = 3;
inline constexpr int kFilterSzip = 4;
inline constexpr int kFilterNbit = 5;
inline constexpr int kFilterScaleOffset = 6;
inline constexpr int kFilterLzf = 32000;
inline constexpr int kFilterBlosc = 32001;
inline constexpr int kFilterLz4 = 32004;
inline constexpr int kFilterBitshuffle = 32008;
inline constexpr int kFilterZstd = 32015;

/// The deflate level h5py uses for `compression="gzip"` without a level (HyperSpy's default).
inline constexpr int kDefaultDeflateLevel = 4;

// ---- deflate (zlib format) ----------------------------------------------------------------------

/// Decompresses one zlib-format stream (2-byte header, deflate data, Adler-32; what HDF5's gzip
/// filter stores) into `out`, which it must fill exactly: a stream inflating to fewer or more
/// bytes than out.size() is DataLoss quoting both sizes. Bytes after the end of the stream are
/// ignored, as HDF5 does. On error the contents of `out` are unspecified. Uses libdeflate with
/// one decompressor per thread.
Status InflateZlib(std::span<const std::byte> in, std::span<std::byte> out);

/// Compresses `in` into one zlib-format stream. `level` is libdeflate's, 0-12: 0 stores
/// uncompressed blocks, 1-9 match zlib's levels in intent (HDF5's `H5Pset_deflate` level; h5py's
/// `compression_opts`), 10-12 are slower and smaller. Only 0-9 may be recorded in an HDF5 filter
/// pipeline (HDF5's own filter rejects higher levels), which EncodeChunk enforces.
Result<std::vector<std::byte>> DeflateZlib(std::span<const std::byte> in, int level);

// ---- shuffle ------------------------------------------------------------------------------------

/// HDF5's shuffle filter, forward (writing): with n = in.size() / element_size whole elements,
/// byte b of element i moves to out[b * n + i]; the in.size() % element_size trailing bytes are
/// copied unchanged to the end. `in` and `out` have equal sizes and do not overlap;
/// element_size >= 1. Vectorised (SSE2) for element sizes 2, 4 and 8.
void Shuffle(std::span<const std::byte> in, std::span<std::byte> out, size_t element_size);

/// The inverse of Shuffle (HDF5's shuffle filter when reading): out[i * element_size + b] =
/// in[b * n + i]; trailing bytes copied unchanged. Same preconditions as Shuffle.
void Unshuffle(std::span<const std::byte> in, std::span<std::byte> out, size_t element_size);

/// Elements [first, first + count) of what Unshuffle(shuffled) would give, written to `out`
/// (count * element_size bytes): the shuffle of a whole chunk undone for a part of it.
/// `shuffled` holds whole elements only; first + count must not exceed their number.
void UnshuffleRange(std::span<const std::byte> shuffled, size_t element_size, size_t first, size_t count,
                    std::byte* out);

// ---- fletcher32 ---------------------------------------------------------------------------------

/// HDF5's Fletcher-32 of `data` (H5_checksum_fletcher32: big-endian 16-bit words, sums starting
/// at 0, an odd last byte padded with a zero low byte).
uint32_t Fletcher32(std::span<const std::byte> data);

/// Checks a chunk as HDF5's fletcher32 filter stores it: the data followed by its Fletcher32
/// in 4 little-endian bytes. Like HDF5, also accepts the checksum with its 16-bit halves
/// byte-swapped (written by HDF5 before 1.6.3). DataLoss on a mismatch or a chunk under 4 bytes.
Status VerifyFletcher32(std::span<const std::byte> chunk_with_checksum);

/// Appends the 4 checksum bytes of data[0, size) to `data`, as HDF5's fletcher32 filter writes.
void AppendFletcher32(std::vector<std::byte>& data);

// ---- filter pipeline ----------------------------------------------------------------------------

/// One filter of a dataset's pipeline, as HDF5 records it (H5Pget_filter2).
struct FilterStep {
  int id = 0;                    ///< HDF5 filter id: kFilterDeflate, kFilterShuffle, ...
  std::vector<unsigned> params;  ///< client data: deflate {level}, shuffle {element size in bytes}
  std::string name;              ///< the name stored in the file (may be empty); used in messages
};

/// "deflate", "shuffle", "blosc", ...: the well-known name of an HDF5 filter id, or "" if unknown.
std::string_view FilterName(int id);

/// Whether DecodeChunk / EncodeChunk implement filter `id`.
bool IsFilterSupported(int id);

/// OK if every filter of `pipeline` is supported, else Unimplemented naming the first that is not
/// ("HDF5 filter 32001 (blosc) is not supported"). Lets a reader choose its fallback up front.
Status CheckPipelineSupported(std::span<const FilterStep> pipeline);

/// Reverses a dataset's filter pipeline for one stored chunk: the filters run from last to first,
/// skipping filter k when bit k of `filter_mask` (HDF5's per-chunk mask) is set, and the result
/// must fill `out` exactly (a partially filled edge chunk is still stored whole). Shuffle uses its
/// params[0] as element size, or `element_size` (the dataset's, in bytes) when it has no params.
/// Errors: DataLoss for corrupt, truncated or wrongly sized data and checksum mismatches,
/// Unimplemented for unsupported filters; on error the contents of `out` are unspecified.
/// `stored` and `out` must not overlap. Intermediate results go to `scratch` (grown as needed, kept
/// for reuse by the caller).
Status DecodeChunk(std::span<const FilterStep> pipeline, uint32_t filter_mask, std::span<const std::byte> stored,
                   std::span<std::byte> out, size_t element_size, std::vector<std::byte>& scratch);

/// DecodeChunk with this thread's scratch buffer, which keeps the largest intermediate size this
/// thread has needed (one chunk's bytes for shuffle + deflate) until ReleaseThreadScratch().
Status DecodeChunk(std::span<const FilterStep> pipeline, uint32_t filter_mask, std::span<const std::byte> stored,
                   std::span<std::byte> out, size_t element_size);

/// Frees the calling thread's DecodeChunk scratch buffer.
void ReleaseThreadScratch();

/// Applies a dataset's filter pipeline to one chunk for writing, first filter first (HyperSpy's
/// default pipeline is shuffle, then deflate level 4). Deflate needs params {level} with level
/// 0-9, as HDF5 requires; shuffle uses params[0] or `element_size`. The chunk is stored with
/// filter mask 0 (every filter applied).
Result<std::vector<std::byte>> EncodeChunk(std::span<const FilterStep> pipeline, std::span<const std::byte> chunk,
                                           size_t element_size);

}  // namespace hyperchunk::codec
