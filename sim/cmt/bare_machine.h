// The timed machine without a hypervisor: a platform's sockets of cores in SystemC, physical
// memory, and strands running bare-metal code with real addressing (VA = PA). Programs talk
// to the harness through sun4v fast traps (ta 0x80, function in %o5): mach_exit (0x00),
// cpu_myid (0x16), cons_putchar (0x61), cons_write (0x63). One SC_THREAD per core: 8 strands
// in 2 thread groups picking the least recently picked ready strand each cycle, a shared LSU
// and FGU, I/D caches, TLBs, L2 banks, memory controllers, coherence links and socket interleave, with the
// platform's latencies; a quantum of simulated time between synchronisations (docs/cmt.md).
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <systemc>

#include "sim/cmt/cache_model.h"
#include "sim/cmt/core.h"
#include "sim/cmt/memory_system.h"
#include "sim/cmt/physical_memory.h"
#include "sim/cmt/real_memory_port.h"
#include "sim/cmt/strand_host.h"
#include "sim/platform/platform.h"

namespace vfsim::state {
class StreamWriter;
class StreamReader;
}

namespace vfsim::cmt {

class BareMachine : public sc_core::sc_module {
 public:
  BareMachine(sc_core::sc_module_name name, const platform::Platform& p);
  // Load an ELF's PT_LOAD segments at their physical addresses; returns the entry point.
  uint64_t load_elf(const std::string& path);
  // Start `count` strands at `entry` with %o0 = their cpuid: spread one per core over the
  // sockets first (default), or packed 8 to a core (pack). See docs/cmt.md.
  void start_strands(unsigned count, uint64_t entry, bool pack = false);
  // Start exactly these strands (cpuids); false if one does not exist or is already started.
  bool start_cpu(unsigned cpuid, uint64_t entry);
  // Handed to every strand started after this is set, in %o1..%o4 (main's 2nd..5th
  // arguments): bare programs have no other input, so one binary covers a whole sweep.
  static constexpr unsigned kMaxArgs = 4;
  std::vector<uint64_t> args;
  // Run until every strand has exited (or max_time). Returns the first nonzero exit code.
  int run(sc_core::sc_time max_time = sc_core::sc_time(10, sc_core::SC_SEC));

  void print_stats(std::ostream& os) const;
  // The timing model's whole state (cores, strands' timing and architectural state, caches,
  // TLBs, L2 banks, memory controllers) as sections "machine", "core N" and "strand N" of a
  // state stream (machine_state.cpp). Loading needs the same platform and simulated time.
  void save_state(state::StreamWriter& w) const;
  void load_state(const state::StreamReader& r);
  void write_stats_json(std::ostream& os) const;

  const platform::Platform& plat;
  PhysicalMemory mem;
  RealMemoryPort port;
  std::vector<std::unique_ptr<Core>> cores;
  // L2s, fill buffers, memory controllers and coherence links (memory_system.h).
  MemorySystem memsys;
  std::string console;             // everything the strands wrote
  // Bare code runs with real addressing, which bypasses the TLBs; with model_tlbs the timing
  // model charges ITLB/DTLB misses as if the program ran on 8 KB pages mapped 1:1 (the
  // hypervisor's MMU will turn this on for guests).
  bool model_tlbs = false;
  // The cycle-level trace (category insn, sim/trace): one line per issued instruction (core
  // cycle, socket/core/strand, pc, word, disassembly, cycles until the strand may issue
  // again), for at most trace_limit instructions.
  uint64_t trace_limit = 100000, traced = 0;
  std::ostream* console_out = nullptr;
  // The hypervisor, when one runs: it then owns every trap and interrupt (strand_host.h).
  StrandHost* host = nullptr;
  Core& core_of(unsigned cpuid) { return *cores[cpuid / plat.strands_per_core]; }
  Strand& strand(unsigned cpuid) { return *core_of(cpuid).strands[cpuid % plat.strands_per_core]; }
  int exit_code = 0;
  unsigned running = 0;
  uint64_t quantum_cycles;
};

}  // namespace vfsim::cmt
