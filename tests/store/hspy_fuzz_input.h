// The input language of the fuzz_hspy_metadata target: arbitrary bytes read as a small program
// that builds a .hspy-like HDF5 file, so that libFuzzer's mutations become metadata trees with
// HyperSpy's special names (`_list_`, `_tuple_`, `_bs_`, `_sig_`, `_datetime_`, ...), values of
// every HDF5 type class and shape, nested and linked groups, signals in metadata, axis groups,
// legacy format versions and odd data layouts. Reading past the end gives zeros, so every byte
// string is a valid program.
//
//   header   flags byte: bit 0 lazy read, bit 1 compute the data, bits 2-5 the format version
//            (kVersions); the experiment group's NAME; its `data` DATASET (numeric);
//   body     OPs until kEnd or the end of the input, applied to the experiment group.
//
//   OP       one byte, modulo kNumOps:
//     kAttr      NAME ATTR-VALUE                  an attribute of the current object
//     kDataset   NAME DATASET                     a dataset in the current group
//     kGroup     NAME OP... kEnd                  a subgroup, filled by the OPs that follow
//     kEnd                                        back to the parent group
//     kSignal    NAME DATASET OP... kEnd          a group `_sig_<NAME>` holding `data` and the OPs
//     kSequence  kind n NAME OP... kEnd           `_list_<n>_<NAME>` (kind even) or `_tuple_<n>_<NAME>`
//     kAxis      i flags ... OP... kEnd           `axis-<i>` with HyperSpy's axis attributes (below)
//     kLink      kind NAME                        a hard link to the group itself or to `/`, a
//                                                 soft link (to /Experiments or dangling), an
//                                                 external link to a missing file
//     kText      NAME k                           a string attribute from kTexts
//     kNumber    NAME type k                      a numeric attribute of type `type` holding kNumbers[k]
//                                                 (for h5py's bool enum: the raw value k % 3)
//
//   NAME     byte k: k < 0xc0 picks kNames[k % size]; else k - 0xc0 raw bytes ('/' and NUL replaced)
//   DATASET  kind byte, then per kind (DataKind): numeric: type rank dims... layout, values
//            (raw bytes, or none: unallocated); strings: count, lengths and bytes; ...
//   ATTR-VALUE  kind byte (AttrKind), then the kind's bytes
//   kAxis flags: bit 0 `_type` from kTexts, 1 name, 2 units, 3 navigate, 4 is_binned, 5 size,
//            6 scale and offset (kNumbers), 7 an `axis` DATASET (numeric); one byte per value
//            given (a kTexts index, or a kNumber k), in that order
//
// Issues the fuzzer found in the axis and version readers of src/store/hspy_read.cc, now fixed
// (regression inputs in tests/store/hspy_fuzz_test.cc): an axis size outside Index's range, a
// version such as "1.1.a" that made CompareVersions loop, an `x` link cycle under a functional axis.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace hyperchunk::fuzz {

enum Op : uint8_t { kAttr, kDataset, kGroup, kEnd, kSignal, kSequence, kAxis, kLink, kText, kNumber, kNumOps };

enum class AttrKind : uint8_t {
  kVlenString,    ///< len, bytes (UTF-8 cset)
  kFixedString,   ///< len (1..64), pad (0 null-term, 1 null-pad, 2 space-pad), bytes
  kVlenStrings,   ///< count, then len + bytes each (1-D)
  kFixedStrings,  ///< count, len (1..64), pad, bytes (1-D)
  kNumber,        ///< type, raw bytes (scalar)
  kNumbers1d,     ///< type, n, raw bytes
  kNumbers2d,     ///< type, rows, cols, raw bytes
  kOpaque,        ///< len (1..32), bytes
  kComplex,       ///< compound {r, i} float64, 16 bytes
  kEnum3,         ///< an int8 enum of 3 members (not a bool), one byte
  kNullSpace,     ///< type byte: numeric (even) or string (odd) with an H5S_NULL dataspace
  kEmpty1d,       ///< type, a 1-D dataspace of 0 elements
  kVlenSequence,  ///< n int32 values in a variable-length sequence type
  kArrayType,     ///< an H5T_ARRAY of 3 int32
  kNumAttrKinds
};

