// The demo's data: the tutorial's two files (the `synth` command's dataset, chunked two ways) at the
// tutorial's size or a small one, and the checks of the demo's results — exact where the results
// must agree with each other (every value is a count, so float64 sums are exact in any order),
// statistical against the generator's expected counts.
#pragma once

#include <array>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hyperchunk/core/shape.h"
#include "hyperchunk/core/status.h"
#include "hyperchunk/eds/eds_signal.h"
#include "hyperchunk/eds/synth.h"
#include "hyperchunk/exec/context.h"
#include "hyperchunk/signal/signal.h"

namespace hyperchunk::cli {

/// One size of the demo. Shapes and chunks in array order (y, x, Energy).
struct DemoSize {
  std::string name;  ///< "seed" (the tutorial's) or "small"
  Shape shape;
  Shape chunks1;  ///< file 1: spectra cut in four along energy (cheap navigators of one energy range)
  Shape chunks2;  ///< file 2: whole spectra in each chunk (what rebin and pixel spectra like)
  std::string file1, file2;
  /// RectangularROI(left, top, right, bottom) on the navigator, in nm (navigation pixels are 1 nm): the
  /// tutorial's 10x10 one.
  std::array<double, 4> roi;
};

/// "seed": 512x512x992, chunks (64, 512, 248) and (16, 512, 992), ROI (100, 100, 110, 110);
/// "small": 64x64x992, chunks (8, 64, 248) and (2, 64, 992), ROI (30, 45, 40, 55) (over a Pt particle).
Result<DemoSize> FindDemoSize(std::string_view name);

/// The arguments of `hyperchunk synth` after OUT that write file 1 or 2 (`file`) of `size`: none
/// for the tutorial's file 1 (synth's defaults), else --shape / --chunks.
std::vector<std::string> SynthArguments(const DemoSize& size, int file);
/// The generator's options behind those arguments (synth's defaults otherwise).
eds::SynthOptions SynthOptionsOf(const DemoSize& size, int file);

/// Why the file at `path` does not hold what `options` generate, or "" when it does: its class,
/// shape, chunks, dtype, energy axis and generator metadata must match, and its last pixel's
/// channels in the last chunk (one chunk read) must equal the generator's, value for value. A
/// missing or unreadable file is a reason.
std::string DifferenceFromSynth(Context& ctx, const std::string& path, const eds::SynthOptions& options);

/// The tutorial's results, computed (in memory), and what the checks need to know about them.
struct DemoResults {
  const Signal& s;                                       ///< hs.load(file 1, lazy=True)
  const Signal& navigator;                               ///< s.compute_navigator(index=6.3): (|x, y)
  std::string navigator_title;                           ///< e.g. "s.compute_navigator(index=6.3): 5.12 to 10.06 keV"
  std::pair<Index, Index> navigator_channels;            ///< the channels it sums: [first, stop)
  const Signal& full_navigator;                          ///< s.compute_navigator(chunks_number=1)
  const std::vector<Signal>& maps;                       ///< s.get_lines_intensity(lines)
  const std::vector<std::string>& lines;                 ///< e.g. Fe_Ka, Pt_La
  const std::vector<eds::IntegrationWindow>& windows;    ///< the lines' windows, keV
  const std::vector<std::pair<Index, Index>>& channels;  ///< the windows' channels: [first, stop)
  const Signal& sum_spectrum;                            ///< s.sum()
  const Signal& binned;                                  ///< s2.isig[:15.0].rebin(scale=(4, 4, 1))
  const Signal& roi_spectrum;                            ///< roi(s).sum()
  std::array<double, 4> roi;                             ///< RectangularROI: left, top, right, bottom (nm)
  std::array<Index, 4> roi_pixels;                       ///< the pixels it covers: x0, x1, y0, y1 (x1, y1 excluded)
};

/// Checks the results, printing one line per check on `out` ("   ok   what: detail" or "   FAIL ..."):
/// exactly against each other (the navigators, maps, rebinned data of file 2 and ROI spectrum against
/// the sum spectrum and the full navigator: every value is a count, so float64 sums are exact in any
/// order), and against the generator of file 1 (the ROI's counts within 5 Poisson sigmas of the
/// expected ones; each map correlated with its element's amount). An error names the failed checks.
Status CheckDemoResults(const DemoSize& size, const DemoResults& results, std::FILE* out);

}  // namespace hyperchunk::cli
