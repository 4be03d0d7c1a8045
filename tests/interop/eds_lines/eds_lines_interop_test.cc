// get_lines_intensity, estimate_integration_windows and estimate_background_windows against real
// HyperSpy 1.7.3: every case make_eds_cases.py recorded (EDS files HyperSpy wrote, lazily loaded)
// is computed by hyperchunk from the same file and compared: per map the class, title, axes and
// metadata (before computing), then dtype, shape and values; HyperSpy's warnings; the cases
// HyperSpy refuses; and the window arrays, bit for bit.
//
//   eds_lines_interop_test CASES_DIR
//
// Values: maps of integer data are sums of integers in float64, so they must be equal (and are).
// Float data is summed in another order than numpy/dask's, so maps may differ by rounding: at most
// n·eps·Σ|x| for n summed channels, where Σ|x| is bounded by the map's raw window sums. The
// tolerance is 1e-12 (float64) or 2e-6 (float32: eps 6e-8 times the ~30 channels a window and its
// background hold) times the largest raw sum in the map, measured by summing |x| over the same
// windows; every case lies far inside it.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>

#include "../npy.h"
#include "hyperchunk/eds/eds_signal.h"

namespace hyperchunk::interop {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string g_cases_dir;  // NOLINT: set once by main

class Warnings final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> lines;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (msg.level == spdlog::level::warn) lines.emplace_back(msg.payload.data(), msg.payload.size());
  }
  void flush_() override {}
};

std::shared_ptr<Context> ContextWith(std::shared_ptr<Warnings> sink) {
  ContextOptions options;
  options.threads = 2;
  options.logger = std::make_shared<spdlog::logger>("eds_lines", std::move(sink));
  options.logger->set_level(spdlog::level::info);
  return std::make_shared<Context>(options);
}

// A metadata tree as JSON with Python's types: float, int, bool, str, list, dict.
json ToJson(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNone: return nullptr;
    case Value::Kind::kBool: return v.as_bool();
    case Value::Kind::kInt: return v.as_int();
    case Value::Kind::kFloat: return v.as_double();
    case Value::Kind::kString:
    case Value::Kind::kBytes: return v.as_string();
    case Value::Kind::kList:
    case Value::Kind::kTuple: {
      json a = json::array();
      for (const Value& item : v.items()) a.push_back(ToJson(item));
      return a;
    }
    case Value::Kind::kArray: {
      json a = json::array();
      for (Index i = 0; i < v.array().size(); ++i) a.push_back(v.array().GetAsDouble(i));
      return a;
    }
    case Value::Kind::kTree: {
      json o = json::object();
      for (const auto& [k, child] : v.tree().entries()) o[k] = ToJson(child);
      return o;
    }
    case Value::Kind::kSignal: return "<signal>";
  }
  return nullptr;
}

// What HyperSpy's metadata has only in memory: the load record and the folding state.
json Comparable(json md) {
  md.erase("_HyperSpy");
  if (md.contains("General")) md["General"].erase("FileIO");
  if (md.contains("Signal")) md["Signal"].erase("record_by");  // written for old readers, dropped on load
  return md;
}

// Differences of two JSON values with Python's types kept apart (2 is not 2.0).
void Diff(const json& want, const json& got, const std::string& where, std::vector<std::string>& out) {
  const bool both_int = want.is_number_integer() && got.is_number_integer();  // signed or unsigned
  if (want.type() != got.type() && !both_int) {
    out.push_back(fmt::format("{}: want {} ({}), got {} ({})", where, want.dump(), want.type_name(), got.dump(),
                              got.type_name()));
    return;
  }
  if (want.is_object()) {
    for (const auto& [k, v] : want.items()) {
      if (!got.contains(k)) out.push_back(fmt::format("{}.{}: missing (want {})", where, k, v.dump()));
      else Diff(v, got[k], where + "." + k, out);
    }
    for (const auto& [k, v] : got.items()) {
      if (!want.contains(k)) out.push_back(fmt::format("{}.{}: unexpected {}", where, k, v.dump()));
    }
    return;
  }
  if (want.is_array()) {
    if (want.size() != got.size()) {
      out.push_back(fmt::format("{}: want {}, got {}", where, want.dump(), got.dump()));
      return;
    }
    for (size_t i = 0; i < want.size(); ++i) Diff(want[i], got[i], fmt::format("{}[{}]", where, i), out);
    return;
  }
  if (both_int ? want.get<int64_t>() != got.get<int64_t>() : want != got)
    out.push_back(fmt::format("{}: want {}, got {}", where, want.dump(), got.dump()));
}

