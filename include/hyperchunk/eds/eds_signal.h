// EDS spectra as HyperSpy 1.7.3's EDSSpectrum / EDSTEMSpectrum / EDSSEMSpectrum methods, as free
// functions over Signal (reference §4): microscope parameters, the elements and X-ray lines of
// the sample, integration and background windows, and line-intensity maps.
//
// HyperSpy name → hyperchunk name (namespace hyperchunk::eds):
//   s.set_microscope_parameters(...)        → SetMicroscopeParameters(s, {...})
//   EDSTEMSpectrum(...) defaults             → SetDefaultMicroscopeParameters(s)
//   s.add_elements / set_elements           → AddElements / SetElements
//   s.add_lines / set_lines                 → AddLines / SetLines
//   s._get_lines_from_elements(...)          → LinesFromElements
//   s._parse_xray_lines(...)                 → ResolveXrayLines
//   s.estimate_integration_windows(...)      → EstimateIntegrationWindows
//   s.estimate_background_windows(...)       → EstimateBackgroundWindows
//   s.get_lines_intensity(...)               → GetLinesIntensity (lazy maps: ComputeTogether them)
//
// Energies are in the units of the energy axis ("keV" or "eV", as HyperSpy: other units are an
// error); resolutions are in eV. HyperSpy's warnings and INFO messages go to the signal's
// Context logger (warn / info).
//
// Deliberate differences from HyperSpy 1.7.3, each where HyperSpy fails or leaves a trap:
//  * The TEM beam energy is stored as `beam_energy`, not HyperSpy's `"beam_energy "` (a key with
//    a trailing space, reference §1.12); both spellings are read.
//  * Li (the one element without X-ray lines) has no line to select (HyperSpy: KeyError).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hyperchunk/core/status.h"
#include "hyperchunk/signal/signal.h"

