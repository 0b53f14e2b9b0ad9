// VIS 1 / VIS 2 semantics (see vis_table.def), as the UltraSPARC Architecture 2007 and the
// UltraSPARC T2 supplement define them. Partitioned values are big-endian: element 0 is the
// most significant field of the register. On the T2 every VIS instruction, including the
// integer-register ones (EDGE, ARRAY, ALIGNADDRESS, BMASK), needs FPRS.FEF && PSTATE.PEF.
// VIS instructions leave the FSR alone.
//
// GSR fields: mask 63:32 (BSHUFFLE), im 27 and irnd 26:25 (SIAM), scale 7:3 (FPACK), align
// 2:0 (FALIGNDATA).
#include "sim/isa/insns/common.h"

#ifndef FP_CHECK
#define FP_CHECK() if (!s.fpu_enabled()) return TT_FP_DISABLED
#endif

namespace vfsim::isa {

namespace vis {

inline uint64_t d1(const StrandState& s, const Insn& d) { return s.fd(dreg(d.rs1)); }
inline uint64_t d2(const StrandState& s, const Insn& d) { return s.fd(dreg(d.rs2)); }
inline void set_d(StrandState& s, const Insn& d, uint64_t v) { s.set_fd(dreg(d.rd), v); }

// Field i (0 = least significant) of a packed value, signed or unsigned.
inline int32_t s16(uint64_t v, unsigned i) { return int16_t(uint16_t(v >> (16 * i))); }
inline uint32_t u8(uint64_t v, unsigned i) { return uint8_t(v >> (8 * i)); }
inline int32_t s32(uint64_t v, unsigned i) { return int32_t(uint32_t(v >> (32 * i))); }

// ---- EDGE ----
// Elements of W bytes in an 8-byte block. The left edge comes from rs1's low 3 bits, the right
// edge from rs2's; when both addresses are in the same block (bits 63:3, or 31:3 with
// PSTATE.AM) rd = left & right, else rd = left. Big-endian masks have the leftmost element
// in the most significant bit; the L forms are mirrored.
template <unsigned W, bool Little, bool SetCC>
inline Trap edge(StrandState& s, const Insn& d) {
  FP_CHECK();
  constexpr unsigned kElems = 8 / W;
  constexpr uint64_t kMask = (1u << kElems) - 1;
  uint64_t a = s.r(d.rs1), b = s.r(d.rs2);
  unsigned li = unsigned(a & 7) / W, ri = unsigned(b & 7) / W;
  uint64_t left, right;
  if (Little) {
    left = (kMask << li) & kMask;
    right = kMask >> (kElems - 1 - ri);
  } else {
    left = kMask >> li;
    right = (kMask << (kElems - 1 - ri)) & kMask;
  }
  uint64_t block = (s.pstate & PSTATE_AM) ? 0xfffffff8ull : ~uint64_t(7);
  uint64_t r = ((a ^ b) & block) == 0 ? (left & right) : left;
  if (SetCC) s.ccr = cc_sub(a, b, a - b);
  s.set_r(d.rd, r);
  return TT_NONE;
}

// ---- ARRAY ----
// rs1 holds fixed-point 3-D coordinates: x integer 21:11, y integer 43:33, z integer 63:55
// (the fractions below each are ignored). rs2 gives log2 of the X/Y size; values above 5 are
// architecturally undefined and behave as 5 on past implementations (only rs2<2:0> is read).
inline uint64_t array8(uint64_t a, uint64_t size) {
  unsigned n = unsigned(size & 7);
  if (n > 5) n = 5;
  uint64_t x = (a >> 11) & 0x7ff, y = (a >> 33) & 0x7ff, z = (a >> 55) & 0x1ff;
  uint64_t nmask = (1ull << n) - 1;
  return ((z >> 5) << (17 + 2 * n)) |       // z<8:5>
         (((y >> 6) & nmask) << (17 + n)) |  // y<n+5:6>
         (((x >> 6) & nmask) << 17) |        // x<n+5:6>
         (((z >> 1) & 15) << 13) |           // z<4:1>
         (((y >> 2) & 15) << 9) |            // y<5:2>
         (((x >> 2) & 15) << 5) |            // x<5:2>
         ((z & 1) << 4) |                    // z<0>
         ((y & 3) << 2) |                    // y<1:0>
         (x & 3);                            // x<1:0>
}
template <unsigned Shift>
inline Trap array(StrandState& s, const Insn& d) {
  FP_CHECK();
  s.set_r(d.rd, array8(s.r(d.rs1), s.r(d.rs2)) << Shift);
  return TT_NONE;
}

// ---- partitioned compares ----
// Bit i of rd is the result for field i counted from the least significant end, so the
// most significant field lands in the highest bit; the rest of rd is zero. Signed fields.
template <unsigned Bits, typename Cmp>
inline Trap fcmp(StrandState& s, const Insn& d, Cmp cmp) {
  FP_CHECK();
  uint64_t a = d1(s, d), b = d2(s, d), r = 0;
  for (unsigned i = 0; i < 64 / Bits; ++i) {
    int32_t x = Bits == 16 ? s16(a, i) : s32(a, i);
    int32_t y = Bits == 16 ? s16(b, i) : s32(b, i);
    if (cmp(x, y)) r |= 1u << i;
  }
  s.set_r(d.rd, r);
  return TT_NONE;
}

// ---- partitioned multiplies ----
// 8x16 products rounded to the upper 16 bits of the 24-bit product: (p + 0x80) >> 8.
inline uint64_t mul8x16_lane(int32_t p) { return uint16_t((p + 0x80) >> 8); }

// ---- FPACK ----
inline uint32_t pack16(uint64_t src, uint64_t gsr) {
  unsigned scale = unsigned(gsr >> 3) & 0xf;   // FPACK16 ignores GSR.scale<4>
  uint32_t r = 0;
  for (unsigned i = 0; i < 4; ++i) {
    int32_t v = int32_t(uint32_t(s16(src, i)) << scale) >> 7;
    uint32_t c = v < 0 ? 0 : v > 255 ? 255 : uint32_t(v);
    r |= c << (8 * i);
  }
  return r;
}
inline uint64_t pack32(uint64_t src1, uint64_t src2, uint64_t gsr) {
  unsigned scale = unsigned(gsr >> 3) & 0x1f;
  uint64_t r = (src1 << 8) & ~0x000000ff000000ffull;
  for (unsigned i = 0; i < 2; ++i) {
    int64_t v = int64_t(uint64_t(int64_t(s32(src2, i))) << scale) >> 23;
    uint64_t c = v < 0 ? 0 : v > 255 ? 255 : uint64_t(v);
    r |= c << (32 * i);
  }
  return r;
}
inline uint32_t packfix(uint64_t src, uint64_t gsr) {
  unsigned scale = unsigned(gsr >> 3) & 0x1f;
  uint32_t r = 0;
  for (unsigned i = 0; i < 2; ++i) {
    int64_t v = int64_t(uint64_t(int64_t(s32(src, i))) << scale) >> 16;
    int64_t c = v < -32768 ? -32768 : v > 32767 ? 32767 : v;
    r |= uint32_t(uint16_t(c)) << (16 * i);
  }
  return r;
}

// ---- partitioned add/subtract (modular, no saturation) ----
template <unsigned Bits, bool Sub>
inline uint64_t padd(uint64_t a, uint64_t b, unsigned total_bits) {
  constexpr uint64_t kField = Bits == 64 ? ~0ull : (1ull << Bits) - 1;
  uint64_t r = 0;
  for (unsigned sh = 0; sh < total_bits; sh += Bits) {
    uint64_t x = (a >> sh) & kField, y = (b >> sh) & kField;
    r |= ((Sub ? x - y : x + y) & kField) << sh;
  }
  return r;
}

}  // namespace vis

// ---- EDGE ----
Trap exec_edge8(StrandState& s, const Insn& d) { return vis::edge<1, false, true>(s, d); }
Trap exec_edge8n(StrandState& s, const Insn& d) { return vis::edge<1, false, false>(s, d); }
Trap exec_edge8l(StrandState& s, const Insn& d) { return vis::edge<1, true, true>(s, d); }
Trap exec_edge8ln(StrandState& s, const Insn& d) { return vis::edge<1, true, false>(s, d); }
Trap exec_edge16(StrandState& s, const Insn& d) { return vis::edge<2, false, true>(s, d); }
Trap exec_edge16n(StrandState& s, const Insn& d) { return vis::edge<2, false, false>(s, d); }
Trap exec_edge16l(StrandState& s, const Insn& d) { return vis::edge<2, true, true>(s, d); }
Trap exec_edge16ln(StrandState& s, const Insn& d) { return vis::edge<2, true, false>(s, d); }
Trap exec_edge32(StrandState& s, const Insn& d) { return vis::edge<4, false, true>(s, d); }
Trap exec_edge32n(StrandState& s, const Insn& d) { return vis::edge<4, false, false>(s, d); }
Trap exec_edge32l(StrandState& s, const Insn& d) { return vis::edge<4, true, true>(s, d); }
Trap exec_edge32ln(StrandState& s, const Insn& d) { return vis::edge<4, true, false>(s, d); }

// ---- ARRAY ----
Trap exec_array8(StrandState& s, const Insn& d) { return vis::array<0>(s, d); }
Trap exec_array16(StrandState& s, const Insn& d) { return vis::array<1>(s, d); }
Trap exec_array32(StrandState& s, const Insn& d) { return vis::array<2>(s, d); }

// ---- ALIGNADDRESS[_LITTLE], BMASK ----
Trap exec_alignaddr(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t sum = s.r(d.rs1) + s.r(d.rs2);
  s.gsr = (s.gsr & ~7ull) | (sum & 7);
  s.set_r(d.rd, sum & ~7ull);
  return TT_NONE;
}
Trap exec_alignaddrl(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t sum = s.r(d.rs1) + s.r(d.rs2);
  s.gsr = (s.gsr & ~7ull) | ((0 - sum) & 7);   // two's complement of the low 3 bits
  s.set_r(d.rd, sum & ~7ull);
  return TT_NONE;
}
Trap exec_bmask(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t sum = s.r(d.rs1) + s.r(d.rs2);
  s.gsr = (s.gsr & 0xffffffffull) | (sum << 32);
  s.set_r(d.rd, sum);
  return TT_NONE;
}

// ---- partitioned compares ----
Trap exec_fcmple16(StrandState& s, const Insn& d) { return vis::fcmp<16>(s, d, [](int32_t x, int32_t y) { return x <= y; }); }
Trap exec_fcmpne16(StrandState& s, const Insn& d) { return vis::fcmp<16>(s, d, [](int32_t x, int32_t y) { return x != y; }); }
Trap exec_fcmpgt16(StrandState& s, const Insn& d) { return vis::fcmp<16>(s, d, [](int32_t x, int32_t y) { return x > y; }); }
Trap exec_fcmpeq16(StrandState& s, const Insn& d) { return vis::fcmp<16>(s, d, [](int32_t x, int32_t y) { return x == y; }); }
Trap exec_fcmple32(StrandState& s, const Insn& d) { return vis::fcmp<32>(s, d, [](int32_t x, int32_t y) { return x <= y; }); }
Trap exec_fcmpne32(StrandState& s, const Insn& d) { return vis::fcmp<32>(s, d, [](int32_t x, int32_t y) { return x != y; }); }
Trap exec_fcmpgt32(StrandState& s, const Insn& d) { return vis::fcmp<32>(s, d, [](int32_t x, int32_t y) { return x > y; }); }
Trap exec_fcmpeq32(StrandState& s, const Insn& d) { return vis::fcmp<32>(s, d, [](int32_t x, int32_t y) { return x == y; }); }

// ---- partitioned multiplies ----
// FMUL8x16: unsigned 8-bit fields of single rs1 times signed 16-bit fields of double rs2.
Trap exec_fmul8x16(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint32_t a = s.fs(d.rs1);
  uint64_t b = vis::d2(s, d), r = 0;
  for (unsigned i = 0; i < 4; ++i)
    r |= vis::mul8x16_lane(int32_t(vis::u8(a, i)) * vis::s16(b, i)) << (16 * i);
  vis::set_d(s, d, r);
  return TT_NONE;
}
// FMUL8x16AU/AL: the four 8-bit fields of single rs1 times one signed 16-bit value, the
// upper (AU) or lower (AL) half of single rs2.
static Trap fmul8x16a(StrandState& s, const Insn& d, unsigned half) {
  FP_CHECK();
  uint32_t a = s.fs(d.rs1);
  int32_t b = vis::s16(s.fs(d.rs2), half);
  uint64_t r = 0;
  for (unsigned i = 0; i < 4; ++i)
    r |= vis::mul8x16_lane(int32_t(vis::u8(a, i)) * b) << (16 * i);
  vis::set_d(s, d, r);
  return TT_NONE;
}
Trap exec_fmul8x16au(StrandState& s, const Insn& d) { return fmul8x16a(s, d, 1); }
Trap exec_fmul8x16al(StrandState& s, const Insn& d) { return fmul8x16a(s, d, 0); }
// FMUL8SUx16: the signed upper 8 bits of each 16-bit field of rs1 times the 16-bit field of
// rs2, rounded to the upper 16 bits of the 24-bit product.
Trap exec_fmul8sux16(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t a = vis::d1(s, d), b = vis::d2(s, d), r = 0;
  for (unsigned i = 0; i < 4; ++i)
    r |= vis::mul8x16_lane((vis::s16(a, i) >> 8) * vis::s16(b, i)) << (16 * i);
  vis::set_d(s, d, r);
  return TT_NONE;
}
// FMUL8ULx16: the unsigned lower 8 bits of each 16-bit field of rs1 times the 16-bit field of
// rs2; the product, sign-extended to 32 bits, is rounded to its upper 16 bits. Paired with
// FMUL8SUx16 and FPADD16 this gives the upper 16 bits of a 16x16 product.
Trap exec_fmul8ulx16(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t a = vis::d1(s, d), b = vis::d2(s, d), r = 0;
  for (unsigned i = 0; i < 4; ++i) {
    int32_t p = int32_t(vis::u8(a, 2 * i)) * vis::s16(b, i);
    r |= uint64_t(uint16_t((p + 0x8000) >> 16)) << (16 * i);
  }
  vis::set_d(s, d, r);
  return TT_NONE;
}
// FMULD8SUx16 / FMULD8ULx16: two 16-bit fields of single rs1 and rs2, 32-bit results, no
// rounding. SU: signed upper byte times the field, shifted left 8. UL: unsigned lower byte
// times the field, sign-extended. Their sum is the full 16x16 product.
Trap exec_fmuld8sux16(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint32_t a = s.fs(d.rs1), b = s.fs(d.rs2);
  uint64_t r = 0;
  for (unsigned i = 0; i < 2; ++i) {
    int32_t p = (vis::s16(a, i) >> 8) * vis::s16(b, i);
    r |= uint64_t(uint32_t(p) << 8) << (32 * i);
  }
  vis::set_d(s, d, r);
  return TT_NONE;
}
Trap exec_fmuld8ulx16(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint32_t a = s.fs(d.rs1), b = s.fs(d.rs2);
  uint64_t r = 0;
  for (unsigned i = 0; i < 2; ++i) {
    int32_t p = int32_t(vis::u8(a, 2 * i)) * vis::s16(b, i);
    r |= uint64_t(uint32_t(p)) << (32 * i);
  }
  vis::set_d(s, d, r);
  return TT_NONE;
}

// ---- pixel formatting ----
Trap exec_fpack16(StrandState& s, const Insn& d) {
  FP_CHECK();
  s.set_fs(d.rd, vis::pack16(vis::d2(s, d), s.gsr));
  return TT_NONE;
}
Trap exec_fpack32(StrandState& s, const Insn& d) {
  FP_CHECK();
  vis::set_d(s, d, vis::pack32(vis::d1(s, d), vis::d2(s, d), s.gsr));
  return TT_NONE;
}
Trap exec_fpackfix(StrandState& s, const Insn& d) {
  FP_CHECK();
  s.set_fs(d.rd, vis::packfix(vis::d2(s, d), s.gsr));
  return TT_NONE;
}
// FEXPAND: the four bytes of single rs2 become 16-bit fixed values (byte << 4).
Trap exec_fexpand(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint32_t a = s.fs(d.rs2);
  uint64_t r = 0;
  for (unsigned i = 0; i < 4; ++i) r |= uint64_t(vis::u8(a, i) << 4) << (16 * i);
  vis::set_d(s, d, r);
  return TT_NONE;
}
// FPMERGE: interleave the bytes of singles rs1 and rs2: rs1[0] rs2[0] rs1[1] rs2[1] ...
Trap exec_fpmerge(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint32_t a = s.fs(d.rs1), b = s.fs(d.rs2);
  uint64_t r = 0;
  for (unsigned i = 0; i < 4; ++i)
    r |= (uint64_t(vis::u8(a, i)) << (16 * i + 8)) | (uint64_t(vis::u8(b, i)) << (16 * i));
  vis::set_d(s, d, r);
  return TT_NONE;
}
// PDIST: rd += sum over the eight bytes of |rs1[i] - rs2[i]| (unsigned bytes).
Trap exec_pdist(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t a = vis::d1(s, d), b = vis::d2(s, d), acc = s.fd(dreg(d.rd));
  for (unsigned i = 0; i < 8; ++i) {
    int32_t x = int32_t(vis::u8(a, i)) - int32_t(vis::u8(b, i));
    acc += uint64_t(x < 0 ? -x : x);
  }
  vis::set_d(s, d, acc);
  return TT_NONE;
}
// FALIGNDATA: eight bytes of the 16-byte rs1:rs2 starting at byte GSR.align.
Trap exec_faligndata(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t a = vis::d1(s, d), b = vis::d2(s, d);
  unsigned sh = unsigned(s.gsr & 7) * 8;
  vis::set_d(s, d, sh ? (a << sh) | (b >> (64 - sh)) : a);
  return TT_NONE;
}
// BSHUFFLE: result byte i (0 = most significant) is byte GSR.mask<31-4i:28-4i> of rs1:rs2,
// where bytes 0-7 are rs1's (0 most significant) and 8-15 rs2's.
Trap exec_bshuffle(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t a = vis::d1(s, d), b = vis::d2(s, d), r = 0;
  uint32_t mask = uint32_t(s.gsr >> 32);
  for (unsigned i = 0; i < 8; ++i) {
    unsigned e = (mask >> (28 - 4 * i)) & 15;
    uint64_t byte = e < 8 ? (a >> (56 - 8 * e)) & 0xff : (b >> (56 - 8 * (e - 8))) & 0xff;
    r |= byte << (56 - 8 * i);
  }
  vis::set_d(s, d, r);
  return TT_NONE;
}

// ---- partitioned add/subtract ----
Trap exec_fpadd16(StrandState& s, const Insn& d) { FP_CHECK(); vis::set_d(s, d, vis::padd<16, false>(vis::d1(s, d), vis::d2(s, d), 64)); return TT_NONE; }
Trap exec_fpadd32(StrandState& s, const Insn& d) { FP_CHECK(); vis::set_d(s, d, vis::padd<32, false>(vis::d1(s, d), vis::d2(s, d), 64)); return TT_NONE; }
Trap exec_fpsub16(StrandState& s, const Insn& d) { FP_CHECK(); vis::set_d(s, d, vis::padd<16, true>(vis::d1(s, d), vis::d2(s, d), 64)); return TT_NONE; }
Trap exec_fpsub32(StrandState& s, const Insn& d) { FP_CHECK(); vis::set_d(s, d, vis::padd<32, true>(vis::d1(s, d), vis::d2(s, d), 64)); return TT_NONE; }
Trap exec_fpadd16s(StrandState& s, const Insn& d) { FP_CHECK(); s.set_fs(d.rd, uint32_t(vis::padd<16, false>(s.fs(d.rs1), s.fs(d.rs2), 32))); return TT_NONE; }
Trap exec_fpadd32s(StrandState& s, const Insn& d) { FP_CHECK(); s.set_fs(d.rd, s.fs(d.rs1) + s.fs(d.rs2)); return TT_NONE; }
Trap exec_fpsub16s(StrandState& s, const Insn& d) { FP_CHECK(); s.set_fs(d.rd, uint32_t(vis::padd<16, true>(s.fs(d.rs1), s.fs(d.rs2), 32))); return TT_NONE; }
Trap exec_fpsub32s(StrandState& s, const Insn& d) { FP_CHECK(); s.set_fs(d.rd, s.fs(d.rs1) - s.fs(d.rs2)); return TT_NONE; }

// ---- logical operations ----
// a = rs1, b = rs2; the double forms use %d registers, the s forms %f singles.
#define VIS_LOGIC(name, expr)                                                   \
  Trap exec_##name(StrandState& s, const Insn& d) {                             \
    FP_CHECK();                                                                 \
    uint64_t a = vis::d1(s, d), b = vis::d2(s, d);                              \
    (void)a; (void)b;                                                           \
    vis::set_d(s, d, (expr));                                                   \
    return TT_NONE;                                                             \
  }                                                                             \
  Trap exec_##name##s(StrandState& s, const Insn& d) {                          \
    FP_CHECK();                                                                 \
    uint32_t a = s.fs(d.rs1), b = s.fs(d.rs2);                                  \
    (void)a; (void)b;                                                           \
    s.set_fs(d.rd, uint32_t(expr));                                             \
    return TT_NONE;                                                             \
  }
