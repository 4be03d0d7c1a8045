#include "hspy_options.h"

#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace hyperchunk::cli {

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    out.push_back(text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) return out;
    pos = comma + 1;
  }
}

Result<Shape> ParseShape(const std::string& text, const std::string& option) {
  Shape shape;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos || item.size() > 12)
      return InvalidArgument(fmt::format("{} '{}': expected positive integers separated by commas", option, text));
    const Index v = std::stoll(item);
    if (v < 1) return InvalidArgument(fmt::format("{} '{}': lengths must be at least 1", option, text));
    shape.push_back(v);
  }
  if (shape.empty()) return InvalidArgument(fmt::format("{} is empty", option));
  return shape;
}

void HspyWriteFlags::Add(CLI::App& app) {
  app.add_option("--chunks", chunks_, "HDF5 chunk shape in array order, e.g. 16,512,992 (default: the data's chunks)")
      ->type_name("C,...");
  app.add_option("--compression", compression_, "gzip (with shuffle, HyperSpy's default) or none")
      ->check(CLI::IsMember({"gzip", "none"}))
      ->capture_default_str();
  app.add_option("--gzip-level", gzip_level_, "gzip level 0-9")->check(CLI::Range(0, 9))->capture_default_str();
  app.add_flag("--overwrite", overwrite_, "replace OUT if it exists");
}

Result<HspyWriteOptions> HspyWriteFlags::Options() const {
  HspyWriteOptions o;
  o.compression = compression_ == "none" ? HspyWriteOptions::Compression::kNone : HspyWriteOptions::Compression::kGzip;
  o.gzip_level = gzip_level_;
  o.overwrite = overwrite_;
  if (!chunks_.empty()) {
    HC_ASSIGN_OR_RETURN(Shape c, ParseShape(chunks_, "--chunks"));
    o.chunks = c;
  }
  return o;
}

}  // namespace hyperchunk::cli
