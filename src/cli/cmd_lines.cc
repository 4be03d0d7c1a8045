// `hyperchunk lines FILE [--lines L,...] [--elements E,...] [--integration-windows W] [--background]
// [--only-lines a,b] [--all-lines] [-o OUT]`: s.get_lines_intensity(...) of an EDS .hspy file
// (reference §4.5): one map of X-ray line intensity per line, every map computed in one pass over
// the file, written as a stacked .npy, .hspy files HyperSpy loads, a .png like hs.plot.plot_images,
// or summarised on stdout.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "command.h"
#include "hspy_options.h"
#include "hyperchunk/eds/eds_signal.h"
#include "hyperchunk/eds/xray_lines.h"
#include "hyperchunk/plot/plot.h"
#include "npy.h"
#include "signal_output.h"

namespace hyperchunk::cli {
namespace {

Result<double> ParseNumber(const std::string& text, const std::string& option) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || !std::isfinite(v))
    return InvalidArgument(fmt::format("{}: '{}' is not a number", option, text));
  return v;
}

using Windows = std::variant<double, std::vector<eds::IntegrationWindow>>;

// --integration-windows: a width factor ("2": ±1 FWHM) or explicit windows "6.2:6.6,9.2:9.7".
Result<Windows> ParseWindows(const std::string& text) {
  const std::string option = "--integration-windows";
  if (text.find(':') == std::string::npos) {
    HC_ASSIGN_OR_RETURN(const double width, ParseNumber(text, option));
    if (width <= 0) return InvalidArgument(fmt::format("{}: the width factor must be positive, not {}", option, text));
    return Windows(width);
  }
  std::vector<eds::IntegrationWindow> windows;
  for (const std::string& item : SplitCommas(text)) {
    const size_t colon = item.find(':');
    if (colon == std::string::npos)
      return InvalidArgument(fmt::format("{}: '{}' is not a window LEFT:RIGHT (energies, e.g. 6.2:6.6)", option, item));
    HC_ASSIGN_OR_RETURN(const double left, ParseNumber(item.substr(0, colon), option));
    HC_ASSIGN_OR_RETURN(const double right, ParseNumber(item.substr(colon + 1), option));
    if (!(left < right)) return InvalidArgument(fmt::format("{}: window '{}' must have LEFT < RIGHT", option, item));
    windows.push_back({left, right});
  }
  return Windows(std::move(windows));
}

// A list option's items, each non-empty ("" gives none).
Result<std::vector<std::string>> ParseList(const std::string& text, const std::string& option) {
  if (text.empty()) return std::vector<std::string>{};
  std::vector<std::string> items = SplitCommas(text);
  for (const std::string& item : items) {
    if (item.empty()) return InvalidArgument(fmt::format("{} '{}': an item is empty", option, text));
  }
  return items;
}

enum class Format { kStdout, kNpy, kHspy, kPng };

Result<Format> FormatOf(const std::string& path) {
  if (path.empty()) return Format::kStdout;
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".npy") return Format::kNpy;
  if (ext == ".hspy") return Format::kHspy;
  if (ext == ".png") return Format::kPng;
  return InvalidArgument(fmt::format("-o {}: unknown extension '{}': write .npy, .hspy or .png", path, ext));
}

std::vector<double> AsDoubles(const NdArray& values) {
  std::vector<double> out(static_cast<size_t>(values.size()));
  for (Index i = 0; i < values.size(); ++i) out[static_cast<size_t>(i)] = values.GetAsDouble(i);
  return out;
}

// The files of a .hspy output: OUT itself for one line, OUT's stem + "_<line>.hspy" for several
// (hs.load("<stem>_*.hspy") loads them as a list, sorted by name).
std::vector<std::string> HspyPaths(const std::string& out, const std::vector<std::string>& lines) {
  if (lines.size() == 1) return {out};
  std::filesystem::path base(out);
  std::vector<std::string> paths;
  for (const std::string& line : lines) {
    std::filesystem::path p = base;
    p.replace_filename(base.stem().string() + "_" + line + ".hspy");
    paths.push_back(p.string());
  }
  return paths;
}

