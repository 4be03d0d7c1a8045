// What HyperSpy 1.7.3 must read back from a .hspy file that hyperchunk's WriteHspy wrote: the
// expectations of hspy_write_fixtures, as JSON for check_written.py (format in README.md).
//
// The expectations follow the reference's decoding rules (shared reference §1.5, §1.6, §1.10),
// never hyperchunk's own reader: e.g. a list of numbers comes back as Python numbers of the
// promoted numpy type, a tuple of strings as bytes, a `_list_<n>_<key>` group of 11 or more items
// in the string order of its keys.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hyperchunk/core/metadata.h"
#include "hyperchunk/core/ndarray.h"
#include "hyperchunk/exec/context.h"
#include "hyperchunk/store/hspy.h"

namespace hyperchunk::interop {

/// Deterministic values of every dtype for a fixture's data: the type's extremes first (min, max,
/// 0, 1 for integers; NaN, +-inf, -0.0, max, lowest, the smallest subnormal and normal for
/// floats), then a scrambled counter (integers wrap, as a C++20 conversion does).
NdArray FixtureValues(DType dtype, const Shape& shape, uint64_t seed = 0);

/// {"dtype": "uint16", "shape": [3, 4], "values": [...]}: every element, C order, exact (NaN and
/// infinities as "nan", "inf", "-inf"; uint64 as exact JSON integers).
nlohmann::json DataJson(const NdArray& values);

/// An axis as HyperSpy's axes_manager describes it (README.md, AXIS).
nlohmann::json AxisJson(const AxisRecord& axis);

/// The tagged form (README.md, TAGGED) of what HyperSpy reads back for a value hyperchunk wrote.
/// Nested signals are computed with `ctx` to list their data.
nlohmann::json TagValue(const Value& value, Context& ctx);

/// The metadata tree HyperSpy's signal holds after loading (the General.FileIO entry of the load
/// itself aside): `metadata` as written, plus what WriteHspy adds when absent (General.title = "",
/// Signal.signal_type = "") and what a new HyperSpy signal starts with (`_HyperSpy.Folding`).
/// Signal.record_by, written for older readers, is deleted by HyperSpy on load (§1.10 step 4).
nlohmann::json ExpectedMetadata(const MetadataTree& metadata, Context& ctx);

/// A signal's expectation: class names of the eager and the lazy load, data, axes and trees.
/// `data` is the signal's values, made independently of the lazy Array that WriteHspy computes.
nlohmann::json SignalJson(const SignalRecord& signal, const NdArray& data, const std::string& class_name,
                          const std::string& lazy_class_name, Context& ctx);

}  // namespace hyperchunk::interop
