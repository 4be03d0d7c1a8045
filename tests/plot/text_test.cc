// Title wrapping against Python 3.11's textwrap.wrap(text, 30), and HyperSpy's label='auto'.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hyperchunk/plot/plot.h"

namespace hyperchunk::plot {
namespace {

using Strings = std::vector<std::string>;

TEST(WrapText, MatchesPythonTextwrap) {
  // Expected lines printed by python3 -c "import textwrap; print(textwrap.wrap(s, 30))".
  EXPECT_EQ(WrapText("X-ray line intensity of EDS TEM Spectrum: Fe_Ka at 6.40 keV", 30),
            (Strings{"X-ray line intensity of EDS", "TEM Spectrum: Fe_Ka at 6.40", "keV"}));
  EXPECT_EQ(WrapText("Fe_Ka at 6.40 keV", 30), Strings{"Fe_Ka at 6.40 keV"});
  EXPECT_EQ(WrapText("averyveryveryverylongwordthatexceedsthirtycharacters and more", 30),
            (Strings{"averyveryveryverylongwordthate", "xceedsthirtycharacters and", "more"}));
  EXPECT_EQ(WrapText("  lead  and   trail  ", 30), Strings{"  lead  and   trail"});
  EXPECT_EQ(WrapText("e-mail co-operation X-ray Pt_La-Fe_Ka self-consistent-field-theory-approximation-xx", 30),
            (Strings{"e-mail co-operation X-ray", "Pt_La-Fe_Ka self-consistent-", "field-theory-approximation-xx"}));
  EXPECT_EQ(WrapText("a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s", 30),
            (Strings{"a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-", "p-q-r-s"}));
}

TEST(WrapText, EmptyAndBlankTextGiveNoLines) {
  EXPECT_TRUE(WrapText("", 30).empty());
  EXPECT_TRUE(WrapText("   \t ", 30).empty());
}

TEST(WrapText, CountsCharactersNotBytes) {
  // 10 three-letter words with a two-byte character each: "µm1 µm2 ..." are 3 characters.
  EXPECT_EQ(WrapText("µm0 µm1 µm2 µm3 µm4 µm5 µm6 µm7 µm8", 11),
            (Strings{"µm0 µm1 µm2", "µm3 µm4 µm5", "µm6 µm7 µm8"}));
}

TEST(SplitSharedTitles, LineIntensityTitlesShareTheirBeginning) {
  // Reference §8.5 (verified with HyperSpy 1.7.3).
  const SharedTitles split = SplitSharedTitles({"X-ray line intensity of SI: Cu_Ka at 8.05 keV",
                                                "X-ray line intensity of SI: Fe_Ka at 6.40 keV",
                                                "X-ray line intensity of SI: Pt_La at 9.44 keV"});
  EXPECT_EQ(split.suptitle, "X-ray line intensity of SI:");
  EXPECT_EQ(split.labels, (Strings{"Cu_Ka at 8.05 keV", "Fe_Ka at 6.40 keV", "Pt_La at 9.44 keV"}));
}

TEST(SplitSharedTitles, DifferentTitlesAreKept) {
  const SharedTitles split = SplitSharedTitles({"Iron map", "Platinum", "Oxygen"});
  EXPECT_EQ(split.suptitle, "");
  EXPECT_EQ(split.labels, (Strings{"Iron map", "Platinum", "Oxygen"}));
}

TEST(SplitSharedTitles, EqualTitlesBecomeTheSuptitle) {
  const SharedTitles split = SplitSharedTitles({"Map", "Map"});
  EXPECT_EQ(split.suptitle, "Map");
  EXPECT_EQ(split.labels, (Strings{"", ""}));
  const SharedTitles one = SplitSharedTitles({"Only one"});
  EXPECT_EQ(one.suptitle, "Only one");
  EXPECT_EQ(one.labels, Strings{""});
}

TEST(SplitSharedTitles, TrimsAnOpeningParenthesis) {
  // HyperSpy strips spaces before it drops the '(', so the space before it stays (as here).
  const SharedTitles split = SplitSharedTitles({"Intensity map (Fe_Ka)", "Intensity map (Pt_La)"});
  EXPECT_EQ(split.suptitle, "Intensity map ");
  EXPECT_EQ(split.labels, (Strings{"Fe_Ka)", "Pt_La)"}));
}

TEST(SplitSharedTitles, EmptyInput) {
  EXPECT_TRUE(SplitSharedTitles({}).labels.empty());
  const SharedTitles blank = SplitSharedTitles({"", ""});
  EXPECT_EQ(blank.suptitle, "");
  EXPECT_EQ(blank.labels, (Strings{"", ""}));
}

}  // namespace
}  // namespace hyperchunk::plot
