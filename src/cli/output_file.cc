#include "output_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

namespace hyperchunk::cli {
namespace {

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

Status WriteBytes(std::FILE* file, const void* data, size_t size, const std::filesystem::path& path) {
  if (size == 0 || std::fwrite(data, 1, size, file) == size) return Status::Ok();
  return IoError(fmt::format("writing {}: {}", path.string(), ErrnoText()));
}

Status WriteFileAtomically(const std::filesystem::path& path, const std::function<Status(std::FILE* file)>& write) {
  const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string name = ".";  // built piecewise: '"." + string' trips a false -Wrestrict in GCC 12
  name += path.filename().string();
  name += ".XXXXXX";
  std::string temp = (folder / name).string();
  const int fd = mkstemp(temp.data());
  if (fd < 0) return IoError(fmt::format("creating {}: {}", path.string(), ErrnoText()));
  std::FILE* file = fdopen(fd, "wb");
  if (file == nullptr) {
    const Status error = IoError(fmt::format("creating {}: {}", path.string(), ErrnoText()));
    close(fd);
    unlink(temp.c_str());
    return error;
  }
  Status status = write(file);
  // fclose flushes: a full disk may only show here.
  if (std::fclose(file) != 0 && status.ok())
    status = IoError(fmt::format("writing {}: {}", path.string(), ErrnoText()));
  // mkstemp creates 0600; give the file the permissions a plain fopen would (0666 & ~umask).
  // umask is process-wide: outputs are written from the main thread only.
  if (status.ok()) {
    const mode_t mask = umask(0);
    umask(mask);
    if (chmod(temp.c_str(), 0666 & ~mask) != 0)
      status = IoError(fmt::format("writing {}: {}", path.string(), ErrnoText()));
  }
  if (status.ok() && std::rename(temp.c_str(), path.c_str()) != 0) {
    status = IoError(fmt::format("renaming {} to {}: {}", temp, path.string(), ErrnoText()));
  }
  if (!status.ok()) unlink(temp.c_str());
  return status;
}

Status WriteTextFileAtomically(const std::filesystem::path& path, std::string_view text) {
  return WriteFileAtomically(path, [&](std::FILE* file) { return WriteBytes(file, text.data(), text.size(), path); });
}

}  // namespace hyperchunk::cli
