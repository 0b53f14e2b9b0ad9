// The MAU (modular arithmetic unit) of a T2 Plus core's SPU, as plain data and one function
// that runs one MA register image: the unit the NCS hypercalls (API group 0x103) feed from
// a guest's MAU queue of 64-byte `ncs_hvdesc` descriptors. This file knows nothing of
// queues, handles, interrupts or guests: the caller walks the queue, turns a descriptor's
// MPA (a real address) into guest memory through the accessors it passes, and charges the
// cycles this returns.
//
// Where each fact comes from ([V] seen in the source named, [D] derived or chosen here,
// with the reasoning in docs/crypto-mau.md):
//   descriptor   sun4v/hypervisor src/include/ncs_api.h (struct ncs_hvdesc, ND_STATE_*,
//                ND_TYPE_*, ND_ERR_*); illumos usr/src/uts/sun4v/sys/ncs.h (same)     [V]
//   MA_CTL       hypervisor src/greatlakes/huron/include/platform/mau.h (T2 bit layout);
//                illumos sys/ncs.h `ma_ctl.bits.n2` (same, plus ptymask 25:24)        [V]
//   op codes     hypervisor src/greatlakes/common/include/mau_api.h MA_OP_* 0..4       [V]
//   operands     OpenSPARC T1 RTL design/sys/iop/sparc/spu/rtl/spu_maaddr.v (which
//                address field each op reads and writes); Solaris ncp modexp_fill_ma
//                (exponentiation's a/m/n/x/e/es layout, shared by T1 and T2)          [V]
//   arithmetic   Montgomery, R = 2^(64*words), NP = -N^-1 mod 2^64: checked against
//                the expected results in OpenSPARC T1 verif/diag/.../stream/spu_mamul.s,
//                spu_mared.s, spu_maexp.s (tests/unit/test_mau.cpp replays them)      [V]
//   T2 exponent  little-endian word order, leading 1 bit consumed by X = A: Solaris
//                ncp (N2 binding copies A to X, does not reverse e, returns x itself
//                for e == 0)                                                        [V]/[D]
//   cycles       a named-parameter model (MauTiming)                                   [D]
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace vfsim::hv {

// ---- sizes ---------------------------------------------------------------------------
// MA memory: 1280 bytes = 160 words of 64 bits (mau_api.h MA_SIZE; RTL macro
// n2_mam_mp_160x66). At most 64 words move per load or store (mau_api.h MA_LOAD_MAX).
inline constexpr unsigned kMaWords = 160;
inline constexpr unsigned kMaLoadMaxWords = 64;
inline constexpr size_t kNcsHvDescSize = 64;

// ---- MA control register (T2 layout) --------------------------------------------------
//   HWE 22 (RO) | INVOP 21 (RO) | STRAND 20:18 | INTR 17 | BUSY 16 (RO) | OP 12:8 | LENGTH 7:0
// LENGTH is a count of 64-bit words minus one, for every op: words moved by a load or
// store, operand length of an arithmetic op.
namespace ma_ctl {
inline constexpr unsigned kLengthMask = 0xff;
inline constexpr unsigned kOpShift = 8, kOpMask = 0x1f;
inline constexpr unsigned kBusyBit = 16, kIntrBit = 17;
inline constexpr unsigned kStrandShift = 18, kStrandMask = 0x7;
inline constexpr unsigned kInvOpBit = 21, kHweBit = 22;
inline constexpr unsigned length(uint64_t ctl) { return unsigned(ctl & kLengthMask); }
inline constexpr unsigned op(uint64_t ctl) { return unsigned(ctl >> kOpShift) & kOpMask; }
inline constexpr unsigned words(uint64_t ctl) { return length(ctl) + 1; }
// A control word for `op` on `nwords` (1..256) words.
inline constexpr uint64_t make(unsigned op, unsigned nwords, bool intr = false) {
  return uint64_t(op & kOpMask) << kOpShift | ((nwords - 1) & kLengthMask) |
         (intr ? uint64_t(1) << kIntrBit : 0);
}
}  // namespace ma_ctl

// The operations (mau_api.h). T2 also has elliptic-curve point operations (Solaris ncp
// names MA_OP_POINTMULGFP, MA_OP_POINTMULGF2M, MA_OP_POINTDBLADDGF2M) whose codes no
// public source gives; this model answers every code other than 0..4 with invalid-op.
enum class MaOp : uint8_t { Load = 0, Store = 1, Multiply = 2, Reduce = 3, Exponentiate = 4 };

// ---- MA address register: eight 8-bit word offsets into MA memory ----------------------
// Field i is bits 8i+7:8i. Which field is which operand (T1 RTL spu_maaddr.v; Solaris ncp):
//   Load/Store     0: first MA word moved
//   Multiply       0: A  1: B  2: N  3: M (scratch)  4: X = A*B*R^-1 mod N
//   Reduce         0: A  1: N  2: R = A - N if A >= N, else A
//   Exponentiate   0: A  1: M (scratch)  2: N  3: X (in: A, out: result)  4: E
//                  5: exponent length in bytes minus one (a count, not an offset)
// Fields 6 and 7 exist on T2 for the ECC operations only.
inline constexpr unsigned ma_field(uint64_t ma, unsigned i) { return unsigned(ma >> (8 * i)) & 0xff; }
inline constexpr uint64_t ma_make(unsigned f0, unsigned f1 = 0, unsigned f2 = 0, unsigned f3 = 0,
                                  unsigned f4 = 0, unsigned f5 = 0) {
  return uint64_t(f0 & 0xff) | uint64_t(f1 & 0xff) << 8 | uint64_t(f2 & 0xff) << 16 |
         uint64_t(f3 & 0xff) << 24 | uint64_t(f4 & 0xff) << 32 | uint64_t(f5 & 0xff) << 40;
}

// One MA register image: what a descriptor carries (ncs_api.h ma_regs_t) and what the
// hypervisor writes to ASI_STREAM 0x80 (control), 0x88 (MPA), 0x90 (MA address), 0x98 (NP).
struct MauRegs {
  uint64_t ctl = 0;
  uint64_t mpa = 0;   // load/store: real address of the first word, 8-byte aligned
  uint64_t ma = 0;
  uint64_t np = 0;    // -N^-1 mod 2^64, consumed as given by multiply and exponentiate
};
inline bool operator==(const MauRegs& a, const MauRegs& b) {
  return a.ctl == b.ctl && a.mpa == b.mpa && a.ma == b.ma && a.np == b.np;
}
inline bool operator!=(const MauRegs& a, const MauRegs& b) { return !(a == b); }

// The unit's state: plain data, copyable, everything a snapshot needs. `regs` is the last
// image run, with the control register as the hypervisor would read it back after the op
// (BUSY clear, INVOP set when the op was refused); it does not influence later ops, since
// every descriptor writes all four registers.
struct MaUnit {
  std::array<uint64_t, kMaWords> mem{};
  MauRegs regs{};
};
inline bool operator==(const MaUnit& a, const MaUnit& b) { return a.mem == b.mem && a.regs == b.regs; }

enum class MauStatus : uint8_t {
  Ok,
  InvalidOp,      // the unit refused the image (INVOP): unknown op, length, offsets
  BadAddress,     // load/store: an accessor refused the range (the hypervisor's ENORADDR)
  BadAlignment,   // load/store: MPA not 8-byte aligned (the hypervisor's EINVAL)
};
const char* mau_status_name(MauStatus s);

struct MauResult {
  MauStatus status = MauStatus::Ok;
  uint64_t cycles = 0;   // modelled busy time of the unit, core cycles (MauTiming)
};

// The cost model. Every parameter is [D]; docs/crypto-mau.md gives the reasoning.
//   load/store      op_overhead + l2_latency + words * ldst_per_word
//   montmul(n)      product_cycles * (2n^2 + n) + pass_per_word * 3n
//   multiply        op_overhead + montmul(n)
//   reduce          op_overhead + pass_per_word * 3n
//   exponentiate    op_overhead + scan_per_bit * ebits + (squares + multiplies) * montmul(n)
// so a k-bit exponent on an n-word modulus costs about 1.5 k * 2n^2 cycles (k^3/1365 for
// a k-bit modulus): RSA-2048 public (e = 65537) ~37 000, a 1024-bit CRT half ~0.9 M.
struct MauTiming {
  uint64_t op_overhead = 8;      // issue from the ASI write, completion, sync
  uint64_t l2_latency = 24;      // first L2 access of a load/store
  uint64_t ldst_per_word = 1;    // each further 64-bit word
  uint64_t product_cycles = 1;   // one 64x64 product through the FGU's pipelined multiplier
  uint64_t pass_per_word = 1;    // per word of a linear pass (compare, subtract, copy)
  uint64_t scan_per_bit = 1;     // exponent bit examined
  unsigned max_ldst_words = kMaLoadMaxWords;
};

// Guest memory by real address; false = not the guest's (range checked as a whole, before
// anything moves). Data are the guest's bytes: MA words are big-endian in memory.
using MauRead = std::function<bool(uint64_t ra, void* dst, size_t len)>;
using MauWrite = std::function<bool(uint64_t ra, const void* src, size_t len)>;

// Checks an image the way the unit would, without running it: Ok or InvalidOp. (A load or
// store's MPA alignment and range are the hypervisor's checks, made by mau_execute: the
// alignment before this one, the range after it.)
MauStatus mau_check(const MauRegs& r, const MauTiming& t = {});

// Runs one image on `u`. On any status other than Ok neither MA memory nor guest memory
// has changed; after an address error `u.regs` has not either, and the cost is 0 (the
// hypervisor refuses such an image before the unit starts). Never throws, never reads or
// writes outside u.mem, whatever `r` holds.
MauResult mau_execute(MaUnit& u, const MauRegs& r, const MauRead& read, const MauWrite& write,
                      const MauTiming& t = {});

// -N^-1 mod 2^64 for an odd n0 (the low word of N): the NP a driver must supply. Even n0
// has no inverse; returns 0 then.
uint64_t mau_nprime(uint64_t n0);

// ---- the v2 queue descriptor (ncs_api.h struct ncs_hvdesc), 64 bytes, big-endian words ----
namespace nd {
inline constexpr uint64_t kStateFree = 0, kStatePending = 1, kStateBusy = 2, kStateDone = 3,
                          kStateError = 4;
inline constexpr uint64_t kTypeStart = 0x01, kTypeCont = 0x02, kTypeEnd = 0x80;
inline constexpr uint64_t kErrOk = 0x00, kErrInvOp = 0x01, kErrHwe = 0x02;
}  // namespace nd

struct NcsHvDesc {
  uint64_t state = nd::kStateFree;   // set by guest (PENDING) and hypervisor
  uint64_t type = 0;                 // START / CONT, | END on a job's last descriptor
  MauRegs regs{};
  uint64_t errstatus = nd::kErrOk;   // set by the hypervisor (v2.0)
  uint64_t pad = 0;
};
inline bool operator==(const NcsHvDesc& a, const NcsHvDesc& b) {
  return a.state == b.state && a.type == b.type && a.regs == b.regs &&
         a.errstatus == b.errstatus && a.pad == b.pad;
}

// Byte image <-> fields. Parsing never fails (every 64-byte image has fields); validity is
// ncs_desc_check's business.
NcsHvDesc ncs_desc_parse(const uint8_t* p);
void ncs_desc_serialise(const NcsHvDesc& d, uint8_t* p);

struct NcsDescCheck {
  uint64_t errstatus = nd::kErrOk;   // kErrOk, or kErrInvOp with `why` saying what
  const char* why = "";
  bool ok() const { return errstatus == nd::kErrOk; }
};
// Parses `n` bytes (anything but 64 is invalid) and checks state (0..4), type (START or
// CONT, optionally | END; END alone also accepted: the hypervisor tests only the END bit)
// and the register image (mau_check).
NcsDescCheck ncs_desc_check(const NcsHvDesc& d, const MauTiming& t = {});
NcsDescCheck ncs_desc_parse_checked(const uint8_t* p, size_t n, NcsHvDesc* out,
                                    const MauTiming& t = {});

// What the hypervisor writes back after running a descriptor's image (hcall_ncs.s mau_intr):
// Ok -> DONE, errstatus OK; InvalidOp -> ERROR, errstatus INVOP; an address error ->
// ERROR with errstatus left as the guest wrote it (the job never reached the unit).
void ncs_desc_finish(NcsHvDesc& d, MauStatus s);

}  // namespace vfsim::hv
