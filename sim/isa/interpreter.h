// The instruction-level execution loop of one strand: a cache of predecoded 8 KB code pages,
// each instruction a call through its semantic function (Spike's recipe). The caller asks
// for N instructions and learns how many ran and which trap stopped it (VCML's contract).
#pragma once
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "sim/isa/insn.h"
#include "sim/isa/strand_state.h"

namespace vfsim::isa {

struct RunResult {
  uint64_t executed = 0;
  Trap trap = TT_NONE;   // trap that stopped the run (pc/npc point at the trapping insn)
};

class Interpreter {
 public:
  explicit Interpreter(StrandState& s) : s_(s) {}
  // Execute at most n instructions. Stops early on any trap, leaving pc/npc at the
  // instruction that trapped, so the caller can emulate (user mode) or enter_trap().
  RunResult run(uint64_t n);
  // Single step (for tracing and tests).
  RunResult step() { return run(1); }
  // Execute exactly `in`, the instruction at the current pc (from insn_at): the cheap path
  // for timing models that pick one instruction at a time.
  RunResult exec(const Insn& in) {
    StrandState& s = s_;
    s.next_pc = s.npc;
    s.next_npc = s.npc + 4;
    Trap t = in.spec->fn(s, in);
    if (t == TT_NONE) {
      s.pc = s.npc;
      s.npc += 4;
    } else if (t == TT_FLOW) {
      s.pc = s.next_pc;
      s.npc = s.next_npc;
    } else {
      return {0, t};
    }
    ++s.icount;
    return {1, TT_NONE};
  }
  // The predecoded instruction at pc (decoding its page if needed), or nullptr if pc cannot
  // be fetched. Timing models peek at it before executing (load/store address, class).
  const Insn* insn_at(uint64_t pc);
  // Drop decoded code for the page holding va (stores to code, FLUSH, unmap).
  void invalidate_page(uint64_t va);
  void invalidate_all();
  // The physical address of pc and the size of its mapping, if its page is decoded (the
  // timing model's instruction fetch; no side effects).
  bool code_physical(uint64_t pc, uint64_t& pa, unsigned& shift) const;
  StrandState& state() { return s_; }

 private:
  struct CodePage {
    uint64_t vpn;
    uint64_t pa = 0;          // physical address of the page and size of its mapping (timing)
    uint8_t shift = kPageBits;
    Insn insns[kPageSize / 4];
  };
  CodePage* fetch_page(uint64_t pc, Trap& fault, const void* const* labels);
  const void* const* labels_ = nullptr;   // handler addresses, known after the first run()
  CodePage* last_page_ = nullptr;          // page of the last fetch: run(1) callers hit it

  StrandState& s_;
  std::unordered_map<uint64_t, std::unique_ptr<CodePage>> pages_;
  static constexpr unsigned kFastPages = 64;
  CodePage* fast_[kFastPages] = {};
  // Page the running loop executes from; set to ~0 when decoded code is dropped so the
  // loop's one page check also catches invalidation.
  uint64_t cur_vpn_ = ~0ull;
};

}  // namespace vfsim::isa
