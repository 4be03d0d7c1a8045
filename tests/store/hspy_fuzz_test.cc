// The inputs of fuzz_hspy_metadata replayed in the normal build: the seed corpus, and inputs that
// once made the reader crash or hang (each named after what it found).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <hdf5.h>

#include "hspy_fuzz_check.h"
#include "hspy_fuzz_input.h"
#include "hyperchunk/store/hspy.h"

namespace hyperchunk::fuzz {
namespace {

class HspyFuzzInput : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() / ("hc_hspy_fuzz_test_" + std::to_string(::getpid()) + ".hspy"))
                .string();
  }
  void TearDown() override { std::remove(path_.c_str()); }

  /// Builds the file of `program` and reads it: "" when the reader behaved.
  std::string Run(const std::vector<uint8_t>& program) {
    BuildResult built;
    if (!BuildHspyFile(program, path_, &built)) return "the input program did not build a file";
    return CheckRead(path_, built);
  }

  std::string path_;
};

TEST_F(HspyFuzzInput, SeedsReadCleanly) {
  const auto seeds = SeedPrograms();
  ASSERT_GE(seeds.size(), 10u);
  for (const auto& [name, program] : seeds) {
    ::testing::internal::CaptureStderr();
    const std::string problem = Run(program);
    const std::string stderr_text = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(problem, "") << name;
    EXPECT_EQ(stderr_text.find("HDF5-DIAG"), std::string::npos) << name << ": HDF5 printed:\n" << stderr_text;
  }
}

TEST_F(HspyFuzzInput, RealisticSeedsRead) {
  // The seeds made to look like HyperSpy's files must read, not just fail cleanly.
  for (const auto& [name, program] : SeedPrograms()) {
    if (name.rfind("spectrum_image", 0) != 0 && name.rfind("signals_in_metadata", 0) != 0) continue;
    BuildResult built;
    ASSERT_TRUE(BuildHspyFile(program, path_, &built)) << name;
    Result<HspyFile> file = ReadHspy(path_);
    ASSERT_TRUE(file.ok()) << name << ": " << file.status().ToString();
    ASSERT_EQ(file->experiments.size(), 1u) << name;
    EXPECT_FALSE(file->experiments[0].metadata.empty()) << name;
  }
}

TEST_F(HspyFuzzInput, EmptyAndShortInputs) {
  EXPECT_EQ(Run({}), "");
  for (uint8_t b = 0; b < 64; ++b) EXPECT_EQ(Run({b}), "") << int{b};
}

// ---- regressions: inputs that found bugs in the metadata decoder (src/store/hspy_metadata.cc) ----

constexpr uint8_t kFloat64Type = 9;

// A file whose experiment `e` holds float64 data of 2 values, an axis, and the metadata `body` makes.
template <typename Body>
std::vector<uint8_t> WithMetadata(Body body) {
  Program p;
  p.Name("e").NumericData(kFloat64Type, {2}).Op(kAxis).Byte(0).Byte(0).End().Group("metadata");
  body(p);
  p.End();
  return p.bytes();
}

TEST_F(HspyFuzzInput, LinkCycleIsAnErrorNotAStackOverflow) {
  // A group that hard-links to itself, to the root, or back through a signal in metadata: the
  // decoder once recursed until the stack overflowed.
  const std::vector<std::pair<std::string, std::vector<uint8_t>>> cycles = {
      {"to itself", WithMetadata([](Program& p) { p.Group("a").Op(kLink).Byte(0).Name("loop").End(); })},
      {"to the root",
       WithMetadata([](Program& p) { p.Group("a").Group("b").Op(kLink).Byte(1).Name("up").End().End(); })},
      {"soft, to /Experiments", WithMetadata([](Program& p) { p.Op(kLink).Byte(2).Name("soft"); })},
      {"through a signal", WithMetadata([](Program& p) {
         p.Op(kSignal).Name("s").NumericData(kFloat64Type, {}).Group("metadata").Op(kLink).Byte(1).Name("up");
         p.End().End();
       })},
  };
  for (const auto& [what, program] : cycles) {
    BuildResult built;
    ASSERT_TRUE(BuildHspyFile(program, path_, &built)) << what;
    Result<HspyFile> file = ReadHspy(path_);
    ASSERT_FALSE(file.ok()) << what;
    EXPECT_EQ(file.status().code(), StatusCode::kDataLoss) << what;
    EXPECT_NE(file.status().message().find("link cycle"), std::string::npos)
        << what << ": " << file.status().ToString();
    EXPECT_NE(file.status().message().find(path_), std::string::npos) << what << ": " << file.status().ToString();
  }
}

