// Test helpers: a scratch folder, and PNG files read back through cairo.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <cairo/cairo.h>
#include <fmt/format.h>

#include "hyperchunk/plot/colormap.h"

namespace hyperchunk::plot::testing {

/// A fresh folder under the system's temporary folder, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    std::random_device seed;
    path_ = std::filesystem::temp_directory_path() / fmt::format("hc_plot_test_{}_{}", getpid(), seed());
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  /// Names of the entries in the folder, sorted.
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(path_)) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::filesystem::path path_;
};

/// A PNG file's pixels, un-premultiplied.
struct Picture {
  int width = 0;
  int height = 0;
  std::vector<uint32_t> argb;  ///< row-major, 0xAARRGGBB as cairo stores it

  uint8_t Alpha(int x, int y) const { return static_cast<uint8_t>(argb[Index(x, y)] >> 24); }
  /// The colour of pixel (x, y); pixels must be opaque (the pictures have a white background).
  Rgb At(int x, int y) const {
    const uint32_t p = argb[Index(x, y)];
    return {static_cast<uint8_t>(p >> 16), static_cast<uint8_t>(p >> 8), static_cast<uint8_t>(p)};
  }
  /// Pixels whose colour is within `tolerance` (per channel) of `color`.
  size_t Count(Rgb color, int tolerance = 0) const {
    size_t count = 0;
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) count += Near(At(x, y), color, tolerance) ? 1 : 0;
    return count;
  }
  static bool Near(Rgb a, Rgb b, int tolerance) {
    return std::abs(a.r - b.r) <= tolerance && std::abs(a.g - b.g) <= tolerance && std::abs(a.b - b.b) <= tolerance;
  }

 private:
  size_t Index(int x, int y) const {
    return static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x);
  }
};

/// Reads `path` with cairo_image_surface_create_from_png; nothing when cairo cannot.
inline std::optional<Picture> ReadPng(const std::string& path) {
  cairo_surface_t* surface = cairo_image_surface_create_from_png(path.c_str());
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    return std::nullopt;
  }
  Picture picture;
  picture.width = cairo_image_surface_get_width(surface);
  picture.height = cairo_image_surface_get_height(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  const cairo_format_t format = cairo_image_surface_get_format(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  for (int y = 0; y < picture.height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + static_cast<ptrdiff_t>(y) * stride);
    for (int x = 0; x < picture.width; ++x) {
      uint32_t p = row[x];
      if (format == CAIRO_FORMAT_RGB24) p |= 0xFF000000u;
      const uint32_t a = p >> 24;
      if (a != 0 && a != 255) {  // un-premultiply
        auto channel = [&](int shift) { return ((((p >> shift) & 0xFF) * 255 + a / 2) / a) << shift; };
        p = (a << 24) | channel(16) | channel(8) | channel(0);
      }
      picture.argb.push_back(p);
    }
  }
  cairo_surface_destroy(surface);
  return picture;
}

}  // namespace hyperchunk::plot::testing
