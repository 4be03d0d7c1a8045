// Helpers shared by the signal layer's source files.
#pragma once

#include <string>
#include <vector>

#include "hyperchunk/core/chunk_grid.h"
#include "hyperchunk/signal/signal.h"

namespace hyperchunk::internal {

/// HyperSpy's class for a signal_type and signal dimension (assign_signal_subclass).
SignalClass DeriveSignalClass(const std::string& signal_type, int signal_dimension);

/// HyperSpy's `_get_dask_chunks` (reference §2.4): the largest chunk per dimension keeping the
/// `need` dimensions (array indices) whole in chunks of about 100 MiB.
Shape HyperSpyChunks(const Shape& shape, const std::vector<int>& need, int itemsize);
/// The same as a grid split like numpy's array_split.
ChunkGrid HyperSpyChunkGrid(const Shape& shape, const std::vector<int>& need, int itemsize);

/// What every new signal goes through: class-specific fix-ups (EDS energy axes are binned).
Result<Signal> FinishSignal(Signal s);

/// EDS: scale Acquisition_instrument.{SEM,TEM}.Detector.EDS.live_time (and real_time unless
/// `live_only`) of `after` by `factor`, or, when factor <= 0, by the ratio of navigation sizes
/// before / after. Logs at INFO when a time is absent, as HyperSpy does.
void ScaleEdsTimes(const Signal& before, Signal& after, bool live_only, double factor = 0);

}  // namespace hyperchunk::internal
