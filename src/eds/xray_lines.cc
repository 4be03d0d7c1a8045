#include "hyperchunk/eds/xray_lines.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "eds/xray_lines_data.h"

namespace hyperchunk::eds {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kFormat = "hyperchunk-xray-lines";
constexpr int kVersion = 1;

Status Corrupt(std::string_view where, std::string_view what) {
  return DataLoss(fmt::format("X-ray line database: {}: {}", where, what));
}

// The number at `key` of `object`, or an error naming it.
Result<double> NumberField(const Json& object, std::string_view key, std::string_view where) {
  const auto it = object.find(key);
  if (it == object.end()) return Corrupt(where, fmt::format("'{}' is missing", key));
  if (!it->is_number()) return Corrupt(where, fmt::format("'{}' must be a number, not {}", key, it->type_name()));
  const double value = it->get<double>();
  if (!std::isfinite(value)) return Corrupt(where, fmt::format("'{}' must be finite", key));
  return value;
}

Result<std::string> StringField(const Json& object, std::string_view key, std::string_view where) {
  const auto it = object.find(key);
  if (it == object.end()) return Corrupt(where, fmt::format("'{}' is missing", key));
  if (!it->is_string()) return Corrupt(where, fmt::format("'{}' must be a string, not {}", key, it->type_name()));
  return it->get<std::string>();
}

Result<std::vector<XrayLine>> ParseLines(const Json& lines, const std::string& where) {
  if (!lines.is_object()) return Corrupt(where, "'xray_lines' must be an object");
  std::vector<XrayLine> out;
  for (const auto& [name, line] : lines.items()) {
    const std::string line_where = fmt::format("{} line {}", where, name);
    if (name.empty() || std::string_view("KLM").find(name.front()) == std::string_view::npos) {
      return Corrupt(line_where, "a line name starts with K, L or M");
    }
    if (!line.is_object()) return Corrupt(line_where, "must be an object");
    HC_ASSIGN_OR_RETURN(const double energy, NumberField(line, "energy_keV", line_where));
    HC_ASSIGN_OR_RETURN(const double weight, NumberField(line, "weight", line_where));
    if (energy <= 0) return Corrupt(line_where, fmt::format("energy {} keV is not positive", energy));
    if (weight < 0 || weight > 1) return Corrupt(line_where, fmt::format("weight {} is outside [0, 1]", weight));
    out.push_back({name, energy, weight});
  }
  std::sort(out.begin(), out.end(), [](const XrayLine& a, const XrayLine& b) { return a.name < b.name; });
  return out;
}

Result<std::vector<AbsorptionEdge>> ParseEdges(const Json& edges, const std::string& where) {
  if (!edges.is_object()) return Corrupt(where, "'binding_energies' must be an object");
  std::vector<AbsorptionEdge> out;
  for (const auto& [shell, edge] : edges.items()) {
    const std::string edge_where = fmt::format("{} edge {}", where, shell);
    if (!edge.is_object()) return Corrupt(edge_where, "must be an object");
    AbsorptionEdge e;
    e.shell = shell;
    HC_ASSIGN_OR_RETURN(e.onset_energy_ev, NumberField(edge, "onset_energy_eV", edge_where));
    HC_ASSIGN_OR_RETURN(e.relevance, StringField(edge, "relevance", edge_where));
    HC_ASSIGN_OR_RETURN(e.threshold, StringField(edge, "threshold", edge_where));
    HC_ASSIGN_OR_RETURN(e.edge, StringField(edge, "edge", edge_where));
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const AbsorptionEdge& a, const AbsorptionEdge& b) { return a.shell < b.shell; });
  return out;
}

Result<ElementInfo> ParseElement(const std::string& symbol, const Json& element) {
  const std::string where = fmt::format("element {}", symbol);
  if (!element.is_object()) return Corrupt(where, "must be an object");
  ElementInfo info;
  info.symbol = symbol;
  HC_ASSIGN_OR_RETURN(info.name, StringField(element, "name", where));
  const auto z = element.find("Z");
  if (z == element.end() || !z->is_number_integer() || z->get<int>() < 1) {
    return Corrupt(where, "'Z' must be a positive integer");
  }
  info.z = z->get<int>();
  HC_ASSIGN_OR_RETURN(info.atomic_weight, NumberField(element, "atomic_weight", where));
  const auto density = element.find("density_gcm3");
  if (density != element.end() && !density->is_null()) {
    HC_ASSIGN_OR_RETURN(info.density, NumberField(element, "density_gcm3", where));
  }
  const auto lines = element.find("xray_lines");
  if (lines == element.end()) return Corrupt(where, "'xray_lines' is missing");
  HC_ASSIGN_OR_RETURN(info.lines, ParseLines(*lines, where));
  if (const auto edges = element.find("binding_energies"); edges != element.end()) {
    HC_ASSIGN_OR_RETURN(info.edges, ParseEdges(*edges, where));
  }
  return info;
}

}  // namespace

