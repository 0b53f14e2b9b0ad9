// Device space (Translation::io): real SPARC loads and stores whose page the memory port calls
// device space reach MemoryPort::io_load/io_store once per access, with their size and byte
// order; ASI_REAL_IO(_LITTLE) go there without translation; atomics, block transfers, no-fault
// loads and instruction fetch trap without touching the device; the SoftTlb never keeps a
// device page. docs/hypervisor.md "Device space".
#include <catch2/catch.hpp>

#include "sim/isa/asi.h"
#include "tests/unit/isa_harness.h"

using namespace isa_test;
using namespace isa_test::sparc;

namespace {

constexpr uint64_t kIo = 0x200000;   // one 8 KB device page, outside the harness's memory

// The harness's flat memory plus a device page: 8 KB of little-endian registers, as a
// RegisterBank presents them (a numeric access of any size reads/writes those bytes LE).
struct DevicePort : MemoryPort {
  FlatMemory& flat;
  uint8_t regs[kPageSize] = {};
  struct Op { bool write; uint64_t va; uint8_t asi; unsigned size; bool little; uint64_t v; };
  std::vector<Op> ops;
  unsigned io_translations = 0;

  explicit DevicePort(FlatMemory& f) : flat(f) {}
  static bool device(uint64_t a) { return a >= kIo && a < kIo + kPageSize; }

  Translation translate(StrandState& s, uint64_t va, Access acc, uint8_t asi) override {
    if (!device(va)) return flat.translate(s, va, acc, asi);
    ++io_translations;
    Translation t;
    t.io = true;   // cacheable left true: the instruction set must not cache it anyway
    return t;
  }
  Trap io_load(StrandState&, uint64_t va, uint8_t asi, unsigned size, bool little, uint64_t& out) override {
    if (!device(va)) return TT_DATA_ACCESS_EXCEPTION;
    out = 0;
    for (unsigned i = 0; i < size; ++i) out |= uint64_t(regs[va - kIo + i]) << (8 * i);
    ops.push_back({false, va, asi, size, little, out});
    return TT_NONE;
  }
  Trap io_store(StrandState&, uint64_t va, uint8_t asi, unsigned size, bool little, uint64_t v) override {
    if (!device(va)) return TT_DATA_ACCESS_EXCEPTION;
    for (unsigned i = 0; i < size; ++i) regs[va - kIo + i] = uint8_t(v >> (8 * i));
    ops.push_back({true, va, asi, size, little, v});
    return TT_NONE;
  }
  void flush_icache(StrandState& s, uint64_t va) override { flat.flush_icache(s, va); }
};

// A privileged strand whose port is a DevicePort; %g1 = kIo, the device bytes 01 02 .. 08
// at offset 0 (register value 0x0807060504030201) and f0 f1 .. ff at 0x10.
struct DevMachine : Machine {
  DevicePort dev{mem};
  DevMachine() {
    s.mem = &dev;
    privileged(true);
    set(G1, kIo);
    for (unsigned i = 0; i < 8; ++i) dev.regs[i] = uint8_t(1 + i);
    for (unsigned i = 0; i < 16; ++i) dev.regs[0x10 + i] = uint8_t(0xf0 + i);
  }
  uint64_t load(uint32_t insn) {
    RunResult r = exec({insn});
    REQUIRE(r.trap == TT_NONE);
    return this->r(O0);
  }
  void store(uint32_t insn, uint64_t v) {
    set(O0, v);
    RunResult r = exec({insn});
    REQUIRE(r.trap == TT_NONE);
  }
  uint64_t regs_le(unsigned off, unsigned n) const {
    uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) v |= uint64_t(dev.regs[off + i]) << (8 * i);
    return v;
  }
};

}  // namespace

