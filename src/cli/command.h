// The interface every `hyperchunk` subcommand implements, and the list of them.
#pragma once

#include <cstdio>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "global_options.h"
#include "hyperchunk/array/array.h"
#include "hyperchunk/core/status.h"
#include "hyperchunk/exec/context.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hyperchunk::cli {

/// What a running command works with: the Context made from the global options, stdout, and the
/// --graph hook.
class CommandEnv {
 public:
  virtual ~CommandEnv() = default;
  virtual Context& context() = 0;
  virtual const GlobalOptions& globals() const = 0;
  /// Where results go (stdout). Progress and logs go to stderr, never here.
  virtual std::FILE* out() = 0;
  /// Marks `outputs` as the command's computation: writes --graph's file for them when the user
  /// asked for one. Call it before computing; later calls do nothing.
  virtual Status RecordGraph(const std::vector<Array>& outputs) = 0;
  /// Cancellation (Ctrl-C) was requested: stop and return Cancelled().
  bool cancelled() { return context().cancel_token().cancelled(); }
};

/// One subcommand. The object lives from before parsing until Run returns, so Configure can bind
/// options to its members.
class Command {
 public:
  virtual ~Command() = default;
  /// Declares options and positionals on `app` (the subcommand) and sets its help footer, which
  /// shows at least one example.
  virtual void Configure(CLI::App& app) = 0;
  /// Checks the parsed options together; an error here is bad usage (exit code 2).
  virtual Status Validate() { return Status::Ok(); }
  /// Does the work; an error is a failure (exit code 1), Cancelled is exit code 130.
  virtual Status Run(CommandEnv& env) = 0;
  /// Whether later computations of the command reuse chunks of earlier ones, so the Context keeps
  /// its chunk cache. Most commands compute once and exit: for them a kept chunk is only memory
  /// the next chunk cannot reuse, and the cache is off.
  virtual bool ReusesChunks() const { return false; }
};

/// A command's name, its line in `hyperchunk --help`, and its maker.
struct CommandInfo {
  std::string_view name;
  std::string_view summary;
  std::unique_ptr<Command> (*make)();
};

/// Every command, in the order `--help` lists them. A new command is a cmd_<name>.cc file with a
/// Make<Name>Command() function, declared and listed in commands.cc.
std::span<const CommandInfo> AllCommands();

}  // namespace hyperchunk::cli
