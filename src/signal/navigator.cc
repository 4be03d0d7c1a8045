// compute_navigator (reference §3): HyperSpy's `LazySignal.compute_navigator` and
// `misc/array_tools.get_signal_chunk_slice`, with dask's normalize_chunks and chunk balancing.
#include "hyperchunk/signal/navigator.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include <fmt/format.h>
#include <spdlog/logger.h>

namespace hyperchunk {
namespace {

// Python's repr of a tuple of ints: "(248, 248)", "(992,)".
std::string PyTuple(const std::vector<Index>& values) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) out += fmt::format("{}{}", i ? ", " : "", values[i]);
  return out + (values.size() == 1 ? ",)" : ")");
}

// round(size / 2) with Python's round: half to even.
Index MiddleIndex(Index size) {
  const Index half = size / 2;
  if (size % 2 == 0) return half;
  return half % 2 == 0 ? half : half + 1;
}

// dask's normalize_chunks of one int chunk size: [c, c, ..., rest].
std::vector<Index> RegularChunks(Index size, Index chunk) {
  if (size == 0) return {0};
  std::vector<Index> out(static_cast<size_t>(size / chunk), chunk);
  if (size % chunk != 0) out.push_back(size % chunk);
  return out;
}

// `index` resolved per signal axis (natural order), as HyperSpy's `axis._get_index` does.
Result<std::vector<Index>> ResolveIndex(const Signal& s, const NavigatorOptions& options) {
  const AxesManager& am = s.axes_manager();
  const int nav = am.navigation_dimension();
  const int sig = am.signal_dimension();
  std::vector<Index> index;
  if (options.index.empty()) {
    for (int k = 0; k < sig; ++k) index.push_back(MiddleIndex(am[nav + k].size));
    return index;
  }
  std::vector<NavigatorIndex> given = options.index;
  if (given.size() == 1) given.assign(static_cast<size_t>(sig), options.index[0]);  // HyperSpy's scalar
  const size_t n = std::min(given.size(), static_cast<size_t>(sig));
  for (size_t k = 0; k < n; ++k) {
    if (const auto* i = std::get_if<Index>(&given[k])) {
      index.push_back(*i);
      continue;
    }
    const DataAxis& axis = am[nav + static_cast<int>(k)];
    auto i = axis.ValueToIndex(std::get<double>(given[k]));
    if (!i.ok()) return i.status().WithContext(fmt::format("index on {}", axis.DisplayName(nav + static_cast<int>(k))));
    index.push_back(*i);
  }
  return index;
}

// The signal chunks (array order of the signal dimensions) that `chunks_number` gives: int(size / n)
// channels per chunk, normalised and balanced as dask's rechunk(balance=True).
Result<std::vector<std::vector<Index>>> ChunksFromNumber(const Signal& s, const std::vector<double>& number,
                                                         bool& unbalanced) {
  const AxesManager& am = s.axes_manager();
  const int nav = am.navigation_dimension();
  const int sig = am.signal_dimension();
  std::vector<double> per_axis = number;
  if (per_axis.size() == 1) per_axis.assign(static_cast<size_t>(sig), number[0]);
  if (per_axis.size() < static_cast<size_t>(sig))
    return InvalidArgument(fmt::format("chunks_number has {} entries for {} signal axes: give one, or one per axis",
                                       per_axis.size(), sig));
  std::vector<std::vector<Index>> natural;
  for (int k = 0; k < sig; ++k) {
    const double n = per_axis[static_cast<size_t>(k)];
    const Index size = am[nav + k].size;
    if (!std::isfinite(n) || n <= 0)
      return InvalidArgument(fmt::format("chunks_number {} is not a positive number", n));
    const double chunk = std::trunc(static_cast<double>(size) / n);
    if (chunk < 1)
      return InvalidArgument(fmt::format("chunks_number {} is more than the {} channels of {}", n, size,
                                         am[nav + k].DisplayName(nav + k)));
    natural.push_back(RegularChunks(size, static_cast<Index>(chunk)));
  }
  std::vector<std::vector<Index>> out(natural.rbegin(), natural.rend());  // array order
  for (auto& lengths : out) {
    if (auto balanced = BalanceChunks(lengths)) {
      lengths = std::move(*balanced);
    } else {
      unbalanced = true;
    }
  }
  return out;
}

