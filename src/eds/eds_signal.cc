// EDS metadata and X-ray line selection: HyperSpy 1.7.3's EDSSpectrum / EDSTEMSpectrum /
// EDSSEMSpectrum methods (hyperspy/_signals/eds.py, eds_tem.py, eds_sem.py; reference §4.1, §4.2).
#include "hyperchunk/eds/eds_signal.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "eds_signal_internal.h"
#include "hyperchunk/eds/fwhm.h"
#include "hyperchunk/eds/xray_lines.h"

namespace hyperchunk::eds {

namespace internal {

Result<const DataAxis*> EnergyAxis(const Signal& s) {
  const std::vector<int> sig = s.axes_manager().SignalArrayIndices();
  if (!s.IsA(SignalClass::kEDSSpectrum) || sig.size() != 1) {
    return InvalidArgument(fmt::format(
        "not an EDS spectrum: a {} {} (signal_type '{}'); the X-ray line functions need signal_type EDS_TEM or "
        "EDS_SEM and one signal axis, the energy",
        s.class_name(), s.axes_manager().DimensionString(), s.signal_type()));
  }
  const DataAxis& axis = s.axes_manager().array_axes()[sig[0]];
  const std::string units = axis.units.value_or("<undefined>");
  if (units != "keV" && units != "eV") {
    return InvalidArgument(fmt::format(
        "{} is not a valid unit for the energy axis: only 'eV' and 'keV' are supported (set the axis units to 'keV')",
        units));
  }
  return &axis;
}

bool AxisInEv(const DataAxis& axis) { return axis.units.value_or("") == "eV"; }

}  // namespace internal

namespace {

constexpr std::string_view kInstrument = "Acquisition_instrument";

std::string Path(std::string_view node, std::string_view rest) {
  return fmt::format("{}.{}.{}", kInstrument, node, rest);
}

Value StringList(const std::vector<std::string>& items) {
  std::vector<Value> values;
  values.reserve(items.size());
  for (const std::string& item : items) values.push_back(Value::String(item));
  return Value::List(std::move(values));
}

// A list of strings as metadata holds it: a list or tuple of strings or bytes, or one string (a
// one-item string array reads back as a string).
Result<std::vector<std::string>> ReadStrings(const Value& v, std::string_view path) {
  std::vector<std::string> out;
  if (v.kind() == Value::Kind::kString || v.kind() == Value::Kind::kBytes) {
    out.push_back(v.as_string());
    return out;
  }
  if (v.kind() != Value::Kind::kList && v.kind() != Value::Kind::kTuple)
    return InvalidArgument(fmt::format("metadata {} must be a list of strings, not {}", path, v.Repr()));
  for (const Value& item : v.items()) {
    if (item.kind() != Value::Kind::kString && item.kind() != Value::Kind::kBytes)
      return InvalidArgument(fmt::format("metadata {} must be a list of strings; it holds {}", path, item.Repr()));
    out.push_back(item.as_string());
  }
  return out;
}

std::vector<std::string> Sorted(std::set<std::string> items) { return {items.begin(), items.end()}; }

std::string ElementOf(std::string_view line) {
  const size_t underscore = line.find('_');
  return std::string(line.substr(0, underscore));
}

bool Contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// add_lines with HyperSpy's recursion (the inner call uses the default only_one / only_lines).
Status AddLinesImpl(Signal& s, const std::vector<std::string>& lines, bool only_one,
                    const std::vector<std::string>& only_lines) {
  spdlog::logger& log = s.context().logger();
  HC_ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> stored, MetadataXrayLines(s));
  std::set<std::string> xray_lines;
  if (stored) xray_lines.insert(stored->begin(), stored->end());
  // Elements whose lines were chosen: no line is added automatically for them.
  std::set<std::string> elements;
  for (const std::string& line : xray_lines) elements.insert(ElementOf(line));
  for (const std::string& line : lines) {
    if (std::count(line.begin(), line.end(), '_') != 1)
      return InvalidArgument(fmt::format("'{}' is not a valid line symbol: expected Element_Line, e.g. Fe_Ka", line));
    HC_RETURN_IF_ERROR(XrayDatabase::Builtin().Line(line).status());
    elements.insert(ElementOf(line));
    if (xray_lines.insert(line).second) {
      log.info("{} line added,", line);
    } else {
      log.info("{} line already in.", line);
    }
  }
  HC_ASSIGN_OR_RETURN(LinesInRange split, SplitXrayLinesInRange(s, Sorted(xray_lines)));
  for (const std::string& line : split.out_of_range) log.warn("{} is not in the data energy range.", line);
  HC_ASSIGN_OR_RETURN(std::vector<std::string> sample_elements, MetadataElements(s));
  if (s.metadata().Has("Sample.elements")) {
    std::vector<std::string> extra;
    for (const std::string& element : sample_elements) {
      if (!elements.count(element) && !Contains(extra, element)) extra.push_back(element);
    }
    if (!extra.empty()) {
      HC_ASSIGN_OR_RETURN(std::vector<std::string> new_lines, LinesFromElements(s, extra, only_one, only_lines));
      if (!new_lines.empty()) {
        new_lines.insert(new_lines.end(), lines.begin(), lines.end());
        HC_RETURN_IF_ERROR(AddLinesImpl(s, new_lines, true, kDefaultOnlyLines));
      }
    }
  }
  HC_RETURN_IF_ERROR(AddElements(s, Sorted(elements)));
  HC_ASSIGN_OR_RETURN(stored, MetadataXrayLines(s));
  if (stored) xray_lines.insert(stored->begin(), stored->end());
  return s.metadata().Set("Sample.xray_lines", StringList(Sorted(xray_lines)));
}

}  // namespace

