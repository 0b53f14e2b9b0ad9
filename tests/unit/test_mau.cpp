// The MAU model (hv/mau.h): its arithmetic against Sun's own expected results and against
// OpenSSL's BIGNUM, RSA-sized exponentiations driven the way Solaris' ncp driver drives a
// T2 (64-byte descriptors in guest memory: loads, one operation, stores), and every kind
// of malformed descriptor or refused guest address.
#include <catch2/catch.hpp>

#include <openssl/bn.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "hv/mau.h"

using namespace vfsim::hv;

namespace {

using Words = std::vector<uint64_t>;

// ---- OpenSSL helpers ------------------------------------------------------------------
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
struct CtxFree {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
struct MontFree {
  void operator()(BN_MONT_CTX* m) const { BN_MONT_CTX_free(m); }
};

Bn bn() { return Bn(BN_new()); }
// MA operands are little-endian arrays of 64-bit words.
Bn bn_of(const Words& w) {
  std::vector<uint8_t> le(w.size() * 8);
  for (size_t i = 0; i < w.size(); ++i)
    for (int b = 0; b < 8; ++b) le[8 * i + b] = uint8_t(w[i] >> (8 * b));
  return Bn(BN_lebin2bn(le.data(), int(le.size()), nullptr));
}
Words words_of(const BIGNUM* b, size_t n) {
  Words w(n, 0);
  if (BN_num_bytes(b) > int(n * 8)) FAIL("number wider than " << n << " words");
  for (size_t i = 0; i < n * 8; ++i)   // BN_is_bit_set, byte by byte: no buffer
    for (int k = 0; k < 8; ++k)
      if (BN_is_bit_set(b, int(8 * i + k))) w[i / 8] |= uint64_t(1) << (8 * (i % 8) + k);
  return w;
}
unsigned bn_words(const BIGNUM* b) { return unsigned((BN_num_bits(b) + 63) / 64); }
bool bn_eq(const BIGNUM* a, const BIGNUM* b) { return BN_cmp(a, b) == 0; }
Bn bn_r(size_t n) {   // R = 2^(64n)
  Bn r = bn();
  BN_set_bit(r.get(), int(64 * n));
  return r;
}

// ---- guest memory: one range of real addresses -------------------------------------------
struct Guest {
  uint64_t base = 0x8000000;
  std::vector<uint8_t> mem = std::vector<uint8_t>(0x10000);
  bool fail_reads = false, fail_writes = false;
  uint64_t reads = 0, writes = 0;
  bool in(uint64_t ra, size_t n) const {
    return ra >= base && ra - base <= mem.size() && n <= mem.size() - (ra - base);
  }
  MauRead reader() {
    return [this](uint64_t ra, void* dst, size_t n) {
      if (fail_reads || !in(ra, n)) return false;
      ++reads;
      std::memcpy(dst, mem.data() + (ra - base), n);
      return true;
    };
  }
  MauWrite writer() {
    return [this](uint64_t ra, const void* src, size_t n) {
      if (fail_writes || !in(ra, n)) return false;
      ++writes;
      std::memcpy(mem.data() + (ra - base), src, n);
      return true;
    };
  }
  void put_words(uint64_t ra, const Words& w) {   // big-endian, as SPARC stores them
    for (size_t i = 0; i < w.size(); ++i)
      for (int b = 0; b < 8; ++b) mem[ra - base + 8 * i + b] = uint8_t(w[i] >> (56 - 8 * b));
  }
  Words get_words(uint64_t ra, size_t n) const {
    Words w(n);
    for (size_t i = 0; i < n; ++i)
      for (int b = 0; b < 8; ++b) w[i] = w[i] << 8 | mem[ra - base + 8 * i + b];
    return w;
  }
};

// ---- a driver in the style of Solaris ncp (ncp_ma_activate1 / ncp_ma_ldst) ------------------
// Its job: load an MA memory image from guest memory (chunks of at most 64 words), run
// operations, store the image back. Descriptors go through their 64-byte big-endian form
// in a guest queue and back, as the hypervisor reads them.
struct Driver {
  Guest& g;
  MaUnit& u;
  uint64_t queue_ra, buf_ra, out_ra;
  uint64_t cycles = 0;
  explicit Driver(Guest& gg, MaUnit& uu)
      : g(gg), u(uu), queue_ra(gg.base), buf_ra(gg.base + 0x4000), out_ra(gg.base + 0x8000) {}

