#include "app.h"

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/logger.h>

#include "command.h"
#include "global_options.h"
#include "graph_output.h"
#include "hyperchunk/exec/compute.h"

namespace hyperchunk::cli {
namespace {

constexpr char kDescription[] =
    "hyperchunk: out-of-core processing of big electron-microscopy spectrum images\n"
    "(HyperSpy's lazy signals, at the speed of the hardware).";

constexpr char kFooter[] =
    "Global options are accepted before or after the command.\n"
    "Results go to stdout or -o files; progress bars and logs go to stderr.\n"
    "Exit codes: 0 success, 1 the work failed, 2 bad usage, 130 interrupted (Ctrl-C).\n"
    "\n"
    "Examples:\n"
    "  hyperchunk demo --size small\n"
    "  hyperchunk --threads 2 --memory-limit 512MiB demo --out results --graph plan.svg\n"
    "  hyperchunk demo --help";

constexpr char kCommandFooter[] =
    "\n\nGlobal options (--threads, --memory-limit, --progress, --no-progress, --log-level, --graph) work\n"
    "here too: see 'hyperchunk --help'.\n";

// ---- Ctrl-C ------------------------------------------------------------------------------------

// The token the SIGINT handler raises. The handler does nothing but lock-free atomic operations,
// which are async-signal-safe.
std::atomic<CancelToken*> g_interrupt_target{nullptr};
static_assert(std::atomic<CancelToken*>::is_always_lock_free);

void OnInterrupt(int /*signal*/) {
  if (CancelToken* token = g_interrupt_target.load()) token->Cancel();
}

/// While alive, the first Ctrl-C cancels `token`; the handler then resets itself (SA_RESETHAND),
/// so a second Ctrl-C ends the process at once.
class ScopedInterruptHandler {
 public:
  explicit ScopedInterruptHandler(CancelToken& token) {
    g_interrupt_target.store(&token);
    struct sigaction action = {};
    action.sa_handler = OnInterrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND | SA_RESTART;
    sigaction(SIGINT, &action, &previous_);
  }
  ~ScopedInterruptHandler() {
    sigaction(SIGINT, &previous_, nullptr);
    g_interrupt_target.store(nullptr);
  }
  ScopedInterruptHandler(const ScopedInterruptHandler&) = delete;
  ScopedInterruptHandler& operator=(const ScopedInterruptHandler&) = delete;

 private:
  struct sigaction previous_ = {};
};

// ---- the environment a command runs in ---------------------------------------------------------

class Env final : public CommandEnv {
 public:
  Env(Context& context, const GlobalOptions& globals) : context_(context), globals_(globals) {}

  Context& context() override { return context_; }
  const GlobalOptions& globals() const override { return globals_; }
  std::FILE* out() override { return stdout; }

  Status RecordGraph(const std::vector<Array>& outputs) override {
    if (globals_.graph_path.empty() || graph_recorded_) return Status::Ok();
    graph_recorded_ = true;
    HC_ASSIGN_OR_RETURN(const std::string dot, GraphDot(context_, outputs));
    HC_RETURN_IF_ERROR(WriteGraph(globals_.graph_path, dot));
    context_.logger().info("task graph written to {}", globals_.graph_path);
    return Status::Ok();
  }
  bool graph_recorded() const { return graph_recorded_; }

