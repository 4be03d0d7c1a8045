#include "hyperchunk/plot/ticks.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

namespace hyperchunk::plot {
namespace {

constexpr double kMantissas[] = {1, 2, 2.5, 5};
constexpr double kLargeLabel = 1e5;   // labels of this magnitude and above use an exponent
constexpr double kSmallLabel = 1e-3;  // ... and below this one
constexpr int kMaxDecimals = 12;

// Decimals needed to write multiples of `step` exactly.
int DecimalsFor(double step) {
  for (int decimals = 0; decimals < kMaxDecimals; ++decimals) {
    // A whole number of units of the last decimal (relative tolerance: a step far below 1, say
    // 1e-6, is not "0 decimals" just because it is close to the integer 0).
    const double scaled = step * std::pow(10.0, decimals);
    if (std::round(scaled) != 0 && std::abs(scaled - std::round(scaled)) <= 1e-6 * std::abs(scaled)) return decimals;
  }
  return kMaxDecimals;
}

std::string FormatFixed(double value, int decimals) {
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (text.find_first_not_of("-0.") == std::string::npos && text.front() == '-') text.erase(0, 1);  // "-0.0"
  return text;
}

int ExponentFor(double magnitude) {
  if (!(magnitude > 0) || (magnitude >= kSmallLabel && magnitude < kLargeLabel)) return 0;
  return static_cast<int>(std::floor(std::log10(magnitude)));
}

// A constant range: one tick, written with up to 6 significant digits.
Ticks SingleTick(double value) {
  Ticks ticks;
  ticks.values = {value};
  ticks.exponent = ExponentFor(std::abs(value));
  const double shown = value / std::pow(10.0, ticks.exponent);
  std::string text = fmt::format("{:.6g}", shown);
  if (text == "-0") text = "0";
  ticks.labels = {text};
  return ticks;
}

}  // namespace

Ticks NiceTicks(double lo, double hi, int max_ticks) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (lo > hi) std::swap(lo, hi);
  const double span = hi - lo;
  const double magnitude = std::max(std::abs(lo), std::abs(hi));
  if (span <= magnitude * 1e-12 || span == 0) return SingleTick(lo + span / 2);
  max_ticks = std::max(1, max_ticks);

  Ticks ticks;
  // Start a decade below the raw step so that every candidate step is tried in increasing order.
  int decade = static_cast<int>(std::floor(std::log10(span / max_ticks))) - 1;
  for (int attempt = 0; attempt < 64 && ticks.values.empty(); ++attempt, ++decade) {
    for (double mantissa : kMantissas) {
      const double step = mantissa * std::pow(10.0, decade);
      const double first = std::ceil(lo / step - 1e-9);
      const double last = std::floor(hi / step + 1e-9);
      if (last - first + 1 > max_ticks) continue;
      ticks.step = step;
      for (double k = first; k <= last; ++k) ticks.values.push_back(k * step == 0 ? 0.0 : k * step);
      if (ticks.values.empty()) ticks.values.push_back(lo);  // a range between two multiples
      break;
    }
  }
  double largest = 0;
  for (double value : ticks.values) largest = std::max(largest, std::abs(value));
  ticks.exponent = ExponentFor(largest);
  const double unit = std::pow(10.0, ticks.exponent);
  const int decimals = DecimalsFor(ticks.step / unit);
  for (double value : ticks.values) ticks.labels.push_back(FormatFixed(value / unit, decimals));
  return ticks;
}

std::string ExponentLabel(int exponent) {
  if (exponent == 0) return "";
  static const char* const kSuperscripts[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  std::string digits = std::to_string(std::abs(exponent));
  std::string text = "×10";
  if (exponent < 0) text += "⁻";
  for (char digit : digits) text += kSuperscripts[digit - '0'];
  return text;
}

}  // namespace hyperchunk::plot
