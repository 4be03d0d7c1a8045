// Signal: classes, isig/inav, reductions, rebin axes, transpose, as_lazy chunks and saving, against
// the worked examples of reference §2, §5.2, §6 and §8.1 (verified with HyperSpy 1.7.3). The
// parity suite in tests/interop/parity compares the same operations with HyperSpy itself.
#include "hyperchunk/signal/signal.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace hyperchunk {
namespace {

std::shared_ptr<Context> Ctx() {
  ContextOptions o;
  o.threads = 2;
  return std::make_shared<Context>(o);
}

// A (2, 3 | 992) EDS_TEM spectrum image of uint16 (array shape (3, 2, 992)), values = flat index.
Signal EdsImage(bool lazy = true) {
  const Shape shape{3, 2, 992};
  std::vector<uint16_t> flat(3 * 2 * 992);
  for (size_t i = 0; i < flat.size(); ++i) flat[i] = static_cast<uint16_t>(i);
  Array data = Array::FromNdArray(NdArray::FromVector(flat, shape), Shape{2, 2, 248});
  std::vector<DataAxis> axes = {DataAxis::Uniform(3, 1.0, 0.0, std::string("y"), std::string("nm"), true),
                                DataAxis::Uniform(2, 1.0, 0.0, std::string("x"), std::string("nm"), true),
                                DataAxis::Uniform(992, 0.02, 0.16, std::string("Energy"), std::string("keV"))};
  MetadataTree md;
  EXPECT_TRUE(md.Set("General.title", Value::String("")).ok());
  EXPECT_TRUE(md.Set("Signal.signal_type", Value::String("EDS_TEM")).ok());
  EXPECT_TRUE(md.Set("Acquisition_instrument.TEM.Detector.EDS.live_time", Value::Float(2.0)).ok());
  EXPECT_TRUE(md.Set("Acquisition_instrument.TEM.Detector.EDS.real_time", Value::Float(3.0)).ok());
  auto s = Signal::Create(data, axes, md, lazy, Ctx());
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

const DataAxis& SigAxis(const Signal& s) { return s.axes_manager()[s.axes_manager().navigation_dimension()]; }

struct IsigCase {
  std::string spec;
  Index size;
  double offset;
  double scale;
};

TEST(Signal, ClassAndRepr) {
  Signal s = EdsImage();
  EXPECT_EQ(s.Repr(), "<LazyEDSTEMSpectrum, title: , dimensions: (2, 3|992)>");
  EXPECT_TRUE(s.IsA(SignalClass::kEDSSpectrum));
  EXPECT_TRUE(s.IsA(SignalClass::kSignal1D));
  EXPECT_FALSE(s.IsA(SignalClass::kSignal2D));
  EXPECT_TRUE(SigAxis(s).is_binned);  // EDS classes bin their energy axis
  Signal m = EdsImage(false);
  EXPECT_EQ(m.class_name(), "EDSTEMSpectrum");
  EXPECT_FALSE(m.is_lazy());
}

TEST(Signal, IsigWorkedExamples) {
  const Signal s = EdsImage();
  const std::vector<IsigCase> cases = {
      {":15.0", 742, 0.16, 0.02},      {":15.01", 742, 0.16, 0.02},     {":15.009", 742, 0.16, 0.02},
      {"0.17:", 992, 0.16, 0.02},      {"0.1701:", 991, 0.18, 0.02},    {"6.3:7.1", 40, 6.3, 0.02},
      {"10:20", 10, 0.36, 0.02},       {"-10:", 10, 19.8, 0.02},        {"::2", 496, 0.16, 0.04},
      {"1.0:2.0:0.04", 25, 1.0, 0.04}, {"1.0:2.0:0.05", 25, 1.0, 0.04}, {":25.0", 992, 0.16, 0.02},
      {":19.99", 991, 0.16, 0.02},     {":19.991", 992, 0.16, 0.02},    {"-3.0:1.0", 42, 0.16, 0.02},
      {"rel0.5:", 497, 10.06, 0.02},   {":1500eV", 67, 0.16, 0.02},
  };
  for (const auto& c : cases) {
    auto specs = ParseIndexSpecs(c.spec);
    ASSERT_TRUE(specs.ok()) << c.spec;
    auto r = s.Isig(*specs);
    ASSERT_TRUE(r.ok()) << c.spec << ": " << r.status().ToString();
    const DataAxis& e = SigAxis(*r);
    EXPECT_EQ(e.size, c.size) << c.spec;
    EXPECT_NEAR(e.offset, c.offset, 1e-9) << c.spec;
    EXPECT_NEAR(e.scale, c.scale, 1e-12) << c.spec;
    EXPECT_EQ(r->shape(), (Shape{3, 2, c.size})) << c.spec;
  }
  EXPECT_FALSE(s.Isig(*ParseIndexSpecs("25.0:")).ok());
  EXPECT_FALSE(s.Isig(*ParseIndexSpecs("1,2")).ok());  // too many indices

  // A position removes the signal axis: a BaseSignal (2, 3|).
  auto point = s.Isig(*ParseIndexSpecs("6.3"));
  ASSERT_TRUE(point.ok()) << point.status().ToString();
  EXPECT_EQ(point->Repr(), "<LazySignal, title: , dimensions: (2, 3|)>");
  auto values = point->Values();
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(values->GetAsDouble(0), 307.0);
  EXPECT_EQ(values->GetAsDouble(1), 992.0 + 307.0);
}

TEST(Signal, IsigKeepsTheOnlyAxis) {
  auto s = Signal::FromNdArray(NdArray::FromVector<double>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {10}), 1, Ctx());
  ASSERT_TRUE(s.ok());
  auto r = s->Isig({IndexSpec::At(Index{3})});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->axes_manager().DimensionString(), "(|1)");
  EXPECT_EQ(r->Values()->GetAsDouble(0), 3.0);
}

