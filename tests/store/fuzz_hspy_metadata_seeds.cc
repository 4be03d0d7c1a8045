// Writes the seed corpus of fuzz_hspy_metadata (hspy_fuzz_seeds.cc) into a folder, one file each.
//
//   fuzz_hspy_metadata_seeds <folder>
#include <cstdio>
#include <fstream>
#include <string>

#include "hspy_fuzz_input.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <folder>\n", argv[0]);
    return 2;
  }
  const std::string folder = argv[1];
  int written = 0;
  for (const auto& [name, bytes] : hyperchunk::fuzz::SeedPrograms()) {
    const std::string path = folder + "/" + name;
    std::ofstream file(path, std::ios::binary);
    file.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!file) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
    ++written;
  }
  std::printf("wrote %d seeds to %s\n", written, folder.c_str());
  return 0;
}
