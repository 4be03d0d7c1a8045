// Compares what hyperchunk's .hspy reader returns with what HyperSpy 1.7.3 read back from the same
// file (the expected-results JSON of make_fixtures.py; its format is in README.md).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hyperchunk/array/array.h"
#include "hyperchunk/core/metadata.h"
#include "hyperchunk/exec/context.h"
#include "hyperchunk/store/hspy.h"

namespace hyperchunk::interop {

/// How the metadata of a loaded signal differs from the file, per HyperSpy (dotted paths relative
/// to the metadata root): a reader may leave out `added_on_load` (defaults the signal class adds)
/// and may keep `stored_only` (values load() drops: Signal.record_by, Signal.binned).
struct LoadChanges {
  std::set<std::string> added_on_load;
  std::map<std::string, nlohmann::json> stored_only;
};

/// Walks an expected record and the reader's record side by side and collects every difference
/// as "where: what" (several per fixture, not just the first).
class Checker {
 public:
  /// `fixture_dir` holds the .npy files the JSON names; `ctx` computes the lazy arrays.
  /// `may_fail_data`: a data array that fails to compute is a note, not a difference.
  Checker(std::string fixture_dir, Context& ctx, bool may_fail_data);

  /// The whole file: format version, experiment groups in order, and each experiment.
  void CheckFile(const nlohmann::json& want, const HspyFile& got);
  /// One experiment group or a signal nested in metadata (`want` has the signal fields).
  void CheckSignal(const nlohmann::json& want, const SignalRecord& got, const std::string& where,
                   const LoadChanges* changes);
  void CheckData(const nlohmann::json& want, const Array& got, const std::string& where);
  void CheckAxis(const nlohmann::json& want, const AxisRecord& got, const std::string& where);
  /// A tagged "dict" against a tree; `changes` (or nullptr) applies to paths below `rel_path`.
  void CheckTree(const nlohmann::json& want, const MetadataTree& got, const std::string& where,
                 const LoadChanges* changes, const std::string& rel_path = "");
  void CheckValue(const nlohmann::json& want, const Value& got, const std::string& where);
  /// The items of a tagged list or tuple, allowing the quirk fixes its "quirk" names (README.md).
  void CheckItems(const nlohmann::json& want, const std::vector<Value>& got, const std::string& where);

  const std::vector<std::string>& mismatches() const { return mismatches_; }
  /// Differences the expectation allows (a stored-only key kept, a default left out, ...).
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  void Mismatch(const std::string& where, const std::string& what);
  void CheckArrayValues(const std::string& npy, const NdArray& got, const std::string& where);

  std::string fixture_dir_;
  Context& ctx_;
  bool may_fail_data_;
  std::vector<std::string> mismatches_;
  std::vector<std::string> notes_;
};

/// Compact text of a tagged value for messages: "int64 200", "str 'abc'", "list[3]".
std::string DescribeTagged(const nlohmann::json& tagged);
/// Compact text of a reader's value: kind, dtype and Python repr (shortened).
std::string DescribeValue(const Value& value);

}  // namespace hyperchunk::interop
