// libFuzzer target: arbitrary bytes become a .hspy-like HDF5 file (hspy_fuzz_input.h) that
// ReadHspy opens, which runs the metadata decoder (src/store/hspy_metadata.cc) over every
// attribute, dataset and group the bytes made, and the signal and axis readers. Checked besides
// "no crash, no out-of-bounds access, no undefined behaviour" (ASan + UBSan): failures come back
// as a Status with a message, never as an exception; a record that reads has one axis per
// dimension, each as long as its dimension; its trees print; its data computes or fails cleanly.
//
// Build and run: tests/store/run_fuzz.sh [seconds]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>

#include "hspy_fuzz_check.h"
#include "hspy_fuzz_input.h"

namespace {

std::string ScratchPath() {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path dir = fs::is_directory("/dev/shm", error) ? fs::path("/dev/shm") : fs::temp_directory_path();
  return (dir / ("hc_fuzz_hspy_" + std::to_string(::getpid()) + ".hspy")).string();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = ScratchPath();
  static const bool registered = [] {
    std::atexit([] { std::remove(path.c_str()); });
    return true;
  }();
  (void)registered;
  hyperchunk::fuzz::BuildResult built;
  if (!hyperchunk::fuzz::BuildHspyFile({data, size}, path, &built)) return 0;
  try {
    const std::string problem = hyperchunk::fuzz::CheckRead(path, built);
    if (!problem.empty()) {
      std::fprintf(stderr, "fuzz_hspy_metadata: %s\n", problem.c_str());
      std::abort();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_hspy_metadata: exception from the reader: %s\n", e.what());
    std::abort();
  }
  return 0;
}