std::vector<std::string> ExpandOnlyLines(const std::vector<std::string>& only_lines) {
  std::vector<std::string> out = only_lines;
  for (const std::string& entry : only_lines) {
    if (entry == "a") out.insert(out.end(), {"Ka", "La", "Ma"});
    if (entry == "b") out.insert(out.end(), {"Kb", "Lb1", "Mb"});
  }
  return out;
}

// ---- microscope parameters ----------------------------------------------------------------------

Result<std::string> MicroscopeNode(const Signal& s) {
  const std::string type = s.signal_type();
  if (type == "EDS_TEM") return std::string("TEM");
  if (type == "EDS_SEM") return std::string("SEM");
  return InvalidArgument(fmt::format(
      "signal_type '{}' has no microscope: this needs an EDS_TEM or EDS_SEM signal (set_signal_type)", type));
}

Status SetDefaultMicroscopeParameters(Signal& s) {
  const std::string type = s.signal_type();
  if (type != "EDS_TEM" && type != "EDS_SEM") return Status::Ok();
  MetadataTree& md = s.metadata();
  const bool tem = type == "EDS_TEM";
  const std::string own = tem ? "TEM" : "SEM";
  const std::string other = tem ? "SEM" : "TEM";
  // The constructors' test differs: TEM moves an SEM node that has Detector.EDS; SEM moves any TEM node.
  const bool move = !md.Has(Path(own, "Detector.EDS")) &&
                    (tem ? md.Has(Path(other, "Detector.EDS")) : md.Has(fmt::format("{}.{}", kInstrument, other)));
  if (move) {
    const std::string from = fmt::format("{}.{}", kInstrument, other);
    Value node = *md.Find(from);
    HC_RETURN_IF_ERROR(md.Set(fmt::format("{}.{}", kInstrument, own), std::move(node)));
    md.Remove(from);
  }
  const std::pair<const char*, double> defaults[] = {
      {"Stage.tilt_alpha", kDefaultTiltStage},
      {"Detector.EDS.elevation_angle", kDefaultElevationAngle},
      {"Detector.EDS.energy_resolution_MnKa", kDefaultEnergyResolutionMnKa},
      {"Detector.EDS.azimuth_angle", kDefaultAzimuthAngle},
  };
  for (const auto& [what, value] : defaults) {
    const std::string path = Path(own, what);
    if (!md.Has(path)) HC_RETURN_IF_ERROR(md.Set(path, Value::Float(value)));
  }
  return Status::Ok();
}

Status SetMicroscopeParameters(Signal& s, const MicroscopeParameters& p) {
  HC_ASSIGN_OR_RETURN(const std::string node, MicroscopeNode(s));
  const bool tem = node == "TEM";
  if (!tem && (p.beam_current || p.probe_area || p.real_time))
    return InvalidArgument(
        "beam_current, probe_area and real_time are EDS_TEM parameters (EDS_SEM's set_microscope_parameters has none)");
  if (!p.beam_energy && !p.live_time && !p.tilt_stage && !p.azimuth_angle && !p.elevation_angle &&
      !p.energy_resolution_MnKa && !p.beam_current && !p.probe_area && !p.real_time)
    return InvalidArgument("set_microscope_parameters: no parameter given");
  HC_RETURN_IF_ERROR(SetDefaultMicroscopeParameters(s));
  MetadataTree& md = s.metadata();
  if (p.beam_energy) {
    md.Remove(Path(node, "beam_energy "));  // HyperSpy's TEM spelling, replaced by the plain key
    HC_RETURN_IF_ERROR(md.Set(Path(node, "beam_energy"), Value::Float(*p.beam_energy)));
  }
  const std::pair<const std::optional<double>*, const char*> fields[] = {
      {&p.live_time, "Detector.EDS.live_time"},
      {&p.tilt_stage, "Stage.tilt_alpha"},
      {&p.azimuth_angle, "Detector.EDS.azimuth_angle"},
      {&p.elevation_angle, "Detector.EDS.elevation_angle"},
      {&p.energy_resolution_MnKa, "Detector.EDS.energy_resolution_MnKa"},
      {&p.beam_current, "beam_current"},
      {&p.probe_area, "probe_area"},
      {&p.real_time, "Detector.EDS.real_time"},
  };
  for (const auto& [value, what] : fields) {
    if (*value) HC_RETURN_IF_ERROR(md.Set(Path(node, what), Value::Float(**value)));
  }
  return Status::Ok();
}

