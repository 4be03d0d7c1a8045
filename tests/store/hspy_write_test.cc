// WriteHspy regressions found by the interop tests (tests/interop, hyperchunk -> HyperSpy),
// checked here by reading the file back with ReadHspy so that they also run under the sanitizers.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hyperchunk/exec/context.h"
#include "hyperchunk/store/hspy.h"

namespace hyperchunk {
namespace {

// Writes a 2-element signal with `metadata` and returns the metadata ReadHspy reads back.
MetadataTree RoundTrip(const MetadataTree& metadata) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("hc_hspy_write_test_" + std::to_string(::getpid()) + ".hspy"))
          .string();
  SignalRecord signal;
  signal.data = Array::FromNdArray(NdArray::Zeros(DType::kFloat32, {2}), Shape{2});
  AxisRecord axis;
  axis.size = 2;
  signal.axes = {axis};
  signal.metadata = metadata;
  ContextOptions options;
  options.threads = 1;
  Context ctx(options);
  HspyWriteOptions write;
  write.overwrite = true;
  const Status written = WriteHspy(ctx, signal, path, write);
  EXPECT_TRUE(written.ok()) << written.ToString();
  Result<HspyFile> file = ReadHspy(path, {.lazy = false});
  std::remove(path.c_str());
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  return file.ok() ? file->experiments.at(0).metadata : MetadataTree();
}

TEST(HspyWrite, UInt64AboveInt64MaxInAListWithFloats) {
  // numpy.array([np.uint64(2**64 - 1), 0.5]) is float64 [1.8446744073709552e+19, 0.5]; the writer
  // once took the uint64 for the int64 -1.
  MetadataTree md;
  ASSERT_TRUE(md.Set("list", Value::List({Value::Int(-1, DType::kUInt64), Value::Float(0.5)})).ok());
  const MetadataTree back = RoundTrip(md);
  const Value* list = back.Find("list");
  ASSERT_NE(list, nullptr);
  ASSERT_EQ(list->items().size(), 2u);
  EXPECT_EQ(list->items()[0].dtype(), DType::kFloat64);
  EXPECT_EQ(list->items()[0].as_double(), static_cast<double>(std::numeric_limits<uint64_t>::max()));
  EXPECT_EQ(list->items()[1].as_double(), 0.5);
}

TEST(HspyWrite, Float32InAListWithStringsIsNumpysText) {
  // numpy.array([np.float32(0.1), "x"]) holds '0.1' (numpy's str of the float32), not the repr of
  // its float64 value '0.10000000149011612'; below 1e-4 and from 1e16 on numpy writes exponents.
  MetadataTree md;
  std::vector<Value> items;
  for (float f : {0.1f, 1e-5f, 1e-4f, 123456789.0f, 1e16f, 3.4028235e38f, -0.0f, 1.0f / 3.0f})
    items.push_back(Value::Float(static_cast<double>(f), DType::kFloat32));
  items.push_back(Value::String("x"));
  ASSERT_TRUE(md.Set("texts", Value::List(items)).ok());
  const MetadataTree back = RoundTrip(md);
  const Value* list = back.Find("texts");
  ASSERT_NE(list, nullptr);
  std::vector<std::string> texts;
  for (const Value& item : list->items()) texts.push_back(item.as_string());
  // What numpy 1.24 gives (checked against Debian's python3-numpy).
  EXPECT_EQ(texts, (std::vector<std::string>{"0.1", "1e-05", "1e-04", "123456790.0", "1e+16", "3.4028235e+38", "-0.0",
                                             "0.33333334", "x"}));
}

}  // namespace
}  // namespace hyperchunk
