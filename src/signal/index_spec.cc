#include "hyperchunk/signal/index_spec.h"

#include <cstdlib>

#include <fmt/format.h>

namespace hyperchunk {
namespace {

std::string PositionText(const AxisPosition& p) {
  if (const auto* i = std::get_if<Index>(&p)) return fmt::format("{}", *i);
  if (const auto* d = std::get_if<double>(&p)) {
    std::string t = fmt::format("{}", *d);
    if (t.find_first_of(".eEn") == std::string::npos) t += ".0";
    return t;
  }
  return "'" + std::get<std::string>(p) + "'";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// One position: "12" / "-3" (index), "6.3" / "1e3" (value), "rel0.5" / "1500eV" (string).
Result<AxisPosition> ParsePosition(std::string_view text, std::string_view whole) {
  const std::string s(text);
  if (s.rfind("rel", 0) == 0) return AxisPosition(s);
  char* end = nullptr;
  if (s.find_first_of(".eE") == std::string::npos || s.find_first_not_of("+-0123456789.eE") != std::string::npos) {
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (end == s.c_str() + s.size() && !s.empty()) return AxisPosition(static_cast<Index>(v));
  } else {
    const double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str() + s.size() && !s.empty()) return AxisPosition(v);
  }
  // A number followed by units is a quantity ("1500eV"); anything else is not understood.
  if (!s.empty() && s[0] >= '0' && s[0] <= '9') return AxisPosition(s);
  return InvalidArgument(
      fmt::format("'{}' in index spec '{}' is neither an index, a value (with a decimal point), "
                  "'relF' nor a quantity with units",
                  text, whole));
}

}  // namespace

std::string IndexSpec::ToString() const {
  switch (kind) {
    case Kind::kEllipsis: return "...";
    case Kind::kPosition: return PositionText(position);
    case Kind::kSlice: break;
  }
  std::string t = (start ? PositionText(*start) : "") + ":" + (stop ? PositionText(*stop) : "");
  if (step) t += ":" + PositionText(*step);
  return t;
}

Result<std::vector<IndexSpec>> ParseIndexSpecs(std::string_view text) {
  std::vector<IndexSpec> out;
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    const std::string_view item = Trim(text.substr(pos, comma == std::string_view::npos ? text.npos : comma - pos));
    if (item == "...") {
      out.push_back(IndexSpec::Ellipsis());
    } else if (item.empty() || item == ":") {
      out.push_back(IndexSpec::All());
    } else if (item.find(':') == std::string_view::npos) {
      HC_ASSIGN_OR_RETURN(AxisPosition p, ParsePosition(item, text));
      out.push_back(IndexSpec::At(std::move(p)));
    } else {
      std::optional<AxisPosition> parts[3];
      size_t start = 0;
      for (int k = 0; k < 3; ++k) {
        const size_t colon = item.find(':', start);
        const std::string_view part = Trim(item.substr(start, colon == item.npos ? item.npos : colon - start));
        if (!part.empty()) {
          HC_ASSIGN_OR_RETURN(AxisPosition p, ParsePosition(part, text));
          parts[k] = std::move(p);
        }
        if (colon == item.npos) break;
        if (k == 2) return InvalidArgument(fmt::format("'{}' in index spec '{}' has more than two ':'", item, text));
        start = colon + 1;
      }
      out.push_back(IndexSpec::Range(parts[0], parts[1], parts[2]));
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

}  // namespace hyperchunk
