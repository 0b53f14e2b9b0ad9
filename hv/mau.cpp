// The MAU model: decoding and checking an MA register image, the five operations, the cost
// model, and the v2 descriptor's byte image. See hv/mau.h for the sources of each fact and
// docs/crypto-mau.md for the whole path from a guest's descriptor to the result.
//
// The arithmetic is done here, word by word, rather than with a bignum library: the unit
// computes each Montgomery product with the NP the guest wrote (it never derives N^-1
// itself), so a wrong NP must give the hardware's wrong answer and an even modulus must
// give a defined one. A library's Montgomery context derives its own constant and refuses
// even moduli; tests/unit/test_mau.cpp uses OpenSSL's BIGNUM as the independent reference
// for every well-formed case.
#include "hv/mau.h"

#include <algorithm>

#include "sim/state/codec.h"

namespace vfsim::hv {

namespace {

using u128 = unsigned __int128;
// Operands are at most kMaWords words; a Montgomery accumulator needs two words more.
using Words = std::array<uint64_t, kMaWords + 2>;

struct Decoded {
  MaOp op = MaOp::Load;
  unsigned n = 0;        // words: moved (load/store) or operand length
  unsigned f[6] = {};    // the address fields
  unsigned ebytes = 0;   // exponentiate: exponent length in bytes (field 5 + 1)
  unsigned ewords = 0;   //               and in words
};

bool fits(unsigned off, unsigned words) { return off + words <= kMaWords; }

// The unit's own checks (what sets INVOP): an op it knows, a length it takes, and every
// operand inside MA memory. `why` names the first failure for diagnostics.
MauStatus decode(const MauRegs& r, const MauTiming& t, Decoded& d, const char** why) {
  const char* dummy;
  if (!why) why = &dummy;
  unsigned op = ma_ctl::op(r.ctl);
  if (op > unsigned(MaOp::Exponentiate)) {
    *why = "unknown MA operation";
    return MauStatus::InvalidOp;
  }
  d.op = MaOp(op);
  d.n = ma_ctl::words(r.ctl);
  for (unsigned i = 0; i < 6; ++i) d.f[i] = ma_field(r.ma, i);
  switch (d.op) {
    case MaOp::Load:
    case MaOp::Store:
      if (d.n > t.max_ldst_words || d.n > kMaWords) {
        *why = "load/store longer than the unit moves at once";
        return MauStatus::InvalidOp;
      }
      if (!fits(d.f[0], d.n)) {
        *why = "load/store runs past the end of MA memory";
        return MauStatus::InvalidOp;
      }
      break;
    case MaOp::Multiply:
      for (unsigned i = 0; i < 5; ++i)
        if (!fits(d.f[i], d.n)) {
          *why = "multiply operand runs past the end of MA memory";
          return MauStatus::InvalidOp;
        }
      break;
    case MaOp::Reduce:
      for (unsigned i = 0; i < 3; ++i)
        if (!fits(d.f[i], d.n)) {
          *why = "reduce operand runs past the end of MA memory";
          return MauStatus::InvalidOp;
        }
      break;
    case MaOp::Exponentiate:
      for (unsigned i = 0; i < 4; ++i)
        if (!fits(d.f[i], d.n)) {
          *why = "exponentiate operand runs past the end of MA memory";
          return MauStatus::InvalidOp;
        }
      d.ebytes = d.f[5] + 1;
      d.ewords = (d.ebytes + 7) / 8;
      if (!fits(d.f[4], d.ewords)) {
        *why = "exponent runs past the end of MA memory";
        return MauStatus::InvalidOp;
      }
      break;
  }
  return MauStatus::Ok;
}

// x >= y over n words.
bool geq(const uint64_t* x, const uint64_t* y, unsigned n) {
  for (unsigned i = n; i-- > 0;)
    if (x[i] != y[i]) return x[i] > y[i];
  return true;
}

// x -= y over n words; returns the borrow.
uint64_t sub_in_place(uint64_t* x, const uint64_t* y, unsigned n) {
  uint64_t borrow = 0;
  for (unsigned i = 0; i < n; ++i) {
    u128 d = u128(x[i]) - y[i] - borrow;
    x[i] = uint64_t(d);
    borrow = uint64_t(d >> 64) ? 1 : 0;
  }
  return borrow;
}

// One Montgomery product as the unit forms it: t = (a*b + q*N) / 2^(64n), q's words chosen
// one at a time as q_i = t_0 * np mod 2^64 (word-serial, so np is used exactly as given),
// then one conditional subtraction of N. `unreduced` gets t's low n words before the
// subtraction (what the unit leaves in its M scratch operand), `out` the result's n words.
// With np = -N^-1 mod 2^64 and a, b < N the result is a*b*R^-1 mod N, fully reduced.
// out may alias a or b.
void mont_mul(const uint64_t* a, const uint64_t* b, const uint64_t* nm, uint64_t np, unsigned n,
              uint64_t* out, uint64_t* unreduced) {
  Words t{};   // t[0..n+1]
  for (unsigned i = 0; i < n; ++i) {
    uint64_t c = 0;
    for (unsigned j = 0; j < n; ++j) {
      u128 s = u128(a[i]) * b[j] + t[j] + c;
      t[j] = uint64_t(s);
      c = uint64_t(s >> 64);
    }
    u128 s = u128(t[n]) + c;
    t[n] = uint64_t(s);
    t[n + 1] = uint64_t(s >> 64);

    uint64_t m = t[0] * np;
    s = u128(m) * nm[0] + t[0];
    c = uint64_t(s >> 64);   // the low word is dropped (zero when np is right)
    for (unsigned j = 1; j < n; ++j) {
      s = u128(m) * nm[j] + t[j] + c;
      t[j - 1] = uint64_t(s);
      c = uint64_t(s >> 64);
    }
    s = u128(t[n]) + c;
    t[n - 1] = uint64_t(s);
    t[n] = t[n + 1] + uint64_t(s >> 64);
    t[n + 1] = 0;
  }
  if (unreduced) std::copy(t.begin(), t.begin() + n, unreduced);
  // t < 2R + N always (t[n] <= 2); subtract once when t >= N, keep n words.
  Words nn{};
  std::copy(nm, nm + n, nn.begin());
  if (t[n] != 0 || geq(t.data(), nn.data(), n)) sub_in_place(t.data(), nn.data(), n + 1);
  std::copy(t.begin(), t.begin() + n, out);
}

uint64_t montmul_cycles(unsigned n, const MauTiming& t) {
  uint64_t nn = n;
  return t.product_cycles * (2 * nn * nn + nn) + t.pass_per_word * 3 * nn;
}

void load_words(const MaUnit& u, unsigned off, unsigned n, uint64_t* dst) {
  std::copy(u.mem.begin() + off, u.mem.begin() + off + n, dst);
}
void store_words(MaUnit& u, unsigned off, unsigned n, const uint64_t* src) {
  std::copy(src, src + n, u.mem.begin() + off);
}

bool exp_bit(const uint64_t* e, unsigned bit) { return (e[bit / 64] >> (bit % 64)) & 1; }

}  // namespace

const char* mau_status_name(MauStatus s) {
  switch (s) {
    case MauStatus::Ok: return "ok";
    case MauStatus::InvalidOp: return "invalid-op";
    case MauStatus::BadAddress: return "bad-address";
    case MauStatus::BadAlignment: return "bad-alignment";
  }
  return "?";
}

MauStatus mau_check(const MauRegs& r, const MauTiming& t) {
  Decoded d;
  return decode(r, t, d, nullptr);
}

uint64_t mau_nprime(uint64_t n0) {
  if (!(n0 & 1)) return 0;
  uint64_t inv = n0;                           // right to 3 bits: n0*n0 = 1 mod 8
  for (int i = 0; i < 5; ++i) inv *= 2 - n0 * inv;   // 6, 12, 24, 48, 96 bits
  return 0 - inv;
}

MauResult mau_execute(MaUnit& u, const MauRegs& r, const MauRead& read, const MauWrite& write,
                      const MauTiming& t) {
  MauResult res;
  unsigned op = ma_ctl::op(r.ctl);
  bool ldst = op == unsigned(MaOp::Load) || op == unsigned(MaOp::Store);
  // The hypervisor checks a load/store's MPA before the unit sees the image
  // (platform/mau.h MAU_LOAD: alignment -> EINVAL, then the RA range -> ENORADDR); the
  // registers are then never written.
  if (ldst && (r.mpa & 7)) {
    res.status = MauStatus::BadAlignment;
    return res;
  }
  Decoded d;
  res.status = decode(r, t, d, nullptr);
  res.cycles = t.op_overhead;
  auto finish = [&](MauStatus s) {
    res.status = s;
    if (s == MauStatus::BadAddress) res.cycles = 0;   // refused before the unit started
    if (s == MauStatus::Ok || s == MauStatus::InvalidOp) {
      u.regs = r;
      u.regs.ctl &= ~(uint64_t(1) << ma_ctl::kBusyBit | uint64_t(1) << ma_ctl::kInvOpBit |
                      uint64_t(1) << ma_ctl::kHweBit);
      if (s == MauStatus::InvalidOp) u.regs.ctl |= uint64_t(1) << ma_ctl::kInvOpBit;
    }
    return res;
  };
  if (res.status != MauStatus::Ok) return finish(res.status);

  const unsigned n = d.n;
  switch (d.op) {
    case MaOp::Load:
    case MaOp::Store: {
      const size_t bytes = size_t(n) * 8;
      res.cycles += t.l2_latency + t.ldst_per_word * n;
      if (r.mpa > UINT64_MAX - bytes) return finish(MauStatus::BadAddress);
      uint8_t buf[kMaWords * 8];
      if (d.op == MaOp::Load) {
        if (!read || !read(r.mpa, buf, bytes)) return finish(MauStatus::BadAddress);
        for (unsigned i = 0; i < n; ++i) u.mem[d.f[0] + i] = state::be64(buf + 8 * i);
      } else {
        for (unsigned i = 0; i < n; ++i) state::put_be(buf + 8 * i, 8, u.mem[d.f[0] + i]);
        if (!write || !write(r.mpa, buf, bytes)) return finish(MauStatus::BadAddress);
      }
      return finish(MauStatus::Ok);
    }
    case MaOp::Multiply: {
      Words a{}, b{}, nm{}, x{}, m{};
      load_words(u, d.f[0], n, a.data());
      load_words(u, d.f[1], n, b.data());
      load_words(u, d.f[2], n, nm.data());
      mont_mul(a.data(), b.data(), nm.data(), r.np, n, x.data(), m.data());
      store_words(u, d.f[3], n, m.data());
      store_words(u, d.f[4], n, x.data());
      res.cycles += montmul_cycles(n, t);
      return finish(MauStatus::Ok);
    }
    case MaOp::Reduce: {
      Words a{}, nm{};
      load_words(u, d.f[0], n, a.data());
      load_words(u, d.f[1], n, nm.data());
      if (geq(a.data(), nm.data(), n)) sub_in_place(a.data(), nm.data(), n);
      store_words(u, d.f[2], n, a.data());
      res.cycles += t.pass_per_word * 3 * uint64_t(n);
      return finish(MauStatus::Ok);
    }
    case MaOp::Exponentiate: {
      Words a{}, nm{}, x{}, m{}, e{};
      load_words(u, d.f[0], n, a.data());
      load_words(u, d.f[2], n, nm.data());
      load_words(u, d.f[3], n, x.data());
      load_words(u, d.f[4], d.ewords, e.data());
      const unsigned ebits = d.ebytes * 8;
      if (ebits % 64) e[d.ewords - 1] &= (uint64_t(1) << (ebits % 64)) - 1;
      res.cycles += t.scan_per_bit * ebits;
      // The top set bit is X's starting value (the driver puts A there); each further bit
      // squares, and multiplies by A when set. No set bit: nothing to do (the Solaris
      // driver never submits e == 0 to a T2: it answers with the Montgomery 1 itself).
      int top = -1;
      for (int i = int(ebits) - 1; i >= 0; --i)
        if (exp_bit(e.data(), unsigned(i))) {
          top = i;
          break;
        }
      bool any = false;
      for (int i = top - 1; i >= 0; --i) {
        mont_mul(x.data(), x.data(), nm.data(), r.np, n, x.data(), m.data());
        res.cycles += montmul_cycles(n, t);
        any = true;
        if (exp_bit(e.data(), unsigned(i))) {
          mont_mul(a.data(), x.data(), nm.data(), r.np, n, x.data(), m.data());
          res.cycles += montmul_cycles(n, t);
        }
      }
      if (any) {
        store_words(u, d.f[1], n, m.data());
        store_words(u, d.f[3], n, x.data());
      }
      return finish(MauStatus::Ok);
    }
  }
  return finish(MauStatus::InvalidOp);
}

// ---- descriptors ----------------------------------------------------------------------

NcsHvDesc ncs_desc_parse(const uint8_t* p) {
  NcsHvDesc d;
  d.state = state::be64(p + 0);
  d.type = state::be64(p + 8);
  d.regs.ctl = state::be64(p + 16);
  d.regs.mpa = state::be64(p + 24);
  d.regs.ma = state::be64(p + 32);
  d.regs.np = state::be64(p + 40);
  d.errstatus = state::be64(p + 48);
  d.pad = state::be64(p + 56);
  return d;
}

void ncs_desc_serialise(const NcsHvDesc& d, uint8_t* p) {
  const uint64_t w[8] = {d.state, d.type, d.regs.ctl, d.regs.mpa,
                         d.regs.ma, d.regs.np, d.errstatus, d.pad};
  for (unsigned i = 0; i < 8; ++i) state::put_be(p + 8 * i, 8, w[i]);
}

NcsDescCheck ncs_desc_check(const NcsHvDesc& d, const MauTiming& t) {
  NcsDescCheck c;
  auto bad = [&](const char* why) {
    c.errstatus = nd::kErrInvOp;
    c.why = why;
    return c;
  };
  if (d.state > nd::kStateError) return bad("unknown descriptor state");
  const uint64_t known = nd::kTypeStart | nd::kTypeCont | nd::kTypeEnd;
  if (d.type == 0 || (d.type & ~known) != 0) return bad("unknown descriptor type");
  if ((d.type & (nd::kTypeStart | nd::kTypeCont)) == (nd::kTypeStart | nd::kTypeCont))
    return bad("descriptor type both start and continue");
  Decoded dec;
  const char* why = "";
  if (decode(d.regs, t, dec, &why) != MauStatus::Ok) return bad(why);
  return c;
}

NcsDescCheck ncs_desc_parse_checked(const uint8_t* p, size_t n, NcsHvDesc* out,
                                    const MauTiming& t) {
  if (!p || n != kNcsHvDescSize) {
    NcsDescCheck c;
    c.errstatus = nd::kErrInvOp;
    c.why = "descriptor is not 64 bytes";
    return c;
  }
  NcsHvDesc d = ncs_desc_parse(p);
  if (out) *out = d;
  return ncs_desc_check(d, t);
}

void ncs_desc_finish(NcsHvDesc& d, MauStatus s) {
  switch (s) {
    case MauStatus::Ok:
      d.state = nd::kStateDone;
      d.errstatus = nd::kErrOk;
      break;
    case MauStatus::InvalidOp:
      d.state = nd::kStateError;
      d.errstatus = nd::kErrInvOp;
      break;
    case MauStatus::BadAddress:
    case MauStatus::BadAlignment:
      d.state = nd::kStateError;
      break;
  }
}

}  // namespace vfsim::hv
