// get_lines_intensity against numbers printed by HyperSpy 1.7.3 for the same data (a (2, 3|992)
// uint16 EDS_TEM image of ((flat index · 7) mod 13) counts, energy 0.16 keV + 0.02 keV · i,
// E0 = 200 keV, live time 2 s, elements Fe and Pt).
#include <gtest/gtest.h>

#include "eds_test_util.h"
#include "hyperchunk/eds/eds_signal.h"

namespace hyperchunk::eds {
namespace {

using testing::Ctx;
using testing::LinesSink;
using testing::MakeEds;
using testing::SampleList;
using Lines = std::vector<std::string>;

NdArray Counts() {
  std::vector<uint16_t> v(2 * 3 * 992);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint16_t>((i * 7) % 13);
  return NdArray::FromVector(v, {2, 3, 992});
}

Signal Image(bool lazy, std::shared_ptr<Context> ctx = Ctx()) {
  Signal s = MakeEds(Counts(), lazy, "EDS_TEM", 0.16, 0.02, "keV", std::move(ctx));
  MicroscopeParameters p;
  p.beam_energy = 200;
  p.live_time = 2;
  EXPECT_TRUE(SetMicroscopeParameters(s, p).ok());
  EXPECT_TRUE(SetElements(s, {"Fe", "Pt"}).ok());
  return s;
}

std::vector<double> Flat(Signal& s) {
  auto v = s.Values();
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  std::vector<double> out;
  for (Index i = 0; i < v->size(); ++i) out.push_back(v->GetAsDouble(i));
  return out;
}

class LinesIntensity : public ::testing::TestWithParam<bool> {};

TEST_P(LinesIntensity, SumsTitlesClassesAndMetadata) {
  const bool lazy = GetParam();
  Signal s = Image(lazy);
  auto maps = GetLinesIntensity(s);
  ASSERT_TRUE(maps.ok()) << maps.status().ToString();
  ASSERT_EQ(maps->size(), 2u);
  std::vector<Signal*> all = {&(*maps)[0], &(*maps)[1]};
  for (Signal* m : all) {
    EXPECT_EQ(m->is_lazy(), lazy);
    EXPECT_EQ(m->class_name(), lazy ? "LazySignal" : "BaseSignal");
  }
  ASSERT_TRUE(ComputeTogether(all).ok());
  Signal& fe = (*maps)[0];
  Signal& pt = (*maps)[1];
  EXPECT_EQ(Flat(fe), (std::vector<double>{81, 83, 85, 87, 89, 78}));
  EXPECT_EQ(Flat(pt), (std::vector<double>{94, 100, 106, 86, 92, 98}));
  EXPECT_EQ(fe.dtype(), DType::kFloat64);
  EXPECT_EQ(fe.title(), "X-ray line intensity of SI: Fe_Ka at 6.40 keV");
  EXPECT_EQ(pt.title(), "X-ray line intensity of SI: Pt_La at 9.44 keV");
  EXPECT_EQ(fe.class_name(), "BaseSignal");  // computed in place, as HyperSpy's compute()
  EXPECT_EQ(fe.axes_manager().DimensionString(), "(3, 2|)");
  EXPECT_EQ(fe.shape(), (Shape{2, 3}));
  for (const DataAxis& a : fe.axes_manager().array_axes()) {
    EXPECT_TRUE(a.navigate);
    EXPECT_FALSE(a.is_binned);
  }
  EXPECT_EQ(SampleList(fe, "elements"), (Lines{"Fe"}));
  EXPECT_EQ(SampleList(fe, "xray_lines"), (Lines{"Fe_Ka"}));
  EXPECT_EQ(SampleList(pt, "xray_lines"), (Lines{"Pt_La"}));
  EXPECT_EQ(fe.signal_type(), "EDS_TEM");
  const MetadataTree& md = fe.metadata();
  EXPECT_EQ(*md.Find("Acquisition_instrument.TEM.Detector.EDS.live_time"), Value::Float(2.0));
  EXPECT_EQ(*md.Find("Acquisition_instrument.TEM.Detector.EDS.elevation_angle"), Value::Float(35.0));
  EXPECT_EQ(*MapLine(pt), "Pt_La");
  // The source is untouched: no derived lines stored in it.
  EXPECT_FALSE(s.metadata().Has("Sample.xray_lines"));
}

TEST_P(LinesIntensity, BackgroundSubtraction) {
  Signal s = Image(GetParam());
  LinesIntensityOptions o;
  o.background_windows = *EstimateBackgroundWindows(s, {2, 2}, 1, Lines{"Fe_Ka", "Pt_La"});
  auto maps = GetLinesIntensity(s, o);
  ASSERT_TRUE(maps.ok()) << maps.status().ToString();
  EXPECT_EQ(Flat((*maps)[0]), (std::vector<double>{-6.230769230769226, -4.230769230769226, -2.2307692307692264,
                                                   -0.2307692307692264, 1.7692307692307736, 4.769230769230774}));
  EXPECT_EQ(Flat((*maps)[1]), (std::vector<double>{13, 0, 0, 0, 0, -13}));
  EXPECT_EQ((*maps)[0].title(), "X-ray line intensity of SI: Fe_Ka at 6.40 keV");

  // Explicit windows; the left background window lies within one channel (HyperSpy then takes that
  // channel alone).
  LinesIntensityOptions e;
  e.xray_lines = Lines{"Fe_Ka"};
  e.integration_windows = std::vector<IntegrationWindow>{{6.3, 6.5}};
  e.background_windows = std::vector<BackgroundWindow>{{6.0, 6.01, 6.7, 6.76}};
  maps = GetLinesIntensity(s, e);
  ASSERT_TRUE(maps.ok()) << maps.status().ToString();
  EXPECT_EQ(Flat((*maps)[0]), (std::vector<double>{9.333333333333329, -23.333333333333343, -30.0, -19.333333333333343,
                                                   -52.0, -28.333333333333343}));
  // Both within one channel: HyperSpy divides by zero.
  e.background_windows = std::vector<BackgroundWindow>{{6.0, 6.01, 6.7, 6.71}};
  EXPECT_FALSE(GetLinesIntensity(s, e).ok());
  // Too few rows.
  e.background_windows = std::vector<BackgroundWindow>{};
  EXPECT_FALSE(GetLinesIntensity(s, e).ok());
}

TEST_P(LinesIntensity, LinesFromMetadataAndTheirOrder) {
  Signal s = Image(GetParam());
  ASSERT_TRUE(SetLines(s, {"Pt_Lb1", "Fe_Kb"}).ok());
  auto maps = GetLinesIntensity(s);
  ASSERT_TRUE(maps.ok());
  ASSERT_EQ(maps->size(), 2u);
  EXPECT_EQ(*MapLine((*maps)[0]), "Fe_Kb");
  EXPECT_EQ(*MapLine((*maps)[1]), "Pt_Lb1");
  // Explicit lines keep the order given; a line out of range is dropped with a warning.
  LinesIntensityOptions o;
  o.xray_lines = Lines{"Pt_La", "U_Ka", "Fe_Ka"};
  maps = GetLinesIntensity(s, o);
  ASSERT_TRUE(maps.ok());
  ASSERT_EQ(maps->size(), 2u);
  EXPECT_EQ(*MapLine((*maps)[0]), "Pt_La");
  EXPECT_EQ(*MapLine((*maps)[1]), "Fe_Ka");
  o.xray_lines = Lines{"Fe_Kq"};
  EXPECT_FALSE(GetLinesIntensity(s, o).ok());
}

INSTANTIATE_TEST_SUITE_P(LazyAndInMemory, LinesIntensity, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param_info) {
                           return param_info.param ? "lazy" : "eager";
                         });

TEST(LinesIntensitySpectrum, OneSpectrumGivesAScalarAxisAndHyperSpysReport) {
  Signal image = Image(false);
  auto s = image.Inav({IndexSpec::At(Index{1}), IndexSpec::At(Index{1})});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto maps = GetLinesIntensity(*s);
  ASSERT_TRUE(maps.ok()) << maps.status().ToString();
  Signal& fe = (*maps)[0];
  EXPECT_EQ(fe.axes_manager().DimensionString(), "(1|)");
  EXPECT_EQ(fe.class_name(), "BaseSignal");
  ASSERT_EQ(fe.axes_manager().size(), 1u);
  EXPECT_EQ(fe.axes_manager().array_axes()[0].name.value_or(""), "Scalar");
  EXPECT_FALSE(fe.axes_manager().array_axes()[0].is_binned);
  EXPECT_EQ(*IntensityReport(*s, fe), "Fe_Ka at 6.4039 keV : Intensity = 89.00");
  EXPECT_EQ(*IntensityReport(*s, (*maps)[1]), "Pt_La at 9.4421 keV : Intensity = 92.00");
}

TEST(LinesIntensitySpectrum, NoLinesIsAnError) {
  Signal s = MakeEds(Counts(), true);
  const auto maps = GetLinesIntensity(s);
  ASSERT_FALSE(maps.ok());
  EXPECT_NE(maps.status().message().find("no X-ray line"), std::string::npos) << maps.status().message();
}

TEST(LinesIntensitySpectrum, FloatDataKeepsItsType) {
  NdArray counts = Counts();
  std::vector<float> v(static_cast<size_t>(counts.size()));
  for (Index i = 0; i < counts.size(); ++i) v[static_cast<size_t>(i)] = static_cast<float>(counts.GetAsDouble(i));
  Signal s = MakeEds(NdArray::FromVector(v, counts.shape()), true);
  ASSERT_TRUE(SetElements(s, {"Fe"}).ok());
  auto maps = GetLinesIntensity(s);
  ASSERT_TRUE(maps.ok());
  EXPECT_EQ((*maps)[0].dtype(), DType::kFloat32);
  EXPECT_EQ(Flat((*maps)[0]), (std::vector<double>{81, 83, 85, 87, 89, 78}));
}

TEST(LinesIntensitySpectrum, WarnsForLinesOutOfRange) {
  auto sink = std::make_shared<LinesSink>();
  Signal s = Image(true, Ctx(sink));
  LinesIntensityOptions o;
  o.xray_lines = Lines{"U_Ka"};
  auto maps = GetLinesIntensity(s, o);
  ASSERT_TRUE(maps.ok());
  EXPECT_TRUE(maps->empty());
  bool warned = false;
  for (const std::string& line : sink->lines)
    warned |= line ==
              "warning:U_Ka is not in the data energy range. You can remove it with: "
              "`s.metadata.Sample.xray_lines.remove('U_Ka')`";
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace hyperchunk::eds
