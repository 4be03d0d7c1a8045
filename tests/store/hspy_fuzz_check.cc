#include "hspy_fuzz_check.h"

#include <fmt/format.h>

#include "hyperchunk/exec/compute.h"
#include "hyperchunk/exec/context.h"
#include "hyperchunk/store/hspy.h"

namespace hyperchunk::fuzz {
namespace {

constexpr int64_t kMaxComputeBytes = int64_t{1} << 20;

class Walker {
 public:
  explicit Walker(bool compute) : compute_(compute) {}

  std::string Signal(const SignalRecord& s, const std::string& where) {
    if (!s.data.ok()) return s.data.status().message().empty() ? where + ": a data error without a message" : "";
    if (s.axes.size() != s.data.rank())
      return fmt::format("{}: {} axes for {}-dimensional data", where, s.axes.size(), s.data.rank());
    for (size_t dim = 0; dim < s.axes.size(); ++dim) {
      if (s.axes[dim].size != s.data.shape()[dim])
        return fmt::format("{}: axis {} has size {} for a dimension of {}", where, dim, s.axes[dim].size,
                           s.data.shape()[dim]);
    }
    for (const auto* tree : {&s.metadata, &s.original_metadata, &s.learning_results}) {
      (void)tree->ToString();
      if (std::string problem = Tree(*tree, where); !problem.empty()) return problem;
    }
    if (compute_ && s.data.nbytes() <= kMaxComputeBytes) {
      Result<NdArray> values = Compute(Ctx(), s.data);
      if (!values.ok() && values.status().message().empty()) return where + ": a compute error without a message";
    }
    return "";
  }

 private:
  static Context& Ctx() {
    static Context ctx([] {
      ContextOptions options;
      options.threads = 1;
      options.memory_limit = int64_t{64} << 20;
      return options;
    }());
    return ctx;
  }

  std::string Tree(const MetadataTree& tree, const std::string& where) {
    for (const auto& [key, value] : tree.entries()) {
      if (std::string problem = Item(value, where + "." + key); !problem.empty()) return problem;
    }
    return "";
  }

  std::string Item(const Value& value, const std::string& where) {
    (void)value.Repr();
    switch (value.kind()) {
      case Value::Kind::kTree: return Tree(value.tree(), where);
      case Value::Kind::kSignal: return value.signal() ? Signal(*value.signal(), where) : where + ": a null signal";
      case Value::Kind::kList:
      case Value::Kind::kTuple:
        for (const Value& item : value.items()) {
          if (std::string problem = Item(item, where + "[]"); !problem.empty()) return problem;
        }
        return "";
      case Value::Kind::kArray: return value.array().valid() ? "" : where + ": an array without storage";
      default: return "";
    }
  }

  bool compute_;
};

}  // namespace

std::string CheckRead(const std::string& path, const BuildResult& built) {
  HspyReadOptions options;
  options.lazy = built.lazy;
  Result<HspyFile> file = ReadHspy(path, options);
  if (!file.ok()) return file.status().message().empty() ? "ReadHspy failed without a message" : "";
  Walker walker(built.compute);
  for (const SignalRecord& experiment : file->experiments) {
    if (std::string problem = walker.Signal(experiment, experiment.group); !problem.empty()) return problem;
  }
  return "";
}

}  // namespace hyperchunk::fuzz
