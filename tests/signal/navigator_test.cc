// compute_navigator and s.navigator against the worked examples of reference §3 (verified with
// HyperSpy 1.7.3); tests/interop/navigator compares with HyperSpy itself.
#include "hyperchunk/signal/navigator.h"

#include <filesystem>
#include <mutex>

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>

#include "hyperchunk/exec/compute.h"
#include "testing/sources.h"

namespace hyperchunk {
namespace {

// Collects log lines as "LEVEL:message".
class LinesSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> lines;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    lines.push_back(std::string(spdlog::level::to_string_view(msg.level).data()) + ":" +
                    std::string(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}
};

// Counts what the engine reports.
class CountingProgress final : public ProgressSink {
 public:
  int starts = 0, finishes = 0;
  int64_t total_tasks = 0;
  void Start(const std::string&, int64_t tasks, int64_t) override { ++starts, total_tasks = tasks; }
  void Update(int64_t, int64_t) override {}
  void Finish(bool) override { ++finishes; }
};

std::shared_ptr<Context> Ctx(std::shared_ptr<spdlog::logger> logger = nullptr,
                             std::shared_ptr<ProgressSink> progress = nullptr) {
  ContextOptions o;
  o.threads = 2;
  o.logger = std::move(logger);
  o.progress = std::move(progress);
  return std::make_shared<Context>(o);
}

// Values = flat index, of dtype T, shape `shape` (array order) in chunks `chunks`.
template <typename T>
NdArray Ramp(const Shape& shape) {
  std::vector<T> flat(static_cast<size_t>(NumElements(shape)));
  for (size_t i = 0; i < flat.size(); ++i) flat[i] = static_cast<T>(i % 50000);
  return NdArray::FromVector(flat, shape);
}

// A (2, 3 | 992) EDS_TEM spectrum image (array (3, 2, 992), uint16, energy offset 0.16 keV, scale
// 0.02 keV) in chunks of (2, 2, 248): the running example of the reference.
Signal EdsImage(std::shared_ptr<Context> ctx = Ctx(), const Shape& chunks = {2, 2, 248}) {
  Array data = Array::FromNdArray(Ramp<uint16_t>({3, 2, 992}), chunks);
  std::vector<DataAxis> axes = {DataAxis::Uniform(3, 1.0, 0.0, std::string("y"), std::string("nm"), true),
                                DataAxis::Uniform(2, 1.0, 0.0, std::string("x"), std::string("nm"), true),
                                DataAxis::Uniform(992, 0.02, 0.16, std::string("Energy"), std::string("keV"))};
  MetadataTree md;
  EXPECT_TRUE(md.Set("General.title", Value::String("scan")).ok());
  EXPECT_TRUE(md.Set("Signal.signal_type", Value::String("EDS_TEM")).ok());
  EXPECT_TRUE(md.Set("Acquisition_instrument.TEM.Detector.EDS.live_time", Value::Float(2.0)).ok());
  auto s = Signal::Create(data, axes, md, true, std::move(ctx));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

// A plain lazy signal of float64 ramp data with `sig` signal dimensions.
Signal Plain(const Shape& shape, const Shape& chunks, int sig) {
  auto s = Signal::FromNdArray(Ramp<double>(shape), sig, Ctx());
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  std::vector<DataAxis> axes = s->axes_manager().array_axes();
  auto lazy = Signal::Create(Array::FromNdArray(*s->Values(), chunks), axes, s->metadata(), true, Ctx());
  EXPECT_TRUE(lazy.ok()) << lazy.status().ToString();
  return *lazy;
}

std::string SumFrom(const Signal& s, const NavigatorOptions& o) {
  auto sel = SelectNavigatorChunks(s, o);
  return sel.ok() ? sel->SumFrom() : "error: " + sel.status().ToString();
}

NavigatorOptions At(std::vector<NavigatorIndex> index, std::vector<double> chunks_number = {}) {
  NavigatorOptions o;
  o.index = std::move(index);
  o.chunks_number = std::move(chunks_number);
  return o;
}

TEST(Navigator, DefaultIndexRoundsHalfToEven) {
  for (auto [size, middle] : std::vector<std::pair<Index, Index>>{{992, 496}, {5, 2}, {7, 4}, {1, 0}, {3, 2}, {9, 4}}) {
    auto sel = SelectNavigatorChunks(Plain({2, size}, {2, 1}, 1));
    ASSERT_TRUE(sel.ok()) << sel.status().ToString();
    EXPECT_EQ(sel->index, std::vector<Index>{middle}) << size;
    EXPECT_EQ(sel->SumFrom(), fmt::format("[slice({}, {}, None)]", middle, middle + 1)) << size;
  }
}

TEST(Navigator, WorkedExamplesOfTheReference) {
  const Signal s = EdsImage();
  EXPECT_EQ(SumFrom(s, At({6.3})), "[slice(248, 496, None)]");
  EXPECT_EQ(SumFrom(s, {}), "[slice(496, 744, None)]");
  EXPECT_EQ(SumFrom(s, At({Index{300}})), "[slice(248, 496, None)]");
  EXPECT_EQ(SumFrom(s, At({Index{991}})), "[slice(744, 992, None)]");
  EXPECT_EQ(SumFrom(s, At({}, {3})), "[slice(331, 662, None)]");
  EXPECT_EQ(SumFrom(s, At({6.3}, {5})), "[slice(199, 398, None)]");
  auto sel = SelectNavigatorChunks(s, At({6.3}));
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(sel->IndexText(), "[307]");
  EXPECT_EQ(sel->SignalChunksText(), "((248, 248, 248, 248),)");
  sel = SelectNavigatorChunks(s, At({}, {3}));
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(sel->SignalChunksText(), "((331, 331, 330),)");
  // Whole spectra in one chunk: the "cheap" navigator is the full sum.
  EXPECT_EQ(SumFrom(EdsImage(Ctx(), {2, 2, 992}), {}), "[slice(0, 992, None)]");
}

TEST(Navigator, IndexOutOfRange) {
  const Signal s = EdsImage();
  for (Index i : {Index{-1}, Index{992}, Index{5000}}) {
    auto sel = SelectNavigatorChunks(s, At({i}));
    ASSERT_FALSE(sel.ok()) << i;
    EXPECT_EQ(sel.status().code(), StatusCode::kOutOfRange) << i;
    EXPECT_NE(sel.status().message().find("Index out of signal range"), std::string::npos) << sel.status().ToString();
  }
  // Values more than half a channel outside the axis (19.98 keV is the last channel).
  EXPECT_FALSE(SelectNavigatorChunks(s, At({25.0})).ok());
  EXPECT_FALSE(SelectNavigatorChunks(s, At({0.1})).ok());
  EXPECT_TRUE(SelectNavigatorChunks(s, At({19.989})).ok());
}

TEST(Navigator, ChunksNumberBalancing) {
  using V = std::vector<Index>;
  EXPECT_EQ(BalanceChunks({330, 330, 330, 2}), (V{331, 331, 330}));
  EXPECT_EQ(BalanceChunks({198, 198, 198, 198, 198, 2}), (V{199, 199, 199, 199, 196}));
  EXPECT_EQ(BalanceChunks({13, 13, 13, 1}), (V{14, 14, 12}));
  EXPECT_EQ(BalanceChunks({5, 5, 5, 5, 5, 5, 5, 5}), (V{5, 5, 5, 5, 5, 5, 5, 5}));
  EXPECT_EQ(BalanceChunks({992}), (V{992}));
  EXPECT_EQ(BalanceChunks({16, 16, 8}), (V{20, 20}));   // 40 / 2.5
  EXPECT_EQ(BalanceChunks({331, 330}), (V{331, 330}));  // even count: median 330.5 → 330
  // 40 / 13: int(40 / 13) = 3, so 3 × 13 + 1; no size in [2, 4] cuts 40 into 13: dask warns, keeps them.
  EXPECT_EQ(BalanceChunks({3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1}), std::nullopt);

  // 40 channels: chunks_number 7 gives 8 chunks of 5 (int(40 / 7) = 5); 13 cannot be balanced.
  const Signal s = Plain({3, 40}, {3, 10}, 1);
  auto sel = SelectNavigatorChunks(s, At({}, {7}));
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(sel->SignalChunksText(), "((5, 5, 5, 5, 5, 5, 5, 5),)");
  sel = SelectNavigatorChunks(s, At({}, {13}));
  ASSERT_TRUE(sel.ok());
  EXPECT_TRUE(sel->unbalanced);
  EXPECT_EQ(sel->SumFrom(), "[slice(18, 21, None)]");
  EXPECT_EQ(SumFrom(s, At({}, {2.5})), "[slice(20, 40, None)]");
  EXPECT_EQ(SumFrom(s, At({}, {40})), "[slice(20, 21, None)]");
  EXPECT_EQ(SumFrom(s, At({}, {1})), "[slice(0, 40, None)]");
  for (double bad : {0.0, -2.0, 41.0, std::nan("")}) EXPECT_FALSE(SelectNavigatorChunks(s, At({}, {bad})).ok()) << bad;
  NavigatorOptions full;
  full.full = true;
  EXPECT_EQ(SumFrom(s, full), "[slice(0, 40, None)]");
  full.chunks_number = {2};
  EXPECT_FALSE(SelectNavigatorChunks(s, full).ok());
}

TEST(Navigator, ValueVersusIndex) {
  // Energy 0.16 + 0.02 i: 6.3 keV is channel 307, the integer 6 is channel 6.
  const Signal s = EdsImage();
  auto by_value = SelectNavigatorChunks(s, At({6.3}));
  auto by_index = SelectNavigatorChunks(s, At({Index{6}}));
  ASSERT_TRUE(by_value.ok() && by_index.ok());
  EXPECT_EQ(by_value->index, std::vector<Index>{307});
  EXPECT_EQ(by_index->index, std::vector<Index>{6});
  EXPECT_EQ(by_index->SumFrom(), "[slice(0, 248, None)]");
}

TEST(Navigator, TwoAndThreeSignalAxes) {
  // (3|100, 60): array (3, 60, 100), chunks 20 × 25; natural order x (100) first.
  const Signal image = Plain({3, 60, 100}, {3, 20, 25}, 2);
  auto sel = SelectNavigatorChunks(image);
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(sel->IndexText(), "[50, 30]");
  EXPECT_EQ(sel->SignalChunksText(), "((20, 20, 20), (25, 25, 25, 25))");
  EXPECT_EQ(sel->SumFrom(), "[slice(50, 75, None), slice(20, 40, None)]");
  EXPECT_EQ(SumFrom(image, At({Index{10}, Index{5}})), "[slice(0, 25, None), slice(0, 20, None)]");
  EXPECT_EQ(SumFrom(image, At({Index{5}, 7.0})), "[slice(0, 25, None), slice(0, 20, None)]");
  EXPECT_EQ(SumFrom(image, At({Index{1}, Index{2}, Index{3}})), "[slice(0, 25, None), slice(0, 20, None)]");
  EXPECT_EQ(SumFrom(image, At({}, {3})), "[slice(34, 68, None), slice(20, 40, None)]");
  EXPECT_EQ(SumFrom(image, At({}, {2, 3, 4})), "[slice(50, 100, None), slice(20, 40, None)]");
  // HyperSpy tests only the first two axes; the third keeps its first chunk.
  const Signal cube = Plain({3, 4, 5, 6}, {3, 2, 2, 2}, 3);
  EXPECT_EQ(SumFrom(cube, {}), "[slice(2, 4, None), slice(2, 4, None), slice(0, 2, None)]");
  EXPECT_EQ(SumFrom(cube, At({Index{5}, Index{3}, Index{4}})),
            "[slice(4, 6, None), slice(2, 4, None), slice(0, 2, None)]");
  EXPECT_FALSE(SelectNavigatorChunks(cube, At({}, {2, 2})).ok());      // chunks_number: one, or one per axis
  EXPECT_FALSE(SelectNavigatorChunks(Plain({4, 5}, {4, 5}, 0)).ok());  // no signal axes
}

TEST(Navigator, ResultIsHyperSpysNavigator) {
  auto lines = std::make_shared<LinesSink>();
  auto logger = std::make_shared<spdlog::logger>("test", lines);
  logger->set_level(spdlog::level::info);
  auto progress = std::make_shared<CountingProgress>();
  const Signal s = EdsImage(Ctx(logger, progress));
  auto nav = ComputeNavigator(s, At({6.3}));
  ASSERT_TRUE(nav.ok()) << nav.status().ToString();
  EXPECT_EQ(nav->Repr(), "<Signal2D, title: scan, dimensions: (|2, 3)>");
  EXPECT_FALSE(nav->is_lazy());
  EXPECT_EQ(nav->dtype(), DType::kUInt64);
  EXPECT_EQ(nav->shape(), (Shape{3, 2}));
  ASSERT_EQ(nav->axes_manager().size(), 2u);
  EXPECT_EQ(nav->axes_manager()[0].name, std::string("x"));
  EXPECT_EQ(nav->axes_manager()[1].name, std::string("y"));
  EXPECT_FALSE(nav->axes_manager()[0].navigate);
  EXPECT_FALSE(nav->axes_manager()[0].is_binned);
  const Value* sum_from = nav->original_metadata().Find("sum_from");
  ASSERT_NE(sum_from, nullptr);
  EXPECT_EQ(sum_from->as_string(), "[slice(248, 496, None)]");
  EXPECT_FALSE(nav->metadata().Has("_HyperSpy.navigator"));
  auto values = nav->Values();
  ASSERT_TRUE(values.ok());
  for (Index pixel = 0; pixel < 6; ++pixel) {
    double want = 0;
    for (Index c = 248; c < 496; ++c) want += static_cast<double>((pixel * 992 + c) % 50000);
    EXPECT_EQ(values->GetAsDouble(pixel), want) << pixel;
  }
  // HyperSpy's lines first; the engine's own plan line ("plan for sum: ...") may follow.
  ASSERT_GE(lines->lines.size(), 3u);
  lines->lines.resize(3);
  EXPECT_EQ(lines->lines,
            (std::vector<std::string>{"info:Using index: [307]", "info:Signal chunks: ((248, 248, 248, 248),)",
                                      "info:Computing sum over signal dimension: [slice(248, 496, None)]"}));
  EXPECT_EQ(progress->starts, 1);
  EXPECT_EQ(progress->finishes, 1);

  // A line scan gives a Signal1D (|3); no navigation axes a BaseSignal (1|).
  auto line = ComputeNavigator(Plain({3, 40}, {3, 10}, 1));
  ASSERT_TRUE(line.ok()) << line.status().ToString();
  EXPECT_EQ(line->Repr(), "<Signal1D, title: , dimensions: (|3)>");
  EXPECT_EQ(line->dtype(), DType::kFloat64);
  auto single = ComputeNavigator(Plain({5}, {2}, 1));
  ASSERT_TRUE(single.ok()) << single.status().ToString();
  EXPECT_EQ(single->Repr(), "<BaseSignal, title: , dimensions: (1|)>");
  EXPECT_EQ(single->Values()->GetAsDouble(0), 2.0 + 3.0);
  auto cube = ComputeNavigator(Plain({2, 3, 4, 5}, {2, 3, 4, 2}, 1));
  ASSERT_TRUE(cube.ok()) << cube.status().ToString();
  EXPECT_EQ(cube->Repr(), "<BaseSignal, title: , dimensions: (|4, 3, 2)>");
}

TEST(Navigator, ReadsOnlyTheChunksItSums) {
  // Chunks (4, 16, 248) of (8, 16, 992): one of four signal chunks, so a quarter of the bytes.
  const Shape shape{8, 16, 992};
  auto source = std::make_shared<test::CountingSource>(Ramp<uint16_t>(shape), ChunkGrid::Regular(shape, {4, 16, 248}));
  std::vector<DataAxis> axes = {DataAxis::Uniform(8, 1.0, 0.0, {}, {}, true),
                                DataAxis::Uniform(16, 1.0, 0.0, {}, {}, true), DataAxis::Uniform(992, 0.02, 0.16)};
  auto s = Signal::Create(Array::FromSource(source), axes, {}, true, Ctx());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto lazy = LazyNavigator(*s);
  ASSERT_TRUE(lazy.ok()) << lazy.status().ToString();
  EXPECT_TRUE(lazy->is_lazy());
  EXPECT_EQ(source->total_reads(), 0);
  auto plan = Explain(s->context(), {lazy->data()});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->source_bytes * 4, s->data().nbytes());
  EXPECT_EQ(plan->source_chunks, 2);
  auto nav = ComputeNavigator(*s);
  ASSERT_TRUE(nav.ok()) << nav.status().ToString();
  EXPECT_EQ(source->total_reads(), 2);
  EXPECT_EQ(source->reads({0, 0, 2}), 1);
  EXPECT_EQ(source->reads({1, 0, 2}), 1);
}

TEST(Navigator, ReadsAQuarterOfAFile) {
  // A file chunked like (64, 512, 248) of (512, 512, 992): whole rows of pixels, a quarter of the
  // channels. The navigator's plan reads one chunk of four along the energy axis.
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "hc_navigator_quarter";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "rows.hspy").string();
  const Shape shape{16, 32, 992};
  auto s = Signal::FromNdArray(Ramp<uint16_t>(shape), 1, Ctx());
  ASSERT_TRUE(s.ok());
  HspyWriteOptions write;
  write.chunks = Shape{4, 32, 248};
  ASSERT_TRUE(s->Save(path, write).ok());
  auto file = Load(path, {.lazy = true}, Ctx());
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto nav = LazyNavigator(*file);
  ASSERT_TRUE(nav.ok()) << nav.status().ToString();
  auto plan = Explain(file->context(), {nav->data()});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->source_chunks, 4);  // 4 row blocks x 1 of 4 channel blocks
  EXPECT_EQ(plan->source_bytes * 4, file->data().nbytes());
  NavigatorOptions whole;
  whole.full = true;
  auto full = Explain(file->context(), {LazyNavigator(*file, whole)->data()});
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->source_bytes, file->data().nbytes());
  std::filesystem::remove_all(dir);
}