Result<double> BeamEnergy(const Signal& s) {
  HC_ASSIGN_OR_RETURN(const DataAxis* axis, internal::EnergyAxis(s));
  for (const char* node : {"SEM", "TEM"}) {
    for (const char* key : {"beam_energy", "beam_energy "}) {
      const std::string path = Path(node, key);
      const Value* v = s.metadata().Find(path);
      if (v == nullptr) continue;
      if (!v->is_number()) return InvalidArgument(fmt::format("metadata {} must be a number, not {}", path, v->Repr()));
      double energy = v->as_double();
      if (internal::AxisInEv(*axis)) energy *= 1000;
      return energy;
    }
  }
  return NotFound("the beam energy is not defined in the metadata (set it with set_microscope_parameters)");
}

Result<double> EnergyResolutionMnKa(const Signal& s) {
  HC_ASSIGN_OR_RETURN(const std::string node, MicroscopeNode(s));
  const std::string path = Path(node, "Detector.EDS.energy_resolution_MnKa");
  const Value* v = s.metadata().Find(path);
  if (v == nullptr) return kDefaultEnergyResolutionMnKa;
  if (!v->is_number()) return InvalidArgument(fmt::format("metadata {} must be a number, not {}", path, v->Repr()));
  return v->as_double();
}

// ---- elements and lines -------------------------------------------------------------------------

Result<std::vector<std::string>> MetadataElements(const Signal& s) {
  const Value* v = s.metadata().Find("Sample.elements");
  if (v == nullptr) return std::vector<std::string>{};
  return ReadStrings(*v, "Sample.elements");
}

Result<std::optional<std::vector<std::string>>> MetadataXrayLines(const Signal& s) {
  const Value* v = s.metadata().Find("Sample.xray_lines");
  if (v == nullptr) return std::optional<std::vector<std::string>>();
  HC_ASSIGN_OR_RETURN(std::vector<std::string> lines, ReadStrings(*v, "Sample.xray_lines"));
  return std::optional<std::vector<std::string>>(std::move(lines));
}

Status AddElements(Signal& s, const std::vector<std::string>& elements) {
  HC_ASSIGN_OR_RETURN(std::vector<std::string> current, MetadataElements(s));
  std::set<std::string> all(current.begin(), current.end());
  for (const std::string& element : elements) {
    if (!XrayDatabase::Builtin().Find(element).ok())
      return InvalidArgument(
          fmt::format("{} is not a valid chemical element symbol (symbols H to U, e.g. Fe)", element));
    all.insert(element);
  }
  return s.metadata().Set("Sample.elements", StringList(Sorted(all)));
}

Status SetElements(Signal& s, const std::vector<std::string>& elements) {
  for (const std::string& element : elements) {
    if (!XrayDatabase::Builtin().Find(element).ok())
      return InvalidArgument(
          fmt::format("{} is not a valid chemical element symbol (symbols H to U, e.g. Fe)", element));
  }
  s.metadata().Remove("Sample.elements");
  return AddElements(s, elements);
}

Status AddLines(Signal& s, const std::vector<std::string>& lines, bool only_one,
                const std::vector<std::string>& only_lines) {
  HC_RETURN_IF_ERROR(internal::EnergyAxis(s).status());
  Signal updated = s;  // all or nothing: s changes only when every step succeeded
  HC_RETURN_IF_ERROR(AddLinesImpl(updated, lines, only_one, only_lines));
  s = std::move(updated);
  return Status::Ok();
}

Status SetLines(Signal& s, const std::vector<std::string>& lines, bool only_one,
                const std::vector<std::string>& only_lines) {
  Signal updated = s;
  updated.metadata().Remove("Sample.xray_lines");
  HC_RETURN_IF_ERROR(AddLines(updated, lines, only_one, only_lines));
  s = std::move(updated);
  return Status::Ok();
}

Result<double> LineEnergy(const Signal& s, std::string_view xray_line) {
  HC_ASSIGN_OR_RETURN(const DataAxis* axis, internal::EnergyAxis(s));
  HC_ASSIGN_OR_RETURN(XrayLine line, XrayDatabase::Builtin().Line(xray_line));
  double energy = line.energy_kev;
  if (internal::AxisInEv(*axis)) energy *= 1000;
  return energy;
}

