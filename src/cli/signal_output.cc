#include "signal_output.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "hyperchunk/exec/compute.h"
#include "hyperchunk/plot/plot.h"
#include "npy.h"
#include "output_file.h"

namespace hyperchunk::cli {
namespace {

enum class Format { kStdout, kNpy, kHspy, kPng, kCsv };

Result<Format> FormatOf(const std::string& path) {
  if (path.empty()) return Format::kStdout;
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".npy") return Format::kNpy;
  if (ext == ".hspy") return Format::kHspy;
  if (ext == ".csv") return Format::kCsv;
  if (ext == ".png") return Format::kPng;
  return InvalidArgument(fmt::format("-o {}: unknown extension '{}': write .npy, .hspy, .png or .csv", path, ext));
}

// One value as Python prints it: integers exactly, floats in their shortest round-trip form with a
// decimal point ("2.0", "0.22000000000000003", "nan", "inf").
template <typename T>
std::string ValueText(T v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "True" : "False";
  } else if constexpr (std::is_floating_point_v<T>) {
    if (v != v) return "nan";
    if (v == std::numeric_limits<T>::infinity()) return "inf";
    if (v == -std::numeric_limits<T>::infinity()) return "-inf";
    std::string t = fmt::format("{}", v);
    if (t.find_first_of(".e") == std::string::npos) t += ".0";
    return t;
  } else {
    return fmt::format("{}", v);
  }
}

std::vector<std::string> ValueTexts(const NdArray& values) {
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(values.size()));
  VisitDType(values.dtype(), [&]<typename T>() {
    const T* p = values.data<T>();
    for (Index i = 0; i < values.size(); ++i) out.push_back(ValueText(p[i]));
  });
  return out;
}

// numpy's nesting: "[1, 2, 3]"; "[[1, 2],\n [3, 4]]"; a blank line between blocks of 3-D and more.
void AppendNested(std::string& out, const std::vector<std::string>& texts, const Shape& shape, size_t dim,
                  size_t& pos) {
  out += '[';
  for (Index i = 0; i < shape[dim]; ++i) {
    if (dim + 1 == shape.size()) {
      if (i) out += ", ";
      out += texts[pos++];
    } else {
      if (i) out += "," + std::string(shape.size() - dim - 1, '\n') + std::string(dim + 1, ' ');
      AppendNested(out, texts, shape, dim + 1, pos);
    }
  }
  out += ']';
}

std::string NestedText(const std::vector<std::string>& texts, const Shape& shape) {
  if (shape.empty()) return texts.empty() ? "" : texts[0];
  std::string out;
  size_t pos = 0;
  AppendNested(out, texts, shape, 0, pos);
  return out;
}

Status PrintSignal(CommandEnv& env, const Signal& result, const std::string& source) {
  const Index n = NumElements(result.shape());
  if (n > kMaxPrintedValues)
    return InvalidArgument(fmt::format("{}: the result {} has {} values: write it to a file with -o OUT.npy (or .hspy)",
                                       source, result.axes_manager().DimensionString(), n));
  HC_RETURN_IF_ERROR(env.RecordGraph({result.data()}));
  HC_ASSIGN_OR_RETURN(NdArray values, result.Values());
  fmt::print(env.out(), "{}\n{} {}\n{}\n", result.Repr(), DTypeName(values.dtype()), ShapeToString(values.shape()),
             NestedText(ValueTexts(values), values.shape()));
  return Status::Ok();
}

Status CheckRank(const Signal& result, const std::string& path, size_t min_rank, size_t max_rank,
                 std::string_view what) {
  const size_t rank = result.shape().size();
  if (rank >= min_rank && rank <= max_rank) return Status::Ok();
  return InvalidArgument(fmt::format("{}: the result {} has {} dimension{}; {}: write .npy or .hspy instead", path,
                                     result.axes_manager().DimensionString(), rank, rank == 1 ? "" : "s", what));
}