TEST(Navigator, StoreSaveLoadRoundTrip) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "hc_navigator_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Signal s = EdsImage();
  EXPECT_EQ(StoredNavigator(s), std::nullopt);
  auto nav = ComputeNavigator(s, At({}, {3}));
  ASSERT_TRUE(nav.ok()) << nav.status().ToString();
  ASSERT_TRUE(StoreNavigator(s, *nav).ok());
  auto stored = StoredNavigator(s);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->Repr(), "<LazySignal2D, title: scan, dimensions: (|2, 3)>");

  const std::string path = (dir / "with_navigator.hspy").string();
  ASSERT_TRUE(s.Save(path).ok());
  auto back = Load(path, {.lazy = true}, Ctx());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  auto loaded = StoredNavigator(*back);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_TRUE(loaded->is_lazy());
  EXPECT_EQ(loaded->Repr(), "<LazySignal2D, title: scan, dimensions: (|2, 3)>");
  EXPECT_EQ(loaded->dtype(), DType::kUInt64);
  EXPECT_EQ(loaded->original_metadata().Find("sum_from")->as_string(), "[slice(331, 662, None)]");
  EXPECT_EQ(loaded->axes_manager()[0].name, std::string("x"));
  auto want = nav->Values();
  auto got = loaded->Values();
  ASSERT_TRUE(want.ok() && got.ok());
  ASSERT_EQ(got->shape(), want->shape());
  for (Index i = 0; i < want->size(); ++i) EXPECT_EQ(got->GetAsDouble(i), want->GetAsDouble(i)) << i;
  // A derived signal does not inherit it; an eager load gives an in-memory one.
  EXPECT_EQ(StoredNavigator(*back->Sum()), std::nullopt);
  auto eager = Load(path, {.lazy = false}, Ctx());
  ASSERT_TRUE(eager.ok()) << eager.status().ToString();
  auto in_memory = StoredNavigator(*eager);
  ASSERT_TRUE(in_memory.has_value());
  EXPECT_EQ(in_memory->Repr(), "<Signal2D, title: scan, dimensions: (|2, 3)>");
  std::filesystem::remove_all(dir);
}

TEST(Navigator, StoreRefusesAMismatchedNavigator) {
  Signal s = EdsImage();
  auto other = ComputeNavigator(Plain({3, 40}, {3, 10}, 1));
  ASSERT_TRUE(other.ok());
  const Status st = StoreNavigator(s, *other);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("does not fit"), std::string::npos) << st.ToString();
  EXPECT_FALSE(s.metadata().Has("_HyperSpy.navigator"));
}

}  // namespace
}  // namespace hyperchunk