const XrayLine* ElementInfo::FindLine(std::string_view line_name) const {
  for (const XrayLine& line : lines) {
    if (line.name == line_name) return &line;
  }
  return nullptr;
}

Result<XrayDatabase> XrayDatabase::Parse(std::string_view json) {
  Json doc = Json::parse(json.begin(), json.end(), /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Corrupt("document", "not valid JSON");
  if (!doc.is_object()) return Corrupt("document", "must be a JSON object");
  HC_ASSIGN_OR_RETURN(const std::string format, StringField(doc, "format", "document"));
  if (format != kFormat) {
    return Corrupt("document", fmt::format("format is '{}', expected '{}'", format, kFormat));
  }
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() || version->get<int>() != kVersion) {
    return Corrupt("document", fmt::format("unsupported version {} (this build reads version {})",
                                           version == doc.end() ? "(none)" : version->dump(), kVersion));
  }
  XrayDatabase db;
  HC_ASSIGN_OR_RETURN(db.source_, StringField(doc, "source", "document"));
  const auto elements = doc.find("elements");
  if (elements == doc.end() || !elements->is_object()) return Corrupt("document", "'elements' must be an object");
  for (const auto& [symbol, element] : elements->items()) {
    HC_ASSIGN_OR_RETURN(ElementInfo info, ParseElement(symbol, element));
    db.elements_.push_back(std::move(info));
  }
  std::sort(db.elements_.begin(), db.elements_.end(),
            [](const ElementInfo& a, const ElementInfo& b) { return a.z < b.z; });
  for (size_t i = 0; i < db.elements_.size(); ++i) {
    if (i > 0 && db.elements_[i].z == db.elements_[i - 1].z) {
      return Corrupt(fmt::format("element {}", db.elements_[i].symbol),
                     fmt::format("Z {} is also {}'s", db.elements_[i].z, db.elements_[i - 1].symbol));
    }
    db.by_symbol_.emplace(db.elements_[i].symbol, i);
  }
  return db;
}

const XrayDatabase& XrayDatabase::Builtin() {
  static const XrayDatabase* const db = [] {
    Result<XrayDatabase> parsed = Parse(internal::EmbeddedXrayLinesJson());
    if (!parsed.ok()) {
      // The text is compiled in and checked by the tests: failing here is a build error.
      std::fprintf(stderr, "hyperchunk: internal error: built-in %s\n", parsed.status().ToString().c_str());
      std::abort();
    }
    return new XrayDatabase(std::move(parsed).value());  // never freed: usable during static destruction
  }();
  return *db;
}

Result<const ElementInfo*> XrayDatabase::Find(std::string_view symbol) const {
  const auto it = by_symbol_.find(symbol);
  if (it == by_symbol_.end()) {
    return InvalidArgument(
        fmt::format("unknown element '{}' (the X-ray line database has symbols H to U, e.g. 'Fe')", symbol));
  }
  return &elements_[it->second];
}

Result<XrayLine> XrayDatabase::Line(std::string_view element_line) const {
  const size_t underscore = element_line.find('_');
  if (underscore == std::string_view::npos || underscore == 0 || underscore + 1 == element_line.size()) {
    return InvalidArgument(fmt::format("'{}' is not an X-ray line: expected Element_Line, e.g. 'Fe_Ka'", element_line));
  }
  const std::string_view symbol = element_line.substr(0, underscore);
  const std::string_view line_name = element_line.substr(underscore + 1);
  HC_ASSIGN_OR_RETURN(const ElementInfo* element, Find(symbol));
  if (const XrayLine* line = element->FindLine(line_name)) return *line;
  std::string names;
  for (const XrayLine& line : element->lines) names += (names.empty() ? "" : ", ") + line.name;
  return InvalidArgument(fmt::format("'{}': {} has no X-ray line '{}' (its lines: {})", element_line, symbol, line_name,
                                     names.empty() ? "none" : names));
}

}  // namespace hyperchunk::eds
