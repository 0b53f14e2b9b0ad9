// The sun4v MMU a guest vCPU sees: real addressing until mmu_enable, then virtual addresses
// translated through a TLB loaded by mmu_map_addr/mmu_map_perm_addr and by a hardware walk of
// the guest's TSBs; a miss everywhere is a fast MMU miss trap to the guest, with the fault
// status area filled. Every real address (the TTE's, or the address itself in real mode) is
// checked against the guest's mblocks before it becomes a physical one. Also serves the
// per-strand ASIs: scratchpad, MMU contexts, interrupt queue registers, ASI_REAL. A real
// address that is not memory but lies in a root complex window the guest owns is device
// space (Translation::io): its loads and stores go to the hypervisor's io_handler.
#pragma once
#include <cstdint>

#include "hv/guest.h"
#include "sim/cmt/physical_memory.h"
#include "sim/cmt/strand.h"
#include "sim/isa/memory_port.h"

namespace vfsim::hv {

class Hypervisor;

class GuestMmu : public isa::MemoryPort {
 public:
  GuestMmu(Hypervisor& hv, Guest& g, Vcpu& v, cmt::Strand& s, cmt::PhysicalMemory& mem)
      : hv_(hv), g_(g), v_(v), s_(s), mem_(mem) {}
  isa::Translation translate(isa::StrandState& s, uint64_t va, isa::Access acc, uint8_t asi) override;
  isa::Trap asi_load(isa::StrandState& s, uint8_t asi, uint64_t va, unsigned size, uint64_t& out) override;
  isa::Trap asi_store(isa::StrandState& s, uint8_t asi, uint64_t va, unsigned size, uint64_t v) override;
  void flush_icache(isa::StrandState& s, uint64_t va) override;
  isa::Trap io_load(isa::StrandState& s, uint64_t va, uint8_t asi, unsigned size, bool little,
                    uint64_t& out) override;
  isa::Trap io_store(isa::StrandState& s, uint64_t va, uint8_t asi, unsigned size, bool little,
                     uint64_t v) override;

  // TLB maintenance for the hypercalls.
  void insert(const TlbEntry& e);
  unsigned demap(uint64_t va, uint64_t ctx, uint64_t flags, bool all_va, bool all_ctx);
  // Write the fault status area (I or D side) if the guest configured one.
  void record_fault(bool instruction, uint64_t type, uint64_t addr, uint64_t ctx);
  // Guest real memory as big-endian words (false if the RA is not the guest's).
  bool read_ra(uint64_t ra, uint64_t& v);
  bool write_ra(uint64_t ra, uint64_t v);
  // For the timing model, without side effects (no TLB insert, no fault status): the
  // physical address va will use for this access under asi, and the size of its mapping;
  // false if it will trap or is device space. walk_probes: the physical addresses of the
  // 16-byte TSB entries the hardware walk reads for va, in probe order, up to the one that
  // hits (all of them if none does); at most max.
  bool peek(const isa::StrandState& s, uint64_t va, isa::Access acc, uint8_t asi, uint64_t& pa,
            unsigned& shift) const;
  unsigned walk_probes(const isa::StrandState& s, uint64_t va, bool fetch, uint64_t* pas, unsigned max) const;
  // The TLB's next replacement victim: state, so a restored vCPU evicts the same entries.
  size_t& next_victim() { return next_victim_; }

 private:
  const TlbEntry* lookup(uint64_t va, uint64_t ctx, uint64_t flag) const;
  const TlbEntry* tsb_walk(uint64_t va, uint64_t ctx, uint64_t flag);
  bool tsb_probe(uint64_t va, uint64_t ctx, TlbEntry* hit, uint64_t* pas, unsigned max, unsigned& n) const;
  bool peek_ra(uint64_t ra, uint64_t& v) const;
  uint64_t context_for(const isa::StrandState& s, isa::Access acc, uint8_t asi) const;
  isa::Translation resolve(isa::StrandState& s, uint64_t va, isa::Access acc, uint8_t asi, uint64_t& ra,
                           uint64_t& ctx);
  isa::Translation real(uint64_t ra, isa::Access acc);
  bool is_device(uint64_t ra) const;
  isa::Trap io_access(isa::StrandState& s, uint64_t va, uint8_t asi, unsigned size, bool write, uint64_t& v);
  void check_mapin(isa::Translation& t, uint64_t ra, uint64_t va, uint64_t ctx, isa::Access acc);
  void note_store(const isa::Translation& t, uint64_t pa, isa::Access acc);
  Hypervisor& hv_;
  Guest& g_;
  Vcpu& v_;
  cmt::Strand& s_;
  cmt::PhysicalMemory& mem_;
  size_t next_victim_ = 0;
};

}  // namespace vfsim::hv
