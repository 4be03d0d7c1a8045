// The `hyperchunk` command line: parsing, dispatch to a command, exit codes.
#pragma once

namespace hyperchunk::cli {

/// Exit codes of the command (shared/CLI.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;      ///< the work failed
inline constexpr int kExitUsage = 2;        ///< bad usage
inline constexpr int kExitCancelled = 130;  ///< Ctrl-C (128 + SIGINT, as shells report it)

/// Runs `hyperchunk` with main's arguments and returns the process exit code.
int RunCli(int argc, char** argv);

}  // namespace hyperchunk::cli
