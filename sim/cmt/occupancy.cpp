#include "sim/cmt/occupancy.h"

#include <algorithm>
#include <cmath>

namespace vfsim::cmt {

double Occupancy::reserve(double now_ns, double need_ns) {
  const double cap = kBinNs * servers;
  const size_t mask = bins.size() - 1;
  uint64_t b = uint64_t(std::max(0.0, now_ns) / kBinNs);
  auto bin = [&](uint64_t n) -> double& {
    auto& [tag, used] = bins[n & mask];
    if (tag != n) { tag = n; used = 0; }   // a bin not seen yet (or a ring ago): empty
    return used;
  };
  while (bin(b) >= cap) ++b;
  double start = std::max(now_ns, double(b) * kBinNs + bin(b) / servers);
  for (double left = need_ns; left > 0; ++b) {
    double& used = bin(b);
    double take = std::min(cap - used, left);
    used += take;
    left -= take;
  }
  return start;
}

bool Occupancy::has_room(double now_ns) const {
  uint64_t b = uint64_t(std::max(0.0, now_ns) / kBinNs);
  const auto& [tag, used] = bins[b & (bins.size() - 1)];
  return tag != b || used < kBinNs * servers;
}

double Occupancy::utilisation(double now_ns) const {
  double end = now_ns - lag_ns;
  if (end < kWindow * kBinNs) return 0;
  uint64_t last = uint64_t(end / kBinNs);
  double busy = 0;
  for (uint64_t b = last - kWindow; b < last; ++b) {
    const auto& [tag, used] = bins[b & (bins.size() - 1)];
    if (tag == b) busy += used;
  }
  return busy / (kWindow * kBinNs * servers);
}

double Occupancy::reserve_queued(double now_ns, double need_ns) {
  double rho = std::min(utilisation(now_ns), 0.95);   // beyond that the bins' own overflow rules
  double wait = rho / (2 * (1 - rho)) * need_ns;
  return std::max(reserve(now_ns, need_ns), now_ns + wait);
}

unsigned occupancy_ring(double quantum_ns) {
  unsigned n = 256;
  while (n < 8 * quantum_ns / Occupancy::kBinNs && n < 4096) n *= 2;   // up to 25 us quanta
  return n;
}

}  // namespace vfsim::cmt
