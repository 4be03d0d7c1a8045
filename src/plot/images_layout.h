// Where WriteImagesPng puts everything: computed before drawing (text measured with the same fonts),
// and visible to tests, which check pixels of the written picture at these places. Internal.
#pragma once

#include <string>
#include <vector>

#include "canvas.h"
#include "hyperchunk/core/status.h"
#include "hyperchunk/plot/plot.h"
#include "hyperchunk/plot/ticks.h"

namespace hyperchunk::plot::internal {

/// One panel as drawn.
struct PanelLayout {
  Box image;                  ///< the map's pixels (whole-pixel aligned)
  Box colorbar;               ///< empty when ImagesOptions::colorbar is false
  std::vector<double> shown;  ///< the values drawn: block-averaged when the map is large
  size_t shown_width = 0;
  size_t shown_height = 0;
  size_t block = 1;  ///< block-averaging factor (1: every pixel shown)
  double vmin = 0;   ///< colour range: vmin gets the colour map's first entry, vmax its last
  double vmax = 1;
  double x_left = 0;    ///< calibrated x of the image's left edge
  double x_right = 1;   ///< ... and right edge
  double y_top = 0;     ///< calibrated y of the top edge
  double y_bottom = 1;  ///< ... and bottom edge
  Ticks x_ticks;
  Ticks y_ticks;
  Ticks colorbar_ticks;
  std::vector<std::string> title_lines;
  std::string x_label;
  std::string y_label;
  std::string colorbar_label;
};

struct ImagesLayout {
  int width = 0;  ///< picture size, pixels
  int height = 0;
  std::string suptitle;
  double suptitle_y = 0;  ///< top of the suptitle's line
  std::vector<PanelLayout> panels;
};

/// Checks `panels` and `options` (errors name `path`) and lays the picture out.
Result<ImagesLayout> LayoutImages(const std::string& path, const std::vector<ImagePanel>& panels,
                                  const ImagesOptions& options);

}  // namespace hyperchunk::plot::internal
