// libFuzzer target: arbitrary bytes through DecodeChunk (and InflateZlib / Unshuffle directly).
// Input format in fuzz_input.h. Properties checked besides "no crash, no out-of-bounds access"
// (ASan + UBSan): decoding fails only with DataLoss, InvalidArgument or Unimplemented, and a
// chunk that decodes re-encodes to a stored chunk that decodes to the same bytes.
//
// Build and run: tests/codec/run_fuzz.sh [seconds]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "codec/codec.h"
#include "codec/fuzz_input.h"

namespace hyperchunk::codec::fuzz {
namespace {

[[noreturn]] void Fail(const char* what, const Status& status) {
  std::fprintf(stderr, "fuzz_decode_chunk: %s: %s\n", what, status.ToString().c_str());
  std::abort();
}

bool IsExpectedFailure(const Status& status) {
  return status.code() == StatusCode::kDataLoss || status.code() == StatusCode::kInvalidArgument ||
         status.code() == StatusCode::kUnimplemented;
}

void CheckDecode(std::span<const std::byte> data) {
  const FuzzInput input = ParseFuzzInput(data);
  const std::vector<std::vector<FilterStep>> pipelines = FuzzPipelines(input.element_size);
  const std::vector<FilterStep>& pipeline = pipelines[input.pipeline % pipelines.size()];
  // Exactly sized copies so that ASan sees any access past either end.
  const std::vector<std::byte> stored(input.stored.begin(), input.stored.end());
  std::vector<std::byte> out(input.out_size);
  std::vector<std::byte> scratch;
  const Status status = DecodeChunk(pipeline, input.filter_mask, stored, out, input.element_size, scratch);
  if (!status.ok()) {
    if (!IsExpectedFailure(status)) Fail("unexpected DecodeChunk error", status);
    return;
  }
  if (input.filter_mask != 0) return;
  Result<std::vector<std::byte>> encoded = EncodeChunk(pipeline, out, input.element_size);
  if (!encoded.ok()) Fail("EncodeChunk of a decoded chunk", encoded.status());
  std::vector<std::byte> again(out.size());
  const Status redecoded = DecodeChunk(pipeline, 0, *encoded, again, input.element_size, scratch);
  if (!redecoded.ok()) Fail("DecodeChunk of a re-encoded chunk", redecoded);
  if (again != out) Fail("re-encoded chunk decodes to other bytes", Status::Ok());
}

void CheckInflateAndShuffle(std::span<const std::byte> data) {
  const FuzzInput input = ParseFuzzInput(data);
  const std::vector<std::byte> stored(input.stored.begin(), input.stored.end());
  std::vector<std::byte> out(input.out_size);
  const Status status = InflateZlib(stored, out);
  if (!status.ok() && status.code() != StatusCode::kDataLoss) Fail("unexpected InflateZlib error", status);
  std::vector<std::byte> unshuffled(stored.size());
  std::vector<std::byte> back(stored.size());
  Unshuffle(stored, unshuffled, input.element_size);
  Shuffle(unshuffled, back, input.element_size);
  if (back != stored) Fail("Shuffle(Unshuffle(x)) != x", Status::Ok());
}

}  // namespace
}  // namespace hyperchunk::codec::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  hyperchunk::codec::fuzz::CheckDecode(bytes);
  hyperchunk::codec::fuzz::CheckInflateAndShuffle(bytes);
  return 0;
}