// pwrite of all `size` bytes at `offset` (pwrite may write less than asked).
Status PwriteAll(int fd, const char* data, size_t size, off_t offset, const std::string& path) {
  while (size > 0) {
    const ssize_t n = pwrite(fd, data, size, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError(fmt::format("writing {}: {}", path, std::strerror(n < 0 ? errno : ENOSPC)));
    data += n;
    size -= static_cast<size_t>(n);
    offset += n;
  }
  return Status::Ok();
}

// The .npy file written chunk by chunk as the chunks are computed, so results larger than memory
// stream to disk: each chunk's rows go to their places in the C-order file.
Status WriteNpyStreamed(Context& ctx, const Array& data, const std::string& path) {
  const Shape shape = data.shape();
  const std::string preamble = NpyPreamble(data.dtype(), shape);
  const auto item = static_cast<size_t>(ItemSize(data.dtype()));
  const size_t rank = shape.size();
  return WriteFileAtomically(path, [&](std::FILE* file) -> Status {
    HC_RETURN_IF_ERROR(WriteBytes(file, preamble.data(), preamble.size(), path));
    if (std::fflush(file) != 0) return IoError(fmt::format("writing {}: {}", path, std::strerror(errno)));
    const int fd = fileno(file);
    const auto total = static_cast<off_t>(preamble.size() + static_cast<size_t>(NumElements(shape)) * item);
    if (ftruncate(fd, total) != 0) return IoError(fmt::format("writing {}: {}", path, std::strerror(errno)));
    if (NumElements(shape) == 0) return Status::Ok();
    if (rank == 0) {
      HC_ASSIGN_OR_RETURN(NdArray v, Compute(ctx, data));
      return PwriteAll(fd, static_cast<const char*>(v.raw()), item, static_cast<off_t>(preamble.size()), path);
    }
    // Element strides of the file (C order).
    std::vector<Index> stride(rank, 1);
    for (size_t d = rank - 1; d-- > 0;) stride[d] = stride[d + 1] * shape[d + 1];
    return ComputeChunks(ctx, data, [&](const ChunkIndex&, const Box& box, const NdArray& values) -> Status {
      // Dimensions [k, rank) of the box are contiguous in the file: every one after k is whole.
      size_t k = rank - 1;
      while (k > 0 && box.start[k] == 0 && box.stop[k] == shape[k]) --k;
      const Index run = box.num_elements() / [&] {
        Index outer = 1;
        for (size_t d = 0; d < k; ++d) outer *= box.extent(d);
        return outer;
      }();
      const char* src = static_cast<const char*>(values.raw());
      std::vector<Index> pos(box.start.begin(), box.start.begin() + static_cast<std::ptrdiff_t>(k));
      while (true) {
        Index element = box.start[k] * stride[k];
        for (size_t d = 0; d < k; ++d) element += pos[d] * stride[d];
        const auto offset = static_cast<off_t>(preamble.size() + static_cast<size_t>(element) * item);
        HC_RETURN_IF_ERROR(PwriteAll(fd, src, static_cast<size_t>(run) * item, offset, path));
        src += static_cast<size_t>(run) * item;
        // Next outer index, last dimension fastest.
        size_t d = k;
        while (d > 0 && ++pos[d - 1] == box.stop[d - 1]) {
          pos[d - 1] = box.start[d - 1];
          --d;
        }
        if (d == 0) break;
      }
      return Status::Ok();
    });
  });
}

Status WriteCsv(const Signal& result, const std::string& path) {
  const DataAxis& axis = result.axes_manager().array_axes()[0];
  if (axis.type == AxisRecord::Type::kFunctional)
    return InvalidArgument(
        fmt::format("{}: the result's axis is a functional axis ('{}'): its values cannot be "
                    "written to .csv; write .hspy instead",
                    path, axis.expression));
  HC_ASSIGN_OR_RETURN(NdArray values, result.Values());
  const std::vector<std::string> texts = ValueTexts(values);
  const std::vector<double> positions = axis.Values();
  std::string text;
  for (size_t i = 0; i < texts.size(); ++i) text += fmt::format("{},{}\n", ValueText(positions[i]), texts[i]);
  return WriteTextFileAtomically(path, text);
}

std::vector<double> AsDoubles(const NdArray& values) {
  std::vector<double> out(static_cast<size_t>(values.size()));
  for (Index i = 0; i < values.size(); ++i) out[static_cast<size_t>(i)] = values.GetAsDouble(i);
  return out;
}

// A non-uniform or functional axis is drawn against its indices.
plot::ImageAxis ImageAxisOf(const DataAxis& axis) {
  if (!axis.is_uniform()) return {0, 1, axis.name.value_or("") + " index", ""};
  return {axis.offset, axis.scale, axis.name.value_or("<undefined>"), axis.units.value_or("")};
}

// hs.plot.plot_images of a 2-D result (rows: array axis 0, columns: array axis 1), or a line plot of a
// 1-D result against its calibrated axis (s.plot()).
Status WritePng(const Signal& result, const std::string& path) {
  HC_ASSIGN_OR_RETURN(NdArray values, result.Values());
  const auto& axes = result.axes_manager().array_axes();
  if (values.rank() == 2) {
    plot::ImagePanel panel;
    panel.data = AsDoubles(values);
    panel.height = static_cast<size_t>(values.shape()[0]);
    panel.width = static_cast<size_t>(values.shape()[1]);
    panel.y_axis = ImageAxisOf(axes[0]);
    panel.x_axis = ImageAxisOf(axes[1]);
    panel.title = result.title();
    return plot::WriteImagesPng(path, {panel}, plot::ImagesOptions{});
  }
  const DataAxis& axis = axes[0];
  plot::LinePlot line;
  plot::LineSeries series;
  series.y = AsDoubles(values);
  line.series.push_back(std::move(series));
  if (axis.type == AxisRecord::Type::kFunctional) {
    line.x_label = axis.name.value_or("") + " index";
  } else {
    line.x_label = axis.name.value_or("<undefined>");
    line.x_units = axis.units.value_or("");
  }
  line.x = axis.Values();
  line.title = result.title();
  line.y_label = "Intensity";
  return plot::WriteLinePlotPng(path, line);
}

}  // namespace

