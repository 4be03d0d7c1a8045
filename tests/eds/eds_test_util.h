// EDS test signals and a log collector shared by eds_signal_test and lines_intensity_test.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>

#include "hyperchunk/signal/signal.h"

namespace hyperchunk::eds::testing {

/// Collects log lines as "level:message".
class LinesSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> lines;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    lines.push_back(std::string(spdlog::level::to_string_view(msg.level).data()) + ":" +
                    std::string(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}
};

/// A Context of 2 threads logging (all levels) into `sink` when given.
inline std::shared_ptr<Context> Ctx(std::shared_ptr<LinesSink> sink = nullptr) {
  ContextOptions o;
  o.threads = 2;
  if (sink) {
    o.logger = std::make_shared<spdlog::logger>("eds_test", sink);
    o.logger->set_level(spdlog::level::trace);
  }
  return std::make_shared<Context>(o);
}

/// An EDS spectrum image over `data` (array order: navigation axes "y", "x" as present, then the
/// energy axis), energy axis `offset`, `scale` in `units`, in chunks of 2 along each navigation
/// axis and 248 channels.
inline Signal MakeEds(NdArray data, bool lazy = true, const std::string& signal_type = "EDS_TEM", double offset = 0.16,
                      double scale = 0.02, const std::string& units = "keV", std::shared_ptr<Context> ctx = Ctx()) {
  const Shape shape = data.shape();
  const size_t nav = shape.size() - 1;
  std::vector<DataAxis> axes;
  const char* names[] = {"y", "x"};
  Shape chunks;
  for (size_t d = 0; d < nav; ++d) {
    axes.push_back(DataAxis::Uniform(shape[d], 1.0, 0.0, std::string(names[d + 2 - nav]), std::string("nm"), true));
    chunks.push_back(2);
  }
  axes.push_back(DataAxis::Uniform(shape[nav], scale, offset, std::string("Energy"), units));
  chunks.push_back(248);
  MetadataTree md;
  EXPECT_TRUE(md.Set("General.title", Value::String("SI")).ok());
  EXPECT_TRUE(md.Set("Signal.signal_type", Value::String(signal_type)).ok());
  auto s = Signal::Create(Array::FromNdArray(std::move(data), chunks), axes, md, lazy, std::move(ctx));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : Signal();
}

/// A zero spectrum of `channels` channels (no navigation axes).
inline Signal ZeroSpectrum(const std::string& signal_type = "EDS_TEM", double offset = 0.16, double scale = 0.02,
                           const std::string& units = "keV", Index channels = 992) {
  return MakeEds(NdArray::Zeros(DType::kUInt16, {channels}), false, signal_type, offset, scale, units);
}

/// `Sample.<what>` as strings ("" entries when absent).
inline std::vector<std::string> SampleList(const Signal& s, const std::string& what) {
  std::vector<std::string> out;
  const Value* v = s.metadata().Find("Sample." + what);
  if (v == nullptr) return {"<absent>"};
  for (const Value& item : v->items()) out.push_back(item.as_string());
  return out;
}

}  // namespace hyperchunk::eds::testing