eds::LinesIntensityOptions OptionsOf(const json& kw) {
  eds::LinesIntensityOptions o;
  if (kw.contains("xray_lines")) o.xray_lines = kw["xray_lines"].get<std::vector<std::string>>();
  if (kw.contains("integration_windows")) {
    const json& iw = kw["integration_windows"];
    if (iw.is_number()) {
      o.integration_windows = iw.get<double>();
    } else {
      std::vector<eds::IntegrationWindow> windows;
      for (const json& w : iw) windows.push_back({w[0].get<double>(), w[1].get<double>()});
      o.integration_windows = windows;
    }
  }
  if (kw.contains("background_windows")) {
    std::vector<eds::BackgroundWindow> rows;
    for (const json& w : kw["background_windows"])
      rows.push_back({w[0].get<double>(), w[1].get<double>(), w[2].get<double>(), w[3].get<double>()});
    o.background_windows = rows;
  }
  if (kw.contains("only_one")) o.only_one = kw["only_one"].get<bool>();
  if (kw.contains("only_lines")) o.only_lines = kw["only_lines"].get<std::vector<std::string>>();
  return o;
}

std::optional<std::vector<std::string>> LinesOf(const json& kw) {
  if (!kw.contains("xray_lines")) return std::nullopt;
  return kw["xray_lines"].get<std::vector<std::string>>();
}

// The largest sum of |x| over the channels a map adds up (from the lowest to the highest edge of
// its integration and background windows, one channel more): what bounds the rounding of a float map.
double LargestRawSum(const Signal& s, const eds::LinesIntensityOptions& o, size_t line_index,
                     const std::vector<eds::IntegrationWindow>& windows) {
  constexpr double kUnknown = std::numeric_limits<double>::infinity();
  double lo = windows[line_index][0], hi = windows[line_index][1];
  if (o.background_windows) {
    for (double edge : (*o.background_windows)[line_index]) lo = std::min(lo, edge), hi = std::max(hi, edge);
  }
  hi += s.axes_manager()[s.axes_manager().navigation_dimension()].scale;
  auto abs = s.Map(UnaryOp::kAbs);
  if (!abs.ok()) return kUnknown;
  auto part = abs->Isig({IndexSpec::Range(lo, hi)});
  if (!part.ok()) return kUnknown;
  auto sum = part->Sum({AxisRef::Signal()});
  if (!sum.ok()) return kUnknown;
  auto m = sum->Max({AxisRef::All()});
  if (!m.ok()) return kUnknown;
  auto v = m->Values();
  return v.ok() ? v->GetAsDouble(0) : kUnknown;
}