TEST_F(HspyFuzzInput, NullDataspaceValuesAreNotKept) {
  // Attributes and datasets with an H5S_NULL dataspace hold no value: the decoder once read one
  // element of uninitialised memory for them.
  const auto program = WithMetadata([](Program& p) {
    p.Text("kept", "yes").Attr("null_number", AttrKind::kNullSpace, {0}).Attr("null_text", AttrKind::kNullSpace, {1});
    p.Dataset("null_data").Byte(static_cast<uint8_t>(DataKind::kNullSpace)).Byte(kFloat64Type);
  });
  BuildResult built;
  ASSERT_TRUE(BuildHspyFile(program, path_, &built));
  Result<HspyFile> file = ReadHspy(path_);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const MetadataTree& md = file->experiments.at(0).metadata;
  EXPECT_TRUE(md.Has("kept"));
  EXPECT_FALSE(md.Has("null_number"));
  EXPECT_FALSE(md.Has("null_text"));
  EXPECT_FALSE(md.Has("null_data"));
}

// ---- issues the fuzzer found in src/store/hspy_read.cc (fixed) ----------------------------------

// Issue 1: an axis size outside Index's range was undefined behaviour (clang's
// -fsanitize=float-cast-overflow); now a DataLoss error.
TEST_F(HspyFuzzInput, AxisSizeOutOfRange) {
  Program p;
  p.Name("e").NumericData(kFloat64Type, {2});
  p.Op(kAxis).Byte(0).Byte(32).Byte(6).End();  // axis-0 with size = 1e300 (saturated to INT64_MAX)
  BuildResult built;
  ASSERT_TRUE(BuildHspyFile(p.bytes(), path_, &built));
  Result<HspyFile> file = ReadHspy(path_);
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("not a valid length"), std::string::npos) << file.status().ToString();
}

// Opens the built file again and runs `edit` on it (for layouts the input language does not make).
template <typename Edit>
void EditFile(const std::string& path, Edit edit) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  edit(file);
  H5Fclose(file);
}

// Issue 2: a version with text after a matching component made ReadHspy loop for ever.
TEST_F(HspyFuzzInput, VersionWithTextAfterAMatchingComponent) {
  BuildResult built;
  ASSERT_TRUE(BuildHspyFile(WithMetadata([](Program&) {}), path_, &built));
  EditFile(path_, [](hid_t file) {
    H5Adelete(file, "file_format_version");
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t attr = H5Acreate2(file, "file_format_version", type, space, H5P_DEFAULT, H5P_DEFAULT);
    const char* version = "1.1.a";
    H5Awrite(attr, type, &version);
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
  });
  Result<HspyFile> file = ReadHspy(path_);
  EXPECT_TRUE(file.ok() || !file.status().message().empty());
}

// Issue 3: an `x` link back to its functional axis made ReadAxis recurse without end; the x
// sub-axis is now read one level deep only.
TEST_F(HspyFuzzInput, AxisXLinkCycle) {
  Program p;
  p.Name("e").NumericData(kFloat64Type, {2});
  p.Op(kAxis).Byte(0).Byte(1).Byte(15).End();  // axis-0 with _type FunctionalDataAxis
  BuildResult built;
  ASSERT_TRUE(BuildHspyFile(p.bytes(), path_, &built));
  EditFile(path_, [](hid_t file) {
    H5Lcreate_hard(file, "/Experiments/e/axis-0", file, "/Experiments/e/axis-0/x", H5P_DEFAULT, H5P_DEFAULT);
  });
  Result<HspyFile> file = ReadHspy(path_);
  EXPECT_TRUE(file.ok() || !file.status().message().empty());
}

}  // namespace
}  // namespace hyperchunk::fuzz
