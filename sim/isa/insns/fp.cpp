// FPop1/FPop2: IEEE 754 single and double arithmetic, conversions, compares, FMOVcc/FMOVr.
// The host FPU computes the value; this file supplies what differs on SPARC: FSR rounding
// mode, cexc/aexc and trap enables, NaN propagation (rs2 first, default NaN 0x7fff...),
// saturating float->int conversions, and the T2's lack of quad support.
// Built with -frounding-math so the host honours the dynamic rounding mode.
#include <cfenv>
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif
#include <cmath>
#include <cstring>
#include <limits>

#include "sim/isa/insns/common.h"
#include "sim/isa/insns/fp_util.h"

namespace vfsim::isa {

namespace {

constexpr uint32_t kDefaultNaN32 = 0x7fffffffu;
constexpr uint64_t kDefaultNaN64 = 0x7fffffffffffffffull;

inline float as_f(uint32_t v) { float f; std::memcpy(&f, &v, 4); return f; }
inline double as_d(uint64_t v) { double f; std::memcpy(&f, &v, 8); return f; }
inline uint32_t bits(float f) { uint32_t v; std::memcpy(&v, &f, 4); return v; }
inline uint64_t bits(double f) { uint64_t v; std::memcpy(&v, &f, 8); return v; }

inline bool is_nan32(uint32_t v) { return (v & 0x7f800000u) == 0x7f800000u && (v & 0x7fffff); }
inline bool is_snan32(uint32_t v) { return is_nan32(v) && !(v & 0x400000u); }
inline bool is_nan64(uint64_t v) {
  return (v & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (v & 0xfffffffffffffull);
}
inline bool is_snan64(uint64_t v) { return is_nan64(v) && !(v & 0x8000000000000ull); }

// SPARC NaN result for a two-operand op (V9 Appendix B): an SNaN operand wins, rs2 before
// rs1, and is quieted; else a QNaN operand, rs2 before rs1; else the default NaN.
uint32_t nan_result32(uint32_t a, uint32_t b, bool two) {
  if (is_snan32(b)) return b | 0x400000u;
  if (two && is_snan32(a)) return a | 0x400000u;
  if (is_nan32(b)) return b;
  if (two && is_nan32(a)) return a;
  return kDefaultNaN32;
}
uint64_t nan_result64(uint64_t a, uint64_t b, bool two) {
  if (is_snan64(b)) return b | 0x8000000000000ull;
  if (two && is_snan64(a)) return a | 0x8000000000000ull;
  if (is_nan64(b)) return b;
  if (two && is_nan64(a)) return a;
  return kDefaultNaN64;
}

const int kHostRound[4] = {FE_TONEAREST, FE_TOWARDZERO, FE_UPWARD, FE_DOWNWARD};

// Runs one host FP operation under the guest's rounding mode and collects the IEEE flags it
// raised. On x86-64 this is one LDMXCSR/STMXCSR pair (SSE does all our FP); elsewhere <cfenv>.
struct HostFp {
  unsigned rd;
  // VIS2 SIAM: with GSR.im set, GSR.irnd overrides FSR.RD.
  explicit HostFp(const StrandState& s)
      : rd((s.gsr >> 27) & 1 ? unsigned(s.gsr >> 25) & 3 : unsigned(s.fsr >> FSR_RD_SHIFT) & 3) {
#if defined(__x86_64__)
    static const unsigned kRc[4] = {0u << 13, 3u << 13, 2u << 13, 1u << 13};  // near, zero, +inf, -inf
    _mm_setcsr(0x1f80u | kRc[rd]);   // all exceptions masked, flags clear
#else
    if (rd) std::fesetround(kHostRound[rd]);
    std::feclearexcept(FE_ALL_EXCEPT);
#endif
  }
  uint8_t flags() const {
#if defined(__x86_64__)
    unsigned e = _mm_getcsr();
    return uint8_t(((e & 0x20) ? FEX_NX : 0) | ((e & 0x04) ? FEX_DZ : 0) | ((e & 0x10) ? FEX_UF : 0) |
                   ((e & 0x08) ? FEX_OF : 0) | ((e & 0x01) ? FEX_NV : 0));
#else
    int e = std::fetestexcept(FE_ALL_EXCEPT);
    return uint8_t(((e & FE_INEXACT) ? FEX_NX : 0) | ((e & FE_DIVBYZERO) ? FEX_DZ : 0) |
                   ((e & FE_UNDERFLOW) ? FEX_UF : 0) | ((e & FE_OVERFLOW) ? FEX_OF : 0) |
                   ((e & FE_INVALID) ? FEX_NV : 0));
#endif
  }
  ~HostFp() {
#if defined(__x86_64__)
    if (rd) _mm_setcsr(0x1f80u);
#else
    if (rd) std::fesetround(FE_TONEAREST);
#endif
  }
};

}  // namespace

// Commit the exception bits of an FPop; returns a trap when an enabled exception fired
// (then the destination must not be written).
Trap fp_finish(StrandState& s, uint8_t cexc) {
  uint8_t tem = uint8_t(s.fsr >> FSR_TEM_SHIFT) & 0x1f;
  s.fsr &= ~(FSR_FTT_MASK | FSR_CEXC_MASK);
  if (cexc & tem) {
    // Only the trapping exception is reported; overflow/underflow hide inexact.
    uint8_t c = cexc & tem;
    if (c & (FEX_OF | FEX_UF)) c &= ~FEX_NX;
    s.fsr |= c | (uint64_t(FTT_IEEE) << FSR_FTT_SHIFT);
    return TT_FP_EXCEPTION_IEEE_754;
  }
  s.fsr |= cexc | (uint64_t(cexc) << FSR_AEXC_SHIFT);
  return TT_NONE;
}

#define FP_CHECK() if (!s.fpu_enabled()) return TT_FP_DISABLED

// ---- moves: no rounding, no exceptions; they clear cexc and ftt ----
static Trap fmove(StrandState& s) {
  s.fsr &= ~(FSR_FTT_MASK | FSR_CEXC_MASK);
  return TT_NONE;
}
Trap exec_fmovs(StrandState& s, const Insn& d) { FP_CHECK(); s.set_fs(d.rd, s.fs(d.rs2)); return fmove(s); }
Trap exec_fnegs(StrandState& s, const Insn& d) { FP_CHECK(); s.set_fs(d.rd, s.fs(d.rs2) ^ 0x80000000u); return fmove(s); }
Trap exec_fabss(StrandState& s, const Insn& d) { FP_CHECK(); s.set_fs(d.rd, s.fs(d.rs2) & 0x7fffffffu); return fmove(s); }
Trap exec_fmovd(StrandState& s, const Insn& d) { FP_CHECK(); s.set_fd(dreg(d.rd), s.fd(dreg(d.rs2))); return fmove(s); }
Trap exec_fnegd(StrandState& s, const Insn& d) { FP_CHECK(); s.set_fd(dreg(d.rd), s.fd(dreg(d.rs2)) ^ (1ull << 63)); return fmove(s); }
Trap exec_fabsd(StrandState& s, const Insn& d) { FP_CHECK(); s.set_fd(dreg(d.rd), s.fd(dreg(d.rs2)) & ~(1ull << 63)); return fmove(s); }

// ---- arithmetic ----
// With the underflow trap enabled, IEEE 754 signals underflow for any tiny result, exact
// or not; the host only reports tiny *and* inexact ones (the untrapped rule).
static bool tiny_trapped(const StrandState& s) { return (s.fsr >> FSR_TEM_SHIFT) & FEX_UF; }
// Register access and encoding facts for one precision.
struct Single {
  using F = float;
  using Bits = uint32_t;
  static Bits get(const StrandState& s, unsigned field) { return s.fs(field); }
  static void set(StrandState& s, unsigned field, Bits v) { s.set_fs(field, v); }
  static F val(Bits v) { return as_f(v); }
  static bool nan(Bits v) { return is_nan32(v); }
  static Bits nan_result(Bits a, Bits b, bool two) { return nan_result32(a, b, two); }
  static bool subnormal(Bits v) { return (v & 0x7f800000u) == 0 && (v & 0x7fffffu); }
};
struct Double {
  using F = double;
  using Bits = uint64_t;
  static Bits get(const StrandState& s, unsigned field) { return s.fd(dreg(field)); }
  static void set(StrandState& s, unsigned field, Bits v) { s.set_fd(dreg(field), v); }
  static F val(Bits v) { return as_d(v); }
  static bool nan(Bits v) { return is_nan64(v); }
  static Bits nan_result(Bits a, Bits b, bool two) { return nan_result64(a, b, two); }
  static bool subnormal(Bits v) { return (v & 0x7ff0000000000000ull) == 0 && (v & 0xfffffffffffffull); }
};

template <typename P, typename Op>
static Trap arith(StrandState& s, const Insn& d, bool two, Op op) {
  FP_CHECK();
  typename P::Bits a = P::get(s, d.rs1), b = P::get(s, d.rs2), r;
  uint8_t fl;
  {
    HostFp h(s);
    volatile typename P::F x = P::val(a), y = P::val(b);
    r = bits(op(x, y));
    fl = h.flags();
  }
  if (P::nan(r)) r = P::nan_result(a, b, two);
  if (tiny_trapped(s) && P::subnormal(r)) fl |= FEX_UF;
  if (Trap t = fp_finish(s, fl)) return t;
  P::set(s, d.rd, r);
  return TT_NONE;
}
template <typename Op> static Trap arith_s(StrandState& s, const Insn& d, bool two, Op op) {
  return arith<Single>(s, d, two, op);
}
template <typename Op> static Trap arith_d(StrandState& s, const Insn& d, bool two, Op op) {
  return arith<Double>(s, d, two, op);
}

Trap exec_fadds(StrandState& s, const Insn& d) { return arith_s(s, d, true, [](float x, float y) { return x + y; }); }
Trap exec_fsubs(StrandState& s, const Insn& d) { return arith_s(s, d, true, [](float x, float y) { return x - y; }); }
Trap exec_fmuls(StrandState& s, const Insn& d) { return arith_s(s, d, true, [](float x, float y) { return x * y; }); }
Trap exec_fdivs(StrandState& s, const Insn& d) { return arith_s(s, d, true, [](float x, float y) { return x / y; }); }
Trap exec_fsqrts(StrandState& s, const Insn& d) { return arith_s(s, d, false, [](float, float y) { return std::sqrt(y); }); }
Trap exec_faddd(StrandState& s, const Insn& d) { return arith_d(s, d, true, [](double x, double y) { return x + y; }); }
Trap exec_fsubd(StrandState& s, const Insn& d) { return arith_d(s, d, true, [](double x, double y) { return x - y; }); }
Trap exec_fmuld(StrandState& s, const Insn& d) { return arith_d(s, d, true, [](double x, double y) { return x * y; }); }
Trap exec_fdivd(StrandState& s, const Insn& d) { return arith_d(s, d, true, [](double x, double y) { return x / y; }); }
Trap exec_fsqrtd(StrandState& s, const Insn& d) { return arith_d(s, d, false, [](double, double y) { return std::sqrt(y); }); }

Trap exec_fsmuld(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint32_t a = s.fs(d.rs1), b = s.fs(d.rs2);
  uint64_t r;
  uint8_t fl;
  {
    HostFp h(s);
    volatile double x = double(as_f(a)), y = double(as_f(b));
    r = bits(x * y);
    fl = h.flags();
  }
  if (is_nan64(r)) {
    uint32_t n = nan_result32(a, b, true);
    // Widen the NaN: sign, quiet bit and the top fraction bits carry over.
    r = n == kDefaultNaN32 ? kDefaultNaN64
                           : (uint64_t(n >> 31) << 63) | 0x7ff0000000000000ull |
                                 (uint64_t(n & 0x7fffff) << 29);
    if (is_snan32(a) || is_snan32(b)) fl |= FEX_NV;
  }
  if (Trap t = fp_finish(s, fl)) return t;
  s.set_fd(dreg(d.rd), r);
  return TT_NONE;
}

// ---- conversions ----
// float -> integer always rounds toward zero; out of range or NaN is invalid and saturates
// (NaN to the largest positive integer).
template <typename I, typename F>
static I to_int(F v, uint8_t& fl) {
  constexpr F lo = F(std::numeric_limits<I>::min());
  constexpr F hi = -F(std::numeric_limits<I>::min());   // 2^(bits-1), exact in F
  if (std::isnan(v)) { fl |= FEX_NV; return std::numeric_limits<I>::max(); }
  F t = std::trunc(v);   // range is checked on the truncated value (-2^31-0.5 fits)
  if (t >= hi) { fl |= FEX_NV; return std::numeric_limits<I>::max(); }
  if (t < lo) { fl |= FEX_NV; return std::numeric_limits<I>::min(); }
  if (t != v) fl |= FEX_NX;
  return I(t);
}

// Src precision -> integer I, written as a single (32-bit) or double (64-bit) register.
template <typename Src, typename I>
static Trap fp_to_int(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint8_t fl = 0;
  I r = to_int<I>(Src::val(Src::get(s, d.rs2)), fl);
  if (Trap t = fp_finish(s, fl)) return t;
  if constexpr (sizeof(I) == 4) s.set_fs(d.rd, uint32_t(r));
  else s.set_fd(dreg(d.rd), uint64_t(r));
  return TT_NONE;
}
Trap exec_fstoi(StrandState& s, const Insn& d) { return fp_to_int<Single, int32_t>(s, d); }
Trap exec_fdtoi(StrandState& s, const Insn& d) { return fp_to_int<Double, int32_t>(s, d); }
Trap exec_fstox(StrandState& s, const Insn& d) { return fp_to_int<Single, int64_t>(s, d); }
Trap exec_fdtox(StrandState& s, const Insn& d) { return fp_to_int<Double, int64_t>(s, d); }

// integer -> float and float <-> float: rounded by FSR.RD on the host.
template <typename Conv>
static Trap convert(StrandState& s, Conv conv, uint8_t extra_flags = 0) {
  uint8_t fl;
  {
    HostFp h(s);
    conv();
    fl = h.flags();
  }
  return fp_finish(s, uint8_t(fl | extra_flags));
}
Trap exec_fitos(StrandState& s, const Insn& d) {
  FP_CHECK();
  volatile int32_t v = int32_t(s.fs(d.rs2));
  float r = 0;
  if (Trap t = convert(s, [&] { r = float(v); })) return t;
  s.set_fs(d.rd, bits(r));
  return TT_NONE;
}
Trap exec_fitod(StrandState& s, const Insn& d) {
  FP_CHECK();
  volatile int32_t v = int32_t(s.fs(d.rs2));
  if (Trap t = fp_finish(s, 0)) return t;
  s.set_fd(dreg(d.rd), bits(double(v)));
  return TT_NONE;
}
Trap exec_fxtos(StrandState& s, const Insn& d) {
  FP_CHECK();
  volatile int64_t v = int64_t(s.fd(dreg(d.rs2)));
  float r = 0;
  if (Trap t = convert(s, [&] { r = float(v); })) return t;
  s.set_fs(d.rd, bits(r));
  return TT_NONE;
}
Trap exec_fxtod(StrandState& s, const Insn& d) {
  FP_CHECK();
  volatile int64_t v = int64_t(s.fd(dreg(d.rs2)));
  double r = 0;
  if (Trap t = convert(s, [&] { r = double(v); })) return t;
  s.set_fd(dreg(d.rd), bits(r));
  return TT_NONE;
}
Trap exec_fstod(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint32_t a = s.fs(d.rs2);
  uint64_t r;
  uint8_t fl = 0;
  if (is_nan32(a)) {
    if (is_snan32(a)) fl |= FEX_NV;
    a |= 0x400000u;
    r = (uint64_t(a >> 31) << 63) | 0x7ff0000000000000ull | (uint64_t(a & 0x7fffff) << 29);
  } else {
    r = bits(double(as_f(a)));
  }
  if (Trap t = fp_finish(s, fl)) return t;
  s.set_fd(dreg(d.rd), r);
  return TT_NONE;
}
Trap exec_fdtos(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t a = s.fd(dreg(d.rs2));
  uint32_t r = 0;
  uint8_t extra = 0;
  if (is_nan64(a)) {
    if (is_snan64(a)) extra |= FEX_NV;
    a |= 0x8000000000000ull;
    r = uint32_t((a >> 63) << 31) | 0x7f800000u | uint32_t((a >> 29) & 0x7fffff);
    if (Trap t = fp_finish(s, extra)) return t;
  } else {
    volatile double v = as_d(a);
    float f = 0;
    if (Trap t = convert(s, [&] { f = float(v); })) return t;
    r = bits(f);
  }
  s.set_fs(d.rd, r);
  return TT_NONE;
}

// Quad FPops: the T2 FGU has none; software (the OS) must emulate them.
Trap exec_fpop_quad(StrandState& s, const Insn&) {
  FP_CHECK();
  s.fsr = (s.fsr & ~FSR_FTT_MASK) | (uint64_t(FTT_UNIMPL) << FSR_FTT_SHIFT);
  return TT_FP_EXCEPTION_OTHER;
}
Trap exec_fpop2_quad(StrandState& s, const Insn& d) { return exec_fpop_quad(s, d); }

// ---- compares: fcc = 0 (=), 1 (<), 2 (>), 3 (unordered) ----
template <typename T>
static unsigned compare(T a, T b) {
  if (std::isnan(a) || std::isnan(b)) return 3;
  return a == b ? 0 : a < b ? 1 : 2;
}
static Trap fcmp_commit(StrandState& s, const Insn& d, unsigned fcc, bool invalid) {
  if (Trap t = fp_finish(s, invalid ? FEX_NV : 0)) return t;
  s.set_fcc(f_fcmp_cc(d.word), fcc);
  return TT_NONE;
}
Trap exec_fcmps(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint32_t a = s.fs(d.rs1), b = s.fs(d.rs2);
  return fcmp_commit(s, d, compare(as_f(a), as_f(b)), is_snan32(a) || is_snan32(b));
}
Trap exec_fcmpes(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint32_t a = s.fs(d.rs1), b = s.fs(d.rs2);
  return fcmp_commit(s, d, compare(as_f(a), as_f(b)), is_nan32(a) || is_nan32(b));
}
Trap exec_fcmpd(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t a = s.fd(dreg(d.rs1)), b = s.fd(dreg(d.rs2));
  return fcmp_commit(s, d, compare(as_d(a), as_d(b)), is_snan64(a) || is_snan64(b));
}
Trap exec_fcmped(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t a = s.fd(dreg(d.rs1)), b = s.fd(dreg(d.rs2));
  return fcmp_commit(s, d, compare(as_d(a), as_d(b)), is_nan64(a) || is_nan64(b));
}

// ---- conditional moves ----
static bool fmovcc_cond(StrandState& s, const Insn& d, bool& legal) {
  unsigned cc = (d.word >> 11) & 7, cond = (d.word >> 14) & 15;
  legal = true;
  if (cc < 4) return eval_fcond(cond, s.fcc(cc));
  if (cc == 4) return eval_icond(cond, s.ccr & 15);
  if (cc == 6) return eval_icond(cond, s.ccr >> 4);
  legal = false;
  return false;
}
Trap exec_fmovscc(StrandState& s, const Insn& d) {
  FP_CHECK();
  bool legal, take = fmovcc_cond(s, d, legal);
  if (!legal) return TT_ILLEGAL_INSTRUCTION;
  if (take) s.set_fs(d.rd, s.fs(d.rs2));
  return fmove(s);
}
Trap exec_fmovdcc(StrandState& s, const Insn& d) {
  FP_CHECK();
  bool legal, take = fmovcc_cond(s, d, legal);
  if (!legal) return TT_ILLEGAL_INSTRUCTION;
  if (take) s.set_fd(dreg(d.rd), s.fd(dreg(d.rs2)));
  return fmove(s);
}
Trap exec_fmovrs(StrandState& s, const Insn& d) {
  FP_CHECK();
  bool legal, take = eval_rcond(f_rcond(d.word), s.r(d.rs1), legal);
  if (!legal) return TT_ILLEGAL_INSTRUCTION;
  if (take) s.set_fs(d.rd, s.fs(d.rs2));
  return fmove(s);
}
Trap exec_fmovrd(StrandState& s, const Insn& d) {
  FP_CHECK();
  bool legal, take = eval_rcond(f_rcond(d.word), s.r(d.rs1), legal);
  if (!legal) return TT_ILLEGAL_INSTRUCTION;
  if (take) s.set_fd(dreg(d.rd), s.fd(dreg(d.rs2)));
  return fmove(s);
}

}  // namespace vfsim::isa
