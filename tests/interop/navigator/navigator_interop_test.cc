// compute_navigator against real HyperSpy 1.7.3, both ways:
// - every case make_navigator_cases.py recorded (files HyperSpy wrote, with HyperSpy's navigator,
//   INFO lines and refusals) is computed with ComputeNavigator and compared: values, dtype, class,
//   axes, title, sum_from, the INFO lines, and the cases HyperSpy refuses;
// - the navigator HyperSpy saved with a signal is read back by StoredNavigator;
// - navigators are stored with StoreNavigator and saved, for check_navigator_written.py, which
//   loads them with HyperSpy and compares s.navigator with HyperSpy's own.
//
//   navigator_interop_test CASES_DIR WRITTEN_DIR
#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>

#include "../npy.h"
#include "hyperchunk/signal/navigator.h"

namespace hyperchunk::interop {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string g_cases_dir;    // NOLINT: set once by main
std::string g_written_dir;  // NOLINT

// The messages of HyperSpy's three compute_navigator INFO lines, and warnings.
class Lines final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> info, warnings;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::string text(msg.payload.data(), msg.payload.size());
    if (msg.level == spdlog::level::warn) warnings.push_back(text);
    for (const char* prefix : {"Using index", "Signal chunks", "Computing sum over signal dimension"}) {
      if (text.starts_with(prefix)) info.push_back(text);
    }
  }
  void flush_() override {}
};

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path + ": run make_navigator_cases.py first");
  return json::parse(in);
}

// kwargs → options: a scalar is one entry (HyperSpy repeats it), a list one entry per axis.
NavigatorOptions OptionsOf(const json& kwargs) {
  NavigatorOptions o;
  auto items = [](const json& v) { return v.is_array() ? v : json::array({v}); };
  if (kwargs.contains("index")) {
    for (const json& v : items(kwargs["index"])) {
      if (v.is_number_integer()) o.index.emplace_back(v.get<Index>());
      else o.index.emplace_back(v.get<double>());
    }
  }
  if (kwargs.contains("chunks_number")) {
    for (const json& v : items(kwargs["chunks_number"])) o.chunks_number.push_back(v.get<double>());
  }
  return o;
}

std::shared_ptr<Context> ContextWith(std::shared_ptr<Lines> lines) {
  ContextOptions options;
  options.threads = 2;
  options.logger = std::make_shared<spdlog::logger>("navigator", std::move(lines));
  options.logger->set_level(spdlog::level::info);
  return std::make_shared<Context>(options);
}

// The navigator against HyperSpy's description of it (make_navigator_cases.py's describe()).
void ExpectMatches(const Signal& nav, const json& want) {
  EXPECT_EQ(nav.class_name(), want["class"].get<std::string>());
  EXPECT_EQ(nav.Repr(), want["repr"].get<std::string>());
  EXPECT_EQ(std::string(DTypeName(nav.dtype())), want["dtype"].get<std::string>());
  EXPECT_EQ(nav.shape(), want["shape"].get<Shape>());
  EXPECT_EQ(nav.title(), want["title"].get<std::string>());
  EXPECT_EQ(nav.signal_type(), want["signal_type"].get<std::string>());
  const auto& axes = nav.axes_manager().array_axes();
  ASSERT_EQ(axes.size(), want["axes"].size());
  for (size_t d = 0; d < axes.size(); ++d) {
    const json& a = want["axes"][d];
    SCOPED_TRACE(fmt::format("axis {} (array order)", d));
    EXPECT_EQ(axes[d].name.value_or("<undefined>"), a["name"].get<std::string>());
    EXPECT_EQ(axes[d].units.value_or("<undefined>"), a["units"].get<std::string>());
    EXPECT_EQ(axes[d].size, a["size"].get<Index>());
    EXPECT_EQ(axes[d].scale, a["scale"].get<double>());
    EXPECT_EQ(axes[d].offset, a["offset"].get<double>());
    EXPECT_EQ(axes[d].navigate, a["navigate"].get<bool>());
    EXPECT_EQ(axes[d].is_binned, a["is_binned"].get<bool>());
  }
  const Value* sum_from = nav.original_metadata().Find("sum_from");
  ASSERT_NE(sum_from, nullptr);
  EXPECT_EQ(sum_from->as_string(), want["sum_from"].get<std::string>());
  std::vector<std::string> keys;
  for (const auto& [key, value] : nav.original_metadata().entries()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, want["original_metadata_keys"].get<std::vector<std::string>>());
  const Value* live = nav.metadata().Find("Acquisition_instrument.TEM.Detector.EDS.live_time");
  if (want["live_time"].is_null()) {
    EXPECT_EQ(live, nullptr);
  } else {
    ASSERT_NE(live, nullptr);
    EXPECT_EQ(live->as_double(), want["live_time"].get<double>());
  }

  auto expected = ReadNpy((fs::path(g_cases_dir) / want["npy"].get<std::string>()).string());
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  auto got = nav.Values();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->dtype(), expected->dtype());
  ASSERT_EQ(got->shape(), expected->shape());
  const bool floating = IsFloat(got->dtype());
  for (Index i = 0; i < got->size(); ++i) {
    const double g = got->GetAsDouble(i), e = expected->GetAsDouble(i);
    // Integer sums are exact; float sums may differ in summation order (dask vs hyperchunk).
    if (floating) {
      EXPECT_NEAR(g, e, 1e-12 * std::max(1.0, std::abs(e))) << "element " << i;
    } else {
      EXPECT_EQ(g, e) << "element " << i;
    }
  }
}

