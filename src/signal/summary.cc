#include "hyperchunk/signal/summary.h"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "hyperchunk/core/format.h"

namespace hyperchunk {

int SignalDimension(const std::vector<AxisRecord>& axes) {
  return static_cast<int>(std::count_if(axes.begin(), axes.end(), [](const AxisRecord& a) { return !a.navigate; }));
}

std::string SignalType(const MetadataTree& metadata) {
  const Value* v = metadata.Find("Signal.signal_type");
  return v && v->kind() == Value::Kind::kString ? v->as_string() : "";
}

std::string SignalClassName(const std::string& signal_type, int signal_dimension, bool lazy) {
  std::string name;
  if (signal_dimension == 1) {
    if (signal_type == "EDS_TEM") name = "EDSTEMSpectrum";
    else if (signal_type == "EDS_SEM") name = "EDSSEMSpectrum";
    else if (signal_type == "EELS" || signal_type == "TEM EELS") name = "EELSSpectrum";
    else name = "Signal1D";
  } else if (signal_dimension == 2) {
    name = signal_type == "hologram" ? "HologramImage" : "Signal2D";
  } else {
    return lazy ? "LazySignal" : "BaseSignal";
  }
  return lazy ? "Lazy" + name : name;
}

std::vector<size_t> NaturalOrder(const std::vector<AxisRecord>& axes) {
  std::vector<size_t> order;
  for (size_t i = axes.size(); i-- > 0;) {
    if (axes[i].navigate) order.push_back(i);
  }
  for (size_t i = axes.size(); i-- > 0;) {
    if (!axes[i].navigate) order.push_back(i);
  }
  return order;
}

namespace {
// "(a, b|c)" or, compact, "(a,b|c)" from one number per axis in array order.
std::string NavSigString(const std::vector<AxisRecord>& axes, const std::vector<Index>& values, const char* sep) {
  std::vector<std::string> nav, sig;
  for (size_t i : NaturalOrder(axes)) (axes[i].navigate ? nav : sig).push_back(fmt::format("{}", values[i]));
  return fmt::format("({}|{})", fmt::join(nav, sep), fmt::join(sig, sep));
}
}  // namespace

std::string DimensionString(const std::vector<AxisRecord>& axes) {
  std::vector<Index> sizes;
  for (const auto& a : axes) sizes.push_back(a.size);
  return NavSigString(axes, sizes, ", ");
}

std::string ChunkString(const std::vector<AxisRecord>& axes, const ChunkGrid& chunks) {
  return NavSigString(axes, chunks.max_chunk_shape(), ",");
}

std::string SignalRepr(const SignalRecord& signal, bool lazy) {
  const Value* title = signal.metadata.Find("General.title");
  const std::string text = title && title->kind() == Value::Kind::kString ? title->as_string() : "";
  return fmt::format("<{}, title: {}, dimensions: {}>",
                     SignalClassName(SignalType(signal.metadata), SignalDimension(signal.axes), lazy), text,
                     DimensionString(signal.axes));
}

std::string DescribeTable(const SignalRecord& signal) {
  const Array& data = signal.data;
  const ChunkGrid& grid = data.chunks();
  const Index chunk_bytes = grid.max_chunk_elements() * ItemSize(data.dtype());
  const std::vector<std::array<std::string, 3>> rows = {
      {"", "Array", "Chunk"},
      {"Bytes", FormatBytes(data.nbytes()), FormatBytes(chunk_bytes)},
      {"Shape", DimensionString(signal.axes), ChunkString(signal.axes, grid)},
      {"Count", fmt::format("{} Tasks", data.graph_task_count()), fmt::format("{} Chunks", grid.num_chunks())},
      {"Type", std::string(DTypeName(data.dtype())), "numpy.ndarray"},
  };
  size_t w0 = 0, w1 = 0;
  for (const auto& r : rows) {
    w0 = std::max(w0, r[0].size());
    w1 = std::max(w1, r[1].size());
  }
  std::string out;
  for (const auto& r : rows) out += fmt::format("{:<{}}  {:<{}}  {}\n", r[0], w0, r[1], w1, r[2]);
  return out;
}

namespace {
// Python's "%<spec>" formatting of a number, as C's printf does it.
std::string Printf(const char* spec, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), spec, v);
  return buf;
}
}  // namespace

std::string AxesTable(const std::vector<AxisRecord>& axes) {
  auto row = [](const std::string& a, const std::string& b, const std::string& c, const std::string& d,
                const std::string& e, const std::string& f) {
    return fmt::format("{:>16} | {:>6} | {:>6} | {:>7} | {:>7} | {:>6} ", a, b, c, d, e, f);
  };
  std::string text = fmt::format("<Axes manager, axes: {}>\n", DimensionString(axes));
  text += row("Name", "size", "index", "offset", "scale", "units");
  text += "\n" + row(std::string(16, '='), std::string(6, '='), std::string(6, '='), std::string(7, '='),
                     std::string(7, '='), std::string(6, '='));
  auto axis_row = [&](const AxisRecord& a) {
    const std::string name = a.name.value_or("<undefined>").substr(0, 16);
    const std::string units = a.units.value_or("<undefined>");
    const std::string size = Printf("%g", static_cast<double>(a.size));
    if (a.type != AxisRecord::Type::kUniform)
      return fmt::format("{:>16} | {:>6} | {:>6} | non-uniform axis | {:>6} ", name, size, "0", units);
    return row(name, size, "0", Printf("%.2g", a.offset), Printf("%.2g", a.scale), units);
  };
  const auto order = NaturalOrder(axes);
  for (size_t i : order) {
    if (axes[i].navigate) text += "\n" + axis_row(axes[i]);
  }
  text += "\n" + row(std::string(16, '-'), std::string(6, '-'), std::string(6, '-'), std::string(7, '-'),
                     std::string(7, '-'), std::string(6, '-'));
  for (size_t i : order) {
    if (!axes[i].navigate) text += "\n" + axis_row(axes[i]);
  }
  return text + "\n";
}

}  // namespace hyperchunk
