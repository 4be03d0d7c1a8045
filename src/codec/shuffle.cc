// HDF5's shuffle filter (H5Zshuffle.c): a byte transpose of the whole elements, trailing bytes kept.
//
// With SSE2 (every x86-64), element sizes K = 2, 4, 8 and 16 move 16 elements per step through a
// network of byte unpacks. Number the bytes of V = K 16-byte registers linearly (register index in
// the high bits, byte index in the low 4 bits): one stage of
//   t[2j] = unpacklo_epi8(v[j], v[j + V/2]),  t[2j+1] = unpackhi_epi8(v[j], v[j + V/2])
// rotates that (log2 K + 4)-bit index left by one bit. Unshuffling 16 elements loads one register
// per byte plane (index = plane:element) and needs element:plane, a rotation by log2 K bits:
// log2 K stages. Shuffling loads 16 consecutive elements (index = element:plane) and needs a
// rotation by 4 bits: 4 stages. Other sizes, the last n % 16 elements and other targets use scalar
// loops (specialised per size, which compilers unroll).
#include <algorithm>
#include <cassert>
#include <cstring>

#include "codec/codec.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#define HC_CODEC_HAVE_SSE2 1
#else
#define HC_CODEC_HAVE_SSE2 0
#endif

namespace hyperchunk::codec {
namespace {

constexpr size_t kBlockElements = 16;  // elements per SIMD step: one 16-byte register per byte plane

/// Scalar transpose of elements [begin, n): out[i * K + b] = in[b * n + i].
template <size_t K>
void UnshuffleScalar(const std::byte* in, std::byte* out, size_t n, size_t begin) {
  for (size_t elem_idx = begin; elem_idx < n; ++elem_idx) {
    for (size_t byte_idx = 0; byte_idx < K; ++byte_idx) out[elem_idx * K + byte_idx] = in[byte_idx * n + elem_idx];
  }
}

/// Scalar transpose of elements [begin, n): out[b * n + i] = in[i * K + b].
template <size_t K>
void ShuffleScalar(const std::byte* in, std::byte* out, size_t n, size_t begin) {
  for (size_t elem_idx = begin; elem_idx < n; ++elem_idx) {
    for (size_t byte_idx = 0; byte_idx < K; ++byte_idx) out[byte_idx * n + elem_idx] = in[elem_idx * K + byte_idx];
  }
}

void UnshuffleAnySize(const std::byte* in, std::byte* out, size_t n, size_t k) {
  for (size_t elem_idx = 0; elem_idx < n; ++elem_idx) {
    for (size_t byte_idx = 0; byte_idx < k; ++byte_idx) out[elem_idx * k + byte_idx] = in[byte_idx * n + elem_idx];
  }
}

void ShuffleAnySize(const std::byte* in, std::byte* out, size_t n, size_t k) {
  for (size_t elem_idx = 0; elem_idx < n; ++elem_idx) {
    for (size_t byte_idx = 0; byte_idx < k; ++byte_idx) out[byte_idx * n + elem_idx] = in[elem_idx * k + byte_idx];
  }
}

#if HC_CODEC_HAVE_SSE2

/// One stage of the unpack network over V registers (see the file comment).
template <size_t V>
inline void UnpackStage(__m128i (&v)[V]) {
  __m128i t[V];
  for (size_t j = 0; j < V / 2; ++j) {
    t[2 * j] = _mm_unpacklo_epi8(v[j], v[j + V / 2]);
    t[2 * j + 1] = _mm_unpackhi_epi8(v[j], v[j + V / 2]);
  }
  for (size_t j = 0; j < V; ++j) v[j] = t[j];
}

constexpr size_t Log2(size_t k) { return k <= 1 ? 0 : 1 + Log2(k / 2); }

template <size_t K>
void UnshuffleKernel(const std::byte* in, std::byte* out, size_t n) {
  const size_t blocked = n - n % kBlockElements;
  for (size_t elem_idx = 0; elem_idx < blocked; elem_idx += kBlockElements) {
    __m128i v[K];
    for (size_t plane = 0; plane < K; ++plane) {
      v[plane] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + plane * n + elem_idx));
    }
    for (size_t stage = 0; stage < Log2(K); ++stage) UnpackStage(v);
    std::byte* dst = out + elem_idx * K;
    for (size_t reg = 0; reg < K; ++reg) _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 16 * reg), v[reg]);
  }
  UnshuffleScalar<K>(in, out, n, blocked);
}

template <size_t K>
void ShuffleKernel(const std::byte* in, std::byte* out, size_t n) {
  const size_t blocked = n - n % kBlockElements;
  for (size_t elem_idx = 0; elem_idx < blocked; elem_idx += kBlockElements) {
    __m128i v[K];
    const std::byte* src = in + elem_idx * K;
    for (size_t reg = 0; reg < K; ++reg) v[reg] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 16 * reg));
    for (size_t stage = 0; stage < 4; ++stage) UnpackStage(v);
    for (size_t plane = 0; plane < K; ++plane) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + plane * n + elem_idx), v[plane]);
    }
  }
  ShuffleScalar<K>(in, out, n, blocked);
}

#else

template <size_t K>
void UnshuffleKernel(const std::byte* in, std::byte* out, size_t n) {
  UnshuffleScalar<K>(in, out, n, 0);
}
template <size_t K>
void ShuffleKernel(const std::byte* in, std::byte* out, size_t n) {
  ShuffleScalar<K>(in, out, n, 0);
}

