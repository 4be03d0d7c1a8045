#include "npy.h"

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace hyperchunk::cli {
namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

class NpyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() / ("hc_npy_test_" + std::to_string(getpid()));
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }
  std::filesystem::path folder_;
};

TEST(NpyDescrTest, NamesEveryDTypeLittleEndian) {
  EXPECT_EQ(NpyDescr(DType::kBool), "|b1");
  EXPECT_EQ(NpyDescr(DType::kInt8), "|i1");
  EXPECT_EQ(NpyDescr(DType::kUInt8), "|u1");
  EXPECT_EQ(NpyDescr(DType::kInt16), "<i2");
  EXPECT_EQ(NpyDescr(DType::kUInt16), "<u2");
  EXPECT_EQ(NpyDescr(DType::kInt32), "<i4");
  EXPECT_EQ(NpyDescr(DType::kUInt32), "<u4");
  EXPECT_EQ(NpyDescr(DType::kInt64), "<i8");
  EXPECT_EQ(NpyDescr(DType::kUInt64), "<u8");
  EXPECT_EQ(NpyDescr(DType::kFloat32), "<f4");
  EXPECT_EQ(NpyDescr(DType::kFloat64), "<f8");
}

TEST(NpyPreambleTest, MatchesNumpyVersion1Layout) {
  // What numpy.save writes for np.ones((15, 15)) (numpy 1.x, before 1.24's extra growth spaces).
  const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (15, 15), }";
  std::string expected("\x93NUMPY\x01\x00", 8);
  const size_t header_length = 128 - 10;
  expected.push_back(static_cast<char>(header_length & 0xff));
  expected.push_back(static_cast<char>(header_length >> 8));
  expected += dict + std::string(header_length - dict.size() - 1, ' ') + "\n";
  EXPECT_EQ(NpyPreamble(DType::kFloat64, {15, 15}), expected);
}

TEST(NpyPreambleTest, ShapesAsPythonTuples) {
  EXPECT_NE(NpyPreamble(DType::kFloat64, {992}).find("'shape': (992,), }"), std::string::npos);
  EXPECT_NE(NpyPreamble(DType::kFloat64, {}).find("'shape': (), }"), std::string::npos);
  EXPECT_NE(
      NpyPreamble(DType::kUInt16, {2, 3, 4}).find("'descr': '<u2', 'fortran_order': False, 'shape': (2, 3, 4), }"),
      std::string::npos);
}

TEST(NpyPreambleTest, AlignsDataTo64BytesAndEndsWithNewline) {
  for (size_t rank = 0; rank < 40; ++rank) {
    const std::string preamble = NpyPreamble(DType::kInt32, Shape(rank, 123456));
    EXPECT_EQ(preamble.size() % 64, 0u) << "rank " << rank;
    EXPECT_EQ(preamble.back(), '\n');
    const size_t header_length = static_cast<uint8_t>(preamble[8]) | (static_cast<uint8_t>(preamble[9]) << 8);
    EXPECT_EQ(header_length + 10, preamble.size());
  }
}

TEST(NpyPreambleTest, Version2WhenTheHeaderIsLong) {
  const std::string preamble = NpyPreamble(DType::kFloat64, Shape(7000, 1));  // ~21000 bytes of shape text... x3
  const std::string longer = NpyPreamble(DType::kFloat64, Shape(30000, 1));
  EXPECT_EQ(preamble[6], 1);
  EXPECT_EQ(longer[6], 2);
  EXPECT_EQ(longer.size() % 64, 0u);
  const size_t header_length = static_cast<uint8_t>(longer[8]) | (static_cast<uint8_t>(longer[9]) << 8) |
                               (static_cast<size_t>(static_cast<uint8_t>(longer[10])) << 16);
  EXPECT_EQ(header_length + 12, longer.size());
}

TEST_F(NpyTest, WritesPreambleThenValuesInArrayOrder) {
  const std::vector<int16_t> values = {1, -2, 3, -4, 5, -6};
  const NdArray array = NdArray::FromVector(values, {2, 3});
  const std::filesystem::path path = folder_ / "a.npy";
  ASSERT_TRUE(WriteNpy(path, array).ok());
  const std::string bytes = ReadAll(path);
  const std::string preamble = NpyPreamble(DType::kInt16, {2, 3});
  ASSERT_EQ(bytes.size(), preamble.size() + 12);
  EXPECT_EQ(bytes.substr(0, preamble.size()), preamble);
  EXPECT_EQ(bytes.substr(preamble.size()), std::string("\x01\x00\xfe\xff\x03\x00\xfc\xff\x05\x00\xfa\xff", 12));
  // Only the file itself: no temporaries left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(folder_), std::filesystem::directory_iterator()), 1);
}

TEST_F(NpyTest, FailsWithThePathWhenTheFolderIsMissing) {
  const std::filesystem::path path = folder_ / "missing" / "a.npy";
  const Status status = WriteNpy(path, NdArray::Zeros(DType::kFloat64, {3}));
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find(path.string()), std::string::npos) << status.message();
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace hyperchunk::cli
