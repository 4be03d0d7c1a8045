// `hyperchunk demo [--size small|seed] [--out DIR]`: HyperSpy's lazy-processing tutorial end to end,
// with the C++ API, on the tutorial's two files (written by the `synth` command): dask's first
// example, lazy loading, the navigator, EDS line maps with the sum spectrum in one pass, rebinning,
// and the spectrum of a rectangular ROI. It prints what HyperSpy prints, a time per step, and
// checks the results (exactly against each other, statistically against the generator): wrong
// numbers make it fail. With --out it keeps the files and writes pictures and .npy results.
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "command.h"
#include "demo_data.h"
#include "demo_output.h"
#include "hyperchunk/core/format.h"
#include "hyperchunk/eds/eds_signal.h"
#include "hyperchunk/exec/compute.h"
#include "hyperchunk/roi/interactive.h"
#include "hyperchunk/roi/roi.h"
#include "hyperchunk/signal/navigator.h"
#include "signal_output.h"

namespace hyperchunk::cli {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

/// dask's repr, e.g. "hyperchunk.Array<ones-sum, shape=(), dtype=float64, chunksize=(), tasks=19>".
std::string Repr(const Array& array) {
  return fmt::format("hyperchunk.Array<{}, shape={}, dtype={}, chunksize={}, tasks={}>", array.label(),
                     ShapeToString(array.shape()), DTypeName(array.dtype()),
                     ShapeToString(array.chunks().max_chunk_shape()), array.graph_task_count());
}

/// Python's repr of a float: "225.0", "0.5", "1e+20".
std::string PythonFloat(double value) {
  std::string text = fmt::format("{}", value);
  if (text.find_first_not_of("-0123456789") == std::string::npos) text += ".0";
  return text;
}

/// Each line of `text` indented by three spaces.
std::string Indented(const std::string& text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    out += "   " + text.substr(pos, end - pos) + "\n";
    pos = end + 1;
  }
  return out;
}

/// The CommandEnv of a command the demo runs inside itself (synth): the demo's Context and stdout;
/// --graph stays for the demo's own computation.
class NestedEnv final : public CommandEnv {
 public:
  explicit NestedEnv(CommandEnv& outer) : outer_(outer) {}
  Context& context() override { return outer_.context(); }
  const GlobalOptions& globals() const override { return outer_.globals(); }
  std::FILE* out() override { return outer_.out(); }
  Status RecordGraph(const std::vector<Array>& /*outputs*/) override { return Status::Ok(); }

 private:
  CommandEnv& outer_;
};

/// Runs `hyperchunk NAME ARGS...` in this process, with env's Context.
Status RunCommand(CommandEnv& env, std::string_view name, std::vector<std::string> args) {
  for (const CommandInfo& info : AllCommands()) {
    if (info.name != name) continue;
    const std::unique_ptr<Command> command = info.make();
    CLI::App app{std::string(info.summary), std::string(name)};
    command->Configure(app);
    const std::string line = fmt::format("hyperchunk {} {}", name, fmt::join(args, " "));
    std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
    try {
      app.parse(args);
    } catch (const CLI::ParseError& error) {
      return Internal(fmt::format("demo: {}: {}", line, error.what()));
    }
    if (Status valid = command->Validate(); !valid.ok()) return valid.WithContext("demo: " + line);
    NestedEnv nested(env);
    return command->Run(nested);
  }
  return Internal(fmt::format("demo: no '{}' command", name));
}