TEST_CASE("big-endian loads from device space see the register's bytes swapped", "[io]") {
  DevMachine m;
  CHECK(m.load(mem_imm(LDX, O0, G1, 0)) == 0x0102030405060708ull);
  CHECK(m.load(mem_imm(LDUW, O0, G1, 0)) == 0x01020304u);
  CHECK(m.load(mem_imm(LDUW, O0, G1, 4)) == 0x05060708u);
  CHECK(m.load(mem_imm(LDUH, O0, G1, 2)) == 0x0304u);
  CHECK(m.load(mem_imm(LDUB, O0, G1, 7)) == 0x08u);
  CHECK(m.load(mem_imm(LDSH, O0, G1, 0x10)) == 0xfffffffffffff0f1ull);   // swapped, then sign-extended
  CHECK(m.load(mem_imm(LDSB, O0, G1, 0x13)) == 0xfffffffffffffff3ull);
  // ldxa with ASI_PRIMARY is the same access.
  CHECK(m.load(mem_asi(LDXA, O0, G1, G0, ASI_PRIMARY)) == 0x0102030405060708ull);
  // Each was one access of its own size, big-endian, at its address, with the LE number.
  REQUIRE(m.dev.ops.size() == 8);
  const auto& o = m.dev.ops[1];
  CHECK((!o.write && o.va == kIo && o.size == 4 && !o.little && o.v == 0x04030201u));
  CHECK(m.dev.ops[3].va == kIo + 2);
  CHECK(m.dev.ops[3].size == 2);
  CHECK(m.dev.ops[4].va == kIo + 7);
  CHECK(m.dev.ops[4].size == 1);
  CHECK(m.dev.ops[7].asi == ASI_PRIMARY);
}

TEST_CASE("little-endian loads from device space read the register's number", "[io]") {
  DevMachine m;
  CHECK(m.load(mem_asi(LDXA, O0, G1, G0, ASI_PRIMARY_LITTLE)) == 0x0807060504030201ull);
  CHECK(m.load(mem_asi(LDUWA, O0, G1, G0, ASI_PRIMARY_LITTLE)) == 0x04030201u);
  CHECK(m.load(mem_asi(LDUHA, O0, G1, G0, ASI_PRIMARY_LITTLE)) == 0x0201u);
  CHECK(m.load(mem_asi(LDUBA, O0, G1, G0, ASI_PRIMARY_LITTLE)) == 0x01u);
  CHECK(m.load(mem_asi(LDXA, O0, G1, G0, ASI_NUCLEUS_LITTLE)) == 0x0807060504030201ull);
  CHECK(m.load(mem_asi(LDXA, O0, G1, G0, ASI_NUCLEUS)) == 0x0102030405060708ull);
  REQUIRE(m.dev.ops.size() == 6);
  CHECK(m.dev.ops[0].little);
  CHECK(m.dev.ops[4].asi == ASI_NUCLEUS_LITTLE);
  CHECK_FALSE(m.dev.ops[5].little);
  // PSTATE.CLE makes the implicit ASI little-endian: plain lduw reads the number too.
  m.s.pstate |= PSTATE_CLE;
  CHECK(m.load(mem_imm(LDUW, O0, G1, 0)) == 0x04030201u);
  CHECK(m.dev.ops.back().little);
}

TEST_CASE("stores to device space: big-endian ones arrive byte-swapped, little ones as they are", "[io]") {
  DevMachine m;
  m.store(mem_imm(STX, O0, G1, 0x20), 0x1122334455667788ull);
  CHECK(m.dev.ops.back().v == 0x8877665544332211ull);
  CHECK(m.regs_le(0x20, 8) == 0x8877665544332211ull);   // bytes 11 22 .. 88: as in memory
  m.store(mem_imm(STW, O0, G1, 0x28), 0xaabbccddu);
  CHECK(m.dev.ops.back().v == 0xddccbbaau);
  CHECK(m.dev.ops.back().size == 4);
  m.store(mem_imm(STH, O0, G1, 0x2c), 0x12345678u);   // the low half only
  CHECK(m.dev.ops.back().v == 0x7856u);
  m.store(mem_imm(STB, O0, G1, 0x2e), 0x1ffu);
  CHECK(m.dev.ops.back().v == 0xffu);
  CHECK(m.regs_le(0x28, 8) == 0x00ff7856ddccbbaaull);   // bytes aa bb cc dd 56 78 ff 00

  m.store(mem_asi(STXA, O0, G1, G0, ASI_PRIMARY_LITTLE), 0x1122334455667788ull);
  CHECK(m.dev.ops.back().v == 0x1122334455667788ull);
  CHECK(m.dev.ops.back().little);
  CHECK(m.regs_le(0, 8) == 0x1122334455667788ull);
  m.store(mem_asi(STWA, O0, G1, G0, ASI_PRIMARY_LITTLE), 0xcafef00du);
  CHECK(m.regs_le(0, 4) == 0xcafef00du);
  m.store(mem_asi(STHA, O0, G1, G0, ASI_PRIMARY), 0xbeefu);
  CHECK(m.regs_le(0, 2) == 0xefbeu);
  m.store(mem_asi(STBA, O0, G1, G0, ASI_PRIMARY_LITTLE), 0x5au);
  CHECK(m.regs_le(0, 1) == 0x5au);
  CHECK(m.dev.ops.size() == 8);
}

