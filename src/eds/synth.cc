#include "hyperchunk/eds/synth.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <type_traits>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "eds/emission.h"
#include "eds/poisson.h"
#include "hyperchunk/eds/xray_lines.h"

namespace hyperchunk::eds {
namespace {

// Poisson draws are made per block of this many channels (aligned on the global channel index),
// each block its own random stream: the values do not depend on how the energy axis is chunked.
constexpr Index kChannelBlock = 16;
// Share of the matrix's counts (over the axis) that is bremsstrahlung.
constexpr double kContinuumShare = 0.4;
// Composition: each minor element in the matrix (at most), and the particles' share of their element.
constexpr double kMatrixMinorFraction = 0.02;
constexpr double kParticleMainFraction = 0.85;
// Automatic particle counts: one per this many pixels.
constexpr double kPixelsPerParticle2D = 2600;
constexpr double kPixelsPerParticle1D = 50;
// Stream keys: the Poisson draws and the particle layout use separate key spaces.
constexpr uint64_t kNoiseStream = 0x4e6f697365ULL;     // "Noise"
constexpr uint64_t kLayoutStream = 0x4c61796f7574ULL;  // "Layout"

}  // namespace

namespace internal {

struct SynthModel {
  SynthOptions options;
  Shape nav_shape;  // 0, 1 or 2 axes
  Index channels = 0;
  size_t num_elements = 0;
  std::vector<double> matrix;                 // composition of the matrix, per element
  std::vector<std::vector<double>> particle;  // composition of a particle rich in element k
  std::vector<SynthParticle> particles;
  std::array<double, 2> phase{};  // of the thickness ripple
  std::vector<double> unit;       // expected counts per unit amount: unit[element * channels + channel]
  uint64_t noise_key = 0;
  Index blocks_per_pixel = 0;