/// Where the files go: --out DIR (kept), or a new temporary folder removed with this object.
class DemoFolder {
 public:
  static Result<DemoFolder> Open(const std::string& out_dir) {
    DemoFolder folder;
    std::error_code error;
    if (!out_dir.empty()) {
      folder.path_ = out_dir;
      std::filesystem::create_directories(folder.path_, error);
      if (error) return IoError(fmt::format("--out {}: cannot create the folder: {}", out_dir, error.message()));
      return folder;
    }
    std::string pattern = (std::filesystem::temp_directory_path(error) / "hyperchunk-demo-XXXXXX").string();
    if (error || mkdtemp(pattern.data()) == nullptr)
      return IoError(fmt::format("cannot create a temporary folder {}: {}", pattern, std::strerror(errno)));
    folder.path_ = pattern;
    folder.temporary_ = true;
    return folder;
  }
  DemoFolder(DemoFolder&& other) noexcept
      : path_(std::move(other.path_)), temporary_(std::exchange(other.temporary_, false)) {}
  DemoFolder& operator=(DemoFolder&&) = delete;
  ~DemoFolder() {
    std::error_code error;
    if (temporary_) std::filesystem::remove_all(path_, error);
  }
  const std::filesystem::path& path() const { return path_; }
  bool temporary() const { return temporary_; }

 private:
  DemoFolder() = default;
  std::filesystem::path path_;
  bool temporary_ = false;
};

/// A step's line in the timing table.
struct StepTime {
  std::string step;
  double seconds = 0;
  std::string read;  ///< what it read, e.g. "496.00 MiB (8 chunks)"
};

class DemoCommand final : public Command {
 public:
  void Configure(CLI::App& app) override {
    app.add_option("--size", size_name_,
                   "'seed': the tutorial's files, 512x512x992 float64 (1.94 GiB of data each); 'small': 64x64x992, "
                   "a few seconds")
        ->check(CLI::IsMember({"small", "seed"}))
        ->type_name("SIZE")
        ->capture_default_str();
    app.add_option("--out", out_dir_,
                   "keep the tutorial's files in DIR (reused when they already hold the same data) and write the "
                   "results there: navigator.png, lines.png, sum_spectrum.png, rebinned.png, roi_spectrum.png and "
                   ".npy files; default: a temporary folder, removed at the end")
        ->type_name("DIR");
    app.footer(
        "Runs HyperSpy's lazy tutorial with the C++ API (examples/lazy_tutorial.cpp is the same as a program):\n"
        "load lazily, compute_navigator(index=6.3), get_lines_intensity(['Fe_Ka', 'Pt_La']) with the sum\n"
        "spectrum in one pass, isig[:15.0].rebin(scale=(4, 4, 1)), a 10x10 RectangularROI's spectrum; then\n"
        "checks the numbers and times each step. Exit code 1 when a check fails.\n"
        "Examples:\n"
        "  hyperchunk demo                          # the tutorial's size: writes two 1.94 GiB-of-data files first\n"
        "  hyperchunk demo --size small --out res   # a few seconds; res/lines.png, res/navigator.npy, ...\n"
        "  hyperchunk --log-level info demo         # also HyperSpy's INFO lines (Using index: [307], ...)\n"
        "  hyperchunk demo --graph plan.svg         # also draws the one-pass task graph (needs Graphviz)");
  }

  bool ReusesChunks() const override { return true; }  // the ROI section moves its ROI

  Status Run(CommandEnv& env) override {
    out_ = env.out();
    HC_ASSIGN_OR_RETURN(size_, FindDemoSize(size_name_));
    fmt::print(out_, "hyperchunk demo ({} dataset, {} threads, memory limit {})\n\n", size_name_,
               env.context().threads(), FormatBytes(env.context().memory_limit()));
    env.context().ResetMemoryStats();
    const auto start = Clock::now();
    const std::vector<std::function<Status(DemoCommand*, CommandEnv&)>> sections = {
        &DemoCommand::DaskExample, &DemoCommand::MakeFiles,  &DemoCommand::LoadLazily, &DemoCommand::Navigator,
        &DemoCommand::LineMaps,    &DemoCommand::RebinFile2, &DemoCommand::Roi,        &DemoCommand::CheckResults,
    };
    HC_ASSIGN_OR_RETURN(DemoFolder folder, DemoFolder::Open(out_dir_));
    folder_ = folder.path();
    for (const auto& section : sections) {
      if (env.cancelled()) return Cancelled("demo interrupted");
      HC_RETURN_IF_ERROR(section(this, env));
    }
    if (!folder.temporary()) HC_RETURN_IF_ERROR(WriteResults(env));
    PrintTimings(env, SecondsSince(start));
    return Status::Ok();
  }

