// DataAxis::ValueToIndex and AxesManager against the worked examples of reference §0 and §5.1
// (each verified with HyperSpy 1.7.3).
#include "hyperchunk/signal/axes.h"

#include <gtest/gtest.h>

#include "hyperchunk/signal/index_spec.h"

namespace hyperchunk {
namespace {

DataAxis Energy() { return DataAxis::Uniform(992, 0.02, 0.16, std::string("Energy"), std::string("keV")); }

Index V2I(const DataAxis& a, double v, Rounding r = Rounding::kRound) {
  auto i = a.ValueToIndex(v, r);
  EXPECT_TRUE(i.ok()) << v << ": " << i.status().ToString();
  return i.ok() ? *i : -1;
}

TEST(ValueToIndex, EnergyAxisExamples) {
  const DataAxis e = Energy();
  EXPECT_EQ(V2I(e, 0.16), 0);
  EXPECT_EQ(V2I(e, 0.17), 0);  // a tie goes to the channel closer to zero
  EXPECT_EQ(V2I(e, 0.170001), 1);
  EXPECT_EQ(V2I(e, 0.19), 1);
  EXPECT_EQ(V2I(e, 15.0), 742);
  EXPECT_EQ(V2I(e, 19.98), 991);
  EXPECT_EQ(V2I(e, 19.99), 991);
  EXPECT_FALSE(e.ValueToIndex(19.991).ok());
  EXPECT_EQ(V2I(e, 0.15), 0);
  EXPECT_FALSE(e.ValueToIndex(0.149).ok());
  EXPECT_EQ(V2I(e, 0.175, Rounding::kFloor), 0);
  EXPECT_EQ(V2I(e, 0.175, Rounding::kCeil), 1);
  EXPECT_EQ(e.ValueToIndex(19.991).status().code(), StatusCode::kOutOfRange);
}

TEST(ValueToIndex, NegativeOffsetTiesGoTowardsZero) {
  const DataAxis a = DataAxis::Uniform(11, 1.0, -5.0);
  EXPECT_EQ(V2I(a, 2.5), 7);
  EXPECT_EQ(V2I(a, -2.5), 3);
  EXPECT_EQ(V2I(a, 0.5), 5);
  EXPECT_EQ(V2I(a, -0.5), 5);
  const DataAxis b = DataAxis::Uniform(11, 1.0, 0.0);
  EXPECT_EQ(V2I(b, 2.5), 2);
  EXPECT_EQ(V2I(b, 3.5), 3);
  EXPECT_EQ(V2I(b, 10.4), 10);
  EXPECT_EQ(V2I(b, 10.5), 10);
  EXPECT_FALSE(b.ValueToIndex(10.6).ok());
}

TEST(ValueToIndex, NonUniform) {
  auto a = DataAxis::NonUniform({0, 1, 4, 9, 16});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(V2I(*a, 2.5), 1);
  EXPECT_EQ(V2I(*a, 6.5), 2);
  EXPECT_FALSE(a->ValueToIndex(16.2).ok());
  EXPECT_EQ(V2I(*a, 5.0, Rounding::kFloor), 2);
  EXPECT_EQ(V2I(*a, 5.0, Rounding::kCeil), 3);
  EXPECT_FALSE(DataAxis::NonUniform({0, 2, 1}).ok());
}

TEST(ValueToIndex, Strings) {
  const DataAxis e = Energy();
  auto rel = e.ValueToIndex("rel0.5");
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ(*rel, 495);
  auto ev = e.ValueToIndex("1500 eV");
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_EQ(*ev, 67);
  EXPECT_TRUE(e.ValueToIndex("1.5keV").ok());
  EXPECT_FALSE(e.ValueToIndex("rel1.5").ok());
  EXPECT_FALSE(e.ValueToIndex("1500 nm").ok());
  EXPECT_FALSE(e.ValueToIndex("abc").ok());
}

TEST(AxesManager, NaturalOrderAndDimensionString) {
  // Array (64, 48, 992) spectrum image: natural order x(48), y(64) | E(992).
  auto am = AxesManager::Create({DataAxis::Uniform(64, 1, 0, std::string("y"), {}, true),
                                 DataAxis::Uniform(48, 1, 0, std::string("x"), {}, true), Energy()});
  ASSERT_TRUE(am.ok());
  EXPECT_EQ(am->DimensionString(), "(48, 64|992)");
  EXPECT_EQ(am->ArrayIndex(0), 1);
  EXPECT_EQ(am->ArrayIndex(1), 0);
  EXPECT_EQ(am->ArrayIndex(2), 2);
  for (int k = 0; k < 3; ++k) EXPECT_EQ(am->NaturalIndex(am->ArrayIndex(k)), k);
  EXPECT_EQ((*am)[0].name, "x");
  EXPECT_EQ(am->navigation_shape(), (std::vector<Index>{48, 64}));
  EXPECT_EQ(am->signal_shape(), (std::vector<Index>{992}));
  auto r = am->Resolve({AxisRef("Energy"), AxisRef(0)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (std::vector<int>{1, 2}));
  EXPECT_EQ(*am->Resolve({AxisRef::Navigation()}), (std::vector<int>{0, 1}));
  EXPECT_EQ(*am->Resolve({AxisRef(-1)}), (std::vector<int>{2}));
  EXPECT_FALSE(am->Resolve({AxisRef("sig")}).ok());
  EXPECT_FALSE(am->Resolve({AxisRef(3)}).ok());
  // A navigation axis after a signal axis is not an aligned signal.
  EXPECT_FALSE(AxesManager::Create({Energy(), DataAxis::Uniform(3, 1, 0, {}, {}, true)}).ok());
}

TEST(DataAxis, DisplayName) {
  DataAxis a = DataAxis::Uniform(3);
  EXPECT_EQ(a.DisplayName(0), "Unnamed 0th axis");
  EXPECT_EQ(a.DisplayName(1), "Unnamed 1st axis");
  EXPECT_EQ(a.DisplayName(2), "Unnamed 2nd axis");
  EXPECT_EQ(a.DisplayName(12), "Unnamed 12th axis");
  EXPECT_EQ(a.DisplayName(22), "Unnamed 22nd axis");
}

TEST(IndexSpecs, Parse) {
  auto specs = ParseIndexSpecs("10:20,::2,6.3,:15.0,-1,...,rel0.5:,:1500eV,");
  ASSERT_TRUE(specs.ok()) << specs.status().ToString();
  ASSERT_EQ(specs->size(), 9u);
  std::vector<std::string> text;
  for (const auto& s : *specs) text.push_back(s.ToString());
  EXPECT_EQ(text,
            (std::vector<std::string>{"10:20", "::2", "6.3", ":15.0", "-1", "...", "'rel0.5':", ":'1500eV'", ":"}));
  EXPECT_EQ((*specs)[2].kind, IndexSpec::Kind::kPosition);
  EXPECT_TRUE(std::holds_alternative<double>((*specs)[2].position));
  EXPECT_TRUE(std::holds_alternative<Index>(*(*specs)[0].start));
  EXPECT_FALSE(ParseIndexSpecs("1:2:3:4").ok());
  EXPECT_FALSE(ParseIndexSpecs("x").ok());
}

}  // namespace
}  // namespace hyperchunk