VIS_LOGIC(fnor, ~(a | b))
VIS_LOGIC(fandnot2, a & ~b)
VIS_LOGIC(fnot2, ~b)
VIS_LOGIC(fandnot1, ~a & b)
VIS_LOGIC(fnot1, ~a)
VIS_LOGIC(fxor, a ^ b)
VIS_LOGIC(fnand, ~(a & b))
VIS_LOGIC(fand, a & b)
VIS_LOGIC(fxnor, ~(a ^ b))
VIS_LOGIC(fsrc1, a)
VIS_LOGIC(fornot2, a | ~b)
VIS_LOGIC(fsrc2, b)
VIS_LOGIC(fornot1, ~a | b)
#undef VIS_LOGIC
Trap exec_fzero(StrandState& s, const Insn& d) { FP_CHECK(); vis::set_d(s, d, 0); return TT_NONE; }
Trap exec_fzeros(StrandState& s, const Insn& d) { FP_CHECK(); s.set_fs(d.rd, 0); return TT_NONE; }
Trap exec_fone(StrandState& s, const Insn& d) { FP_CHECK(); vis::set_d(s, d, ~0ull); return TT_NONE; }
Trap exec_fones(StrandState& s, const Insn& d) { FP_CHECK(); s.set_fs(d.rd, ~0u); return TT_NONE; }
// FOR/FORS: "for" is a C++ keyword, so the double form's id is for_.
Trap exec_for_(StrandState& s, const Insn& d) {
  FP_CHECK();
  vis::set_d(s, d, vis::d1(s, d) | vis::d2(s, d));
  return TT_NONE;
}
Trap exec_fors(StrandState& s, const Insn& d) {
  FP_CHECK();
  s.set_fs(d.rd, s.fs(d.rs1) | s.fs(d.rs2));
  return TT_NONE;
}

// ---- SIAM: GSR.im (27) and GSR.irnd (26:25) from the instruction's bits 2:0 ----
Trap exec_siam(StrandState& s, const Insn& d) {
  FP_CHECK();
  s.gsr = (s.gsr & ~(7ull << 25)) | (uint64_t(d.word & 7) << 25);
  return TT_NONE;
}

}  // namespace vfsim::isa
