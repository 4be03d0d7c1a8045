// raw_read_floor: the plainest program that reads the chunks of an HDF5 dataset and sums every
// value, the floor hyperchunk's full pass over a .hspy file is measured against
// (bench/hspy_read_bench.sh). It links neither HDF5 nor hyperchunk: the chunk byte ranges come
// from a text file (bench/hspy_read_bench.py writes it with h5py), one chunk per line:
//
//     <file offset> <stored bytes> <filter mask>
//
//   raw_read_floor --file F.hspy --index F.chunks --chunk-bytes B [--decode none|zlib]
//                  [--shuffle K] [--fused] [--block BYTES] [--mmap] [--threads N] [--repeat N]
//
// Each of N std::threads takes the next chunk (an atomic counter) and
//   --decode none: preads the chunk (whole, or --block bytes at a time, summing each block right
//                  after its read, while it is in cache) and sums it as float64; with --mmap,
//                  sums it straight from a read-only mapping of the file instead (no copy; the
//                  page faults that map the file's cached pages are paid inside the clock: each
//                  pass maps the file afresh and unmaps it at the end, as a new reader would);
//   --decode zlib: preads the stored chunk, inflates it with libdeflate_zlib_decompress into a
//                  chunk-sized buffer, undoes HDF5's byte shuffle (--shuffle K, SSE2) into a
//                  second buffer and sums that; with --fused, unshuffles 4096 elements at a time
//                  into an L1-sized buffer and sums each tile there (the decoded chunk is never
//                  written to memory: the least work a reader that must inflate can do).
// Sums use 8 independent accumulators per thread; the threads' partial sums are added at the
// end. Buffers are allocated and touched before the clock starts.
//
// Prints one line per pass:
//   pass wall_s=... gb_s=... total=... pread_s=... inflate_s=... unshuffle_s=... sum_s=...
// (the phase times are summed over the threads: CPU-ish seconds, not wall), then the median.
// GB/s = 10^9 decoded bytes per second.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <libdeflate.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

struct Chunk {
  int64_t offset = 0;
  int64_t size = 0;
  uint32_t mask = 0;
};

struct Options {
  std::string file;
  std::string index;
  std::string decode = "none";
  int64_t chunk_bytes = 0;
  int shuffle = 0;
  int64_t block = 0;
  int threads = 2;
  int repeat = 1;
  bool fused = false;
  bool mmap = false;
};

void PreadFully(int fd, void* buf, int64_t size, int64_t offset) {
  auto* p = static_cast<char*>(buf);
  int64_t done = 0;
  while (done < size) {
    const ssize_t r = ::pread(fd, p + done, static_cast<size_t>(size - done), offset + done);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) throw std::runtime_error("pread failed at offset " + std::to_string(offset + done));
    done += r;
  }
}

/// Sum of n doubles with 8 independent accumulators.
double SumDoubles(const double* v, int64_t n) {
  double acc[8] = {};
  int64_t k = 0;
  for (; k + 8 <= n; k += 8) {
    for (int lane = 0; lane < 8; ++lane) acc[lane] += v[k + lane];
  }
  for (; k < n; ++k) acc[0] += v[k];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

/// HDF5 unshuffle of elements [first, first + count) of n: out[(i - first) * K + b] = in[b * n + i]
/// (elements of K bytes). K = 8 takes an SSE2 path (16 elements per step, three unpack stages).
void UnshuffleRange(const uint8_t* in, uint8_t* out, int64_t n, int64_t first, int64_t count, int k) {
  int64_t i = first;
  const int64_t end = first + count;
#if defined(__SSE2__)
  if (k == 8) {
    for (; i + 16 <= end; i += 16) {
      __m128i v[8];
      for (int b = 0; b < 8; ++b) v[b] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + b * n + i));
      for (int stage = 0; stage < 3; ++stage) {
        __m128i t[8];
        for (int j = 0; j < 4; ++j) {
          t[2 * j] = _mm_unpacklo_epi8(v[j], v[j + 4]);
          t[2 * j + 1] = _mm_unpackhi_epi8(v[j], v[j + 4]);
        }
        for (int j = 0; j < 8; ++j) v[j] = t[j];
      }
      for (int j = 0; j < 8; ++j) _mm_storeu_si128(reinterpret_cast<__m128i*>(out + (i - first) * 8 + j * 16), v[j]);
    }
  }
#endif
  for (; i < end; ++i) {
    for (int b = 0; b < k; ++b) out[(i - first) * k + b] = in[b * n + i];
  }
}

/// HDF5 unshuffle of a whole buffer of `size` bytes; trailing bytes (size % K) are copied.
void Unshuffle(const uint8_t* in, uint8_t* out, int64_t size, int k) {
  const int64_t n = size / k;
  UnshuffleRange(in, out, n, 0, n, k);
  std::memcpy(out + n * k, in + n * k, static_cast<size_t>(size - n * k));
}

