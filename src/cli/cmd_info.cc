// `hyperchunk info FILE [--json]`: what a .hspy file holds — HyperSpy's repr, dask's table, the
// axes table and the metadata tree (print(s), s.data, s.axes_manager, s.metadata) — without
// reading any data.
#include <cmath>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.h"
#include "hyperchunk/signal/summary.h"
#include "hyperchunk/store/hspy.h"

namespace hyperchunk::cli {
namespace {

using nlohmann::ordered_json;

ordered_json ToJson(const Value& v);

ordered_json TreeToJson(const MetadataTree& tree) {
  ordered_json obj = ordered_json::object();
  for (const auto& [k, v] : tree.entries()) obj[k] = ToJson(v);
  return obj;
}

ordered_json NumberJson(const Value& v) {
  if (v.kind() == Value::Kind::kBool) return v.as_bool();
  if (v.kind() == Value::Kind::kInt) {
    if (v.dtype() == DType::kUInt64) return static_cast<uint64_t>(v.as_int());
    return v.as_int();
  }
  const double d = v.as_double();
  if (std::isfinite(d)) return d;
  return std::isnan(d) ? "nan" : (d > 0 ? "inf" : "-inf");
}

ordered_json ToJson(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNone: return nullptr;
    case Value::Kind::kBool:
    case Value::Kind::kInt:
    case Value::Kind::kFloat: return NumberJson(v);
    case Value::Kind::kString: return v.as_string();
    case Value::Kind::kBytes: {
      std::string hex;
      for (unsigned char c : v.as_string()) hex += fmt::format("{:02x}", c);
      return ordered_json{{"bytes_hex", hex}};
    }
    case Value::Kind::kList:
    case Value::Kind::kTuple: {
      ordered_json arr = ordered_json::array();
      for (const auto& item : v.items()) arr.push_back(ToJson(item));
      return arr;
    }
    case Value::Kind::kArray: {
      ordered_json a{{"dtype", std::string(DTypeName(v.array().dtype()))}, {"shape", v.array().shape()}};
      if (v.array().size() <= 1024) {
        ordered_json values = ordered_json::array();
        for (Index i = 0; i < v.array().size(); ++i) values.push_back(v.array().GetAsDouble(i));
        a["values"] = values;
      }
      return a;
    }
    case Value::Kind::kTree: return TreeToJson(v.tree());
    case Value::Kind::kSignal: {
      const SignalRecord& s = *v.signal();
      return ordered_json{{"signal",
                           {{"class", SignalClassName(SignalType(s.metadata), SignalDimension(s.axes), false)},
                            {"dtype", std::string(DTypeName(s.data.dtype()))},
                            {"shape", s.data.shape()}}}};
    }
  }
  return nullptr;
}

ordered_json SignalJson(const SignalRecord& s) {
  const Value* title = s.metadata.Find("General.title");
  ordered_json j;
  j["title"] = title && title->kind() == Value::Kind::kString ? title->as_string() : "";
  j["signal_type"] = SignalType(s.metadata);
  j["class"] = SignalClassName(SignalType(s.metadata), SignalDimension(s.axes), true);
  j["lazy"] = true;
  j["dtype"] = std::string(DTypeName(s.data.dtype()));
  j["shape"] = s.data.shape();
  j["chunks"] = s.data.chunks().max_chunk_shape();
  ordered_json nav = ordered_json::array(), sig = ordered_json::array();
  for (size_t i : NaturalOrder(s.axes)) (s.axes[i].navigate ? nav : sig).push_back(s.axes[i].size);
  j["navigation_shape"] = nav;
  j["signal_shape"] = sig;
  j["nbytes"] = s.data.nbytes();
  ordered_json axes = ordered_json::array();
  for (const auto& a : s.axes) {
    ordered_json aj;
    aj["name"] = a.name ? ordered_json(*a.name) : ordered_json(nullptr);
    aj["units"] = a.units ? ordered_json(*a.units) : ordered_json(nullptr);
    const bool uniform = a.type == AxisRecord::Type::kUniform;
    aj["scale"] = uniform ? ordered_json(a.scale) : ordered_json(nullptr);
    aj["offset"] = uniform ? ordered_json(a.offset) : ordered_json(nullptr);
    aj["size"] = a.size;
    aj["navigate"] = a.navigate;
    aj["is_binned"] = a.is_binned;
    if (a.type == AxisRecord::Type::kData) aj["values"] = a.values;
    if (a.type == AxisRecord::Type::kFunctional) aj["expression"] = a.expression;
    axes.push_back(aj);
  }
  j["axes"] = axes;
  j["metadata"] = TreeToJson(s.metadata);
  return j;
}

class InfoCommand final : public Command {
 public:
  void Configure(CLI::App& app) override {
    app.add_option("FILE", path_, "a HyperSpy .hspy file")->required();
    app.add_flag("--json", json_, "print one JSON object (an array of them for a file with several signals)");
    app.footer(
        "Examples:\n"
        "  hyperchunk info scan.hspy\n"
        "  hyperchunk info scan.hspy --json | jq .axes");
  }

  Status Run(CommandEnv& env) override {
    HC_ASSIGN_OR_RETURN(HspyFile file, ReadHspy(path_));
    std::FILE* out = env.out();
    if (json_) {
      ordered_json j;
      if (file.experiments.size() == 1) {
        j = SignalJson(file.experiments[0]);
      } else {
        j = ordered_json::array();
        for (const auto& s : file.experiments) j.push_back(SignalJson(s));
      }
      fmt::print(out, "{}\n", j.dump(2));
      return Status::Ok();
    }
    for (size_t i = 0; i < file.experiments.size(); ++i) {
      const SignalRecord& s = file.experiments[i];
      if (i) fmt::print(out, "\n");
      if (file.experiments.size() > 1) fmt::print(out, "{}\n", s.group);
      fmt::print(out, "{}\n\n", SignalRepr(s, true));
      const Value* title = s.metadata.Find("General.title");
      fmt::print(out, "Title:       {}\nSignalType:  {}\n\n",
                 title && title->kind() == Value::Kind::kString ? title->as_string() : "", SignalType(s.metadata));
      fmt::print(out, "{}\n", DescribeTable(s));
      fmt::print(out, "{}\n", AxesTable(s.axes));
      fmt::print(out, "Metadata (file format {}):\n{}", file.format_version, s.metadata.ToString());
    }
    return Status::Ok();
  }

 private:
  std::string path_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeInfoCommand() { return std::make_unique<InfoCommand>(); }

}  // namespace hyperchunk::cli
