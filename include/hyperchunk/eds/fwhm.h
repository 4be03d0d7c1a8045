// Energy resolution of an EDS detector: the width of a line at any energy.
#pragma once

#include "hyperchunk/core/status.h"

namespace hyperchunk::eds {

/// Energy of Mn Ka in keV (the database's value), where detector resolutions are quoted.
inline constexpr double kMnKaEnergyKev = 5.8987;

/// HyperSpy's get_FWHM_at_Energy (Fiori & Newbury): the FWHM in keV at `energy_kev` of a detector
/// whose FWHM at Mn Ka is `resolution_mnka_ev` (eV):
///   sqrt(2.5 * (E - 5.8987) * 1000 + resolution_mnka_ev^2) / 1000.
/// An error where the square root's argument is negative (HyperSpy's "math domain error": very low
/// energies with a small resolution) or the inputs are not finite.
Result<double> FwhmAtEnergy(double resolution_mnka_ev, double energy_kev);

}  // namespace hyperchunk::eds
