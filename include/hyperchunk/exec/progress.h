// Progress sinks for front ends: a dask-style text bar on a terminal.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "hyperchunk/exec/context.h"

namespace hyperchunk {

/// A one-line progress bar redrawn in place ("\r") about 10 times a second by its own thread:
///
///     [########                                ] | 21% | 3.20 s elapsed | 1.05 GiB/s | ETA 12.04 s
///
/// The bar and the percentage count finished tasks out of all tasks (like dask's ProgressBar,
/// 40 characters wide); the rate is source bytes per second. Nothing is drawn for computations
/// that end within about half a second. Parts that would overflow the terminal's width are left
/// out (ETA first, then the rate). Finish draws the final state and ends the line, if anything
/// was drawn.
///
/// Draws only when `stream` is a terminal, or always when `force` is true. `stream` is not owned
/// and must outlive the sink. Start/Update/Finish come from one driving thread at a time; the
/// redraw thread is joined by Finish and by the destructor.
std::shared_ptr<ProgressSink> MakeTerminalProgress(FILE* stream, bool force);

namespace internal {

/// What one redraw of the bar shows.
struct ProgressState {
  int64_t total_tasks = 0;
  int64_t done_tasks = 0;
  int64_t done_bytes = 0;  ///< source bytes processed so far
  double elapsed_seconds = 0;
  bool finished = false;  ///< the last draw: no ETA
};

/// The bar's text without "\r" or padding, at most `max_columns` characters when that is > 0
/// (drops the ETA, then the rate, then narrows the bar).
std::string FormatProgressLine(const ProgressState& state, int max_columns);

}  // namespace internal

}  // namespace hyperchunk