 private:
  /// dask's first example: a 15x15 array of ones in 5x5 chunks, summed lazily, then computed.
  Status DaskExample(CommandEnv& env) {
    fmt::print(out_, "1. A lazy array and a lazy sum (dask's first example)\n");
    const Array x = Array::Ones(DType::kFloat64, {15, 15}, {5, 5});
    const Array total = x.Sum();
    HC_RETURN_IF_ERROR(total.status());
    fmt::print(out_, "   >>> x = da.ones((15, 15), chunks=(5, 5))\n   {}\n", Repr(x));
    fmt::print(out_, "   >>> x.sum()\n   {}\n", Repr(total));
    HC_ASSIGN_OR_RETURN(const PlanInfo plan, Explain(env.context(), {total}));
    fmt::print(out_, "   plan: {}\n", plan.Summary());
    HC_ASSIGN_OR_RETURN(const NdArray value, Compute(env.context(), total));
    fmt::print(out_, "   >>> x.sum().compute()\n   {}\n\n", PythonFloat(value.GetAsDouble(0)));
    if (value.GetAsDouble(0) != 225.0) {
      return Internal(fmt::format("demo: ones((15, 15)).sum() gave {}, expected 225", value.GetAsDouble(0)));
    }
    return Status::Ok();
  }

  /// The tutorial's two files, written by `hyperchunk synth` unless they already hold its data.
  Status MakeFiles(CommandEnv& env) {
    fmt::print(out_, "The tutorial's files, in {}{}\n", folder_.string(),
               out_dir_.empty() ? " (a temporary folder, removed at the end; --out DIR keeps them)" : "");
    for (int file = 1; file <= 2; ++file) {
      const std::string path = (folder_ / (file == 1 ? size_.file1 : size_.file2)).string();
      const std::string name = std::filesystem::path(path).filename().string();
      std::vector<std::string> args = SynthArguments(size_, file);
      const auto start = Clock::now();
      const std::string difference = DifferenceFromSynth(env.context(), path, SynthOptionsOf(size_, file));
      fmt::print(out_, "   $ hyperchunk synth {}{}{}\n", name, args.empty() ? "" : " ", fmt::join(args, " "));
      if (difference.empty()) {
        fmt::print(out_, "   {} already holds this data: not written again\n", name);
        steps_.push_back({fmt::format("   check {} (kept)", name), SecondsSince(start), ""});
        continue;
      }
      if (difference != "no such file") fmt::print(out_, "   {} is replaced: {}\n", name, difference);
      args.insert(args.begin(), path);
      args.push_back("--overwrite");
      std::fflush(out_);  // the progress bar (stderr) comes next
      HC_RETURN_IF_ERROR(RunCommand(env, "synth", args));
      std::error_code error;
      const auto bytes = static_cast<int64_t>(std::filesystem::file_size(path, error));
      steps_.push_back({fmt::format("   write {}", name), SecondsSince(start), ""});
      fmt::print(out_, "   wrote {} ({} on disk) in {}\n", name, FormatBytes(error ? 0 : bytes),
                 FormatDuration(steps_.back().seconds));
    }
    fmt::print(out_, "\n");
    return Status::Ok();
  }

