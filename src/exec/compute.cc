#include "hyperchunk/exec/compute.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "exec/executor.h"
#include "exec/plan.h"
#include "hyperchunk/core/format.h"

namespace hyperchunk {

std::string PlanInfo::Summary() const {
  std::string streamed;
  if (streamed_chunk_reads > 0) {
    streamed = fmt::format("{} streamed", streamed_chunk_reads);
    if (banded_chunk_reads > 0) streamed += fmt::format(", {} in bands", banded_chunk_reads);
  }
  std::string partial;
  if (partial_chunk_reads > 0 && !streamed.empty())
    partial = fmt::format(" ({} partial, {})", partial_chunk_reads, streamed);
  else if (partial_chunk_reads > 0) partial = fmt::format(" ({} partial)", partial_chunk_reads);
  else if (!streamed.empty()) partial = fmt::format(" ({})", streamed);
  return fmt::format("{} stage{}, {} task{}, {} source chunk{} ({}), reads {}{}, results {}, needs {}", stages,
                     stages == 1 ? "" : "s", tasks, tasks == 1 ? "" : "s", source_chunks, source_chunks == 1 ? "" : "s",
                     FormatBytes(source_bytes), FormatBytes(read_bytes), partial, FormatBytes(output_bytes),
                     FormatBytes(required_bytes));
}

namespace {

Result<std::vector<internal::NodePtr>> Nodes(const std::vector<Array>& outputs) {
  if (outputs.empty()) return InvalidArgument("nothing to compute: no outputs given");
  std::vector<internal::NodePtr> nodes;
  for (const auto& a : outputs) {
    if (!a.ok()) return a.status();
    nodes.push_back(a.node());
  }
  return nodes;
}

std::string Label(const std::vector<Array>& outputs) {
  std::vector<std::string> labels;
  for (const auto& a : outputs) labels.push_back(a.label());
  return fmt::format("{}", fmt::join(labels, ", "));
}

Result<internal::Plan> PlanFor(Context& ctx, const std::vector<Array>& outputs, bool streaming) {
  HC_ASSIGN_OR_RETURN(auto nodes, Nodes(outputs));
  HC_ASSIGN_OR_RETURN(internal::Plan plan, internal::BuildPlan(nodes, ctx.options().tile_bytes, streaming));
  ctx.logger().info("plan for {}: {}", Label(outputs), plan.info.Summary());
  if (plan.info.required_bytes > ctx.memory_limit()) {
    return ResourceExhausted(fmt::format(
        "computing {} needs at least {} (results {} + the largest task {}) but the memory limit is {}; raise the "
        "memory limit or use smaller chunks",
        Label(outputs), FormatBytes(plan.info.required_bytes), FormatBytes(plan.info.output_bytes),
        FormatBytes(plan.info.max_task_bytes), FormatBytes(ctx.memory_limit())));
  }
  return plan;
}

}  // namespace

Result<PlanInfo> Explain(Context& ctx, const std::vector<Array>& outputs) {
  HC_ASSIGN_OR_RETURN(auto nodes, Nodes(outputs));
  HC_ASSIGN_OR_RETURN(internal::Plan plan, internal::BuildPlan(nodes, ctx.options().tile_bytes, false));
  return plan.info;
}

Result<std::string> GraphDot(Context& ctx, const std::vector<Array>& outputs) {
  HC_ASSIGN_OR_RETURN(auto nodes, Nodes(outputs));
  HC_ASSIGN_OR_RETURN(internal::Plan plan, internal::BuildPlan(nodes, ctx.options().tile_bytes, false));
  return internal::PlanToDot(plan);
}

Result<std::vector<NdArray>> Compute(Context& ctx, const std::vector<Array>& outputs) {
  HC_ASSIGN_OR_RETURN(internal::Plan plan, PlanFor(ctx, outputs, false));
  return internal::ExecutePlan(ctx, plan, nullptr, Label(outputs));
}

Result<NdArray> Compute(Context& ctx, const Array& output) {
  HC_ASSIGN_OR_RETURN(std::vector<NdArray> r, Compute(ctx, std::vector<Array>{output}));
  return std::move(r[0]);
}

Status ComputeChunks(
    Context& ctx, const Array& array,
    const std::function<Status(const ChunkIndex& chunk, const Box& box, const NdArray& values)>& sink) {
  if (!array.ok()) return array.status();
  if (array.node()->kind() == internal::NodeKind::kReduce) {
    // A reduction's result is small: compute it, then hand it over chunk by chunk.
    HC_ASSIGN_OR_RETURN(NdArray all, Compute(ctx, array));
    const ChunkGrid& grid = array.chunks();
    for (Index c = 0; c < grid.num_chunks(); ++c) {
      const ChunkIndex idx = grid.Unravel(c);
      const Box box = grid.ChunkBox(idx);
      if (box.rank() > 0 && box.empty()) continue;
      HC_RETURN_IF_ERROR(sink(idx, box, all.Sub(box)));
    }
    return Status::Ok();
  }
  HC_ASSIGN_OR_RETURN(internal::Plan plan, PlanFor(ctx, {array}, true));
  internal::ChunkSink chunk_sink = sink;
  return internal::ExecutePlan(ctx, plan, &chunk_sink, array.label()).status();
}

}  // namespace hyperchunk
