#include "eds/emission.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string_view>

#include <fmt/format.h>

#include "hyperchunk/eds/fwhm.h"

namespace hyperchunk::eds::internal {
namespace {

// How far from its centre a Gaussian line is drawn, in standard deviations.
constexpr double kLineExtentSigmas = 8;
// Lines this far outside the axis (keV) are left out even when they have no FWHM.
constexpr double kFarFromAxisKev = 1;
// FWHM = kFwhmPerSigma * sigma for a Gaussian.
const double kFwhmPerSigma = 2 * std::sqrt(2 * std::numbers::ln2);

struct FamilyConstants {
  char family;
  const char* edge_shell;  // the shell whose edge ionises the main line (database name)
  double electrons;        // electrons in that shell
  double yield_a;          // fluorescence yield Z^4 / (yield_a + Z^4)
  const char* main_line;   // the family's main line
  double edge_over_main;   // Ec / E(main line) when the database has no edge
};
constexpr FamilyConstants kFamilies[] = {
    {'K', "K", 2, 1.12e6, "Ka", 1.11},
    {'L', "L3", 4, 1.1e8, "La", 1.22},
    {'M', "M5", 6, 1.3e9, "Ma", 1.04},
};

const FamilyConstants* FindFamily(char family) {
  for (const FamilyConstants& f : kFamilies) {
    if (f.family == family) return &f;
  }
  return nullptr;
}

// The ionisation energy of the family's shell in keV (0 when unknown).
double EdgeEnergy(const ElementInfo& element, const FamilyConstants& family) {
  for (const AbsorptionEdge& edge : element.edges) {
    if (edge.shell == family.edge_shell && edge.onset_energy_ev > 0) return edge.onset_energy_ev / 1000;
  }
  if (const XrayLine* main = element.FindLine(family.main_line)) return main->energy_kev * family.edge_over_main;
  double highest = 0;  // a family without its main line: just above its most energetic line
  for (const XrayLine& line : element.lines) {
    if (line.name.front() == family.family) highest = std::max(highest, line.energy_kev);
  }
  return highest * 1.02;
}

// The integral over [lo, hi] of a unit-area Gaussian centred on mu.
double GaussianMass(double lo, double hi, double mu, double sigma) {
  const double k = 1 / (sigma * std::numbers::sqrt2);
  return 0.5 * (std::erf((hi - mu) * k) - std::erf((lo - mu) * k));
}

}  // namespace

double DetectorEfficiency(double energy_kev) {
  if (!(energy_kev > 0)) return 0;
  const double soft = 0.5 / energy_kev;  // window and dead layer
  const double hard = 25 / energy_kev;   // crystal thickness
  return std::exp(-soft * soft * soft) * (1 - std::exp(-std::pow(hard, 2.8)));
}

double FamilyStrength(const ElementInfo& element, char family, double beam_energy_kev) {
  const FamilyConstants* constants = FindFamily(family);
  if (constants == nullptr) return 0;
  const double edge = EdgeEnergy(element, *constants);
  if (!(edge > 0)) return 0;
  const double overvoltage = beam_energy_kev / edge;
  if (overvoltage <= 1) return 0;
  const double z4 = std::pow(static_cast<double>(element.z), 4);
  const double yield = z4 / (constants->yield_a + z4);
  return constants->electrons * yield * std::log(overvoltage) / (overvoltage * edge * edge);
}

Result<std::vector<double>> CharacteristicSpectrum(const ElementInfo& element, const EnergyAxis& axis,
                                                   const EmissionConditions& conditions) {
  std::vector<double> spectrum(static_cast<size_t>(axis.size), 0.0);
  const double axis_lo = axis.Value(0) - axis.scale_kev / 2;
  const double axis_hi = axis.Value(axis.size - 1) + axis.scale_kev / 2;
  for (const XrayLine& line : element.lines) {
    if (line.weight <= 0 || line.energy_kev >= conditions.beam_energy_kev) continue;
    const double strength = FamilyStrength(element, line.name.front(), conditions.beam_energy_kev);
    if (strength <= 0) continue;
    const Result<double> fwhm = FwhmAtEnergy(conditions.resolution_mnka_ev, line.energy_kev);
    if (!fwhm.ok() || *fwhm <= 0) {
      // HyperSpy's relation gives no width there; that matters only for a line near the axis.
      if (line.energy_kev < axis_lo - kFarFromAxisKev || line.energy_kev > axis_hi + kFarFromAxisKev) continue;
      const Status error = fwhm.ok() ? InvalidArgument("zero FWHM") : fwhm.status();
      return error.WithContext(fmt::format("line {}_{}", element.symbol, line.name));
    }
    const double sigma = *fwhm / kFwhmPerSigma;
    const double size = static_cast<double>(axis.size);
    const double first = (line.energy_kev - kLineExtentSigmas * sigma - axis.offset_kev) / axis.scale_kev;
    const double last = (line.energy_kev + kLineExtentSigmas * sigma - axis.offset_kev) / axis.scale_kev;
    const auto begin = static_cast<Index>(std::clamp(std::floor(first), 0.0, size));
    const auto end = static_cast<Index>(std::clamp(std::ceil(last) + 1, 0.0, size));
    const double height = line.weight * strength * DetectorEfficiency(line.energy_kev);
    for (Index c = begin; c < end; ++c) {
      const double centre = axis.Value(c);
      spectrum[static_cast<size_t>(c)] +=
          height * GaussianMass(centre - axis.scale_kev / 2, centre + axis.scale_kev / 2, line.energy_kev, sigma);
    }
  }
  return spectrum;
}

std::vector<double> ContinuumSpectrum(int z, const EnergyAxis& axis, const EmissionConditions& conditions) {
  std::vector<double> spectrum(static_cast<size_t>(axis.size), 0.0);
  for (Index c = 0; c < axis.size; ++c) {
    const double energy = axis.Value(c);
    if (energy <= 0 || energy >= conditions.beam_energy_kev) continue;
    spectrum[static_cast<size_t>(c)] = static_cast<double>(z) * (conditions.beam_energy_kev - energy) / energy *
                                       DetectorEfficiency(energy) * axis.scale_kev;
  }
  return spectrum;
}

}  // namespace hyperchunk::eds::internal