namespace hyperchunk::eds {

/// HyperSpy's default `only_lines`: the main line of each family (Ka, La, Ma).
inline const std::vector<std::string> kDefaultOnlyLines = {"a"};

/// HyperSpy's `_parse_only_lines`: the entries as given, then "Ka", "La", "Ma" for each "a" and
/// "Kb", "Lb1", "Mb" for each "b". {"a"} → {"a", "Ka", "La", "Ma"}. Empty means every line.
std::vector<std::string> ExpandOnlyLines(const std::vector<std::string>& only_lines);

// ---- microscope parameters (reference §4.1) -----------------------------------------------------

/// What set_microscope_parameters takes; nullopt leaves a value as it is.
struct MicroscopeParameters {
  std::optional<double> beam_energy;             ///< keV → <TEM|SEM>.beam_energy
  std::optional<double> live_time;               ///< s → Detector.EDS.live_time
  std::optional<double> tilt_stage;              ///< degrees → Stage.tilt_alpha
  std::optional<double> azimuth_angle;           ///< degrees → Detector.EDS.azimuth_angle
  std::optional<double> elevation_angle;         ///< degrees → Detector.EDS.elevation_angle
  std::optional<double> energy_resolution_MnKa;  ///< eV (FWHM at Mn Ka) → Detector.EDS.energy_resolution_MnKa
  std::optional<double> beam_current;            ///< nA → TEM.beam_current (EDS_TEM only)
  std::optional<double> probe_area;              ///< nm² → TEM.probe_area (EDS_TEM only)
  std::optional<double> real_time;               ///< s → TEM.Detector.EDS.real_time (EDS_TEM only)
};

/// HyperSpy's defaults (preferences section EDS), filled in when a value is absent.
inline constexpr double kDefaultTiltStage = 0.0;               ///< degrees
inline constexpr double kDefaultElevationAngle = 35.0;         ///< degrees
inline constexpr double kDefaultEnergyResolutionMnKa = 130.0;  ///< eV
inline constexpr double kDefaultAzimuthAngle = 0.0;            ///< degrees

/// "TEM" for EDS_TEM signals, "SEM" for EDS_SEM; an error for other signals (a generic "EDS"
/// signal has no microscope, as in HyperSpy).
Result<std::string> MicroscopeNode(const Signal& s);

/// What HyperSpy's EDSTEMSpectrum / EDSSEMSpectrum constructors do to the metadata: moves an
/// `Acquisition_instrument.SEM` node to `TEM` (or the other way) when the signal's own node has no
/// Detector.EDS but the other has, then sets Stage.tilt_alpha, Detector.EDS.elevation_angle,
/// energy_resolution_MnKa and azimuth_angle to the defaults above where absent. Does nothing to
/// other signals (a generic EDS signal included).
Status SetDefaultMicroscopeParameters(Signal& s);

/// `s.set_microscope_parameters(...)` at HyperSpy's metadata paths (under
/// `Acquisition_instrument.TEM` or `.SEM` by class), after SetDefaultMicroscopeParameters. Values
/// are stored as float64. beam_current, probe_area and real_time exist for EDS_TEM only (an error
/// for EDS_SEM, whose HyperSpy method has no such arguments). Nothing given is an error (HyperSpy
/// opens a GUI).
Status SetMicroscopeParameters(Signal& s, const MicroscopeParameters& parameters);

/// The beam energy in the energy axis' units: `SEM.beam_energy`, else `TEM.beam_energy`; NotFound
/// when neither is set (callers fall back to the axis' high value, as HyperSpy).
Result<double> BeamEnergy(const Signal& s);

/// The FWHM of a detector at Mn Ka in eV: `Detector.EDS.energy_resolution_MnKa` of the signal's
/// microscope node (the default 130 eV when absent, as HyperSpy's constructors set it).
Result<double> EnergyResolutionMnKa(const Signal& s);

// ---- elements and lines (reference §4.2) --------------------------------------------------------

/// `metadata.Sample.elements` as strings (empty when absent); also reads a single string and
/// lists of bytes.
Result<std::vector<std::string>> MetadataElements(const Signal& s);
/// `metadata.Sample.xray_lines`, or nullopt when absent (an empty list is not absent).
Result<std::optional<std::vector<std::string>>> MetadataXrayLines(const Signal& s);

/// `s.add_elements(elements)`: each symbol must be in the X-ray line database (case-sensitive);
/// `Sample.elements` becomes the sorted union with what it held.
Status AddElements(Signal& s, const std::vector<std::string>& elements);
/// `s.set_elements(elements)`: clears `Sample.elements`, then AddElements.
Status SetElements(Signal& s, const std::vector<std::string>& elements);

/// `s.add_lines(lines, only_one, only_lines)`: validates and adds the given "El_Line" lines, warns
/// for those outside the energy range, adds lines chosen by LinesFromElements for each element of
/// `Sample.elements` that has none yet (then, as HyperSpy, once more with the default only_one and
/// only_lines for elements still without one), adds the lines' elements to `Sample.elements`, and
/// stores the sorted union in `Sample.xray_lines`. INFO "<line> line added," / "line already in.".
Status AddLines(Signal& s, const std::vector<std::string>& lines = {}, bool only_one = true,
                const std::vector<std::string>& only_lines = kDefaultOnlyLines);
/// `s.set_lines(...)`: clears `Sample.xray_lines`, then AddLines.
Status SetLines(Signal& s, const std::vector<std::string>& lines, bool only_one = true,
                const std::vector<std::string>& only_lines = kDefaultOnlyLines);

/// The energy of "El_Line" in the energy axis' units (keV from the database, ×1000 for eV).
Result<double> LineEnergy(const Signal& s, std::string_view xray_line);
/// The energy and the FWHM (Fiori & Newbury, from EnergyResolutionMnKa) of "El_Line", both in
/// the energy axis' units, computed as HyperSpy does (for eV: FWHM(E·1000 / 1000) · 1000).
Result<std::array<double, 2>> LineEnergyAndFwhm(const Signal& s, std::string_view xray_line);

/// The lines strictly inside the spectral range, `low_value < E < min(high_value, beam energy)`,
/// and the others, each in the order given.
struct LinesInRange {
  std::vector<std::string> in_range;
  std::vector<std::string> out_of_range;
};
Result<LinesInRange> SplitXrayLinesInRange(const Signal& s, const std::vector<std::string>& xray_lines);

/// HyperSpy's line selection (`_get_lines_from_elements`): for each element, its lines named in
/// ExpandOnlyLines(only_lines) (all lines when empty) that are in range; with `only_one`, of those
/// sorted by name the first below half the beam energy (overvoltage >= 2; the axis' high value
/// stands in for a missing beam energy), else the last. INFO "There is no X-ray line for element X
/// in the data spectral range" for elements left without one. Sorted.
Result<std::vector<std::string>> LinesFromElements(const Signal& s, const std::vector<std::string>& elements,
                                                   bool only_one = false,
                                                   const std::vector<std::string>& only_lines = kDefaultOnlyLines);

/// HyperSpy's `_get_xray_lines`: `xray_lines` when given; else `Sample.xray_lines`; else
/// LinesFromElements of `Sample.elements`; else InvalidArgument "no X-ray line: ...". Not filtered
/// by energy range.
Result<std::vector<std::string>> GetXrayLines(const Signal& s,
                                              const std::optional<std::vector<std::string>>& xray_lines = std::nullopt,
                                              bool only_one = false,
                                              const std::vector<std::string>& only_lines = kDefaultOnlyLines);

/// HyperSpy's `_parse_xray_lines` (what get_lines_intensity integrates): GetXrayLines, then the
/// lines outside the spectral range dropped with the warning "<line> is not in the data energy
/// range. You can remove it with: `s.metadata.Sample.xray_lines.remove('<line>')`". Each line is
/// checked against the database (an unknown element or line is an error).
Result<std::vector<std::string>> ResolveXrayLines(const Signal& s,
                                                  const std::optional<std::vector<std::string>>& xray_lines,
                                                  bool only_one = true,
                                                  const std::vector<std::string>& only_lines = kDefaultOnlyLines);

// ---- windows (reference §4.4) -------------------------------------------------------------------

/// One integration window [left, right] in the energy axis' units.
using IntegrationWindow = std::array<double, 2>;
/// Two background windows [left0, left1, right0, right1] in the energy axis' units.
using BackgroundWindow = std::array<double, 4>;

/// `s.estimate_integration_windows(windows_width, xray_lines)`: per line `E ∓ windows_width·FWHM/2`.
/// Lines default to GetXrayLines(s) with only_one = false (HyperSpy's call), not range-filtered.
Result<std::vector<IntegrationWindow>> EstimateIntegrationWindows(
    const Signal& s, double windows_width = 2.0,
    const std::optional<std::vector<std::string>>& xray_lines = std::nullopt);

/// `s.estimate_background_windows(line_width, windows_width, xray_lines)`: per line
/// `[E − FWHM·(lw0 + ww), E − FWHM·lw0, E + FWHM·lw1, E + FWHM·(lw1 + ww)]`; then, over the rows
/// ordered by their first value, consecutive rows a, b with `a[2] > b[0]` both become
/// `[a0, a1, b2, b3]` (HyperSpy's overlap merge, rows updated as it goes).
Result<std::vector<BackgroundWindow>> EstimateBackgroundWindows(
    const Signal& s, std::array<double, 2> line_width = {2.0, 2.0}, double windows_width = 1.0,
    const std::optional<std::vector<std::string>>& xray_lines = std::nullopt);

// ---- line intensities (reference §4.5) ----------------------------------------------------------

/// What get_lines_intensity takes.
struct LinesIntensityOptions {
  /// nullopt: `Sample.xray_lines`, else the lines of `Sample.elements` (only_one, only_lines).
  std::optional<std::vector<std::string>> xray_lines;
  /// A width factor (times each line's FWHM: 2 means ±1 FWHM), or one explicit window per line.
  std::variant<double, std::vector<IntegrationWindow>> integration_windows = 2.0;
  /// One row per line (e.g. from EstimateBackgroundWindows): the linear background estimated in
  /// the two windows is subtracted.
  std::optional<std::vector<BackgroundWindow>> background_windows;
  bool only_one = true;
  std::vector<std::string> only_lines = kDefaultOnlyLines;
};

/// `s.get_lines_intensity(...)`: one signal per line, in line order (HyperSpy's zip: as many as
/// the shorter of lines and integration windows). Each is `s.isig[left:right]` summed over the
/// (binned) energy axis — float64 for integer data — minus, with background windows,
/// `(bck1 + bck2) · (iw1 − iw0) / ((i1 − i0) + (i3 − i2))` (channel indices by value2index; a
/// background window within one channel is that channel), then transposed so every axis is a
/// navigation axis (class BaseSignal / LazySignal; `(1|)` with a "Scalar" axis for one spectrum).
/// Title "X-ray line intensity of <title>: <line> at <E:.2f> <units>"; metadata a copy of the
/// source's (with SetDefaultMicroscopeParameters applied) with Sample.elements = [element] and
/// Sample.xray_lines = [line]. Lazy sources give lazy maps: compute them together, in one pass
/// over the data, with ComputeTogether.
Result<std::vector<Signal>> GetLinesIntensity(const Signal& s, const LinesIntensityOptions& options = {});

/// The map's line ("Fe_Ka"): its `Sample.xray_lines[0]`.
Result<std::string> MapLine(const Signal& map);

/// What HyperSpy prints for a map of one spectrum with plot_result=True:
/// "Fe_Ka at 6.4039 keV : Intensity = 3710.00" (the energy as Python prints a float). `map` must
/// be computed and have one value.
Result<std::string> IntensityReport(const Signal& source, const Signal& map);

}  // namespace hyperchunk::eds