#endif  // HC_CODEC_HAVE_SSE2

/// The transposed part of both directions; returns false for sizes without a specialisation.
template <bool kForward>
bool Transpose(const std::byte* in, std::byte* out, size_t n, size_t element_size) {
  switch (element_size) {
    case 2: kForward ? ShuffleKernel<2>(in, out, n) : UnshuffleKernel<2>(in, out, n); return true;
    case 3: kForward ? ShuffleScalar<3>(in, out, n, 0) : UnshuffleScalar<3>(in, out, n, 0); return true;
    case 4: kForward ? ShuffleKernel<4>(in, out, n) : UnshuffleKernel<4>(in, out, n); return true;
    case 6: kForward ? ShuffleScalar<6>(in, out, n, 0) : UnshuffleScalar<6>(in, out, n, 0); return true;
    case 8: kForward ? ShuffleKernel<8>(in, out, n) : UnshuffleKernel<8>(in, out, n); return true;
    case 12: kForward ? ShuffleScalar<12>(in, out, n, 0) : UnshuffleScalar<12>(in, out, n, 0); return true;
    case 16: kForward ? ShuffleKernel<16>(in, out, n) : UnshuffleKernel<16>(in, out, n); return true;
    default: return false;
  }
}

template <bool kForward>
void ShuffleBytes(std::span<const std::byte> in, std::span<std::byte> out, size_t element_size) {
  assert(in.size() == out.size());
  const size_t size = std::min(in.size(), out.size());
  if (size == 0) return;
  if (element_size <= 1) {
    std::memcpy(out.data(), in.data(), size);
    return;
  }
  const size_t n = size / element_size;
  const size_t whole_bytes = n * element_size;
  if (!Transpose<kForward>(in.data(), out.data(), n, element_size)) {
    if (kForward) {
      ShuffleAnySize(in.data(), out.data(), n, element_size);
    } else {
      UnshuffleAnySize(in.data(), out.data(), n, element_size);
    }
  }
  if (whole_bytes < size) std::memcpy(out.data() + whole_bytes, in.data() + whole_bytes, size - whole_bytes);
}

/// Elements [first, first + count) of an unshuffle whose byte planes are `stride` bytes apart.
template <size_t K>
void UnshuffleRangeKernel(const std::byte* in, size_t stride, size_t first, size_t count, std::byte* out) {
  size_t done = 0;
#if HC_CODEC_HAVE_SSE2
  if constexpr (K == 2 || K == 4 || K == 8 || K == 16) {
    for (; done + kBlockElements <= count; done += kBlockElements) {
      __m128i v[K];
      for (size_t plane = 0; plane < K; ++plane) {
        v[plane] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + plane * stride + first + done));
      }
      for (size_t stage = 0; stage < Log2(K); ++stage) UnpackStage(v);
      std::byte* dst = out + done * K;
      for (size_t reg = 0; reg < K; ++reg) _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 16 * reg), v[reg]);
    }
    // A short rest (a narrow window of each pixel's spectrum is a run of a dozen elements): one
    // block of 16 that holds it and stays inside the planes, the rest's elements copied out.
    if (done < count && stride >= kBlockElements) {
      const size_t at = std::min(first + done, stride - kBlockElements);
      __m128i v[K];
      for (size_t plane = 0; plane < K; ++plane) {
        v[plane] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + plane * stride + at));
      }
      for (size_t stage = 0; stage < Log2(K); ++stage) UnpackStage(v);
      alignas(16) std::byte block[kBlockElements * K];
      for (size_t reg = 0; reg < K; ++reg) _mm_store_si128(reinterpret_cast<__m128i*>(block + 16 * reg), v[reg]);
      std::memcpy(out + done * K, block + (first + done - at) * K, (count - done) * K);
      done = count;
    }
  }
#endif
  for (; done < count; ++done) {
    for (size_t byte_idx = 0; byte_idx < K; ++byte_idx) out[done * K + byte_idx] = in[byte_idx * stride + first + done];
  }
}

}  // namespace

void UnshuffleRange(std::span<const std::byte> shuffled, size_t element_size, size_t first, size_t count,
                    std::byte* out) {
  if (count == 0) return;
  const size_t n = element_size == 0 ? 0 : shuffled.size() / element_size;
  assert(first + count <= n);
  const std::byte* in = shuffled.data();
  switch (element_size) {
    case 1: std::memcpy(out, in + first, count); return;
    case 2: UnshuffleRangeKernel<2>(in, n, first, count, out); return;
    case 4: UnshuffleRangeKernel<4>(in, n, first, count, out); return;
    case 8: UnshuffleRangeKernel<8>(in, n, first, count, out); return;
    case 16: UnshuffleRangeKernel<16>(in, n, first, count, out); return;
    default:
      for (size_t i = 0; i < count; ++i) {
        for (size_t b = 0; b < element_size; ++b) out[i * element_size + b] = in[b * n + first + i];
      }
  }
}

void Shuffle(std::span<const std::byte> in, std::span<std::byte> out, size_t element_size) {
  ShuffleBytes<true>(in, out, element_size);
}

void Unshuffle(std::span<const std::byte> in, std::span<std::byte> out, size_t element_size) {
  ShuffleBytes<false>(in, out, element_size);
}

}  // namespace hyperchunk::codec
