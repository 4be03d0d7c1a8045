// The navigator of a spectrum image: HyperSpy 1.7.3's `compute_navigator` (reference §3) and the
// navigator a signal carries in `metadata._HyperSpy.navigator` (`s.navigator`).
//
// compute_navigator sums the signal over the signal chunk(s) that contain an index — one slab of
// the file, so it reads only those chunks — and returns the navigation image (the sum transposed:
// a Signal2D `(|x, y)` for a 2-D scan, a Signal1D `(|x)` for a line scan). The data is never
// rechunked: `chunks_number` only moves the chunk boundaries that choose the channel range.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "hyperchunk/core/status.h"
#include "hyperchunk/signal/signal.h"

namespace hyperchunk {

/// A position on one signal axis: an index, or a calibrated value resolved with value2index. An
/// index is not wrapped: a negative one is out of range, as in HyperSpy.
using NavigatorIndex = std::variant<Index, double>;

/// compute_navigator's arguments.
struct NavigatorOptions {
  /// `index`, natural order of the signal axes. Empty: the middle, round(size / 2) with ties to
  /// even (992 → 496, 5 → 2, 7 → 4). One entry: used on every signal axis (HyperSpy's scalar).
  /// Several: one per signal axis; extra entries are ignored and, with fewer entries than axes,
  /// only the first axes are restricted (HyperSpy zips them).
  std::vector<NavigatorIndex> index;
  /// `chunks_number`, natural order: each signal axis is cut as if rechunked into chunks of
  /// int(size / n) channels, balanced as dask's rechunk(balance=True) does (992 / 3 → 331, 331,
  /// 330). Empty: the data's own chunks. One entry: every signal axis. Must be > 0 and <= size.
  std::vector<double> chunks_number;
  /// Sum over the whole signal: compute_navigator(chunks_number=1). Not with chunks_number.
  bool full = false;
};

/// What compute_navigator decides before it sums.
struct NavigatorSelection {
  /// The index on each signal axis, natural order (HyperSpy logs "Using index: [496]").
  std::vector<Index> index;
  /// The signal chunk lengths considered, array order of the signal dimensions ("Signal chunks:
  /// ((248, 248, 248, 248),)").
  std::vector<std::vector<Index>> signal_chunks;
  /// Half-open channel range [start, stop) summed on each signal axis, natural order. Has one
  /// entry per index entry used: axes past them are summed whole.
  std::vector<std::pair<Index, Index>> ranges;
  /// dask could not balance the chunks of `chunks_number` and kept them unbalanced (dask warns
  /// "chunk size balancing not possible with given chunks").
  bool unbalanced = false;

  /// HyperSpy's text of the ranges, stored as `original_metadata.sum_from`:
  /// "[slice(248, 496, None)]" (one slice per range, natural order).
  std::string SumFrom() const;
  /// Python's repr of `index`: "[496]", "[50, 30]".
  std::string IndexText() const;
  /// Python's repr of `signal_chunks`: "((248, 248, 248, 248),)".
  std::string SignalChunksText() const;
};

/// The choice of compute_navigator (steps 1-4 of reference §3) for `s`, without logging or
/// reading anything. Errors: an index or value outside its axis ("Index out of signal range"),
/// a bad chunks_number, a signal without signal axes.
Result<NavigatorSelection> SelectNavigatorChunks(const Signal& s, const NavigatorOptions& options = {});

/// The navigator as a signal over s's data: `s.isig[ranges].sum(signal axes).T`, with
/// `original_metadata.sum_from` set. Logs HyperSpy's INFO lines ("Using index: ...", "Signal
/// chunks: ...", "Computing sum over signal dimension: ...") on s's Context logger. For a lazy `s`
/// nothing is read yet: computing it reads only the chunks that hold the ranges (ComputeTogether
/// computes it with other results in one pass); an in-memory `s` gives an in-memory result.
Result<Signal> LazyNavigator(const Signal& s, const NavigatorOptions& options = {});

/// `s.compute_navigator(index, chunks_number)`: LazyNavigator computed into memory in s's Context
/// (its progress sink shows the bar). The result has HyperSpy's dtype (numpy's sum dtype: uint64
/// for unsigned integers, int64 for signed ones and bool, the input dtype for floats), class,
/// axes (the navigation axes, as signal axes), title and metadata. Store it with StoreNavigator.
Result<Signal> ComputeNavigator(const Signal& s, const NavigatorOptions& options = {});

/// dask's balancing of one axis' chunk lengths (rechunk(..., balance=True)): among chunk sizes
/// L in [m - m/2, m + m/2] around the median m, the cut [L, L, ..., rest] into as many chunks as
/// before (one fewer when the smallest is at most half the largest) whose largest minus smallest
/// is least (the first such L). nullopt when no L gives that count (dask then warns and keeps the
/// chunks).
std::optional<std::vector<Index>> BalanceChunks(const std::vector<Index>& chunks);

/// `s.navigator = navigator`: stores the navigator at `metadata._HyperSpy.navigator` (computed
/// into memory, one chunk), so that Save writes it as HyperSpy does (the `_sig_navigator` group)
/// and HyperSpy 1.7.3 loads it back as `s.navigator`. The navigator's signal shape must be s's
/// navigation shape (natural order); for a signal without navigation axes it must hold one value.
Status StoreNavigator(Signal& s, const Signal& navigator);

/// `s.navigator`: the navigator stored in s's metadata (by StoreNavigator, or in a file that
/// HyperSpy saved after compute_navigator), in s's Context; lazy when `s` is lazy (nothing read
/// yet). nullopt when there is none or it cannot be made into a signal (a warning is logged).
std::optional<Signal> StoredNavigator(const Signal& s);

}  // namespace hyperchunk
