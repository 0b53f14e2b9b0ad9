// One hardware strand of a core: its architectural state and interpreter from sim/isa, the
// timing state the core's picker does not keep itself, and its statistics.
#pragma once
#include <cstdint>

#include "sim/isa/interpreter.h"
#include "sim/isa/strand_state.h"

namespace vfsim::cmt {

struct StrandStats {
  uint64_t instructions = 0, stall_cycles = 0, loads = 0, l1_misses = 0, l2_misses = 0,
           remote_accesses = 0, l1i_misses = 0, unit_conflicts = 0, store_buffer_full = 0;
  // Cycles of waiting charged by cause when an instruction issues (beyond its 1 issue cycle).
  uint64_t wait_fetch = 0, wait_load = 0, wait_long_op = 0, wait_store_buffer = 0;
  uint64_t itlb_misses = 0, dtlb_misses = 0, wait_tlb = 0;
  uint64_t traps = 0, interrupts = 0, yield_cycles = 0;
  uint64_t store_l2_misses = 0, prefetches = 0, prefetches_dropped = 0;
};

struct Strand {
  unsigned id = 0;                 // global strand id (cpuid)
  uint64_t fetch_line = ~0ull;     // I-cache line of the last fetch (looked up once per line)
  uint64_t store_buffer[8] = {};   // cycle at which each entry drains to L2
  uint64_t fetch_page = ~0ull, data_page = ~0ull;   // last pages looked up in the TLBs
  unsigned store_next = 0;
  // Set by a host: this strand's interrupt queues have entries (cpu/dev mondo, resumable
  // error), so the core asks the host before the next issue whether to take the trap.
  bool queue_pending = false;
  // Set when mappings change under a running instruction (context register writes): the
  // core drops the SoftTlb and decoded code once the instruction has finished.
  bool translations_changed = false;
  uint64_t stick_fired = ~0ull;    // %stick_cmpr value whose match already raised SOFTINT.SM
  isa::StrandState state;
  isa::Interpreter interp{state};
  StrandStats stats;
};

}  // namespace vfsim::cmt
