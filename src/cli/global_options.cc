#include "global_options.h"

#include <cstdio>
#include <map>
#include <string_view>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "hyperchunk/core/format.h"
#include "hyperchunk/exec/progress.h"

namespace hyperchunk::cli {
namespace {

constexpr char kGroup[] = "Global options";

const std::map<std::string, spdlog::level::level_enum>& LogLevels() {
  static const std::map<std::string, spdlog::level::level_enum> levels = {
      {"error", spdlog::level::err},
      {"warning", spdlog::level::warn},
      {"info", spdlog::level::info},
      {"debug", spdlog::level::debug},
  };
  return levels;
}

/// "%*": the level as Python's logging names it (ERROR, WARNING, INFO, DEBUG).
class PythonLevelFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& /*tm_time*/, spdlog::memory_buf_t& dest) override {
    std::string_view name;
    switch (msg.level) {
      case spdlog::level::trace: name = "TRACE"; break;
      case spdlog::level::debug: name = "DEBUG"; break;
      case spdlog::level::info: name = "INFO"; break;
      case spdlog::level::warn: name = "WARNING"; break;
      case spdlog::level::err: name = "ERROR"; break;
      default: name = "CRITICAL"; break;
    }
    dest.append(name.data(), name.data() + name.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<PythonLevelFlag>(); }
};

}  // namespace

void AddGlobalOptions(CLI::App& app, GlobalOptions& options) {
  app.add_option("--threads", options.threads, "worker threads (0: one per core)")
      ->check(CLI::Range(0, 4096))
      ->type_name("N")
      ->default_str("0")
      ->group(kGroup);

  const CLI::Validator byte_size(
      [](std::string& text) -> std::string {
        const Result<int64_t> bytes = ParseBytes(text);
        if (!bytes.ok()) return bytes.status().message();
        if (*bytes <= 0) return fmt::format("must be more than 0 bytes, got '{}'", text);
        return {};
      },
      "");
  app.add_option_function<std::string>(
         "--memory-limit", [&options](const std::string& text) { options.memory_limit = ParseBytes(text).value(); },
         "bound on the bytes the engine holds, e.g. 512MiB, 2GiB, 1e9")
      ->check(byte_size)
      ->type_name("SIZE")
      ->default_str("1GiB")
      ->group(kGroup);

  CLI::Option* progress = app.add_flag_callback(
      "--progress", [&options] { options.progress = ProgressMode::kOn; },
      "show the progress bar even when stderr is not a terminal");
  CLI::Option* no_progress = app.add_flag_callback(
      "--no-progress", [&options] { options.progress = ProgressMode::kOff; }, "never show the progress bar");
  progress->excludes(no_progress)->group(kGroup);
  no_progress->group(kGroup);

  app.add_option_function<std::string>(
         "--log-level", [&options](const std::string& name) { options.log_level = LogLevels().at(name); },
         "messages to show on stderr; info shows plan and chunk messages")
      ->check(CLI::IsMember(LogLevels()))
      ->type_name("LEVEL")
      ->default_str("warning")
      ->group(kGroup);

  const CLI::Validator graph_file(
      [](std::string& path) -> std::string {
        const std::string extension = std::filesystem::path(path).extension().string();
        if (extension == ".dot" || extension == ".svg") return {};
        return fmt::format("'{}' must end in .dot or .svg", path);
      },
      "");
  app.add_option("--graph", options.graph_path,
                 "write the task graph of the command's computation (.dot; .svg needs Graphviz's dot)")
      ->check(graph_file)
      ->type_name("PATH")
      ->group(kGroup);
}

std::shared_ptr<spdlog::logger> MakeLogger(spdlog::level::level_enum level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<PythonLevelFlag>('*').set_pattern("%*:%n:%v");
  sink->set_formatter(std::move(formatter));
  auto logger = std::make_shared<spdlog::logger>("hyperchunk", std::move(sink));
  logger->set_level(level);
  logger->flush_on(spdlog::level::trace);  // stderr lines appear at once, between progress redraws
  return logger;
}

std::unique_ptr<Context> MakeContext(const GlobalOptions& options, bool chunk_cache) {
  ContextOptions context_options;
  if (!chunk_cache) context_options.chunk_cache_bytes = 0;
  context_options.threads = options.threads;
  context_options.memory_limit = options.memory_limit;
  context_options.logger = MakeLogger(options.log_level);
  if (options.progress != ProgressMode::kOff) {
    context_options.progress = MakeTerminalProgress(stderr, options.progress == ProgressMode::kOn);
  }
  return std::make_unique<Context>(std::move(context_options));
}

}  // namespace hyperchunk::cli
