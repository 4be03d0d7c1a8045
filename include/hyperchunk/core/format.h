// Byte sizes and durations as people read them, and back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hyperchunk/core/status.h"

namespace hyperchunk {

/// dask's format_bytes: the first of Pi, Ti, Gi, Mi, ki with n >= 0.9 * unit, "%.2f <p>B"; else "<n> B".
/// 2080374784 -> "1.94 GiB", 65011712 -> "62.00 MiB", 100 -> "100 B".
std::string FormatBytes(int64_t bytes);
/// "512MiB", "2GiB", "1.5 GB", "1e9", "4096": binary (KiB/MiB/GiB/TiB, also K/M/G/T) and decimal
/// (kB/MB/GB/TB) units, case-insensitive; a plain number is bytes.
Result<int64_t> ParseBytes(std::string_view text);
/// dask's format_time: "12.30 us", "102.30 ms", "2.31 s" (up to 600 s), "12m 5s" (up to 2 h), "3hr 5m"
/// (up to 2 days), "2d 3hr".
std::string FormatDuration(double seconds);

}  // namespace hyperchunk
