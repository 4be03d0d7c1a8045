// Interactive outputs: an ROI-driven result recomputes when the ROI moves (reference §7.3: an output
// of roi(s) changes from (4, 5|20) to (6, 5|20) when roi.right changes).
#include "hyperchunk/roi/interactive.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "testing/sources.h"

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

// Every value of `a` and `b` equal (NaN equal to NaN), with the same shape, dtype and axes.
void ExpectSame(const Signal& a, const Signal& b, const std::string& what) {
  ASSERT_EQ(a.axes_manager().DimensionString(), b.axes_manager().DimensionString()) << what;
  ASSERT_EQ(a.dtype(), b.dtype()) << what;
  for (int i = 0; i < static_cast<int>(a.axes_manager().size()); ++i) {
    EXPECT_EQ(a.axes_manager()[i].offset, b.axes_manager()[i].offset) << what << " axis " << i;
  }
  auto va = a.Values();
  auto vb = b.Values();
  ASSERT_TRUE(va.ok() && vb.ok()) << what;
  for (Index k = 0; k < va->size(); ++k) {
    const double x = va->GetAsDouble(k), y = vb->GetAsDouble(k);
    if (!(std::isnan(x) && std::isnan(y))) {
      ASSERT_EQ(x, y) << what << " value " << k;
    }
  }
}

std::string Params(const Roi& roi) {
  std::string out;
  for (const auto& p : roi.Parameters()) out += " " + std::to_string(p.value_or(-1));
  return roi.ClassName() + out;
}

// A sequence of moves gives, after each one, what a fresh ROI at that place gives (the `roi` command
// computes the latter): a rectangle's summed spectrum, a ring's nansum, an energy window's map.
TEST(Interactive, MovesGiveTheSameSumsAsFreshComputations) {
  const Signal s = Image();
  auto rect = std::make_shared<RectangularRoi>(*RectangularRoi::Create(1, 1.5, 3, 4));
  auto rect_sum = InteractiveRoi(rect, s, [](const Signal& c) { return c.Sum(); });
  ASSERT_TRUE(rect_sum.ok()) << rect_sum.status().ToString();
  auto ring = std::make_shared<CircleRoi>(*CircleRoi::Create(2.5, 2.5, 1, 0.5));
  auto ring_sum = InteractiveRoi(ring, s, [](const Signal& c) { return c.NanSum(); });
  ASSERT_TRUE(ring_sum.ok()) << ring_sum.status().ToString();
  auto span = std::make_shared<SpanRoi>(*SpanRoi::Create(3.0, 7.0));
  auto map = InteractiveRoi(span, s, [](const Signal& c) { return c.Sum({AxisRef::Signal()}); }, {AxisRef::Signal()});
  ASSERT_TRUE(map.ok()) << map.status().ToString();

  const auto check = [&](const std::string& step) {
    const auto& r = rect->Parameters();
    ExpectSame((*rect_sum)->out(), *RectangularRoi::Create(*r[0], *r[2], *r[1], *r[3])->Apply(s)->Sum(),
               step + ": " + Params(*rect));
    const auto& c = ring->Parameters();
    ExpectSame((*ring_sum)->out(), *CircleRoi::Create(*c[0], *c[1], *c[2], *c[3])->Apply(s)->NanSum(),
               step + ": " + Params(*ring));
    ExpectSame((*map)->out(),
               *SpanRoi::Create(*span->left(), *span->right())->Apply(s, {AxisRef::Signal()})->Sum({AxisRef::Signal()}),
               step + ": " + Params(*span));
  };
  check("start");
  const std::vector<std::pair<double, double>> moves = {{0, 0}, {2.5, 0.5}, {4.25, 2.75}, {-1, -1}, {4.6, 3.9}};
  for (const auto& [x, y] : moves) {
    const std::string step = "move to " + std::to_string(x) + ", " + std::to_string(y);
    ASSERT_TRUE(rect->MoveTo(x, y));
    ASSERT_TRUE(ring->SetCenter(x + 0.3, y + 0.7));
    ASSERT_TRUE(span->SetRight(span->right().value() + 1.5));
    ASSERT_TRUE(span->SetLeft(span->left().value() + 1.0));
    check(step);
  }
  // Resizing too.
  ASSERT_TRUE(rect->SetRight(5.5));
  ASSERT_TRUE(ring->SetRadius(2.0));
  ASSERT_TRUE(ring->SetInnerRadius(0.0));
  check("resized");
  EXPECT_EQ((*rect_sum)->computations(), 1 + static_cast<int>(moves.size()) + 1);
  EXPECT_EQ((*ring_sum)->computations(), 1 + static_cast<int>(moves.size()) + 2);
  EXPECT_EQ((*map)->computations(), 1 + 2 * static_cast<int>(moves.size()));
}

// On data read from a source, moving the ROI within the chunks it already covers reads nothing:
// the chunks come from the Context's chunk cache, and the sums are those of fresh computations.
TEST(Interactive, MovesReuseCachedChunks) {
  std::vector<double> flat(16 * 16 * 20);
  for (size_t i = 0; i < flat.size(); ++i) flat[i] = static_cast<double>((i * 7) % 101) + 0.25;
  const NdArray data = NdArray::FromVector(flat, {16, 16, 20});
  auto source = std::make_shared<test::CountingSource>(data, ChunkGrid::Regular({16, 16, 20}, {8, 8, 20}));
  ContextOptions o;
  o.threads = 2;
  auto ctx = std::make_shared<Context>(o);
  auto s = Signal::Create(Array::FromSource(source),
                          {DataAxis::Uniform(16, 1.0, 0.0, {}, {}, true), DataAxis::Uniform(16, 1.0, 0.0, {}, {}, true),
                           DataAxis::Uniform(20)},
                          {}, true, ctx);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto roi = std::make_shared<RectangularRoi>(*RectangularRoi::Create(1, 1, 4, 4));
  auto sum = InteractiveRoi(roi, *s, [](const Signal& c) { return c.Sum(); });
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ(source->total_reads(), 1);  // chunk (0, 0)
  for (const auto& [x, y] : std::vector<std::pair<double, double>>{{2, 1}, {2, 2}, {4, 3}, {1, 1}}) {
    ASSERT_TRUE(roi->MoveTo(x, y));
    EXPECT_EQ(source->total_reads(), 1) << "moved to " << x << ", " << y;
    ExpectSame((*sum)->out(), *RectangularRoi::Create(x, y, x + 3, y + 3)->Apply(*s)->Sum(), "moved");
  }
  ASSERT_TRUE(roi->MoveTo(6, 6));  // into chunks (0, 1), (1, 0) and (1, 1): those are read once
  EXPECT_EQ(source->total_reads(), 4);
  ASSERT_TRUE(roi->MoveTo(7, 6));
  EXPECT_EQ(source->total_reads(), 4);
  EXPECT_GE(ctx->chunk_cache_stats().hits, 6);
  EXPECT_EQ(ctx->chunk_cache_stats().pinned, 0);
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
