#include "hv/dirty_log.h"

#include <algorithm>

#include "hv/hypervisor.h"

namespace vfsim::hv {

namespace {
constexpr unsigned kPageBits = 13;
constexpr uint64_t kPageSize = 1ull << kPageBits;
}  // namespace

DirtyLogs::~DirtyLogs() {
  if (mem_.write_observer() == this) mem_.set_write_observer(nullptr);
}

void DirtyLogs::start(Guest& g) {
  Guest::DirtyLog& log = g.dirty_log;
  log.bits.assign(g.memory.size(), {});
  for (size_t i = 0; i < g.memory.size(); ++i) log.bits[i].assign((g.memory[i].size / kPageSize + 63) / 64, 0);
  log.on = true;
  if (std::find(logging_.begin(), logging_.end(), &g) == logging_.end()) logging_.push_back(&g);
  mem_.set_write_observer(this);
}

void DirtyLogs::stop(Guest& g) {
  g.dirty_log = {};
  logging_.erase(std::remove(logging_.begin(), logging_.end(), &g), logging_.end());
  if (logging_.empty() && mem_.write_observer() == this) mem_.set_write_observer(nullptr);
}

std::vector<uint64_t> DirtyLogs::take(Guest& g) {
  std::vector<uint64_t> ras;
  Guest::DirtyLog& log = g.dirty_log;
  if (!log.on) return ras;
  for (size_t i = 0; i < log.bits.size() && i < g.memory.size(); ++i)
    for (size_t w = 0; w < log.bits[i].size(); ++w) {
      for (uint64_t word = log.bits[i][w]; word; word &= word - 1)
        ras.push_back(g.memory[i].ra + ((w * 64 + unsigned(__builtin_ctzll(word))) << kPageBits));
      log.bits[i][w] = 0;
    }
  std::sort(ras.begin(), ras.end());   // mblocks placed by ldmd need not ascend by RA
  return ras;
}

void DirtyLogs::written(uint64_t pa, uint64_t len) {
  if (len == 0) return;
  uint64_t end = pa + len;
  for (Guest* g : logging_)
    for (size_t i = 0; i < g->memory.size(); ++i) {
      const Mblock& m = g->memory[i];
      if (end <= m.pa || pa >= m.pa + m.size) continue;
      uint64_t first = (std::max(pa, m.pa) - m.pa) >> kPageBits;
      uint64_t last = (std::min(end, m.pa + m.size) - 1 - m.pa) >> kPageBits;
      std::vector<uint64_t>& bits = g->dirty_log.bits[i];
      for (uint64_t n = first; n <= last; ++n) bits[n >> 6] |= 1ull << (n & 63);
    }
}

// ---- the hypervisor's interface ----

void Hypervisor::drop_store_translations(Guest& g) {
  for (const Vcpu& v : g.vcpus) machine.strand(v.strand).state.tlb.flush_writes();
}

void Hypervisor::dirty_log_start(Guest& g) {
  dirty_logs_.start(g);
  drop_store_translations(g);   // write entries filled before the start would hide stores
}

std::vector<uint64_t> Hypervisor::dirty_log_read_and_clear(Guest& g) {
  std::vector<uint64_t> ras = dirty_logs_.take(g);
  if (g.dirty_log.on) drop_store_translations(g);
  return ras;
}

uint64_t Hypervisor::dirty_log_count(const Guest& g) const {
  uint64_t n = 0;
  for (const auto& block : g.dirty_log.bits)
    for (uint64_t w : block) n += uint64_t(__builtin_popcountll(w));
  return n;
}

void Hypervisor::dirty_log_stop(Guest& g) { dirty_logs_.stop(g); }

}  // namespace vfsim::hv
