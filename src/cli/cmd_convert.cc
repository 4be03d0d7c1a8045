// `hyperchunk convert IN OUT [--chunks C,...] [--compression gzip|none] [--overwrite]`: load + save,
// streamed chunk by chunk (HyperSpy: hs.load(IN, lazy=True).save(OUT, chunks=..., compression=...)).
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "command.h"
#include "hspy_options.h"
#include "hyperchunk/store/hspy.h"

namespace hyperchunk::cli {
namespace {

class ConvertCommand final : public Command {
 public:
  void Configure(CLI::App& app) override {
    app.add_option("IN", in_, "a HyperSpy .hspy file")->required();
    app.add_option("OUT", out_, "the .hspy file to write")->required();
    flags_.Add(app);
    app.footer(
        "Examples:\n"
        "  hyperchunk convert scan.hspy scan_nav.hspy --chunks 16,512,992\n"
        "  hyperchunk convert scan.hspy scan_raw.hspy --compression none --overwrite");
  }

  Status Validate() override { return flags_.Options().status(); }

  Status Run(CommandEnv& env) override {
    HC_ASSIGN_OR_RETURN(HspyWriteOptions options, flags_.Options());
    HC_ASSIGN_OR_RETURN(HspyFile file, ReadHspy(in_));
    if (file.experiments.size() != 1)
      return InvalidArgument(
          fmt::format("{}: holds {} signals; convert writes files with one", in_, file.experiments.size()));
    HC_RETURN_IF_ERROR(env.RecordGraph({file.experiments[0].data}));
    return WriteHspy(env.context(), file.experiments[0], out_, options);
  }

 private:
  std::string in_, out_;
  HspyWriteFlags flags_;
};

}  // namespace

std::unique_ptr<Command> MakeConvertCommand() { return std::make_unique<ConvertCommand>(); }

}  // namespace hyperchunk::cli