 private:
  Context& context_;
  const GlobalOptions& globals_;
  bool graph_recorded_ = false;
};

// ---- parsing and exit codes --------------------------------------------------------------------

void PrintError(std::string_view message) {
  std::fprintf(stderr, "hyperchunk: error: %.*s\n", static_cast<int>(message.size()), message.data());
}

std::string FailureMessage(const CLI::App* /*app*/, const CLI::Error& error) {
  return fmt::format("hyperchunk: error: {}\nRun 'hyperchunk --help' for more information.\n", error.what());
}

struct Entry {
  std::string_view name;
  std::unique_ptr<Command> command;
  CLI::App* app = nullptr;
};

/// The top-level parser; `entries` receives one entry per command.
std::unique_ptr<CLI::App> MakeApp(GlobalOptions& globals, std::vector<Entry>& entries) {
  auto app = std::make_unique<CLI::App>(kDescription, "hyperchunk");
  app->set_version_flag("--version", "hyperchunk " HC_VERSION);
  app->set_help_all_flag("--help-all", "Print help for every command and exit");
  app->fallthrough();  // before add_subcommand: commands inherit it, so global options work after them
  app->require_subcommand(1);
  app->failure_message(FailureMessage);
  app->footer(kFooter);
  app->get_formatter()->label("SUBCOMMAND", "COMMAND");
  AddGlobalOptions(*app, globals);
  for (const CommandInfo& info : AllCommands()) {
    Entry entry{info.name, info.make(), nullptr};
    entry.app = app->add_subcommand(std::string(info.name), std::string(info.summary));
    entry.app->group("Commands");
    entry.command->Configure(*entry.app);
    entry.app->footer(entry.app->get_footer() + kCommandFooter);
    entries.push_back(std::move(entry));
  }
  return app;
}

/// CLI11 says "A subcommand is required" for `hyperchunk frobnicate`; say what is wrong instead.
/// Returns kExitUsage when it reported, else kExitOk.
int ReportUnknownCommand(const CLI::App& app, const CLI::ParseError& error, const std::vector<Entry>& entries) {
  const std::vector<std::string> rest = app.remaining();
  if (dynamic_cast<const CLI::RequiredError*>(&error) == nullptr || !app.get_subcommands().empty() ||
      (!rest.empty() && rest[0].starts_with("-"))) {
    return kExitOk;  // not about the command's name
  }
  std::vector<std::string_view> names;
  for (const Entry& entry : entries) names.push_back(entry.name);
  const std::string problem = rest.empty() ? "no command given" : fmt::format("unknown command '{}'", rest[0]);
  fmt::print(stderr, "hyperchunk: error: {} (commands: {})\nRun 'hyperchunk --help' for more information.\n", problem,
             fmt::join(names, ", "));
  return kExitUsage;
}

int Report(const Status& status, bool cancelled) {
  if (cancelled || status.code() == StatusCode::kCancelled) {
    std::fputs("hyperchunk: cancelled\n", stderr);
    return kExitCancelled;
  }
  if (status.ok()) return kExitOk;
  PrintError(status.message());
  return kExitFailure;
}

int RunParsed(const GlobalOptions& globals, Entry& entry) {
  if (const Status valid = entry.command->Validate(); !valid.ok()) {
    PrintError(valid.message());
    std::fprintf(stderr, "Run 'hyperchunk %.*s --help' for more information.\n", static_cast<int>(entry.name.size()),
                 entry.name.data());
    return kExitUsage;
  }
  if (!globals.graph_path.empty()) {
    if (const Status graph_ok = CheckGraphPath(globals.graph_path); !graph_ok.ok()) return Report(graph_ok, false);
  }
  const std::unique_ptr<Context> context = MakeContext(globals, entry.command->ReusesChunks());
  Env env(*context, globals);
  Status status;
  {
    ScopedInterruptHandler interrupt(context->cancel_token());
    status = entry.command->Run(env);
  }
  if (status.ok() && !globals.graph_path.empty() && !env.graph_recorded()) {
    context->logger().warn("'{}' computes no task graph; --graph {} was not written", entry.name, globals.graph_path);
  }
  std::fflush(stdout);
  return Report(status, context->cancel_token().cancelled());
}

}  // namespace

int RunCli(int argc, char** argv) {
  try {
    GlobalOptions globals;
    std::vector<Entry> entries;
    const std::unique_ptr<CLI::App> app = MakeApp(globals, entries);
    try {
      app->parse(argc, argv);
    } catch (const CLI::ParseError& error) {
      if (const int code = ReportUnknownCommand(*app, error, entries); code != kExitOk) return code;
      // --help and --version arrive here too, with exit code 0.
      return app->exit(error) == 0 ? kExitOk : kExitUsage;
    }
    for (Entry& entry : entries) {
      if (entry.app->parsed()) return RunParsed(globals, entry);
    }
    PrintError("no command given");  // unreachable: require_subcommand(1)
    return kExitUsage;
  } catch (const std::exception& error) {
    PrintError(fmt::format("internal error: {}", error.what()));
    return kExitFailure;
  }
}

}  // namespace hyperchunk::cli
