// `hyperchunk reduce FILE --op OP --axis AXES [--inav SPEC] [--isig SPEC] [-o OUT]`:
// s.inav[...].isig[...].sum/mean/max/min/std/var/nansum/nanmean(axis) and s.indexmax/indexmin(axis)
// of a .hspy file, in one pass with bounded memory; only the chunks the selection touches are read.
// The result is the signal HyperSpy gives: class, axes, dtype and metadata (an EDS sum scales
// live_time). A rectangle ROI's sum, RectangularROI(left, top, right, bottom)(s).sum(), is
// `--inav LEFT:RIGHT,TOP:BOTTOM` with calibrated values (reference §7.2; a box inside the axes) and
// `--axis navigation`.
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "command.h"
#include "signal_output.h"

namespace hyperchunk::cli {
namespace {

const std::map<std::string, ReduceOp>& Ops() {
  static const std::map<std::string, ReduceOp> kOps = {{"sum", ReduceOp::kSum},       {"mean", ReduceOp::kMean},
                                                       {"max", ReduceOp::kMax},       {"min", ReduceOp::kMin},
                                                       {"std", ReduceOp::kStd},       {"var", ReduceOp::kVar},
                                                       {"argmax", ReduceOp::kArgMax}, {"argmin", ReduceOp::kArgMin},
                                                       {"nansum", ReduceOp::kNanSum}, {"nanmean", ReduceOp::kNanMean}};
  return kOps;
}

// AXES: navigation, signal, all, or comma-separated axis names / natural indices (negative from
// the end), as HyperSpy's `axis` argument. A repeated axis counts once, as in HyperSpy.
Result<std::vector<AxisRef>> ParseAxes(const std::string& spec) {
  if (spec == "navigation") return std::vector<AxisRef>{AxisRef::Navigation()};
  if (spec == "signal") return std::vector<AxisRef>{AxisRef::Signal()};
  if (spec == "all") return std::vector<AxisRef>{AxisRef::All()};
  std::vector<AxisRef> out;
  size_t pos = 0;
  while (true) {
    const size_t comma = spec.find(',', pos);
    const std::string item = spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (item.empty()) return InvalidArgument(fmt::format("--axis '{}': an axis is empty", spec));
    const bool digits = item.find_first_not_of("0123456789", item[0] == '-' ? 1 : 0) == std::string::npos;
    if (digits && item != "-" && item.size() < 10) {
      out.emplace_back(std::stoi(item));
    } else {
      out.emplace_back(item);
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

class ReduceCommand final : public Command {
 public:
  void Configure(CLI::App& app) override {
    app.add_option("FILE", path_, "a HyperSpy .hspy file")->required();
    std::vector<std::string> names;
    for (const auto& [k, v] : Ops()) names.push_back(k);
    app.add_option("--op", op_, "sum, mean, max, min, std, var, nansum, nanmean, argmax (indexmax), argmin (indexmin)")
        ->required()
        ->check(CLI::IsMember(names));
    app.add_option("--axis", axis_,
                   "navigation, signal, all, or comma-separated axis names or natural indices (navigation axes "
                   "first, x before y; negative from the end); argmax/argmin take one axis")
        ->required();
    slices_.Add(app);
    output_.Add(app);
    app.footer(
        "Slicing (--inav, --isig; see 'hyperchunk slice --help') is applied before the reduction.\n"
        "Examples:\n"
        "  hyperchunk reduce scan.hspy --op sum --axis signal -o navigator.npy    # s.sum(s.axes_manager.signal_axes)\n"
        "  hyperchunk reduce scan.hspy --op sum --axis navigation -o spectrum.hspy  # s.sum(): EDS live_time scaled\n"
        "  hyperchunk reduce scan.hspy --op mean --axis x,1 -o profile.csv        # s.mean(('x', 1))\n"
        "  hyperchunk reduce scan.hspy --op argmax --axis Energy -o peaks.npy     # s.indexmax('Energy')\n"
        "  hyperchunk reduce scan.hspy --op max --axis all                        # prints the maximum\n"
        "  hyperchunk reduce scan.hspy --inav 100.0:110.0,100.0:110.0 --op sum --axis navigation -o roi.npy\n"
        "      # RectangularROI(left=100, top=100, right=110, bottom=110)(s).sum()\n"
        "  hyperchunk reduce scan.hspy --isig 6.2:6.6 --op sum --axis signal -o fe.npy  # s.isig[6.2:6.6].sum(signal)");
  }

  Status Validate() override {
    HC_ASSIGN_OR_RETURN(axes_, ParseAxes(axis_));
    const ReduceOp op = Ops().at(op_);
    if ((op == ReduceOp::kArgMax || op == ReduceOp::kArgMin) &&
        (axes_.size() != 1 || axes_[0].group() != AxisRef::Group::kNone))
      return InvalidArgument(
          fmt::format("--op {} works over one axis (HyperSpy's index{}): give its name or natural index, not '{}'", op_,
                      op == ReduceOp::kArgMax ? "max" : "min", axis_));
    HC_RETURN_IF_ERROR(slices_.Validate());
    return output_.Validate();
  }

  Status Run(CommandEnv& env) override {
    HC_ASSIGN_OR_RETURN(Signal loaded, LoadSignal(env, path_, "reduce"));
    HC_ASSIGN_OR_RETURN(Signal s, slices_.Apply(loaded, path_));
    auto result = s.Reduce(Ops().at(op_), axes_);
    if (!result.ok()) return result.status().WithContext(fmt::format("{}: --op {} --axis {}", path_, op_, axis_));
    return WriteSignalOutput(env, *result, output_, path_);
  }

 private:
  std::string path_, op_, axis_;
  std::vector<AxisRef> axes_;
  SliceFlags slices_;
  SignalOutputFlags output_;
};

}  // namespace

std::unique_ptr<Command> MakeReduceCommand() { return std::make_unique<ReduceCommand>(); }

}  // namespace hyperchunk::cli
