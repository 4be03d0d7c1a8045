// What `hyperchunk demo --out DIR` writes: pictures of the tutorial's results (as HyperSpy would plot
// them) and the results as .npy files.
#pragma once

#include <filesystem>

#include "command.h"
#include "demo_data.h"

namespace hyperchunk::cli {

/// Writes into `folder`, printing a line for each file on env.out():
/// navigator.png (s.navigator with its colour bar), lines.png (the maps side by side with their
/// titles, as hs.plot.plot_images), sum_spectrum.png and roi_spectrum.png (x in keV, the lines'
/// integration windows shaded and labelled), rebinned.png (the rebinned data summed over energy);
/// and navigator.npy, navigator_full.npy, lines.npy (the maps stacked: (n_lines, y, x)),
/// sum_spectrum.npy, rebinned.npy, roi_spectrum.npy (array order, the results' dtypes).
Status WriteDemoResults(CommandEnv& env, const std::filesystem::path& folder, const DemoResults& results);

}  // namespace hyperchunk::cli