// get_signal_chunk_slice: the chunk of the last `index.size()` array dimensions whose slices, in
// natural order, contain index[0] (and index[1]). Only the first two axes are tested; further axes
// take their first chunk, the first match of HyperSpy's search.
Result<std::vector<std::pair<Index, Index>>> ChunkRanges(const std::vector<Index>& index,
                                                         const std::vector<std::vector<Index>>& signal_chunks) {
  std::vector<std::pair<Index, Index>> ranges;
  for (size_t k = 0; k < index.size(); ++k) {
    const std::vector<Index>& lengths = signal_chunks[signal_chunks.size() - 1 - k];
    Index start = 0;
    std::optional<std::pair<Index, Index>> found;
    for (Index length : lengths) {
      if (k >= 2 || (start <= index[k] && index[k] < start + length)) {
        found = std::make_pair(start, start + length);
        break;
      }
      start += length;
    }
    if (!found) return std::vector<std::pair<Index, Index>>{};
    ranges.push_back(*found);
  }
  return ranges;
}

Result<NavigatorSelection> Select(const Signal& s, const NavigatorOptions& options, spdlog::logger* log) {
  const AxesManager& am = s.axes_manager();
  const int sig = am.signal_dimension();
  if (sig == 0)
    return InvalidArgument(
        fmt::format("{} has no signal axes to sum: its navigator is the signal itself", am.DimensionString()));
  if (options.full && !options.chunks_number.empty())
    return InvalidArgument("full sums the whole signal: it takes no chunks_number");
  NavigatorSelection sel;
  HC_ASSIGN_OR_RETURN(sel.index, ResolveIndex(s, options));
  if (log) log->info("Using index: {}", sel.IndexText());

  const std::vector<double> number = options.full ? std::vector<double>{1.0} : options.chunks_number;
  if (number.empty()) {
    const ChunkGrid& grid = s.data().chunks();
    for (size_t d = grid.rank() - static_cast<size_t>(sig); d < grid.rank(); ++d)
      sel.signal_chunks.push_back(grid.lengths(d));
  } else {
    HC_ASSIGN_OR_RETURN(sel.signal_chunks, ChunksFromNumber(s, number, sel.unbalanced));
    if (sel.unbalanced && log)
      log->warn("chunk size balancing not possible with given chunks. Try increasing the chunk size.");
  }
  if (log) log->info("Signal chunks: {}", sel.SignalChunksText());

  HC_ASSIGN_OR_RETURN(sel.ranges, ChunkRanges(sel.index, sel.signal_chunks));
  if (sel.ranges.empty()) {
    std::vector<Index> shape = am.signal_shape();
    return OutOfRange(
        fmt::format("Index out of signal range: index {} is not inside the signal shape {} (natural order)",
                    sel.IndexText(), PyTuple(shape)));
  }
  return sel;
}

}  // namespace

std::string NavigatorSelection::SumFrom() const {
  std::string out = "[";
  for (size_t k = 0; k < ranges.size(); ++k)
    out += fmt::format("{}slice({}, {}, None)", k ? ", " : "", ranges[k].first, ranges[k].second);
  return out + "]";
}

std::string NavigatorSelection::IndexText() const { return fmt::format("[{}]", fmt::join(index, ", ")); }

std::string NavigatorSelection::SignalChunksText() const {
  std::string out = "(";
  for (size_t d = 0; d < signal_chunks.size(); ++d) out += (d ? ", " : "") + PyTuple(signal_chunks[d]);
  return out + (signal_chunks.size() == 1 ? ",)" : ")");
}

