#include "npy.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>
#include <utility>
#include <vector>

namespace hyperchunk::interop {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";

/// numpy's type string ("<u2", "|b1", "<f8") as a DType.
Result<DType> ParseDescr(std::string_view descr) {
  static const std::pair<std::string_view, DType> kTypes[] = {
      {"|b1", DType::kBool},   {"|i1", DType::kInt8},    {"|u1", DType::kUInt8},   {"<i2", DType::kInt16},
      {"<i4", DType::kInt32},  {"<i8", DType::kInt64},   {"<u2", DType::kUInt16},  {"<u4", DType::kUInt32},
      {"<u8", DType::kUInt64}, {"<f4", DType::kFloat32}, {"<f8", DType::kFloat64},
  };
  for (const auto& [name, dtype] : kTypes) {
    if (descr == name) return dtype;
  }
  return Unimplemented("numpy type '" + std::string(descr) + "' is not one the reader knows");
}

/// The text of `'key': value` in the header dictionary, up to the next top-level comma or brace.
Result<std::string> HeaderField(const std::string& header, const std::string& key) {
  const std::string quoted = "'" + key + "':";
  const size_t at = header.find(quoted);
  if (at == std::string::npos) return DataLoss("the header has no '" + key + "'");
  size_t begin = at + quoted.size();
  while (begin < header.size() && header[begin] == ' ') ++begin;
  // A value ends at the first comma or brace outside parentheses (the shape is a tuple).
  size_t end = begin;
  int depth = 0;
  for (; end < header.size(); ++end) {
    const char c = header[end];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth == 0 && (c == ',' || c == '}')) break;
    if (depth < 0) return DataLoss("unbalanced parentheses in the header");
  }
  return header.substr(begin, end - begin);
}

/// "(3, 4, 7)", "(50,)" or "()" as a Shape.
Result<Shape> ParseShape(const std::string& text) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')') {
    return DataLoss("shape '" + text + "' is not a tuple");
  }
  Shape shape;
  std::string digits;
  for (size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == ',' || c == ')') {
      if (!digits.empty()) shape.push_back(std::stoll(digits));
      digits.clear();
    } else if (c != ' ' && c != 'L') {
      return DataLoss("shape '" + text + "' has an unexpected character");
    }
  }
  return shape;
}

Result<NdArray> ParseNpy(const std::string& bytes) {
  if (bytes.size() < 10 || std::string_view(bytes).substr(0, kMagic.size()) != kMagic) {
    return DataLoss("not a .npy file (no \\x93NUMPY magic)");
  }
  const auto major = static_cast<uint8_t>(bytes[6]);
  size_t header_len = 0;
  size_t header_start = 0;
  if (major == 1) {
    header_len = static_cast<uint8_t>(bytes[8]) | (static_cast<size_t>(static_cast<uint8_t>(bytes[9])) << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) return DataLoss("truncated header");
    for (int i = 3; i >= 0; --i) header_len = (header_len << 8) | static_cast<uint8_t>(bytes[8 + i]);
    header_start = 12;
  } else {
    return Unimplemented("format version " + std::to_string(major) + " is not supported");
  }
  if (header_start + header_len > bytes.size()) return DataLoss("truncated header");
  const std::string header = bytes.substr(header_start, header_len);

  HC_ASSIGN_OR_RETURN(const std::string descr, HeaderField(header, "descr"));
  HC_ASSIGN_OR_RETURN(const std::string fortran, HeaderField(header, "fortran_order"));
  HC_ASSIGN_OR_RETURN(const std::string shape_text, HeaderField(header, "shape"));
  if (descr.size() < 2 || descr.front() != '\'' || descr.back() != '\'') {
    return DataLoss("descr " + descr + " is not a quoted string");
  }
  if (fortran != "False") return Unimplemented("Fortran-ordered data is not supported");
  HC_ASSIGN_OR_RETURN(const DType dtype, ParseDescr(std::string_view(descr).substr(1, descr.size() - 2)));
  HC_ASSIGN_OR_RETURN(Shape shape, ParseShape(shape_text));

  NdArray array = NdArray::Empty(dtype, std::move(shape));
  const size_t data_start = header_start + header_len;
  const auto nbytes = static_cast<size_t>(array.nbytes());
  if (bytes.size() - data_start != nbytes) {
    return DataLoss("expected " + std::to_string(nbytes) + " data bytes, found " +
                    std::to_string(bytes.size() - data_start));
  }
  if (nbytes > 0) std::memcpy(array.raw(), bytes.data() + data_start, nbytes);
  return array;
}

}  // namespace

Result<NdArray> ReadNpy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Result<NdArray> array = ParseNpy(bytes);
  if (!array.ok()) return array.status().WithContext(path);
  return array;
}

}  // namespace hyperchunk::interop
