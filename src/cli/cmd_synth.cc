// `hyperchunk synth OUT [--shape ...] [--chunks ...] [--dtype ...] [--compression ...] [--elements
// Fe,Pt] [--seed N]`: writes the tutorial's synthetic EDS spectrum image as a .hspy file, generated
// and compressed chunk by chunk in the worker threads (any size in bounded memory).
#include <algorithm>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "command.h"
#include "hspy_options.h"
#include "hyperchunk/eds/synth.h"
#include "hyperchunk/store/hspy.h"

namespace hyperchunk::cli {
namespace {

class SynthCommand final : public Command {
 public:
  void Configure(CLI::App& app) override {
    app.add_option("OUT", out_, "the .hspy file to write")->required();
    app.add_option("--shape", shape_, "array shape, array order (y, x, energy)")->capture_default_str();
    app.add_option("--dtype", dtype_, "float64, float32, uint16, ...")->capture_default_str();
    app.add_option("--elements", elements_, "elements, comma-separated: the first is the matrix")
        ->capture_default_str();
    app.add_option("--seed", seed_, "same seed, same data")->capture_default_str();
    app.add_option("--offset", offset_, "energy of the first channel (keV)")->capture_default_str();
    app.add_option("--scale", scale_, "channel width (keV)")->capture_default_str();
    flags_.Add(app);
    app.footer(
        "Examples:\n"
        "  hyperchunk synth tutorial.hspy                           # 512x512x992 float64, chunks 64,512,248\n"
        "  hyperchunk synth tutorial2.hspy --chunks 16,512,992      # the tutorial's second file\n"
        "  hyperchunk synth small.hspy --shape 64,64,992 --dtype uint16 --compression none");
  }

  Status Validate() override { return flags_.Options().status(); }

  Status Run(CommandEnv& env) override {
    HC_ASSIGN_OR_RETURN(HspyWriteOptions write, flags_.Options());
    eds::SynthOptions o;
    HC_ASSIGN_OR_RETURN(o.shape, ParseShape(shape_, "--shape"));
    o.chunks = write.chunks.value_or(o.shape.size() == 3 ? Shape{64, 512, 248} : Shape(o.shape.size(), 0));
    for (size_t d = 0; d < o.chunks.size() && d < o.shape.size(); ++d) o.chunks[d] = std::min(o.chunks[d], o.shape[d]);
    if (!write.chunks) write.chunks = o.chunks;
    HC_ASSIGN_OR_RETURN(o.dtype, ParseDType(dtype_));
    o.elements.clear();
    std::stringstream ss(elements_);
    for (std::string e; std::getline(ss, e, ',');) o.elements.push_back(e);
    o.seed = seed_;
    o.offset_kev = offset_;
    o.scale_kev = scale_;
    HC_ASSIGN_OR_RETURN(Array data, eds::MakeSyntheticEds(o));

    SignalRecord s;
    s.data = data;
    const size_t rank = o.shape.size();
    const char* nav_names[] = {"y", "x"};
    for (size_t d = 0; d < rank; ++d) {
      AxisRecord a;
      a.size = o.shape[d];
      if (d + 1 == rank) {
        a.name = "Energy";
        a.units = "keV";
        a.offset = o.offset_kev;
        a.scale = o.scale_kev;
        a.is_binned = true;
      } else {
        a.navigate = true;
        a.name = rank - 1 - d <= 2 ? nav_names[2 - (rank - 1 - d)] : fmt::format("axis{}", d);
        a.units = o.nav_units;
        a.scale = o.nav_scale;
        a.offset = o.nav_offset;
      }
      s.axes.push_back(a);
    }
    // HyperSpy keeps Sample.elements sorted (the generator's order says which is the matrix).
    std::vector<std::string> sorted = o.elements;
    std::sort(sorted.begin(), sorted.end());
    std::vector<Value> elements;
    for (const auto& e : sorted) elements.push_back(Value::String(e));
    HC_RETURN_IF_ERROR(s.metadata.Set("General.title", Value::String("")));
    HC_RETURN_IF_ERROR(s.metadata.Set("Signal.signal_type", Value::String("EDS_TEM")));
    HC_RETURN_IF_ERROR(s.metadata.Set("Sample.elements", Value::List(elements)));
    HC_RETURN_IF_ERROR(s.metadata.Set("Acquisition_instrument.TEM.beam_energy", Value::Float(o.beam_energy_kev)));
    HC_RETURN_IF_ERROR(s.metadata.Set("Acquisition_instrument.TEM.Detector.EDS.energy_resolution_MnKa",
                                      Value::Float(o.energy_resolution_mnka_ev)));
    HC_RETURN_IF_ERROR(s.metadata.Set("Acquisition_instrument.TEM.Detector.EDS.azimuth_angle", Value::Float(0.0)));
    HC_RETURN_IF_ERROR(s.metadata.Set("Acquisition_instrument.TEM.Detector.EDS.elevation_angle", Value::Float(35.0)));
    HC_RETURN_IF_ERROR(s.metadata.Set("Acquisition_instrument.TEM.Stage.tilt_alpha", Value::Float(0.0)));
    HC_RETURN_IF_ERROR(s.original_metadata.Set("generator", Value::String("hyperchunk synth")));
    HC_RETURN_IF_ERROR(s.original_metadata.Set("seed", Value::Int(static_cast<int64_t>(o.seed), DType::kUInt64)));
    HC_RETURN_IF_ERROR(env.RecordGraph({data}));
    return WriteHspy(env.context(), s, out_, write);
  }

 private:
  std::string out_;
  std::string shape_ = "512,512,992";
  std::string dtype_ = "float64";
  std::string elements_ = "Fe,Pt";
  uint64_t seed_ = 0;
  double offset_ = 0.16, scale_ = 0.02;
  HspyWriteFlags flags_;
};

}  // namespace

std::unique_ptr<Command> MakeSynthCommand() { return std::make_unique<SynthCommand>(); }

}  // namespace hyperchunk::cli
