// Chunk contents for the codec tests, benchmark and fuzz seeds: EDS-like spectra and raw bytes.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace hyperchunk::codec::testdata {

/// `pixels` spectra of `channels` float64 counts each (array order: pixel, channel): a smooth
/// bremsstrahlung-like background plus a few Gaussian peaks, with Poisson noise; the counts are
/// whole numbers, as in EDS data converted to float64.
inline std::vector<double> MakeSpectra(size_t pixels, size_t channels, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> mean(channels);
  constexpr double kPeaks[][3] = {{0.12, 0.010, 40.0}, {0.31, 0.012, 25.0}, {0.33, 0.012, 6.0}, {0.64, 0.015, 12.0}};
  for (size_t channel = 0; channel < channels; ++channel) {
    const double x = static_cast<double>(channel) / static_cast<double>(channels);
    double m = 3.0 * std::exp(-3.0 * x) * (1.0 - std::exp(-40.0 * x));
    for (const auto& peak : kPeaks) m += peak[2] * std::exp(-0.5 * std::pow((x - peak[0]) / peak[1], 2));
    mean[channel] = m;
  }
  std::vector<double> data(pixels * channels);
  std::uniform_real_distribution<double> thickness(0.5, 1.5);
  for (size_t pixel = 0; pixel < pixels; ++pixel) {
    const double scale = thickness(rng);
    for (size_t channel = 0; channel < channels; ++channel) {
      std::poisson_distribution<int> counts(mean[channel] * scale);
      data[pixel * channels + channel] = counts(rng);
    }
  }
  return data;
}

/// `size` bytes: uniformly random with probability 1/2 per run, otherwise runs of a repeated
/// byte (so that deflate finds both literals and matches).
inline std::vector<std::byte> MakeBytes(size_t size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::byte> bytes(size);
  size_t pos = 0;
  while (pos < size) {
    const size_t run = std::min<size_t>(size - pos, 1 + rng() % 64);
    const bool random = rng() % 2 == 0;
    const auto fill = static_cast<std::byte>(rng());
    for (size_t i = 0; i < run; ++i) bytes[pos + i] = random ? static_cast<std::byte>(rng()) : fill;
    pos += run;
  }
  return bytes;
}

template <typename T>
std::span<const std::byte> AsBytes(const std::vector<T>& values) {
  return std::as_bytes(std::span<const T>(values));
}

}  // namespace hyperchunk::codec::testdata
