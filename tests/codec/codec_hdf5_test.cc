// Byte-level interop of the chunk codecs with the HDF5 library's own filters (libhdf5 1.10):
// chunks HDF5 filtered (H5Dwrite, read raw with H5Dread_chunk) decode with DecodeChunk, and chunks
// EncodeChunk filtered (written raw with H5Dwrite_chunk) read back through H5Dread.
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <hdf5.h>

#include "codec/codec.h"
#include "codec/sample_data.h"
#include "testing/compare.h"
#include "testing/random.h"

namespace hyperchunk::codec {
namespace {

/// An HDF5 identifier closed on destruction.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), close_(other.close_) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle& operator=(Handle&&) = delete;
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

/// A dataset layout under test: element type, shape, chunk shape and filter pipeline.
struct Layout {
  std::string label;
  hid_t type;  // a predefined native type, or 0 for a 3-byte opaque type
  size_t element_size;
  std::vector<hsize_t> shape;
  std::vector<hsize_t> chunks;
  std::vector<std::pair<int, std::vector<unsigned>>> filters;  // H5Pset_filter arguments, in order
};

std::vector<Layout> Layouts() {
  return {
      {"float64 shuffle+deflate(4), edge chunks", H5T_NATIVE_DOUBLE, 8, {19, 21, 64}, {8, 8, 64}, {{2, {}}, {1, {4}}}},
      {"uint16 shuffle+deflate(1)+fletcher32", H5T_NATIVE_UINT16, 2, {33, 70}, {16, 32}, {{2, {}}, {1, {1}}, {3, {}}}},
      {"float32 deflate(9) then shuffle (odd-length shuffle)",
       H5T_NATIVE_FLOAT,
       4,
       {50, 30},
       {7, 9},
       {{1, {9}}, {2, {}}}},
      {"int8 deflate(0)", H5T_NATIVE_INT8, 1, {100}, {33}, {{1, {0}}}},
      {"3-byte opaque shuffle+deflate(6)", 0, 3, {41, 5}, {10, 5}, {{2, {}}, {1, {6}}}},
      {"float64 fletcher32 only", H5T_NATIVE_DOUBLE, 8, {10, 10}, {4, 4}, {{3, {}}}},
  };
}

/// A test with a fresh temporary folder for its files, removed afterwards; HDF5 kept silent.
class CodecHdf5 : public ::testing::Test {
 protected:
  void SetUp() override {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are checked, never printed
    folder_ = std::filesystem::temp_directory_path() /
              ("hc_codec_hdf5_test_" + std::to_string(getpid()) + "_" + std::to_string(test::SeedForCurrentTest()));
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  std::filesystem::path folder_;
};

class CodecHdf5Test : public CodecHdf5, public ::testing::WithParamInterface<Layout> {
 protected:
  /// The values of the whole dataset: spectra-like float64 converted to the layout's type bytes.
  static std::vector<std::byte> MakeValues(const Layout& layout, size_t elements) {
    const std::vector<double> spectra = testdata::MakeSpectra(1, elements, elements);
    std::vector<std::byte> bytes(elements * layout.element_size);
    for (size_t i = 0; i < elements; ++i) {
      const auto counts = static_cast<uint64_t>(spectra[i] * 37.0 + static_cast<double>(i % 5));
      if (layout.type == H5T_NATIVE_DOUBLE) {
        const double v = static_cast<double>(counts) + 0.25;
        std::memcpy(&bytes[i * 8], &v, 8);
      } else if (layout.type == H5T_NATIVE_FLOAT) {
        const float v = static_cast<float>(counts) + 0.5f;
        std::memcpy(&bytes[i * 4], &v, 4);
      } else {  // integer-like types: the little-endian low bytes of the counts
        for (size_t b = 0; b < layout.element_size; ++b)
          bytes[i * layout.element_size + b] = std::byte(counts >> 8 * b);
      }
    }
    return bytes;
  }

