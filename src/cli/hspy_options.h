// Options shared by the commands that write .hspy files (convert, synth).
#pragma once

#include <string>
#include <vector>

#include "hyperchunk/core/status.h"
#include "hyperchunk/store/hspy.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hyperchunk::cli {

/// --chunks, --compression, --gzip-level and --overwrite, turned into HspyWriteOptions.
class HspyWriteFlags {
 public:
  void Add(CLI::App& app);
  /// Parses --chunks ("16,512,992", array order) and checks the rest.
  Result<HspyWriteOptions> Options() const;

 private:
  std::string chunks_;
  std::string compression_ = "gzip";
  int gzip_level_ = 4;
  bool overwrite_ = false;
};

/// The comma-separated items of `text`; an empty item is kept, so that it can be reported.
std::vector<std::string> SplitCommas(const std::string& text);

/// "16,512,992" as a Shape (positive integers).
Result<Shape> ParseShape(const std::string& text, const std::string& option);

}  // namespace hyperchunk::cli