enum class DataKind : uint8_t { kNumeric, kVlenStrings, kFixedStrings, kOpaque, kComplex, kNullSpace, kNumDataKinds };

/// Format versions the header selects: "" (absent) and the float 1.3 are special.
inline const std::vector<std::string> kVersions = {"3.1", "3.0", "2.2",  "2.1", "2.0", "1.3",   "1.2", "1.1",
                                                   "1.0", "",    "1.3f", "3.3", "x",   "3.1.0", "0",   "4"};

/// Numeric element types, by index: native little-endian ints and floats (0-9: int8, int16, int32,
/// int64, uint8, uint16, uint32, uint64, float32, float64), big-endian ones (10-14: i2, u4, i8, f4,
/// f8), h5py's bool enum (15), and types hyperchunk does not read (long double, bitfield, float16).
inline constexpr int kNumberTypeCount = 19;
inline constexpr uint8_t kBoolType = 15;

/// Numbers kNumber attributes hold (converted to the attribute's type by HDF5).
inline const std::vector<double> kNumbers = {0.0,    1.0,   2.0,   -1.0,      0.5,        3.0,      1e300,
                                             -1e300, 1e19,  -1e19, 9.3e18,    -0.0,       4e9,      1e-310,
                                             255.0,  65536, 1.3,   1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0};

/// Names HyperSpy's reader treats specially, and ordinary ones.
inline const std::vector<std::string> kNames = {"a",
                                                "b",
                                                "0",
                                                "1",
                                                "2",
                                                "10",
                                                "title",
                                                "General",
                                                "Signal",
                                                "record_by",
                                                "signal_type",
                                                "binned",
                                                "_list_",
                                                "_tuple_",
                                                "_list_empty_e",
                                                "_tuple_empty_t",
                                                "_bs_b",
                                                "_sig_s",
                                                "_datetime_date",
                                                "_datetime_time",
                                                "_hspy_AxesManager_am",
                                                "_list_l",
                                                "_tuple_t",
                                                "_list_3_l",
                                                "_tuple_2_t",
                                                "_list_0_",
                                                "_list_x_y",
                                                "_list_99999999999999999999_q",
                                                "_list_1_axes",
                                                "_list_2_axes",
                                                "beam_energy ",
                                                "navigate",
                                                "size",
                                                "scale",
                                                "offset",
                                                "_type",
                                                "name",
                                                "units",
                                                "is_binned",
                                                "expression",
                                                "x",
                                                "axis",
                                                "data",
                                                "metadata",
                                                "original_metadata",
                                                "learning_results",
                                                "mapped_parameters",
                                                "original_parameters",
                                                "mva_results",
                                                "package",
                                                "package_version",
                                                "__unnamed__",
                                                "TEM",
                                                "SEM",
                                                "EDS",
                                                "EELS",
                                                "Variance_estimation",
                                                "_internal_parameters",
                                                "folding",
                                                "stacking_history",
                                                "tilt_stage",
                                                "exposure",
                                                "exposure_time",
                                                "Sample",
                                                "Xray_lines",
                                                "signal",
                                                "Acquisition_instrument",
                                                "Detector",
                                                "Camera",
                                                "Stage",
                                                "file_format_version",
                                                "axis-0",
                                                "axis-1",
                                                "Experiments",
                                                "date",
                                                "time",
                                                "_datetime_x"};

/// Strings kText attributes hold.
inline const std::vector<std::string> kTexts = {"_None_",
                                                "datetime.date(2012, 3, 4)",
                                                "datetime.time(10, 2, 3)",
                                                "datetime.date(",
                                                "datetime.time()",
                                                "datetime.date(99999999999999999999, -5, 3)",
                                                "datetime.date(1, 2, 3, 4, 5)",
                                                "datetime.time(-1)",
                                                "(",
                                                "",
                                                "spectrum",
                                                "image",
                                                "__unnamed__",
                                                "UniformDataAxis",
                                                "DataAxis",
                                                "FunctionalDataAxis",
                                                "Unknown",
                                                "a / (x + 1) + b",
                                                "hyperspy",
                                                "3.1",
                                                "1.3",
                                                "<undefined>",
                                                "EDS_TEM",
                                                "EDS_SEM",
                                                "True",
                                                "nan",
                                                "1e308",
                                                "µm – ß"};

