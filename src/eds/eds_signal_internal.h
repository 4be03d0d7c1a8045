// Helpers shared by the EDS signal functions (eds_signal.cc, lines_intensity.cc).
#pragma once

#include "hyperchunk/core/status.h"
#include "hyperchunk/signal/signal.h"

namespace hyperchunk::eds::internal {

/// The energy axis of an EDS spectrum: an error unless `s` is an EDS class with one signal axis
/// whose units are "keV" or "eV" (HyperSpy's rule for the line functions).
Result<const DataAxis*> EnergyAxis(const Signal& s);

/// True when the energy axis is in eV (energies from the database are then ×1000).
bool AxisInEv(const DataAxis& axis);

}  // namespace hyperchunk::eds::internal