  static NcsHvDesc desc(uint64_t ctl, uint64_t mpa, uint64_t ma, uint64_t np = 0) {
    NcsHvDesc d;
    d.state = nd::kStatePending;
    d.type = nd::kTypeCont;
    d.regs = {ctl, mpa, ma, np};
    return d;
  }
  // Loads or stores `words` MA words from MA word `ma_off`, at most 64 per descriptor.
  void ldst(std::vector<NcsHvDesc>& job, MaOp op, uint64_t ra, unsigned words, unsigned ma_off = 0) {
    for (unsigned i = 0; i < words; i += kMaLoadMaxWords) {
      unsigned k = std::min(words - i, kMaLoadMaxWords);
      job.push_back(desc(ma_ctl::make(unsigned(op), k), ra + 8 * i, ma_make(ma_off + i)));
    }
  }
  // Runs a job; returns the descriptors as the hypervisor left them in guest memory, and
  // each one's cycles in `cost`.
  std::vector<uint64_t> cost;
  std::vector<NcsHvDesc> run(std::vector<NcsHvDesc> job) {
    job.front().type = nd::kTypeStart;
    job.back().type |= nd::kTypeEnd;
    for (size_t i = 0; i < job.size(); ++i) {
      uint8_t b[kNcsHvDescSize];
      ncs_desc_serialise(job[i], b);
      std::memcpy(g.mem.data() + (queue_ra - g.base) + 64 * i, b, 64);
    }
    std::vector<NcsHvDesc> out;
    cost.assign(job.size(), 0);
    bool failed = false;
    for (size_t i = 0; i < job.size(); ++i) {
      uint8_t* p = g.mem.data() + (queue_ra - g.base) + 64 * i;
      NcsHvDesc d;
      NcsDescCheck c = ncs_desc_parse_checked(p, 64, &d);
      if (failed) {
        d.state = nd::kStateError;   // the rest of a failed job (hcall_ncs.s mau_intr)
      } else if (!c.ok()) {
        ncs_desc_finish(d, MauStatus::InvalidOp);
        failed = true;
      } else {
        MauResult r = mau_execute(u, d.regs, g.reader(), g.writer());
        cost[i] = r.cycles;
        cycles += r.cycles;
        ncs_desc_finish(d, r.status);
        failed = r.status != MauStatus::Ok;
      }
      ncs_desc_serialise(d, p);
      out.push_back(ncs_desc_parse(p));
    }
    return out;
  }
  static bool all_done(const std::vector<NcsHvDesc>& v) {
    for (auto& d : v)
      if (d.state != nd::kStateDone || d.errstatus != nd::kErrOk) return false;
    return true;
  }

