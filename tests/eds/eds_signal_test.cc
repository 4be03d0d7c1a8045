// EDS metadata, line selection and windows against HyperSpy 1.7.3 (values printed by HyperSpy
// itself; tests/interop/eds_lines compares with HyperSpy on files).
#include "hyperchunk/eds/eds_signal.h"

#include <gtest/gtest.h>

#include "eds_test_util.h"

namespace hyperchunk::eds {
namespace {

using testing::Ctx;
using testing::LinesSink;
using testing::MakeEds;
using testing::SampleList;
using testing::ZeroSpectrum;
using Lines = std::vector<std::string>;

Signal WithBeam(Signal s, double beam_energy) {
  MicroscopeParameters p;
  p.beam_energy = beam_energy;
  EXPECT_TRUE(SetMicroscopeParameters(s, p).ok());
  return s;
}

TEST(OnlyLines, ExpandsAAndB) {
  EXPECT_EQ(ExpandOnlyLines({"a"}), (Lines{"a", "Ka", "La", "Ma"}));
  EXPECT_EQ(ExpandOnlyLines({"a", "b"}), (Lines{"a", "b", "Ka", "La", "Ma", "Kb", "Lb1", "Mb"}));
  EXPECT_EQ(ExpandOnlyLines({"Kb", "Lb1"}), (Lines{"Kb", "Lb1"}));
  EXPECT_TRUE(ExpandOnlyLines({}).empty());
}

TEST(LineSelection, OvervoltageRule) {
  // Reference §4.2: axis 0.16-19.98 keV.
  Signal s = WithBeam(ZeroSpectrum(), 200);
  EXPECT_EQ(*LinesFromElements(s, {"Cu", "Fe", "Pt"}, true), (Lines{"Cu_Ka", "Fe_Ka", "Pt_La"}));
  s = WithBeam(s, 10);
  EXPECT_EQ(*LinesFromElements(s, {"Cu", "Fe", "Pt"}, true), (Lines{"Cu_La", "Fe_La", "Pt_Ma"}));
  s = WithBeam(s, 200);
  EXPECT_EQ(*LinesFromElements(s, {"Pt"}, false, {"a", "b"}), (Lines{"Pt_La", "Pt_Lb1", "Pt_Ma", "Pt_Mb"}));
  // Every line (only_lines empty): strictly inside 0.16 < E < 19.98, so no U_Ka, no H_Ka.
  const Lines all = *LinesFromElements(s, {"Pt", "Fe", "C", "U", "H"}, false, {});
  const Lines expected = {"C_Ka",    "Fe_Ka",   "Fe_Kb",   "Fe_La",  "Fe_Lb3", "Fe_Ll",  "Fe_Ln",  "Pt_La",
                          "Pt_Lb1",  "Pt_Lb2",  "Pt_Lb3",  "Pt_Lb4", "Pt_Lg1", "Pt_Lg3", "Pt_Ll",  "Pt_Ln",
                          "Pt_M2N4", "Pt_M3O4", "Pt_M3O5", "Pt_Ma",  "Pt_Mb",  "Pt_Mg",  "Pt_Mz",  "U_La",
                          "U_Lb1",   "U_Lb2",   "U_Lb3",   "U_Lb4",  "U_Ll",   "U_Ln",   "U_M2N4", "U_M3O4",
                          "U_M3O5",  "U_Ma",    "U_Mb",    "U_Mg",   "U_Mz"};
  EXPECT_EQ(all, expected);
}

TEST(LineSelection, EnergyAxisInEv) {
  Signal s = WithBeam(ZeroSpectrum("EDS_TEM", 160, 20, "eV"), 200);
  EXPECT_EQ(*LinesFromElements(s, {"Cu", "Fe", "Pt"}, true), (Lines{"Cu_Ka", "Fe_Ka", "Pt_La"}));
  EXPECT_DOUBLE_EQ(*BeamEnergy(s), 200000);
  EXPECT_DOUBLE_EQ(*LineEnergy(s, "Fe_Ka"), 6.4039 * 1000);
}

TEST(LineSelection, BeamEnergyBoundsTheRangeAndFallsBackToTheAxis) {
  Signal s = ZeroSpectrum();
  EXPECT_EQ(BeamEnergy(s).status().code(), StatusCode::kNotFound);
  // No beam energy: the axis' high value (19.98) stands in for E0: Cu_Ka (8.05 < 9.99) wins; U_La
  // (13.6) does not, and U_Ka is out of range.
  EXPECT_EQ(*LinesFromElements(s, {"Cu", "Pt", "U"}, true), (Lines{"Cu_Ka", "Pt_La", "U_Ma"}));
  s = WithBeam(s, 5);  // lines must lie below 5 keV; Fe_Ka is out
  const LinesInRange split = *SplitXrayLinesInRange(s, {"Fe_Ka", "Fe_La", "C_Ka", "H_Ka"});
  EXPECT_EQ(split.in_range, (Lines{"Fe_La", "C_Ka"}));
  EXPECT_EQ(split.out_of_range, (Lines{"Fe_Ka", "H_Ka"}));
}

TEST(LineSelection, NoLineInRangeIsLoggedAndLithiumHasNone) {
  auto sink = std::make_shared<LinesSink>();
  Signal s = MakeEds(NdArray::Zeros(DType::kFloat64, {992}), false, "EDS_TEM", 0.16, 0.02, "keV", Ctx(sink));
  sink->lines.clear();  // the plan messages of making the signal
  EXPECT_TRUE(LinesFromElements(s, {"H", "Li"}, true)->empty());
  EXPECT_EQ(sink->lines, (Lines{"info:There is no X-ray line for element H in the data spectral range",
                                "info:There is no X-ray line for element Li in the data spectral range"}));
  EXPECT_FALSE(LinesFromElements(s, {"Xx"}, true).ok());
}

TEST(Elements, AddAndSetKeepThemSorted) {
  Signal s = ZeroSpectrum();
  ASSERT_TRUE(AddElements(s, {"Pt", "Fe"}).ok());
  ASSERT_TRUE(AddElements(s, {"Cu", "Fe"}).ok());
  EXPECT_EQ(SampleList(s, "elements"), (Lines{"Cu", "Fe", "Pt"}));
  ASSERT_TRUE(SetElements(s, {"Zr", "Al"}).ok());
  EXPECT_EQ(SampleList(s, "elements"), (Lines{"Al", "Zr"}));
  const Status bad = AddElements(s, {"Fe", "fe"});
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("fe is not a valid chemical element symbol"), std::string::npos) << bad.message();
  EXPECT_EQ(SampleList(s, "elements"), (Lines{"Al", "Zr"}));
}

TEST(Lines, AddAndSetFollowHyperSpy) {
  // Printed by HyperSpy 1.7.3 (E0 = 10 keV).
  Signal s = WithBeam(ZeroSpectrum(), 10);
  ASSERT_TRUE(SetElements(s, {"Fe", "Pt", "Cu"}).ok());
  ASSERT_TRUE(AddLines(s).ok());
  EXPECT_EQ(SampleList(s, "xray_lines"), (Lines{"Cu_La", "Fe_La", "Pt_Ma"}));
  ASSERT_TRUE(AddLines(s, {"Cu_Ka"}).ok());
  EXPECT_EQ(SampleList(s, "xray_lines"), (Lines{"Cu_Ka", "Cu_La", "Fe_La", "Pt_Ma"}));
  ASSERT_TRUE(SetLines(s, {"Cu_Ka"}).ok());
  EXPECT_EQ(SampleList(s, "xray_lines"), (Lines{"Cu_Ka", "Fe_La", "Pt_Ma"}));
  EXPECT_EQ(SampleList(s, "elements"), (Lines{"Cu", "Fe", "Pt"}));

  // HyperSpy's second pass uses the default only_lines: Fe has no Lb1, so it gets Fe_Ka.
  Signal t = ZeroSpectrum();
  ASSERT_TRUE(SetElements(t, {"Fe", "Zr"}).ok());
  ASSERT_TRUE(SetLines(t, {}, true, {"Lb1"}).ok());
  EXPECT_EQ(SampleList(t, "xray_lines"), (Lines{"Fe_Ka", "Zr_Lb1"}));

  // Lines bring their elements.
  Signal u = ZeroSpectrum();
  ASSERT_TRUE(AddLines(u, {"Al_Ka"}).ok());
  EXPECT_EQ(SampleList(u, "elements"), (Lines{"Al"}));
  EXPECT_EQ(SampleList(u, "xray_lines"), (Lines{"Al_Ka"}));
}

TEST(Lines, BadLinesAreRefusedAndLeaveTheSignalAsItWas) {
  auto sink = std::make_shared<LinesSink>();
  Signal s = MakeEds(NdArray::Zeros(DType::kUInt16, {992}), false, "EDS_TEM", 0.16, 0.02, "keV", Ctx(sink));
  ASSERT_TRUE(SetElements(s, {"Fe"}).ok());
  EXPECT_FALSE(AddLines(s, {"Fe_Kz"}).ok());
  EXPECT_FALSE(AddLines(s, {"Xx_Ka"}).ok());
  EXPECT_FALSE(AddLines(s, {"FeKa"}).ok());
  EXPECT_FALSE(AddLines(s, {"Fe_K_a"}).ok());
  EXPECT_EQ(SampleList(s, "xray_lines"), (Lines{"<absent>"}));
  // Out of range: added with a warning, as HyperSpy.
  ASSERT_TRUE(AddLines(s, {"U_Ka"}).ok());
  EXPECT_EQ(SampleList(s, "xray_lines"), (Lines{"Fe_Ka", "U_Ka"}));
  bool warned = false;
  for (const std::string& line : sink->lines) warned |= line == "warning:U_Ka is not in the data energy range.";
  EXPECT_TRUE(warned);
}

TEST(Lines, NotAnEdsSignal) {
  Signal s = MakeEds(NdArray::Zeros(DType::kUInt16, {992}), false, "");
  EXPECT_EQ(s.class_name(), "Signal1D");
  EXPECT_FALSE(AddLines(s, {"Fe_Ka"}).ok());
  EXPECT_FALSE(GetLinesIntensity(s).ok());
  Signal wrong_units = ZeroSpectrum("EDS_TEM", 0.16, 0.02, "nm");
  const auto e = LineEnergy(wrong_units, "Fe_Ka");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("only 'eV' and 'keV'"), std::string::npos) << e.status().message();
}

