#include "hspy_write_cases.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <numbers>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hspy_write_expect.h"
#include "hyperchunk/array/array.h"

namespace hyperchunk::interop {
namespace {

using Entries = std::vector<std::pair<std::string, Value>>;

AxisRecord Uniform(std::optional<std::string> name, std::optional<std::string> units, Index size, double scale,
                   double offset, bool navigate, bool binned = false) {
  AxisRecord a;
  a.name = std::move(name);
  a.units = std::move(units);
  a.size = size;
  a.scale = scale;
  a.offset = offset;
  a.navigate = navigate;
  a.is_binned = binned;
  return a;
}
AxisRecord Nav(Index size) { return Uniform(std::nullopt, std::nullopt, size, 1.0, 0.0, true); }
AxisRecord Sig(Index size) { return Uniform(std::nullopt, std::nullopt, size, 1.0, 0.0, false); }

MetadataTree Tree(const Entries& entries) {
  MetadataTree tree;
  for (const auto& [path, value] : entries) {
    const Status st = tree.Set(path, value);
    if (!st.ok()) throw std::runtime_error("metadata " + path + ": " + st.ToString());
  }
  return tree;
}

Value Str(std::string s) { return Value::String(std::move(s)); }
Value I64(int64_t v) { return Value::Int(v); }
Value F64(double v) { return Value::Float(v); }
Value F32(float v) { return Value::Float(static_cast<double>(v), DType::kFloat32); }
Value U64(uint64_t v) { return Value::Int(static_cast<int64_t>(v), DType::kUInt64); }
Value Arr(DType dtype, const Shape& shape, uint64_t seed = 0) {
  return Value::Array(FixtureValues(dtype, shape, seed));
}

// A case whose data is `data` cut into `array_chunks` (the HDF5 chunks unless options say otherwise).
WriteCase Make(std::string name, std::string note, NdArray data, const Shape& array_chunks,
               std::vector<AxisRecord> axes, const Entries& metadata, std::string cls, std::string lazy_cls) {
  WriteCase c;
  c.name = std::move(name);
  c.note = std::move(note);
  c.data = data;
  c.signal.data = Array::FromNdArray(std::move(data), array_chunks);
  c.signal.axes = std::move(axes);
  c.signal.metadata = Tree(metadata);
  c.cls = std::move(cls);
  c.lazy_cls = std::move(lazy_cls);
  c.h5_chunks = array_chunks;
  return c;
}

std::shared_ptr<const SignalRecord> NestedSignal(NdArray data, std::vector<AxisRecord> axes, const Entries& metadata) {
  auto s = std::make_shared<SignalRecord>();
  const Shape shape = data.shape();
  s->data = Array::FromNdArray(std::move(data), shape);
  s->axes = std::move(axes);
  s->metadata = Tree(metadata);
  return s;
}

Entries Title(const std::string& title, const std::string& signal_type = "") {
  return {{"General.title", Str(title)}, {"Signal.signal_type", Str(signal_type)}};
}

void AddDTypeCases(std::vector<WriteCase>& cases) {
  for (DType dtype : kAllDTypes) {
    const std::string name(DTypeName(dtype));
    cases.push_back(Make("dtype_" + name, "type extremes, gzip + shuffle, ragged (2,3,4) chunks of (3,4,7)",
                         FixtureValues(dtype, {3, 4, 7}), {2, 3, 4}, {Nav(3), Nav(4), Sig(7)}, Title("dtype " + name),
                         "Signal1D", "LazySignal1D"));
  }
}

void AddLayoutCases(std::vector<WriteCase>& cases) {
  using Compression = HspyWriteOptions::Compression;
  const std::vector<AxisRecord> axes3 = {Nav(6), Nav(7), Sig(30)};
  WriteCase c = Make("gzip_level9_no_shuffle", "gzip level 9 without shuffle", FixtureValues(DType::kInt32, {6, 7, 30}),
                     {4, 4, 16}, axes3, Title("gzip 9"), "Signal1D", "LazySignal1D");
  c.options.gzip_level = 9;
  c.options.shuffle = false;
  cases.push_back(std::move(c));

  c = Make("gzip_level0", "gzip level 0 (stored deflate blocks), one chunk", FixtureValues(DType::kUInt16, {5, 6, 9}),
           {5, 6, 9}, {Nav(5), Nav(6), Sig(9)}, Title("gzip 0"), "Signal1D", "LazySignal1D");
  c.options.gzip_level = 0;
  cases.push_back(std::move(c));

  c = Make("no_compression", "no filters at all", FixtureValues(DType::kFloat64, {5, 6, 9}), {2, 6, 9},
           {Nav(5), Nav(6), Sig(9)}, Title("no compression"), "Signal1D", "LazySignal1D");
  c.options.compression = Compression::kNone;
  cases.push_back(std::move(c));

  c = Make("chunks_option_ragged", "options.chunks (4,5,6) over (10,11,12), array chunks (3,3,12): rechunked, ragged",
           FixtureValues(DType::kUInt16, {10, 11, 12}), {3, 3, 12}, {Nav(10), Nav(11), Sig(12)}, Title("chunks 4 5 6"),
           "Signal1D", "LazySignal1D");
  c.options.chunks = Shape{4, 5, 6};
  c.h5_chunks = {4, 5, 6};
  cases.push_back(std::move(c));

  c = Make("chunks_single_element", "options.chunks (1,1,1)", FixtureValues(DType::kInt8, {3, 4, 5}), {3, 4, 5},
           {Nav(3), Nav(4), Sig(5)}, Title("chunks 1 1 1"), "Signal1D", "LazySignal1D");
  c.options.chunks = Shape{1, 1, 1};
  c.h5_chunks = {1, 1, 1};
  cases.push_back(std::move(c));

  c = Make("chunks_larger_than_shape", "options.chunks (10,10,10) over (3,4,5): clamped to the shape",
           FixtureValues(DType::kUInt8, {3, 4, 5}), {2, 2, 2}, {Nav(3), Nav(4), Sig(5)}, Title("chunks clamped"),
           "Signal1D", "LazySignal1D");
  c.options.chunks = Shape{10, 10, 10};
  c.h5_chunks = {3, 4, 5};
  cases.push_back(std::move(c));

  // Irregular array chunks ((2,3),(4,),(7,5)): HDF5 chunks are the first chunk of each axis (§1.8 rule 3).
  NdArray irregular = FixtureValues(DType::kFloat32, {5, 4, 12}, 11);
  c = Make("chunks_irregular", "irregular array chunks ((2,3),(4,),(7,5)) -> HDF5 chunks (2,4,7)", irregular,
           {5, 4, 12}, {Nav(5), Nav(4), Sig(12)}, Title("irregular"), "Signal1D", "LazySignal1D");
  c.signal.data = Array::FromNdArray(irregular, *ChunkGrid::Make({{2, 3}, {4}, {7, 5}}));
  c.h5_chunks = {2, 4, 7};
  cases.push_back(std::move(c));

  c = Make("threads_inline", "written by an inline Context (threads = 1)", FixtureValues(DType::kUInt16, {8, 9, 10}, 5),
           {3, 4, 5}, {Nav(8), Nav(9), Sig(10)}, Title("inline"), "Signal1D", "LazySignal1D");
  c.threads = 1;
  cases.push_back(std::move(c));

  // A lazy expression, not an array in memory: generator -> float32 -> * 2. The expected values
  // are the formula evaluated here.
  const Shape shape = {6, 5, 40};
  NdArray expected = NdArray::Empty(DType::kFloat32, shape);
  for (Index i = 0; i < expected.size(); ++i) expected.data<float>()[i] = static_cast<float>(i % 977) * 0.5f * 2.0f;
  c = Make("lazy_expression", "data computed while writing: generator, astype(float32), * 2", expected, {4, 2, 40},
           {Nav(6), Nav(5), Sig(40)}, Title("expression"), "Signal1D", "LazySignal1D");
  const ChunkGrid grid = ChunkGrid::Regular(shape, {4, 2, 40});
  Array generated = Array::FromGenerator("formula", DType::kFloat64, grid, [shape](const Box& box, NdArray& out) {
    Index k = 0;
    for (Index y = box.start[0]; y < box.start[0] + box.shape()[0]; ++y)
      for (Index x = box.start[1]; x < box.start[1] + box.shape()[1]; ++x)
        for (Index e = box.start[2]; e < box.start[2] + box.shape()[2]; ++e)
          out.data<double>()[k++] = static_cast<double>(((y * shape[1] + x) * shape[2] + e) % 977) * 0.5;
    return Status::Ok();
  });
  c.signal.data = generated.AsType(DType::kFloat32) * 2.0f;
  cases.push_back(std::move(c));
}

void AddDimensionCases(std::vector<WriteCase>& cases) {
  cases.push_back(Make("nav1_signal1d", "one navigation axis, calibrated, binned energy axis",
                       FixtureValues(DType::kFloat64, {5, 20}, 8), {2, 20},
                       {Uniform("x", "nm", 5, 2.5, -1.0, true), Uniform("Energy", "eV", 20, 0.5, 100.0, false, true)},
                       Title("nav1"), "Signal1D", "LazySignal1D"));
  cases.push_back(Make("nav2_signal1d", "two navigation axes, non-ASCII units",
                       FixtureValues(DType::kInt16, {4, 3, 16}, 3), {3, 3, 8},
                       {Uniform("y", "µm", 4, 0.25, 10.0, true), Uniform("x", "µm", 3, 0.25, -10.0, true),
                        Uniform("Energy", "keV", 16, 0.01, -0.2, false)},
                       Title("nav2"), "Signal1D", "LazySignal1D"));
  cases.push_back(Make("single_spectrum", "one spectrum: no navigation axis", FixtureValues(DType::kFloat32, {50}, 9),
                       {50}, {Uniform("Energy", "keV", 50, 0.1, 0.0, false)}, Title("spectrum"), "Signal1D",
                       "LazySignal1D"));
  cases.push_back(Make("one_element", "a single value: shape (1,), one signal axis",
                       FixtureValues(DType::kFloat64, {1}, 20), {1}, {Sig(1)}, Title("one"), "Signal1D",
                       "LazySignal1D"));
  cases.push_back(Make("signal2d_nav0", "one image", FixtureValues(DType::kUInt8, {6, 7}, 2), {4, 7},
                       {Uniform("y", "nm", 6, 1.5, 0.0, false), Uniform("x", "nm", 7, 1.5, 0.0, false)}, Title("image"),
                       "Signal2D", "LazySignal2D"));
  cases.push_back(Make("signal2d_nav1", "an image stack", FixtureValues(DType::kFloat32, {3, 6, 7}, 4), {2, 3, 7},
                       {Uniform("frame", "s", 3, 0.1, 0.0, true), Sig(6), Sig(7)}, Title("stack"), "Signal2D",
                       "LazySignal2D"));
  cases.push_back(Make("signal2d_nav2", "4-D: 2-D navigation, 2-D signal", FixtureValues(DType::kUInt16, {2, 3, 4, 5}),
                       {1, 2, 4, 5}, {Nav(2), Nav(3), Sig(4), Sig(5)}, Title("4d"), "Signal2D", "LazySignal2D"));
  cases.push_back(Make("basesignal_nav_only", "navigation axes only: BaseSignal",
                       FixtureValues(DType::kFloat64, {4, 5}), {2, 5}, {Nav(4), Nav(5)}, Title("nav only"),
                       "BaseSignal", "LazySignal"));
  cases.push_back(Make("basesignal_3d_signal", "three signal axes: BaseSignal", FixtureValues(DType::kInt32, {2, 3, 4}),
                       {2, 3, 4}, {Sig(2), Sig(3), Sig(4)}, Title("3d signal"), "BaseSignal", "LazySignal"));
}

void AddClassAndTitleCases(std::vector<WriteCase>& cases) {
  const std::string tem = "Acquisition_instrument.TEM.";
  Entries eds_tem = Title("EDS TEM map", "EDS_TEM");
  for (auto& e : Entries{{tem + "beam_energy", F64(200.0)},
                         {tem + "Stage.tilt_alpha", F64(0.0)},
                         {tem + "Detector.EDS.azimuth_angle", F64(0.0)},
                         {tem + "Detector.EDS.elevation_angle", F64(18.0)},
                         {tem + "Detector.EDS.energy_resolution_MnKa", F64(130.0)},
                         {tem + "Detector.EDS.live_time", F64(0.5)},
                         {tem + "Detector.EDS.real_time", F64(0.625)},
                         {"Sample.elements", Value::List({Str("Fe"), Str("Pt")})},
                         {"Sample.xray_lines", Value::List({Str("Fe_Ka"), Str("Pt_La")})}})
    eds_tem.push_back(e);
  cases.push_back(Make("eds_tem", "EDS_TEM spectrum image", FixtureValues(DType::kFloat32, {4, 5, 64}, 31), {2, 5, 64},
                       {Uniform("y", "nm", 4, 1.0, 0.0, true), Uniform("x", "nm", 5, 1.0, 0.0, true),
                        Uniform("Energy", "keV", 64, 0.02, -0.1, false, true)},
                       eds_tem, "EDSTEMSpectrum", "LazyEDSTEMSpectrum"));
  const std::string sem = "Acquisition_instrument.SEM.";
  Entries eds_sem = Title("EDS SEM line", "EDS_SEM");
  for (auto& e : Entries{{sem + "beam_energy", F64(15.0)},
                         {sem + "Stage.tilt_alpha", F64(10.0)},
                         {sem + "Detector.EDS.azimuth_angle", F64(45.0)},
                         {sem + "Detector.EDS.elevation_angle", F64(35.0)},
                         {sem + "Detector.EDS.energy_resolution_MnKa", F64(125.5)},
                         {sem + "Detector.EDS.live_time", F64(2.0)},
                         {"Sample.elements", Value::List({Str("Al"), Str("Cu"), Str("Si")})}})
    eds_sem.push_back(e);
  cases.push_back(Make("eds_sem", "EDS_SEM line scan, uint16 counts", FixtureValues(DType::kUInt16, {3, 100}, 40),
                       {3, 50},
                       {Uniform("x", "µm", 3, 0.5, 0.0, true), Uniform("Energy", "eV", 100, 10.0, -50.0, false, true)},
                       eds_sem, "EDSSEMSpectrum", "LazyEDSSEMSpectrum"));
  cases.push_back(Make("title_empty", "empty title: group __unnamed__", FixtureValues(DType::kUInt8, {2, 3}), {2, 3},
                       {Nav(2), Sig(3)}, Title(""), "Signal1D", "LazySignal1D"));
  cases.push_back(Make("title_unicode_slash", "unicode title with '/': the group name has '-', the title keeps '/'",
                       FixtureValues(DType::kUInt8, {2, 3}), {2, 3}, {Nav(2), Sig(3)},
                       Title("Fe/Pt – µm scan ß 日本/2"), "Signal1D", "LazySignal1D"));
  cases.push_back(Make("metadata_minimal", "empty metadata: WriteHspy adds General.title and Signal.signal_type",
                       FixtureValues(DType::kFloat32, {2, 3}), {2, 3}, {Nav(2), Sig(3)}, {}, "Signal1D",
                       "LazySignal1D"));
  cases.push_back(Make("dates_and_fileio", "General.date/time/time_zone strings and a FileIO save entry",
                       FixtureValues(DType::kFloat32, {2, 3}), {2, 3}, {Nav(2), Sig(3)},
                       {{"General.title", Str("dated")},
                        {"General.date", Str("2024-06-01")},
                        {"General.time", Str("12:34:56.123456")},
                        {"General.time_zone", Str("Europe/Berlin")},
                        {"General.FileIO.0.operation", Str("save")},
                        {"General.FileIO.0.hyperspy_version", Str("1.7.3")},
                        {"General.FileIO.0.io_plugin", Str("hyperspy.io_plugins.hspy")},
                        {"General.FileIO.0.timestamp", Str("2024-06-01T12:34:56.123456+02:00")},
                        {"Signal.signal_type", Str("")},
                        {"_HyperSpy.Folding.unfolded", Value::Bool(false)},
                        {"_HyperSpy.Folding.signal_unfolded", Value::Bool(false)},
                        {"_HyperSpy.Folding.original_shape", Value::None()},
                        {"_HyperSpy.Folding.original_axes_manager", Value::None()}},
                       "Signal1D", "LazySignal1D"));
}

void AddAxisCases(std::vector<WriteCase>& cases) {
  AxisRecord energy;
  energy.type = AxisRecord::Type::kData;
  energy.name = "Energy";
  energy.units = "eV";
  energy.values = {0.0, 0.1, 0.3, 0.6, 1.0, 1.5, 2.1, 2.8, 3.6, 4.5};
  energy.size = 10;
  AxisRecord time;
  time.type = AxisRecord::Type::kData;
  time.name = "time";
  time.units = "s";
  time.navigate = true;
  time.values = {-1.0, 0.0, 5.0};
  time.size = 3;
  cases.push_back(Make("axis_nonuniform", "DataAxis on a navigation and on the signal axis",
                       FixtureValues(DType::kFloat64, {3, 10}, 12), {2, 10}, {time, energy}, Title("nonuniform"),
                       "Signal1D", "LazySignal1D"));

  AxisRecord functional;
  functional.type = AxisRecord::Type::kFunctional;
  functional.name = "q";
  functional.units = "1/nm";
  functional.size = 12;
  functional.expression = "a / (x + 1) + b";
  functional.parameters = {{"a", 10.0}, {"b", 2.0}};
  functional.x = std::make_shared<AxisRecord>(Uniform(std::nullopt, std::nullopt, 12, 0.5, 1.0, false));
  cases.push_back(Make("axis_functional", "FunctionalDataAxis 'a / (x + 1) + b' over a uniform x",
                       FixtureValues(DType::kFloat32, {2, 12}, 13), {2, 12}, {Nav(2), functional}, Title("functional"),
                       "Signal1D", "LazySignal1D"));
}

// Every kind of metadata value (reference §1.5), in metadata and original_metadata.
Entries RichValues(const std::string& at) {
  Entries e = {
      {at + "none", Value::None()},
      {at + "bool_true", Value::Bool(true)},
      {at + "bool_false", Value::Bool(false)},
      {at + "int8", Value::Int(-128, DType::kInt8)},
      {at + "int16", Value::Int(-32768, DType::kInt16)},
      {at + "int32", Value::Int(-7, DType::kInt32)},
      {at + "int64", I64(std::numeric_limits<int64_t>::min())},
      {at + "uint8", Value::Int(255, DType::kUInt8)},
      {at + "uint16", Value::Int(65535, DType::kUInt16)},
      {at + "uint32", Value::Int(4294967295, DType::kUInt32)},
      {at + "uint64", U64(std::numeric_limits<uint64_t>::max())},
      {at + "float32", F32(0.1f)},
      {at + "float64", F64(std::numbers::pi)},
      {at + "float_nan", F64(std::numeric_limits<double>::quiet_NaN())},
      {at + "float_inf", F64(std::numeric_limits<double>::infinity())},
      {at + "float_ninf", F64(-std::numeric_limits<double>::infinity())},
      {at + "float_negzero", F64(-0.0)},
      {at + "float_subnormal", F64(std::numeric_limits<double>::denorm_min())},
      {at + "text_empty", Str("")},
      {at + "text_unicode", Str("µm – ß 日本 🙂")},
      {at + "text_quotes", Str("it's \"quoted\"\nand\ttabbed")},
      {at + "bytes_nul", Value::Bytes(std::string("ab\0cd\xff", 6))},
      {at + "bytes_text", Value::Bytes("plain bytes")},
      {at + "list_empty", Value::List({})},
      {at + "tuple_empty", Value::Tuple({})},
      {at + "list_ints", Value::List({I64(1), I64(2), I64(-3)})},
      {at + "list_int_float", Value::List({I64(1), F64(2.5)})},
      {at + "list_bools", Value::List({Value::Bool(true), Value::Bool(false)})},
      {at + "list_bool_int", Value::List({Value::Bool(true), I64(2)})},
      {at + "list_float32", Value::List({F32(0.1f), F32(0.2f)})},
      {at + "list_int8_uint8", Value::List({Value::Int(-1, DType::kInt8), Value::Int(200, DType::kUInt8)})},
      {at + "list_uint64", Value::List({U64(std::numeric_limits<uint64_t>::max()), U64(1)})},
      {at + "list_uint64_float", Value::List({U64(std::numeric_limits<uint64_t>::max()), F64(0.5)})},
      {at + "list_strings", Value::List({Str("Fe"), Str("Pt"), Str("µ")})},
      {at + "list_numbers_strings", Value::List({I64(1), F64(2.5), Str("a name"), Value::Bool(true)})},
      {at + "list_float32_strings", Value::List({F32(0.1f), F32(1e-5f), F32(1e-4f), F32(3.4028235e38f), F32(1e20f),
                                                 F32(123456789.0f), F32(1.0f / 3.0f), F32(-0.0f), Str("x")})},
      {at + "tuple_number_string", Value::Tuple({I64(1), Str("a")})},
      {at + "tuple_numbers", Value::Tuple({I64(1), I64(2)})},
      {at + "tuple_strings", Value::Tuple({Str("a"), Str("bé")})},
      {at + "list_with_none", Value::List({Value::None(), I64(1), Str("a")})},
      {at + "list_ragged", Value::List({Value::List({I64(1), I64(2)}), Value::List({I64(3), I64(4), I64(5)})})},
      {at + "list_with_empties", Value::List({Value::List({}), Value::Tuple({}), Str("x"), Value::None()})},
      {at + "list_with_bytes", Value::List({Value::Bytes(std::string("\0z", 2)), Str("x")})},
      {at + "list_with_array", Value::List({Arr(DType::kInt16, {2}), Str("x")})},
      {at + "tuple_mixed", Value::Tuple({Value::None(), Str("x"), F64(1.5)})},
      {at + "list_of_dicts",
       Value::List({Value::Tree(Tree({{"a", I64(1)}})), Value::Tree(Tree({{"b", Str("x")}})), Value::Tree({})})},
      {at + "nested.deeper.deepest", Str("x")},
      {at + "empty_dict", Value::Tree({})},
      {at + "key with spaces", I64(3)},
  };
  std::vector<Value> long_list = {Value::None()};
  for (int64_t i = 0; i <= 10; ++i) long_list.push_back(I64(i));
  e.emplace_back(at + "list_12_items", Value::List(long_list));
  for (DType dtype : kAllDTypes) {
    const std::string name(DTypeName(dtype));
    e.emplace_back(at + "arrays." + name + "_1d", Arr(dtype, {9}, 1));
    e.emplace_back(at + "arrays." + name + "_2d", Arr(dtype, {3, 4}, 2));
  }
  e.emplace_back(at + "arrays.float32_3d", Arr(DType::kFloat32, {2, 3, 4}, 3));
  e.emplace_back(at + "arrays.float64_30x100", Arr(DType::kFloat64, {30, 100}, 4));
  return e;
}

void AddMetadataCases(std::vector<WriteCase>& cases) {
  Entries md = Title("metadata rich");
  for (auto& e : RichValues("Rich.")) md.push_back(std::move(e));
  WriteCase c = Make("metadata_rich", "every metadata value kind, in metadata and original_metadata",
                     FixtureValues(DType::kFloat32, {2, 3}), {2, 3}, {Nav(2), Sig(3)}, md, "Signal1D", "LazySignal1D");
  c.signal.original_metadata = Tree(RichValues("Original."));
  cases.push_back(std::move(c));

  // Signals as metadata values (`_sig_` groups) and as list items (§1.6).
  const Shape nav = {3, 4};
  auto navigator = NestedSignal(FixtureValues(DType::kFloat64, nav, 50),
                                {Uniform("y", "nm", 3, 2.0, 0.0, false), Uniform("x", "nm", 4, 2.0, 0.0, false)},
                                Title("navigator"));
  auto spectrum =
      NestedSignal(FixtureValues(DType::kFloat32, {16}, 51), {Uniform("Energy", "keV", 16, 0.1, 0.0, false)},
                   {{"General.title", Str("a spectrum")}, {"Notes.text", Str("nested metadata")}});
  auto line = NestedSignal(FixtureValues(DType::kInt64, {2, 5}, 52), {Nav(2), Sig(5)}, Title("line"));
  c = Make("nested_signals", "_sig_ groups in metadata and original_metadata, and signals in a list",
           FixtureValues(DType::kFloat64, {3, 4, 16}, 53), {3, 4, 8},
           {Uniform("y", "nm", 3, 2.0, 0.0, true), Uniform("x", "nm", 4, 2.0, 0.0, true),
            Uniform("Energy", "keV", 16, 0.1, 0.0, false)},
           Title("with signals"), "Signal1D", "LazySignal1D");
  (void)c.signal.metadata.Set("_HyperSpy.navigator", Value::Signal(navigator));
  (void)c.signal.metadata.Set("Sample.intensities", Value::List({Value::Signal(line), Value::Signal(navigator)}));
  (void)c.signal.original_metadata.Set("Stored.spectrum", Value::Signal(spectrum));
  cases.push_back(std::move(c));

  c = Make("learning_results", "a learning_results group", FixtureValues(DType::kFloat32, {4, 3, 16}, 60), {4, 3, 16},
           {Nav(4), Nav(3), Sig(16)}, Title("decomposed"), "Signal1D", "LazySignal1D");
  c.signal.learning_results = Tree({{"decomposition_algorithm", Str("SVD")},
                                    {"output_dimension", I64(2)},
                                    {"poissonian_noise_normalized", Value::Bool(false)},
                                    {"unmixing_matrix", Value::None()},
                                    {"explained_variance", Arr(DType::kFloat64, {5}, 61)},
                                    {"factors", Arr(DType::kFloat32, {16, 2}, 62)},
                                    {"loadings", Arr(DType::kFloat32, {12, 2}, 63)}});
  cases.push_back(std::move(c));
}

}  // namespace

std::vector<WriteCase> MakeWriteCases() {
  std::vector<WriteCase> cases;
  AddDTypeCases(cases);
  AddLayoutCases(cases);
  AddDimensionCases(cases);
  AddClassAndTitleCases(cases);
  AddAxisCases(cases);
  AddMetadataCases(cases);
  return cases;
}

}  // namespace hyperchunk::interop