  double Thickness(const Index* nav) const;
  // Amounts per element at a pixel, from the particles listed in `candidates`.
  void Amounts(const Index* nav, const std::vector<const SynthParticle*>& candidates, double* out) const;
  // Counts of channels [c0, c1) of the pixel with navigation linear index `pixel`.
  template <typename T>
  void GeneratePixel(uint64_t pixel, const double* amounts, Index c0, Index c1, T* row) const;
  Status Fill(const Box& box, NdArray& out) const;
};

double SynthModel::Thickness(const Index* nav) const {
  constexpr double kTwoPi = 2 * std::numbers::pi;
  switch (nav_shape.size()) {
    case 2: {
      const double y = static_cast<double>(nav[0]) / static_cast<double>(nav_shape[0]);
      const double x = static_cast<double>(nav[1]) / static_cast<double>(nav_shape[1]);
      return 0.85 + 0.3 * y + 0.06 * std::sin(kTwoPi * (1.5 * x + phase[0])) * std::cos(kTwoPi * (1.2 * y + phase[1]));
    }
    case 1: {
      const double x = static_cast<double>(nav[0]) / static_cast<double>(nav_shape[0]);
      return 0.85 + 0.3 * x + 0.06 * std::sin(kTwoPi * (1.5 * x + phase[0]));
    }
    default: return 1;
  }
}

void SynthModel::Amounts(const Index* nav, const std::vector<const SynthParticle*>& candidates, double* out) const {
  if (nav_shape.empty()) {  // one spectrum: the matrix and half a particle of each kind
    std::copy(matrix.begin(), matrix.end(), out);
    for (size_t kind = 0; kind < particle.size(); ++kind) {
      if (particle[kind].empty()) continue;
      for (size_t e = 0; e < num_elements; ++e) out[e] += 0.5 * particle[kind][e];
    }
    return;
  }
  // The particles displace the matrix along their chords (and may stand out of the film).
  double particle_total = 0;
  std::fill(out, out + num_elements, 0.0);
  for (const SynthParticle* p : candidates) {
    double d2 = 0;
    for (size_t dim = 0; dim < nav_shape.size(); ++dim) {
      const double d = static_cast<double>(nav[dim]) - p->center[dim];
      d2 += d * d;
    }
    const double r2 = p->radius_px * p->radius_px;
    if (d2 >= r2) continue;
    const double chord = p->peak_amount * std::sqrt(1 - d2 / r2);
    const std::vector<double>& composition = particle[p->element];
    for (size_t e = 0; e < num_elements; ++e) out[e] += chord * composition[e];
    particle_total += chord;
  }
  const double matrix_amount = std::max(0.0, Thickness(nav) - particle_total);
  for (size_t e = 0; e < num_elements; ++e) out[e] += matrix_amount * matrix[e];
}

template <typename T>
T CountAs(int64_t count) {
  if constexpr (std::is_integral_v<T> && sizeof(T) < sizeof(int64_t)) {
    return static_cast<T>(std::min<int64_t>(count, std::numeric_limits<T>::max()));
  } else {
    return static_cast<T>(count);  // int64, uint64 and floats hold every count
  }
}

template <typename T>
void SynthModel::GeneratePixel(uint64_t pixel, const double* amounts, Index c0, Index c1, T* row) const {
  const Index first_block = c0 / kChannelBlock;
  const Index last_block = (c1 - 1) / kChannelBlock;
  std::array<double, kChannelBlock> mean{};
  std::array<int64_t, kChannelBlock> counts{};
  for (Index block = first_block; block <= last_block; ++block) {
    const Index begin = block * kChannelBlock;
    const Index n = std::min(kChannelBlock, channels - begin);
    mean.fill(0.0);
    for (size_t e = 0; e < num_elements; ++e) {  // same order of additions as ExpectedSpectrum
      const double a = amounts[e];
      const double* u = &unit[e * static_cast<size_t>(channels) + static_cast<size_t>(begin)];
      for (Index i = 0; i < n; ++i) mean[i] += a * u[i];
    }
    double total = 0;
    for (Index i = 0; i < n; ++i) total += mean[i];
    counts.fill(0);
    CounterRng rng(noise_key, pixel * static_cast<uint64_t>(blocks_per_pixel) + static_cast<uint64_t>(block));
    if (total < kPoissonInversionLimit) {
      // Poisson total, spread multinomially: the same law as independent Poisson channels.
      const int64_t photons = total > 0 ? PoissonByInversion(total, rng) : 0;
      for (int64_t photon = 0; photon < photons; ++photon) {
        const double target = rng.Uniform() * total;
        Index i = 0;
        double cumulative = mean[0];
        while (cumulative <= target && i + 1 < n) cumulative += mean[++i];
        while (mean[i] == 0) --i;  // rounding at the very top: back to a channel that has counts
        ++counts[i];
      }
    } else {
      for (Index i = 0; i < n; ++i) counts[i] = SamplePoisson(mean[i], rng);
    }
    const Index lo = std::max(begin, c0);
    const Index hi = std::min(begin + n, c1);
    for (Index c = lo; c < hi; ++c) row[c - c0] = CountAs<T>(counts[c - begin]);
  }
}

Status SynthModel::Fill(const Box& box, NdArray& out) const {
  const size_t nav_rank = nav_shape.size();
  if (box.rank() != nav_rank + 1 || out.shape() != box.shape()) {
    return Internal(fmt::format("synthetic EDS generator asked for box {} into an array of shape {}", box.ToString(),
                                ShapeToString(out.shape())));
  }
  // The particles that may reach the box.
  std::vector<const SynthParticle*> candidates;
  for (const SynthParticle& p : particles) {
    bool near = true;
    for (size_t dim = 0; dim < nav_rank; ++dim) {
      near = near && p.center[dim] + p.radius_px >= static_cast<double>(box.start[dim]) &&
             p.center[dim] - p.radius_px <= static_cast<double>(box.stop[dim] - 1);
    }
    if (near) candidates.push_back(&p);
  }
  const Index c0 = box.start[nav_rank];
  const Index c1 = box.stop[nav_rank];
  const Index width = c1 - c0;
  const Shape box_shape = box.shape();
  const Index pixels = NumElements(Shape(box_shape.begin(), box_shape.end() - 1));
  if (width == 0 || pixels == 0) return Status::Ok();
  std::vector<double> amounts(num_elements);
  std::array<Index, 2> nav{};
  return VisitDType(out.dtype(), [&]<typename T>() -> Status {
    T* values = out.data<T>();
    for (Index local = 0; local < pixels; ++local) {
      // Navigation position of this pixel (C order within the box) and its global linear index.
      Index rest = local;
      uint64_t global = 0;
      for (size_t dim = nav_rank; dim-- > 0;) {
        const Index extent = box.extent(dim);
        nav[dim] = box.start[dim] + rest % extent;
        rest /= extent;
      }
      for (size_t dim = 0; dim < nav_rank; ++dim) {
        global = global * static_cast<uint64_t>(nav_shape[dim]) + static_cast<uint64_t>(nav[dim]);
      }
      Amounts(nav.data(), candidates, amounts.data());
      GeneratePixel(global, amounts.data(), c0, c1, values + local * width);
    }
    return Status::Ok();
  });
}

}  // namespace internal

namespace {

using internal::SynthModel;

Status Bad(std::string message) { return InvalidArgument("synthetic EDS data: " + std::move(message)); }

bool Positive(double v) { return std::isfinite(v) && v > 0; }

Status CheckOptions(const SynthOptions& o) {
  if (o.shape.empty() || o.shape.size() > 3) {
    return Bad(fmt::format("shape {} must have 1 to 3 axes (0 to 2 navigation axes, then the energy axis)",
                           ShapeToString(o.shape)));
  }
  for (Index n : o.shape) {
    if (n < 1) return Bad(fmt::format("shape {} has an empty axis", ShapeToString(o.shape)));
  }
  if (o.chunks.size() != o.shape.size()) {
    return Bad(fmt::format("chunks {} must have one entry per axis of shape {}", ShapeToString(o.chunks),
                           ShapeToString(o.shape)));
  }
  if (o.dtype == DType::kBool) return Bad("dtype bool cannot hold counts");
  if (!std::isfinite(o.offset_kev)) return Bad(fmt::format("offset_kev {} must be finite", o.offset_kev));
  if (!Positive(o.scale_kev)) return Bad(fmt::format("scale_kev {} must be positive", o.scale_kev));
  if (!Positive(o.beam_energy_kev)) return Bad(fmt::format("beam_energy_kev {} must be positive", o.beam_energy_kev));
  if (!Positive(o.energy_resolution_mnka_ev)) {
    return Bad(fmt::format("energy_resolution_mnka_ev {} must be positive", o.energy_resolution_mnka_ev));
  }
  if (!Positive(o.counts_per_pixel)) {
    return Bad(fmt::format("counts_per_pixel {} must be positive", o.counts_per_pixel));
  }
  if (o.particles < -1) return Bad(fmt::format("particles {} must be >= 0 (or -1: automatic)", o.particles));
  for (double r : {o.particle_radius_min_px, o.particle_radius_max_px}) {
    if (!std::isfinite(r) || r < 0) return Bad(fmt::format("particle radius {} px must be >= 0 (0: automatic)", r));
  }
  if (o.particle_radius_min_px > 0 && o.particle_radius_max_px > 0 &&
      o.particle_radius_min_px > o.particle_radius_max_px) {
    return Bad(fmt::format("particle_radius_min_px {} is above particle_radius_max_px {}", o.particle_radius_min_px,
                           o.particle_radius_max_px));
  }
  if (o.elements.empty()) return Bad("no elements (e.g. Fe, Pt)");
  const XrayDatabase& db = XrayDatabase::Builtin();
  for (size_t i = 0; i < o.elements.size(); ++i) {
    const Result<const ElementInfo*> found = db.Find(o.elements[i]);
    if (!found.ok()) return Bad(found.status().message());
    const ElementInfo* element = *found;
    if (element->lines.empty()) return Bad(fmt::format("element {} has no X-ray lines", element->symbol));
    for (size_t j = 0; j < i; ++j) {
      if (o.elements[j] == o.elements[i]) return Bad(fmt::format("element {} is listed twice", o.elements[i]));
    }
  }
  return Status::Ok();
}

// The matrix and particle compositions (per element, fractions summing to 1).
void SetCompositions(SynthModel& m) {
  const size_t n = m.num_elements;
  m.matrix.assign(n, 0.0);
  m.particle.assign(n, {});
  if (n == 1) {
    m.matrix[0] = 1;
    m.particle[0] = {1.0};
    return;
  }
  const double minor = std::min(kMatrixMinorFraction, 0.5 / static_cast<double>(n - 1));
  for (size_t e = 0; e < n; ++e) m.matrix[e] = e == 0 ? 1 - minor * static_cast<double>(n - 1) : minor;
  for (size_t kind = 1; kind < n; ++kind) {
    m.particle[kind].assign(n, 0.0);
    m.particle[kind][kind] = kParticleMainFraction;
    m.particle[kind][0] = 1 - kParticleMainFraction;
  }
}

// Particle positions, sizes and kinds, and the thickness ripple's phases: all from the seed.
void PlaceParticles(SynthModel& m) {
  const SynthOptions& o = m.options;
  const size_t nav_rank = m.nav_shape.size();
  internal::CounterRng layout(internal::Mix64(o.seed ^ kLayoutStream), 0);
  m.phase = {layout.Uniform(), layout.Uniform()};
  if (nav_rank == 0) return;
  const double pixels = static_cast<double>(NumElements(m.nav_shape));
  int64_t count = o.particles;
  if (count < 0) {
    const double per = nav_rank == 2 ? kPixelsPerParticle2D : kPixelsPerParticle1D;
    count = std::max<int64_t>(1, std::llround(pixels / per));
  }
  const double shortest = static_cast<double>(*std::min_element(m.nav_shape.begin(), m.nav_shape.end()));
  double r_min = o.particle_radius_min_px > 0 ? o.particle_radius_min_px : std::max(1.5, 0.012 * shortest);
  double r_max = o.particle_radius_max_px > 0 ? o.particle_radius_max_px : std::max(3.0, 0.035 * shortest);
  if (r_min > r_max) {  // one radius given, the other automatic: the automatic one follows
    if (o.particle_radius_min_px > 0) {
      r_max = r_min;
    } else {
      r_min = r_max;
    }
  }
  const size_t kinds = m.num_elements > 1 ? m.num_elements - 1 : 1;
  for (int64_t i = 0; i < count; ++i) {
    internal::CounterRng rng(internal::Mix64(o.seed ^ kLayoutStream), static_cast<uint64_t>(i) + 1);
    SynthParticle p;
    for (size_t dim = 0; dim < nav_rank; ++dim) {
      p.center.push_back(rng.Uniform() * static_cast<double>(m.nav_shape[dim]));
    }
    const double size = rng.Uniform();
    p.radius_px = r_min + size * (r_max - r_min);
    p.peak_amount = 1.0 + 0.6 * size;
    p.element = m.num_elements > 1 ? 1 + static_cast<size_t>(i) % kinds : 0;
    m.particles.push_back(std::move(p));
  }
}

// unit[e * channels + c]: expected counts in channel c per unit amount of element e, scaled so that a
// nominal matrix pixel has counts_per_pixel counts, a kContinuumShare of them bremsstrahlung.
Status ComputeUnitSpectra(SynthModel& m) {
  const SynthOptions& o = m.options;
  const internal::EnergyAxis axis{o.offset_kev, o.scale_kev, m.channels};
  const internal::EmissionConditions conditions{o.beam_energy_kev, o.energy_resolution_mnka_ev};
  const size_t n = m.num_elements;
  std::vector<std::vector<double>> lines(n);
  std::vector<std::vector<double>> continuum(n);
  double matrix_lines = 0;
  double matrix_continuum = 0;
  for (size_t e = 0; e < n; ++e) {
    HC_ASSIGN_OR_RETURN(const ElementInfo* element, XrayDatabase::Builtin().Find(o.elements[e]));
    Result<std::vector<double>> spectrum = internal::CharacteristicSpectrum(*element, axis, conditions);
    if (!spectrum.ok()) return Bad(spectrum.status().message());
    lines[e] = std::move(spectrum).value();
    continuum[e] = internal::ContinuumSpectrum(element->z, axis, conditions);
    for (Index c = 0; c < m.channels; ++c) {
      matrix_lines += m.matrix[e] * lines[e][static_cast<size_t>(c)];
      matrix_continuum += m.matrix[e] * continuum[e][static_cast<size_t>(c)];
    }
  }
  double continuum_factor = 1;
  if (matrix_lines > 0 && matrix_continuum > 0) {
    continuum_factor = kContinuumShare / (1 - kContinuumShare) * matrix_lines / matrix_continuum;
  }
  const double matrix_total = matrix_lines + continuum_factor * matrix_continuum;
  if (!(matrix_total > 0)) {
    return Bad(fmt::format("the energy axis {:.4g} to {:.4g} keV shows no X-rays of {} at a beam energy of {} keV",
                           axis.Value(0), axis.Value(m.channels - 1), fmt::join(o.elements, ", "), o.beam_energy_kev));
  }
  const double scale = o.counts_per_pixel / matrix_total;
  const auto channels = static_cast<size_t>(m.channels);
  m.unit.assign(channels * n, 0.0);
  for (size_t e = 0; e < n; ++e) {
    for (size_t c = 0; c < channels; ++c) {
      m.unit[e * channels + c] = scale * (lines[e][c] + continuum_factor * continuum[e][c]);
    }
  }
  return Status::Ok();
}

Status CheckNavIndex(const SynthModel& m, std::span<const Index> nav_index) {
  bool ok = nav_index.size() == m.nav_shape.size();
  for (size_t dim = 0; ok && dim < nav_index.size(); ++dim)
    ok = nav_index[dim] >= 0 && nav_index[dim] < m.nav_shape[dim];
  if (ok) return Status::Ok();
  return OutOfRange(fmt::format("synthetic EDS data: navigation index ({}) is not a pixel of the navigation shape {}",
                                fmt::join(nav_index, ", "), ShapeToString(m.nav_shape)));
}

}  // namespace

Result<SyntheticEds> SyntheticEds::Create(const SynthOptions& options) {
  HC_RETURN_IF_ERROR(CheckOptions(options));
  auto model = std::make_shared<SynthModel>();
  model->options = options;
  model->nav_shape.assign(options.shape.begin(), options.shape.end() - 1);
  model->channels = options.shape.back();
  model->num_elements = options.elements.size();
  model->noise_key = internal::Mix64(options.seed ^ kNoiseStream);
  model->blocks_per_pixel = (model->channels + kChannelBlock - 1) / kChannelBlock;
  SetCompositions(*model);
  PlaceParticles(*model);
  HC_RETURN_IF_ERROR(ComputeUnitSpectra(*model));
  return SyntheticEds(std::move(model));
}

const SynthOptions& SyntheticEds::options() const { return model_->options; }

const std::vector<SynthParticle>& SyntheticEds::particles() const { return model_->particles; }

double SyntheticEds::Energy(Index channel) const {
  return model_->options.offset_kev + model_->options.scale_kev * static_cast<double>(channel);
}

Array SyntheticEds::array() const {
  const SynthOptions& o = model_->options;
  return Array::FromGenerator(fmt::format("synthetic-eds({}, seed={})", fmt::join(o.elements, ","), o.seed), o.dtype,
                              ChunkGrid::Regular(o.shape, o.chunks),
                              [model = model_](const Box& box, NdArray& out) { return model->Fill(box, out); });
}

Result<std::vector<double>> SyntheticEds::Composition(std::span<const Index> nav_index) const {
  HC_RETURN_IF_ERROR(CheckNavIndex(*model_, nav_index));
  std::vector<const SynthParticle*> all;
  for (const SynthParticle& p : model_->particles) all.push_back(&p);
  std::vector<double> amounts(model_->num_elements);
  model_->Amounts(nav_index.data(), all, amounts.data());
  return amounts;
}

Result<std::vector<double>> SyntheticEds::ExpectedSpectrum(std::span<const Index> nav_index) const {
  HC_ASSIGN_OR_RETURN(const std::vector<double> amounts, Composition(nav_index));
  const size_t n = model_->num_elements;
  const auto channels = static_cast<size_t>(model_->channels);
  std::vector<double> spectrum(channels, 0.0);
  for (size_t e = 0; e < n; ++e) {  // the generator's order of additions
    for (size_t c = 0; c < channels; ++c) spectrum[c] += amounts[e] * model_->unit[e * channels + c];
  }
  return spectrum;
}

Result<Array> MakeSyntheticEds(const SynthOptions& options) {
  HC_ASSIGN_OR_RETURN(const SyntheticEds synth, SyntheticEds::Create(options));
  return synth.array();
}

}  // namespace hyperchunk::eds
