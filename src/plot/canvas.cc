#include "canvas.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace hyperchunk::plot::internal {
namespace {

constexpr const char* kFontFamily = "DejaVu Sans";

Status CairoError(const std::string& what, cairo_status_t status) {
  return Internal(fmt::format("{}: cannot draw: {}", what, cairo_status_to_string(status)));
}

Result<Canvas> MakeCanvas(int width, int height, const std::string& what) {
  Canvas canvas;
  canvas.surface.reset(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
  if (const cairo_status_t status = cairo_surface_status(canvas.surface.get()); status != CAIRO_STATUS_SUCCESS) {
    if (status == CAIRO_STATUS_NO_MEMORY)
      return ResourceExhausted(fmt::format("{}: no memory for a {} x {} picture", what, width, height));
    return CairoError(what, status);
  }
  canvas.cr.reset(cairo_create(canvas.surface.get()));
  if (const cairo_status_t status = cairo_status(canvas.cr.get()); status != CAIRO_STATUS_SUCCESS)
    return CairoError(what, status);
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT);
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_ON);
  cairo_set_font_options(canvas.cr.get(), options);
  cairo_font_options_destroy(options);
  cairo_set_antialias(canvas.cr.get(), CAIRO_ANTIALIAS_DEFAULT);
  SetFont(canvas.cr.get(), kLabelFontPx);
  cairo_set_source_rgb(canvas.cr.get(), 1, 1, 1);
  cairo_paint(canvas.cr.get());
  return canvas;
}

struct PngSink {
  std::FILE* file = nullptr;
  int error = 0;  // errno of the first failed write
};

cairo_status_t WriteToFile(void* closure, const unsigned char* data, unsigned int length) {
  auto* sink = static_cast<PngSink*>(closure);
  if (length > 0 && std::fwrite(data, 1, length, sink->file) != length) {
    if (sink->error == 0) sink->error = errno != 0 ? errno : EIO;
    return CAIRO_STATUS_WRITE_ERROR;
  }
  return CAIRO_STATUS_SUCCESS;
}

// The process's umask, read without changing it (umask(2) would race with other threads creating
// files); falls back to the usual 022 where /proc does not say.
mode_t CurrentUmask() {
  std::FILE* status = std::fopen("/proc/self/status", "r");
  if (status == nullptr) return 022;
  char line[256];
  mode_t mask = 022;
  while (std::fgets(line, sizeof(line), status) != nullptr) {
    unsigned int value = 0;
    if (std::sscanf(line, "Umask: %o", &value) == 1) {
      mask = static_cast<mode_t>(value);
      break;
    }
  }
  std::fclose(status);
  return mask;
}

std::string CannotWrite(const std::string& path, const std::string& why) {
  return fmt::format("{}: cannot write: {}", path, why);
}

}  // namespace

Result<Canvas> Canvas::Create(int width, int height, const std::string& what) {
  if (width < 1 || height < 1 || width > kMaxPictureSide || height > kMaxPictureSide)
    return InvalidArgument(fmt::format("{}: the picture would be {} x {} pixels; the limit is {} on a side", what,
                                       width, height, kMaxPictureSide));
  return MakeCanvas(width, height, what);
}

Result<Canvas> Canvas::ForMeasuring(const std::string& what) { return MakeCanvas(1, 1, what); }

void SetFont(cairo_t* cr, double size_px, bool bold) {
  cairo_select_font_face(cr, kFontFamily, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size_px);
}

double TextWidth(cairo_t* cr, const std::string& text) {
  cairo_text_extents_t extents;
  cairo_text_extents(cr, text.c_str(), &extents);
  return extents.x_advance;
}

double LineHeight(cairo_t* cr) {
  cairo_font_extents_t extents;
  cairo_font_extents(cr, &extents);
  return extents.ascent + extents.descent;
}

void DrawText(cairo_t* cr, const std::string& text, double x, double y, HAlign h, VAlign v, double angle) {
  if (text.empty()) return;
  cairo_font_extents_t font;
  cairo_font_extents(cr, &font);
  const double width = TextWidth(cr, text);
  double dx = 0;
  if (h == HAlign::kCenter) dx = -width / 2;
  if (h == HAlign::kRight) dx = -width;
  double dy = font.ascent;  // kTop: the baseline sits one ascent below the anchor
  if (v == VAlign::kMiddle) dy = (font.ascent - font.descent) / 2;
  if (v == VAlign::kBottom) dy = -font.descent;
  cairo_save(cr);
  cairo_translate(cr, x, y);
  if (angle != 0) cairo_rotate(cr, angle);
  // Unrotated text starts on a whole pixel: crisper glyphs with slight hinting.
  double ox = dx;
  double oy = dy;
  if (angle == 0) {
    ox = std::round(x + dx) - x;
    oy = std::round(y + dy) - y;
  }
  cairo_move_to(cr, ox, oy);
  cairo_show_text(cr, text.c_str());
  cairo_restore(cr);
}

void SetColor(cairo_t* cr, Rgb color, double alpha) {
  cairo_set_source_rgba(cr, color.r / 255.0, color.g / 255.0, color.b / 255.0, alpha);
}

std::string TypesetNumber(const std::string& label) {
  if (label.empty() || label.front() != '-') return label;
  return "\u2212" + label.substr(1);
}

Status WritePngAtomically(cairo_surface_t* surface, const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string name = ".";  // built piecewise: '"." + string' trips a false -Wrestrict in GCC 12
  name += target.filename().string();
  name += ".XXXXXX";
  std::string temp = (folder / name).string();
  const int fd = mkstemp(temp.data());
  if (fd < 0) return IoError(CannotWrite(path, std::strerror(errno)));
  PngSink sink;
  sink.file = fdopen(fd, "wb");
  if (sink.file == nullptr) {
    const Status error = IoError(CannotWrite(path, std::strerror(errno)));
    close(fd);
    unlink(temp.c_str());
    return error;
  }
  Status status;
  const cairo_status_t written = cairo_surface_write_to_png_stream(surface, WriteToFile, &sink);
  if (written != CAIRO_STATUS_SUCCESS) {
    status = IoError(CannotWrite(path, sink.error != 0 ? std::strerror(sink.error) : cairo_status_to_string(written)));
  }
  // fclose flushes: a full disk may only show here.
  if (std::fclose(sink.file) != 0 && status.ok()) status = IoError(CannotWrite(path, std::strerror(errno)));
  // mkstemp creates 0600; give the file the permissions a plain fopen would (0666 & ~umask).
  if (status.ok() && chmod(temp.c_str(), 0666 & ~CurrentUmask()) != 0)
    status = IoError(CannotWrite(path, std::strerror(errno)));
  if (status.ok() && std::rename(temp.c_str(), path.c_str()) != 0)
    status = IoError(CannotWrite(path, std::strerror(errno)));
  if (!status.ok()) unlink(temp.c_str());
  return status;
}

}  // namespace hyperchunk::plot::internal

// Under AddressSanitizer: fontconfig (parsing its configuration) and cairo 1.16's toy font faces
// (FcPatternDuplicate in cairo_select_font_face) lose a few hundred bytes once per process, which
// LeakSanitizer would report for every program that draws text. Suppress those, and only those.
#if defined(__SANITIZE_ADDRESS__)
#define HC_PLOT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HC_PLOT_ASAN 1
#endif
#endif
#ifdef HC_PLOT_ASAN
extern "C" const char* __lsan_default_suppressions();  // NOLINT(bugprone-reserved-identifier)
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
#endif
