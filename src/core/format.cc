#include "hyperchunk/core/format.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

namespace hyperchunk {

std::string FormatBytes(int64_t bytes) {
  static constexpr struct {
    const char* prefix;
    int shift;
  } kUnits[] = {{"Pi", 50}, {"Ti", 40}, {"Gi", 30}, {"Mi", 20}, {"ki", 10}};
  const double n = static_cast<double>(bytes);
  for (const auto& u : kUnits) {
    const double k = std::ldexp(1.0, u.shift);
    if (n >= 0.9 * k) return fmt::format("{:.2f} {}B", n / k, u.prefix);
  }
  return fmt::format("{} B", bytes);
}

Result<int64_t> ParseBytes(std::string_view text) {
  const std::string s(text);
  const char* begin = s.c_str();
  while (std::isspace(static_cast<unsigned char>(*begin))) ++begin;
  char* end = nullptr;
  const double value = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(value) || value < 0)
    return InvalidArgument("'" + s + "' is not a size (expected e.g. 512MiB, 2GiB, 1e9)");
  std::string unit;
  for (const char* p = end; *p; ++p) {
    if (!std::isspace(static_cast<unsigned char>(*p))) unit += static_cast<char>(std::tolower(*p));
  }
  double mult = 1;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "k" || unit == "kib" || unit == "ki") mult = 0x1p10;
  else if (unit == "m" || unit == "mib" || unit == "mi") mult = 0x1p20;
  else if (unit == "g" || unit == "gib" || unit == "gi") mult = 0x1p30;
  else if (unit == "t" || unit == "tib" || unit == "ti") mult = 0x1p40;
  else if (unit == "kb") mult = 1e3;
  else if (unit == "mb") mult = 1e6;
  else if (unit == "gb") mult = 1e9;
  else if (unit == "tb") mult = 1e12;
  else
    return InvalidArgument("'" + s + "' has an unknown unit '" + unit +
                           "' (expected B, KiB, MiB, GiB, TiB, kB, MB, GB, TB)");
  const double bytes = value * mult;
  if (bytes > 9.2e18) return InvalidArgument("'" + s + "' is too large");
  return static_cast<int64_t>(std::llround(bytes));
}

std::string FormatDuration(double seconds) {
  // dask's format_time: the larger units only strictly past their thresholds.
  if (seconds > 172800) {
    const auto d = static_cast<int64_t>(seconds / 86400);
    return fmt::format("{}d {}hr", d, static_cast<int64_t>((seconds - static_cast<double>(d) * 86400) / 3600));
  }
  if (seconds > 7200) {
    const auto h = static_cast<int64_t>(seconds / 3600);
    return fmt::format("{}hr {}m", h, static_cast<int64_t>((seconds - static_cast<double>(h) * 3600) / 60));
  }
  if (seconds > 600) {
    const auto m = static_cast<int64_t>(seconds / 60);
    return fmt::format("{}m {}s", m, static_cast<int64_t>(seconds - static_cast<double>(m) * 60));
  }
  if (seconds >= 1) return fmt::format("{:.2f} s", seconds);
  if (seconds >= 1e-3) return fmt::format("{:.2f} ms", seconds * 1e3);
  return fmt::format("{:.2f} us", seconds * 1e6);
}

}  // namespace hyperchunk
