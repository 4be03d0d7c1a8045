// Byte sizes and durations, against dask.utils.format_bytes / format_time (expected strings
// produced by running dask's functions in Python).
#include "hyperchunk/core/format.h"

#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "testing/compare.h"

namespace hyperchunk {
namespace {

TEST(FormatBytes, MatchesDask) {
  const std::vector<std::pair<int64_t, const char*>> cases = {
      {0, "0 B"},
      {1, "1 B"},
      {100, "100 B"},
      {920, "920 B"},
      {921, "921 B"},  // 0.9 * 1024 = 921.6: still bytes
      {922, "0.90 kiB"},
      {1000, "0.98 kiB"},
      {1023, "1.00 kiB"},
      {1024, "1.00 kiB"},
      {1536, "1.50 kiB"},
      {943718, "921.60 kiB"},
      {943719, "0.90 MiB"},
      {1048576, "1.00 MiB"},
      {65011712, "62.00 MiB"},
      {127926272, "122.00 MiB"},
      {2080374784, "1.94 GiB"},
      {1073741824, "1.00 GiB"},
      {966367641, "921.60 MiB"},
      {966367642, "0.90 GiB"},
      {1099511627776, "1.00 TiB"},
      {1125899906842624, "1.00 PiB"},
      {5629499534213120, "5.00 PiB"},
      {1152921504606846976, "1024.00 PiB"},
  };
  for (const auto& [bytes, want] : cases) EXPECT_EQ(FormatBytes(bytes), want) << bytes;
}

TEST(ParseBytes, UnitsAndPlainNumbers) {
  const std::vector<std::pair<const char*, int64_t>> cases = {
      {"512MiB", int64_t{512} << 20},
      {"2GiB", int64_t{2} << 30},
      {"1e9", 1000000000},
      {"1GB", 1000000000},
      {"1.5 GB", 1500000000},
      {"4096", 4096},
      {"0", 0},
      {"1kB", 1000},
      {"1KiB", 1024},
      {"1K", 1024},
      {"3M", int64_t{3} << 20},
      {"2G", int64_t{2} << 30},
      {"1T", int64_t{1} << 40},
      {"1TiB", int64_t{1} << 40},
      {"2TB", 2000000000000},
      {"5MB", 5000000},
      {"512mib", int64_t{512} << 20},
      {"2gib", int64_t{2} << 30},
      {"1.5GiB", int64_t{3} << 29},
      {"64 KiB", 65536},
  };
  for (const auto& [text, want] : cases) {
    Result<int64_t> got = ParseBytes(text);
    ASSERT_TRUE(got.ok()) << "'" << text << "': " << got.status().ToString();
    EXPECT_EQ(*got, want) << "'" << text << "'";
  }
}

TEST(ParseBytes, RejectsGarbageWithTheText) {
  for (const char* bad : {"bad", "", "GiB", "12 parsecs", "1.2.3GB", "--5"}) {
    Result<int64_t> got = ParseBytes(bad);
    EXPECT_FALSE(got.ok()) << "'" << bad << "' parsed as " << (got.ok() ? *got : 0);
    if (!got.ok()) {
      EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument) << bad;
      EXPECT_NE(got.status().message().find(bad), std::string::npos)
          << "the message should quote the text: " << got.status().ToString();
    }
  }
}

TEST(FormatBytes, RoundTripsThroughParseBytesForWholeUnits) {
  for (int64_t bytes : {int64_t{1} << 20, int64_t{62} << 20, int64_t{3} << 30, int64_t{1} << 40}) {
    Result<int64_t> parsed = ParseBytes(FormatBytes(bytes));
    ASSERT_TRUE(parsed.ok()) << FormatBytes(bytes) << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, bytes) << FormatBytes(bytes);
  }
}

TEST(FormatDuration, MatchesDask) {
  const std::vector<std::pair<double, const char*>> cases = {
      {0.0, "0.00 us"},      {1.23e-05, "12.30 us"}, {0.00012345, "123.45 us"}, {0.000999, "999.00 us"},
      {0.001, "1.00 ms"},    {0.001234, "1.23 ms"},  {0.1023, "102.30 ms"},     {0.999, "999.00 ms"},
      {1.0, "1.00 s"},       {2.31, "2.31 s"},       {123.456, "123.46 s"},     {599.99, "599.99 s"},
      {600.0, "600.00 s"},   {600.5, "10m 0s"},      {1234.567, "20m 34s"},     {7199.0, "119m 59s"},
      {7200.0, "120m 0s"},   {7201.0, "2hr 0m"},     {12345.67, "3hr 25m"},     {123456.78, "34hr 17m"},
      {172800.0, "48hr 0m"}, {172801.0, "2d 0hr"},   {1234567.89, "14d 6hr"},
  };
  for (const auto& [seconds, want] : cases) EXPECT_EQ(FormatDuration(seconds), want) << seconds;
}

}  // namespace
}  // namespace hyperchunk