TEST_CASE("ASI_REAL_IO and ASI_REAL_IO_LITTLE reach the device by real address, untranslated", "[io]") {
  DevMachine m;
  unsigned before = m.dev.io_translations;
  CHECK(m.load(mem_asi(LDXA, O0, G1, G0, ASI_REAL_IO)) == 0x0102030405060708ull);
  CHECK(m.load(mem_asi(LDXA, O0, G1, G0, ASI_REAL_IO_LITTLE)) == 0x0807060504030201ull);
  CHECK(m.load(mem_asi(LDUWA, O0, G1, G0, ASI_REAL_IO_LITTLE)) == 0x04030201u);
  CHECK(m.load(mem_asi(LDUHA, O0, G1, G0, ASI_REAL_IO)) == 0x0102u);
  CHECK(m.load(mem_asi(LDUBA, O0, G1, G0, ASI_REAL_IO)) == 0x01u);
  m.store(mem_asi(STWA, O0, G1, G0, ASI_REAL_IO_LITTLE), 0x01020304u);
  CHECK(m.regs_le(0, 4) == 0x01020304u);
  m.store(mem_asi(STXA, O0, G1, G0, ASI_REAL_IO), 0x1122334455667788ull);
  CHECK(m.dev.ops.back().v == 0x8877665544332211ull);
  m.store(mem_asi(STHA, O0, G1, G0, ASI_REAL_IO), 0xabcdu);
  m.store(mem_asi(STBA, O0, G1, G0, ASI_REAL_IO_LITTLE), 0x77u);
  CHECK(m.regs_le(0, 2) == 0xcd77u);
  CHECK(m.dev.io_translations == before);   // real addresses: no translate call
  REQUIRE(m.dev.ops.size() == 9);
  CHECK(m.dev.ops[0].asi == ASI_REAL_IO);
  CHECK(m.dev.ops[1].asi == ASI_REAL_IO_LITTLE);
  CHECK(m.dev.ops[1].little);
  CHECK(m.dev.ops[3].size == 2);
  // A user program may not name them; misaligned accesses trap before the device.
  m.privileged(false);
  CHECK(m.exec({mem_asi(LDXA, O0, G1, G0, ASI_REAL_IO)}).trap == TT_PRIVILEGED_ACTION);
  m.privileged(true);
  CHECK(m.exec({mem_asi(LDUWA, O0, G1, G0, ASI_REAL_IO) | 0}).trap == TT_NONE);
  m.set(G2, 2);
  CHECK(m.exec({mem_asi(LDUWA, O0, G1, G2, ASI_REAL_IO)}).trap == TT_MEM_ADDRESS_NOT_ALIGNED);
  CHECK(m.exec({mem_asi(STXA, O0, G1, G2, ASI_REAL_IO_LITTLE)}).trap == TT_MEM_ADDRESS_NOT_ALIGNED);
  CHECK(m.dev.ops.size() == 10);
}

TEST_CASE("a device page never enters the SoftTlb: every access reaches the device", "[io]") {
  DevMachine m;
  m.exec({mem_imm(LDUW, O0, G1, 0), mem_imm(LDUW, O1, G1, 0), mem_imm(STW, O0, G1, 8),
          mem_imm(STW, O0, G1, 8), mem_asi(LDUWA, O2, G1, G0, ASI_PRIMARY_LITTLE),
          mem_asi(LDUWA, O3, G1, G0, ASI_PRIMARY_LITTLE)});
  CHECK(m.dev.ops.size() == 6);
  CHECK(m.dev.io_translations == 6);
  CHECK(m.s.tlb.read(kIo) == nullptr);
  CHECK(m.s.tlb.write(kIo) == nullptr);
  CHECK(m.r(O1) == 0x01020304u);
  CHECK(m.r(O3) == 0x04030201u);

  // Memory beside it is still cached after its first access (the fast path is untouched).
  m.set(G3, kData);
  unsigned t0 = m.mem.translations;
  m.exec({mem_imm(LDX, O0, G3, 0), mem_imm(LDX, O0, G3, 8), mem_imm(LDX, O0, G3, 16)});
  CHECK(m.mem.translations == t0 + 2);   // the (reloaded) code page and the data page, once
  CHECK(m.s.tlb.read(kData) != nullptr);
}