TEST(Microscope, DefaultsAndParametersAtHyperSpysPaths) {
  Signal s = ZeroSpectrum();
  ASSERT_TRUE(SetDefaultMicroscopeParameters(s).ok());
  const MetadataTree& md = s.metadata();
  EXPECT_EQ(*md.Find("Acquisition_instrument.TEM.Stage.tilt_alpha"), Value::Float(0.0));
  EXPECT_EQ(*md.Find("Acquisition_instrument.TEM.Detector.EDS.elevation_angle"), Value::Float(35.0));
  EXPECT_EQ(*md.Find("Acquisition_instrument.TEM.Detector.EDS.energy_resolution_MnKa"), Value::Float(130.0));
  EXPECT_EQ(*md.Find("Acquisition_instrument.TEM.Detector.EDS.azimuth_angle"), Value::Float(0.0));
  MicroscopeParameters p;
  p.beam_energy = 300;
  p.live_time = 1.5;
  p.real_time = 2.5;
  p.tilt_stage = 10;
  p.energy_resolution_MnKa = 133.312296;
  p.beam_current = 0.5;
  p.probe_area = 2;
  ASSERT_TRUE(SetMicroscopeParameters(s, p).ok());
  EXPECT_EQ(*md.Find("Acquisition_instrument.TEM.beam_energy"), Value::Float(300));
  EXPECT_EQ(*md.Find("Acquisition_instrument.TEM.Detector.EDS.live_time"), Value::Float(1.5));
  EXPECT_EQ(*md.Find("Acquisition_instrument.TEM.Detector.EDS.real_time"), Value::Float(2.5));
  EXPECT_EQ(*md.Find("Acquisition_instrument.TEM.Stage.tilt_alpha"), Value::Float(10));
  EXPECT_EQ(*md.Find("Acquisition_instrument.TEM.beam_current"), Value::Float(0.5));
  EXPECT_EQ(*md.Find("Acquisition_instrument.TEM.probe_area"), Value::Float(2));
  EXPECT_DOUBLE_EQ(*EnergyResolutionMnKa(s), 133.312296);
  EXPECT_FALSE(SetMicroscopeParameters(s, {}).ok());

  Signal sem = ZeroSpectrum("EDS_SEM");
  MicroscopeParameters q;
  q.beam_energy = 15;
  ASSERT_TRUE(SetMicroscopeParameters(sem, q).ok());
  EXPECT_EQ(*sem.metadata().Find("Acquisition_instrument.SEM.beam_energy"), Value::Float(15));
  EXPECT_TRUE(sem.metadata().Has("Acquisition_instrument.SEM.Detector.EDS.elevation_angle"));
  q.real_time = 1;
  EXPECT_FALSE(SetMicroscopeParameters(sem, q).ok());
}

