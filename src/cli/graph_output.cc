#include "graph_output.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "output_file.h"

extern char** environ;

namespace hyperchunk::cli {
namespace {

/// Removes a temporary file when it goes out of scope.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  ~TempFile() { unlink(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Runs `argv` with its stdout going to `out`; its stderr stays ours. Waits for it to end.
Status RunWithStdout(const std::vector<std::string>& argv, std::FILE* out) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fileno(out), STDOUT_FILENO);
  pid_t pid = 0;
  const int error = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) return IoError(fmt::format("starting {}: {}", argv[0], std::strerror(error)));
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0) {
    if (errno != EINTR) return IoError(fmt::format("waiting for {}: {}", argv[0], std::strerror(errno)));
  }
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) return Status::Ok();
  if (WIFSIGNALED(wait_status))
    return IoError(fmt::format("{} was killed by signal {}", argv[0], WTERMSIG(wait_status)));
  return IoError(fmt::format("{} failed with exit status {}", fmt::join(argv, " "), WEXITSTATUS(wait_status)));
}

}  // namespace

std::optional<std::filesystem::path> FindOnPath(std::string_view name) {
  const char* path_variable = std::getenv("PATH");
  if (path_variable == nullptr) return std::nullopt;
  std::string_view rest = path_variable;
  while (true) {
    const size_t colon = rest.find(':');
    const std::string_view folder = rest.substr(0, colon);
    const std::filesystem::path candidate = std::filesystem::path(folder.empty() ? "." : folder) / name;
    if (access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) return candidate;
    if (colon == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(colon + 1);
  }
}

Status CheckGraphPath(const std::filesystem::path& path) {
  if (path.extension() == ".dot") return Status::Ok();
  if (path.extension() != ".svg")
    return InvalidArgument(fmt::format("--graph {}: must end in .dot or .svg", path.string()));
  if (FindOnPath("dot")) return Status::Ok();
  return NotFound(
      fmt::format("--graph {}: an .svg needs Graphviz's 'dot' program, which is not on PATH; install Graphviz, or "
                  "write a .dot file",
                  path.string()));
}

Status WriteGraph(const std::filesystem::path& path, const std::string& dot_text) {
  if (path.extension() != ".svg") return WriteTextFileAtomically(path, dot_text);
  HC_RETURN_IF_ERROR(CheckGraphPath(path));

  std::string dot_path = (std::filesystem::temp_directory_path() / "hyperchunk-graph-XXXXXX.dot").string();
  const int fd = mkstemps(dot_path.data(), 4);
  if (fd < 0) return IoError(fmt::format("creating a temporary file for {}: {}", path.string(), std::strerror(errno)));
  TempFile dot_file(dot_path);
  const ssize_t written = write(fd, dot_text.data(), dot_text.size());
  close(fd);
  if (written != static_cast<ssize_t>(dot_text.size())) {
    return IoError(fmt::format("writing {}: {}", dot_file.path(), std::strerror(errno)));
  }
  return WriteFileAtomically(path, [&](std::FILE* file) {
    const Status status = RunWithStdout({"dot", "-Tsvg", dot_file.path()}, file);
    return status.ok() ? status : status.WithContext(fmt::format("writing {}", path.string()));
  });
}

}  // namespace hyperchunk::cli