  /// 2. hs.load(f, lazy=True): metadata, axes and the chunk index; no data.
  Status LoadLazily(CommandEnv& env) {
    fmt::print(out_, "2. Loading lazily\n");
    const auto start = Clock::now();
    HC_ASSIGN_OR_RETURN(s_, LoadSignal(env, (folder_ / size_.file1).string(), "demo"));
    steps_.push_back({"2. s = hs.load(f, lazy=True)", SecondsSince(start), ""});
    fmt::print(out_, "   >>> s = hs.load('{}', lazy=True)\n   >>> s\n   {}\n", size_.file1, s_.Repr());
    fmt::print(out_, "   >>> s.data  # as a notebook shows it\n{}", Indented(s_.DescribeTable()));
    PrintTime();
    fmt::print(out_, "\n");
    return Status::Ok();
  }

  /// 3. s.compute_navigator(index=6.3): the sum of the signal chunk that holds 6.3 keV; then the whole
  /// spectrum's sum (chunks_number=1).
  Status Navigator(CommandEnv& env) {
    fmt::print(out_, "3. The navigator\n   >>> s.compute_navigator(index=6.3)\n");
    NavigatorOptions at_index;
    at_index.index = {6.3};
    HC_ASSIGN_OR_RETURN(selection_, SelectNavigatorChunks(s_, at_index));
    HC_ASSIGN_OR_RETURN(navigator_, LazyNavigator(s_, at_index));
    HC_RETURN_IF_ERROR(ComputeStep(env, "3. s.compute_navigator(index=6.3)", {&navigator_}));
    HC_RETURN_IF_ERROR(StoreNavigator(s_, navigator_));
    const auto [first, stop] = selection_.ranges.at(0);
    const DataAxis& energy = s_.axes_manager()[s_.axes_manager().navigation_dimension()];
    HC_ASSIGN_OR_RETURN(const double low, energy.IndexToValue(first));
    HC_ASSIGN_OR_RETURN(const double high, energy.IndexToValue(stop - 1));
    navigator_title_ = fmt::format("s.compute_navigator(index=6.3): {:.2f} to {:.2f} keV", low, high);
    fmt::print(out_, "   >>> s.navigator\n   {}\n", navigator_.Repr());
    fmt::print(out_, "   sum_from = {}: channels {} to {} ({:.2f} to {:.2f} keV), the signal chunk holding index {}\n",
               selection_.SumFrom(), first, stop - 1, low, high, selection_.IndexText());
    PrintTime();

    fmt::print(out_, "   >>> s.compute_navigator(chunks_number=1)  # the whole spectrum\n");
    NavigatorOptions whole;
    whole.full = true;
    HC_ASSIGN_OR_RETURN(full_navigator_, LazyNavigator(s_, whole));
    HC_RETURN_IF_ERROR(ComputeStep(env, "3. s.compute_navigator(chunks_number=1)", {&full_navigator_}));
    HC_RETURN_IF_ERROR(StoreNavigator(s_, full_navigator_));
    fmt::print(out_, "   >>> s.navigator\n   {}\n", full_navigator_.Repr());
    PrintTime();
    fmt::print(out_, "\n");
    return Status::Ok();
  }

