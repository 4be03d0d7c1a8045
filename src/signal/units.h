// Quantities with units on an axis ("1500 eV" on a keV axis): SI prefixes over a common base unit.
#pragma once

#include <string_view>

#include "hyperchunk/core/status.h"

namespace hyperchunk::internal {

/// The number `text` ("1500 eV", "1.5keV", "20nm") expressed in `axis_units` ("keV", "µm").
/// Both units must share a base unit (eV, m, s, Hz, rad, ...) up to an SI prefix; Å is 1e-10 m.
Result<double> ConvertQuantity(std::string_view text, std::string_view axis_units);

}  // namespace hyperchunk::internal
