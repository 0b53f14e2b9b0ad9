// A T2 Plus core in SystemC: 8 strands in 2 thread groups, least-recently-picked issue per
// group each cycle, one LSU and one FGU shared by the groups, I/D caches and TLBs, and the
// latencies of the platform; one SC_THREAD that runs a quantum of cycles between
// synchronisations (docs/cmt.md).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>

#include "sim/cmt/cache_model.h"
#include "sim/cmt/strand.h"
#include "sim/cmt/tlb_model.h"
#include "sim/isa/memory_port.h"

namespace vfsim::cmt {

class BareMachine;

class Core : public sc_core::sc_module {
 public:
  Core(sc_core::sc_module_name name, BareMachine& m, unsigned socket, unsigned index);
  ~Core() override;
  std::vector<std::unique_ptr<Strand>> strands;
  unsigned socket, index;
  // The picker's hot state, kept together (a Strand is ~20 KB with its SoftTlb).
  bool running[8] = {};
  uint64_t ready_at[8] = {};       // core cycle at which each strand may issue again
  uint64_t cycles = 0;             // cycles this core has simulated
  uint64_t busy_cycles = 0;        // cycles in which at least one strand issued
  CacheModel l1i, l1d;
  TlbModel itlb, dtlb;             // timed only when the machine models translation

  // Strand control for a host (cpu_start, cpu_stop, cpu_yield, cross-calls). A core whose
  // strands are all stopped sleeps on an event, so starting one wakes it at the current time.
  void start(unsigned slot);
  void stop(unsigned slot);
  void sleep_until(unsigned slot, uint64_t cycle);   // the strand issues nothing before cycle
  void wake(unsigned slot);                          // end a sleep now
  void delay(unsigned slot, uint64_t n) { ready_at[slot] += n; }   // time spent outside the strand (a hypercall)
  BareMachine& machine() { return m_; }
  // After a snapshot is restored: carry on exactly where the saved core stopped (its timed
  // wait ended at resume_ps, or it was parked). machine_state.cpp.
  void resume_after_restore();

 private:
  friend struct MachineState;
  void run();
  bool step(unsigned i, const isa::Insn* in);   // issue one instruction; false when it stopped
  // Translation timing (core_translation.cpp). timing_pa: the physical address the access of
  // strand i to va uses (caches, banks, controllers and home socket are found by it); false
  // when the access will not reach memory (it traps, or it is device space). tlb_lookup: the
  // ITLB/DTLB lookup when the strand touches va; cycles of hardware tablewalk on a miss.
  bool timing_pa(unsigned i, uint64_t va, isa::Access acc, const isa::Insn* in, uint64_t& pa);
  unsigned tlb_lookup(unsigned i, uint64_t va, bool fetch);
  bool physical(unsigned i, uint64_t va, isa::Access acc, uint8_t asi, uint64_t& pa, unsigned& shift);
  unsigned tablewalk_cycles(unsigned i, uint64_t va, bool fetch);
  // 4 TSBs per context class, each probed for up to 4 page sizes (t2plus-microarch.md §3).
  static constexpr unsigned kMaxWalkProbes = 16;
 public:
  // The memory side (core_memory.cpp): cycles until the data is back for a load at pa
  // (through L1, L2, memory; atomics are done at the L2); cycles the strand waits to put a
  // store into its store buffer; a prefetch (non-blocking L2 fill; fcn = the instruction's
  // rd field); an L1-bypassing read through the L2 (instruction fetch misses, tablewalks).
  unsigned load_latency(unsigned i, uint64_t pa, bool atomic);
  unsigned store_access(unsigned i, uint64_t pa);
  void prefetch(unsigned i, uint64_t pa, unsigned fcn);
  unsigned l2_read(uint64_t pa, Strand& s);
  unsigned l2_access(Strand& s, uint64_t pa, bool atomic);   // l2_read and load misses
  static bool prefetch_is_strong(unsigned fcn);
 private:
  double now_ns() const;                        // this core's local time
  bool check_interrupts(unsigned i);           // stick match, then ask the host if one is due
  sc_core::sc_event wake_event_;
  bool favor_tg1_ = false;         // which thread group wins the next LSU/FGU conflict
  uint64_t q_start_cycles_ = 0;    // core cycle and SystemC time (ns) at the quantum's start
  double q_start_ns_ = 0;
  // SystemC time (ps) at which the core's quantum wait ends; 0 while it is parked. State:
  // a restored core resumes then, so a restored run is cycle-identical to the original.
  uint64_t resume_ps_ = 0;
  bool restored_ = false;          // the next wake is a restore's, not a strand start
  // The strand and cache trace categories (core_trace.cpp): one sample per quantum, written
  // only where a value changed. Made with the core when one is on then, else at the first
  // quantum's end that finds one on; dropped by a snapshot restore (its statistics jump).
  struct TraceSamples {
    StrandStats prev[8];               // each strand's statistics at the last sample
    double shown[8][7];                // the value last written per strand counter (NaN: none yet)
    double core_shown[3];              // the core's l1i, l1d and l2 misses
    std::vector<double> memory_shown;  // its socket's MCUs, then L2 banks (a socket's core 0)
  };
  std::unique_ptr<TraceSamples> samples_;
  uint64_t sleep_end_[8] = {};     // core cycle at which a strand's host sleep (cpu_yield) ends
  void trace_quantum(uint64_t start, const bool (&was_running)[8]);
  void start_samples(bool prime);
  BareMachine& m_;
  uint8_t lru_[2][4] = {{0, 1, 2, 3}, {0, 1, 2, 3}};   // pick order per thread group
};

}  // namespace vfsim::cmt
