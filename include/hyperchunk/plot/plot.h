// PNG pictures of results: maps side by side with titles and colour bars (HyperSpy's
// hs.plot.plot_images, reference §8.5) and line plots of 1-D results (spectra, profiles) with
// legend and shaded span markers. Drawn with cairo, text in "DejaVu Sans"; files appear whole or
// not at all (written to a temporary name beside the target, then renamed).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "hyperchunk/core/status.h"
#include "hyperchunk/plot/colormap.h"

namespace hyperchunk::plot {

/// Calibration of one image axis: pixel i is centred on offset + i * scale.
struct ImageAxis {
  double offset = 0;
  double scale = 1;   ///< finite and non-zero; negative flips the tick values
  std::string name;   ///< "x"; the axis label reads "<name> axis (<units>)" as in HyperSpy
  std::string units;  ///< "nm"; may be empty
};

/// One map: `width` x `height` values, row-major, row 0 drawn at the top (the order of a
/// HyperSpy 2-D signal's data: rows are y).
struct ImagePanel {
  std::vector<double> data;  ///< width * height values; NaN pixels are left blank (background)
  size_t width = 0;          ///< columns (x)
  size_t height = 0;         ///< rows (y)
  ImageAxis x_axis{0, 1, "x", ""};
  ImageAxis y_axis{0, 1, "y", ""};
  std::string title;           ///< above the map, wrapped at ImagesOptions::label_wrap characters
  std::string colorbar_label;  ///< beside the colour bar (e.g. "counts"); may be empty
  /// Colour range; each defaults to the finite minimum / maximum of `data`. A constant map is shown
  /// at the middle of the colour map with a range of +-10 % around its value (+-1 around 0).
  std::optional<double> vmin;
  std::optional<double> vmax;
};

/// Layout and look of WriteImagesPng.
struct ImagesOptions {
  int per_row = 3;         ///< panels per row (>= 1); fewer when there are fewer panels
  size_t label_wrap = 30;  ///< panel titles wrap at this many characters (Python's textwrap.fill)
  std::string suptitle;    ///< over the whole figure; empty for none
  Colormap colormap = Colormap::kViridis;
  bool colorbar = true;  ///< a colour bar with ticks right of every map
  /// Maps longer than this (pixels on a side) are shown block-averaged (NaN-aware) to fit.
  size_t max_panel_pixels = 1024;
  /// Maps shorter than this on their long side are enlarged by an integer factor (nearest neighbour).
  size_t min_panel_pixels = 256;
  /// HyperSpy's min_asp: a map more elongated than 1 : (1 / min_aspect) is stretched to that ratio;
  /// otherwise pixels are square.
  double min_aspect = 0.1;
};

/// Writes `panels` side by side, `per_row` to a row, to the PNG file `path` (replaced if it exists):
/// each map in the colour map with its title above, calibrated ticks and "x axis (nm)" labels, and a
/// colour bar with ticks on its right. Extents are pixel edges: offset - scale/2 to offset +
/// (n - 1/2) scale (HyperSpy 1.7 stretches the image from the first to the last pixel centre).
/// Errors: InvalidArgument for bad panels or options (naming the path and the panel), IoError when
/// the file cannot be written ("out.png: cannot write: Permission denied"); no file is left behind.
Status WriteImagesPng(const std::string& path, const std::vector<ImagePanel>& panels, const ImagesOptions& options);

/// One curve of a line plot.
struct LineSeries {
  std::vector<double> y;     ///< NaN values break the line
  std::vector<double> x;     ///< same size as y; empty: LinePlot::x
  std::string label;         ///< legend entry; empty: not in the legend
  std::optional<Rgb> color;  ///< default: the next colour of a 10-colour cycle
  double line_width = 1.5;   ///< pixels
};

/// A shaded vertical band over [left, right] in x units, e.g. an integration window "Fe_Ka".
struct SpanMarker {
  double left = 0;
  double right = 0;
  std::string label;         ///< written at the top of the band; empty for none
  std::optional<Rgb> color;  ///< default: a cycle of soft colours
};

/// A 1-D picture: one or several series against x, with optional span markers.
struct LinePlot {
  std::vector<double> x;           ///< shared x values of series whose own x is empty
  std::vector<LineSeries> series;  ///< at least one
  std::vector<SpanMarker> spans;
  std::string title;
  std::string x_label;  ///< "Energy"; the axis reads "Energy (keV)"
  std::string x_units;  ///< "keV"; may be empty
  std::string y_label;  ///< "Intensity"
  std::string y_units;  ///< may be empty
  int width = 800;      ///< picture size in pixels (>= 200)
  int height = 500;     ///< (>= 150)
  bool grid = true;     ///< light grid lines at the ticks
  /// Axis limits; default: the x range of the data, and the y range of the data with 5 % margins.
  std::optional<double> x_min, x_max, y_min, y_max;
};

/// Writes `plot` to the PNG file `path` (replaced if it exists): antialiased lines, nice ticks, axis
/// labels with units, a legend in the emptiest corner when any series has a label, and span markers
/// with staggered labels. Errors as WriteImagesPng.
Status WriteLinePlotPng(const std::string& path, const LinePlot& plot);

/// Python's textwrap.wrap(text, width), which textwrap.fill joins with newlines: words are packed
/// greedily, spaces inside a line kept as written and dropped at line ends, words may break after
/// an inner hyphen, and words longer than `width` characters are cut.
std::vector<std::string> WrapText(const std::string& text, size_t width);

/// HyperSpy's label='auto' for plot_images (§8.5): when the titles share a beginning longer than 40 %
/// of the first title, that beginning (trailing spaces and '(' trimmed) is the suptitle and each
/// label is the rest; otherwise the labels are the titles and the suptitle is empty.
struct SharedTitles {
  std::string suptitle;
  std::vector<std::string> labels;
};
SharedTitles SplitSharedTitles(const std::vector<std::string>& titles);

}  // namespace hyperchunk::plot