TEST(Microscope, HyperSpysTemKeyWithATrailingSpaceIsRead) {
  Signal s = ZeroSpectrum();
  ASSERT_TRUE(s.metadata().Set("Acquisition_instrument.TEM.beam_energy ", Value::Int(10)).ok());
  EXPECT_DOUBLE_EQ(*BeamEnergy(s), 10);
  MicroscopeParameters p;
  p.beam_energy = 20;
  ASSERT_TRUE(SetMicroscopeParameters(s, p).ok());
  EXPECT_FALSE(s.metadata().Has("Acquisition_instrument.TEM.beam_energy "));
  EXPECT_DOUBLE_EQ(*BeamEnergy(s), 20);
  // SEM first, as HyperSpy's _get_beam_energy.
  ASSERT_TRUE(s.metadata().Set("Acquisition_instrument.SEM.beam_energy", Value::Float(5)).ok());
  EXPECT_DOUBLE_EQ(*BeamEnergy(s), 5);
}

TEST(Microscope, ConstructorsMoveTheOtherMicroscopesNode) {
  Signal tem = ZeroSpectrum();
  ASSERT_TRUE(tem.metadata().Set("Acquisition_instrument.SEM.Detector.EDS.live_time", Value::Float(3)).ok());
  ASSERT_TRUE(SetDefaultMicroscopeParameters(tem).ok());
  EXPECT_FALSE(tem.metadata().Has("Acquisition_instrument.SEM"));
  EXPECT_EQ(*tem.metadata().Find("Acquisition_instrument.TEM.Detector.EDS.live_time"), Value::Float(3));
  // TEM moves SEM only when SEM has Detector.EDS; SEM moves any TEM node.
  Signal tem2 = ZeroSpectrum();
  ASSERT_TRUE(tem2.metadata().Set("Acquisition_instrument.SEM.beam_energy", Value::Float(3)).ok());
  ASSERT_TRUE(SetDefaultMicroscopeParameters(tem2).ok());
  EXPECT_TRUE(tem2.metadata().Has("Acquisition_instrument.SEM.beam_energy"));
  Signal sem = ZeroSpectrum("EDS_SEM");
  ASSERT_TRUE(sem.metadata().Set("Acquisition_instrument.TEM.beam_energy", Value::Float(3)).ok());
  ASSERT_TRUE(SetDefaultMicroscopeParameters(sem).ok());
  EXPECT_FALSE(sem.metadata().Has("Acquisition_instrument.TEM"));
  EXPECT_EQ(*sem.metadata().Find("Acquisition_instrument.SEM.beam_energy"), Value::Float(3));
  // A generic EDS signal has no microscope.
  Signal eds = ZeroSpectrum("EDS");
  ASSERT_TRUE(SetDefaultMicroscopeParameters(eds).ok());
  EXPECT_FALSE(eds.metadata().Has("Acquisition_instrument"));
  EXPECT_FALSE(EstimateIntegrationWindows(eds, 2, Lines{"Fe_Ka"}).ok());
}