/// The SSE2 path against the scalar definition, on a small odd-sized buffer.
bool UnshuffleSelfTest() {
  const int64_t size = 8 * 77 + 3;
  std::vector<uint8_t> in(size), fast(size), slow(size);
  for (int64_t i = 0; i < size; ++i) in[i] = static_cast<uint8_t>(i * 37 + 11);
  Unshuffle(in.data(), fast.data(), size, 8);
  const int64_t n = size / 8;
  for (int64_t i = 0; i < n; ++i) {
    for (int b = 0; b < 8; ++b) slow[i * 8 + b] = in[b * n + i];
  }
  std::memcpy(slow.data() + n * 8, in.data() + n * 8, size - n * 8);
  std::vector<uint8_t> part(static_cast<size_t>(40 * 8));  // elements [21, 61): an unaligned range
  UnshuffleRange(in.data(), part.data(), n, 21, 40, 8);
  return fast == slow && std::equal(part.begin(), part.end(), slow.begin() + 21 * 8);
}

std::vector<Chunk> ReadIndex(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<Chunk> chunks;
  Chunk c;
  while (in >> c.offset >> c.size >> c.mask) chunks.push_back(c);
  if (chunks.empty()) throw std::runtime_error(path + " lists no chunks");
  return chunks;
}

struct ThreadState {
  std::unique_ptr<uint8_t[]> stored, inflated, decoded;
  double total = 0;
  Clock::duration pread{}, inflate{}, unshuffle{}, sum{};
  libdeflate_decompressor* decompressor = nullptr;
};

struct PassResult {
  double wall = 0, total = 0, pread = 0, inflate = 0, unshuffle = 0, sum = 0;
};