  /// 4. get_lines_intensity(['Fe_Ka', 'Pt_La']): two lazy maps, computed with the sum spectrum in one
  /// pass over the file.
  Status LineMaps(CommandEnv& env) {
    fmt::print(out_, "4. EDS: X-ray line intensities\n   >>> im = s.get_lines_intensity({})\n   >>> im\n",
               PythonList(lines_));
    eds::LinesIntensityOptions options;
    options.xray_lines = lines_;
    HC_ASSIGN_OR_RETURN(maps_, eds::GetLinesIntensity(s_, options));
    PrintSignalList(maps_);
    HC_ASSIGN_OR_RETURN(spectrum_, s_.Sum());
    fmt::print(out_, "   >>> sum_spectrum = s.sum()\n   >>> sum_spectrum\n   {}\n", spectrum_.Repr());
    HC_ASSIGN_OR_RETURN(windows_, eds::EstimateIntegrationWindows(s_, 2.0, lines_));
    for (size_t k = 0; k < lines_.size(); ++k) {
      HC_ASSIGN_OR_RETURN(const Signal window, s_.Isig({IndexSpec::Range(windows_[k][0], windows_[k][1])}));
      const DataAxis& cut = window.axes_manager()[window.axes_manager().navigation_dimension()];
      const DataAxis& energy = s_.axes_manager()[s_.axes_manager().navigation_dimension()];
      HC_ASSIGN_OR_RETURN(const Index begin, energy.ValueToIndex(cut.offset));
      channels_.emplace_back(begin, begin + cut.size);
      fmt::print(out_, "   {} window {:.3f} to {:.3f} keV (2 FWHM): channels {} to {}\n", lines_[k], windows_[k][0],
                 windows_[k][1], begin, begin + cut.size - 1);
    }
    std::vector<Signal*> together;
    std::vector<Array> arrays;
    for (Signal& map : maps_) together.push_back(&map);
    together.push_back(&spectrum_);
    for (const Signal* signal : together) arrays.push_back(signal->data());
    HC_RETURN_IF_ERROR(env.RecordGraph(arrays));
    fmt::print(out_,
               "   >>> ComputeTogether({{&im[0], &im[1], &sum_spectrum}})  # C++: one pass, each chunk read once\n");
    HC_RETURN_IF_ERROR(ComputeStep(env, "4. get_lines_intensity + s.sum(), one pass", together));
    fmt::print(out_, "   >>> im\n");
    PrintSignalList(maps_);
    PrintTime();
    fmt::print(out_, "\n");
    return Status::Ok();
  }

  /// 5. s2.isig[:15.0].rebin(scale=(4, 4, 1)) on file 2 (whole spectra per chunk), computed.
  Status RebinFile2(CommandEnv& env) {
    fmt::print(out_, "5. Rebinning\n");
    HC_ASSIGN_OR_RETURN(const Signal s2, LoadSignal(env, (folder_ / size_.file2).string(), "demo"));
    fmt::print(out_, "   >>> s2 = hs.load('{}', lazy=True)  # chunks {}\n", size_.file2,
               ShapeToString(s2.data().chunks().max_chunk_shape()));
    HC_ASSIGN_OR_RETURN(const Signal cut, s2.Isig({IndexSpec::Range(std::nullopt, 15.0)}));
    RebinOptions rebin;
    rebin.scale = std::vector<double>{4, 4, 1};
    HC_ASSIGN_OR_RETURN(binned_, cut.Rebin(rebin));
    fmt::print(out_, "   >>> s2b = s2.isig[:15.0].rebin(scale=(4, 4, 1))\n   >>> s2b\n   {}\n", binned_.Repr());
    fmt::print(out_, "   >>> s2b.compute()\n");
    HC_RETURN_IF_ERROR(ComputeStep(env, "5. s2.isig[:15.0].rebin(scale=(4, 4, 1))", {&binned_}));
    const DataAxis& x = binned_.axes_manager()[0];
    const DataAxis& energy = binned_.axes_manager()[binned_.axes_manager().navigation_dimension()];
    fmt::print(out_, "   >>> s2b\n   {}\n   x, y: scale {:g} {}, offset {:g}; Energy: {:.2f} to {:.2f} keV\n",
               binned_.Repr(), x.scale, x.units.value_or(""), x.offset, energy.low_value(), energy.high_value());
    PrintTime();
    fmt::print(out_, "\n");
    return Status::Ok();
  }

