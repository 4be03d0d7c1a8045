// How HyperSpy 1.7.3 names and prints a signal (reference §0.2, §0.4, §1.10 step 4, §2.2): the class
// chosen from signal type and dimension, the dimension string, the repr, dask's describe table and
// the axes table.
#pragma once

#include <string>
#include <vector>

#include "hyperchunk/store/hspy.h"

namespace hyperchunk {

/// Number of signal axes (navigate == false).
int SignalDimension(const std::vector<AxisRecord>& axes);
/// `Signal.signal_type` from the metadata ("" when absent).
std::string SignalType(const MetadataTree& metadata);
/// HyperSpy's class for real data: EDSTEMSpectrum, EDSSEMSpectrum, EELSSpectrum (also "TEM EELS"),
/// HologramImage, Signal1D, Signal2D or BaseSignal; lazy ones are LazyEDSTEMSpectrum, ...,
/// LazySignal1D, LazySignal2D, LazySignal.
std::string SignalClassName(const std::string& signal_type, int signal_dimension, bool lazy);
/// "(48, 64|992)": navigation sizes then signal sizes, each group in natural order.
std::string DimensionString(const std::vector<AxisRecord>& axes);
/// The chunk string of dask's table: "(16,16|248)" — the largest chunk of each axis, natural order.
std::string ChunkString(const std::vector<AxisRecord>& axes, const ChunkGrid& chunks);
/// "<LazyEDSTEMSpectrum, title: , dimensions: (48, 64|992)>".
std::string SignalRepr(const SignalRecord& signal, bool lazy);
/// The Bytes / Shape / Count / Type table of HyperSpy's lazy-signal view, as text.
std::string DescribeTable(const SignalRecord& signal);
/// HyperSpy's AxesManager table: "<Axes manager, axes: (5, 4|30)>" then one row per axis.
std::string AxesTable(const std::vector<AxisRecord>& axes);
/// Axis indices (array order) in natural order: navigation axes reversed, then signal axes reversed.
std::vector<size_t> NaturalOrder(const std::vector<AxisRecord>& axes);

}  // namespace hyperchunk