TEST(Signal, InavWorkedExamples) {
  // nav x (size 5, scale 0.5, offset 1), y (size 4, scale 2, offset -1), 10 signal channels.
  std::vector<DataAxis> axes = {DataAxis::Uniform(4, 2.0, -1.0, std::string("y"), {}, true),
                                DataAxis::Uniform(5, 0.5, 1.0, std::string("x"), {}, true), DataAxis::Uniform(10)};
  auto s = Signal::Create(Array::Zeros(DType::kFloat32, {4, 5, 10}, {4, 5, 10}), axes, {}, true, Ctx());
  ASSERT_TRUE(s.ok());
  auto a = s->Inav(*ParseIndexSpecs("1:3,2"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->axes_manager().DimensionString(), "(2|10)");
  EXPECT_DOUBLE_EQ(a->axes_manager()[0].offset, 1.5);
  auto b = s->Inav(*ParseIndexSpecs("1.5:2.5,1.0"));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->axes_manager().DimensionString(), "(2|10)");
  EXPECT_DOUBLE_EQ(b->axes_manager()[0].offset, 1.5);
  auto c = s->Inav(*ParseIndexSpecs("::-1"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_DOUBLE_EQ(c->axes_manager()[0].offset, 3.0);
  EXPECT_DOUBLE_EQ(c->axes_manager()[0].scale, -0.5);
  auto d = s->Inav(*ParseIndexSpecs("-1,-1"));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->axes_manager().DimensionString(), "(|10)");
  EXPECT_FALSE(s->Inav(*ParseIndexSpecs("7,0")).ok());
}

TEST(Signal, ReductionsGiveHyperSpysClassesAndDtypes) {
  const Signal s = EdsImage();
  auto spectrum = s.Sum();
  ASSERT_TRUE(spectrum.ok()) << spectrum.status().ToString();
  EXPECT_EQ(spectrum->Repr(), "<LazyEDSTEMSpectrum, title: , dimensions: (|992)>");
  EXPECT_EQ(spectrum->dtype(), DType::kUInt64);
  // EDS sum scales live_time by the number of summed pixels.
  EXPECT_DOUBLE_EQ(spectrum->metadata().Find("Acquisition_instrument.TEM.Detector.EDS.live_time")->as_double(), 12.0);
  EXPECT_DOUBLE_EQ(spectrum->metadata().Find("Acquisition_instrument.TEM.Detector.EDS.real_time")->as_double(), 3.0);

  auto map = s.Sum({AxisRef::Signal()});
  ASSERT_TRUE(map.ok());
  EXPECT_EQ(map->Repr(), "<LazySignal, title: , dimensions: (2, 3|)>");
  auto mean = s.Mean({AxisRef("Energy")});
  ASSERT_TRUE(mean.ok());
  EXPECT_EQ(mean->dtype(), DType::kFloat64);
  auto all = s.Max({AxisRef::All()});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->axes_manager().DimensionString(), "(|1)");
  EXPECT_EQ(all->axes_manager()[0].name, "Scalar");
  EXPECT_EQ(all->Repr(), "<LazySignal, title: , dimensions: (|1)>");  // add_scalar_axis: a BaseSignal
  EXPECT_FALSE(all->axes_manager()[0].is_binned);
  EXPECT_EQ(all->Sum({AxisRef::Navigation()})->class_name(), "LazySignal");
  EXPECT_EQ(all->dtype(), DType::kUInt16);
  EXPECT_EQ(all->Values()->GetAsDouble(0), 3 * 2 * 992 - 1);
  auto arg = s.IndexMax(AxisRef("x"));
  ASSERT_TRUE(arg.ok());
  EXPECT_EQ(arg->dtype(), DType::kInt64);
  EXPECT_EQ(arg->axes_manager().DimensionString(), "(3|992)");
  EXPECT_FALSE(s.Sum({AxisRef("sig")}).ok());

  // In memory: the result is computed and in memory too.
  auto m = EdsImage(false).Sum();
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->is_lazy());
  EXPECT_EQ(m->class_name(), "EDSTEMSpectrum");
}