plot::ImageAxis ImageAxisOf(const DataAxis& axis) {
  if (!axis.is_uniform()) return {0, 1, axis.name.value_or("") + " index", ""};
  return {axis.offset, axis.scale, axis.name.value_or("<undefined>"), axis.units.value_or("")};
}

// hs.plot.plot_images(maps) (label='auto', gray, one colour bar per map), or for a line scan one
// curve per line against the navigation axis.
Status WritePng(const std::vector<Signal>& maps, const std::string& path) {
  std::vector<std::string> titles;
  for (const Signal& m : maps) titles.push_back(m.title());
  const plot::SharedTitles shared = plot::SplitSharedTitles(titles);
  const auto& axes = maps[0].axes_manager().array_axes();
  if (maps[0].shape().size() == 2) {
    std::vector<plot::ImagePanel> panels;
    for (size_t k = 0; k < maps.size(); ++k) {
      HC_ASSIGN_OR_RETURN(NdArray values, maps[k].Values());
      plot::ImagePanel panel;
      panel.data = AsDoubles(values);
      panel.height = static_cast<size_t>(values.shape()[0]);
      panel.width = static_cast<size_t>(values.shape()[1]);
      panel.y_axis = ImageAxisOf(axes[0]);
      panel.x_axis = ImageAxisOf(axes[1]);
      panel.title = shared.labels[k];
      panels.push_back(std::move(panel));
    }
    plot::ImagesOptions options;
    options.suptitle = shared.suptitle;
    options.colormap = plot::Colormap::kGray;  // HyperSpy's Plot.cmap_signal
    return plot::WriteImagesPng(path, panels, options);
  }
  plot::LinePlot line;
  line.x = axes[0].Values();
  line.x_label = axes[0].name.value_or("<undefined>");
  line.x_units = axes[0].units.value_or("");
  line.title = shared.suptitle;
  line.y_label = "Intensity";
  for (size_t k = 0; k < maps.size(); ++k) {
    HC_ASSIGN_OR_RETURN(NdArray values, maps[k].Values());
    plot::LineSeries series;
    series.y = AsDoubles(values);
    series.label = shared.labels[k];
    line.series.push_back(std::move(series));
  }
  return plot::WriteLinePlotPng(path, line);
}

// The maps stacked in line order: (n_lines, *navigation array shape), in the maps' dtype.
Status WriteStackedNpy(const std::vector<Signal>& maps, const std::string& path) {
  Shape shape = maps[0].shape();
  DType dtype = maps[0].dtype();
  for (const Signal& m : maps) dtype = PromoteTypes(dtype, m.dtype());
  shape.insert(shape.begin(), static_cast<Index>(maps.size()));
  NdArray stacked = NdArray::Empty(dtype, shape);
  const Index per_map = NumElements(maps[0].shape());
  for (size_t k = 0; k < maps.size(); ++k) {
    HC_ASSIGN_OR_RETURN(NdArray values, maps[k].Values());
    if (values.dtype() != dtype) values = values.AsType(dtype);
    std::memcpy(static_cast<char*>(stacked.raw()) + static_cast<size_t>(per_map * ItemSize(dtype)) * k, values.raw(),
                static_cast<size_t>(per_map * ItemSize(dtype)));
  }
  return WriteNpy(path, stacked);
}

// "between 0.16 and 5.26 keV (the energy axis and the beam energy, 200 keV)".
std::string RangeText(const Signal& s) {
  const DataAxis& axis = s.axes_manager()[s.axes_manager().navigation_dimension()];
  const std::string units = axis.units.value_or("");
  auto beam = eds::BeamEnergy(s);
  const double high = beam.ok() ? std::min(axis.high_value(), *beam) : axis.high_value();
  return fmt::format("between {:.6g} and {:.6g} {} (the energy axis{})", axis.low_value(), high, units,
                     beam.ok() ? fmt::format(" and the beam energy, {:.6g} {}", *beam, units) : std::string());
}

