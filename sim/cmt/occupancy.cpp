#include "sim/cmt/occupancy.h"

#include <algorithm>
#include <cmath>

namespace vfsim::cmt {

double Occupancy::reserve(double now_ns, double need_ns) {
  const double cap = kBinNs * servers;
  const size_t mask = bins.size() - 1, wmask = windows.size() - 1;
  uint64_t b = uint64_t(std::max(0.0, now_ns) / kBinNs);
  auto bin = [&](uint64_t n) -> double& {
    auto& [tag, used] = bins[n & mask];
    if (tag != n) { tag = n; used = 0; }   // a bin not seen yet (or a ring ago): empty
    return used;
  };
  auto window = [&](uint64_t n) -> double& {
    auto& [tag, used] = windows[(n / kWindow) & wmask];
    if (tag != n / kWindow) { tag = n / kWindow; used = 0; }
    return used;
  };
  uint64_t first = b;
  if (b >= full_lo_ && b < full_hi_) b = full_hi_;
  while (bin(b) >= cap) ++b;
  if (b > first) {   // [first, b) are full
    if (first >= full_lo_ && first <= full_hi_) full_hi_ = std::max(full_hi_, b);
    else full_lo_ = first, full_hi_ = b;
  }
  double start = std::max(now_ns, double(b) * kBinNs + bin(b) / servers);
  for (double left = need_ns; left > 0; ++b) {
    double& used = bin(b);
    double take = std::min(cap - used, left);
    used += take;
    window(b) += take;
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
  if (end < kWindow * kBinNs) return 0;   // no whole window yet
  uint64_t w = uint64_t(end / (kWindow * kBinNs)) - 1;   // the last whole window before end
  const auto& [tag, used] = windows[w & (windows.size() - 1)];
  return tag == w ? used / (kWindow * kBinNs * servers) : 0;
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