Result<Signal> LoadSignal(CommandEnv& env, const std::string& path, std::string_view command) {
  // The command's Context outlives every signal of the command: share it without owning it.
  std::shared_ptr<Context> ctx(std::shared_ptr<Context>(), &env.context());
  HC_ASSIGN_OR_RETURN(std::vector<Signal> all, LoadAll(path, LoadOptions{.lazy = true}, std::move(ctx)));
  if (all.size() != 1)
    return InvalidArgument(fmt::format("{}: holds {} signals; {} works on files with one", path, all.size(), command));
  return std::move(all[0]);
}

void SliceFlags::Add(CLI::App& app) {
  app.add_option("--inav", inav_,
                 "navigation index specs, natural order (x before y), comma-separated: 12 (an index: the axis is "
                 "removed), 1.5 (a calibrated value), 1:3, 0.5:2.0, ::-1, rel0.5:; write --inav=-1 for a leading '-'")
      ->type_name("SPEC");
  app.add_option("--isig", isig_,
                 "signal index specs, natural order: 10:20 (indices, stop excluded), :15.0 (values; a value stop is "
                 "excluded too), 6.3:7.1, 1.0:2.0:0.04, 1500eV:, 6.3 (one channel: the axis is removed)")
      ->type_name("SPEC");
}

Status SliceFlags::Validate() {
  for (auto [text, specs, option] : {std::tuple{&inav_, &inav_specs_, "--inav"}, {&isig_, &isig_specs_, "--isig"}}) {
    if (text->empty()) continue;
    auto parsed = ParseIndexSpecs(*text);
    if (!parsed.ok()) return parsed.status().WithContext(option);
    *specs = std::move(parsed).value();
  }
  return Status::Ok();
}

Result<Signal> SliceFlags::Apply(const Signal& s, const std::string& path) const {
  Signal out = s;
  if (!inav_specs_.empty()) {
    auto r = out.Inav(inav_specs_);
    if (!r.ok()) return r.status().WithContext(fmt::format("{}: --inav '{}'", path, inav_));
    out = std::move(r).value();
  }
  if (!isig_specs_.empty()) {
    auto r = out.Isig(isig_specs_);
    if (!r.ok()) return r.status().WithContext(fmt::format("{}: --isig '{}'", path, isig_));
    out = std::move(r).value();
  }
  return out;
}

void SignalOutputFlags::Add(CLI::App& app) {
  app.add_option("-o,--output", path_,
                 "the result: .npy (data, array order), .hspy (signal with axes and metadata), .png (a 2-D result as "
                 "a map, a 1-D one as a line plot), .csv (1-D results: axis_value,value rows); without it a small "
                 "result is printed");
  hspy_.Add(app);
}

Status SignalOutputFlags::Validate() const {
  HC_RETURN_IF_ERROR(FormatOf(path_).status());
  HC_ASSIGN_OR_RETURN(HspyWriteOptions options, hspy_.Options());
  if (options.chunks && *FormatOf(path_) != Format::kHspy)
    return InvalidArgument("--chunks applies to .hspy output only");
  return Status::Ok();
}

Status WriteSignalOutput(CommandEnv& env, const Signal& result, const SignalOutputFlags& flags,
                         const std::string& source) {
  HC_ASSIGN_OR_RETURN(Format format, FormatOf(flags.path_));
  HC_ASSIGN_OR_RETURN(HspyWriteOptions options, flags.hspy_.Options());
  const std::string& path = flags.path_;
  if (format == Format::kStdout) return PrintSignal(env, result, source);
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !options.overwrite)
    return AlreadyExists(fmt::format("{}: exists; pass --overwrite to replace it", path));
  if (format == Format::kCsv) HC_RETURN_IF_ERROR(CheckRank(result, path, 1, 1, ".csv takes 1-D results"));
  if (format == Format::kPng)
    HC_RETURN_IF_ERROR(CheckRank(result, path, 1, 2, ".png draws 2-D results as maps and 1-D results as line plots"));
  HC_RETURN_IF_ERROR(env.RecordGraph({result.data()}));
  switch (format) {
    case Format::kNpy: return WriteNpyStreamed(result.context(), result.data(), path);
    case Format::kHspy: return result.Save(path, options);
    case Format::kCsv: return WriteCsv(result, path);
    case Format::kPng: return WritePng(result, path);
    default: return Internal("unhandled output format");
  }
}

}  // namespace hyperchunk::cli