  // base^exp mod nmod on the MAU as ncp does it for a T2 (modexp_fill_ma): the MA image
  // {A~, M, N, X = A~, E} with A~ = base * R mod N, loaded, one exponentiate, stored. X~
  // comes back in Montgomery form; a second job multiplies it by 1 on the unit (the T1
  // diag's "one more ma_multiply") for the plain result.
  struct ExpOut {
    Bn mont, plain;
    uint64_t exp_cycles = 0;
  };
  ExpOut modexp(const BIGNUM* base, const BIGNUM* exp, const BIGNUM* nmod) {
    std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
    const unsigned n = bn_words(nmod);
    const unsigned ew = bn_words(exp);
    REQUIRE(4 * n + ew <= kMaWords);
    Words nw = words_of(nmod, n);
    uint64_t np = mau_nprime(nw[0]);
    Bn at = bn();
    REQUIRE(BN_mod_mul(at.get(), base, bn_r(n).get(), nmod, ctx.get()));
    Words image(4 * n + ew, 0);
    Words aw = words_of(at.get(), n), ewords = words_of(exp, ew);
    std::copy(aw.begin(), aw.end(), image.begin());                   // A at 0, M at n
    std::copy(nw.begin(), nw.end(), image.begin() + 2 * n);           // N at 2n
    std::copy(aw.begin(), aw.end(), image.begin() + 3 * n);           // X = A at 3n
    std::copy(ewords.begin(), ewords.end(), image.begin() + 4 * n);   // E at 4n
    g.put_words(buf_ra, image);

    std::vector<NcsHvDesc> job;
    ldst(job, MaOp::Load, buf_ra, unsigned(image.size()));
    const size_t op_at = job.size();
    job.push_back(desc(ma_ctl::make(unsigned(MaOp::Exponentiate), n), 0,
                       ma_make(0, n, 2 * n, 3 * n, 4 * n, 8 * ew - 1), np));
    ldst(job, MaOp::Store, out_ra, unsigned(image.size()));
    REQUIRE(all_done(run(job)));
    ExpOut r;
    r.exp_cycles = cost[op_at];
    r.mont = bn_of(g.get_words(out_ra + 8 * 3 * n, n));

    // 1 over A; X * 1 * R^-1 into E's place; store it.
    Words one(n, 0);
    one[0] = 1;
    g.put_words(buf_ra, one);
    std::vector<NcsHvDesc> job2;
    ldst(job2, MaOp::Load, buf_ra, n);
    job2.push_back(desc(ma_ctl::make(unsigned(MaOp::Multiply), n), 0,
                        ma_make(3 * n, 0, 2 * n, n, 4 * n), np));
    ldst(job2, MaOp::Store, out_ra, n, 4 * n);
    REQUIRE(all_done(run(job2)));
    r.plain = bn_of(g.get_words(out_ra, n));
    return r;
  }
};

// Random odd modulus of exactly `bits` bits.
// Operands from a fixed-seed generator (splitmix64): every run tests the same numbers, so a
// result is reproducible (OpenSSL's BN_rand would give new ones each run).
uint64_t next_word() {
  static uint64_t state = 0x5eed0f7a11ce5ull;
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
Bn random_bits(int bits) {
  std::vector<uint8_t> be(size_t((bits + 7) / 8));
  for (size_t i = 0; i < be.size(); ++i) be[i] = uint8_t(next_word());
  if (bits % 8) be[0] &= uint8_t((1u << (bits % 8)) - 1);
  Bn n = bn();
  REQUIRE(BN_bin2bn(be.data(), int(be.size()), n.get()));
  return n;
}
Bn random_odd(int bits) {
  Bn n = random_bits(bits);
  REQUIRE(BN_set_bit(n.get(), bits - 1));   // exactly `bits` bits
  REQUIRE(BN_set_bit(n.get(), 0));          // odd
  return n;
}
Bn random_below(const BIGNUM* n) {
  for (;;) {
    Bn r = random_bits(BN_num_bits(n));
    if (BN_cmp(r.get(), n) < 0) return r;
  }
}

// The Montgomery product OpenSSL computes, with R = 2^(64 * words of N).
Bn mont_ref(const BIGNUM* a, const BIGNUM* b, const BIGNUM* nmod) {
  std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
  std::unique_ptr<BN_MONT_CTX, MontFree> mont(BN_MONT_CTX_new());
  REQUIRE(BN_MONT_CTX_set(mont.get(), nmod, ctx.get()));
  Bn r = bn();
  REQUIRE(BN_mod_mul_montgomery(r.get(), a, b, mont.get(), ctx.get()));
  return r;
}

MauRegs regs(MaOp op, unsigned words, uint64_t ma, uint64_t np = 0, uint64_t mpa = 0) {
  return MauRegs{ma_ctl::make(unsigned(op), words), mpa, ma, np};
}

void put(MaUnit& u, unsigned off, const Words& w) { std::copy(w.begin(), w.end(), u.mem.begin() + off); }
Words get(const MaUnit& u, unsigned off, unsigned n) {
  return Words(u.mem.begin() + off, u.mem.begin() + off + n);
}
MauResult exec(MaUnit& u, const MauRegs& r) {
  return mau_execute(u, r, MauRead(), MauWrite());
}

}  // namespace

// ---- Sun's own vectors: OpenSPARC T1 verif/diag/assembly/arch/stream/spu_ma*.s ---------------
// (the arithmetic of multiply and reduce is the same unit on T2; the exponentiation vector is
// replayed with T2's conventions: X starts at A, the exponent in little-endian words)

TEST_CASE("multiply reproduces the OpenSPARC diag spu_mamul.s results", "[mau]") {
  MaUnit u;
  const uint64_t ma = ma_make(0, 3, 6, 9, 12);   // the diag's 0x0c09060300
  SECTION("simple case, NP = 1") {
    put(u, 0, {1, 2, 0});
    put(u, 3, {0, 4, 0});
    put(u, 6, {~0ull, ~0ull, 0});
    REQUIRE(exec(u, regs(MaOp::Multiply, 3, ma, 1)).status == MauStatus::Ok);
    CHECK(get(u, 12, 3) == Words{4, 8, 0});
  }
  const Words a2{0x17c07f149c5fbe7, 0x1d3fa02f8c9668dc, 0x45a16f73049ccde};
  const Words b2{0x5a75c6f94143432c, 0x771c2f2cd244c515, 0xb390005c4ad05215};
  const Words n2{0x563db9e12344321, 0xdc15fdf3776a798b, 0xd663acd99426505f};
  const uint64_t np2 = 0x3c53382cf10eff1f;
  SECTION("accumulator 0 and 1 cases") {
    CHECK(mau_nprime(n2[0]) == np2);
    put(u, 0, a2);
    put(u, 3, b2);
    put(u, 6, n2);
    REQUIRE(exec(u, regs(MaOp::Multiply, 3, ma, np2)).status == MauStatus::Ok);
    CHECK(get(u, 12, 3) == Words{0xc6170e73f5540f61, 0xa1abc5e6438cf9d4, 0xb15deb102bb002a1});
    put(u, 0, b2);
    REQUIRE(exec(u, regs(MaOp::Multiply, 3, ma, np2)).status == MauStatus::Ok);
    CHECK(get(u, 12, 3) == Words{0x7b9b3b0e4ef16881, 0xe72c0fb79f5c72b8, 0x326d5eeea6ec8c1f});
  }
  SECTION("14-word case") {
    const Words a{0x7bc6332cb206b6fc, 0xd2254af93e2f9939, 0xde4b752744e69af1, 0x595f1eb29482932a,
                  0x1d16e55418be9b9d, 0x118effe8501a5f53, 0x2e7d2da1e08edd0b, 0x1efb4dd94aa4ec69,
                  0xc4b4c8753283f5a5, 0x49113fca0de548e6, 0x4dd9a01144f19daf, 0xacb65b452712a2e6,
                  0xb366b4b644af4ff0, 0xc8eacef70aab5698};
    const Words b{0xb0a100e4f950d3c3, 0x2a262e576fb171c, 0x33fa5d12b7f11e47, 0xcbe2169ed45bfab2,
                  0xb8822391028cbe22, 0xd20314d86fc5bb64, 0xad7ba8ee7c04d600, 0x63ce89bb0bf306b2,
                  0x4ee79eda38fb4aa9, 0x4573be2a0d352da8, 0x6350178a4b593ce7, 0x7898ce840a85cc9d,
                  0x4f5665b7719dbe14, 0x94fbf5f0b76d077a};
    const Words nm{0x5f9b784312344321, 0x1bab82e0ec4f53ae, 0x7411677f2b1bd39d, 0xc3958cbef94facea,
                   0xc638585d60918d7f, 0x1ddfba512683375, 0x6e34f5dee879c98d, 0x985a2623fe75468a,
                   0x86a2b6fb3cd152c, 0xa7da84de04caaa87, 0x4ad43195aa20e5de, 0x36ddf9e84e193a,
                   0xaa83ae36c9a06937, 0xe9fbb39eee2fd5a1};
    const Words res{0xc2c5f9503982d51c, 0xb1e3e6cfb69b748f, 0x1a45416d4bb01837, 0xae8f72e80af8ab0,
                    0xb1dd11e7ea00e8a0, 0x62ecba30ba93bb79, 0x70215fe71f32ab96, 0x5e161307e305788d,
                    0x7bca09db16a7bb70, 0x6dd238c4c383afd2, 0x80bfdcd12e1833f1, 0x68d98e229a476ebd,
                    0x8773e99135d93a34, 0x7e7d2a29beaf1fde};
    put(u, 0, a);
    put(u, 14, b);
    put(u, 28, nm);
    REQUIRE(exec(u, regs(MaOp::Multiply, 14, ma_make(0, 14, 28, 42, 56), 0x5b354991f10eff1f))
                .status == MauStatus::Ok);
    CHECK(get(u, 56, 14) == res);
  }
}

TEST_CASE("reduce reproduces the OpenSPARC diag spu_mared.s results", "[mau]") {
  // A, N pairs at 0/3, 6/9, ...; R at 42 (the diag's 0x2a0300 + 0x606 per case)
  const Words data{0x23423423eadb, 0x23423efd234, 0xabc, 0xaaaaaaaaaaaa, 0x23423dffffe, 0xabc,
                   0x1000000000000000, 0x1000000000000000, 0x1000000000000000,
                   ~0ull, ~0ull, 0xfffffffffffffff,
                   0xdefa123, 0x3453defbca, 0x394399eabdc949, 0xaefa123, 0x3453defbca, 0x394399eabdc949,
                   0xdefa123, 0x3453defbca, 0x394399eabdc949, ~0ull, 0xffdeadbeef, 0x49439903423432,
                   0x12345678, 0xabcdef123456, 0x8765631abc, 0x12345678, 0x1abcdef123456, 0x8765631abc,
                   0xaaaaaaaaa, 0x22222222222, 0x11111, 0xbbbbbbbbb, 0x22222222222, 0x11111,
                   0x12345678, 0xabcdef123456, 0x8765631abc, 0x12345678, 0xabcdef123456, 0x8765631abc};
  const Words expect{0xffff789789794031, 0xfd235, 0, 0x1000000000000001, 0x1000000000000000, 0,
                     0x3000000, 0, 0, 0xdefa123, 0x3453defbca, 0x394399eabdc949,
                     0x12345678, 0xabcdef123456, 0x8765631abc, 0xaaaaaaaaa, 0x22222222222, 0x11111,
                     0, 0, 0};
  MaUnit u;
  put(u, 0, data);
  for (unsigned k = 0; k < 7; ++k) {
    INFO("case " << k);
    REQUIRE(exec(u, regs(MaOp::Reduce, 3, ma_make(6 * k, 6 * k + 3, 42))).status == MauStatus::Ok);
    CHECK(get(u, 42, 3) == Words(expect.begin() + 3 * k, expect.begin() + 3 * k + 3));
  }
}

TEST_CASE("exponentiate reproduces the OpenSPARC diag spu_maexp.s result", "[mau]") {
  MaUnit u;
  const Words a{0x527ec5ea2d71d114, 0x11fdb24622dcc39e, 0x32};
  const Words nm{0x987654312345671, 0x1234987621abcdef, 0x54};
  const uint64_t np = 0xce670a1f9fcb556f;   // Data_N_prime's low word
  CHECK(mau_nprime(nm[0]) == np);
  // The diag's exponent 0x0000000001abcdef_9876543212345678 (16 bytes), T2 word order.
  put(u, 0, a);
  put(u, 6, nm);
  put(u, 9, a);   // X = A
  put(u, 12, {0x9876543212345678, 0x0000000001abcdef});
  REQUIRE(exec(u, regs(MaOp::Exponentiate, 3, ma_make(0, 3, 6, 9, 12, 15), np)).status ==
          MauStatus::Ok);
  CHECK(get(u, 9, 3) == Words{0xeba65086aab92aad, 0x357dcdff43dfd7e7, 0x22});   // EXP_RES
  // "one more ma_multiply" by 1 leaves Montgomery form: FINAL_EXP_RES
  put(u, 0, {1, 0, 0});
  REQUIRE(exec(u, regs(MaOp::Multiply, 3, ma_make(9, 0, 6, 12, 3), np)).status == MauStatus::Ok);
  CHECK(get(u, 3, 3) == Words{0x328d471612b8c616, 0xade986958bda583e, 0x1c});
}

// ---- against OpenSSL ---------------------------------------------------------------------

TEST_CASE("modmul through loads, a multiply and a store equals BN_mod_mul_montgomery", "[mau]") {
  Guest g;
  MaUnit u;
  for (int bits : {512, 1024, 2048}) {
    INFO(bits << " bits");
    const unsigned n = unsigned(bits / 64);
    Bn nm = random_odd(bits), a = random_below(nm.get()), b = random_below(nm.get());
    const uint64_t ra_a = g.base + 0x100, ra_b = g.base + 0x1100, ra_n = g.base + 0x2100,
                   ra_x = g.base + 0x3100;
    g.put_words(ra_a, words_of(a.get(), n));
    g.put_words(ra_b, words_of(b.get(), n));
    g.put_words(ra_n, words_of(nm.get(), n));
    uint64_t np = mau_nprime(words_of(nm.get(), n)[0]);
    // A at 0, B at n, N at 2n, M at 3n, X at 4n (5n <= 160)
    REQUIRE(mau_execute(u, regs(MaOp::Load, n, ma_make(0), 0, ra_a), g.reader(), g.writer()).status == MauStatus::Ok);
    REQUIRE(mau_execute(u, regs(MaOp::Load, n, ma_make(n), 0, ra_b), g.reader(), g.writer()).status == MauStatus::Ok);
    REQUIRE(mau_execute(u, regs(MaOp::Load, n, ma_make(2 * n), 0, ra_n), g.reader(), g.writer()).status == MauStatus::Ok);
    MauResult r = mau_execute(u, regs(MaOp::Multiply, n, ma_make(0, n, 2 * n, 3 * n, 4 * n), np),
                              g.reader(), g.writer());
    REQUIRE(r.status == MauStatus::Ok);
    CHECK(r.cycles == 8 + 2ull * n * n + n + 3ull * n);
    REQUIRE(mau_execute(u, regs(MaOp::Store, n, ma_make(4 * n), 0, ra_x), g.reader(), g.writer()).status == MauStatus::Ok);
    Bn x = bn_of(g.get_words(ra_x, n));
    CHECK(bn_eq(x.get(), mont_ref(a.get(), b.get(), nm.get()).get()));
    // and in plain terms: X * R == A * B (mod N)
    std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
    Bn lhs = bn(), rhs = bn();
    BN_mod_mul(lhs.get(), x.get(), bn_r(n).get(), nm.get(), ctx.get());
    BN_mod_mul(rhs.get(), a.get(), b.get(), nm.get(), ctx.get());
    CHECK(bn_eq(lhs.get(), rhs.get()));
    // M holds the product before its final subtraction, in n words: X, or X + N (less R when
    // that carried out of the top word)
    Bn m = bn_of(get(u, 3 * n, n)), xn = bn();
    BN_add(xn.get(), x.get(), nm.get());
    BN_mask_bits(xn.get(), int(64 * n));
    CHECK((bn_eq(m.get(), x.get()) || bn_eq(m.get(), xn.get())));
  }
}

TEST_CASE("multiply of unreduced operands stays congruent, a wrong NP is used as given", "[mau]") {
  std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
  MaUnit u;
  const unsigned n = 8;
  Bn nm = random_odd(500);   // top word not full: operands up to R-1 exceed N
  Words nw = words_of(nm.get(), n);
  Words aw(n), bw(n);
  std::mt19937_64 rng(7);
  for (auto& w : aw) w = rng();
  for (auto& w : bw) w = rng();
  put(u, 0, aw);
  put(u, 8, bw);
  put(u, 16, nw);
  uint64_t np = mau_nprime(nw[0]);
  REQUIRE(exec(u, regs(MaOp::Multiply, n, ma_make(0, 8, 16, 24, 32), np)).status == MauStatus::Ok);
  Bn x = bn_of(get(u, 32, n)), a = bn_of(aw), b = bn_of(bw);
  Bn lhs = bn(), rhs = bn();
  BN_mod_mul(lhs.get(), x.get(), bn_r(n).get(), nm.get(), ctx.get());
  BN_mod_mul(rhs.get(), a.get(), b.get(), nm.get(), ctx.get());
  CHECK(bn_eq(lhs.get(), rhs.get()));
  Words good = get(u, 32, n);
  // NP off by one: the unit does not know better, and it is deterministic.
  REQUIRE(exec(u, regs(MaOp::Multiply, n, ma_make(0, 8, 16, 24, 32), np + 1)).status == MauStatus::Ok);
  Words bad = get(u, 32, n);
  CHECK(bad != good);
  REQUIRE(exec(u, regs(MaOp::Multiply, n, ma_make(0, 8, 16, 24, 32), np + 1)).status == MauStatus::Ok);
  CHECK(get(u, 32, n) == bad);
  // An even modulus has no NP; still a defined answer, no crash.
  Words even = nw;
  even[0] &= ~1ull;
  put(u, 16, even);
  CHECK(mau_nprime(even[0]) == 0);
  CHECK(exec(u, regs(MaOp::Multiply, n, ma_make(0, 8, 16, 24, 32), 0)).status == MauStatus::Ok);
}

TEST_CASE("reduce subtracts N once", "[mau]") {
  std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
  MaUnit u;
  const unsigned n = 4;
  Bn nm = random_odd(200);
  Bn a = random_below(nm.get());
  Bn a2 = bn(), a3 = bn();
  BN_add(a2.get(), a.get(), nm.get());    // in [N, 2N)
  BN_add(a3.get(), a2.get(), nm.get());   // in [2N, 3N)
  put(u, 4, words_of(nm.get(), n));
  for (const BIGNUM* in : {a.get(), a2.get(), a3.get()}) {
    put(u, 0, words_of(in, n));
    REQUIRE(exec(u, regs(MaOp::Reduce, n, ma_make(0, 4, 8))).status == MauStatus::Ok);
    Bn want = bn();
    if (BN_cmp(in, nm.get()) >= 0)
      BN_sub(want.get(), in, nm.get());
    else
      BN_copy(want.get(), in);
    CHECK(bn_eq(bn_of(get(u, 8, n)).get(), want.get()));
  }
}

TEST_CASE("RSA-1024 and RSA-2048 through the descriptor queue equal BN_mod_exp", "[mau][rsa]") {
  std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
  for (int bits : {1024, 2048}) {
    INFO("RSA-" << bits);
    Guest g;
    MaUnit u;
    Driver drv(g, u);
    Bn p = bn(), q = bn(), nm = bn(), phi = bn(), e = bn(), d = bn(), p1 = bn(), q1 = bn();
    do {
      REQUIRE(BN_generate_prime_ex(p.get(), bits / 2, 0, nullptr, nullptr, nullptr));
      REQUIRE(BN_generate_prime_ex(q.get(), bits / 2, 0, nullptr, nullptr, nullptr));
      BN_mul(nm.get(), p.get(), q.get(), ctx.get());
    } while (BN_num_bits(nm.get()) != bits);
    BN_sub(p1.get(), p.get(), BN_value_one());
    BN_sub(q1.get(), q.get(), BN_value_one());
    BN_mul(phi.get(), p1.get(), q1.get(), ctx.get());
    BN_set_word(e.get(), 65537);
    REQUIRE(BN_mod_inverse(d.get(), e.get(), phi.get(), ctx.get()));

    Bn msg = random_below(nm.get());
    Bn want_c = bn();
    BN_mod_exp(want_c.get(), msg.get(), e.get(), nm.get(), ctx.get());

    Driver::ExpOut enc = drv.modexp(msg.get(), e.get(), nm.get());
    CHECK(bn_eq(enc.plain.get(), want_c.get()));
    // X is left in Montgomery form: c * R mod N
    Bn cr = bn();
    BN_mod_mul(cr.get(), want_c.get(), bn_r(unsigned(bits / 64)).get(), nm.get(), ctx.get());
    CHECK(bn_eq(enc.mont.get(), cr.get()));
    // public exponent 65537: 16 squares, 1 multiply, 64 exponent bits scanned
    const uint64_t n = uint64_t(bits / 64), mm = 2 * n * n + n + 3 * n;
    CHECK(enc.exp_cycles == 8 + 64 + 17 * mm);

    Driver::ExpOut dec = drv.modexp(enc.plain.get(), d.get(), nm.get());
    CHECK(bn_eq(dec.plain.get(), msg.get()));
    WARN("RSA-" << bits << ": private exponentiation " << dec.exp_cycles << " cycles, public "
                << enc.exp_cycles << " (MauTiming defaults)");
  }
}

TEST_CASE("exponent edge cases: e = 1, a power of two, a short exponent field", "[mau]") {
  std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
  const unsigned n = 4;
  Bn nm = random_odd(256), base = random_below(nm.get());
  Words nw = words_of(nm.get(), n);
  uint64_t np = mau_nprime(nw[0]);
  Bn at = bn();
  BN_mod_mul(at.get(), base.get(), bn_r(n).get(), nm.get(), ctx.get());
  Words aw = words_of(at.get(), n);
  auto run = [&](Words ew, unsigned es) {
    MaUnit u;
    put(u, 0, aw);
    put(u, 8, nw);
    put(u, 12, aw);
    put(u, 16, ew);
    REQUIRE(exec(u, regs(MaOp::Exponentiate, n, ma_make(0, 4, 8, 12, 16, es), np)).status ==
            MauStatus::Ok);
    return bn_of(get(u, 12, n));
  };
  auto want = [&](uint64_t e) {   // base^e * R mod N
    Bn r = bn(), ee = bn();
    BN_set_word(ee.get(), e);
    BN_mod_exp(r.get(), base.get(), ee.get(), nm.get(), ctx.get());
    BN_mod_mul(r.get(), r.get(), bn_r(n).get(), nm.get(), ctx.get());
    return r;
  };
  CHECK(bn_eq(run({1}, 7).get(), at.get()));                 // e = 1: X stays A
  CHECK(bn_eq(run({1ull << 40}, 7).get(), want(1ull << 40).get()));
  CHECK(bn_eq(run({0x1234567}, 7).get(), want(0x1234567).get()));
  // a 3-byte exponent field reads only the low 24 bits of the word
  CHECK(bn_eq(run({0xff00000000abcdefull}, 2).get(), want(0xabcdef).get()));
  // e = 0 has no leading 1 to consume: X is left alone (the driver answers e = 0 itself)
  CHECK(bn_eq(run({0}, 7).get(), at.get()));
}

// ---- malformed input ---------------------------------------------------------------------

TEST_CASE("descriptor byte image: big-endian words, round trip", "[mau][desc]") {
  NcsHvDesc d;
  d.state = nd::kStatePending;
  d.type = nd::kTypeStart | nd::kTypeEnd;
  d.regs = {ma_ctl::make(unsigned(MaOp::Exponentiate), 32), 0x1122334455667788, ma_make(0, 32, 64, 96, 128, 255), 0xfedcba9876543210};
  d.errstatus = 0;
  d.pad = 0xabcd;
  uint8_t b[64];
  ncs_desc_serialise(d, b);
  CHECK(b[7] == 1);           // state, low byte last
  CHECK(b[15] == 0x81);       // type
  CHECK(b[16 + 6] == 0x04);   // ctl: op 4 in bits 12:8
  CHECK(b[16 + 7] == 31);     // length - 1
  CHECK(b[24] == 0x11);
  CHECK(b[32 + 2] == 0xff);   // MA field 5 (bits 47:40)
  CHECK(b[40] == 0xfe);
  CHECK(ncs_desc_parse(b) == d);
  NcsHvDesc out;
  CHECK(ncs_desc_parse_checked(b, 64, &out).ok());
  CHECK(out == d);
}

TEST_CASE("malformed descriptors and out-of-range offsets are invalid-op", "[mau][desc]") {
  auto check = [](NcsHvDesc d) {
    uint8_t b[64];
    ncs_desc_serialise(d, b);
    return ncs_desc_parse_checked(b, 64, nullptr);
  };
  NcsHvDesc good;
  good.state = nd::kStatePending;
  good.type = nd::kTypeCont;
  good.regs = regs(MaOp::Multiply, 16, ma_make(0, 16, 32, 48, 64), 1);
  REQUIRE(check(good).ok());

  auto with = [&](auto f) {
    NcsHvDesc d = good;
    f(d);
    return check(d);
  };
  CHECK(with([](NcsHvDesc& d) { d.state = 5; }).errstatus == nd::kErrInvOp);
  CHECK(with([](NcsHvDesc& d) { d.state = ~0ull; }).errstatus == nd::kErrInvOp);
  CHECK(with([](NcsHvDesc& d) { d.type = 0; }).errstatus == nd::kErrInvOp);
  CHECK(with([](NcsHvDesc& d) { d.type = 0x03; }).errstatus == nd::kErrInvOp);
  CHECK(with([](NcsHvDesc& d) { d.type = 0x04; }).errstatus == nd::kErrInvOp);
  CHECK(with([](NcsHvDesc& d) { d.type = 0x100 | nd::kTypeStart; }).errstatus == nd::kErrInvOp);
  CHECK(with([](NcsHvDesc& d) { d.type = nd::kTypeStart | nd::kTypeEnd; }).ok());
  CHECK(with([](NcsHvDesc& d) { d.type = nd::kTypeCont | nd::kTypeEnd; }).ok());
  for (unsigned op = 5; op < 32; ++op)
    CHECK(with([op](NcsHvDesc& d) { d.regs.ctl = ma_ctl::make(op, 4); }).errstatus == nd::kErrInvOp);
  // load/store: at most 64 words, inside MA memory
  CHECK(with([](NcsHvDesc& d) { d.regs = regs(MaOp::Load, 64, ma_make(96), 0, 0x8000000); }).ok());
  CHECK(!with([](NcsHvDesc& d) { d.regs = regs(MaOp::Load, 65, ma_make(0), 0, 0x8000000); }).ok());
  CHECK(!with([](NcsHvDesc& d) { d.regs = regs(MaOp::Store, 256, ma_make(0), 0, 0x8000000); }).ok());
  CHECK(!with([](NcsHvDesc& d) { d.regs = regs(MaOp::Load, 64, ma_make(97), 0, 0x8000000); }).ok());
  CHECK(!with([](NcsHvDesc& d) { d.regs = regs(MaOp::Store, 1, ma_make(160), 0, 0x8000000); }).ok());
  // arithmetic: every operand inside MA memory
  CHECK(with([](NcsHvDesc& d) { d.regs.ma = ma_make(0, 16, 32, 48, 144); }).ok());
  CHECK(!with([](NcsHvDesc& d) { d.regs.ma = ma_make(0, 16, 32, 48, 145); }).ok());
  CHECK(!with([](NcsHvDesc& d) { d.regs.ma = ma_make(255, 16, 32, 48, 64); }).ok());
  CHECK(!with([](NcsHvDesc& d) { d.regs.ctl = ma_ctl::make(unsigned(MaOp::Multiply), 161); }).ok());
  CHECK(!with([](NcsHvDesc& d) { d.regs = regs(MaOp::Reduce, 8, ma_make(0, 8, 153)); }).ok());
  // exponentiate: the exponent's bytes too (field 5 = bytes - 1)
  CHECK(with([](NcsHvDesc& d) { d.regs = regs(MaOp::Exponentiate, 32, ma_make(0, 32, 64, 96, 128, 255)); }).ok());
  CHECK(!with([](NcsHvDesc& d) { d.regs = regs(MaOp::Exponentiate, 32, ma_make(0, 32, 64, 96, 129, 255)); }).ok());
  CHECK(!with([](NcsHvDesc& d) { d.regs = regs(MaOp::Exponentiate, 32, ma_make(0, 32, 64, 129, 0, 7)); }).ok());
  // not 64 bytes
  uint8_t b[65] = {};
  CHECK(!ncs_desc_parse_checked(b, 63, nullptr).ok());
  CHECK(!ncs_desc_parse_checked(b, 65, nullptr).ok());
  CHECK(!ncs_desc_parse_checked(nullptr, 64, nullptr).ok());

  // The unit refuses the same images on its own, changes nothing, and says so in MA_CTL.
  MaUnit u;
  for (unsigned i = 0; i < kMaWords; ++i) u.mem[i] = i * 0x0101010101010101ull;
  MaUnit before = u;
  MauRegs r = regs(MaOp::Exponentiate, 32, ma_make(0, 32, 64, 96, 129, 255));
  MauResult res = exec(u, r);
  CHECK(res.status == MauStatus::InvalidOp);
  CHECK(u.mem == before.mem);
  CHECK((u.regs.ctl >> ma_ctl::kInvOpBit & 1) == 1);
  NcsHvDesc d = good;
  ncs_desc_finish(d, res.status);
  CHECK(d.state == nd::kStateError);
  CHECK(d.errstatus == nd::kErrInvOp);
}

TEST_CASE("a refused guest address is an address error and moves nothing", "[mau][desc]") {
  Guest g;
  MaUnit u;
  for (unsigned i = 0; i < kMaWords; ++i) u.mem[i] = 0x5555000000000000ull + i;
  const MaUnit before = u;
  // outside the guest
  CHECK(mau_execute(u, regs(MaOp::Load, 8, ma_make(0), 0, 0x1000), g.reader(), g.writer()).status ==
        MauStatus::BadAddress);
  CHECK(mau_execute(u, regs(MaOp::Store, 8, ma_make(0), 0, g.base + g.mem.size() - 56), g.reader(),
                    g.writer()).status == MauStatus::BadAddress);
  CHECK(mau_execute(u, regs(MaOp::Load, 2, ma_make(0), 0, ~0ull - 7), g.reader(), g.writer()).status ==
        MauStatus::BadAddress);
  // accessors that fail
  g.fail_reads = g.fail_writes = true;
  CHECK(mau_execute(u, regs(MaOp::Load, 8, ma_make(0), 0, g.base), g.reader(), g.writer()).status ==
        MauStatus::BadAddress);
  CHECK(mau_execute(u, regs(MaOp::Store, 8, ma_make(0), 0, g.base), g.reader(), g.writer()).status ==
        MauStatus::BadAddress);
  CHECK(mau_execute(u, regs(MaOp::Load, 8, ma_make(0), 0, g.base), MauRead(), MauWrite()).status ==
        MauStatus::BadAddress);
  CHECK(u == before);   // MA memory and registers untouched
  CHECK(g.writes == 0);
  CHECK(mau_execute(u, regs(MaOp::Load, 8, ma_make(0), 0, g.base), g.reader(), g.writer()).cycles == 0);
  // misaligned MPA
  g.fail_reads = g.fail_writes = false;
  CHECK(mau_execute(u, regs(MaOp::Load, 8, ma_make(0), 0, g.base + 4), g.reader(), g.writer()).status ==
        MauStatus::BadAlignment);
  CHECK(u == before);
  // the arithmetic ops never touch guest memory: MPA is not theirs
  CHECK(mau_execute(u, regs(MaOp::Reduce, 2, ma_make(0, 2, 4), 0, 3), g.reader(), g.writer()).status ==
        MauStatus::Ok);
  CHECK(g.reads == 0);

  // The hypervisor's write-back: ERROR, errstatus as the guest left it; the rest of the job
  // after a failed descriptor is ERROR too.
  Driver drv(g, u);
  std::vector<NcsHvDesc> job;
  drv.ldst(job, MaOp::Load, g.base + 0x4000, 8);
  drv.ldst(job, MaOp::Load, 0x10, 8);   // not the guest's
  drv.ldst(job, MaOp::Store, g.base + 0x8000, 8);
  job[1].errstatus = 0;
  auto out = drv.run(job);
  CHECK(out[0].state == nd::kStateDone);
  CHECK(out[1].state == nd::kStateError);
  CHECK(out[1].errstatus == nd::kErrOk);
  CHECK(out[2].state == nd::kStateError);
}

TEST_CASE("hostile descriptors: random images never break the unit", "[mau][desc]") {
  Guest g;
  MaUnit u;
  std::mt19937_64 rng(12345);
  unsigned ran = 0;
  for (int i = 0; i < 20000; ++i) {
    uint8_t b[64];
    for (auto& c : b) c = uint8_t(rng());
    NcsHvDesc d;
    // bias a share toward plausible images so the checks are passed and ops really run
    if (i % 2) {
      d.state = nd::kStatePending;
      d.type = nd::kTypeCont;
      unsigned op = unsigned(rng() % 6);
      unsigned words = 1 + unsigned(rng() % (op <= 1 ? 70 : 24));
      uint64_t ma = rng() & 0x0000ffffffffffffull;
      if (rng() % 2) ma &= 0x00003f3f3f3f3f3full;   // small offsets
      d.regs = {ma_ctl::make(op, words) | (rng() & 0xffffffffff000000ull),
                g.base + (rng() % 0x10000 & ~7ull) - (rng() % 4 == 0 ? 0x8000 : 0), ma, rng()};
      ncs_desc_serialise(d, b);
    }
    NcsDescCheck c = ncs_desc_parse_checked(b, 64, &d);
    MauResult r = mau_execute(u, d.regs, g.reader(), g.writer());
    if (!c.ok()) {
      // the checks agree: what the descriptor check refuses for its registers, the unit refuses
      if (mau_check(d.regs) != MauStatus::Ok) CHECK(r.status != MauStatus::Ok);
    } else {
      CHECK(r.status != MauStatus::InvalidOp);
    }
    if (r.status == MauStatus::Ok) ++ran;
  }
  CHECK(ran > 1000);
}

TEST_CASE("MaUnit is plain data", "[mau]") {
  static_assert(std::is_trivially_copyable<MaUnit>::value, "snapshots copy it as bytes");
  static_assert(std::is_standard_layout<MaUnit>::value, "");
  static_assert(sizeof(MaUnit) == kMaWords * 8 + sizeof(MauRegs), "");
  MaUnit a;
  a.mem[3] = 7;
  MaUnit b = a;
  CHECK(a == b);
}