std::optional<std::vector<Index>> BalanceChunks(const std::vector<Index>& chunks) {
  if (chunks.empty()) return std::nullopt;
  // numpy.median(...).astype(int): the mean of the two middle values for an even count, truncated.
  std::vector<Index> sorted = chunks;
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size();
  const double median_value = n % 2 == 1
                                  ? static_cast<double>(sorted[n / 2])
                                  : (static_cast<double>(sorted[n / 2 - 1]) + static_cast<double>(sorted[n / 2])) / 2.0;
  const Index median = static_cast<Index>(median_value);
  const Index eps = median / 2;
  Index wanted = static_cast<Index>(n);
  if (static_cast<double>(sorted.front()) <= 0.5 * static_cast<double>(sorted.back())) --wanted;
  Index total = 0;
  for (Index c : chunks) total += c;

  std::optional<Index> best_length;
  Index best_diff = 0;
  for (Index length = median - eps; length <= median + eps; ++length) {
    if (length <= 0) continue;
    const Index full = total / length, rest = total % length;
    if (full + (rest ? 1 : 0) != wanted) continue;
    const Index diff = rest && full ? length - rest : 0;
    if (!best_length || diff < best_diff) best_length = length, best_diff = diff;
  }
  if (!best_length) return std::nullopt;
  return RegularChunks(total, *best_length);
}

Result<NavigatorSelection> SelectNavigatorChunks(const Signal& s, const NavigatorOptions& options) {
  return Select(s, options, nullptr);
}

Result<Signal> LazyNavigator(const Signal& s, const NavigatorOptions& options) {
  spdlog::logger& log = s.context().logger();
  HC_ASSIGN_OR_RETURN(NavigatorSelection sel, Select(s, options, &log));
  const std::string sum_from = sel.SumFrom();
  log.info("Computing sum over signal dimension: {}", sum_from);
  std::vector<IndexSpec> specs;
  for (const auto& [start, stop] : sel.ranges) specs.push_back(IndexSpec::Range(Index{start}, Index{stop}));
  HC_ASSIGN_OR_RETURN(Signal part, s.Isig(specs));
  HC_ASSIGN_OR_RETURN(Signal sum, part.Sum({AxisRef::Signal()}));
  HC_RETURN_IF_ERROR(sum.original_metadata().Set("sum_from", Value::String(sum_from)));
  return sum.Transpose();
}

Result<Signal> ComputeNavigator(const Signal& s, const NavigatorOptions& options) {
  HC_ASSIGN_OR_RETURN(Signal navigator, LazyNavigator(s, options));
  HC_RETURN_IF_ERROR(navigator.Compute());
  return navigator;
}

Status StoreNavigator(Signal& s, const Signal& navigator) {
  const AxesManager& am = s.axes_manager();
  if (am.navigation_dimension() == 0) {
    if (navigator.data().size() != 1)
      return InvalidArgument(fmt::format("a signal without navigation axes takes a navigator of one value, not {}",
                                         navigator.axes_manager().DimensionString()));
  } else if (navigator.axes_manager().signal_shape() != am.navigation_shape()) {
    return InvalidArgument(fmt::format("the navigator {} does not fit the navigation shape of {}",
                                       navigator.axes_manager().DimensionString(), am.DimensionString()));
  }
  // HyperSpy keeps the navigator in memory and saves numpy data of signal axes only as one chunk.
  HC_ASSIGN_OR_RETURN(NdArray values, navigator.Values());
  SignalRecord record = navigator.ToRecord();
  record.data = Array::FromNdArray(values, ChunkGrid::Single(values.shape()));
  return s.metadata().Set("_HyperSpy.navigator",
                          Value::Signal(std::make_shared<const SignalRecord>(std::move(record))));
}

std::optional<Signal> StoredNavigator(const Signal& s) {
  const Value* v = s.metadata().Find("_HyperSpy.navigator");
  if (v == nullptr || v->kind() != Value::Kind::kSignal || !v->signal()) return std::nullopt;
  auto navigator = Signal::FromRecord(*v->signal(), s.is_lazy(), s.shared_context());
  if (!navigator.ok()) {
    s.context().logger().warn("the stored navigator (metadata._HyperSpy.navigator) is not usable: {}",
                              navigator.status().ToString());
    return std::nullopt;
  }
  return std::move(navigator).value();
}

}  // namespace hyperchunk