TEST(Signal, TransposeSwapsNavigationAndSignal) {
  auto map = EdsImage().Sum({AxisRef::Signal()});
  ASSERT_TRUE(map.ok());
  auto image = map->Transpose();
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ(image->Repr(), "<LazySignal2D, title: , dimensions: (|2, 3)>");
  auto t = EdsImage().Transpose();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->axes_manager().DimensionString(), "(992|2, 3)");
  EXPECT_EQ(t->shape(), (Shape{992, 3, 2}));
  EXPECT_EQ(t->class_name(), "LazySignal2D");
  // s.transpose(signal_axes=[0]) → (992, 3|2), array (3, 992, 2); signal_axes=[2, 0] → (3|992, 2).
  auto x_signal = EdsImage().Transpose({AxisRef(0)});
  ASSERT_TRUE(x_signal.ok());
  EXPECT_EQ(x_signal->axes_manager().DimensionString(), "(992, 3|2)");
  EXPECT_EQ(x_signal->shape(), (Shape{3, 992, 2}));
  EXPECT_EQ(x_signal->class_name(), "LazyEDSTEMSpectrum");
  auto two = EdsImage().Transpose({AxisRef(2), AxisRef(0)});
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->axes_manager().DimensionString(), "(3|992, 2)");
  EXPECT_EQ(two->shape(), (Shape{3, 2, 992}));
}

TEST(Signal, RebinAxesAndEdsTimes) {
  const Signal s = EdsImage();
  RebinOptions o;
  o.scale = std::vector<double>{2, 3, 2};
  auto r = s.Rebin(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->shape(), (Shape{1, 1, 496}));
  EXPECT_EQ(r->dtype(), DType::kUInt64);
  EXPECT_DOUBLE_EQ(SigAxis(*r).offset, 0.17);
  EXPECT_DOUBLE_EQ(SigAxis(*r).scale, 0.04);
  EXPECT_DOUBLE_EQ(r->axes_manager()[0].offset, 0.5);
  EXPECT_DOUBLE_EQ(r->metadata().Find("Acquisition_instrument.TEM.Detector.EDS.live_time")->as_double(), 12.0);
  EXPECT_DOUBLE_EQ(r->metadata().Find("Acquisition_instrument.TEM.Detector.EDS.real_time")->as_double(), 18.0);
  auto v = r->Values();
  ASSERT_TRUE(v.ok());
  // Block (0..1, 0..2, 0..1) of flat indices: sum over y, x of (y*2+x)*992 + e for e in {0, 1}.
  double expected = 0;
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 2; ++x)
      for (int e = 0; e < 2; ++e) expected += (y * 2 + x) * 992 + e;
  EXPECT_EQ(v->GetAsDouble(0), expected);

  RebinOptions same;
  same.scale = std::vector<double>{1, 1, 4};
  same.dtype = "same";
  auto r2 = s.Rebin(same);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->dtype(), DType::kUInt16);

  RebinOptions linear;
  linear.scale = std::vector<double>{1, 1, 1.5};
  auto r3 = s.Rebin(linear);
  ASSERT_TRUE(r3.ok()) << r3.status().ToString();
  EXPECT_TRUE(r3->is_lazy());  // HyperSpy refuses lazy linear rebin; we do it lazily
  EXPECT_EQ(r3->dtype(), DType::kFloat64);
  EXPECT_EQ(r3->shape()[2], 661);
  EXPECT_DOUBLE_EQ(SigAxis(*r3).offset, 0.16 + 0.5 * 0.02 / 2);

  RebinOptions bad;
  bad.scale = std::vector<double>{1, 1};
  EXPECT_FALSE(s.Rebin(bad).ok());
  RebinOptions both = o;
  both.new_shape = std::vector<Index>{1, 1, 496};
  EXPECT_FALSE(s.Rebin(both).ok());
  RebinOptions int_linear = linear;
  int_linear.dtype = "uint16";
  EXPECT_FALSE(s.Rebin(int_linear).ok());
}

