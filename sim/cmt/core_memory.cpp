// The memory side of a core's accesses: L1 D-cache, the socket's L2 banks, memory controllers.
#include <algorithm>
#include <cmath>

#include "sim/cmt/bare_machine.h"
#include "sim/cmt/core.h"

namespace vfsim::cmt {

namespace {
unsigned l2_bank_wait(BareMachine& m, unsigned socket, double now, uint64_t pa) {
  const platform::Platform& p = m.plat;
  unsigned nbanks = p.l2.banks;
  auto& bank = m.l2_banks[socket * nbanks + unsigned((pa >> 6) % nbanks)];
  double begin = bank.reserve(now, p.lat.l2_bank_busy_cycles * p.cycle_ns());
  return unsigned(std::llround((begin - now) / p.cycle_ns()));
}
unsigned memory_latency(BareMachine& m, unsigned socket, double now, uint64_t pa) {
  const platform::Platform& p = m.plat;
  unsigned home = p.home_socket(pa), per = p.memory_controllers_per_socket;
  unsigned banks = p.l2.banks ? p.l2.banks : 8;
  unsigned mcu = home * per + unsigned((pa >> 6) % banks) / std::max(1u, banks / per) % per;
  double begin = m.mcus[mcu].reserve(now, m.mcu_line_ns);
  m.memory_bytes[home] += p.l2.line_bytes;
  uint64_t base = home != socket ? m.mem_cycles_remote : m.mem_cycles_local;
  return unsigned(base + uint64_t(std::llround((begin - now) / p.cycle_ns())));
}
}  // namespace

unsigned Core::l2_read(uint64_t pa, Strand&) {
  unsigned w = l2_bank_wait(m_, socket, now_ns(), pa);
  return w + (m_.l2[socket]->access(pa) ? m_.plat.lat.l2_hit_cycles : memory_latency(m_, socket, now_ns(), pa));
}

unsigned Core::load_latency(unsigned i, uint64_t pa, bool) {
  Strand& s = *strands[i];
  const platform::Platform& p = m_.plat;
  ++s.stats.loads;
  if (l1d.access(pa)) return p.lat.l1_hit_cycles;
  ++s.stats.l1_misses;
  unsigned lat = p.lat.l2_hit_cycles + l2_bank_wait(m_, socket, now_ns(), pa);
  if (!m_.l2[socket]->access(pa)) {
    ++s.stats.l2_misses;
    if (p.home_socket(pa) != socket) ++s.stats.remote_accesses;
    lat += memory_latency(m_, socket, now_ns(), pa) - p.lat.l2_hit_cycles;
  }
  return lat;
}

unsigned Core::store_access(unsigned i, uint64_t pa) {
  Strand& s = *strands[i];
  const platform::Platform& p = m_.plat;
  l2_bank_wait(m_, socket, now_ns(), pa);
  m_.l2[socket]->access(pa);
  unsigned n = std::min<unsigned>(p.lat.store_buffer_entries, 8), stall = 0;
  uint64_t& entry = s.store_buffer[s.store_next];
  if (entry > cycles) {
    stall = unsigned(entry - cycles);
    ++s.stats.store_buffer_full;
  }
  entry = cycles + stall + p.lat.store_drain_cycles;
  s.store_next = (s.store_next + 1) % n;
  return stall;
}

void Core::prefetch(unsigned, uint64_t, unsigned) {}

bool Core::prefetch_is_strong(unsigned fcn) { return fcn >= 20 && fcn <= 23; }

}  // namespace vfsim::cmt
