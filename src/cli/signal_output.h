// What the commands that compute a signal (reduce, slice, rebin) share: loading the input, the
// --inav/--isig selection, and where the result goes: -o PATH by extension (CLI.md: .npy, .hspy,
// .png, .csv) or, without -o, printed on stdout when it is small.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "command.h"
#include "hspy_options.h"
#include "hyperchunk/core/status.h"
#include "hyperchunk/signal/signal.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hyperchunk::cli {

/// --inav and --isig: HyperSpy's s.inav[...].isig[...] with the command line's index specs.
class SliceFlags {
 public:
  void Add(CLI::App& app);
  /// Parses the specs (an error is bad usage).
  Status Validate();
  /// `s.inav[INAV].isig[ISIG]` (navigation first); errors name `path` and the option.
  Result<Signal> Apply(const Signal& s, const std::string& path) const;

 private:
  std::string inav_, isig_;
  std::vector<IndexSpec> inav_specs_, isig_specs_;
};

/// -o/--output plus the .hspy flags (--chunks, --compression, --gzip-level, --overwrite).
class SignalOutputFlags {
 public:
  /// Adds the options to `app`.
  void Add(CLI::App& app);
  /// Checks the options together (an error is bad usage): a known extension, --chunks only with
  /// .hspy.
  Status Validate() const;
  /// "" when the result goes to stdout.
  const std::string& path() const { return path_; }

 private:
  friend Status WriteSignalOutput(CommandEnv& env, const Signal& result, const SignalOutputFlags& flags,
                                  const std::string& source);
  std::string path_;
  HspyWriteFlags hspy_;
};

/// Writes `result` where `flags` say, computing it (records it for --graph first):
/// - `.npy`: the data in array order, in the result's dtype;
/// - `.hspy`: the signal with axes and metadata (HyperSpy 1.7.3 loads it as the same signal);
/// - `.png`: a 2-D result as a map with title and colour bar, a 1-D one as a line plot over its
///   calibrated axis;
/// - `.csv`: a 1-D result as `axis_value,value` rows;
/// - no path: the repr, dtype, shape and values on stdout (at most kMaxPrintedValues values).
/// An existing target is refused unless --overwrite; what cannot be written (wrong number of
/// dimensions for .png/.csv, too many values to print) fails before any computation. Files appear
/// whole or not at all. `source` (the input file) starts the errors that are not about the output.
Status WriteSignalOutput(CommandEnv& env, const Signal& result, const SignalOutputFlags& flags,
                         const std::string& source);

/// Loads the only signal of `path` lazily, computing in env's Context; `command` names the command
/// in the error for files of several signals.
Result<Signal> LoadSignal(CommandEnv& env, const std::string& path, std::string_view command);

/// The largest result printed on stdout without -o.
inline constexpr Index kMaxPrintedValues = 1000;

}  // namespace hyperchunk::cli
