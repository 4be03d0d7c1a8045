// The seed corpus of fuzz_hspy_metadata (hspy_fuzz_input.h), written as input programs.
#include <string>
#include <utility>
#include <vector>

#include "hspy_fuzz_input.h"

namespace hyperchunk::fuzz {
namespace {

// Indices into the tables of hspy_fuzz_input.h.
enum : uint8_t { kI8 = 0, kI16 = 1, kI32 = 2, kI64 = 3, kU8 = 4, kU16 = 5, kU32 = 6, kU64 = 7, kF32 = 8, kF64 = 9 };
enum : uint8_t { kF64BE = 14, kHalf = 18 };
enum : uint8_t { kZero = 0, kOne = 1, kTwo = 2, kHalfValue = 4, kThree = 5, kHuge = 6, kNaN = 19 };
enum : uint8_t { kLazy = 1, kCompute = 2 };
enum : uint8_t { kV31 = 0, kV30 = 1, kV22 = 2, kV20 = 4, kV11 = 7, kVAbsent = 9, kVFloat13 = 10, kV33 = 11 };

constexpr uint8_t kTextUniform = 13, kTextData = 14, kTextFunctional = 15, kTextUndefined = 21;

// kAxis with `_type`, navigate, is_binned (False), size, scale and offset.
Program& UniformAxis(Program& p, uint8_t index, bool navigate, uint8_t size) {
  return p.Op(kAxis)
      .Byte(index)
      .Byte(1 | 2 | 4 | 8 | 16 | 32 | 64)
      .Bytes({kTextUniform, kTextUndefined, navigate ? kOne : kZero, kZero, size, kHalfValue, kOne});
}

std::vector<uint8_t> SpectrumImage(uint8_t flags) {
  Program p(flags, kV31);
  p.Name("EDS map").NumericData(kU16, {2, 3, 6});
  UniformAxis(p, 0, true, kTwo).End();
  UniformAxis(p, 1, true, kThree).End();
  p.Op(kAxis).Byte(2).Byte(1 | 8 | 16 | 32 | 64).Bytes({kTextUniform, kZero, kOne, kZero, kHalfValue, kZero}).End();
  p.Text("package", "hyperspy").Text("package_version", "1.7.3");
  p.Group("metadata");
  p.Group("General").Text("title", "EDS map").Group("FileIO").Group("0").Text("operation", "save").End().End().End();
  p.Group("Signal").Text("signal_type", "EDS_TEM").Text("record_by", "spectrum").End();
  p.Group("_HyperSpy").Group("Folding").Number("unfolded", kBoolType, kZero).Text("original_shape", "_None_");
  p.End().End();
  p.Group("Acquisition_instrument").Group("TEM").Number("beam_energy ", kF64, kTwo);
  p.Group("Detector").Group("EDS").Number("live_time", kF32, kHalfValue).End().End().End().End();
  p.Group("Sample").Dataset("_list_l").Byte(1).Bytes({2, 2, 'F', 'e', 2, 'P', 't'}).End();
  p.End();
  p.Group("original_metadata").Number("a", kI32, kNaN).Text("b", "µm – ß").End();
  p.Group("learning_results").Text("decomposition_algorithm", "SVD").End();
  return p.bytes();
}

std::vector<uint8_t> ListsAndTuples() {
  Program p(kCompute, kV31);
  p.Name("__unnamed__").NumericData(kF32, {4}, 0).Group("metadata");
  p.Op(kSequence).Byte(0).Byte(3).Name("l").Text("0", "_None_").Number("1", kI64, kThree);
  p.Dataset("_list_2").NumericData(kF64, {3}).End();
  p.Op(kSequence).Byte(1).Byte(2).Name("t").Text("0", "x").Group("1").Text("a", "b").End().End();
  p.Op(kSequence).Byte(0).Byte(12).Name("twelve");
  for (uint8_t i = 0; i < 12; ++i) p.Number(std::to_string(i), kI64, i % 6);
  p.End();
  p.Text("_list_empty_e", "_None_").Text("_tuple_empty_t", "_None_");
  p.Attr("_bs_b", AttrKind::kOpaque, {4, 'a', 0, 'b', 0xff});
  p.Dataset("_list_x").NumericData(kI16, {2, 3});
  p.Dataset("_tuple_y").Byte(1).Bytes({3, 1, 'a', 2, 'b', 'c', 0});
  p.Dataset("_tuple_z").NumericData(kU8, {}, 0);
  p.Dataset("array").NumericData(kF64BE, {2, 2, 2}, 4);
  p.Dataset("fixed").Byte(2).Bytes({2, 4, 1, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'});
  p.Op(kSequence).Byte(0).Byte(1).Name("_list_0_");
  p.End();
  return p.bytes();
}

std::vector<uint8_t> SignalsInMetadata(uint8_t flags) {
  Program p(flags, kV31);
  p.Name("with signals").NumericData(kF64, {2, 3}, 3);
  UniformAxis(p, 0, true, kTwo).End();
  UniformAxis(p, 1, false, kThree).End();
  p.Group("metadata").Group("_HyperSpy");
  p.Op(kSignal).Name("navigator").NumericData(kF64, {2});
  p.Group("_list_1_axes").Group("0").Text("_type", "UniformDataAxis").Number("size", kI64, kTwo);
  p.Number("navigate", kBoolType, kZero).End().End();
  p.Group("metadata").Group("General").Text("title", "navigator").End().End();
  p.Group("original_metadata").End().Group("attributes").Number("_lazy", kBoolType, kZero).End();
  p.End().End();
  p.Group("Sample").Op(kSequence).Byte(0).Byte(2).Name("intensities");
  p.Op(kSignal).Name("0").NumericData(kI32, {3});
  UniformAxis(p, 0, false, kThree).End();
  p.Group("metadata").End().End();
  p.Op(kSignal).Name("1").NumericData(kU8, {});
  p.End().End().End().End();
  return p.bytes();
}

std::vector<uint8_t> AxisKinds() {
  Program p(kCompute, kV31);
  p.Name("axes").NumericData(kF32, {3, 4}, 2);
  p.Op(kAxis).Byte(0).Byte(1 | 2 | 8 | 128).Bytes({kTextData, 10, kOne}).NumericData(kF64, {3}, 0).End();
  p.Op(kAxis).Byte(1).Byte(1 | 32).Bytes({kTextFunctional, kHuge}).Text("expression", "a / (x + 1) + b");
  p.Number("a", kF64, kTwo).Number("b", kI64, kOne);
  p.Group("x").Text("_type", "UniformDataAxis").Number("size", kI64, kThree).End().End();
  p.Group("metadata").Group("_hspy_AxesManager_am").Group("axis-0").Number("size", kI64, kTwo);
  p.End().End().End();
  return p.bytes();
}

std::vector<uint8_t> Legacy(uint8_t version) {
  Program p(kCompute, version);
  p.Name("old").NumericData(kU16, {2, 5}, 0);
  p.Op(kAxis).Byte(0).Byte(32 | 64).Bytes({kTwo, kOne, kZero}).Text("index_in_array", "0").End();
  p.Op(kAxis).Byte(1).Byte(32 | 64).Bytes({kThree, kHalfValue, kZero}).End();
  p.Group("mapped_parameters").Text("title", "old file").Text("record_by", "image").Text("signal", "EDS_TEM");
  p.Text("name", "named").Text("_datetime_date", "datetime.date(2012, 3, 4)");
  p.Text("_datetime_time", "datetime.time(10, 2, 3)").Number("binned", kBoolType, kOne);
  p.Group("TEM").Number("tilt_stage", kF64, kThree).Number("exposure", kF64, kOne);
  p.Group("EDS").Number("live_time", kF64, kTwo).End().Group("EELS").Number("dwell_time", kF64, kOne).End();
  p.End();
  p.Group("SEM").Number("tilt_stage", kF64, kTwo).Group("EDS").End().End();
  p.Group("_internal_parameters").Group("folding").Number("unfolded", kBoolType, kZero).End().End();
  p.Group("Variance_estimation").Number("gain_factor", kF64, kOne).End();
  p.Group("Sample").Dataset("_list_Xray_lines").Byte(1).Bytes({1, 5, 'F', 'e', '_', 'K', 'a'}).End();
  p.End();
  p.Group("original_parameters").Text("x", "y").End().Group("mva_results").Text("a", "b").End();
  return p.bytes();
}

std::vector<uint8_t> OddAttributes() {
  Program p(0, kV31);
  p.Name("odd").NumericData(kI8, {3}, 1).Group("metadata");
  p.Attr("vlen", AttrKind::kVlenString, {3, 'a', 0, 'b'});
  p.Attr("fixed", AttrKind::kFixedString, {5, 2, 'a', 'b', ' ', ' ', ' '});
  p.Attr("vlens", AttrKind::kVlenStrings, {2, 1, 'a', 0});
  p.Attr("fixeds", AttrKind::kFixedStrings, {1, 3, 0, 'x', 'y', 'z'});
  p.Attr("int", AttrKind::kNumber, {kU64, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  p.Attr("half", AttrKind::kNumber, {kHalf, 0x00, 0x3c});
  p.Attr("bool", AttrKind::kNumber, {kBoolType, 7});
  p.Attr("row", AttrKind::kNumbers1d, {kF32, 2, 0, 0, 0x80, 0x7f, 0, 0, 0xc0, 0x7f});
  p.Attr("matrix", AttrKind::kNumbers2d, {kI16, 2, 2, 1, 0, 2, 0, 3, 0, 4, 0});
  p.Attr("opaque", AttrKind::kOpaque, {0, 'z'});
  p.Attr("complex", AttrKind::kComplex, {0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0xc0});
  p.Attr("enum", AttrKind::kEnum3, {2});
  p.Attr("null", AttrKind::kNullSpace, {0}).Attr("null_text", AttrKind::kNullSpace, {1});
  p.Attr("empty", AttrKind::kEmpty1d, {kF64});
  p.Attr("vlen_seq", AttrKind::kVlenSequence, {3}).Attr("array", AttrKind::kArrayType, {1, 2, 3});
  p.Dataset("opaque_data").Byte(3).Bytes({2, 'a', 'b', 'c', 'd'});
  p.Dataset("complex_data").Byte(4);
  for (int i = 0; i < 24; ++i) p.Byte(0);
  p.Dataset("null_data").Byte(5).Byte(kF64);
  p.Dataset("unwritten").NumericData(kF32, {4, 4}, 3, 2);
  p.Dataset("scalar").NumericData(kI64, {}, 0);
  p.End();
  return p.bytes();
}

std::vector<uint8_t> DataLayouts(uint8_t flags, uint8_t layout, uint8_t fill) {
  Program p(flags, kV31);
  p.Name("layout").NumericData(kF64BE, {5, 6}, layout, fill);
  UniformAxis(p, 0, true, kZero).End();
  UniformAxis(p, 1, false, kZero).End();
  p.Group("metadata").Group("Signal").Text("signal_type", "").End().End();
  return p.bytes();
}

}  // namespace

std::vector<std::pair<std::string, std::vector<uint8_t>>> SeedPrograms() {
  std::vector<std::pair<std::string, std::vector<uint8_t>>> seeds = {
      {"spectrum_image", SpectrumImage(kCompute)},
      {"spectrum_image_lazy", SpectrumImage(kCompute | kLazy)},
      {"lists_and_tuples", ListsAndTuples()},
      {"signals_in_metadata", SignalsInMetadata(kCompute)},
      {"signals_in_metadata_lazy", SignalsInMetadata(kCompute | kLazy)},
      {"axis_kinds", AxisKinds()},
      {"legacy_absent", Legacy(kVAbsent)},
      {"legacy_1_1", Legacy(kV11)},
      {"legacy_2_0", Legacy(kV20)},
      {"legacy_2_2", Legacy(kV22)},
      {"legacy_3_0", Legacy(kV30)},
      {"legacy_float_1_3", Legacy(kVFloat13)},
      {"future_3_3", Legacy(kV33)},
      {"odd_attributes", OddAttributes()},
  };
  for (uint8_t layout = 0; layout < 6; ++layout) {
    seeds.emplace_back("layout_" + std::to_string(layout), DataLayouts(kCompute, layout, 1));
    seeds.emplace_back("layout_lazy_unwritten_" + std::to_string(layout),
                       DataLayouts(kCompute | kLazy, static_cast<uint8_t>(layout + 6), 2));
  }
  return seeds;
}

}  // namespace hyperchunk::fuzz
