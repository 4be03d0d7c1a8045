// The built-in X-ray line database against HyperSpy 1.7.3's hyperspy/misc/elements.py, and FWHM.
#include "hyperchunk/eds/xray_lines.h"

#include <cmath>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "hyperchunk/eds/fwhm.h"
#include "testing/compare.h"

namespace hyperchunk::eds {
namespace {

const XrayDatabase& Db() { return XrayDatabase::Builtin(); }

XrayLine LineOrDie(std::string_view name) {
  Result<XrayLine> line = Db().Line(name);
  EXPECT_TRUE(line.ok()) << name << ": " << line.status().ToString();
  return line.ok() ? *line : XrayLine{};
}

TEST(XrayDatabase, CountsMatchHyperSpy) {
  const XrayDatabase& db = Db();
  EXPECT_EQ(db.elements().size(), 92u);
  EXPECT_EQ(db.elements().front().symbol, "H");
  EXPECT_EQ(db.elements().back().symbol, "U");
  size_t lines = 0;
  size_t edges = 0;
  size_t with_edges = 0;
  for (const ElementInfo& e : db.elements()) {
    lines += e.lines.size();
    edges += e.edges.size();
    with_edges += e.edges.empty() ? 0 : 1;
  }
  EXPECT_EQ(lines, 947u);  // reference §4.7
  EXPECT_EQ(edges, 324u);
  EXPECT_EQ(with_edges, 83u);
  EXPECT_NE(db.source().find("HyperSpy 1.7.3"), std::string::npos) << db.source();
}

TEST(XrayDatabase, AtomicNumbersRunFrom1To92) {
  int z = 0;
  for (const ElementInfo& e : Db().elements()) EXPECT_EQ(e.z, ++z) << e.symbol;
}

TEST(XrayDatabase, EveryLineIsPlausible) {
  size_t zero_weight = 0;
  for (const ElementInfo& e : Db().elements()) {
    for (const XrayLine& line : e.lines) {
      EXPECT_GT(line.energy_kev, 0) << e.symbol << "_" << line.name;
      EXPECT_LE(line.energy_kev, 120) << e.symbol << "_" << line.name;
      EXPECT_GE(line.weight, 0) << e.symbol << "_" << line.name;
      EXPECT_LE(line.weight, 1) << e.symbol << "_" << line.name;
      if (line.weight == 0) ++zero_weight;
    }
    if (const XrayLine* ka = e.FindLine("Ka")) {
      EXPECT_EQ(ka->weight, 1.0) << e.symbol;
    }
    for (size_t i = 1; i < e.lines.size(); ++i) EXPECT_LT(e.lines[i - 1].name, e.lines[i].name) << e.symbol;
  }
  // HyperSpy's only line of weight 0: Ca La.
  EXPECT_EQ(zero_weight, 1u);
  EXPECT_EQ(LineOrDie("Ca_La").weight, 0.0);
}

TEST(XrayDatabase, LineNamesAndCountsPerNameMatchHyperSpy) {
  std::map<std::string, int> per_name;
  for (const ElementInfo& e : Db().elements()) {
    for (const XrayLine& line : e.lines) ++per_name[line.name];
  }
  const std::map<std::string, int> want = {{"Ka", 91},  {"Kb", 83},   {"La", 73},   {"Lb1", 65},  {"Lb2", 54},
                                           {"Lb3", 72}, {"Lb4", 47},  {"Lg1", 54},  {"Lg3", 57},  {"Ll", 73},
                                           {"Ln", 73},  {"M2N4", 36}, {"M3O4", 15}, {"M3O5", 15}, {"Ma", 31},
                                           {"Mb", 36},  {"Mg", 36},   {"Mz", 36}};
  EXPECT_EQ(per_name, want);
}

// Values read from /usr/lib/python3/dist-packages/hyperspy/misc/elements.py (HyperSpy 1.7.3).
TEST(XrayDatabase, SpotValuesEqualHyperSpy) {
  struct Spot {
    const char* line;
    double energy_kev;
    double weight;
  };
  const Spot spots[] = {
      {"Fe_Ka", 6.4039, 1.0},       {"Fe_Kb", 7.058, 0.1272},    {"Fe_La", 0.7045, 1.0},   {"Fe_Ln", 0.6282, 0.12525},
      {"Fe_Ll", 0.6152, 0.3086},    {"Fe_Lb3", 0.7921, 0.02448}, {"Pt_La", 9.4421, 1.0},   {"Pt_Ma", 2.0505, 1.0},
      {"Mn_Ka", 5.8987, 1.0},       {"Cu_Ka", 8.0478, 1.0},      {"H_Ka", 0.0013598, 1.0}, {"U_Ka", 98.4397, 1.0},
      {"Ac_Ka", 90.884, 1.0},       {"Ac_Kb", 102.846, 0.15},    {"Ac_Lg3", 18.95, 0.017}, {"Ac_M3O4", 3.82586, 0.01},
      {"Ac_M2N4", 3.9811, 0.00674}, {"Ca_La", 0.3464, 0.0},
  };
  for (const Spot& spot : spots) {
    const XrayLine line = LineOrDie(spot.line);
    EXPECT_EQ(line.energy_kev, spot.energy_kev) << spot.line;  // exact: the same decimal literal
    EXPECT_EQ(line.weight, spot.weight) << spot.line;
  }
}

TEST(XrayDatabase, ElementProperties) {
  HC_ASSERT_OK_AND_ASSIGN(const ElementInfo* fe, Db().Find("Fe"));
  EXPECT_EQ(fe->symbol, "Fe");
  EXPECT_EQ(fe->name, "iron");
  EXPECT_EQ(fe->z, 26);
  EXPECT_EQ(fe->atomic_weight, 55.845);
  ASSERT_TRUE(fe->density.has_value());
  EXPECT_EQ(*fe->density, 7.874);
  ASSERT_EQ(fe->lines.size(), 6u);
  ASSERT_EQ(fe->edges.size(), 6u);
  EXPECT_EQ(fe->edges[0].shell, "K");
  EXPECT_EQ(fe->edges[0].onset_energy_ev, 7113.0);
  EXPECT_EQ(fe->edges[0].relevance, "Minor");

  HC_ASSERT_OK_AND_ASSIGN(const ElementInfo* li, Db().Find("Li"));
  EXPECT_TRUE(li->lines.empty());  // HyperSpy has no X-ray lines for Li
  HC_ASSERT_OK_AND_ASSIGN(const ElementInfo* ra, Db().Find("Ra"));
  EXPECT_EQ(ra->atomic_weight, 226.0);
  HC_ASSERT_OK_AND_ASSIGN(const ElementInfo* at, Db().Find("At"));
  EXPECT_FALSE(at->density.has_value());  // 'NaN' in HyperSpy
}

TEST(XrayDatabase, ClearErrors) {
  Result<const ElementInfo*> xx = Db().Find("Xx");
  ASSERT_FALSE(xx.ok());
  EXPECT_EQ(xx.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(xx.status().message().find("unknown element 'Xx'"), std::string::npos) << xx.status().message();
  EXPECT_FALSE(Db().Find("fe").ok());  // symbols are case-sensitive, as in HyperSpy

  Result<XrayLine> kz = Db().Line("Fe_Kz");
  ASSERT_FALSE(kz.ok());
  EXPECT_NE(kz.status().message().find("Fe has no X-ray line 'Kz' (its lines: Ka, Kb, La, Lb3, Ll, Ln)"),
            std::string::npos)
      << kz.status().message();
  for (const char* bad : {"FeKa", "_Ka", "Fe_", ""}) {
    Result<XrayLine> line = Db().Line(bad);
    ASSERT_FALSE(line.ok()) << bad;
    EXPECT_NE(line.status().message().find("expected Element_Line"), std::string::npos) << line.status().message();
  }
  Result<XrayLine> unknown = Db().Line("Xx_Ka");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown element 'Xx'"), std::string::npos);
}

TEST(XrayDatabase, ParseRejectsMalformedDocuments) {
  const char* bad[] = {
      "not json",
      "[]",
      R"({"format": "other", "version": 1, "source": "", "elements": {}})",
      R"({"format": "hyperchunk-xray-lines", "version": 2, "source": "", "elements": {}})",
      R"({"format": "hyperchunk-xray-lines", "version": 1, "source": "", "elements": {"Fe": {"Z": 26}}})",
      R"({"format": "hyperchunk-xray-lines", "version": 1, "source": "", "elements": {"Fe": {"Z": 26, "name": "iron",
          "atomic_weight": 55.8, "xray_lines": {"Ka": {"energy_keV": -1, "weight": 1}}}}})",
      R"({"format": "hyperchunk-xray-lines", "version": 1, "source": "", "elements": {"Fe": {"Z": 26, "name": "iron",
          "atomic_weight": 55.8, "xray_lines": {"Ka": {"energy_keV": 6.4, "weight": "1"}}}}})",
  };
  for (const char* doc : bad) {
    Result<XrayDatabase> db = XrayDatabase::Parse(doc);
    ASSERT_FALSE(db.ok()) << doc;
    EXPECT_EQ(db.status().code(), StatusCode::kDataLoss) << doc;
    EXPECT_NE(db.status().message().find("X-ray line database"), std::string::npos) << db.status().message();
  }
  Result<XrayDatabase> small = XrayDatabase::Parse(
      R"({"format": "hyperchunk-xray-lines", "version": 1, "source": "test", "elements": {"Fe": {"Z": 26,
          "name": "iron", "atomic_weight": 55.845, "density_gcm3": null,
          "xray_lines": {"Kb": {"energy_keV": 7.058, "weight": 0.1272}, "Ka": {"energy_keV": 6.4039, "weight": 1.0}}}}})");
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  HC_ASSERT_OK_AND_ASSIGN(const XrayLine kb, small->Line("Fe_Kb"));
  EXPECT_EQ(kb.energy_kev, 7.058);
  EXPECT_EQ(small->elements()[0].lines[0].name, "Ka");  // sorted by name
}