/// Appends the bytes of an input program (for the seed corpus and regression tests).
class Program {
 public:
  explicit Program(uint8_t flags = 0, uint8_t version = 0) { bytes_.push_back(flags | version << 2); }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

  Program& Byte(uint8_t b) {
    bytes_.push_back(b);
    return *this;
  }
  Program& Bytes(std::initializer_list<uint8_t> b) {
    bytes_.insert(bytes_.end(), b);
    return *this;
  }
  /// A NAME: one of kNames, or a raw name.
  Program& Name(const std::string& name) {
    for (size_t i = 0; i < kNames.size(); ++i) {
      if (kNames[i] == name) return Byte(static_cast<uint8_t>(i));
    }
    Byte(static_cast<uint8_t>(0xc0 + name.size()));
    bytes_.insert(bytes_.end(), name.begin(), name.end());
    return *this;
  }
  /// A numeric DATASET of type `type` and shape `dims` (each < 7), with `layout` (0 contiguous, 1
  /// compact, 2 chunked, 3 gzip, 4 shuffle + gzip, 5 fletcher32; chunks of up to 4 per axis) and
  /// values 0, 1, 2, ... (fill 1) or none written (fill 2).
  Program& NumericData(uint8_t type, std::initializer_list<uint8_t> dims, uint8_t layout = 2, uint8_t fill = 1) {
    Byte(static_cast<uint8_t>(DataKind::kNumeric)).Byte(type).Byte(static_cast<uint8_t>(dims.size()));
    Bytes(dims).Byte(layout).Byte(fill);
    if (layout % 6 >= 2) {
      for (size_t d = 0; d < dims.size(); ++d) Byte(3);
    }
    return *this;
  }
  /// An attribute of `kind` followed by the kind's bytes.
  Program& Attr(const std::string& name, AttrKind kind, std::initializer_list<uint8_t> bytes) {
    return Op(kAttr).Name(name).Byte(static_cast<uint8_t>(kind)).Bytes(bytes);
  }
  /// A dataset: kNumeric via NumericData, other kinds with their bytes.
  Program& Dataset(const std::string& name) { return Op(kDataset).Name(name); }
  Program& Op(fuzz::Op op) { return Byte(op); }
  Program& VlenString(const std::string& name, const std::string& text) {
    Op(kAttr).Name(name).Byte(static_cast<uint8_t>(AttrKind::kVlenString)).Byte(static_cast<uint8_t>(text.size()));
    bytes_.insert(bytes_.end(), text.begin(), text.end());
    return *this;
  }
  Program& Text(const std::string& name, const std::string& text) {
    for (size_t i = 0; i < kTexts.size(); ++i) {
      if (kTexts[i] == text) return Op(kText).Name(name).Byte(static_cast<uint8_t>(i));
    }
    return VlenString(name, text);
  }
  Program& Number(const std::string& name, uint8_t type, uint8_t number_index) {
    return Op(kNumber).Name(name).Byte(type).Byte(number_index);
  }
  Program& Group(const std::string& name) { return Op(kGroup).Name(name); }
  Program& End() { return Op(kEnd); }

 private:
  std::vector<uint8_t> bytes_;
};

/// The seed corpus: realistic files (HyperSpy's layouts, legacy versions, signals in metadata) and
/// odd ones (every attribute kind, links, data layouts), as (name, program) pairs.
std::vector<std::pair<std::string, std::vector<uint8_t>>> SeedPrograms();

/// What the header asked the fuzz target to do with the file.
struct BuildResult {
  bool lazy = false;
  bool compute = false;
};

/// Builds the HDF5 file `path` (replacing it) from `input`. False when the file cannot be created;
/// individual objects HDF5 refuses (duplicate names, invalid types) are skipped.
bool BuildHspyFile(std::span<const uint8_t> input, const std::string& path, BuildResult* result);

}  // namespace hyperchunk::fuzz