Result<std::array<double, 2>> LineEnergyAndFwhm(const Signal& s, std::string_view xray_line) {
  HC_ASSIGN_OR_RETURN(const DataAxis* axis, internal::EnergyAxis(s));
  HC_ASSIGN_OR_RETURN(const double resolution, EnergyResolutionMnKa(s));
  HC_ASSIGN_OR_RETURN(const double energy, LineEnergy(s, xray_line));
  const bool ev = internal::AxisInEv(*axis);
  auto fwhm = FwhmAtEnergy(resolution, ev ? energy / 1000 : energy);
  if (!fwhm.ok()) return fwhm.status().WithContext(std::string(xray_line));
  return std::array<double, 2>{energy, ev ? *fwhm * 1000 : *fwhm};
}

Result<LinesInRange> SplitXrayLinesInRange(const Signal& s, const std::vector<std::string>& xray_lines) {
  HC_ASSIGN_OR_RETURN(const DataAxis* axis, internal::EnergyAxis(s));
  const double low = axis->low_value();
  double high = axis->high_value();
  if (auto beam = BeamEnergy(s); beam.ok()) {
    high = std::min(high, *beam);
  } else if (beam.status().code() != StatusCode::kNotFound) {
    return beam.status();
  }
  LinesInRange out;
  for (const std::string& line : xray_lines) {
    HC_ASSIGN_OR_RETURN(const double energy, LineEnergy(s, line));
    (low < energy && energy < high ? out.in_range : out.out_of_range).push_back(line);
  }
  return out;
}

Result<std::vector<std::string>> LinesFromElements(const Signal& s, const std::vector<std::string>& elements,
                                                   bool only_one, const std::vector<std::string>& only_lines) {
  HC_ASSIGN_OR_RETURN(const DataAxis* axis, internal::EnergyAxis(s));
  const std::vector<std::string> names = ExpandOnlyLines(only_lines);
  double beam_energy = axis->high_value();
  if (auto beam = BeamEnergy(s); beam.ok()) beam_energy = *beam;
  std::vector<std::string> lines;
  for (const std::string& element : elements) {
    HC_ASSIGN_OR_RETURN(const ElementInfo* info, XrayDatabase::Builtin().Find(element));
    std::vector<std::string> candidates;
    for (const XrayLine& line : info->lines) {
      if (names.empty() || Contains(names, line.name)) candidates.push_back(element + "_" + line.name);
    }
    HC_ASSIGN_OR_RETURN(LinesInRange split, SplitXrayLinesInRange(s, candidates));
    std::vector<std::string> chosen = std::move(split.in_range);
    if (only_one && !chosen.empty()) {
      std::sort(chosen.begin(), chosen.end());
      std::string pick = chosen.back();
      for (const std::string& line : chosen) {
        HC_ASSIGN_OR_RETURN(const double energy, LineEnergy(s, line));
        if (energy < beam_energy / 2) {
          pick = line;
          break;
        }
      }
      chosen = {pick};
    }
    if (chosen.empty()) {
      s.context().logger().info("There is no X-ray line for element {} in the data spectral range", element);
    }
    lines.insert(lines.end(), chosen.begin(), chosen.end());
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

Result<std::vector<std::string>> GetXrayLines(const Signal& s,
                                              const std::optional<std::vector<std::string>>& xray_lines, bool only_one,
                                              const std::vector<std::string>& only_lines) {
  if (xray_lines) return *xray_lines;
  HC_ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> stored, MetadataXrayLines(s));
  if (stored) return *stored;
  if (s.metadata().Has("Sample.elements")) {
    HC_ASSIGN_OR_RETURN(std::vector<std::string> elements, MetadataElements(s));
    return LinesFromElements(s, elements, only_one, only_lines);
  }
  return InvalidArgument(
      "no X-ray line: the metadata has neither Sample.xray_lines nor Sample.elements (set them with add_elements)");
}

Result<std::vector<std::string>> ResolveXrayLines(const Signal& s,
                                                  const std::optional<std::vector<std::string>>& xray_lines,
                                                  bool only_one, const std::vector<std::string>& only_lines) {
  HC_ASSIGN_OR_RETURN(std::vector<std::string> lines, GetXrayLines(s, xray_lines, only_one, only_lines));
  HC_ASSIGN_OR_RETURN(LinesInRange split, SplitXrayLinesInRange(s, lines));
  for (const std::string& line : split.out_of_range) {
    s.context().logger().warn(
        "{} is not in the data energy range. You can remove it with: `s.metadata.Sample.xray_lines.remove('{}')`", line,
        line);
  }
  return std::move(split.in_range);
}

}  // namespace hyperchunk::eds