TEST(Signal, RebinOffsetRule) {
  std::vector<DataAxis> axes = {DataAxis::Uniform(8, 2.0, 10.0)};
  auto s = Signal::Create(Array::Ones(DType::kFloat64, {8}, {8}), axes, {}, false, Ctx());
  ASSERT_TRUE(s.ok());
  for (auto [f, offset, scale] :
       std::vector<std::tuple<double, double, double>>{{2, 11, 4}, {1.5, 10.5, 3}, {0.5, 9.5, 1}}) {
    RebinOptions o;
    o.scale = std::vector<double>{f};
    auto r = s->Rebin(o);
    ASSERT_TRUE(r.ok()) << f << ": " << r.status().ToString();
    EXPECT_DOUBLE_EQ(r->axes_manager()[0].offset, offset) << f;
    EXPECT_DOUBLE_EQ(r->axes_manager()[0].scale, scale) << f;
  }
}

TEST(Signal, AsLazyUsesHyperSpysChunks) {
  auto s = Signal::FromNdArray(NdArray::Zeros(DType::kUInt16, {256, 256, 992}), 1, Ctx());
  ASSERT_TRUE(s.ok());
  const Signal lazy = s->AsLazy();
  EXPECT_TRUE(lazy.is_lazy());
  EXPECT_EQ(lazy.data().chunks().ToString(), "((128, 128), (256,), (992,))");
}

TEST(Signal, ArithmeticStaysLazy) {
  const Signal s = EdsImage();
  auto r = s * 2.0;
  ASSERT_TRUE(r.ok());
  auto r2 = *r + s;
  ASSERT_TRUE(r2.ok());
  EXPECT_TRUE(r2->is_lazy());
  EXPECT_EQ(r2->class_name(), "LazyEDSTEMSpectrum");
  EXPECT_EQ(r2->Values()->GetAsDouble(5), 15.0);
  auto spectrum = s.Sum();
  auto bad = s + EdsImage().Isig(*ParseIndexSpecs(":10")).value();
  EXPECT_FALSE(bad.ok());
  auto broadcast = s - *spectrum;  // (3,2,992) - (992,)
  ASSERT_TRUE(broadcast.ok()) << broadcast.status().ToString();
  EXPECT_EQ(broadcast->shape(), (Shape{3, 2, 992}));
}

TEST(Signal, ComputeTogetherReadsOnce) {
  const Signal s = EdsImage();
  Signal spectrum = *s.Sum();
  Signal map = *s.Isig({IndexSpec::Range(6.3, 7.1)}).value().Sum({AxisRef::Signal()});
  Signal navigator = *s.Sum({AxisRef::Signal()});
  ASSERT_TRUE(ComputeTogether({&spectrum, &map, &navigator}).ok());
  EXPECT_FALSE(spectrum.is_lazy());
  EXPECT_FALSE(map.is_lazy());
  EXPECT_EQ(spectrum.class_name(), "EDSTEMSpectrum");
  double expected = 0;
  for (int e = 307; e < 347; ++e) expected += e;
  EXPECT_EQ(map.Values()->GetAsDouble(0), expected);
  EXPECT_EQ(navigator.Values()->GetAsDouble(0), 991.0 * 992 / 2);
}

TEST(Signal, SaveAndLoad) {
  const auto dir = std::filesystem::temp_directory_path() / ("hc_signal_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "s.hspy").string();
  auto r = EdsImage().Isig(*ParseIndexSpecs("1.0:2.0"));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->Save(path).ok());
  auto back = Load(path, {}, Ctx());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->Repr(), r->Repr());
  EXPECT_DOUBLE_EQ(SigAxis(*back).offset, 1.0);
  EXPECT_EQ(back->Values()->GetAsDouble(0), r->Values()->GetAsDouble(0));
  auto eager = Load(path, {.lazy = false}, Ctx());
  ASSERT_TRUE(eager.ok());
  EXPECT_EQ(eager->class_name(), "EDSTEMSpectrum");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hyperchunk
