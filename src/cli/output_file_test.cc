#include "output_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

namespace hyperchunk::cli {
namespace {

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() / ("hc_output_file_test_" + std::to_string(getpid()));
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }
  size_t FilesInFolder() const {
    return static_cast<size_t>(
        std::distance(std::filesystem::directory_iterator(folder_), std::filesystem::directory_iterator()));
  }
  std::string Read(const std::filesystem::path& path) const {
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  }
  std::filesystem::path folder_;
};

TEST_F(OutputFileTest, WritesTheWholeFile) {
  const std::filesystem::path path = folder_ / "out.txt";
  ASSERT_TRUE(WriteTextFileAtomically(path, "hello\n").ok());
  EXPECT_EQ(Read(path), "hello\n");
  EXPECT_EQ(FilesInFolder(), 1u);
  struct stat info = {};
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  const mode_t mask = umask(0);
  umask(mask);
  EXPECT_EQ(info.st_mode & 0777, 0666 & ~mask);  // like fopen, not mkstemp's 0600
}

TEST_F(OutputFileTest, AFailedWriteLeavesNothingAndKeepsTheOldFile) {
  const std::filesystem::path path = folder_ / "out.txt";
  ASSERT_TRUE(WriteTextFileAtomically(path, "old").ok());
  const Status status = WriteFileAtomically(path, [](std::FILE* file) {
    std::fputs("partial", file);
    return Cancelled("stopped half way");
  });
  EXPECT_EQ(status.code(), StatusCode::kCancelled);
  EXPECT_EQ(Read(path), "old");
  EXPECT_EQ(FilesInFolder(), 1u);
}

TEST_F(OutputFileTest, ReplacesAnExistingFile) {
  const std::filesystem::path path = folder_ / "out.txt";
  ASSERT_TRUE(WriteTextFileAtomically(path, "old").ok());
  ASSERT_TRUE(WriteTextFileAtomically(path, "new").ok());
  EXPECT_EQ(Read(path), "new");
}

TEST_F(OutputFileTest, WritesIntoTheCurrentFolderForABareName) {
  const std::filesystem::path previous = std::filesystem::current_path();
  std::filesystem::current_path(folder_);
  const Status status = WriteTextFileAtomically("bare.txt", "x");
  std::filesystem::current_path(previous);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Read(folder_ / "bare.txt"), "x");
}

}  // namespace
}  // namespace hyperchunk::cli
