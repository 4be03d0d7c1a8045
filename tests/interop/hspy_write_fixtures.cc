// Writes .hspy files with hyperchunk's WriteHspy and a manifest of what HyperSpy 1.7.3 must read
// back from each; check_written.py loads every file with HyperSpy and compares (README.md).
//
//   hspy_write_fixtures OUTDIR      writes OUTDIR/<case>.hspy and OUTDIR/manifest.json
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hspy_write_cases.h"
#include "hspy_write_expect.h"
#include "hyperchunk/exec/context.h"
#include "hyperchunk/store/hspy.h"

namespace hyperchunk::interop {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json LayoutJson(const WriteCase& c) {
  const bool gzip = c.options.compression == HspyWriteOptions::Compression::kGzip;
  return {{"chunks", c.h5_chunks},
          {"compression", gzip ? json("gzip") : json()},
          {"compression_opts", gzip ? json(c.options.gzip_level) : json()},
          {"shuffle", gzip && c.options.shuffle}};
}

std::string GroupName(const WriteCase& c) {
  const Value* title = c.signal.metadata.Find("General.title");
  std::string name = title ? title->as_string() : "";
  if (name.empty()) return "__unnamed__";
  for (char& ch : name) ch = ch == '/' ? '-' : ch;
  return name;
}

int Run(const std::string& outdir) {
  std::error_code error;
  fs::remove_all(outdir, error);
  fs::create_directories(outdir, error);
  if (error) {
    std::fprintf(stderr, "cannot create %s: %s\n", outdir.c_str(), error.message().c_str());
    return 1;
  }
  json manifest = {{"writer", "hyperchunk WriteHspy"}, {"cases", json::array()}};
  int failures = 0;
  for (WriteCase& c : MakeWriteCases()) {
    ContextOptions context_options;
    context_options.threads = c.threads;
    Context ctx(context_options);
    const std::string file = c.name + ".hspy";
    const Status written = WriteHspy(ctx, c.signal, outdir + "/" + file, c.options);
    if (!written.ok()) {
      std::fprintf(stderr, "%s: WriteHspy failed: %s\n", c.name.c_str(), written.ToString().c_str());
      ++failures;
      continue;
    }
    json entry = SignalJson(c.signal, c.data, c.cls, c.lazy_cls, ctx);
    entry["name"] = c.name;
    entry["note"] = c.note;
    entry["file"] = file;
    entry["group"] = "/Experiments/" + GroupName(c);
    entry["h5"] = LayoutJson(c);
    entry["threads"] = c.threads;
    manifest["cases"].push_back(std::move(entry));
  }
  std::ofstream out(outdir + "/manifest.json");
  out << manifest.dump(1) << "\n";
  if (!out) {
    std::fprintf(stderr, "cannot write %s/manifest.json\n", outdir.c_str());
    return 1;
  }
  std::printf("wrote %zu .hspy files and manifest.json to %s (%d failed)\n", manifest["cases"].size(), outdir.c_str(),
              failures);
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace hyperchunk::interop

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  try {
    return hyperchunk::interop::Run(argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", argv[0], e.what());
    return 1;
  }
}
