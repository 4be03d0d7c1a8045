// Reading .hspy files: the root, the experiments, axes and legacy layouts (reference §1.1-1.4,
// §1.10, §1.11).
#include <cmath>
#include <cstdlib>
#include <set>

#include <fmt/format.h>

#include "store/hspy_internal.h"

namespace hyperchunk {

namespace internal {

int CompareVersions(const std::string& a, const std::string& b) {
  // Dot-separated components compared numerically (a component's leading digits; none counts as
  // 0); a missing component is 0, so "3.1" == "3.1.0".
  auto components = [](const std::string& v) {
    std::vector<long> out;
    size_t start = 0;
    while (start <= v.size()) {
      const size_t dot = v.find('.', start);
      const std::string part = v.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      long value = 0;
      for (char c : part) {
        if (c < '0' || c > '9' || value > 100000000) break;
        value = value * 10 + (c - '0');
      }
      out.push_back(value);
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return out;
  };
  const auto ca = components(a), cb = components(b);
  for (size_t i = 0; i < std::max(ca.size(), cb.size()); ++i) {
    const long va = i < ca.size() ? ca[i] : 0, vb = i < cb.size() ? cb[i] : 0;
    if (va != vb) return va < vb ? -1 : 1;
  }
  return 0;
}

namespace {

bool ReadBoolAttr(hid_t obj, const char* name, bool fallback) {
  if (H5Aexists(obj, name) <= 0) return fallback;
  h5::Handle attr(H5Aopen(obj, name, H5P_DEFAULT));
  auto v = h5::ReadNumeric(attr.id(), true);
  if (!v.ok() || v->size() != 1) return fallback;
  return v->GetAsDouble(0) != 0;
}

std::optional<double> ReadNumberAttr(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return std::nullopt;
  h5::Handle attr(H5Aopen(obj, name, H5P_DEFAULT));
  auto v = h5::ReadNumeric(attr.id(), true);
  if (!v.ok() || v->size() != 1) return std::nullopt;
  return v->GetAsDouble(0);
}

std::optional<std::string> ReadTextAttr(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return std::nullopt;
  auto v = h5::ReadStringAttribute(obj, name);
  if (!v.ok()) return std::nullopt;
  return *v;
}

// `nested`: reading a functional axis's `x` sub-axis, which has no sub-axis of its own (a link named
// `x` inside it would otherwise lead round in a cycle).
Result<AxisRecord> ReadAxis(const HspyReadContext& ctx, const std::string& path, bool nested = false) {
  HC_ASSIGN_OR_RETURN(h5::Handle g, h5::OpenGroup(ctx.file->id(), path));
  AxisRecord axis;
  const std::string type = ReadTextAttr(g.id(), "_type").value_or("UniformDataAxis");
  if (type == "DataAxis") axis.type = AxisRecord::Type::kData;
  else if (type == "FunctionalDataAxis") axis.type = AxisRecord::Type::kFunctional;
  else if (type == "UniformDataAxis") axis.type = AxisRecord::Type::kUniform;
  else return DataLoss(fmt::format("{}: unknown axis type '{}'", path, type));
  axis.name = ReadTextAttr(g.id(), "name");
  axis.units = ReadTextAttr(g.id(), "units");
  if (axis.name == "_None_" || axis.name == "<undefined>") axis.name.reset();
  if (axis.units == "_None_" || axis.units == "<undefined>") axis.units.reset();
  axis.navigate = ReadBoolAttr(g.id(), "navigate", false);
  axis.is_binned = ReadBoolAttr(g.id(), "is_binned", false);
  const double size = ReadNumberAttr(g.id(), "size").value_or(1);
  if (!(size >= 0 && size <= 9.2e18) || size != std::floor(size))
    return DataLoss(fmt::format("{}: axis size {} is not a valid length", path, size));
  axis.size = static_cast<Index>(size);
  axis.scale = ReadNumberAttr(g.id(), "scale").value_or(1.0);
  axis.offset = ReadNumberAttr(g.id(), "offset").value_or(0.0);
  if (axis.type == AxisRecord::Type::kData) {
    if (!h5::Exists(g.id(), "axis")) return DataLoss(fmt::format("{}: a DataAxis without its 'axis' dataset", path));
    HC_ASSIGN_OR_RETURN(h5::Handle d, h5::OpenDataset(g.id(), "axis"));
    HC_ASSIGN_OR_RETURN(NdArray values, h5::ReadNumeric(d.id(), false));
    for (Index i = 0; i < values.size(); ++i) axis.values.push_back(values.GetAsDouble(i));
    axis.size = static_cast<Index>(axis.values.size());
  }
  if (axis.type == AxisRecord::Type::kFunctional) {
    axis.expression = ReadTextAttr(g.id(), "expression").value_or("");
    static const std::set<std::string> kKnown = {
        "_type",      "name",           "units",     "navigate",   "is_binned", "size",       "scale", "offset",
        "expression", "index_in_array", "low_index", "high_index", "low_value", "high_value", "value", "index"};
    HC_ASSIGN_OR_RETURN(auto names, h5::AttributeNames(g.id()));
    for (const auto& n : names) {
      if (kKnown.count(n)) continue;
      if (auto v = ReadNumberAttr(g.id(), n.c_str())) axis.parameters.emplace_back(n, *v);
    }
    if (!nested && h5::Exists(g.id(), "x")) {
      HC_ASSIGN_OR_RETURN(AxisRecord x, ReadAxis(ctx, path + "/x", /*nested=*/true));
      axis.x = std::make_shared<AxisRecord>(std::move(x));
    }
  }
  return axis;
}

// "1.3" from a float attribute (str(round(v, 2))), the text of a string one.
std::string ReadVersion(hid_t root) {
  if (H5Aexists(root, "file_format_version") <= 0) return "";
  if (auto text = ReadTextAttr(root, "file_format_version")) return *text;
  if (auto number = ReadNumberAttr(root, "file_format_version")) {
    std::string s = fmt::format("{}", std::round(*number * 100) / 100);
    if (s.find('.') == std::string::npos) s += ".0";
    return s;
  }
  return "";
}

// Moves the value at `from` to `to` (replacing what is there); nothing if `from` is absent.
void Move(MetadataTree& md, const std::string& from, const std::string& to) {
  const Value* v = md.Find(from);
  if (!v) return;
  Value moved = *v;
  md.Remove(from);
  (void)md.Set(to, std::move(moved));
}

// HyperSpy's conversions of metadata written by older versions of the format (§1.11), in its order.
void ConvertLegacyMetadata(MetadataTree& md, const std::string& version) {
  if (CompareVersions(version, "1.1") < 0) {
    Move(md, "signal", "Signal.signal_type");
    Move(md, "name", "General.title");
  }
  if (CompareVersions(version, "1.2") < 0) {
    if (md.Has("_internal_parameters")) {
      Move(md, "_internal_parameters", "_HyperSpy");
      Move(md, "_HyperSpy.stacking_history", "_HyperSpy.Stacking_history");
      Move(md, "_HyperSpy.folding", "_HyperSpy.Folding");
    }
    Move(md, "Variance_estimation", "Noise_properties.Variance_linear_model");
    if (md.Has("TEM")) {
      Move(md, "TEM", "Acquisition_instrument.TEM");
      const std::string tem = "Acquisition_instrument.TEM";
      if (md.Has(tem + ".EELS")) {
        for (const char* k : {"dwell_time", "dwell_time_units", "exposure", "exposure_units"})
          Move(md, tem + "." + k, tem + ".EELS." + k);
        Move(md, tem + ".EELS", tem + ".Detector");
      }
      Move(md, tem + ".EDS", tem + ".Detector.EDS");
    }
    if (md.Has("SEM")) {
      Move(md, "SEM", "Acquisition_instrument.SEM");
      Move(md, "Acquisition_instrument.SEM.EDS", "Acquisition_instrument.SEM.Detector.EDS");
    }
    Move(md, "Sample.Xray_lines", "Sample.xray_lines");
    for (const char* k : {"title", "date", "time", "original_filename"}) Move(md, k, std::string("General.") + k);
    for (const char* k : {"record_by", "signal_origin", "signal_type"}) Move(md, k, std::string("Signal.") + k);
  }
  if (CompareVersions(version, "3.0") < 0) {
    const std::string tem = "Acquisition_instrument.TEM";
    Move(md, tem + ".tilt_stage", tem + ".Stage.tilt_alpha");
    const std::string exposure = md.Has(tem + ".exposure_time") ? "exposure_time" : "exposure";
    if (md.Has(tem + "." + exposure)) {
      md.Remove(tem + ".Detector.Camera");
      Move(md, tem + "." + exposure, tem + ".Detector.Camera.exposure");
    }
    Move(md, "Acquisition_instrument.SEM.tilt_stage", "Acquisition_instrument.SEM.Stage.tilt_alpha");
  }
}

}  // namespace

Result<SignalRecord> ReadSignalGroup(const HspyReadContext& ctx, const std::string& path) {
  SignalRecord rec;
  rec.group = path;
  HC_ASSIGN_OR_RETURN(h5::Handle g, h5::OpenGroup(ctx.file->id(), path));
  rec.package = ReadTextAttr(g.id(), "package").value_or("");
  rec.package_version = ReadTextAttr(g.id(), "package_version").value_or("");

  // The data, lazily: chunks are the file's chunks.
  const std::string data_path = path + "/data";
  HC_ASSIGN_OR_RETURN(auto source, OpenDatasetSource(ctx.file, data_path));
  rec.data = Array::FromSource(source);
  if (!ctx.options.lazy) {
    // Read it now, keeping the chunk grid.
    NdArray all = NdArray::Empty(source->dtype(), source->chunks().shape());
    const ChunkGrid& grid = source->chunks();
    for (Index c = 0; c < grid.num_chunks(); ++c) {
      const ChunkIndex idx = grid.Unravel(c);
      const Box box = grid.ChunkBox(idx);
      if (box.rank() > 0 && box.empty()) continue;
      NdArray chunk = NdArray::Empty(source->dtype(), box.shape());
      HC_RETURN_IF_ERROR(source->ReadChunk(idx, chunk)
                             .WithContext(fmt::format("reading chunk {} of {}", ShapeToString(idx), source->name())));
      all.CopyFrom(chunk, box);
    }
    rec.data = Array::FromNdArray(std::move(all), grid);
  }
  const size_t ndim = rec.data.rank();

  // Axes: axis-<i> groups (experiments), else _list_<ndim>_axes/<i> (signals inside metadata).
  for (size_t i = 0;; ++i) {
    const std::string name = fmt::format("axis-{}", i);
    if (!h5::Exists(g.id(), name)) break;
    HC_ASSIGN_OR_RETURN(AxisRecord axis, ReadAxis(ctx, path + "/" + name));
    rec.axes.push_back(std::move(axis));
  }
  if (rec.axes.size() < ndim) {
    const std::string list = fmt::format("_list_{}_axes", ndim);
    if (!h5::Exists(g.id(), list))
      return DataLoss(fmt::format("{}: {} axis groups for a {}-dimensional dataset: not a valid HyperSpy file", path,
                                  rec.axes.size(), ndim));
    rec.axes.clear();
    for (size_t i = 0; i < ndim; ++i) {
      HC_ASSIGN_OR_RETURN(AxisRecord axis, ReadAxis(ctx, fmt::format("{}/{}/{}", path, list, i)));
      rec.axes.push_back(std::move(axis));
    }
  }
  if (rec.axes.size() > ndim) rec.axes.resize(ndim);
  for (size_t i = 0; i < ndim; ++i) {
    AxisRecord& a = rec.axes[i];
    const Index n = rec.data.shape()[i];
    if (a.type == AxisRecord::Type::kData && a.size != n)
      return DataLoss(fmt::format("{}: axis {} has {} values for a dimension of {}", path, i, a.size, n));
    a.size = n;
  }

  // Trees, under their old names in files before format 1.2 / 1.1.
  const bool old12 = CompareVersions(ctx.version, "1.2") < 0;
  const std::string md = old12 && h5::Exists(g.id(), "mapped_parameters") ? "mapped_parameters" : "metadata";
  const std::string omd =
      old12 && h5::Exists(g.id(), "original_parameters") ? "original_parameters" : "original_metadata";
  std::string lr = "learning_results";
  if (!h5::Exists(g.id(), lr) && h5::Exists(g.id(), "mva_results")) lr = "mva_results";
  if (h5::Exists(g.id(), md)) {
    HC_ASSIGN_OR_RETURN(rec.metadata, ReadMetadataTree(ctx, path + "/" + md));
  }
  if (h5::Exists(g.id(), omd)) {
    HC_ASSIGN_OR_RETURN(rec.original_metadata, ReadMetadataTree(ctx, path + "/" + omd));
  }
  if (h5::Exists(g.id(), lr)) {
    HC_ASSIGN_OR_RETURN(rec.learning_results, ReadMetadataTree(ctx, path + "/" + lr));
  }

  ConvertLegacyMetadata(rec.metadata, ctx.version);

  // Signal dimension: from the navigate flags when every axis has one (format >= 2.1), else from
  // Signal.record_by, else all axes are signal axes. record_by is dropped either way.
  bool all_have_navigate = true;
  for (size_t i = 0; i < ndim; ++i) {
    h5::Handle ag(H5Gopen2(g.id(), fmt::format("axis-{}", i).c_str(), H5P_DEFAULT));
    if (!ag.valid()) {
      h5::LastError();
      all_have_navigate = all_have_navigate && CompareVersions(ctx.version, "2.1") >= 0;
      continue;
    }
    all_have_navigate = all_have_navigate && H5Aexists(ag.id(), "navigate") > 0;
  }
  if (!all_have_navigate) {
    size_t sig_dim = ndim;
    if (const Value* rb = rec.metadata.Find("Signal.record_by"); rb && rb->kind() == Value::Kind::kString) {
      if (rb->as_string() == "spectrum") sig_dim = std::min<size_t>(1, ndim);
      if (rb->as_string() == "image") sig_dim = std::min<size_t>(2, ndim);
    }
    for (size_t i = 0; i < ndim; ++i) rec.axes[i].navigate = i < ndim - sig_dim;
  }
  rec.metadata.Remove("Signal.record_by");
  // Format < 3.1 kept "binned" in the metadata: it becomes every signal axis' is_binned.
  if (const Value* binned = rec.metadata.Find("Signal.binned")) {
    const bool b = binned->is_number() && binned->as_double() != 0;
    for (auto& a : rec.axes) {
      if (!a.navigate) a.is_binned = b;
    }
    rec.metadata.Remove("Signal.binned");
  }
  if (const Value* title = rec.metadata.Find("General.title");
      title && title->kind() == Value::Kind::kString && title->as_string() == "__unnamed__")
    HC_RETURN_IF_ERROR(rec.metadata.Set("General.title", Value::String("")));
  return rec;
}

}  // namespace internal

Result<HspyFile> ReadHspy(const std::string& path, const HspyReadOptions& options) {
  HC_ASSIGN_OR_RETURN(auto file, internal::H5File::Open(path));
  internal::HspyReadContext ctx;
  ctx.file = file;
  ctx.options = options;
  HspyFile out;
  out.path = path;
  h5::Handle root(H5Gopen2(file->id(), "/", H5P_DEFAULT));
  std::string version = internal::ReadVersion(root.id());
  const bool has_experiments = h5::Exists(root.id(), "Experiments");
  if (version.empty()) {
    if (has_experiments) version = "1.0";
    else if (h5::Exists(root.id(), "Analysis")) version = "2.0";
    else return InvalidArgument(fmt::format("{}: not a HyperSpy file (no /Experiments group)", path));
  }
  ctx.version = out.format_version = version;
  if (!has_experiments) return InvalidArgument(fmt::format("{}: not a HyperSpy file (no /Experiments group)", path));
  auto names = h5::LinkNames(h5::OpenGroup(file->id(), "/Experiments")->id());
  if (!names.ok()) return names.status().WithContext(path);
  for (const std::string& name : *names) {
    const std::string group = "/Experiments/" + name;
    if (h5::ObjectType(file->id(), group) != H5O_TYPE_GROUP) continue;
    if (!h5::Exists(file->id(), group + "/data")) continue;
    auto rec = internal::ReadSignalGroup(ctx, group);
    if (!rec.ok()) {
      const std::string& msg = rec.status().message();
      if (msg.rfind(path, 0) == 0) return rec.status();
      return rec.status().WithContext(path);
    }
    out.experiments.push_back(std::move(*rec));
  }
  if (out.experiments.empty())
    return InvalidArgument(fmt::format("{}: the file holds no signal (no /Experiments/*/data)", path));
  return out;
}

}  // namespace hyperchunk
