// A simple physical model of a thin-film EDS spectrum, for the synthetic data generator:
// characteristic lines (ionisation cross-section x fluorescence yield x database weights, Gaussian
// peaks of HyperSpy's FWHM), Kramers' bremsstrahlung, and a detector efficiency.
#pragma once

#include <vector>

#include "hyperchunk/core/shape.h"
#include "hyperchunk/core/status.h"
#include "hyperchunk/eds/xray_lines.h"

namespace hyperchunk::eds::internal {

/// A calibrated, binned energy axis: channel c is centred on offset + scale * c (keV) and one scale wide.
struct EnergyAxis {
  double offset_kev = 0;
  double scale_kev = 1;
  Index size = 0;

  double Value(Index channel) const { return offset_kev + scale_kev * static_cast<double>(channel); }
};

/// Microscope and detector settings that shape the spectrum.
struct EmissionConditions {
  double beam_energy_kev = 200;
  double resolution_mnka_ev = 130;  ///< detector FWHM at Mn Ka
};

/// Fraction of the photons of `energy_kev` the detector records: a low-energy roll-off (window and
/// dead layer; 50 % near 0.56 keV) times the loss of hard X-rays through a thin silicon crystal.
double DetectorEfficiency(double energy_kev);

/// Relative production of the K, L or M family (`family` = 'K', 'L', 'M') per atom:
/// electrons in the shell x fluorescence yield Z^4 / (a + Z^4) x Bethe's ln(U) / (U Ec^2), with
/// U = E0 / Ec the overvoltage; 0 when the beam cannot ionise the shell. Ec is the database's edge
/// (K, L3, M5) where it has one, else estimated from the family's lines.
double FamilyStrength(const ElementInfo& element, char family, double beam_energy_kev);

/// Expected counts per channel of every line of `element` from one unit amount of it (arbitrary
/// units): each line is a Gaussian (FWHM from FwhmAtEnergy) integrated over the channel, scaled by
/// its weight, its family's strength and the detector efficiency. Lines above the beam energy or
/// more than 8 sigma outside the axis are left out. An error when a drawn line has no FWHM.
Result<std::vector<double>> CharacteristicSpectrum(const ElementInfo& element, const EnergyAxis& axis,
                                                   const EmissionConditions& conditions);

/// Bremsstrahlung per channel from one unit amount of an element of atomic number `z` (Kramers:
/// z (E0 - E) / E, zero at and above E0 and for E <= 0), times the detector efficiency and the
/// channel width.
std::vector<double> ContinuumSpectrum(int z, const EnergyAxis& axis, const EmissionConditions& conditions);

}  // namespace hyperchunk::eds::internal
