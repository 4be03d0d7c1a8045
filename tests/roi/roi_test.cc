// ROIs against the worked examples of reference §7 and numbers printed by HyperSpy 1.7.3 (the
// Python expressions are given with each case).
#include "hyperchunk/roi/roi.h"

#include <cmath>

#include <gtest/gtest.h>

#include "testing/sources.h"

namespace hyperchunk {
namespace {

std::shared_ptr<Context> Ctx() {
  ContextOptions o;
  o.threads = 2;
  return std::make_shared<Context>(o);
}

// d = np.arange(10*12*n, dtype='uint16').reshape(10, 12, n); s = hs.signals.Signal1D(d), navigation
// scale 0.5 (x: 12 pixels, y: 10 pixels).
Signal Image(Index channels, bool lazy = true) {
  std::vector<uint16_t> flat(static_cast<size_t>(10 * 12 * channels));
  for (size_t i = 0; i < flat.size(); ++i) flat[i] = static_cast<uint16_t>(i);
  Array data = Array::FromNdArray(NdArray::FromVector(flat, {10, 12, channels}), Shape{4, 5, channels});
  auto s = Signal::Create(data,
                          {DataAxis::Uniform(10, 0.5, 0.0, std::string("y"), {}, true),
                           DataAxis::Uniform(12, 0.5, 0.0, std::string("x"), {}, true), DataAxis::Uniform(channels)},
                          {}, lazy, Ctx());
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

std::string Dims(const Result<Signal>& s) {
  return s.ok() ? s->axes_manager().DimensionString() : s.status().ToString();
}

TEST(Roi, Reprs) {
  EXPECT_EQ(RectangularRoi::Create(1, 1.5, 3, 4)->Repr(), "RectangularROI(left=1, top=1.5, right=3, bottom=4)");
  EXPECT_EQ(SpanRoi::Create(1.5, 2.0)->Repr(), "SpanROI(left=1.5, right=2)");
  EXPECT_EQ(Point1DRoi(2.26).Repr(), "Point1DROI(value=2.26)");
  EXPECT_EQ(Point2DRoi(2.26, 1.24).Repr(), "Point2DROI(x=2.26, y=1.24)");
  EXPECT_EQ(CircleRoi::Create(2.5, 2.5, 1)->Repr(), "CircleROI(cx=2.5, cy=2.5, r=1, r_inner=0)");
  EXPECT_EQ(Line2DRoi(0, 0, 2, 2, 0.5).Repr(), "Line2DROI(x1=0, y1=0, x2=2, y2=2, linewidth=0.5)");
  EXPECT_EQ(RectangularRoi().Repr(),
            "RectangularROI(left=<undefined>, top=<undefined>, right=<undefined>, bottom=<undefined>)");
  EXPECT_EQ(RectangularRoi::Create(1e-7, 1e8, 3, 4e8)->Repr(),
            "RectangularROI(left=1E-07, top=1E+08, right=3, bottom=4E+08)");
  EXPECT_FALSE(SpanRoi::Create(2, 1).ok());
  EXPECT_EQ(SpanRoi::Create(2, 1).status().message(), "`left` (2) must be smaller than `right` (1).");
}

TEST(Roi, InvalidAssignmentsAreKeptOutAndChangesNotified) {
  RectangularRoi r = *RectangularRoi::Create(1, 1.5, 3, 4);
  int changes = 0;
  r.changed().Connect([&](const Roi&) { ++changes; });
  EXPECT_FALSE(r.SetRight(0.5));  // right must stay above left
  EXPECT_EQ(r.Repr(), "RectangularROI(left=1, top=1.5, right=3, bottom=4)");
  EXPECT_EQ(changes, 0);
  EXPECT_TRUE(r.SetRight(5));
  EXPECT_TRUE(r.MoveTo(2, 2));
  EXPECT_EQ(r.Repr(), "RectangularROI(left=2, top=2, right=6, bottom=4.5)");
  EXPECT_EQ(changes, 2);
  EXPECT_FALSE(RectangularRoi().Apply(Image(3)).ok());  // undefined parameters
  CircleRoi c = *CircleRoi::Create(2.5, 2.5, 1, 0.5);
  EXPECT_FALSE(c.SetInnerRadius(1));  // HyperSpy reverts r_inner >= r
  EXPECT_TRUE(c.SetRadius(0.5));      // but accepts r == r_inner
  EXPECT_FALSE(CircleRoi::Create(1, 1, 1, 1).ok());
}

TEST(Roi, PixelRules) {
  const Signal s = Image(20);
  auto rect = RectangularRoi::Create(1, 1.5, 3, 4)->Apply(s);
  EXPECT_EQ(Dims(rect), "(4, 5|20)");
  ASSERT_TRUE(rect.ok());
  EXPECT_DOUBLE_EQ(rect->axes_manager()[0].offset, 1.0);
  EXPECT_DOUBLE_EQ(rect->axes_manager()[1].offset, 1.5);
  EXPECT_EQ(Dims(RectangularRoi::Create(1.1, 1.6, 3.24, 4.26)->Apply(s)), "(4, 6|20)");
  auto ties = RectangularRoi::Create(1.25, 1.25, 3.25, 3.75)->Apply(s);
  EXPECT_EQ(Dims(ties), "(4, 5|20)");
  EXPECT_DOUBLE_EQ(ties->axes_manager()[1].offset, 1.0);  // y starts at pixel 2
  EXPECT_EQ(Dims(RectangularRoi::Create(-2, -1, 100, 100)->Apply(s)), "(12, 10|20)");
  auto span = SpanRoi::Create(1.5, 2.0)->Apply(s);
  EXPECT_EQ(Dims(span), "(1, 10|20)");
  EXPECT_DOUBLE_EQ(span->axes_manager()[0].offset, 1.5);
  EXPECT_EQ(Dims(Point1DRoi(2.26).Apply(s)), "(10|20)");
  auto pixel = Point2DRoi(2.26, 1.24).Apply(s);
  EXPECT_EQ(Dims(pixel), "(|20)");
  ASSERT_TRUE(pixel.ok());
  EXPECT_EQ(pixel->Values()->GetAsDouble(0), (2 * 12 + 5) * 20.0);  // pixel x 5, y 2
  // Signal axes on request; a span on the signal axis.
  auto on_signal = SpanRoi::Create(3.0, 7.0)->Apply(s, {AxisRef::Signal()});
  EXPECT_EQ(Dims(on_signal), "(12, 10|4)");
  EXPECT_FALSE(SpanRoi::Create(3.0, 7.0)->Apply(s, {AxisRef(0), AxisRef(1)}).ok());
  // isig / inav with ROIs.
  auto specs = RectangularRoi::Create(1, 1.5, 3, 4)->AsIndexSpecs();
  ASSERT_TRUE(specs.ok());
  EXPECT_EQ(Dims(s.Inav(*specs)), "(4, 5|20)");
  EXPECT_FALSE(CircleRoi::Create(1, 1, 1)->AsIndexSpecs().ok());
}

TEST(Roi, CircleMasksOutsideTheRingWithNaN) {
  const Signal s = Image(3);
  // hs.roi.CircleROI(2.5, 2.5, 1)(s): a 4 x 4 box with its corners NaN; r_inner 0.5 also the middle.
  const std::vector<int> disc = {1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1};
  const std::vector<int> ring = {1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1};
  for (const auto& [inner, expected] : {std::pair{0.0, disc}, std::pair{0.5, ring}}) {
    auto c = CircleRoi::Create(2.5, 2.5, 1, inner)->Apply(s);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->axes_manager().DimensionString(), "(4, 4|3)");
    EXPECT_TRUE(c->is_lazy());
    EXPECT_EQ(c->dtype(), DType::kFloat64);
    auto v = c->Values();
    ASSERT_TRUE(v.ok());
    for (int j = 0; j < 4; ++j) {
      for (int i = 0; i < 4; ++i) {
        const double x = v->GetAsDouble((j * 4 + i) * 3);
        EXPECT_EQ(std::isnan(x) ? 1 : 0, expected[j * 4 + i]) << inner << " " << j << "," << i;
        if (!std::isnan(x)) {
          EXPECT_EQ(x, ((4 + j) * 12 + (4 + i)) * 3.0);
        }
      }
    }
    auto mask = CircleRoi::Create(2.5, 2.5, 1, inner)->Mask(s);
    ASSERT_TRUE(mask.ok());
    EXPECT_EQ(mask->shape(), (Shape{4, 4}));
    for (int k = 0; k < 16; ++k) EXPECT_EQ(mask->Values()->GetAsDouble(k) != 0, expected[k] == 0);
  }
}

// A line across the whole navigator reads bands along the line, not its bounding box (the whole
// dataset), and samples the pixels HyperSpy samples (nearest pixel of each linspace point).
TEST(Roi, LongLineReadsOnlyBandsAlongIt) {
  constexpr Index kN = 96, kC = 16;
  std::vector<double> flat(static_cast<size_t>(kN * kN * kC));
  for (size_t i = 0; i < flat.size(); ++i) flat[i] = static_cast<double>(i % 1009) * 0.5;
  const NdArray data = NdArray::FromVector(flat, {kN, kN, kC});
  auto source = std::make_shared<test::CountingSource>(data, ChunkGrid::Regular({kN, kN, kC}, {16, kN, kC}));
  source->set_partial_reads(true);
  auto s = Signal::Create(Array::FromSource(source),
                          {DataAxis::Uniform(kN, 1.0, 0.0, std::string("y"), {}, true),
                           DataAxis::Uniform(kN, 1.0, 0.0, std::string("x"), {}, true), DataAxis::Uniform(kC)},
                          {}, true, Ctx());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const Line2DRoi line(0, 0, kN - 1, kN - 1, 0);  // x1, y1, x2, y2, linewidth
  auto p = line.Apply(*s);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  auto v = p->Values();
  ASSERT_TRUE(v.ok());
  const Index npoints = static_cast<Index>(std::ceil(std::hypot(kN - 1.0, kN - 1.0) + 1));
  ASSERT_EQ(v->shape(), (Shape{npoints, kC}));
  for (Index k = 0; k < npoints; ++k) {
    const double t = static_cast<double>(kN - 1) * static_cast<double>(k) / static_cast<double>(npoints - 1);
    const Index pixel = static_cast<Index>(std::floor(t + 0.5));
    for (Index c = 0; c < kC; ++c) {
      ASSERT_EQ(v->GetAsDouble(k * kC + c), flat[static_cast<size_t>((pixel * kN + pixel) * kC + c)])
          << "point " << k << " channel " << c;
    }
  }
  // 6 bands of 16 rows, each about 16 x 17 pixels (one per chunk here: a chunk is read as the box
  // of all the stage pulls from it): under a fifth of the data, where the bounding box is all of it.
  EXPECT_LT(source->total_bytes_read(), data.nbytes() / 5) << source->total_bytes_read() << " of " << data.nbytes();
}

TEST(Roi, LineProfilesMatchHyperSpy) {
  const Signal s = Image(3);
  struct Case {
    Line2DRoi roi;
    std::string dims;
    double scale;
    std::vector<double> channel0;
  };
  // p = hs.roi.Line2DROI(*args)(s); p, p.axes_manager[0].scale, p.data[:, 0]
  const std::vector<Case> cases = {
      {Line2DRoi(0, 0, 2, 2, 0), "(7|3)", 0.4040610178208843, {0, 39, 39, 78, 117, 117, 156}},
      {Line2DRoi(0.3, 0.2, 4.1, 3.3, 0),
       "(11|3)",
       0.44582544855415374,
       {3, 39, 78, 81, 120, 120, 159, 198, 201, 237, 276}},
      {Line2DRoi(0.3, 0.2, 4.1, 3.3, 1.0),
       "(11|3)",
       0.44582544855415374,
       {19.5, 40.5, 60, 99, 100.5, 139.5, 177, 180, 217.5, 238.5, 259.5}},
      {Line2DRoi(5.0, 0.5, 0.2, 4.4, 0.6),
       "(14|3)",
       0.4417613170304636,
       {66, 99, 99, 132, 129, 162, 198, 195, 228, 225, 261, 294, 291, 324}},
      {Line2DRoi(-1, -1, 2, 1, 0), "(9|3)", 0.40061680838488767, {0, 0, 0, 0, 3, 42, 45, 81, 84}},
  };
  for (const auto& c : cases) {
    auto p = c.roi.Apply(s);
    ASSERT_TRUE(p.ok()) << c.roi.Repr() << ": " << p.status().ToString();
    EXPECT_EQ(p->axes_manager().DimensionString(), c.dims) << c.roi.Repr();
    EXPECT_EQ(p->class_name(), "BaseSignal");
    EXPECT_EQ(p->dtype(), DType::kFloat64);
    EXPECT_NEAR(p->axes_manager()[0].scale, c.scale, 1e-15);
    auto v = p->Values();
    ASSERT_TRUE(v.ok());
    for (size_t k = 0; k < c.channel0.size(); ++k) {
      EXPECT_EQ(v->GetAsDouble(static_cast<Index>(k) * 3), c.channel0[k]) << c.roi.Repr() << " point " << k;
      if (c.channel0[k] != 0) {
        EXPECT_EQ(v->GetAsDouble(static_cast<Index>(k) * 3 + 2), c.channel0[k] + 2);
      }
    }
  }
  // The length is numpy.linalg.norm's sqrt(dx * dx + dy * dy), to the last bit (std::hypot gives
  // 6.184658438426491 here, and the profile's scale 0.4417613170304637).
  EXPECT_EQ(Line2DRoi(5.0, 0.5, 0.2, 4.4, 0.6).length(), 6.18465843842649);
  EXPECT_EQ(Line2DRoi(5.0, 0.5, 0.2, 4.4, 0.6).Apply(s)->axes_manager()[0].scale, 0.4417613170304636);
  // s32 = hs.signals.Signal2D((np.arange(120, dtype='float32') * 0.1).reshape(10, 12));
  // hs.roi.Line2DROI(0.3, 0.2, 9.1, 7.3, 2.0)(s32) -> (|13) float32.
  std::vector<float> img(120);
  for (size_t i = 0; i < img.size(); ++i) img[i] = static_cast<float>(i) * 0.1f;
  auto image = Signal::FromNdArray(NdArray::FromVector(img, {10, 12}), 2, Ctx());
  ASSERT_TRUE(image.ok());
  auto p = Line2DRoi(0.3, 0.2, 9.1, 7.3, 2.0).Apply(*image);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->axes_manager().DimensionString(), "(|13)");
  EXPECT_EQ(p->dtype(), DType::kFloat32);
  const std::vector<double> expected = {0.0,
                                        0.7000000476837158,
                                        1.9500000476837158,
                                        2.6500000953674316,
                                        3.3499999046325684,
                                        4.600000381469727,
                                        4.650000095367432,
                                        5.949999809265137,
                                        6.599999904632568,
                                        7.300000190734863,
                                        8.550000190734863,
                                        8.649999618530273,
                                        9.899999618530273};
  for (size_t k = 0; k < expected.size(); ++k) EXPECT_EQ(p->Values()->GetAsDouble(static_cast<Index>(k)), expected[k]);
}

}  // namespace
}  // namespace hyperchunk