std::string Number(double v) {
  std::string t = fmt::format("{}", v);
  if (t.find_first_of(".eni") == std::string::npos) t += ".0";
  return t;
}

// Each map's title and a summary; for one spectrum, HyperSpy's plot_result line.
Status PrintMaps(CommandEnv& env, const Signal& source, const std::vector<Signal>& maps) {
  for (const Signal& m : maps) {
    HC_ASSIGN_OR_RETURN(NdArray values, m.Values());
    if (values.size() == 1) {
      HC_ASSIGN_OR_RETURN(std::string report, eds::IntensityReport(source, m));
      fmt::print(env.out(), "{}\n", report);
      continue;
    }
    double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0;
    for (Index i = 0; i < values.size(); ++i) {
      const double v = values.GetAsDouble(i);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      sum += v;
    }
    fmt::print(env.out(), "{}\n  {} {}: min {}, max {}, mean {}, sum {}\n", m.title(),
               m.axes_manager().DimensionString(), DTypeName(values.dtype()), Number(lo), Number(hi),
               Number(sum / static_cast<double>(values.size())), Number(sum));
  }
  return Status::Ok();
}

class LinesCommand final : public Command {
 public:
  void Configure(CLI::App& app) override {
    app.add_option("FILE", path_, "an EDS .hspy file (signal_type EDS_TEM or EDS_SEM)")->required();
    app.add_option("--lines", lines_text_,
                   "X-ray lines, comma-separated, e.g. Fe_Ka,Pt_La (s.get_lines_intensity(['Fe_Ka', 'Pt_La'])); "
                   "each must lie in the data energy range")
        ->type_name("L,...");
    app.add_option("--elements", elements_text_,
                   "elements, comma-separated, e.g. Fe,Pt: s.set_elements([...]) and their lines chosen by HyperSpy's "
                   "rule (the file's Sample.xray_lines are then ignored; with --lines: s.set_lines([...]) adds lines "
                   "for the elements without one)")
        ->type_name("E,...");
    app.add_option("--integration-windows", windows_text_,
                   "width of each window in FWHMs of its line (2: +-1 FWHM), or explicit windows in energy units, "
                   "one per line: 6.2:6.6,9.2:9.7")
        ->type_name("W")
        ->default_str("2");
    app.add_flag("--background", background_,
                 "subtract the linear background of two windows beside each line "
                 "(s.estimate_background_windows(line_width=[2, 2], windows_width=1))");
    app.add_option("--only-lines", only_lines_text_,
                   "line names considered when lines come from elements: a = Ka,La,Ma; b = Kb,Lb1,Mb; or names "
                   "such as Kb,Lb1")
        ->type_name("a,b")
        ->default_str("a");
    app.add_flag("--all-lines", all_lines_,
                 "every line of each element in range (only_one=False), not only the one HyperSpy picks (the first "
                 "by name below half the beam energy)");
    app.add_option("-o,--output", output_,
                   "the maps: .npy (stacked in line order: shape (n_lines, *navigation array shape), float64 for "
                   "integer data), .hspy (one signal per line as HyperSpy returns it: OUT itself for one line, else "
                   "OUT_<line>.hspy each, e.g. maps_Fe_Ka.hspy, loaded by hs.load('maps_*.hspy')), .png (maps side by "
                   "side like hs.plot.plot_images; curves for a line scan); without it each map's title and summary "
                   "are printed");
    hspy_.Add(app);
    app.footer(
        "Examples:\n"
        "  hyperchunk lines scan.hspy                                 # lines from the file's metadata, summarised\n"
        "  hyperchunk lines scan.hspy --elements Fe,Pt -o maps.npy    # (2, ny, nx) float64: Fe_Ka, Pt_La\n"
        "  hyperchunk lines scan.hspy --lines Fe_Ka,Pt_La --background -o maps.png\n"
        "  hyperchunk lines scan.hspy --lines Fe_Ka,Pt_La -o maps.hspy  # maps_Fe_Ka.hspy, maps_Pt_La.hspy\n"
        "  hyperchunk lines scan.hspy --elements Pt --all-lines --only-lines a,b -o pt.npy\n"
        "  hyperchunk lines scan.hspy --lines Fe_Ka --integration-windows 6.2:6.6\n"
        "In Python: hs.load('maps_*.hspy') is the list s.get_lines_intensity(...) returns.");
  }