PassResult Pass(const Options& o, int fd, const std::vector<Chunk>& chunks, std::vector<ThreadState>& states) {
  std::atomic<size_t> next{0};
  const bool zlib = o.decode == "zlib";
  const auto start = Clock::now();
  const uint8_t* mapped = nullptr;
  size_t mapped_size = 0;
  if (o.mmap) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw std::runtime_error("cannot stat " + o.file);
    mapped_size = static_cast<size_t>(st.st_size);
    void* m = ::mmap(nullptr, mapped_size, PROT_READ, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) throw std::runtime_error("cannot map " + o.file);
    mapped = static_cast<const uint8_t*>(m);
  }
  auto work = [&](ThreadState& s) {
    s.total = 0;
    s.pread = s.inflate = s.unshuffle = s.sum = {};
    for (size_t c = next++; c < chunks.size(); c = next++) {
      const Chunk& ch = chunks[c];
      if (!zlib && mapped != nullptr) {
        if (ch.size != o.chunk_bytes) throw std::runtime_error("an unfiltered chunk has an unexpected size");
        const auto t0 = Clock::now();
        s.total += SumDoubles(reinterpret_cast<const double*>(mapped + ch.offset), ch.size / 8);
        s.sum += Clock::now() - t0;
        continue;
      }
      if (!zlib) {
        if (ch.size != o.chunk_bytes) throw std::runtime_error("an unfiltered chunk has an unexpected size");
        const int64_t block = o.block > 0 ? o.block : ch.size;
        for (int64_t at = 0; at < ch.size; at += block) {
          const int64_t len = std::min(block, ch.size - at);
          const auto t0 = Clock::now();
          PreadFully(fd, s.stored.get(), len, ch.offset + at);
          const auto t1 = Clock::now();
          s.total += SumDoubles(reinterpret_cast<const double*>(s.stored.get()), len / 8);
          s.pread += t1 - t0;
          s.sum += Clock::now() - t1;
        }
        continue;
      }
      const auto t0 = Clock::now();
      PreadFully(fd, s.stored.get(), ch.size, ch.offset);
      const auto t1 = Clock::now();
      size_t actual = 0;
      // A set bit in the mask means the filter was skipped for this chunk; this file has none.
      if (ch.mask != 0) throw std::runtime_error("chunks with skipped filters are not handled here");
      if (libdeflate_zlib_decompress(s.decompressor, s.stored.get(), static_cast<size_t>(ch.size), s.inflated.get(),
                                     static_cast<size_t>(o.chunk_bytes), &actual) != LIBDEFLATE_SUCCESS ||
          static_cast<int64_t>(actual) != o.chunk_bytes)
        throw std::runtime_error("inflate failed for the chunk at offset " + std::to_string(ch.offset));
      const auto t2 = Clock::now();
      const uint8_t* values = s.inflated.get();
      if (o.fused && o.shuffle > 1) {
        // Unshuffle a tile at a time into an L1-sized buffer and sum it there: the decoded chunk
        // never goes back to memory (the unshuffle column below then holds the sum too).
        const int64_t n = o.chunk_bytes / o.shuffle;
        const int64_t tile = 4096;
        for (int64_t i = 0; i < n; i += tile) {
          const int64_t m = std::min(tile, n - i);
          UnshuffleRange(s.inflated.get(), s.decoded.get(), n, i, m, o.shuffle);
          s.total += SumDoubles(reinterpret_cast<const double*>(s.decoded.get()), m * o.shuffle / 8);
        }
        s.pread += t1 - t0;
        s.inflate += t2 - t1;
        s.unshuffle += Clock::now() - t2;
        continue;
      }
      if (o.shuffle > 1) {
        Unshuffle(s.inflated.get(), s.decoded.get(), o.chunk_bytes, o.shuffle);
        values = s.decoded.get();
      }
      const auto t3 = Clock::now();
      s.total += SumDoubles(reinterpret_cast<const double*>(values), o.chunk_bytes / 8);
      s.pread += t1 - t0;
      s.inflate += t2 - t1;
      s.unshuffle += t3 - t2;
      s.sum += Clock::now() - t3;
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < o.threads; ++t) threads.emplace_back(work, std::ref(states[static_cast<size_t>(t)]));
  work(states[0]);
  for (auto& t : threads) t.join();
  if (mapped != nullptr) ::munmap(const_cast<uint8_t*>(mapped), mapped_size);
  PassResult r;
  r.wall = Seconds(Clock::now() - start);
  for (const auto& s : states) {
    r.total += s.total;
    r.pread += Seconds(s.pread);
    r.inflate += Seconds(s.inflate);
    r.unshuffle += Seconds(s.unshuffle);
    r.sum += Seconds(s.sum);
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"raw_read_floor: pread (and inflate + unshuffle) the chunks of a dataset and sum them"};
  app.add_option("--file", o.file, "the HDF5 file")->required();
  app.add_option("--index", o.index, "text file: offset size filter_mask, one chunk per line")->required();
  app.add_option("--chunk-bytes", o.chunk_bytes, "decoded bytes of one chunk")->required();
  app.add_option("--decode", o.decode, "none or zlib")->check(CLI::IsMember({"none", "zlib"}));
  app.add_option("--shuffle", o.shuffle, "element size of HDF5's shuffle filter (0: no shuffle)");
  app.add_option("--block", o.block, "uncompressed only: pread this many bytes at a time (0: whole chunks)");
  app.add_flag("--mmap", o.mmap,
               "uncompressed only: sum straight from a mapping of the file (mapped afresh each pass)");
  app.add_flag("--fused", o.fused, "zlib + shuffle: unshuffle and sum 32 KiB tiles (no decoded chunk in memory)");
  app.add_option("--threads", o.threads, "threads")->check(CLI::Range(1, 1024));
  app.add_option("--repeat", o.repeat, "passes")->check(CLI::Range(1, 1000));
  CLI11_PARSE(app, argc, argv);

  try {
    if (!UnshuffleSelfTest()) throw std::runtime_error("unshuffle self-test failed");
    if (o.block % 8 != 0) throw std::runtime_error("--block must be a multiple of 8");
    if (o.mmap && (o.decode != "none" || o.block > 0))
      throw std::runtime_error("--mmap is for --decode none, whole chunks");
    const std::vector<Chunk> chunks = ReadIndex(o.index);
    const int fd = ::open(o.file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot open " + o.file);
    int64_t max_stored = 0;
    for (const auto& c : chunks) max_stored = std::max(max_stored, c.size);
    const bool zlib = o.decode == "zlib";
    std::vector<ThreadState> states(static_cast<size_t>(o.threads));
    for (auto& s : states) {
      const int64_t stored = zlib ? max_stored : (o.block > 0 ? o.block : o.chunk_bytes);
      s.stored.reset(new uint8_t[static_cast<size_t>(stored)]);
      std::memset(s.stored.get(), 0, static_cast<size_t>(stored));
      if (zlib) {
        s.inflated.reset(new uint8_t[static_cast<size_t>(o.chunk_bytes)]);
        std::memset(s.inflated.get(), 0, static_cast<size_t>(o.chunk_bytes));
        if (o.shuffle > 1) {
          const int64_t decoded = o.fused ? int64_t{4096} * o.shuffle : o.chunk_bytes;
          s.decoded.reset(new uint8_t[static_cast<size_t>(decoded)]);
          std::memset(s.decoded.get(), 0, static_cast<size_t>(decoded));
        }
        s.decompressor = libdeflate_alloc_decompressor();
      }
    }
    const double bytes = static_cast<double>(o.chunk_bytes) * static_cast<double>(chunks.size());
    std::vector<double> walls;
    for (int r = 0; r < o.repeat; ++r) {
      const PassResult p = Pass(o, fd, chunks, states);
      walls.push_back(p.wall);
      std::printf("pass wall_s=%.6f gb_s=%.3f total=%.17g pread_s=%.4f inflate_s=%.4f unshuffle_s=%.4f sum_s=%.4f\n",
                  p.wall, bytes / p.wall / 1e9, p.total, p.pread, p.inflate, p.unshuffle, p.sum);
    }
    std::sort(walls.begin(), walls.end());
    const double median = walls[walls.size() / 2];
    std::printf("median wall_s=%.6f gb_s=%.3f chunks=%zu decoded_bytes=%.0f threads=%d\n", median, bytes / median / 1e9,
                chunks.size(), bytes, o.threads);
    for (auto& s : states) libdeflate_free_decompressor(s.decompressor);
    ::close(fd);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "raw_read_floor: %s\n", e.what());
    return 1;
  }
  return 0;
}