  /// Creates the layout's dataset in a new file; returns {file, dataset}.
  std::pair<Handle, Handle> Create(const Layout& layout, const std::string& name) {
    Handle file(H5Fcreate((folder_ / name).c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    EXPECT_TRUE(file.valid());
    Handle space(H5Screate_simple(static_cast<int>(layout.shape.size()), layout.shape.data(), nullptr), H5Sclose);
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    EXPECT_GE(H5Pset_chunk(dcpl.get(), static_cast<int>(layout.chunks.size()), layout.chunks.data()), 0);
    for (const auto& [id, params] : layout.filters) {
      if (id == H5Z_FILTER_SHUFFLE) {
        EXPECT_GE(H5Pset_shuffle(dcpl.get()), 0);
      } else if (id == H5Z_FILTER_FLETCHER32) {
        EXPECT_GE(H5Pset_fletcher32(dcpl.get()), 0);
      } else {
        EXPECT_GE(H5Pset_filter(dcpl.get(), id, H5Z_FLAG_OPTIONAL, params.size(), params.data()), 0);
      }
    }
    Handle type(layout.type == 0 ? H5Tcreate(H5T_OPAQUE, layout.element_size) : H5Tcopy(layout.type), H5Tclose);
    Handle dataset(H5Dcreate2(file.get(), "data", type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                   H5Dclose);
    EXPECT_TRUE(dataset.valid());
    return {std::move(file), std::move(dataset)};
  }

  static hid_t MemType(const Layout& layout, hid_t dataset) {
    return layout.type == 0 ? H5Dget_type(dataset) : H5Tcopy(layout.type);
  }

  /// The dataset's filter pipeline as the HDF5 layer of the reader will hand it over.
  static std::vector<FilterStep> ReadPipeline(hid_t dataset) {
    Handle dcpl(H5Dget_create_plist(dataset), H5Pclose);
    std::vector<FilterStep> pipeline;
    const int count = H5Pget_nfilters(dcpl.get());
    for (int filter_idx = 0; filter_idx < count; ++filter_idx) {
      unsigned flags = 0;
      unsigned config = 0;
      size_t nparams = 8;
      std::vector<unsigned> params(nparams);
      char name[64] = {};
      const H5Z_filter_t id = H5Pget_filter2(dcpl.get(), static_cast<unsigned>(filter_idx), &flags, &nparams,
                                             params.data(), sizeof(name), name, &config);
      params.resize(nparams);
      pipeline.push_back({static_cast<int>(id), params, name});
    }
    return pipeline;
  }

  /// The chunk origins (in elements) of a shape, row-major.
  static std::vector<std::vector<hsize_t>> ChunkOrigins(const Layout& layout) {
    std::vector<std::vector<hsize_t>> origins = {{}};
    for (size_t dim = 0; dim < layout.shape.size(); ++dim) {
      std::vector<std::vector<hsize_t>> next;
      for (const auto& prefix : origins) {
        for (hsize_t start = 0; start < layout.shape[dim]; start += layout.chunks[dim]) {
          next.push_back(prefix);
          next.back().push_back(start);
        }
      }
      origins = std::move(next);
    }
    return origins;
  }

  /// Copies between the whole dataset (row-major `values`) and one full chunk buffer; elements of
  /// the chunk outside the dataset are left alone (to_chunk) or ignored (from chunk).
  static void CopyChunk(const Layout& layout, const std::vector<hsize_t>& origin, std::vector<std::byte>& values,
                        std::vector<std::byte>& chunk, bool to_chunk) {
    const size_t rank = layout.shape.size();
    size_t chunk_elements = 1;
    for (hsize_t c : layout.chunks) chunk_elements *= c;
    for (size_t local = 0; local < chunk_elements; ++local) {
      size_t rest = local;
      size_t global = 0;
      bool inside = true;
      std::vector<hsize_t> local_index(rank);
      for (size_t dim = rank; dim-- > 0;) {
        local_index[dim] = rest % layout.chunks[dim];
        rest /= layout.chunks[dim];
      }
      for (size_t dim = 0; dim < rank; ++dim) {
        const hsize_t coord = origin[dim] + local_index[dim];
        inside = inside && coord < layout.shape[dim];
        global = global * layout.shape[dim] + coord;
      }
      if (!inside) continue;
      std::byte* chunk_element = &chunk[local * layout.element_size];
      std::byte* value = &values[global * layout.element_size];
      if (to_chunk) {
        std::memcpy(chunk_element, value, layout.element_size);
      } else {
        std::memcpy(value, chunk_element, layout.element_size);
      }
    }
  }
};

size_t Elements(const std::vector<hsize_t>& dims) {
  size_t n = 1;
  for (hsize_t d : dims) n *= d;
  return n;
}

TEST_P(CodecHdf5Test, DecodesChunksHdf5Filtered) {
  const Layout& layout = GetParam();
  std::vector<std::byte> values = MakeValues(layout, Elements(layout.shape));
  auto [file, dataset] = Create(layout, "hdf5_wrote.h5");
  {
    Handle mem_type(MemType(layout, dataset.get()), H5Tclose);
    ASSERT_GE(H5Dwrite(dataset.get(), mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  }
  ASSERT_GE(H5Fflush(file.get(), H5F_SCOPE_LOCAL), 0);
  const std::vector<FilterStep> pipeline = ReadPipeline(dataset.get());
  ASSERT_EQ(pipeline.size(), layout.filters.size());
  for (size_t step = 0; step < pipeline.size(); ++step) EXPECT_EQ(pipeline[step].id, layout.filters[step].first);
  HC_ASSERT_OK(CheckPipelineSupported(pipeline));

  std::vector<std::byte> decoded_values(values.size());
  std::vector<std::byte> chunk(Elements(layout.chunks) * layout.element_size);
  std::vector<std::byte> scratch;
  for (const std::vector<hsize_t>& origin : ChunkOrigins(layout)) {
    hsize_t stored_size = 0;
    ASSERT_GE(H5Dget_chunk_storage_size(dataset.get(), origin.data(), &stored_size), 0);
    std::vector<std::byte> stored(stored_size);
    uint32_t filter_mask = 0;
    ASSERT_GE(H5Dread_chunk(dataset.get(), H5P_DEFAULT, origin.data(), &filter_mask, stored.data()), 0);
    HC_ASSERT_OK(DecodeChunk(pipeline, filter_mask, stored, chunk, layout.element_size, scratch));
    CopyChunk(layout, origin, decoded_values, chunk, false);
  }
  EXPECT_TRUE(decoded_values == values) << layout.label;
}

TEST_P(CodecHdf5Test, Hdf5ReadsChunksWeEncoded) {
  const Layout& layout = GetParam();
  const std::vector<std::byte> values = MakeValues(layout, Elements(layout.shape));
  auto [file, dataset] = Create(layout, "we_wrote.h5");
  const std::vector<FilterStep> pipeline = ReadPipeline(dataset.get());
  std::vector<std::byte> source = values;
  for (const std::vector<hsize_t>& origin : ChunkOrigins(layout)) {
    std::vector<std::byte> chunk(Elements(layout.chunks) * layout.element_size, std::byte{0});
    CopyChunk(layout, origin, source, chunk, true);
    HC_ASSERT_OK_AND_ASSIGN(const std::vector<std::byte> stored, EncodeChunk(pipeline, chunk, layout.element_size));
    ASSERT_GE(H5Dwrite_chunk(dataset.get(), H5P_DEFAULT, 0, origin.data(), stored.size(), stored.data()), 0);
  }
  ASSERT_GE(H5Fflush(file.get(), H5F_SCOPE_LOCAL), 0);
  std::vector<std::byte> read_back(values.size());
  Handle mem_type(MemType(layout, dataset.get()), H5Tclose);
  ASSERT_GE(H5Dread(dataset.get(), mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, read_back.data()), 0)
      << "HDF5 could not read the chunks hyperchunk encoded (" << layout.label << ")";
  EXPECT_TRUE(read_back == values) << layout.label;
}

INSTANTIATE_TEST_SUITE_P(Layouts, CodecHdf5Test, ::testing::ValuesIn(Layouts()),
                         [](const ::testing::TestParamInfo<Layout>& param) {
                           return "layout" + std::to_string(param.index);
                         });

TEST_F(CodecHdf5, FilterMaskSkipsTheSameFiltersAsHdf5) {
  // A chunk stored with deflate skipped (mask bit 1: what HDF5 does when an optional filter fails)
  // is only unshuffled, by HDF5 and by DecodeChunk alike.
  const std::filesystem::path path = folder_ / "mask.h5";
  const std::vector<double> spectra = testdata::MakeSpectra(1, 256, 18);
  const std::vector<FilterStep> pipeline = {{kFilterShuffle, {8}, "shuffle"}, {kFilterDeflate, {4}, "deflate"}};
  const std::vector<FilterStep> shuffle_only = {pipeline[0]};
  HC_ASSERT_OK_AND_ASSIGN(const std::vector<std::byte> shuffled,
                          EncodeChunk(shuffle_only, testdata::AsBytes(spectra), 8));
  const hsize_t origin[1] = {0};
  {
    Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    const hsize_t dims[1] = {256};
    Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    ASSERT_GE(H5Pset_chunk(dcpl.get(), 1, dims), 0);
    ASSERT_GE(H5Pset_shuffle(dcpl.get()), 0);
    ASSERT_GE(H5Pset_deflate(dcpl.get(), 4), 0);
    Handle dataset(H5Dcreate2(file.get(), "data", H5T_NATIVE_DOUBLE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                   H5Dclose);
    ASSERT_GE(H5Dwrite_chunk(dataset.get(), H5P_DEFAULT, 0b10, origin, shuffled.size(), shuffled.data()), 0);
  }
  // Reopened: libhdf5 1.10.8 ignores the mask of a chunk written by H5Dwrite_chunk while the file
  // stays open (H5Dread_chunk reports 0 and H5Dread inflates), though the index records it.
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  Handle dataset(H5Dopen2(file.get(), "data", H5P_DEFAULT), H5Dclose);
  std::vector<double> hdf5_read(256);
  ASSERT_GE(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, hdf5_read.data()), 0);
  EXPECT_EQ(hdf5_read, spectra);
  unsigned index_mask = 0;
  haddr_t address = 0;
  hsize_t stored_size = 0;
  ASSERT_GE(H5Dget_chunk_info_by_coord(dataset.get(), origin, &index_mask, &address, &stored_size), 0);
  EXPECT_EQ(index_mask, 0b10u);
  uint32_t filter_mask = 0;
  std::vector<std::byte> stored(stored_size);
  ASSERT_GE(H5Dread_chunk(dataset.get(), H5P_DEFAULT, origin, &filter_mask, stored.data()), 0);
  EXPECT_EQ(filter_mask, 0b10u);
  std::vector<double> decoded(256);
  HC_EXPECT_OK(DecodeChunk(pipeline, filter_mask, stored, std::as_writable_bytes(std::span<double>(decoded)), 8));
  EXPECT_EQ(decoded, spectra);
}

}  // namespace
}  // namespace hyperchunk::codec