TEST(Windows, IntegrationWindowsAsHyperSpy) {
  Signal s = WithBeam(ZeroSpectrum(), 200);
  const auto w = *EstimateIntegrationWindows(s, 2, Lines{"Fe_Ka", "Pt_La", "Cu_Ka"});
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0], (IntegrationWindow{6.26912982525796, 6.53867017474204}));
  EXPECT_EQ(w[1], (IntegrationWindow{9.281605451805987, 9.602594548194013}));
  EXPECT_EQ(w[2], (IntegrationWindow{7.898559422407979, 8.197040577592022}));
  Signal ev = WithBeam(ZeroSpectrum("EDS_TEM", 160, 20, "eV"), 200);
  const auto we = *EstimateIntegrationWindows(ev, 2, Lines{"Fe_Ka", "Pt_La"});
  EXPECT_EQ(we[0], (IntegrationWindow{6269.129825257961, 6538.67017474204}));
  EXPECT_EQ(we[1], (IntegrationWindow{9281.605451805988, 9602.594548194013}));
  // Reference §4.4 (FWHM 133.312296 eV at Mn Ka).
  MicroscopeParameters p;
  p.energy_resolution_MnKa = 133.312296;
  ASSERT_TRUE(SetMicroscopeParameters(s, p).ok());
  const auto wr = *EstimateIntegrationWindows(s, 2, Lines{"Fe_Ka", "Pt_La"});
  EXPECT_NEAR(wr[0][0], 6.265932, 1e-6);
  EXPECT_NEAR(wr[0][1], 6.541868, 1e-6);
  EXPECT_NEAR(wr[1][0], 9.278911, 1e-6);
  EXPECT_NEAR(wr[1][1], 9.605289, 1e-6);
}

