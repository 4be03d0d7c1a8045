// Running a plan (internal): ordered dispatch to worker threads with admission control on bytes,
// a per-stage chunk cache, cancellation, first-error-wins, progress.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "exec/plan.h"
#include "hyperchunk/exec/context.h"

namespace hyperchunk::internal {

using ChunkSink = std::function<Status(const ChunkIndex& chunk, const Box& box, const NdArray& values)>;

/// Runs every stage of `plan` and returns the values of plan.outputs (a streaming output's entry
/// is an empty array: its chunks went to `sink`).
Result<std::vector<NdArray>> ExecutePlan(Context& ctx, Plan& plan, const ChunkSink* sink, const std::string& label);

}  // namespace hyperchunk::internal
