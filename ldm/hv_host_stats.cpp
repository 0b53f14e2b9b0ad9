// `vfctl stats`: each simulated domain's counters as the hypervisor and the CMT model keep
// them (ldm/stats_sample.h says what each means).
#include "ldm/hv_host.h"

namespace vfsim::ldm {

StatsSample HvHost::sample_stats(const Model& m, double wall_seconds) {
  StatsSample s;
  cmt::BareMachine& machine = hv_.machine;
  s.platform = machine.plat.name;
  s.clock_hz = machine.plat.clock_hz;
  s.sim_seconds = now_seconds();
  s.wall_seconds = wall_seconds;
  // The control domain is ldmd itself: it runs no simulated strands.
  for (const Domain& d : m.domains) {
    hv::Guest* g = d.control ? nullptr : hv_.find_guest(d.name);
    if (!g) continue;
    DomainCounters dc;
    dc.name = d.name;
    dc.state = state_name(d.state);
    dc.ldc_tx_packets = g->ldc_tx_packets;
    dc.ldc_rx_packets = g->ldc_rx_packets;
    dc.ldc_tx_bytes = g->ldc_tx_bytes;
    dc.ldc_rx_bytes = g->ldc_rx_bytes;
    for (const hv::Vcpu& v : g->vcpus) {
      const cmt::StrandStats& t = machine.strand(v.strand).stats;
      VcpuCounters c;
      c.vid = v.id;
      c.strand = v.strand;
      c.running = v.runs();
      const cmt::Core& core = machine.core_of(v.strand);
      unsigned slot = v.strand % machine.plat.strands_per_core;
      c.cycles = core.cycles;
      // A cpu_yield sleep is counted whole when it starts: its cycles still ahead are not idle
      // yet (else a mostly idle vCPU would show idle time beyond the elapsed cycles). A
      // strand waiting for a load is ahead by a few hundred cycles at most, a negligible error.
      uint64_t ahead = core.ready_at[slot] > core.cycles ? core.ready_at[slot] - core.cycles : 0;
      c.idle_cycles = t.yield_cycles > ahead ? t.yield_cycles - ahead : 0;
      c.instructions = t.instructions;
      c.stall_cycles = t.stall_cycles;
      c.wait_fetch = t.wait_fetch;
      c.wait_load = t.wait_load;
      c.wait_long_op = t.wait_long_op;
      c.wait_store_buffer = t.wait_store_buffer;
      c.wait_tlb = t.wait_tlb;
      c.unit_conflicts = t.unit_conflicts;
      c.l1d_misses = t.l1_misses;
      c.l1i_misses = t.l1i_misses;
      c.l2_misses = t.l2_misses + t.store_l2_misses;
      c.hypercalls = v.hypercalls;
      dc.vcpus.push_back(c);
    }
    s.domains.push_back(std::move(dc));
  }
  return s;
}

}  // namespace vfsim::ldm
