// The X-ray line database: HyperSpy 1.7.3's `hyperspy.misc.elements` (92 elements, 947 lines),
// exported by tools/export_xray_lines.py to data/xray_lines.json and compiled into the library.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hyperchunk/core/status.h"

namespace hyperchunk::eds {

/// One characteristic X-ray line of an element.
struct XrayLine {
  std::string name;   ///< Siegbahn-like name as HyperSpy spells it: "Ka", "Lb1", "M2N4"
  double energy_kev;  ///< line energy in keV (Chantler et al. 2005)
  double weight;      ///< intensity relative to the family's main line (Ka, La, Ma = 1), in [0, 1]
};

/// One absorption edge (HyperSpy's `Binding_energies`, used by EELS).
struct AbsorptionEdge {
  std::string shell;       ///< "K", "L3", "M4", "L2,3", ...
  double onset_energy_ev;  ///< edge onset in eV
  std::string relevance;   ///< "Major" or "Minor"
  std::string threshold;   ///< e.g. "Sharp peak" (may be empty)
  std::string edge;        ///< e.g. "Delayed maximum" (may be empty)
};

/// What the database knows about one element.
struct ElementInfo {
  std::string symbol;                 ///< "Fe"
  std::string name;                   ///< lower-case English name: "iron"
  int z = 0;                          ///< atomic number
  double atomic_weight = 0;           ///< g/mol
  std::optional<double> density;      ///< g/cm^3; none for At and Fr (HyperSpy stores 'NaN')
  std::vector<XrayLine> lines;        ///< sorted by name (HyperSpy's selection order); empty for Li
  std::vector<AbsorptionEdge> edges;  ///< sorted by shell name; empty when HyperSpy has none

  /// The line called `name` ("Ka"), or nullptr.
  const XrayLine* FindLine(std::string_view line_name) const;
};

/// Elements by symbol and their X-ray lines. Immutable once made; safe to share between threads.
class XrayDatabase {
 public:
  /// The database compiled into the library (data/xray_lines.json), parsed on first use.
  static const XrayDatabase& Builtin();
  /// Parses a document in data/xray_lines.json's format ("hyperchunk-xray-lines", version 1).
  static Result<XrayDatabase> Parse(std::string_view json);

  /// The element with this symbol (case-sensitive, as HyperSpy: "Fe", not "fe").
  Result<const ElementInfo*> Find(std::string_view symbol) const;
  /// A line given as "Element_Line", e.g. "Fe_Ka".
  Result<XrayLine> Line(std::string_view element_line) const;

  /// Every element, by atomic number.
  const std::vector<ElementInfo>& elements() const { return elements_; }
  /// Where the values come from, e.g. "HyperSpy 1.7.3 elements database (hyperspy/misc/elements.py)".
  const std::string& source() const { return source_; }

 private:
  std::vector<ElementInfo> elements_;
  std::map<std::string, size_t, std::less<>> by_symbol_;
  std::string source_;
};

}  // namespace hyperchunk::eds
