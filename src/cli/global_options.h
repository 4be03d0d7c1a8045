// The options every `hyperchunk` command accepts (shared/CLI.md, "Global options"), and the
// Context built from them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <spdlog/common.h>

#include "hyperchunk/exec/context.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hyperchunk::cli {

/// Whether the progress bar shows: on a terminal only (kAuto), always, or never.
enum class ProgressMode { kAuto, kOn, kOff };

/// The parsed global options.
struct GlobalOptions {
  int threads = 0;                          ///< worker threads; 0: one per hardware thread
  int64_t memory_limit = int64_t{1} << 30;  ///< bytes the engine may hold
  ProgressMode progress = ProgressMode::kAuto;
  spdlog::level::level_enum log_level = spdlog::level::warn;
  std::string graph_path;  ///< --graph: a .dot or .svg file; empty: none
};

/// Declares the global options on the top-level `app`, in the group "Global options". With
/// `app.fallthrough()` they are also accepted after the command's name.
void AddGlobalOptions(CLI::App& app, GlobalOptions& options);

/// The "hyperchunk" logger: one plain line per message on stderr, "WARNING:hyperchunk:message"
/// (the format of Python's logging, which HyperSpy users know).
std::shared_ptr<spdlog::logger> MakeLogger(spdlog::level::level_enum level);

/// A Context configured by `options`: threads, memory limit, logger, and a progress bar on stderr
/// following ProgressMode; its chunk cache on (the default budget) or off.
std::unique_ptr<Context> MakeContext(const GlobalOptions& options, bool chunk_cache);

}  // namespace hyperchunk::cli
