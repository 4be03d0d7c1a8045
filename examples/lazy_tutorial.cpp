// HyperSpy's lazy-processing tutorial with hyperchunk's C++ API: load a spectrum image lazily, compute
// its navigator, X-ray line maps and sum spectrum (in one pass over the file), rebin it, and sum the
// spectra of a region of interest. Copy freely.
//
//   hyperchunk synth tutorial.hspy                                 # the tutorial's dataset (Fe, Pt)
//   hyperchunk synth tutorial2.hspy --chunks 16,512,992            # the same data, whole spectra per chunk
//   lazy_tutorial tutorial.hspy [tutorial2.hspy] [lines.png]
//
// In CMake: find_package(hyperchunk) or add_subdirectory, then
//   target_link_libraries(my_program PRIVATE hyperchunk::hyperchunk)
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hyperchunk/eds/eds_signal.h"
#include "hyperchunk/exec/progress.h"
#include "hyperchunk/plot/plot.h"
#include "hyperchunk/roi/roi.h"
#include "hyperchunk/signal/navigator.h"
#include "hyperchunk/signal/signal.h"

using namespace hyperchunk;

// Errors are values (Status, Result<T>); this program simply stops at the first one.
void OrExit(const Status& status) {
  if (status.ok()) return;
  std::cerr << "lazy_tutorial: " << status.ToString() << "\n";
  std::exit(1);
}
template <typename T>
T OrExit(Result<T> result) {
  OrExit(result.status());
  return std::move(result).value();
}

// hs.plot.plot_images(maps): the maps side by side, each with its title and colour bar.
Status PlotImages(const std::vector<Signal>& maps, const std::string& path) {
  std::vector<plot::ImagePanel> panels;
  for (const Signal& map : maps) {
    HC_ASSIGN_OR_RETURN(const NdArray values, map.Values());  // array order: (y, x)
    plot::ImagePanel panel;
    for (Index i = 0; i < values.size(); ++i) panel.data.push_back(values.GetAsDouble(i));
    panel.height = static_cast<size_t>(values.shape()[0]);
    panel.width = static_cast<size_t>(values.shape()[1]);
    panel.title = map.title();
    panels.push_back(std::move(panel));
  }
  plot::ImagesOptions options;
  options.colormap = plot::Colormap::kGray;
  return plot::WriteImagesPng(path, panels, options);
}

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::cerr << "usage: lazy_tutorial FILE.hspy [FILE2.hspy] [LINES.png]\n";
    return 2;
  }
  const std::string file1 = argv[1], file2 = argc > 2 ? argv[2] : argv[1];

  // How work runs: one thread per core, a 1 GiB memory budget, a progress bar on a terminal.
  ContextOptions options;
  options.progress = MakeTerminalProgress(stderr, /*force=*/false);
  auto ctx = std::make_shared<Context>(options);

  // 2. s = hs.load(file1, lazy=True): reads the metadata, the axes and the chunk index; no data.
  Signal s = OrExit(Load(file1, {.lazy = true}, ctx));
  std::cout << ">>> s\n" << s.Repr() << "\n" << s.DescribeTable() << "\n";

  // 3. s.compute_navigator(index=6.3): sums only the signal chunk that holds 6.3 keV.
  NavigatorOptions at_6_3;
  at_6_3.index = {6.3};
  const Signal navigator = OrExit(ComputeNavigator(s, at_6_3));
  OrExit(StoreNavigator(s, navigator));  // s.navigator = ...; s.plot() would show it
  std::cout << ">>> s.navigator\n" << navigator.Repr() << "\n";

  // 4. im = s.get_lines_intensity(['Fe_Ka', 'Pt_La']) and sum_spectrum = s.sum(): lazy until
  //    ComputeTogether computes all three in one pass, each chunk of the file read once.
  eds::LinesIntensityOptions lines;
  lines.xray_lines = std::vector<std::string>{"Fe_Ka", "Pt_La"};
  std::vector<Signal> im = OrExit(eds::GetLinesIntensity(s, lines));
  Signal sum_spectrum = OrExit(s.Sum());
  OrExit(ComputeTogether({&im[0], &im[1], &sum_spectrum}));
  for (size_t i = 0; i < im.size(); ++i) std::cout << ">>> im[" << i << "]\n" << im[i].Repr() << "\n";
  std::cout << ">>> sum_spectrum\n" << sum_spectrum.Repr() << "\n";
  if (argc > 3) OrExit(PlotImages(im, argv[3]));

  // 5. s2.isig[:15.0].rebin(scale=(4, 4, 1)): energies below 15 keV, 4x4 pixels binned.
  const Signal s2 = OrExit(Load(file2, {.lazy = true}, ctx));
  RebinOptions rebin;
  rebin.scale = std::vector<double>{4, 4, 1};  // natural order: x, y | Energy
  Signal binned = OrExit(OrExit(s2.Isig({IndexSpec::Range(std::nullopt, 15.0)})).Rebin(rebin));
  std::cout << ">>> s2.isig[:15.0].rebin(scale=(4, 4, 1))\n" << binned.Repr() << "\n";
  OrExit(binned.Compute());  // in memory now: an EDSTEMSpectrum
  std::cout << ">>> _.compute()\n" << binned.Repr() << "\n";

  // 6. The summed spectrum of a 10x10 region of the navigator (values in the axes' units, nm).
  const RectangularRoi roi = OrExit(RectangularRoi::Create(100, 100, 110, 110));
  Signal roi_sum = OrExit(OrExit(roi.Apply(s)).Sum());  // roi(s).sum()
  OrExit(roi_sum.Compute());
  const NdArray counts = OrExit(roi_sum.Values());
  double total = 0;
  for (Index i = 0; i < counts.size(); ++i) total += counts.GetAsDouble(i);
  std::cout << ">>> roi = hs.roi." << roi.Repr() << "\n>>> roi(s).sum()\n"
            << roi_sum.Repr() << "\n"
            << total << " counts in the region\n";
  return 0;
}
