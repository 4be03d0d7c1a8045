// hyperchunk's .hspy reader against real HyperSpy 1.7.3: every fixture make_fixtures.py wrote is
// read with ReadHspy (lazy and eager) and compared, value by value, with what HyperSpy read back.
//
// The fixture directory is $HC_HSPY_FIXTURES, else the one CMake generates fixtures into.
// Replay one fixture: HC_HSPY_FIXTURES=dir hspy_read_test --gtest_filter='*/eds_tem_lazy'

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hspy_compare.h"
#include "hyperchunk/exec/compute.h"
#include "hyperchunk/exec/context.h"
#include "hyperchunk/store/hspy.h"

#ifndef HC_HSPY_FIXTURES_DEFAULT
#define HC_HSPY_FIXTURES_DEFAULT "fixtures"
#endif

namespace hyperchunk::interop {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kExpectedSuffix = ".expected.json";

std::string FixtureDir() {
  const char* dir = std::getenv("HC_HSPY_FIXTURES");
  return dir != nullptr && *dir != '\0' ? dir : HC_HSPY_FIXTURES_DEFAULT;
}

/// Fixture names (NAME of NAME.expected.json), sorted; empty if the directory is missing.
std::vector<std::string> FixtureNames() {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(FixtureDir(), error)) {
    const std::string file = entry.path().filename().string();
    if (file.size() > kExpectedSuffix.size() && file.ends_with(kExpectedSuffix)) {
      names.push_back(file.substr(0, file.size() - kExpectedSuffix.size()));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct FixtureCase {
  std::string name;
  bool lazy = false;
};

void PrintTo(const FixtureCase& fixture_case, std::ostream* os) {
  *os << fixture_case.name << (fixture_case.lazy ? " (lazy)" : " (eager)");
}

std::vector<FixtureCase> FixtureCases() {
  std::vector<FixtureCase> cases;
  for (const std::string& name : FixtureNames()) {
    cases.push_back({name, false});
    cases.push_back({name, true});
  }
  return cases;
}

json LoadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return json::parse(in);
}

std::string Lines(const std::vector<std::string>& lines, size_t max_lines = 80) {
  std::string text;
  for (size_t i = 0; i < lines.size() && i < max_lines; ++i) text += "  " + lines[i] + "\n";
  if (lines.size() > max_lines) text += "  ... and " + std::to_string(lines.size() - max_lines) + " more\n";
  return text;
}

/// For a file the reader must refuse: why it did (empty: it did not).
std::string WhyRefused(Context& ctx, const Result<HspyFile>& file) {
  if (!file.ok()) return "ReadHspy: " + file.status().ToString();
  for (const SignalRecord& experiment : file->experiments) {
    if (!experiment.data.ok()) return experiment.group + " data: " + experiment.data.status().ToString();
    Result<NdArray> values = Compute(ctx, experiment.data);
    if (!values.ok()) return experiment.group + " compute: " + values.status().ToString();
  }
  return "";
}

class HspyReadTest : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(HspyReadTest, MatchesHyperSpy) {
  const FixtureCase& param = GetParam();
  const std::string dir = FixtureDir();
  const json expected = LoadJson(dir + "/" + param.name + std::string(kExpectedSuffix));
  const std::string path = dir + "/" + expected.at("file").get<std::string>();
  const std::string label = param.name + (param.lazy ? " (lazy=true)" : " (lazy=false)");
  ContextOptions context_options;
  context_options.threads = 2;
  Context ctx(context_options);

  // HDF5 must stay silent whatever happens (STYLE.md: "HDF5-DIAG" never reaches the output).
  ::testing::internal::CaptureStderr();
  HspyReadOptions options;
  options.lazy = param.lazy;
  Result<HspyFile> file = ReadHspy(path, options);
  std::string why_refused;
  std::string malformed;
  Checker checker(dir, ctx, expected.contains("may_fail_data"));
  try {
    if (expected.contains("must_fail")) {
      why_refused = WhyRefused(ctx, file);
    } else if (file.ok()) {
      checker.CheckFile(expected, *file);
    }
  } catch (const std::exception& error) {  // a key or type the checker expects is not in the JSON
    malformed = error.what();
  }
  const std::string stderr_text = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(malformed.empty()) << label << ": malformed expected-results file: " << malformed;
  EXPECT_EQ(stderr_text.find("HDF5-DIAG"), std::string::npos) << label << ": HDF5 printed:\n" << stderr_text;

  if (expected.contains("must_fail")) {
    EXPECT_FALSE(why_refused.empty()) << label << ": the reader accepted a file it cannot represent ("
                                      << expected.at("must_fail").get<std::string>() << ")";
    if (!why_refused.empty()) std::cout << "[ refused  ] " << label << ": " << why_refused << "\n";
    return;
  }
  if (!file.ok() && expected.contains("may_fail_data")) {
    // Refusing the whole file up front is allowed too, with a clear error.
    std::cout << "[ refused  ] " << label << ": " << file.status().ToString() << "\n";
    return;
  }
  ASSERT_TRUE(file.ok()) << label << ": ReadHspy failed: " << file.status().ToString();
  EXPECT_TRUE(checker.mismatches().empty())
      << label << ": " << checker.mismatches().size() << " differences from HyperSpy 1.7.3's read-back of " << path
      << " (" << dir << "/" << param.name << kExpectedSuffix << "):\n"
      << Lines(checker.mismatches());
  if (!checker.notes().empty()) {
    std::cout << "[ allowed  ] " << label << ": " << checker.notes().size() << " allowed differences:\n"
              << Lines(checker.notes(), 10);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, HspyReadTest, ::testing::ValuesIn(FixtureCases()),
                         [](const ::testing::TestParamInfo<FixtureCase>& case_info) {
                           return case_info.param.name + (case_info.param.lazy ? "_lazy" : "_eager");
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(HspyReadTest);

// Without fixtures every case above would silently vanish.
TEST(HspyFixtures, Present) {
  EXPECT_GE(FixtureNames().size(), 40u) << "no fixtures in " << FixtureDir()
                                        << ": run /usr/bin/python3 tests/interop/make_fixtures.py DIR "
                                           "and set HC_HSPY_FIXTURES=DIR (ctest does both)";
}

}  // namespace
}  // namespace hyperchunk::interop
