// Writes the seed corpus of fuzz_decode_chunk into a folder: real stored chunks (spectra,
// images, random bytes) through each of the fuzz target's pipelines.
//
//   fuzz_decode_chunk_seeds <folder>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "codec/fuzz_input.h"
#include "codec/sample_data.h"

namespace hyperchunk::codec::fuzz {
namespace {

int WriteSeeds(const std::string& folder) {
  struct Content {
    const char* name;
    unsigned element_size;
    std::vector<std::byte> bytes;
  };
  std::vector<Content> contents;
  const std::vector<double> spectra = testdata::MakeSpectra(4, 256, 1);  // 8 KiB of float64
  contents.push_back(
      {"spectra_f8", 8, std::vector<std::byte>(testdata::AsBytes(spectra).begin(), testdata::AsBytes(spectra).end())});
  std::vector<uint16_t> image(48 * 64);
  for (size_t i = 0; i < image.size(); ++i) image[i] = static_cast<uint16_t>(1000 + (i * 7919) % 97);
  contents.push_back(
      {"image_u2", 2, std::vector<std::byte>(testdata::AsBytes(image).begin(), testdata::AsBytes(image).end())});
  contents.push_back({"bytes_3", 3, testdata::MakeBytes(999, 2)});
  int written = 0;
  for (const Content& content : contents) {
    const std::vector<std::vector<FilterStep>> pipelines = FuzzPipelines(content.element_size);
    for (size_t pipeline_idx = 0; pipeline_idx < pipelines.size(); ++pipeline_idx) {
      Result<std::vector<std::byte>> stored = EncodeChunk(pipelines[pipeline_idx], content.bytes, content.element_size);
      if (!stored.ok()) continue;  // the pipeline with an unsupported filter
      std::vector<std::byte> seed = MakeFuzzHeader(pipeline_idx, content.element_size, 0, content.bytes.size());
      seed.insert(seed.end(), stored->begin(), stored->end());
      const std::string path = folder + "/" + content.name + "_pipeline" + std::to_string(pipeline_idx);
      std::ofstream file(path, std::ios::binary);
      file.write(reinterpret_cast<const char*>(seed.data()), static_cast<std::streamsize>(seed.size()));
      if (!file) {
        std::fprintf(stderr, "cannot write %s\n", path.c_str());
        return 1;
      }
      ++written;
    }
  }
  std::printf("wrote %d seeds to %s\n", written, folder.c_str());
  return 0;
}

}  // namespace
}  // namespace hyperchunk::codec::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <folder>\n", argv[0]);
    return 2;
  }
  return hyperchunk::codec::fuzz::WriteSeeds(argv[1]);
}