  /// 6. The spectrum summed over a 10x10 RectangularROI of the navigator.
  Status Roi(CommandEnv& env) {
    const auto [left, top, right, bottom] = size_.roi;
    HC_ASSIGN_OR_RETURN(const RectangularRoi roi, RectangularRoi::Create(left, top, right, bottom));
    fmt::print(out_, "6. A region of interest\n   >>> roi = hs.roi.{}\n   >>> s_roi = roi(s)\n", roi.Repr());
    HC_ASSIGN_OR_RETURN(const Signal region, roi.Apply(s_));
    fmt::print(out_, "   >>> s_roi\n   {}\n", region.Repr());
    for (int dim = 0; dim < 2; ++dim) {
      const DataAxis& axis = region.axes_manager()[dim];
      HC_ASSIGN_OR_RETURN(const Index begin, s_.axes_manager()[dim].ValueToIndex(axis.offset));
      roi_pixels_[2 * dim] = begin;
      roi_pixels_[2 * dim + 1] = begin + axis.size;
    }
    HC_ASSIGN_OR_RETURN(roi_spectrum_, region.Sum());
    fmt::print(out_, "   >>> s_roi_sum = s_roi.sum()\n   >>> s_roi_sum.compute()\n");
    HC_RETURN_IF_ERROR(ComputeStep(env, "6. roi(s).sum()", {&roi_spectrum_}));
    fmt::print(out_, "   >>> s_roi_sum\n   {}\n", roi_spectrum_.Repr());
    PrintTime();
    return MoveRoi(roi);
  }

  /// 6 (cont.). The ROI as the viewer uses it: an output that recomputes when the ROI moves, here
  /// by one pixel; the chunks come from the Context's chunk cache.
  Status MoveRoi(const RectangularRoi& placed) {
    auto roi = std::make_shared<RectangularRoi>(placed);
    HC_ASSIGN_OR_RETURN(auto sum, InteractiveRoi(roi, s_, [](const Signal& cut) { return cut.Sum(); }));
    const double step = s_.axes_manager()[0].scale;
    fmt::print(out_,
               "   >>> s_roi_sum = hs.interactive(roi.interactive(s).sum, ...)   # recomputed when the ROI moves\n"
               "   >>> roi.x += {:g}   # one pixel\n",
               step);
    const ChunkCacheStats before = s_.context().chunk_cache_stats();
    const auto start = Clock::now();
    if (!roi->MoveTo(*roi->left() + step, *roi->top())) return Internal("the demo's ROI could not move");
    HC_RETURN_IF_ERROR(sum->last_status());
    const ChunkCacheStats after = s_.context().chunk_cache_stats();
    const int64_t reused = after.hits - before.hits, read = after.misses - before.misses;
    steps_.push_back(
        {"6. ROI moved by one pixel", SecondsSince(start),
         fmt::format("{} chunk{} ({} from the chunk cache)", reused + read, reused + read == 1 ? "" : "s", reused)});
    fmt::print(out_, "   {}\n", sum->out().Repr());
    fmt::print(out_, "   [{}; {} chunk{} reused from the chunk cache, {} read]\n\n",
               FormatDuration(steps_.back().seconds), reused, reused == 1 ? "" : "s", read);
    return Status::Ok();
  }

  /// The results against each other (exact: all values are counts) and against the generator.
  Status CheckResults(CommandEnv& /*env*/) {
    fmt::print(out_, "Checks\n");
    HC_RETURN_IF_ERROR(CheckDemoResults(size_, Results(), out_));
    fmt::print(out_, "\n");
    return Status::Ok();
  }

  DemoResults Results() const {
    return {
        s_,        navigator_, navigator_title_, selection_.ranges.at(0), full_navigator_, maps_,      lines_, windows_,
        channels_, spectrum_,  binned_,          roi_spectrum_,           size_.roi,       roi_pixels_};
  }