  Status Validate() override {
    HC_ASSIGN_OR_RETURN(lines_, ParseList(lines_text_, "--lines"));
    HC_ASSIGN_OR_RETURN(elements_, ParseList(elements_text_, "--elements"));
    HC_ASSIGN_OR_RETURN(only_lines_, ParseList(only_lines_text_, "--only-lines"));
    for (const std::string& line : lines_) {
      if (auto ok = eds::XrayDatabase::Builtin().Line(line); !ok.ok()) return ok.status().WithContext("--lines");
    }
    for (const std::string& element : elements_) {
      if (auto ok = eds::XrayDatabase::Builtin().Find(element); !ok.ok()) return ok.status().WithContext("--elements");
    }
    HC_ASSIGN_OR_RETURN(windows_, ParseWindows(windows_text_));
    HC_RETURN_IF_ERROR(FormatOf(output_).status());
    HC_ASSIGN_OR_RETURN(hspy_options_, hspy_.Options());
    if (hspy_options_.chunks && *FormatOf(output_) != Format::kHspy)
      return InvalidArgument("--chunks applies to .hspy output only");
    return Status::Ok();
  }

  Status Run(CommandEnv& env) override {
    HC_ASSIGN_OR_RETURN(Signal s, LoadSignal(env, path_, "lines"));
    auto maps = Maps(s);
    if (!maps.ok()) return maps.status().WithContext(path_);
    return Write(env, s, *maps);
  }

 private:
  // The lines' maps, lazy (nothing computed yet).
  Result<std::vector<Signal>> Maps(Signal& s) {
    HC_RETURN_IF_ERROR(eds::SetDefaultMicroscopeParameters(s));
    eds::LinesIntensityOptions o;
    o.only_one = !all_lines_;
    o.only_lines = only_lines_text_.empty() ? eds::kDefaultOnlyLines : only_lines_;
    if (!elements_.empty()) {
      HC_RETURN_IF_ERROR(eds::SetElements(s, elements_));
      s.metadata().Remove("Sample.xray_lines");
      if (!lines_.empty()) HC_RETURN_IF_ERROR(eds::SetLines(s, lines_, o.only_one, o.only_lines));
    } else if (!lines_.empty()) {
      o.xray_lines = lines_;
    }
    if (!lines_.empty()) {
      HC_ASSIGN_OR_RETURN(eds::LinesInRange split, eds::SplitXrayLinesInRange(s, lines_));
      if (!split.out_of_range.empty())
        return InvalidArgument(fmt::format("--lines {}: not in the data energy range: lines must lie strictly {}",
                                           fmt::join(split.out_of_range, ","), RangeText(s)));
    }
    auto resolved = eds::ResolveXrayLines(s, o.xray_lines, o.only_one, o.only_lines);
    if (!resolved.ok()) {
      if (resolved.status().message().starts_with("no X-ray line"))
        return InvalidArgument(
            "no X-ray line: the file's metadata has neither Sample.xray_lines nor Sample.elements; give --elements "
            "(e.g. Fe,Pt) or --lines (e.g. Fe_Ka,Pt_La)");
      return resolved.status();
    }
    if (resolved->empty()) {
      HC_ASSIGN_OR_RETURN(std::vector<std::string> elements, eds::MetadataElements(s));
      const bool from_elements = !o.xray_lines && !s.metadata().Has("Sample.xray_lines");
      return InvalidArgument(fmt::format(
          "no X-ray line to integrate: {} lies strictly {}",
          from_elements
              ? fmt::format("no line of {} (--only-lines {})", fmt::join(elements, ", "), fmt::join(o.only_lines, ","))
              : std::string("none of the file's Sample.xray_lines"),
          RangeText(s)));
    }
    o.xray_lines = *resolved;
    if (const auto* windows = std::get_if<std::vector<eds::IntegrationWindow>>(&windows_)) {
      if (windows->size() != resolved->size())
        return InvalidArgument(fmt::format("--integration-windows gives {} window{} for {} line{} ({})",
                                           windows->size(), windows->size() == 1 ? "" : "s", resolved->size(),
                                           resolved->size() == 1 ? "" : "s", fmt::join(*resolved, ", ")));
    }
    o.integration_windows = windows_;
    if (background_) {
      HC_ASSIGN_OR_RETURN(o.background_windows, eds::EstimateBackgroundWindows(s, {2, 2}, 1, *resolved));
    }
    return eds::GetLinesIntensity(s, o);
  }

