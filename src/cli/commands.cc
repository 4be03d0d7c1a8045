// The registry of commands: one line per command.
#include "command.h"

namespace hyperchunk::cli {

std::unique_ptr<Command> MakeDemoCommand();
std::unique_ptr<Command> MakeInfoCommand();
std::unique_ptr<Command> MakeReduceCommand();
std::unique_ptr<Command> MakeSliceCommand();
std::unique_ptr<Command> MakeRebinCommand();
std::unique_ptr<Command> MakeRoiCommand();
std::unique_ptr<Command> MakeNavigatorCommand();
std::unique_ptr<Command> MakeLinesCommand();
std::unique_ptr<Command> MakeConvertCommand();
std::unique_ptr<Command> MakeSynthCommand();

std::span<const CommandInfo> AllCommands() {
  static const CommandInfo kCommands[] = {
      {"info", "what a .hspy file holds: signal, chunks, axes, metadata (reads no data)", &MakeInfoCommand},
      {"reduce", "sum, mean, max, min, std, var, argmax or argmin over axes of a .hspy file", &MakeReduceCommand},
      {"slice", "a selection of a .hspy file by index or calibrated value (s.inav[...].isig[...])", &MakeSliceCommand},
      {"rebin", "bin a .hspy file by integer or fractional factors (s.rebin), after an optional slice",
       &MakeRebinCommand},
      {"roi", "a region of interest of a .hspy file (roi(s)): rectangle, span, point, circle or line; or its sum",
       &MakeRoiCommand},
      {"navigator", "s.compute_navigator(): the navigation image summed over the signal chunk holding an index",
       &MakeNavigatorCommand},
      {"lines", "X-ray line intensity maps of an EDS file (s.get_lines_intensity), all lines in one pass",
       &MakeLinesCommand},
      {"convert", "load and save a .hspy file with other chunks or compression, streamed", &MakeConvertCommand},
      {"synth", "write the tutorial's synthetic EDS spectrum image (Fe, Pt) as a .hspy file", &MakeSynthCommand},
      {"demo", "the tutorial end to end on a generated dataset", &MakeDemoCommand},
  };
  return kCommands;
}

}  // namespace hyperchunk::cli