TEST(Windows, DefaultLinesAreEveryMainLineInRange) {
  Signal s = WithBeam(ZeroSpectrum(), 200);
  ASSERT_TRUE(SetElements(s, {"Fe", "Pt"}).ok());
  // HyperSpy calls _get_xray_lines without only_one: Fe_Ka, Fe_La, Pt_La, Pt_Ma.
  EXPECT_EQ(EstimateIntegrationWindows(s)->size(), 4u);
  ASSERT_TRUE(AddLines(s).ok());
  EXPECT_EQ(EstimateIntegrationWindows(s)->size(), 2u);
  Signal none = ZeroSpectrum();
  const auto err = EstimateIntegrationWindows(none);
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.status().message().find("no X-ray line"), std::string::npos);
}

TEST(Windows, BackgroundWindowsMergeAsHyperSpy) {
  Signal s = WithBeam(ZeroSpectrum(), 200);
  const auto bw = *EstimateBackgroundWindows(s, {2, 2}, 1, Lines{"Fe_Ka", "Pt_La", "Cu_Ka", "Fe_Kb", "Mn_Ka"});
  ASSERT_EQ(bw.size(), 5u);
  // Printed by HyperSpy 1.7.3: Mn_Ka, Fe_Ka and Fe_Kb overlap and are merged in a chain.
  EXPECT_EQ(bw[0], (BackgroundWindow{5.5087, 5.6387, 7.339412508606138, 7.480118762909207}));
  EXPECT_EQ(bw[1], (BackgroundWindow{8.960616355417965, 9.121110903611976, 9.763089096388024, 9.923583644582035}));
  EXPECT_EQ(bw[2], (BackgroundWindow{7.600078267223938, 7.749318844815959, 8.346281155184043, 8.495521732776064}));
  EXPECT_EQ(bw[3], (BackgroundWindow{5.5087, 5.6387, 7.339412508606138, 7.480118762909207}));
  EXPECT_EQ(bw[4], (BackgroundWindow{5.5087, 5.6387, 6.67344034948408, 6.80821052422612}));
}

}  // namespace
}  // namespace hyperchunk::eds
