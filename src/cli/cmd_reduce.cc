// `hyperchunk reduce FILE --op OP --axis AXES [-o OUT.npy]`: s.sum/mean/max/min/std/var/indexmax/
// indexmin(axis) over a .hspy file, in one pass with bounded memory; the result in array order
// with HyperSpy's dtype.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "command.h"
#include "hyperchunk/exec/compute.h"
#include "hyperchunk/signal/summary.h"
#include "hyperchunk/store/hspy.h"
#include "npy.h"

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

// The array indices of AXES: navigation, signal, all, or comma-separated names / natural indices.
Result<std::vector<int>> ParseAxes(const std::string& spec, const std::vector<AxisRecord>& axes) {
  std::vector<int> out;
  const auto natural = NaturalOrder(axes);
  if (spec == "navigation" || spec == "signal" || spec == "all") {
    for (size_t i = 0; i < axes.size(); ++i) {
      if (spec == "all" || axes[i].navigate == (spec == "navigation")) out.push_back(static_cast<int>(i));
    }
    if (out.empty()) return InvalidArgument(fmt::format("the signal has no {} axes", spec));
    return out;
  }
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) return InvalidArgument(fmt::format("empty axis in --axis '{}'", spec));
    int index = -1;
    if (item.find_first_not_of("0123456789") == std::string::npos) {
      const size_t k = std::stoul(item);
      if (k >= natural.size())
        return InvalidArgument(fmt::format("axis {} does not exist: the signal has {} axes", k, natural.size()));
      index = static_cast<int>(natural[k]);
    } else {
      for (size_t i = 0; i < axes.size(); ++i) {
        if (axes[i].name == item) index = static_cast<int>(i);
      }
      if (index < 0) return InvalidArgument(fmt::format("there is no axis named '{}'", item));
    }
    if (std::find(out.begin(), out.end(), index) != out.end())
      return InvalidArgument(fmt::format("axis '{}' given twice", item));
    out.push_back(index);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class ReduceCommand final : public Command {
 public:
  void Configure(CLI::App& app) override {
    app.add_option("FILE", path_, "a HyperSpy .hspy file")->required();
    std::vector<std::string> names;
    for (const auto& [k, v] : Ops()) names.push_back(k);
    app.add_option("--op", op_, "the reduction")->required()->check(CLI::IsMember(names));
    app.add_option("--axis", axis_,
                   "navigation, signal, all, or comma-separated axis names or natural indices (navigation axes "
                   "first, x before y)")
        ->required();
    app.add_option("-o,--output", output_, "result file (.npy, array order); without it a small result is printed");
    app.footer(
        "Examples:\n"
        "  hyperchunk reduce scan.hspy --op sum --axis signal -o navigator.npy    # s.sum(s.axes_manager.signal_axes)\n"
        "  hyperchunk reduce scan.hspy --op sum --axis navigation -o spectrum.npy\n"
        "  hyperchunk reduce scan.hspy --op argmax --axis Energy -o peaks.npy      # s.indexmax('Energy')");
  }

  Status Validate() override {
    if (!output_.empty() && std::filesystem::path(output_).extension() != ".npy")
      return InvalidArgument(
          fmt::format("-o {}: reduce writes .npy files (other formats come with the signal layer)", output_));
    return Status::Ok();
  }

  Status Run(CommandEnv& env) override {
    HC_ASSIGN_OR_RETURN(HspyFile file, ReadHspy(path_));
    if (file.experiments.size() != 1)
      return InvalidArgument(
          fmt::format("{}: holds {} signals; reduce works on files with one", path_, file.experiments.size()));
    const SignalRecord& s = file.experiments[0];
    HC_ASSIGN_OR_RETURN(std::vector<int> axes, ParseAxes(axis_, s.axes));
    const ReduceOp op = Ops().at(op_);
    Array result;
    if (op == ReduceOp::kArgMax || op == ReduceOp::kArgMin) {
      if (axes.size() != 1)
        return InvalidArgument(
            fmt::format("--op {} works over one axis (HyperSpy's indexmax/indexmin); got {}", op_, axes.size()));
      result = op == ReduceOp::kArgMax ? s.data.ArgMax(axes[0]) : s.data.ArgMin(axes[0]);
    } else {
      result = s.data.Reduce(op, axes);
    }
    HC_RETURN_IF_ERROR(env.RecordGraph({result}));
    HC_ASSIGN_OR_RETURN(NdArray values, Compute(env.context(), result));
    if (!output_.empty()) return WriteNpy(output_, values);
    if (values.size() > 1000)
      return InvalidArgument(
          fmt::format("the result has {} values: write it to a file with -o OUT.npy", values.size()));
    std::vector<std::string> text;
    for (Index i = 0; i < values.size(); ++i) text.push_back(fmt::format("{}", values.GetAsDouble(i)));
    fmt::print(env.out(), "{} {}: [{}]\n", DTypeName(values.dtype()), ShapeToString(values.shape()),
               fmt::join(text, ", "));
    return Status::Ok();
  }

 private:
  std::string path_, op_, axis_, output_;
};

}  // namespace

std::unique_ptr<Command> MakeReduceCommand() { return std::make_unique<ReduceCommand>(); }

}  // namespace hyperchunk::cli
