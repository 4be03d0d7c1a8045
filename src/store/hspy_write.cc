// Writing .hspy 3.1 files (reference §1.2-1.6, §1.8, §1.9).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>

#include <fmt/format.h>

#include "codec/codec.h"
#include "hyperchunk/exec/compute.h"
#include "store/h5.h"
#include "store/hspy_internal.h"

namespace hyperchunk {

namespace {

using h5::Check;
using h5::Handle;

Handle StringType() {
  Handle t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.id(), H5T_VARIABLE);
  H5Tset_cset(t.id(), H5T_CSET_UTF8);
  return t;
}

Status WriteStringAttr(hid_t obj, const std::string& name, const std::string& value) {
  Handle type = StringType();
  Handle space(H5Screate(H5S_SCALAR));
  HC_ASSIGN_OR_RETURN(Handle attr, Check(H5Acreate2(obj, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
                                         fmt::format("cannot create attribute '{}'", name)));
  const char* p = value.c_str();
  return Check(H5Awrite(attr.id(), type.id(), &p), fmt::format("cannot write attribute '{}'", name));
}

// A scalar numeric or bool attribute of the value's dtype.
Status WriteNumberAttr(hid_t obj, const std::string& name, const Value& v) {
  const DType dtype = v.kind() == Value::Kind::kBool ? DType::kBool : v.dtype();
  Handle type = h5::MemoryType(dtype);
  Handle space(H5Screate(H5S_SCALAR));
  HC_ASSIGN_OR_RETURN(Handle attr, Check(H5Acreate2(obj, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
                                         fmt::format("cannot create attribute '{}'", name)));
  NdArray one = NdArray::Empty(dtype, {});
  VisitDType(dtype, [&]<typename T>() {
    if constexpr (std::is_floating_point_v<T>) one.data<T>()[0] = static_cast<T>(v.as_double());
    else if constexpr (std::is_same_v<T, bool>) one.data<T>()[0] = v.as_bool();
    else one.data<T>()[0] = static_cast<T>(v.as_int());
  });
  if (dtype == DType::kBool) {
    int8_t b = v.as_bool() ? 1 : 0;
    return Check(H5Awrite(attr.id(), type.id(), &b), fmt::format("cannot write attribute '{}'", name));
  }
  return Check(H5Awrite(attr.id(), type.id(), one.raw()), fmt::format("cannot write attribute '{}'", name));
}

Status WriteBoolAttr(hid_t obj, const std::string& name, bool b) { return WriteNumberAttr(obj, name, Value::Bool(b)); }
Status WriteDoubleAttr(hid_t obj, const std::string& name, double d) {
  return WriteNumberAttr(obj, name, Value::Float(d));
}
Status WriteInt64Attr(hid_t obj, const std::string& name, int64_t i) {
  return WriteNumberAttr(obj, name, Value::Int(i));
}

struct Writer {
  const HspyWriteOptions& options;
  Context& ctx;

  Result<Handle> Group(hid_t loc, const std::string& name) {
    return Check(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 fmt::format("cannot create group '{}'", name));
  }

  // A dataset creation property list: chunked with the options' filters.
  Result<Handle> Dcpl(const Shape& chunk) {
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
    std::vector<hsize_t> c(chunk.begin(), chunk.end());
    HC_RETURN_IF_ERROR(Check(H5Pset_chunk(dcpl.id(), static_cast<int>(c.size()), c.data()), "cannot set chunks"));
    if (options.compression == HspyWriteOptions::Compression::kGzip) {
      if (options.shuffle) HC_RETURN_IF_ERROR(Check(H5Pset_shuffle(dcpl.id()), "cannot set shuffle"));
      HC_RETURN_IF_ERROR(
          Check(H5Pset_deflate(dcpl.id(), static_cast<unsigned>(options.gzip_level)), "cannot set gzip"));
    }
    return dcpl;
  }

  std::vector<codec::FilterStep> Pipeline(DType dtype) const {
    std::vector<codec::FilterStep> p;
    if (options.compression != HspyWriteOptions::Compression::kGzip) return p;
    if (options.shuffle) p.push_back({2, {static_cast<unsigned>(ItemSize(dtype))}, "shuffle"});
    p.push_back({1, {static_cast<unsigned>(options.gzip_level)}, "deflate"});
    return p;
  }

  // A small in-memory array as a one-chunk dataset (metadata arrays, DataAxis values).
  Status WriteArray(hid_t loc, const std::string& name, const NdArray& a) {
    Handle type = h5::MemoryType(a.dtype());
    std::vector<hsize_t> dims(a.shape().begin(), a.shape().end());
    Handle space(a.rank() ? H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr)
                          : H5Screate(H5S_SCALAR));
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
    if (a.rank() > 0 && a.size() > 0) {
      HC_ASSIGN_OR_RETURN(dcpl, Dcpl(a.shape()));
    }
    HC_ASSIGN_OR_RETURN(Handle dset,
                        Check(H5Dcreate2(loc, name.c_str(), type.id(), space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                              fmt::format("cannot create dataset '{}'", name)));
    if (a.size() == 0) return Status::Ok();
    if (a.dtype() == DType::kBool) {
      std::vector<int8_t> raw(static_cast<size_t>(a.size()));
      for (size_t i = 0; i < raw.size(); ++i) raw[i] = a.data<bool>()[i] ? 1 : 0;
      return Check(H5Dwrite(dset.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), "cannot write");
    }
    return Check(H5Dwrite(dset.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, a.raw()), "cannot write");
  }

  Status WriteStrings(hid_t loc, const std::string& name, const std::vector<std::string>& items) {
    Handle type = StringType();
    const hsize_t n = items.size();
    Handle space(H5Screate_simple(1, &n, nullptr));
    HC_ASSIGN_OR_RETURN(
        Handle dset, Check(H5Dcreate2(loc, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                           fmt::format("cannot create dataset '{}'", name)));
    std::vector<const char*> ptrs;
    for (const auto& s : items) ptrs.push_back(s.c_str());
    return Check(H5Dwrite(dset.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "cannot write strings");
  }

  // numpy's str() of a float32: the fewest digits that give the float32 back ("0.1", not
  // "0.10000000149011612"); positional for 1e-4 <= |x| < 1e16, else scientific ("1e-05").
  static std::string Float32Text(float f) {
    const double a = std::fabs(static_cast<double>(f));
    if (std::isfinite(f) && f != 0 && (a < 1e-4 || a >= 1e16)) {
      for (int digits = 0;; ++digits) {
        std::string text = fmt::format("{:.{}e}", f, digits);
        if (std::strtof(text.c_str(), nullptr) == f || digits >= 9) return text;
      }
    }
    return Value::Float(std::strtod(fmt::format("{}", f).c_str(), nullptr)).Repr();
  }

  // Python's str() of a number, as numpy gives it when it turns mixed lists into strings.
  static std::string NumberText(const Value& v) {
    if (v.kind() == Value::Kind::kBool) return v.as_bool() ? "True" : "False";
    if (v.kind() == Value::Kind::kFloat && v.dtype() == DType::kFloat32)
      return Float32Text(static_cast<float>(v.as_double()));
    return v.Repr();
  }

  // A list or tuple as HyperSpy stores it (§1.5).
  Status WriteSequence(hid_t loc, const std::string& key, const Value& v) {
    const bool tuple = v.kind() == Value::Kind::kTuple;
    const std::string kind = tuple ? "tuple" : "list";
    const auto& items = v.items();
    if (items.empty()) return WriteStringAttr(loc, fmt::format("_{}_empty_{}", kind, key), "_None_");
    bool numbers = true, strings = true;
    DType dtype = DType::kBool;
    bool first = true;
    for (const auto& item : items) {
      const bool is_num = item.is_number();
      numbers = numbers && is_num;
      strings = strings && (is_num || item.kind() == Value::Kind::kString);
      if (is_num) {
        const DType d = item.kind() == Value::Kind::kBool ? DType::kBool : item.dtype();
        dtype = first ? d : PromoteTypes(dtype, d);
        first = false;
      }
    }
    const std::string dname = fmt::format("_{}_{}", kind, key);
    if (numbers) {
      NdArray a = NdArray::Empty(dtype, {static_cast<Index>(items.size())});
      VisitDType(dtype, [&]<typename T>() {
        for (size_t i = 0; i < items.size(); ++i) {
          const Value& it = items[i];
          if (it.kind() == Value::Kind::kFloat) a.data<T>()[i] = CastValue<T>(it.as_double());
          else if (it.kind() == Value::Kind::kInt && it.dtype() == DType::kUInt64)
            a.data<T>()[i] = CastValue<T>(static_cast<uint64_t>(it.as_int()));  // values above INT64_MAX
          else a.data<T>()[i] = CastValue<T>(it.as_int());
        }
      });
      return WriteArray(loc, dname, a);
    }
    if (strings) {
      std::vector<std::string> text;
      for (const auto& item : items)
        text.push_back(item.kind() == Value::Kind::kString ? item.as_string() : NumberText(item));
      return WriteStrings(loc, dname, text);
    }
    HC_ASSIGN_OR_RETURN(Handle g, Group(loc, fmt::format("_{}_{}_{}", kind, items.size(), key)));
    for (size_t i = 0; i < items.size(); ++i) HC_RETURN_IF_ERROR(WriteValue(g.id(), std::to_string(i), items[i]));
    return Status::Ok();
  }

  Status WriteValue(hid_t loc, const std::string& key, const Value& v) {
    switch (v.kind()) {
      case Value::Kind::kNone: return WriteStringAttr(loc, key, "_None_");
      case Value::Kind::kBool:
      case Value::Kind::kInt:
      case Value::Kind::kFloat: return WriteNumberAttr(loc, key, v);
      case Value::Kind::kString: return WriteStringAttr(loc, key, v.as_string());
      case Value::Kind::kBytes: {
        if (v.as_string().find('\0') == std::string::npos) return WriteStringAttr(loc, key, v.as_string());
        const size_t n = v.as_string().size();
        Handle type(H5Tcreate(H5T_OPAQUE, std::max<size_t>(n, 1)));
        Handle space(H5Screate(H5S_SCALAR));
        HC_ASSIGN_OR_RETURN(
            Handle attr, Check(H5Acreate2(loc, ("_bs_" + key).c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
                               "cannot create a bytes attribute"));
        return Check(H5Awrite(attr.id(), type.id(), v.as_string().data()), "cannot write bytes");
      }
      case Value::Kind::kList:
      case Value::Kind::kTuple: return WriteSequence(loc, key, v);
      case Value::Kind::kArray: return WriteArray(loc, key, v.array());
      case Value::Kind::kTree: {
        HC_ASSIGN_OR_RETURN(Handle g, Group(loc, key));
        return WriteTree(g.id(), v.tree());
      }
      case Value::Kind::kSignal: return WriteSignal(loc, "_sig_" + key, *v.signal(), true);
    }
    return Status::Ok();
  }

  Status WriteTree(hid_t group, const MetadataTree& tree) {
    for (const auto& [k, v] : tree.entries()) {
      HC_RETURN_IF_ERROR(WriteValue(group, k, v).WithContext(k));
    }
    return Status::Ok();
  }

  Status WriteAxis(hid_t loc, const std::string& name, const AxisRecord& a) {
    HC_ASSIGN_OR_RETURN(Handle g, Group(loc, name));
    const char* type = a.type == AxisRecord::Type::kData         ? "DataAxis"
                       : a.type == AxisRecord::Type::kFunctional ? "FunctionalDataAxis"
                                                                 : "UniformDataAxis";
    HC_RETURN_IF_ERROR(WriteStringAttr(g.id(), "_type", type));
    if (a.name) HC_RETURN_IF_ERROR(WriteStringAttr(g.id(), "name", *a.name));
    if (a.units) HC_RETURN_IF_ERROR(WriteStringAttr(g.id(), "units", *a.units));
    HC_RETURN_IF_ERROR(WriteBoolAttr(g.id(), "navigate", a.navigate));
    HC_RETURN_IF_ERROR(WriteBoolAttr(g.id(), "is_binned", a.is_binned));
    switch (a.type) {
      case AxisRecord::Type::kUniform:
        HC_RETURN_IF_ERROR(WriteInt64Attr(g.id(), "size", a.size));
        HC_RETURN_IF_ERROR(WriteDoubleAttr(g.id(), "scale", a.scale));
        return WriteDoubleAttr(g.id(), "offset", a.offset);
      case AxisRecord::Type::kData:
        return WriteArray(g.id(), "axis", NdArray::FromVector(a.values, {static_cast<Index>(a.values.size())}));
      case AxisRecord::Type::kFunctional:
        HC_RETURN_IF_ERROR(WriteStringAttr(g.id(), "expression", a.expression));
        HC_RETURN_IF_ERROR(WriteInt64Attr(g.id(), "size", a.size));
        for (const auto& [p, value] : a.parameters) HC_RETURN_IF_ERROR(WriteDoubleAttr(g.id(), p, value));
        if (a.x) return WriteAxis(g.id(), "x", *a.x);
        return Status::Ok();
    }
    return Status::Ok();
  }

  // The data dataset, streamed: chunks computed and compressed in the workers, written in turn.
  Status WriteData(hid_t group, const Array& data) {
    const DType dtype = data.dtype();
    Shape chunk = options.chunks.value_or(Shape{});
    if (chunk.empty()) {
      for (size_t d = 0; d < data.rank(); ++d) chunk.push_back(std::max<Index>(1, data.chunks().lengths(d)[0]));
    }
    if (chunk.size() != data.rank())
      return InvalidArgument(fmt::format("chunks {} have {} entries for {}-dimensional data", ShapeToString(chunk),
                                         chunk.size(), data.rank()));
    for (size_t d = 0; d < chunk.size(); ++d) {
      if (chunk[d] < 1) return InvalidArgument(fmt::format("chunk length {} on axis {} must be >= 1", chunk[d], d));
      chunk[d] = std::min(chunk[d], std::max<Index>(data.shape()[d], 1));
    }
    Handle type = h5::MemoryType(dtype);
    std::vector<hsize_t> dims(data.shape().begin(), data.shape().end());
    Handle space(data.rank() ? H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr)
                             : H5Screate(H5S_SCALAR));
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
    if (data.rank() > 0) {
      HC_ASSIGN_OR_RETURN(dcpl, Dcpl(chunk));
    }
    HC_ASSIGN_OR_RETURN(Handle dset,
                        Check(H5Dcreate2(group, "data", type.id(), space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                              "cannot create the data dataset"));
    if (data.size() == 0) return Status::Ok();
    if (data.rank() == 0) {
      HC_ASSIGN_OR_RETURN(NdArray v, Compute(ctx, data));
      return WriteArrayInto(dset.id(), type.id(), v);
    }
    const Array aligned = data.Rechunk(chunk);
    const auto pipeline = Pipeline(dtype);
    const int64_t item = ItemSize(dtype);
    std::mutex mu;
    return ComputeChunks(ctx, aligned, [&](const ChunkIndex&, const Box& box, const NdArray& values) -> Status {
      // HDF5 stores edge chunks at full size: pad with zeros.
      NdArray full = values;
      if (box.shape() != chunk) {
        full = NdArray::Zeros(dtype, chunk);
        full.CopyFrom(values, Box::Full(values.shape()));
      }
      std::vector<int8_t> bools;
      const void* bytes = full.raw();
      if (dtype == DType::kBool) {
        bools.resize(static_cast<size_t>(full.size()));
        for (size_t i = 0; i < bools.size(); ++i) bools[i] = full.data<bool>()[i] ? 1 : 0;
        bytes = bools.data();
      }
      std::span<const std::byte> raw(static_cast<const std::byte*>(bytes), static_cast<size_t>(full.size() * item));
      std::vector<std::byte> encoded;
      if (!pipeline.empty()) {
        HC_ASSIGN_OR_RETURN(encoded, codec::EncodeChunk(pipeline, raw, static_cast<size_t>(item)));
        raw = encoded;
      }
      std::vector<hsize_t> offset(box.start.begin(), box.start.end());
      std::lock_guard lock(mu);
      return Check(H5Dwrite_chunk(dset.id(), H5P_DEFAULT, 0, offset.data(), raw.size(), raw.data()),
                   fmt::format("cannot write chunk at {}", ShapeToString(box.start)));
    });
  }

  static Status WriteArrayInto(hid_t dset, hid_t type, const NdArray& v) {
    if (v.dtype() == DType::kBool) {
      int8_t b = v.data<bool>()[0] ? 1 : 0;
      return Check(H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &b), "cannot write");
    }
    return Check(H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.raw()), "cannot write");
  }

  // A signal group: an experiment (axis-<i> groups) or a signal inside metadata (`_sig_`, with
  // `_list_<ndim>_axes` and the extra groups HyperSpy writes there).
  Status WriteSignal(hid_t loc, const std::string& name, const SignalRecord& s, bool nested) {
    HC_ASSIGN_OR_RETURN(Handle g, Group(loc, name));
    if (!nested) {
      HC_RETURN_IF_ERROR(WriteStringAttr(g.id(), "package", s.package.empty() ? "hyperspy" : s.package));
      HC_RETURN_IF_ERROR(
          WriteStringAttr(g.id(), "package_version", s.package_version.empty() ? "1.7.3" : s.package_version));
      for (size_t i = 0; i < s.axes.size(); ++i)
        HC_RETURN_IF_ERROR(WriteAxis(g.id(), fmt::format("axis-{}", i), s.axes[i]));
    } else {
      HC_ASSIGN_OR_RETURN(Handle list, Group(g.id(), fmt::format("_list_{}_axes", s.axes.size())));
      for (size_t i = 0; i < s.axes.size(); ++i) HC_RETURN_IF_ERROR(WriteAxis(list.id(), std::to_string(i), s.axes[i]));
    }
    // Metadata, with Signal.record_by for older readers (as HyperSpy writes it).
    MetadataTree md = s.metadata;
    int sig_dim = 0;
    for (const auto& a : s.axes) sig_dim += a.navigate ? 0 : 1;
    HC_RETURN_IF_ERROR(md.Set("Signal.record_by", Value::String(sig_dim == 1   ? "spectrum"
                                                                : sig_dim == 2 ? "image"
                                                                               : "")));
    if (!md.Has("General.title")) HC_RETURN_IF_ERROR(md.Set("General.title", Value::String("")));
    if (!md.Has("Signal.signal_type")) HC_RETURN_IF_ERROR(md.Set("Signal.signal_type", Value::String("")));
    {
      HC_ASSIGN_OR_RETURN(Handle m, Group(g.id(), "metadata"));
      HC_RETURN_IF_ERROR(WriteTree(m.id(), md).WithContext("metadata"));
    }
    HC_RETURN_IF_ERROR(WriteData(g.id(), s.data));
    {
      HC_ASSIGN_OR_RETURN(Handle m, Group(g.id(), "original_metadata"));
      HC_RETURN_IF_ERROR(WriteTree(m.id(), s.original_metadata).WithContext("original_metadata"));
    }
    if (nested) {
      HC_ASSIGN_OR_RETURN(Handle tmp, Group(g.id(), "tmp_parameters"));
      HC_ASSIGN_OR_RETURN(Handle attrs, Group(g.id(), "attributes"));
      HC_RETURN_IF_ERROR(WriteBoolAttr(attrs.id(), "_lazy", false));
      HC_RETURN_IF_ERROR(WriteBoolAttr(attrs.id(), "ragged", false));
    }
    HC_ASSIGN_OR_RETURN(Handle lr, Group(g.id(), "learning_results"));
    return WriteTree(lr.id(), s.learning_results).WithContext("learning_results");
  }
};

std::string GroupName(const SignalRecord& s) {
  const Value* title = s.metadata.Find("General.title");
  std::string name = title && title->kind() == Value::Kind::kString ? title->as_string() : "";
  if (name.empty()) return "__unnamed__";
  for (char& c : name) {
    if (c == '/') c = '-';
  }
  return name;
}

}  // namespace

Status WriteHspy(Context& ctx, const SignalRecord& signal, const std::string& path, const HspyWriteOptions& options) {
  namespace fs = std::filesystem;
  if (!signal.data.ok()) return signal.data.status();
  if (signal.axes.size() != signal.data.rank())
    return InvalidArgument(
        fmt::format("{}: {} axes for {}-dimensional data", path, signal.axes.size(), signal.data.rank()));
  if (options.gzip_level < 0 || options.gzip_level > 9)
    return InvalidArgument(fmt::format("gzip level {} is not in 0..9", options.gzip_level));
  std::error_code ec;
  if (fs::exists(path, ec) && !options.overwrite)
    return AlreadyExists(fmt::format("{}: exists; pass --overwrite to replace it", path));
  // A temporary file in the same folder, renamed over the target at the end.
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmpl = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0)
    return IoError(
        fmt::format("{}: cannot create a temporary file in {}: {}", path, dir.string(), std::strerror(errno)));
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);  // mkstemp makes it 0600; a saved file gets the usual permissions
  ::close(fd);
  const std::string tmp = tmpl;
  auto fail = [&](const Status& s) {
    fs::remove(tmp, ec);
    const std::string& m = s.message();
    return m.rfind(path, 0) == 0 ? s : s.WithContext(path);
  };
  h5::SilenceErrors();
  Status st;
  {
    auto file = Check(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "cannot create the file");
    if (!file.ok()) return fail(file.status());
    Writer w{options, ctx};
    st = WriteStringAttr(file->id(), "file_format", "HyperSpy");
    if (st.ok()) st = WriteStringAttr(file->id(), "file_format_version", "3.1");
    if (st.ok()) {
      auto exps = w.Group(file->id(), "Experiments");
      st = exps.ok() ? w.WriteSignal(exps->id(), GroupName(signal), signal, false) : exps.status();
    }
    if (st.ok()) st = Check(H5Fflush(file->id(), H5F_SCOPE_LOCAL), "cannot flush the file");
    if (st.ok()) {
      const herr_t closed = H5Fclose(file->id());
      *file = Handle();
      if (closed < 0) st = Check(closed, "cannot close the file");
    }
  }
  if (!st.ok()) return fail(st);
  fs::rename(tmp, target, ec);
  if (ec) return fail(IoError(fmt::format("cannot rename the temporary file into place: {}", ec.message())));
  return Status::Ok();
}

}  // namespace hyperchunk