TEST_CASE("atomics, block transfers and no-fault loads on device space trap without touching it", "[io]") {
  DevMachine m;
  m.set(O0, 0x04030201);   // would compare equal to the register's first word (little)
  m.set(O1, 0x01020304);   // ... or big-endian
  CHECK(m.exec({casa(O1, G1, O1, ASI_PRIMARY)}).trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.exec({casa(O0, G1, O0, ASI_PRIMARY_LITTLE)}).trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.exec({casxa(O0, G1, O0, ASI_PRIMARY)}).trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.exec({casa(O1, G1, O1, ASI_REAL_IO)}).trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.exec({casxa(O0, G1, O0, ASI_REAL_IO_LITTLE)}).trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.exec({mem_imm(LDSTUB, O2, G1, 0)}).trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.exec({mem_imm(SWAP, O2, G1, 0)}).trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.exec({mem_asi(LDSTUBA, O2, G1, G0, ASI_PRIMARY)}).trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.exec({mem_asi(SWAPA, O2, G1, G0, ASI_REAL_IO)}).trap == TT_DATA_ACCESS_EXCEPTION);
  // Block load/store (64 bytes into %f0..%f14), twin-extended load, no-fault load.
  m.s.fprs |= 4;   // FPRS.FEF
  m.s.pstate |= PSTATE_PEF;
  constexpr unsigned LDDFA = 0x33, STDFA = 0x37;
  CHECK(m.exec({mem_asi(LDDFA, 0, G1, G0, ASI_BLK_P)}).trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.exec({mem_asi(STDFA, 0, G1, G0, ASI_BLK_P)}).trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.exec({mem_asi(LDDA, O2, G1, G0, ASI_TWINX_P)}).trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.exec({mem_asi(LDXA, O2, G1, G0, ASI_PRIMARY_NOFAULT)}).trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.dev.ops.empty());
  CHECK(m.dev.regs[0] == 1);
  // The same casa on memory works (the check costs nothing there).
  m.set(G3, kData);
  m.mem.w32(kData, 7);
  m.set(O4, 7);
  m.set(O5, 9);
  CHECK(m.exec({casa(O5, G3, O4, ASI_PRIMARY)}).trap == TT_NONE);
  CHECK(m.mem.r32(kData) == 9);
  CHECK(m.r(O5) == 7);
}

TEST_CASE("instruction fetch from device space is an instruction_access_exception", "[io]") {
  DevMachine m;
  RunResult r = m.run_to_trap({jmpl(G0, G1, G0), nop()});
  CHECK(r.trap == TT_INSTRUCTION_ACCESS_EXCEPTION);
  CHECK(m.s.pc == kIo);
  CHECK(m.dev.ops.empty());
}

TEST_CASE("misaligned device accesses trap as for memory, before the device", "[io]") {
  DevMachine m;
  CHECK(m.exec({mem_imm(LDUW, O0, G1, 2)}).trap == TT_MEM_ADDRESS_NOT_ALIGNED);
  CHECK(m.exec({mem_imm(STX, O0, G1, 4)}).trap == TT_MEM_ADDRESS_NOT_ALIGNED);
  CHECK(m.exec({mem_asi(LDUHA, O0, G1, G0, ASI_PRIMARY_LITTLE) | 0}).trap == TT_NONE);
  m.set(G2, 1);
  CHECK(m.exec({mem_asi(LDUHA, O0, G1, G2, ASI_PRIMARY_LITTLE)}).trap == TT_MEM_ADDRESS_NOT_ALIGNED);
  CHECK(m.dev.ops.size() == 1);
}

TEST_CASE("a port without device space refuses io accesses (the default io_load/io_store)", "[io]") {
  Machine m;   // FlatMemory: no io_load override
  m.privileged(true);
  m.set(G1, kData);
  CHECK(m.exec({mem_asi(LDXA, O0, G1, G0, ASI_REAL_IO)}).trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.exec({mem_asi(STXA, O0, G1, G0, ASI_REAL_IO_LITTLE)}).trap == TT_DATA_ACCESS_EXCEPTION);
}