// Reference §4.3, values verified with HyperSpy 1.7.3 (FWHM_ref = 130 eV).
TEST(Fwhm, MatchesHyperSpy) {
  struct Case {
    double energy_kev;
    double fwhm_kev;
  };
  const Case cases[] = {{0.2774, 0.053355}, {0.5249, 0.058868}, {1.4865, 0.076613},
                        {5.8987, 0.130000}, {6.4039, 0.134770}, {7.058, 0.140706},
                        {8.0478, 0.149241}, {9.4421, 0.160495}, {2.0505, 0.085320}};
  for (const Case& c : cases) {
    HC_ASSERT_OK_AND_ASSIGN(const double fwhm, FwhmAtEnergy(130, c.energy_kev));
    EXPECT_NEAR(fwhm, c.fwhm_kev, 5e-7) << c.energy_kev;
  }
  HC_ASSERT_OK_AND_ASSIGN(const double at_mn, FwhmAtEnergy(133.312296, kMnKaEnergyKev));
  EXPECT_DOUBLE_EQ(at_mn, 0.133312296);
  EXPECT_EQ(LineOrDie("Mn_Ka").energy_kev, kMnKaEnergyKev);
}

TEST(Fwhm, DomainError) {
  Result<double> fwhm = FwhmAtEnergy(60, 0.2774);  // 2.5 * (0.2774 - 5.8987) * 1000 + 3600 < 0
  ASSERT_FALSE(fwhm.ok());
  EXPECT_EQ(fwhm.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(fwhm.status().message().find("math domain error"), std::string::npos);
  EXPECT_FALSE(FwhmAtEnergy(std::nan(""), 1).ok());
}

}  // namespace
}  // namespace hyperchunk::eds