  /// Computes `signals` together (one plan), timed, after showing its plan.
  Status ComputeStep(CommandEnv& env, std::string step, const std::vector<Signal*>& signals) {
    std::vector<Array> arrays;
    for (const Signal* signal : signals) arrays.push_back(signal->data());
    HC_ASSIGN_OR_RETURN(const PlanInfo plan, Explain(env.context(), arrays));
    std::fflush(out_);  // the progress bar (stderr) comes next
    const int64_t hits_before = env.context().chunk_cache_stats().hits;
    const auto start = Clock::now();
    HC_RETURN_IF_ERROR(ComputeTogether(signals));
    const double seconds = SecondsSince(start);
    const int64_t cached = env.context().chunk_cache_stats().hits - hits_before;
    steps_.push_back({std::move(step), seconds,
                      fmt::format("{} ({} chunk{}{})", FormatBytes(plan.source_bytes), plan.source_chunks,
                                  plan.source_chunks == 1 ? "" : "s",
                                  cached > 0 ? fmt::format("; {} from the chunk cache", cached) : "")});
    return Status::Ok();
  }

  /// "   [1.23 s; read 496.00 MiB (8 chunks)]" for the last step.
  void PrintTime() {
    const StepTime& step = steps_.back();
    fmt::print(out_, "   [{}{}]\n", FormatDuration(step.seconds), step.read.empty() ? "" : "; read " + step.read);
  }

  void PrintSignalList(const std::vector<Signal>& signals) {
    for (size_t k = 0; k < signals.size(); ++k) {
      fmt::print(out_, "   {}{}{}\n", k == 0 ? "[" : " ", signals[k].Repr(), k + 1 == signals.size() ? "]" : ",");
    }
  }

  static std::string PythonList(const std::vector<std::string>& items) {
    std::vector<std::string> quoted;
    for (const std::string& item : items) quoted.push_back("'" + item + "'");
    return fmt::format("[{}]", fmt::join(quoted, ", "));
  }

  Status WriteResults(CommandEnv& env) {
    fmt::print(out_, "Results in {}\n", folder_.string());
    const auto start = Clock::now();
    HC_RETURN_IF_ERROR(WriteDemoResults(env, folder_, Results()));
    steps_.push_back({"   write pictures and .npy", SecondsSince(start), ""});
    fmt::print(out_, "\n");
    return Status::Ok();
  }

  void PrintTimings(CommandEnv& env, double total) {
    const MemoryStats memory = env.context().memory_stats();
    fmt::print(out_, "Timings ({}: {} {}, {} threads)\n", size_name_, ShapeToString(size_.shape), DTypeName(s_.dtype()),
               env.context().threads());
    size_t width = 0;
    for (const StepTime& step : steps_) width = std::max(width, step.step.size());
    for (const StepTime& step : steps_) {
      fmt::print(out_, "   {:<{}}  {:>10}{}\n", step.step, width, FormatDuration(step.seconds),
                 step.read.empty() ? "" : "  read " + step.read);
    }
    fmt::print(out_, "   {:<{}}  {:>10}\n", "total", width, FormatDuration(total));
    fmt::print(out_, "   peak engine memory: {} (limit {})\n", FormatBytes(memory.peak_bytes),
               FormatBytes(env.context().memory_limit()));
  }

  std::string size_name_ = "seed";
  std::string out_dir_;
  std::FILE* out_ = stdout;
  DemoSize size_;
  std::filesystem::path folder_;
  std::vector<StepTime> steps_;
  // The tutorial's signals, in the order the sections make them.
  Signal s_, navigator_, full_navigator_, spectrum_, binned_, roi_spectrum_;
  NavigatorSelection selection_;
  std::string navigator_title_;
  std::vector<std::string> lines_ = {"Fe_Ka", "Pt_La"};
  std::vector<Signal> maps_;
  std::vector<eds::IntegrationWindow> windows_;
  std::vector<std::pair<Index, Index>> channels_;  ///< each line's window: channels [first, stop)
  std::array<Index, 4> roi_pixels_{};              ///< x0, x1, y0, y1 (pixels; x1, y1 excluded)
};

}  // namespace

/// Declared and listed in commands.cc.
std::unique_ptr<Command> MakeDemoCommand() { return std::make_unique<DemoCommand>(); }

}  // namespace hyperchunk::cli