void CheckMaps(const json& c, const Signal& s, std::vector<Signal>& maps, const eds::LinesIntensityOptions& o) {
  const json& want = c["maps"];
  ASSERT_EQ(maps.size(), want.size());
  std::vector<Signal*> all;
  for (size_t k = 0; k < maps.size(); ++k) {
    SCOPED_TRACE(fmt::format("map {}", k));
    const json& w = want[k];
    const Signal& m = maps[k];
    EXPECT_EQ(m.class_name(), w["class"].get<std::string>());
    EXPECT_EQ(m.title(), w["title"].get<std::string>());
    json axes = json::array();
    for (const DataAxis& a : m.axes_manager().array_axes()) {
      axes.push_back({{"name", a.name ? json(*a.name) : json(nullptr)},
                      {"units", a.units ? json(*a.units) : json(nullptr)},
                      {"scale", a.scale},
                      {"offset", a.offset},
                      {"size", a.size},
                      {"navigate", a.navigate},
                      {"is_binned", a.is_binned}});
    }
    std::vector<std::string> diffs;
    Diff(w["axes"], axes, "axes", diffs);
    Diff(Comparable(w["metadata"]), Comparable(ToJson(Value::Tree(m.metadata()))), "metadata", diffs);
    for (const std::string& d : diffs) ADD_FAILURE() << d;
    all.push_back(&maps[k]);
  }
  ASSERT_TRUE(ComputeTogether(all).ok());
  const DType source = s.dtype();
  std::vector<eds::IntegrationWindow> windows;
  if (const double* width = std::get_if<double>(&o.integration_windows)) {
    auto lines = eds::ResolveXrayLines(s, o.xray_lines, o.only_one, o.only_lines);
    ASSERT_TRUE(lines.ok());
    windows = *eds::EstimateIntegrationWindows(s, *width, *lines);
  } else {
    windows = std::get<std::vector<eds::IntegrationWindow>>(o.integration_windows);
  }
  for (size_t k = 0; k < maps.size(); ++k) {
    SCOPED_TRACE(fmt::format("map {} ({})", k, maps[k].title()));
    const json& w = want[k];
    auto expected = ReadNpy((fs::path(g_cases_dir) / w["npy"].get<std::string>()).string());
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    auto got = maps[k].Values();
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(DTypeName(got->dtype()), w["dtype"].get<std::string>());
    ASSERT_EQ(got->shape(), expected->shape());
    double tol = 0;
    if (IsFloat(source)) tol = (source == DType::kFloat32 ? 2e-6 : 1e-12) * LargestRawSum(s, o, k, windows);
    double worst = 0;
    for (Index i = 0; i < got->size(); ++i) {
      const double a = got->GetAsDouble(i), b = expected->GetAsDouble(i);
      worst = std::max(worst, std::fabs(a - b));
      if (!(std::fabs(a - b) <= tol)) {
        ADD_FAILURE() << fmt::format("value {}: got {}, HyperSpy {} (tolerance {})", i, a, b, tol);
        break;
      }
    }
    if (worst > 0) std::printf("  %s: largest difference %.3g (tolerance %.3g)\n", maps[k].title().c_str(), worst, tol);
  }
}

json ReadManifest() {
  std::ifstream in(fs::path(g_cases_dir) / "cases.json");
  if (!in) throw std::runtime_error("cannot open cases.json in " + g_cases_dir + ": run make_eds_cases.py first");
  return json::parse(in);
}

TEST(EdsLinesInterop, MatchesHyperSpy) {
  const json manifest = ReadManifest();
  ASSERT_GE(manifest["cases"].size(), 50u);
  for (const json& c : manifest["cases"]) {
    const std::string what = c["what"].get<std::string>();
    const json kw = c.value("kwargs", json::object());
    SCOPED_TRACE(
        fmt::format("{} {}: {}(**{})", c["file"].get<std::string>(), c["name"].get<std::string>(), what, kw.dump()));
    auto sink = std::make_shared<Warnings>();
    auto s = Load((fs::path(g_cases_dir) / c["file"].get<std::string>()).string(), {.lazy = true}, ContextWith(sink));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    if (what == "lines") {
      const eds::LinesIntensityOptions o = OptionsOf(kw);
      auto maps = eds::GetLinesIntensity(*s, o);
      if (c.contains("error")) {
        EXPECT_FALSE(maps.ok()) << "HyperSpy refused: " << c["error"].get<std::string>();
        continue;
      }
      ASSERT_TRUE(maps.ok()) << maps.status().ToString();
      EXPECT_EQ(sink->lines, c["warnings"].get<std::vector<std::string>>());
      CheckMaps(c, *s, *maps, o);
      continue;
    }
    json got = json::array();
    if (what == "integration_windows") {
      auto w = eds::EstimateIntegrationWindows(*s, kw.value("windows_width", 2.0), LinesOf(kw));
      ASSERT_TRUE(w.ok()) << w.status().ToString();
      for (const auto& row : *w) got.push_back({row[0], row[1]});
    } else {
      std::array<double, 2> line_width = {2, 2};
      if (kw.contains("line_width"))
        line_width = {kw["line_width"][0].get<double>(), kw["line_width"][1].get<double>()};
      auto w = eds::EstimateBackgroundWindows(*s, line_width, kw.value("windows_width", 1.0), LinesOf(kw));
      ASSERT_TRUE(w.ok()) << w.status().ToString();
      for (const auto& row : *w) got.push_back({row[0], row[1], row[2], row[3]});
    }
    EXPECT_EQ(got, c["windows"]) << "got " << got.dump() << "\nHyperSpy " << c["windows"].dump();
  }
}

}  // namespace
}  // namespace hyperchunk::interop

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CASES_DIR\n", argv[0]);
    return 2;
  }
  hyperchunk::interop::g_cases_dir = argv[1];
  return RUN_ALL_TESTS();
}
