#include "units.h"

#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace hyperchunk::internal {
namespace {

struct Unit {
  double factor;     // to the base unit
  std::string base;  // "eV", "m", ...
};

std::optional<Unit> ParseUnit(std::string_view u) {
  static const std::pair<const char*, double> kPrefixes[] = {
      {"", 1.0},   {"Y", 1e24}, {"Z", 1e21},  {"E", 1e18},  {"P", 1e15},  {"T", 1e12},  {"G", 1e9},  {"M", 1e6},
      {"k", 1e3},  {"h", 1e2},  {"da", 1e1},  {"d", 1e-1},  {"c", 1e-2},  {"m", 1e-3},  {"u", 1e-6}, {"µ", 1e-6},
      {"μ", 1e-6}, {"n", 1e-9}, {"p", 1e-12}, {"f", 1e-15}, {"a", 1e-18}, {"z", 1e-21}, {"y", 1e-24}};
  static const char* kBases[] = {"eV", "rad", "Hz", "sr", "m", "s", "V", "A", "g", "K", "W", "Pa", "Gy"};
  if (u == "Å" || u == "Angstrom" || u == "angstrom") return Unit{1e-10, "m"};
  std::optional<Unit> best;
  size_t best_len = 0;
  for (const char* base : kBases) {
    const std::string_view b(base);
    if (u.size() < b.size() || u.substr(u.size() - b.size()) != b) continue;
    const std::string_view prefix = u.substr(0, u.size() - b.size());
    for (const auto& [p, f] : kPrefixes) {
      if (prefix == p && b.size() > best_len) {
        best = Unit{f, std::string(b)};
        best_len = b.size();
      }
    }
  }
  return best;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

Result<double> ConvertQuantity(std::string_view text, std::string_view axis_units) {
  const std::string s(text);
  char* end = nullptr;
  const double number = std::strtod(s.c_str(), &end);
  if (end == s.c_str()) return InvalidArgument(fmt::format("'{}': no number at the start", text));
  const std::string_view unit_text = Trim(std::string_view(end));
  if (unit_text.empty()) return InvalidArgument(fmt::format("'{}': a quantity needs units (e.g. '1500 eV')", text));
  const auto from = ParseUnit(unit_text);
  if (!from) return InvalidArgument(fmt::format("'{}': unknown units '{}'", text, unit_text));
  const auto to = ParseUnit(Trim(axis_units));
  if (!to) return InvalidArgument(fmt::format("'{}': the axis units '{}' cannot be converted to", text, axis_units));
  if (from->base != to->base)
    return InvalidArgument(fmt::format("'{}': cannot convert {} to the axis units {}", text, unit_text, axis_units));
  return number * from->factor / to->factor;
}

}  // namespace hyperchunk::internal
