#include "hyperchunk/eds/fwhm.h"

#include <cmath>

#include <fmt/format.h>

namespace hyperchunk::eds {

Result<double> FwhmAtEnergy(double resolution_mnka_ev, double energy_kev) {
  if (!std::isfinite(resolution_mnka_ev) || !std::isfinite(energy_kev)) {
    return InvalidArgument(fmt::format("FWHM at {} keV with resolution {} eV at Mn Ka: values must be finite",
                                       energy_kev, resolution_mnka_ev));
  }
  const double radicand = 2.5 * (energy_kev - kMnKaEnergyKev) * 1000 + resolution_mnka_ev * resolution_mnka_ev;
  if (radicand < 0) {
    return InvalidArgument(
        fmt::format("FWHM at {} keV with resolution {} eV at Mn Ka: math domain error (the resolution is too small for "
                    "such a low energy: sqrt of {})",
                    energy_kev, resolution_mnka_ev, radicand));
  }
  return std::sqrt(radicand) / 1000;
}

}  // namespace hyperchunk::eds
