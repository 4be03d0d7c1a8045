// The synthetic EDS generator: determinism, physics where it shows, Poisson statistics, errors.
#include "hyperchunk/eds/synth.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hyperchunk/eds/xray_lines.h"
#include "hyperchunk/exec/compute.h"
#include "hyperchunk/exec/context.h"
#include "testing/compare.h"

namespace hyperchunk::eds {
namespace {

Context& Ctx(int threads) {
  auto options = [](int n) {
    ContextOptions o;
    o.threads = n;
    return o;
  };
  static Context one(options(1));
  static Context two(options(2));
  return threads == 1 ? one : two;
}

Result<NdArray> Generate(const SynthOptions& options, const std::vector<IndexItem>& region, int threads) {
  HC_ASSIGN_OR_RETURN(const Array array, MakeSyntheticEds(options));
  return Compute(Ctx(threads), region.empty() ? array : array[region]);
}

SynthOptions Small(Shape shape, Shape chunks) {
  SynthOptions o;
  o.shape = std::move(shape);
  o.chunks = std::move(chunks);
  return o;
}

// Channel of an energy on the default axis (nearest).
Index Channel(const SynthOptions& o, double energy_kev) {
  return static_cast<Index>(std::lround((energy_kev - o.offset_kev) / o.scale_kev));
}

double LineEnergy(const char* line) {
  Result<XrayLine> l = XrayDatabase::Builtin().Line(line);
  EXPECT_TRUE(l.ok()) << l.status().ToString();
  return l.ok() ? l->energy_kev : 0;
}

TEST(Synth, DefaultsAreTheTutorialDataset) {
  HC_ASSERT_OK_AND_ASSIGN(const Array array, MakeSyntheticEds(SynthOptions{}));
  EXPECT_EQ(array.shape(), (Shape{512, 512, 992}));
  EXPECT_EQ(array.dtype(), DType::kFloat64);
  EXPECT_EQ(array.chunks().max_chunk_shape(), (Shape{64, 512, 248}));
  EXPECT_EQ(array.nbytes(), Index{2080374784});  // 1.94 GiB
  HC_ASSERT_OK_AND_ASSIGN(const SyntheticEds synth, SyntheticEds::Create(SynthOptions{}));
  EXPECT_DOUBLE_EQ(synth.Energy(0), 0.16);
  EXPECT_DOUBLE_EQ(synth.Energy(312), 0.16 + 0.02 * 312);
  EXPECT_EQ(synth.particles().size(), 101u);  // 512 * 512 / 2600
}

// The same region of the tutorial-size dataset with two chunkings and 1 or 2 threads.
TEST(Synth, DeterministicAcrossChunksAndThreads) {
  const std::vector<IndexItem> region = {Slice{Index{56}, Index{72}}, Slice{Index{100}, Index{164}}, Slice{}};
  HC_ASSERT_OK_AND_ASSIGN(const NdArray want, Generate(SynthOptions{}, region, 1));
  EXPECT_EQ(want.shape(), (Shape{16, 64, 992}));
  for (const Shape& chunks : {Shape{64, 512, 248}, Shape{16, 512, 992}, Shape{5, 37, 100}}) {
    for (int threads : {1, 2}) {
      SynthOptions o;
      o.chunks = chunks;
      HC_ASSERT_OK_AND_ASSIGN(const NdArray got, Generate(o, region, threads));
      EXPECT_TRUE(test::ArraysIdentical(want, got)) << ShapeToString(chunks) << ", " << threads << " threads";
    }
  }
  // Another seed gives other counts.
  SynthOptions other;
  other.seed = 1;
  HC_ASSERT_OK_AND_ASSIGN(const NdArray different, Generate(other, region, 2));
  EXPECT_FALSE(test::ArraysIdentical(want, different));
}

TEST(Synth, IntegerDtypesHoldTheSameCounts) {
  SynthOptions o = Small({24, 20, 300}, {7, 20, 64});
  HC_ASSERT_OK_AND_ASSIGN(const NdArray f64, Generate(o, {}, 2));
  for (DType dtype : {DType::kUInt16, DType::kInt32, DType::kFloat32, DType::kUInt64}) {
    o.dtype = dtype;
    HC_ASSERT_OK_AND_ASSIGN(const NdArray got, Generate(o, {}, 2));
    EXPECT_TRUE(test::ArraysIdentical(f64.AsType(dtype), got)) << DTypeName(dtype);
  }
  // uint8 saturates at 255 instead of wrapping.
  o.dtype = DType::kUInt8;
  o.counts_per_pixel = 1e6;
  HC_ASSERT_OK_AND_ASSIGN(const NdArray saturated, Generate(o, {}, 2));
  EXPECT_EQ(*std::max_element(saturated.data<uint8_t>(), saturated.data<uint8_t>() + saturated.size()), 255);
}

TEST(Synth, CountsAreNonNegativeIntegers) {
  HC_ASSERT_OK_AND_ASSIGN(const NdArray data, Generate(Small({32, 32, 992}, {8, 32, 992}), {}, 2));
  const double* v = data.data<double>();
  double total = 0;
  for (Index i = 0; i < data.size(); ++i) {
    ASSERT_GE(v[i], 0) << i;
    ASSERT_EQ(v[i], std::floor(v[i])) << i;
    total += v[i];
  }
  const double per_pixel = total / (32 * 32);
  EXPECT_GT(per_pixel, 250);  // ~300 counts in the matrix, more on particles
  EXPECT_LT(per_pixel, 600);
}

// The summed spectrum peaks at the Fe and Pt lines; Fe_Ka is the strongest above 1 keV.
TEST(Synth, SumSpectrumPeaksAtTheLines) {
  SynthOptions o = Small({96, 96, 992}, {32, 96, 992});
  HC_ASSERT_OK_AND_ASSIGN(const Array array, MakeSyntheticEds(o));
  HC_ASSERT_OK_AND_ASSIGN(const NdArray sum, Compute(Ctx(2), array.Sum({0, 1})));
  const double* s = sum.data<double>();
  auto argmax = [&](double lo_kev, double hi_kev) {
    const Index lo = Channel(o, lo_kev);
    const Index hi = Channel(o, hi_kev);
    return static_cast<Index>(std::max_element(s + lo, s + hi) - s);
  };
  EXPECT_NEAR(argmax(1.0, 20.0), Channel(o, LineEnergy("Fe_Ka")), 1) << "Fe_Ka at 6.4039 keV";
  EXPECT_NEAR(argmax(6.0, 6.8), Channel(o, LineEnergy("Fe_Ka")), 1);
  EXPECT_NEAR(argmax(6.9, 7.3), Channel(o, LineEnergy("Fe_Kb")), 1);
  EXPECT_NEAR(argmax(9.0, 10.0), Channel(o, LineEnergy("Pt_La")), 1);
  EXPECT_NEAR(argmax(1.8, 2.3), Channel(o, LineEnergy("Pt_Ma")), 1);
  EXPECT_NEAR(argmax(10.8, 11.3), Channel(o, LineEnergy("Pt_Lb1")), 1);
  // Every local maximum that stands well above its surroundings is at a line of Fe or Pt.
  std::vector<double> energies;
  for (const char* el : {"Fe", "Pt"}) {
    HC_ASSERT_OK_AND_ASSIGN(const ElementInfo* info, XrayDatabase::Builtin().Find(el));
    for (const XrayLine& l : info->lines) energies.push_back(l.energy_kev);
  }
  int peaks = 0;
  for (Index c = 10; c + 10 < 992; ++c) {
    const double baseline = std::min(s[c - 8], s[c + 8]);
    if (s[c] < s[c - 1] || s[c] < s[c + 1] || s[c] < 1.5 * baseline + 5 * std::sqrt(baseline) + 50) continue;
    const double e = o.offset_kev + o.scale_kev * static_cast<double>(c);
    double nearest = 1e9;
    for (double line : energies) nearest = std::min(nearest, std::abs(line - e));
    ++peaks;
    EXPECT_LE(nearest, 0.1) << "a peak at " << e << " keV (channel " << c << ") is no Fe or Pt line";
  }
  EXPECT_GE(peaks, 6);  // Fe La, Pt Ma, Fe Ka, Fe Kb, Pt La, Pt Lb1 at least
}

// Counts minus their expected values, scaled by sqrt(expected): mean 0, variance 1.
void ExpectPoisson(const SynthOptions& o, const char* what) {
  HC_ASSERT_OK_AND_ASSIGN(const SyntheticEds synth, SyntheticEds::Create(o));
  HC_ASSERT_OK_AND_ASSIGN(const NdArray data, Compute(Ctx(2), synth.array()));
  const Index rows = o.shape[0];
  const Index cols = o.shape[1];
  const Index channels = o.shape[2];
  double sum_diff = 0;
  double sum_sq = 0;
  double sum_mean = 0;
  for (Index y = 0; y < rows; ++y) {
    for (Index x = 0; x < cols; ++x) {
      const Index nav[] = {y, x};
      HC_ASSERT_OK_AND_ASSIGN(const std::vector<double> mean, synth.ExpectedSpectrum(nav));
      const double* counts = data.data<double>() + (y * cols + x) * channels;
      for (Index c = 0; c < channels; ++c) {
        const double d = counts[c] - mean[static_cast<size_t>(c)];
        if (mean[static_cast<size_t>(c)] == 0) {
          EXPECT_EQ(counts[c], 0);
        }
        sum_diff += d;
        sum_sq += d * d;
        sum_mean += mean[static_cast<size_t>(c)];
      }
    }
  }
  // Sum of n independent Poisson deviations: variance sum_mean; of their squares: about 2 sum_mean^2/n + ...
  EXPECT_NEAR(sum_diff / sum_mean, 0, 5 / std::sqrt(sum_mean)) << what;
  EXPECT_NEAR(sum_sq / sum_mean, 1, 0.01) << what << ": variance / mean";
}

TEST(Synth, PoissonStatistics) {
  SynthOptions o = Small({40, 40, 992}, {16, 40, 300});
  ExpectPoisson(o, "300 counts per pixel");
  o.counts_per_pixel = 30000;  // means above 10: the per-channel rejection sampler
  ExpectPoisson(o, "30000 counts per pixel");
}

// Variance ≈ mean per channel across the pixels of a region of constant composition.
TEST(Synth, FlatRegionVarianceEqualsMean) {
  SynthOptions o = Small({4096, 992}, {1024, 992});  // a line scan: 1-D navigation
  o.particles = 0;
  HC_ASSERT_OK_AND_ASSIGN(const SyntheticEds synth, SyntheticEds::Create(o));
  HC_ASSERT_OK_AND_ASSIGN(const Array array, MakeSyntheticEds(o));
  // 512 neighbouring pixels: the thickness changes by about 4 % across them, which adds less than
  // 4e-4 m^2 to the variance of a channel of mean m.
  const std::vector<IndexItem> flat = {Slice{Index{2048}, Index{2560}}, Slice{}};
  HC_ASSERT_OK_AND_ASSIGN(const NdArray mean, Compute(Ctx(2), array[flat].Mean({0})));
  HC_ASSERT_OK_AND_ASSIGN(const NdArray var, Compute(Ctx(2), array[flat].Var({0}, false, 1)));
  const Index fe_ka = Channel(o, LineEnergy("Fe_Ka"));
  int checked = 0;
  for (Index c = 0; c < 992; ++c) {
    const double m = mean.data<double>()[c];
    if (m < 0.5) continue;
    ++checked;
    // sd of a sample variance of 512 Poisson draws ~ sqrt((m + 2 m^2) / 512).
    EXPECT_NEAR(var.data<double>()[c], m, 5 * std::sqrt((m + 2 * m * m) / 512)) << "channel " << c;
  }
  EXPECT_GT(checked, 20);
  EXPECT_GT(mean.data<double>()[fe_ka], 5);
}

TEST(Synth, ParticlesAreWhereTheSeedSays) {
  SynthOptions o = Small({128, 128, 992}, {64, 128, 248});
  o.particles = 6;
  o.particle_radius_min_px = 6;
  o.particle_radius_max_px = 9;
  HC_ASSERT_OK_AND_ASSIGN(const SyntheticEds synth, SyntheticEds::Create(o));
  ASSERT_EQ(synth.particles().size(), 6u);
  // The Pt_La window (±1 FWHM) summed per pixel: the Pt map.
  const Index lo = Channel(o, 9.2789);
  const Index hi = Channel(o, 9.6053);
  HC_ASSERT_OK_AND_ASSIGN(const NdArray map,
                          Compute(Ctx(2), synth.array()[{Slice{}, Slice{}, Slice{lo, hi}}].Sum({2})));
  auto inside = [&](Index y, Index x, double fraction) {
    for (const SynthParticle& p : synth.particles()) {
      const double dy = static_cast<double>(y) - p.center[0];
      const double dx = static_cast<double>(x) - p.center[1];
      if (dy * dy + dx * dx < fraction * fraction * p.radius_px * p.radius_px) return true;
    }
    return false;
  };
  double core = 0;
  double outside = 0;
  Index core_pixels = 0;
  Index outside_pixels = 0;
  for (Index y = 0; y < 128; ++y) {
    for (Index x = 0; x < 128; ++x) {
      const double v = map.data<double>()[y * 128 + x];
      if (inside(y, x, 0.5)) {
        core += v;
        ++core_pixels;
      } else if (!inside(y, x, 1.0)) {
        outside += v;
        ++outside_pixels;
      }
    }
  }
  ASSERT_GT(core_pixels, 0);
  ASSERT_GT(outside_pixels, 0);
  EXPECT_GT(core / static_cast<double>(core_pixels), 5 * outside / static_cast<double>(outside_pixels));
  for (const SynthParticle& p : synth.particles()) {
    EXPECT_EQ(p.element, 1u);  // Pt
    const Index centre[] = {static_cast<Index>(p.center[0]), static_cast<Index>(p.center[1])};
    HC_ASSERT_OK_AND_ASSIGN(const std::vector<double> amounts, synth.Composition(centre));
    EXPECT_GT(amounts[1], amounts[0]) << "Pt over Fe at the centre of a particle";
  }
  // The layout depends on the seed only: the same with other chunks, another with another seed.
  SynthOptions rechunked = o;
  rechunked.chunks = {16, 16, 992};
  HC_ASSERT_OK_AND_ASSIGN(const SyntheticEds same, SyntheticEds::Create(rechunked));
  EXPECT_EQ(same.particles()[3].center, synth.particles()[3].center);
  SynthOptions reseeded = o;
  reseeded.seed = 12345;
  HC_ASSERT_OK_AND_ASSIGN(const SyntheticEds other, SyntheticEds::Create(reseeded));
  EXPECT_NE(other.particles()[0].center, synth.particles()[0].center);
}

TEST(Synth, ZeroAndOneNavigationAxes) {
  for (const Shape& shape : {Shape{992}, Shape{50, 992}}) {
    SynthOptions o = Small(shape, Shape(shape.size(), 0));
    o.counts_per_pixel = 1e6;
    HC_ASSERT_OK_AND_ASSIGN(const Array array, MakeSyntheticEds(o));
    EXPECT_EQ(array.shape(), shape);
    const Array spectrum = shape.size() == 1 ? array : array.Sum({0});
    HC_ASSERT_OK_AND_ASSIGN(const NdArray s, Compute(Ctx(1), spectrum));
    for (const char* line : {"Fe_Ka", "Pt_La", "Pt_Ma"}) {
      const Index c = Channel(o, LineEnergy(line));
      const double peak = s.data<double>()[c];
      const double side = std::min(s.data<double>()[c - 15], s.data<double>()[c + 15]);
      EXPECT_GT(peak, 1.5 * side) << line << " in shape " << ShapeToString(shape);
    }
  }
}

TEST(Synth, OtherElementsAndBeamEnergy) {
  SynthOptions o = Small({16, 16, 2048}, {16, 16, 512});
  o.elements = {"Cu", "Au", "O"};
  o.scale_kev = 0.01;
  o.beam_energy_kev = 15;
  HC_ASSERT_OK_AND_ASSIGN(const SyntheticEds synth, SyntheticEds::Create(o));
  HC_ASSERT_OK_AND_ASSIGN(const NdArray sum, Compute(Ctx(2), synth.array().Sum({0, 1})));
  const Index cu = Channel(o, LineEnergy("Cu_Ka"));
  EXPECT_GT(sum.data<double>()[cu], 3 * sum.data<double>()[cu - 30]);
  // Nothing above the beam energy (15 keV is channel 1484).
  for (Index c = Channel(o, 15.0) + 1; c < 2048; ++c) ASSERT_EQ(sum.data<double>()[c], 0) << c;
  // Particles alternate between Au (1) and O (2).
  ASSERT_GE(synth.particles().size(), 1u);
  for (size_t i = 0; i < synth.particles().size(); ++i) EXPECT_EQ(synth.particles()[i].element, 1 + i % 2);
}

TEST(Synth, BadOptions) {
  struct Case {
    const char* what;
    void (*edit)(SynthOptions&);
    const char* message;
  };
  const Case cases[] = {
      {"unknown element",
       [](SynthOptions& o) {
         o.elements = {"Fe", "Xx"};
       },
       "unknown element 'Xx'"},
      {"no elements", [](SynthOptions& o) { o.elements = {}; }, "no elements"},
      {"twice",
       [](SynthOptions& o) {
         o.elements = {"Fe", "Fe"};
       },
       "listed twice"},
      {"no lines", [](SynthOptions& o) { o.elements = {"Li"}; }, "Li has no X-ray lines"},
      {"rank 0",
       [](SynthOptions& o) {
         o.shape = {};
         o.chunks = {};
       },
       "1 to 3 axes"},
      {"rank 4",
       [](SynthOptions& o) {
         o.shape = {2, 2, 2, 992};
         o.chunks = {1, 1, 1, 992};
       },
       "1 to 3 axes"},
      {"empty axis",
       [](SynthOptions& o) {
         o.shape = {0, 4, 992};
       },
       "empty axis"},
      {"chunk rank",
       [](SynthOptions& o) {
         o.chunks = {64, 248};
       },
       "one entry per axis"},
      {"scale", [](SynthOptions& o) { o.scale_kev = 0; }, "scale_kev 0 must be positive"},
      {"negative scale", [](SynthOptions& o) { o.scale_kev = -0.02; }, "scale_kev"},
      {"offset", [](SynthOptions& o) { o.offset_kev = std::nan(""); }, "offset_kev"},
      {"bool", [](SynthOptions& o) { o.dtype = DType::kBool; }, "bool"},
      {"beam", [](SynthOptions& o) { o.beam_energy_kev = 0; }, "beam_energy_kev"},
      {"resolution", [](SynthOptions& o) { o.energy_resolution_mnka_ev = -1; }, "energy_resolution_mnka_ev"},
      {"counts", [](SynthOptions& o) { o.counts_per_pixel = 0; }, "counts_per_pixel"},
      {"particles", [](SynthOptions& o) { o.particles = -2; }, "particles -2"},
      {"radii",
       [](SynthOptions& o) {
         o.particle_radius_min_px = 5;
         o.particle_radius_max_px = 2;
       },
       "above"},
      {"nothing to see", [](SynthOptions& o) { o.offset_kev = 300; }, "shows no X-rays"},
      {"too sharp", [](SynthOptions& o) { o.energy_resolution_mnka_ev = 40; }, "math domain error"},
  };
  for (const Case& c : cases) {
    SynthOptions o;
    c.edit(o);
    Result<Array> array = MakeSyntheticEds(o);
    ASSERT_FALSE(array.ok()) << c.what;
    EXPECT_EQ(array.status().code(), StatusCode::kInvalidArgument) << c.what;
    EXPECT_NE(array.status().message().find(c.message), std::string::npos)
        << c.what << ": " << array.status().message();
    EXPECT_EQ(array.status().message().rfind("synthetic EDS data: ", 0), 0u) << array.status().message();
  }
  HC_ASSERT_OK_AND_ASSIGN(const SyntheticEds synth, SyntheticEds::Create(Small({4, 5, 100}, {4, 5, 100})));
  const Index outside[] = {4, 0};
  EXPECT_EQ(synth.Composition(outside).status().code(), StatusCode::kOutOfRange);
  const Index short_index[] = {1};
  EXPECT_FALSE(synth.ExpectedSpectrum(short_index).ok());
}

}  // namespace
}  // namespace hyperchunk::eds