TEST(NavigatorInterop, MatchesHyperSpysComputeNavigator) {
  const json manifest = ReadJson((fs::path(g_cases_dir) / "cases.json").string());
  ASSERT_GT(manifest["cases"].size(), 100u);
  for (const json& c : manifest["cases"]) {
    SCOPED_TRACE(fmt::format("{}: compute_navigator(**{})", c["name"].get<std::string>(), c["kwargs"].dump()));
    auto lines = std::make_shared<Lines>();
    auto s =
        Load(manifest["files"][c["file"].get<std::string>()].get<std::string>(), {.lazy = true}, ContextWith(lines));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    auto nav = ComputeNavigator(*s, OptionsOf(c["kwargs"]));
    EXPECT_EQ(lines->info, c["log"].get<std::vector<std::string>>());
    if (!c["ok"].get<bool>()) {
      EXPECT_FALSE(nav.ok()) << "HyperSpy refused it: " << c["error"].get<std::string>();
      continue;
    }
    ASSERT_TRUE(nav.ok()) << nav.status().ToString();
    EXPECT_FALSE(nav->is_lazy());
    ExpectMatches(*nav, c);
    EXPECT_EQ(lines->warnings.size(), c["warnings"].size()) << "dask's balancing warning";
  }
}

TEST(NavigatorInterop, ReadsTheNavigatorHyperSpySaved) {
  const json manifest = ReadJson((fs::path(g_cases_dir) / "cases.json").string());
  const json& stored = manifest["stored"];
  for (bool lazy : {false, true}) {
    SCOPED_TRACE(lazy ? "lazy load" : "eager load");
    auto s = Load(stored["file"].get<std::string>(), {.lazy = lazy}, ContextWith(std::make_shared<Lines>()));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    std::optional<Signal> nav = StoredNavigator(*s);
    ASSERT_TRUE(nav.has_value());
    EXPECT_EQ(nav->is_lazy(), lazy);
    ASSERT_TRUE(nav->Compute().ok());
    ExpectMatches(*nav, stored);
  }
}

// Saves a signal with a stored navigator for each of a few cases; check_navigator_written.py loads
// them with HyperSpy.
TEST(NavigatorInterop, WritesNavigatorsForHyperSpy) {
  const json manifest = ReadJson((fs::path(g_cases_dir) / "cases.json").string());
  fs::remove_all(g_written_dir);
  fs::create_directories(g_written_dir);
  json written = json::array();
  for (const json& c : manifest["cases"]) {
    if (!c["ok"].get<bool>()) continue;
    const std::string name = c["name"].get<std::string>();
    // The first three cases of each file (defaults, chunks_number 1 and 3) and every explicit index.
    if (std::stoi(name.substr(name.rfind('_') + 1)) > 2 && !c["kwargs"].contains("index")) continue;
    SCOPED_TRACE(name);
    const std::string source = manifest["files"][c["file"].get<std::string>()].get<std::string>();
    auto s = Load(source, {.lazy = true}, ContextWith(std::make_shared<Lines>()));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    auto nav = ComputeNavigator(*s, OptionsOf(c["kwargs"]));
    ASSERT_TRUE(nav.ok()) << nav.status().ToString();
    ASSERT_TRUE(StoreNavigator(*s, *nav).ok());
    const std::string path = (fs::path(g_written_dir) / (name + ".hspy")).string();
    const Status saved = s->Save(path);
    ASSERT_TRUE(saved.ok()) << saved.ToString();
    written.push_back({{"path", path}, {"source", source}, {"kwargs", c["kwargs"]}});
  }
  ASSERT_GT(written.size(), 20u);
  std::ofstream((fs::path(g_written_dir) / "written.json").string()) << written.dump(1);
}

}  // namespace
}  // namespace hyperchunk::interop

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s CASES_DIR WRITTEN_DIR\n", argv[0]);
    return 2;
  }
  hyperchunk::interop::g_cases_dir = argv[1];
  hyperchunk::interop::g_written_dir = argv[2];
  return RUN_ALL_TESTS();
}
