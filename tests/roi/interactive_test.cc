// Interactive outputs: an ROI-driven result recomputes when the ROI moves (reference §7.3: an output
// of roi(s) changes from (4, 5|20) to (6, 5|20) when roi.right changes).
#include "hyperchunk/roi/interactive.h"

#include <gtest/gtest.h>

namespace hyperchunk {
namespace {

Signal Image() {
  std::vector<double> flat(10 * 12 * 20);
  for (size_t i = 0; i < flat.size(); ++i) flat[i] = static_cast<double>(i % 97);
  ContextOptions o;
  o.threads = 2;
  auto s = Signal::Create(Array::FromNdArray(NdArray::FromVector(flat, {10, 12, 20}), Shape{5, 6, 20}),
                          {DataAxis::Uniform(10, 0.5, 0.0, {}, {}, true), DataAxis::Uniform(12, 0.5, 0.0, {}, {}, true),
                           DataAxis::Uniform(20)},
                          {}, true, std::make_shared<Context>(o));
  EXPECT_TRUE(s.ok());
  return *s;
}

TEST(Interactive, RoiOutputFollowsTheRoi) {
  const Signal s = Image();
  auto roi = std::make_shared<RectangularRoi>(*RectangularRoi::Create(1, 1.5, 3, 4));
  auto cut = InteractiveRoi(roi, s);
  ASSERT_TRUE(cut.ok()) << cut.status().ToString();
  EXPECT_EQ((*cut)->out().axes_manager().DimensionString(), "(4, 5|20)");
  EXPECT_FALSE((*cut)->out().is_lazy());
  int notified = 0;
  (*cut)->data_changed().Connect([&](const Signal& out) {
    ++notified;
    EXPECT_EQ(out.axes_manager().DimensionString(), "(6, 5|20)");
  });
  EXPECT_TRUE(roi->SetRight(4));
  EXPECT_EQ(notified, 1);
  EXPECT_EQ((*cut)->out().axes_manager().DimensionString(), "(6, 5|20)");
  EXPECT_EQ((*cut)->computations(), 2);
  // An invalid assignment is refused by the ROI: nothing recomputes.
  EXPECT_FALSE(roi->SetRight(0));
  EXPECT_EQ((*cut)->computations(), 2);
}

TEST(Interactive, SummedSpectrumRecomputes) {
  const Signal s = Image();
  auto roi = std::make_shared<RectangularRoi>(*RectangularRoi::Create(1, 1, 2, 2));
  auto spectrum = InteractiveRoi(roi, s, [](const Signal& c) { return c.Sum(); });
  ASSERT_TRUE(spectrum.ok()) << spectrum.status().ToString();
  auto expected = [&](double left, double top) {
    auto cut = s.Inav({IndexSpec::Range(left, left + 1.0), IndexSpec::Range(top, top + 1.0)});
    return cut->Sum()->Values()->GetAsDouble(3);
  };
  EXPECT_EQ((*spectrum)->out().Values()->GetAsDouble(3), expected(1, 1));
  EXPECT_TRUE(roi->MoveTo(2.5, 0.5));
  EXPECT_EQ((*spectrum)->out().Values()->GetAsDouble(3), expected(2.5, 0.5));
  // Once the output is gone, moving the ROI is harmless.
  spectrum->reset();
  EXPECT_TRUE(roi->MoveTo(1, 1));
}

TEST(Interactive, FailedRecomputeKeepsThePreviousResult) {
  int calls = 0;
  auto out = Interactive::Create([&]() -> Result<Signal> {
    if (++calls > 1) return InvalidArgument("broken");
    return Signal::FromNdArray(NdArray::FromVector<double>({1, 2, 3}, {3}));
  });
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE((*out)->Recompute().ok());
  EXPECT_EQ((*out)->last_status().message(), "broken");
  EXPECT_EQ((*out)->out().Values()->GetAsDouble(2), 3.0);
}

}  // namespace
}  // namespace hyperchunk