  Status Write(CommandEnv& env, const Signal& source, std::vector<Signal>& maps) {
    HC_ASSIGN_OR_RETURN(const Format format, FormatOf(output_));
    std::vector<std::string> lines;
    for (const Signal& m : maps) {
      HC_ASSIGN_OR_RETURN(std::string line, eds::MapLine(m));
      lines.push_back(std::move(line));
    }
    std::vector<std::string> targets;
    if (format == Format::kHspy) targets = HspyPaths(output_, lines);
    if (format == Format::kNpy || format == Format::kPng) targets = {output_};
    for (const std::string& target : targets) {
      std::error_code ec;
      if (std::filesystem::exists(target, ec) && !hspy_options_.overwrite)
        return AlreadyExists(fmt::format("{}: exists; pass --overwrite to replace it", target));
    }
    if (format == Format::kPng && (maps[0].shape().size() > 2 || NumElements(maps[0].shape()) == 1))
      return InvalidArgument(
          fmt::format("{}: the maps are {}: .png draws 2-D maps (and line scans); write .npy or .hspy", output_,
                      maps[0].axes_manager().DimensionString()));
    std::vector<Array> arrays;
    std::vector<Signal*> all;
    for (Signal& m : maps) {
      arrays.push_back(m.data());
      all.push_back(&m);
    }
    HC_RETURN_IF_ERROR(env.RecordGraph(arrays));
    if (Status st = ComputeTogether(all); !st.ok()) return st.WithContext(path_);
    switch (format) {
      case Format::kStdout: return PrintMaps(env, source, maps);
      case Format::kNpy: return WriteStackedNpy(maps, output_);
      case Format::kPng: return WritePng(maps, output_);
      case Format::kHspy: return WriteHspyFiles(maps, targets);
    }
    return Internal("unhandled output format");
  }

  // One file per map; on a failure the files this run wrote are removed.
  Status WriteHspyFiles(const std::vector<Signal>& maps, const std::vector<std::string>& targets) {
    for (size_t k = 0; k < maps.size(); ++k) {
      const Status st = maps[k].Save(targets[k], hspy_options_);
      if (!st.ok()) {
        for (size_t j = 0; j < k; ++j) {
          std::error_code ec;
          std::filesystem::remove(targets[j], ec);
        }
        return st;
      }
    }
    return Status::Ok();
  }

  std::string path_, lines_text_, elements_text_, windows_text_ = "2", only_lines_text_, output_;
  bool background_ = false, all_lines_ = false;
  std::vector<std::string> lines_, elements_, only_lines_;
  Windows windows_ = 2.0;
  HspyWriteFlags hspy_;
  HspyWriteOptions hspy_options_;
};

}  // namespace

std::unique_ptr<Command> MakeLinesCommand() { return std::make_unique<LinesCommand>(); }

}  // namespace hyperchunk::cli
