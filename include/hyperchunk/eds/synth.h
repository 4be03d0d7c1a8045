// A synthetic EDS spectrum image, generated chunk by chunk: the tutorial's dataset (and any other
// size) without a file. Fe-rich matrix, Pt-rich particles, bremsstrahlung, Poisson noise.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "hyperchunk/array/array.h"
#include "hyperchunk/core/dtype.h"
#include "hyperchunk/core/shape.h"
#include "hyperchunk/core/status.h"

namespace hyperchunk::eds {

namespace internal {
struct SynthModel;
}  // namespace internal

/// What to generate. Axes in array order: 0 to 2 navigation axes (y, x), then the energy axis.
struct SynthOptions {
  Shape shape = {512, 512, 992};  ///< elements per axis; the last axis is the energy axis
  Shape chunks = {64, 512, 248};  ///< chunk shape, same rank; entries <= 0 mean the whole axis
  DType dtype = DType::kFloat64;  ///< counts are integers; integer types saturate at their maximum
  double offset_kev = 0.16;       ///< energy of channel 0 (keV)
  double scale_kev = 0.02;        ///< channel width (keV), > 0
  /// Elements by symbol: the first makes the matrix, the others the particles (in turn); with one
  /// element the particles are of the matrix element.
  std::vector<std::string> elements = {"Fe", "Pt"};
  uint64_t seed = 0;                       ///< same seed, same data, whatever the chunks or threads
  double beam_energy_kev = 200;            ///< E0: no continuum above it, no line it cannot excite
  double energy_resolution_mnka_ev = 130;  ///< detector FWHM at Mn Ka (eV), HyperSpy's rule for others
  double counts_per_pixel = 300;           ///< mean counts (over the axis) of a matrix pixel of nominal thickness
  /// Particles in the field; -1: one per 2600 pixels (2-D) or 50 pixels (1-D). A 0-D signal (one
  /// spectrum) has none: it mixes the matrix with half a particle of each kind.
  int64_t particles = -1;
  double particle_radius_min_px = 0;  ///< 0: 1.2 % of the shortest navigation axis (at least 1.5 px)
  double particle_radius_max_px = 0;  ///< 0: 3.5 % of the shortest navigation axis (at least 3 px)
  /// Calibration of the navigation axes, for writers that label them (not used by the generator).
  double nav_scale = 1;
  double nav_offset = 0;
  std::string nav_units = "nm";
};

/// A particle of the field: a sphere in the film seen from above. Its amount along a pixel's column
/// follows its chord and displaces the matrix there.
struct SynthParticle {
  std::vector<double> center;  ///< navigation coordinates in pixels, array order (y, x); empty for 0-D
  double radius_px = 0;
  size_t element = 0;      ///< index in SynthOptions::elements of the element it is rich in
  double peak_amount = 0;  ///< amount at its centre (1 to 1.6), in units of the nominal matrix thickness
};

/// The generator and its ground truth. Cheap to copy (shares the precomputed tables).
class SyntheticEds {
 public:
  /// Checks the options and precomputes the unit spectra and the particles.
  static Result<SyntheticEds> Create(const SynthOptions& options);

  const SynthOptions& options() const;
  /// The lazy array (dtype, shape and chunks of the options): each chunk is generated when read,
  /// from any thread; values are deterministic per (seed, pixel, channel).
  Array array() const;

  const std::vector<SynthParticle>& particles() const;
  /// Energy of a channel's centre in keV: offset + scale * channel.
  double Energy(Index channel) const;
  /// Amount of each element (options().elements order) at a navigation pixel (array order; empty
  /// for 0-D), in units of the nominal matrix thickness: the particles' chords x their composition,
  /// plus what is left of the local film thickness (0.8 to 1.2) x the matrix composition.
  Result<std::vector<double>> Composition(std::span<const Index> nav_index) const;
  /// Expected counts per channel at a navigation pixel (the Poisson means the data is drawn from).
  Result<std::vector<double>> ExpectedSpectrum(std::span<const Index> nav_index) const;

 private:
  explicit SyntheticEds(std::shared_ptr<const internal::SynthModel> model) : model_(std::move(model)) {}
  std::shared_ptr<const internal::SynthModel> model_;
};

/// SyntheticEds::Create(options) and its array().
Result<Array> MakeSyntheticEds(const SynthOptions& options);

}  // namespace hyperchunk::eds
