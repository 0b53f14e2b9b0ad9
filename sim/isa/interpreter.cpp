#include "sim/isa/interpreter.h"

#include "sim/isa/decoder.h"
#include "sim/isa/memory_port.h"
#include "sim/isa/mem_access.h"

namespace vfsim::isa {

Interpreter::CodePage* Interpreter::fetch_page(uint64_t pc, Trap& fault) {
  uint64_t vpn = pc >> kPageBits;
  CodePage*& slot = fast_[vpn % kFastPages];
  if (slot && slot->vpn == vpn) return slot;
  auto it = pages_.find(vpn);
  if (it == pages_.end()) {
    Translation t = s_.mem->translate(s_, pc, Access::Fetch, ASI_PRIMARY);
    if (!t.page) {
      fault = t.fault ? t.fault : TT_INSTRUCTION_ACCESS_EXCEPTION;
      return nullptr;
    }
    auto page = std::make_unique<CodePage>();
    page->vpn = vpn;
    for (unsigned i = 0; i < kPageSize / 4; ++i)
      decode(uint32_t(from_bytes<4>(t.page + 4 * i, false)), page->insns[i]);
    // Stores to this page must now take the slow path (which invalidates it).
    s_.tlb.flush_write_page(pc);
    it = pages_.emplace(vpn, std::move(page)).first;
  }
  slot = it->second.get();
  return slot;
}

RunResult Interpreter::run(uint64_t n) {
  RunResult r;
  StrandState& s = s_;
  // pc/npc live in host registers; they are stored (never reloaded) before each call so
  // semantics can read them, and only control transfers return TT_FLOW with new values.
  uint64_t pc = s.pc, npc = s.npc;
  const uint64_t start = s.icount, stop = s.icount + n;
  CodePage* page = nullptr;
  uint64_t page_vpn = ~0ull;
  uint64_t epoch = code_epoch_;
  while (s.icount != stop) {
    if (__builtin_expect((pc >> kPageBits) != page_vpn, 0)) {
      s.pc = pc;
      s.npc = npc;
      if (pc & 3) { r.trap = TT_MEM_ADDRESS_NOT_ALIGNED; break; }
      Trap f = TT_NONE;
      page = fetch_page(pc, f);
      if (!page) { r.trap = f; break; }
      page_vpn = pc >> kPageBits;
    }
    const Insn& in = page->insns[(pc & (kPageSize - 1)) >> 2];
    s.pc = pc;
    s.npc = npc;
    Trap t = in.fn(s, in);
    if (__builtin_expect(t == TT_NONE, 1)) {
      pc = npc;
      npc += 4;
    } else if (t == TT_FLOW) {
      pc = s.next_pc;
      npc = s.next_npc;
    } else {
      r.trap = t;
      break;
    }
    ++s.icount;
    // A store, FLUSH or unmap may have dropped decoded code: look the page up again.
    if (__builtin_expect(code_epoch_ != epoch, 0)) {
      epoch = code_epoch_;
      page_vpn = ~0ull;
    }
  }
  if (r.trap == TT_NONE) {
    s.pc = pc;
    s.npc = npc;
  }
  r.executed = s.icount - start;
  return r;
}

void Interpreter::invalidate_page(uint64_t va) {
  uint64_t vpn = va >> kPageBits;
  CodePage*& slot = fast_[vpn % kFastPages];
  if (slot && slot->vpn == vpn) slot = nullptr;
  if (pages_.erase(vpn)) code_epoch_++;
}

void Interpreter::invalidate_all() {
  for (auto& p : fast_) p = nullptr;
  pages_.clear();
  code_epoch_++;
}

}  // namespace vfsim::isa
