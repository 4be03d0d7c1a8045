// `hyperchunk slice FILE [--inav SPEC] [--isig SPEC] [-o OUT]`: s.inav[INAV].isig[ISIG] of a .hspy
// file (reference §5.2), lazily: only the chunks the selection touches are read.
#include <string>

#include <CLI/CLI.hpp>

#include "command.h"
#include "signal_output.h"

namespace hyperchunk::cli {
namespace {

class SliceCommand final : public Command {
 public:
  void Configure(CLI::App& app) override {
    app.add_option("FILE", path_, "a HyperSpy .hspy file")->required();
    slices_.Add(app);
    output_.Add(app);
    app.footer(
        "Index specs follow HyperSpy's isig/inav: a number with a decimal point or exponent is a calibrated\n"
        "value (the nearest channel; ties go to the value closer to zero), a plain integer is an index.\n"
        "The navigation selection is applied first: s.inav[INAV].isig[ISIG].\n"
        "Examples:\n"
        "  hyperchunk slice scan.hspy --isig :15.0 -o below_15keV.hspy     # s.isig[:15.0]\n"
        "  hyperchunk slice scan.hspy --isig 6.3:7.1 -o fe_window.hspy    # s.isig[6.3:7.1]\n"
        "  hyperchunk slice scan.hspy --inav 10:20,5 -o row5.hspy        # s.inav[10:20, 5]\n"
        "  hyperchunk slice scan.hspy --inav=-1,-1 -o last_pixel.csv      # s.inav[-1, -1]\n"
        "  hyperchunk slice scan.hspy --isig 6.3 -o map_at_6.3keV.npy     # s.isig[6.3]: the energy axis removed");
  }

  Status Validate() override {
    HC_RETURN_IF_ERROR(slices_.Validate());
    return output_.Validate();
  }

  Status Run(CommandEnv& env) override {
    HC_ASSIGN_OR_RETURN(Signal s, LoadSignal(env, path_, "slice"));
    HC_ASSIGN_OR_RETURN(Signal result, slices_.Apply(s, path_));
    return WriteSignalOutput(env, result, output_, path_);
  }

 private:
  std::string path_;
  SliceFlags slices_;
  SignalOutputFlags output_;
};

}  // namespace

std::unique_ptr<Command> MakeSliceCommand() { return std::make_unique<SliceCommand>(); }

}  // namespace hyperchunk::cli
