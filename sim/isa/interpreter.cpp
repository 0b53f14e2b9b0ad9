#include "sim/isa/interpreter.h"

#include "sim/isa/decoder.h"
#include "sim/isa/memory_port.h"
#include "sim/isa/mem_access.h"
#include "sim/isa/semantics.h"

// The semantic functions are compiled into this translation unit (a unity build of
// insns/*.cpp) so the dispatch switch below can inline them.
#include "sim/isa/insns/alu.cpp"
#include "sim/isa/insns/branch.cpp"
#include "sim/isa/insns/window.cpp"
#include "sim/isa/insns/loadstore.cpp"
#include "sim/isa/insns/fp.cpp"
#include "sim/isa/insns/fp_mem.cpp"
#include "sim/isa/insns/state_regs.cpp"
#include "sim/isa/insns/vis.cpp"

namespace vfsim::isa {

Interpreter::CodePage* Interpreter::fetch_page(uint64_t pc, Trap& fault,
                                              const void* const* labels) {
  uint64_t vpn = pc >> kPageBits;
  CodePage*& slot = fast_[vpn % kFastPages];
  if (slot && slot->vpn == vpn) return slot;
  auto it = pages_.find(vpn);
  if (it == pages_.end()) {
    Translation t = s_.mem->translate(s_, pc, Access::Fetch, ASI_PRIMARY);
    if (!t.page) {   // device space (t.io) cannot hold instructions
      fault = t.fault && !t.io ? t.fault : TT_INSTRUCTION_ACCESS_EXCEPTION;
      return nullptr;
    }
    auto page = std::make_unique<CodePage>();
    page->vpn = vpn;
    page->pa = t.pa;
    page->shift = t.page_shift;
    for (unsigned i = 0; i < kPageSize / 4; ++i) {
      Insn& in = page->insns[i];
      decode(uint32_t(from_bytes<4>(t.page + 4 * i, false)), in);
      in.label = labels[in.spec->id];
    }
    // Stores to this page must now take the slow path (which invalidates it).
    s_.tlb.flush_write_page(pc);
    it = pages_.emplace(vpn, std::move(page)).first;
  }
  slot = it->second.get();
  return slot;
}

bool Interpreter::code_physical(uint64_t pc, uint64_t& pa, unsigned& shift) const {
  uint64_t vpn = pc >> kPageBits;
  const CodePage* p = fast_[vpn % kFastPages];
  if (!p || p->vpn != vpn) {
    auto it = pages_.find(vpn);
    if (it == pages_.end()) return false;
    p = it->second.get();
  }
  pa = p->pa | (pc & (kPageSize - 1));
  shift = p->shift;
  return true;
}

// Threaded dispatch: every instruction's code ends with its own indirect jump to the next
// instruction's handler (GCC's labels-as-values), so the host's branch predictor sees one
// jump per SPARC instruction kind instead of a single shared one. Built with
// -fno-crossjumping so the compiler keeps those jumps apart.
RunResult Interpreter::run(uint64_t n) {
  static const void* const kLabels[ID_COUNT] = {
      &&L_illegal,
#define INSN(id, mn, match, mask, fmt, feat, rf) &&L_##id,
#include "sim/isa/insn_table.def"
#include "sim/isa/vis_table.def"
#undef INSN
  };
  labels_ = kLabels;
  RunResult r;
  StrandState& s = s_;
  // pc/npc live in host registers; they are stored (never reloaded) before each handler so
  // semantics can read them; control transfers return TT_FLOW with next_pc/next_npc.
  uint64_t pc = s.pc, npc = s.npc;
  const uint64_t start = s.icount, stop = s.icount + n;
  uint64_t count = start;
  CodePage* page = nullptr;
  cur_vpn_ = ~0ull;
  const Insn* in = nullptr;
  Trap t = TT_NONE;
  if (n == 0) goto done;

refetch:
  s.pc = pc;
  s.npc = npc;
  if (pc & 3) { r.trap = TT_MEM_ADDRESS_NOT_ALIGNED; goto out; }
  if (last_page_ && last_page_->vpn == (pc >> kPageBits)) {
    page = last_page_;
  } else {
    Trap f = TT_NONE;
    page = fetch_page(pc, f, kLabels);
    if (!page) { r.trap = f; goto out; }
    last_page_ = page;
  }
  cur_vpn_ = pc >> kPageBits;
  in = &page->insns[(pc & (kPageSize - 1)) >> 2];
  goto *in->label;

#define NEXT_INSN                                                                   \
  do {                                                                              \
    if (__builtin_expect(t == TT_NONE, 1)) {                                        \
      pc = npc;                                                                     \
      npc += 4;                                                                     \
    } else if (t == TT_FLOW) {                                                      \
      pc = s.next_pc;                                                               \
      npc = s.next_npc;                                                             \
    } else {                                                                        \
      goto trapped;                                                                 \
    }                                                                               \
    s.icount = ++count;   /* a plain store: no loop-carried load through memory */ \
    if (__builtin_expect(count == stop, 0)) goto done;                              \
    if (__builtin_expect((pc >> kPageBits) != cur_vpn_, 0))                         \
      goto refetch;                                                                 \
    in = &page->insns[(pc & (kPageSize - 1)) >> 2];                                 \
    s.pc = pc;                                                                      \
    s.npc = npc;                                                                    \
    goto* in->label;                                                                \
  } while (0)

L_illegal:
  t = exec_illegal(s, *in);
  NEXT_INSN;
#define INSN(id, mn, match, mask, fmt, feat, rf) \
  L_##id:                                        \
  t = exec_##id(s, *in);                         \
  NEXT_INSN;
#include "sim/isa/insn_table.def"
#include "sim/isa/vis_table.def"
#undef INSN
#undef NEXT_INSN

trapped:
  r.trap = t;   // s.pc/s.npc still name the trapping instruction
  goto out;
done:
  s.pc = pc;
  s.npc = npc;
out:
  r.executed = s.icount - start;
  return r;
}

const Insn* Interpreter::insn_at(uint64_t pc) {
  if (!labels_) run(0);   // learn the handler table
  if (pc & 3) return nullptr;
  CodePage* p = last_page_;
  if (!p || p->vpn != (pc >> kPageBits)) {
    Trap f = TT_NONE;
    p = fetch_page(pc, f, labels_);
    if (!p) return nullptr;
    last_page_ = p;
  }
  return &p->insns[(pc & (kPageSize - 1)) >> 2];
}

void Interpreter::invalidate_page(uint64_t va) {
  uint64_t vpn = va >> kPageBits;
  CodePage*& slot = fast_[vpn % kFastPages];
  if (slot && slot->vpn == vpn) slot = nullptr;
  if (last_page_ && last_page_->vpn == vpn) last_page_ = nullptr;
  if (pages_.erase(vpn)) cur_vpn_ = ~0ull;   // a running loop looks its page up again
}

void Interpreter::invalidate_all() {
  for (auto& p : fast_) p = nullptr;
  pages_.clear();
  last_page_ = nullptr;
  cur_vpn_ = ~0ull;
}

}  // namespace vfsim::isa
