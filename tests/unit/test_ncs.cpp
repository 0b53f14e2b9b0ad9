// The NCS API and the CWQ (hv/hcall_ncs.cpp, hv/cwq.cpp) through hypercalls, as a guest's
// driver uses them: every algorithm on several sizes against OpenSSL computed here on the
// host (the EVP interface: the model uses the low-level one), the queue's head moving in
// modelled time, two strands of one core waiting for one unit, and every refusal.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/provider.h>
#include <openssl/rc4.h>
#include <zlib.h>

#include <cstring>
#include <string>
#include <vector>

#include "hv_fixture.h"
#include "sim/state/codec.h"
#include "sim/state/stream.h"

using namespace hvtest;
namespace cw = vfsim::hv::cw;

namespace {

constexpr uint64_t QCONF = 0x111, QINFO = 0x112, GETHEAD = 0x113, GETTAIL = 0x114, SETTAIL = 0x115, TODEVINO = 0x116,
                   SETMARKER = 0x117, REQUEST = 0x110;
constexpr uint64_t kQueue = kRa0 + 0x100000;   // the CWQ: 64 entries
constexpr uint64_t kKey = kRa0 + 0x110000, kIv = kRa0 + 0x110100, kAuthKey = kRa0 + 0x110200, kHash = kRa0 + 0x110300;
constexpr uint64_t kSrc = kRa0 + 0x200000, kDst = kRa0 + 0x300000;

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = uint8_t(i * 31 + seed + (i >> 8));
  return v;
}

uint64_t control(unsigned len, unsigned op, unsigned enc, unsigned auth, unsigned hash_len, bool sob, bool eob,
                 bool encrypt, unsigned hmac_key_len = 0) {
  uint64_t w = uint64_t(len - 1) & cw::kLenMask;
  w |= uint64_t(op) << cw::kOpcodeShift | uint64_t(enc) << cw::kEncTypeShift | uint64_t(auth) << cw::kAuthTypeShift;
  if (hash_len) w |= uint64_t(hash_len - 1) << cw::kHashLenShift;
  if (hmac_key_len) w |= uint64_t(hmac_key_len - 1) << cw::kHmacKeyLenShift;
  if (sob) w |= cw::kStartOfBlock;
  if (eob) w |= cw::kEndOfBlock;
  if (encrypt) w |= cw::kEncrypt;
  return w;
}

struct Ncs {
  HvFixture f{{[] {
    hv::GuestConfig c = guest_config("a", 8, {64ull << 20});
    c.crypto_units = {0};   // core 0's unit; vCPUs 0-7 are core 0's strands
    return c;
  }()}};
  uint64_t handle = 0, tail = 0;
  Ncs() {
    f.negotiate(0, hv::GROUP_NCS, 2, 0);
    Result r = f.fast(QCONF, hv::NCS_QTYPE_CWQ, kQueue, 64);
    REQUIRE(r.status == hv::HV_EOK);
    handle = r.r[0];
  }
  void entry(uint64_t w0, uint64_t src, uint64_t auth_key, uint64_t auth_iv, uint64_t enc_key, uint64_t enc_iv,
             uint64_t dst) {
    uint64_t w[8] = {w0, src, auth_key, auth_iv, 0, enc_key, enc_iv, dst};
    uint8_t raw[64];
    for (int i = 0; i < 64; ++i) raw[i] = uint8_t(w[i / 8] >> (56 - 8 * (i % 8)));
    f.write(kQueue + tail, raw, 64);
    tail = (tail + 64) % (64 * 64);
  }
  // Submit and let the unit finish: the head reaches the tail once enough cycles pass.
  uint64_t submit() {
    REQUIRE(f.fast(SETTAIL, handle, tail).status == hv::HV_EOK);
    uint64_t cycles = 0;
    for (int i = 0; i < 64; ++i) {
      Result h = f.fast(GETHEAD, handle);
      REQUIRE(h.status == hv::HV_EOK);
      if (h.r[0] == tail) return cycles;
      advance(20000);
      cycles += 20000;
    }
    FAIL("the head never reached the tail");
    return 0;
  }
  void advance(uint64_t n) { f.m->core_of(f.vcpu(0, 0).strand).cycles += n; }   // (all its vCPUs are core 0's)
  uint64_t status_of(uint64_t entry_off) {
    std::vector<uint8_t> b = f.bytes(kQueue + entry_off, 8);
    uint64_t w = 0;
    for (uint8_t x : b) w = w << 8 | x;
    return w & cw::kStatusMask;
  }
};

std::vector<uint8_t> evp_cipher(const EVP_CIPHER* c, const std::vector<uint8_t>& key, const std::vector<uint8_t>& iv,
                                const std::vector<uint8_t>& in, bool enc) {
  EVP_CIPHER_CTX* x = EVP_CIPHER_CTX_new();
  REQUIRE(EVP_CipherInit_ex(x, c, nullptr, key.data(), iv.empty() ? nullptr : iv.data(), enc ? 1 : 0) == 1);
  EVP_CIPHER_CTX_set_padding(x, 0);
  std::vector<uint8_t> out(in.size() + 32);
  int n = 0, m = 0;
  REQUIRE(EVP_CipherUpdate(x, out.data(), &n, in.data(), int(in.size())) == 1);
  REQUIRE(EVP_CipherFinal_ex(x, out.data() + n, &m) == 1);
  out.resize(size_t(n + m));
  EVP_CIPHER_CTX_free(x);
  return out;
}

// Single DES lives in OpenSSL 3's legacy provider (for the reference only); loading a provider
// turns off the automatic one, so the default is loaded too. Once per process, unloaded at its
// exit: LeakSanitizer reports providers still held then.
struct ReferenceProviders {
  OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(nullptr, "legacy");
  OSSL_PROVIDER* dflt = OSSL_PROVIDER_load(nullptr, "default");
  ~ReferenceProviders() {
    if (dflt) OSSL_PROVIDER_unload(dflt);
    if (legacy) OSSL_PROVIDER_unload(legacy);
  }
};
void load_reference_providers() {
  static ReferenceProviders p;
  REQUIRE(p.legacy);
  REQUIRE(p.dflt);
}

}  // namespace

TEST_CASE("ncs: AES, DES and 3DES in every mode the unit has, against OpenSSL, in one entry and split", "[ncs]") {
  load_reference_providers();
  struct Case { const char* name; unsigned enc; const EVP_CIPHER* evp; unsigned key, iv; };
  const Case cases[] = {
      {"aes-128-ecb", cw::kAes128 | cw::kEcb, EVP_aes_128_ecb(), 16, 0},
      {"aes-192-ecb", cw::kAes192 | cw::kEcb, EVP_aes_192_ecb(), 24, 0},
      {"aes-256-ecb", cw::kAes256 | cw::kEcb, EVP_aes_256_ecb(), 32, 0},
      {"aes-128-cbc", cw::kAes128 | cw::kCbc, EVP_aes_128_cbc(), 16, 16},
      {"aes-192-cbc", cw::kAes192 | cw::kCbc, EVP_aes_192_cbc(), 24, 16},
      {"aes-256-cbc", cw::kAes256 | cw::kCbc, EVP_aes_256_cbc(), 32, 16},
      {"aes-128-ctr", cw::kAes128 | cw::kCtr, EVP_aes_128_ctr(), 16, 16},
      {"aes-256-ctr", cw::kAes256 | cw::kCtr, EVP_aes_256_ctr(), 32, 16},
      {"aes-128-cfb", cw::kAes128 | cw::kCfb, EVP_aes_128_cfb128(), 16, 16},
      {"des-ecb", cw::kDes | cw::kEcb, EVP_des_ecb(), 8, 0},
      {"des-cbc", cw::kDes | cw::kCbc, EVP_des_cbc(), 8, 8},
      {"des-ede3-ecb", cw::k3Des | cw::kEcb, EVP_des_ede3_ecb(), 24, 0},
      {"des-ede3-cbc", cw::k3Des | cw::kCbc, EVP_des_ede3_cbc(), 24, 8},
  };
  for (const Case& k : cases) {
    if (!k.evp) continue;   // (not in this OpenSSL)
    for (size_t size : {16u, 256u, 4096u, 65536u}) {
      for (bool encrypt : {true, false}) {
        DYNAMIC_SECTION(k.name << " " << size << (encrypt ? " encrypt" : " decrypt")) {
          Ncs n;
          std::vector<uint8_t> key = pattern(k.key, 7), iv = pattern(k.iv, 99), data = pattern(size, uint8_t(size));
          n.f.write(kKey, key.data(), key.size());
          if (k.iv) n.f.write(kIv, iv.data(), iv.size());
          n.f.write(kSrc, data.data(), data.size());
          // One entry, or (above 16 bytes) two: the first 8 bytes + the rest, so a block spans
          // them as Linux's descriptors may.
          unsigned first = size > 16 ? 24 : unsigned(size);
          bool split = first < size;
          n.entry(control(first, cw::kOpEncrypt, k.enc, 0, 0, true, !split, encrypt), kSrc, 0, 0, kKey, kIv, kDst);
          if (split) n.entry(control(unsigned(size - first), 0, 0, 0, 0, false, true, false), kSrc + first, 0, 0, 0, 0, 0);
          n.submit();
          CHECK(n.f.bytes(kDst, size) == evp_cipher(k.evp, key, iv, data, encrypt));
          CHECK(n.status_of(0) == cw::kDone);
        }
      }
    }
  }
}

TEST_CASE("ncs: RC4 from the driver's S-box, stream mode handing its state on", "[ncs]") {
  Ncs n;
  std::vector<uint8_t> key = pattern(16, 3), data = pattern(1000, 5);
  RC4_KEY ref;
  RC4_set_key(&ref, int(key.size()), key.data());
  std::vector<uint8_t> state(258);
  for (int i = 0; i < 256; ++i) state[size_t(i)] = uint8_t(ref.data[i]);
  state[256] = uint8_t(ref.x);
  state[257] = uint8_t(ref.y);
  n.f.write(kKey, state.data(), state.size());
  n.f.write(kSrc, data.data(), data.size());
  // Two requests of 500 bytes: the second continues the stream from the state the first left.
  n.entry(control(500, cw::kOpEncrypt, cw::kRc4Stream, 0, 0, true, true, true), kSrc, 0, 0, kKey, 0, kDst);
  n.entry(control(500, cw::kOpEncrypt, cw::kRc4Stream, 0, 0, true, true, true), kSrc + 500, 0, 0, kKey, 0, kDst + 500);
  n.submit();
  std::vector<uint8_t> want(1000);
  RC4(&ref, 1000, data.data(), want.data());
  CHECK(n.f.bytes(kDst, 1000) == want);
}

TEST_CASE("ncs: hashes and HMACs from the driver's initial value, SHA-224 through the SHA-256 engine", "[ncs]") {
  // Initial values as a driver keeps them: in the digest's byte order.
  auto be = [](std::initializer_list<uint32_t> w) {
    std::vector<uint8_t> v;
    for (uint32_t x : w)
      for (int i = 0; i < 4; ++i) v.push_back(uint8_t(x >> (24 - 8 * i)));
    return v;
  };
  auto le = [](std::initializer_list<uint32_t> w) {
    std::vector<uint8_t> v;
    for (uint32_t x : w)
      for (int i = 0; i < 4; ++i) v.push_back(uint8_t(x >> (8 * i)));
    return v;
  };
  struct Case { const char* name; unsigned auth; const EVP_MD* md; std::vector<uint8_t> iv; unsigned keep; };
  const Case cases[] = {
      {"md5", cw::kMd5, EVP_md5(), le({0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476}), 16},
      {"sha1", cw::kSha1, EVP_sha1(), be({0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0}), 20},
      {"sha256", cw::kSha256, EVP_sha256(),
       be({0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}), 32},
      {"sha224", cw::kSha256, EVP_sha224(),
       be({0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4}), 28},
  };
  for (const Case& k : cases)
    for (size_t size : {16u, 256u, 4096u, 65536u}) {
      DYNAMIC_SECTION(k.name << " " << size) {
        Ncs n;
        std::vector<uint8_t> data = pattern(size, 11);
        n.f.write(kSrc, data.data(), size);
        n.f.write(kHash, k.iv.data(), k.iv.size());
        unsigned state = k.auth == cw::kMd5 ? 16 : k.auth == cw::kSha1 ? 20 : 32;
        // Split in three entries (the gather Linux's hash walk makes).
        size_t a = size / 3, b = size / 3;
        n.entry(control(unsigned(a), cw::kOpAuthMac | cw::kOpInPlace, 0, k.auth, state, true, false, false), kSrc, 0,
                kHash, 0, 0, kHash);
        n.entry(control(unsigned(b), 0, 0, 0, 0, false, false, false), kSrc + a, 0, 0, 0, 0, 0);
        n.entry(control(unsigned(size - a - b), 0, 0, 0, 0, false, true, false), kSrc + a + b, 0, 0, 0, 0, 0);
        n.submit();
        std::vector<uint8_t> want(EVP_MAX_MD_SIZE);
        unsigned len = 0;
        REQUIRE(EVP_Digest(data.data(), size, want.data(), &len, k.md, nullptr) == 1);
        want.resize(k.keep);
        CHECK(n.f.bytes(kHash, k.keep) == want);
      }
    }
  struct Hmac { const char* name; unsigned auth; const EVP_MD* md; unsigned state; };
  for (const Hmac& k : {Hmac{"hmac-md5", cw::kHmacMd5, EVP_md5(), 16}, Hmac{"hmac-sha1", cw::kHmacSha1, EVP_sha1(), 20},
                        Hmac{"hmac-sha256", cw::kHmacSha256, EVP_sha256(), 32}})
    for (size_t size : {16u, 4096u}) {
      DYNAMIC_SECTION(k.name << " " << size) {
        Ncs n;
        std::vector<uint8_t> data = pattern(size, 21), key = pattern(20, 77);
        n.f.write(kSrc, data.data(), size);
        n.f.write(kAuthKey, key.data(), key.size());
        n.entry(control(unsigned(size), cw::kOpAuthMac | cw::kOpInPlace, 0, k.auth, k.state, true, true, false,
                        unsigned(key.size())),
                kSrc, kAuthKey, kHash, 0, 0, kHash);
        n.submit();
        std::vector<uint8_t> want(EVP_MAX_MD_SIZE);
        unsigned len = 0;
        HMAC(k.md, key.data(), int(key.size()), data.data(), size, want.data(), &len);
        want.resize(len);
        CHECK(n.f.bytes(kHash, len) == want);
      }
    }
  SECTION("crc32") {
    Ncs n;
    std::vector<uint8_t> data = pattern(5000, 1), zero(4, 0);
    n.f.write(kSrc, data.data(), data.size());
    n.f.write(kHash, zero.data(), 4);
    n.entry(control(5000, cw::kOpAuthMac | cw::kOpInPlace, 0, cw::kCrc32, 4, true, true, false), kSrc, 0, kHash, 0, 0,
            kHash);
    n.submit();
    uint32_t want = uint32_t(crc32(0, data.data(), uInt(data.size())));
    std::vector<uint8_t> got = n.f.bytes(kHash, 4);
    CHECK((uint32_t(got[0]) << 24 | uint32_t(got[1]) << 16 | uint32_t(got[2]) << 8 | got[3]) == want);
  }
}

TEST_CASE("ncs: the head moves in modelled time; two strands of one core wait for one unit", "[ncs]") {
  Ncs n;
  std::vector<uint8_t> key = pattern(16, 1), data = pattern(65536, 2);
  n.f.write(kKey, key.data(), 16);
  n.f.write(kSrc, data.data(), data.size());
  n.entry(control(65536, cw::kOpEncrypt, cw::kAes128 | cw::kEcb, 0, 0, true, true, true), kSrc, 0, 0, kKey, 0, kDst);
  REQUIRE(n.f.fast(SETTAIL, n.handle, n.tail).status == hv::HV_EOK);
  // 64 KB of AES-128 at 2.5 cycles/byte, plus the request's and the entry's fixed costs.
  uint64_t cost = uint64_t(200 + 20 + 65536 * 2.5);
  CHECK(n.f.fast(GETHEAD, n.handle).r[0] == 0);
  n.advance(cost - 1);
  CHECK(n.f.fast(GETHEAD, n.handle).r[0] == 0);
  n.advance(1);
  CHECK(n.f.fast(GETHEAD, n.handle).r[0] == 64);
  // Two strands of core 0 (vCPUs 0 and 5) each queue 64 KB at the same cycle: the second
  // waits for the first, so it is done at twice the cost.
  uint64_t t0 = n.f.m->core_of(n.f.vcpu(0, 0).strand).cycles;
  n.entry(control(65536, cw::kOpEncrypt, cw::kAes128 | cw::kEcb, 0, 0, true, true, true), kSrc, 0, 0, kKey, 0, kDst);
  REQUIRE(n.f.fast_on(0, 0, SETTAIL, n.handle, n.tail).status == hv::HV_EOK);
  n.entry(control(65536, cw::kOpEncrypt, cw::kAes128 | cw::kEcb, 0, 0, true, true, true), kSrc, 0, 0, kKey, 0, kDst);
  REQUIRE(n.f.fast_on(0, 5, SETTAIL, n.handle, n.tail).status == hv::HV_EOK);
  n.f.m->core_of(n.f.vcpu(0, 0).strand).cycles = t0 + cost;
  CHECK(n.f.fast(GETHEAD, n.handle).r[0] == 128);   // the first is done, the second waits
  n.f.m->core_of(n.f.vcpu(0, 0).strand).cycles = t0 + 2 * cost - 1;
  CHECK(n.f.fast(GETHEAD, n.handle).r[0] == 128);
  n.f.m->core_of(n.f.vcpu(0, 0).strand).cycles = t0 + 2 * cost;
  CHECK(n.f.fast(GETHEAD, n.handle).r[0] == 192);
  CHECK(n.f.guest().spu[0].requests == 3);
}

TEST_CASE("ncs: refusals: no unit, bad queues and handles, malformed entries, overflow; nothing else changes", "[ncs]") {
  SECTION("a guest without the core's unit, and API gating") {
    HvFixture f({guest_config("b", 8, {64ull << 20})});
    CHECK(f.fast(QCONF, hv::NCS_QTYPE_CWQ, kQueue, 64).status == hv::HV_EBADTRAP);   // NCS not negotiated
    f.negotiate(0, hv::GROUP_NCS, 2, 0);
    CHECK(f.fast(QCONF, hv::NCS_QTYPE_CWQ, kQueue, 64).status == hv::HV_ENOACCESS);
  }
  SECTION("queue parameters and handles") {
    Ncs n;
    CHECK(n.f.fast(QCONF, hv::NCS_QTYPE_CWQ, kQueue, 64).status == hv::HV_EINVAL);   // configured already
    CHECK(n.f.fast(QCONF, 3, kQueue, 64).status == hv::HV_EINVAL);
    CHECK(n.f.fast(QCONF, hv::NCS_QTYPE_MAU, kQueue + 8, 64).status == hv::HV_EBADALIGN);
    CHECK(n.f.fast(QCONF, hv::NCS_QTYPE_MAU, kQueue, 48).status == hv::HV_EINVAL);
    CHECK(n.f.fast(QCONF, hv::NCS_QTYPE_MAU, kQueue, 128).status == hv::HV_EINVAL);
    CHECK(n.f.fast(QCONF, hv::NCS_QTYPE_MAU, kHoleRa - 64, 2).status == hv::HV_ENORADDR);
    Result info = n.f.fast(QINFO, n.handle);
    CHECK(info.status == hv::HV_EOK);
    CHECK(info.r[0] == hv::NCS_QTYPE_CWQ);
    CHECK(info.r[1] == kQueue);
    CHECK(info.r[2] == 64);
    CHECK(n.f.fast(QINFO, n.handle + 1).status == hv::HV_EINVAL);
    CHECK(n.f.fast(GETHEAD, 12345).status == hv::HV_EINVAL);
    CHECK(n.f.fast(SETTAIL, n.handle, 32).status == hv::HV_EINVAL);        // not an entry boundary
    CHECK(n.f.fast(SETTAIL, n.handle, 64 * 64).status == hv::HV_EINVAL);   // past the end
    CHECK(n.f.fast(TODEVINO, n.handle).r[0] == 0);
    CHECK(n.f.fast(SETMARKER, n.handle, 32).status == hv::HV_EINVAL);
    CHECK(n.f.fast(GETTAIL, n.handle).r[0] == 0);
    CHECK(n.f.fast(QCONF, 0, n.handle, 0).status == hv::HV_EOK);   // unconfigured
    CHECK(n.f.fast(QINFO, n.handle).status == hv::HV_EINVAL);
  }
  SECTION("malformed entries get the protocol-error status, and the queue goes on") {
    Ncs n;
    std::vector<uint8_t> key = pattern(16, 1), data = pattern(64, 2);
    n.f.write(kKey, key.data(), 16);
    n.f.write(kSrc, data.data(), 64);
    n.entry(control(64, 0x33, 0, 0, 0, true, true, true), kSrc, 0, 0, 0, 0, kDst);   // an opcode it lacks
    n.entry(control(64, 0, 0, 0, 0, false, true, false), kSrc, 0, 0, 0, 0, 0);        // an extension outside a request
    n.entry(control(20, cw::kOpEncrypt, cw::kAes128 | cw::kCbc, 0, 0, true, true, true), kSrc, 0, 0, kKey, kIv, kDst);   // not whole blocks
    n.entry(control(64, cw::kOpEncrypt, cw::kAes128 | cw::kEcb, 0, 0, true, true, true), kHoleRa, 0, 0, kKey, 0, kDst);   // source not the guest's
    n.entry(control(64, cw::kOpAuthMac, 0, cw::kSha256, 20, true, true, false), kSrc, 0, kHash, 0, 0, kHash);   // wrong hash length
    n.entry(control(64, cw::kOpEncrypt, cw::kAes128 | cw::kEcb, 0, 0, true, true, true), kSrc, 0, 0, kKey, 0, kDst);   // a good one
    n.submit();
    for (uint64_t off : {0u, 64u, 128u, 192u, 256u}) CHECK(n.status_of(off) == cw::kProtocolError);
    CHECK(n.status_of(320) == cw::kDone);
    CHECK(n.f.bytes(kDst, 64) == evp_cipher(EVP_aes_128_ecb(), key, {}, data, true));
  }
  SECTION("a tail that would overrun work not done yet") {
    Ncs n;
    std::vector<uint8_t> key = pattern(16, 1);
    n.f.write(kKey, key.data(), 16);
    for (int i = 0; i < 63; ++i)
      n.entry(control(65536, cw::kOpEncrypt, cw::kAes128 | cw::kEcb, 0, 0, true, true, true), kSrc, 0, 0, kKey, 0, kDst);
    REQUIRE(n.f.fast(SETTAIL, n.handle, n.tail).status == hv::HV_EOK);   // 63 queued: the most there can be
    n.entry(control(16, cw::kOpEncrypt, cw::kAes128 | cw::kEcb, 0, 0, true, true, true), kSrc, 0, 0, kKey, 0, kDst);
    CHECK(n.f.fast(SETTAIL, n.handle, n.tail).status == hv::HV_EINVAL);   // the 64th would make the queue look empty
    CHECK(n.f.fast(GETTAIL, n.handle).r[0] == 63 * 64);
  }
  SECTION("NCS 1.0: refusals of the T1-style request") {
    HvFixture f({[] {
      hv::GuestConfig c = guest_config("c", 8, {64ull << 20});
      c.crypto_units = {0};
      return c;
    }()});
    f.negotiate(0, hv::GROUP_NCS, 1, 0);
    CHECK(f.fast(QCONF, hv::NCS_QTYPE_CWQ, kQueue, 64).status == hv::HV_EBADTRAP);   // a 2.0 call
    CHECK(f.fast(REQUEST, 9, kSrc, 32).status == hv::HV_EINVAL);
    CHECK(f.fast(REQUEST, 1, kSrc + 4, 32).status == hv::HV_EBADALIGN);
    CHECK(f.fast(REQUEST, 1, kHoleRa, 32).status == hv::HV_ENORADDR);
    auto block = [&](std::initializer_list<uint64_t> words) {
      std::vector<uint8_t> b;
      for (uint64_t w : words)
        for (int i = 0; i < 8; ++i) b.push_back(uint8_t(w >> (56 - 8 * i)));
      f.write(kSrc, b.data(), b.size());
    };
    block({1, kQueue, kQueue + 16 * 32, 16});   // MAU id 1: not this domain's, not this core's
    CHECK(f.fast(REQUEST, 1, kSrc, 32).status == hv::HV_ENOACCESS);
    block({0, kQueue, kQueue + 100, 16});        // an end that does not agree with the size
    CHECK(f.fast(REQUEST, 1, kSrc, 32).status == hv::HV_EINVAL);
    block({0, kQueue, kQueue + 16 * 32, 16});
    CHECK(f.fast(REQUEST, 1, kSrc, 32).status == hv::HV_EOK);
    block({0, 1, 1});                            // asynchronous
    CHECK(f.fast(REQUEST, 2, kSrc, 24).status == hv::HV_ENOTSUPPORTED);
    block({0, 16, 0});                           // a tail index past the queue
    CHECK(f.fast(REQUEST, 2, kSrc, 24).status == hv::HV_EINVAL);
  }

}

TEST_CASE("ncs: a request that asks for it raises the CWQ's interrupt when it completes, not before", "[ncs][intr]") {
  Ncs n;
  using hvtest::fn::CPU_QCONF;
  REQUIRE(n.f.fast(CPU_QCONF, hv::Q_DEV_MONDO, kRa0 + 0x44000, 16).status == hv::HV_EOK);
  Result dev = n.f.fast(TODEVINO, n.handle);
  REQUIRE(dev.status == hv::HV_EOK);
  Result sys = n.f.fast(hvtest::fn::INTR_DEVINO2SYSINO, hv::kNcsCwqDevhandle, dev.r[0]);
  REQUIRE(sys.status == hv::HV_EOK);
  CHECK(sys.r[0] == (hv::kNcsCwqDevhandle << 16 | 0));
  REQUIRE(n.f.fast(hvtest::fn::INTR_SETTARGET, sys.r[0], 0).status == hv::HV_EOK);
  REQUIRE(n.f.fast(hvtest::fn::INTR_SETSTATE, sys.r[0], 0).status == hv::HV_EOK);
  REQUIRE(n.f.fast(hvtest::fn::INTR_SETENABLED, sys.r[0], 1).status == hv::HV_EOK);
  std::vector<uint8_t> key = pattern(16, 1), data = pattern(4096, 2);
  n.f.write(kKey, key.data(), 16);
  n.f.write(kSrc, data.data(), data.size());
  n.entry(control(4096, cw::kOpEncrypt, cw::kAes128 | cw::kEcb, 0, 0, true, true, true) | cw::kInterrupt, kSrc, 0, 0,
          kKey, 0, kDst);
  REQUIRE(n.f.fast(SETTAIL, n.handle, n.tail).status == hv::HV_EOK);
  CHECK(n.f.vcpu().queue(hv::Q_DEV_MONDO).tail == 0);   // not done yet
  n.advance(uint64_t(200 + 20 + 4096 * 2.5));
  // The device clock runs what is due (as Hypervisor::run_device_events does between quanta).
  n.f.h->run_device_events(n.f.guest(), n.f.m->core_of(n.f.vcpu().strand).cycles);
  CHECK(n.f.vcpu().queue(hv::Q_DEV_MONDO).tail == 64);
  CHECK(n.f.ld64(kRa0 + 0x44000) == (hv::kNcsCwqDevhandle << 16 | 0));
  CHECK(n.status_of(0) == cw::kDone);
}

TEST_CASE("ncs: a unit's queues and the request in progress go into a snapshot", "[ncs][state]") {
  std::vector<uint8_t> key = pattern(16, 1), iv = pattern(16, 2), data = pattern(4096, 3);
  std::vector<uint8_t> bytes;
  uint64_t handle = 0, tail = 0;
  {
    Ncs n;
    n.f.write(kKey, key.data(), 16);
    n.f.write(kIv, iv.data(), 16);
    n.f.write(kSrc, data.data(), data.size());
    // The first half of an AES-CBC request, its end not yet submitted.
    n.entry(control(2048, cw::kOpEncrypt, cw::kAes128 | cw::kCbc, 0, 0, true, false, true), kSrc, 0, 0, kKey, kIv, kDst);
    n.submit();
    REQUIRE(n.f.guest().spu[0].chain.open);
    vfsim::state::StreamWriter w([&](const uint8_t* p, size_t k) { bytes.insert(bytes.end(), p, p + k); });
    n.f.m->save_state(w);
    n.f.h->save_state(w);
    w.finish();
    handle = n.handle;
    tail = n.tail;
  }
  // Another host bound the same way, its unit fresh: the snapshot brings back the queue, its
  // handle, and the request's CBC chain, and the request goes on.
  Ncs b;
  REQUIRE(b.f.fast(QCONF, 0, b.handle, 0).status == hv::HV_EOK);   // unconfigured here
  vfsim::state::StreamReader r(bytes.data(), bytes.size(), "snapshot");
  b.f.m->load_state(r);
  b.f.h->load_state(r);
  b.handle = handle;
  b.tail = tail;
  Result info = b.f.fast(QINFO, handle);
  REQUIRE(info.status == hv::HV_EOK);
  CHECK(info.r[1] == kQueue);
  CHECK(b.f.guest().spu[0].chain.open);
  b.entry(control(2048, 0, 0, 0, 0, false, true, false), kSrc + 2048, 0, 0, 0, 0, 0);
  b.submit();
  CHECK(b.f.bytes(kDst, 4096) == evp_cipher(EVP_aes_128_cbc(), key, iv, data, true));
  CHECK(b.status_of(0) == cw::kDone);
}

TEST_CASE("ncs: a guest's requests reach only its own memory; another guest's unit and memory are untouched",
          "[ncs]") {
  hv::GuestConfig a = guest_config("a", 8, {64ull << 20}), b = guest_config("b", 8, {64ull << 20});
  a.crypto_units = {0};
  b.crypto_units = {1};   // b's vCPUs are core 1's strands
  HvFixture f({a, b});
  f.negotiate(0, hv::GROUP_NCS, 2, 0);
  f.negotiate(1, hv::GROUP_NCS, 2, 0);
  Result qa = f.fast_on(0, 0, QCONF, hv::NCS_QTYPE_CWQ, kQueue, 64), qb = f.fast_on(1, 0, QCONF, hv::NCS_QTYPE_CWQ, kQueue, 64);
  REQUIRE(qa.status == hv::HV_EOK);
  REQUIRE(qb.status == hv::HV_EOK);
  CHECK(f.fast_on(0, 0, QINFO, qb.r[0]).status == hv::HV_EINVAL);   // b's handle means nothing to a
  std::vector<uint8_t> before = f.bytes(kRa0, 1 << 20, 1);
  // a's requests with sources, keys and destinations past its memory (b's physical memory
  // lies beyond a's): each a protocol error, nothing written.
  uint64_t past = kRa0 + (64ull << 20);
  uint64_t w[8] = {control(4096, cw::kOpEncrypt, cw::kAes128 | cw::kEcb, 0, 0, true, true, true), kSrc, 0, 0, 0,
                   kKey, 0, past};
  uint8_t raw[64];
  for (int i = 0; i < 64; ++i) raw[i] = uint8_t(w[i / 8] >> (56 - 8 * (i % 8)));
  f.write(kQueue, raw, 64, 0);
  w[1] = past + 0x1000;
  w[7] = kDst;
  for (int i = 0; i < 64; ++i) raw[i] = uint8_t(w[i / 8] >> (56 - 8 * (i % 8)));
  f.write(kQueue + 64, raw, 64, 0);
  REQUIRE(f.fast_on(0, 0, SETTAIL, qa.r[0], 128).status == hv::HV_EOK);
  f.m->core_of(f.vcpu(0, 0).strand).cycles += 1000000;
  CHECK(f.fast_on(0, 0, GETHEAD, qa.r[0]).r[0] == 128);
  for (uint64_t off : {0u, 64u}) {
    std::vector<uint8_t> st = f.bytes(kQueue + off, 8, 0);
    uint64_t cw0 = 0;
    for (uint8_t x : st) cw0 = cw0 << 8 | x;
    CHECK((cw0 & cw::kStatusMask) == cw::kProtocolError);
  }
  CHECK(f.bytes(kRa0, 1 << 20, 1) == before);
  CHECK(f.guest(1).spu[0].cwq.head == 0);
  CHECK(f.guest(1).spu[0].requests == 0);
}

#include <openssl/bn.h>

TEST_CASE("ncs: a MAU job through its queue: loads, a Montgomery multiply, a store, against OpenSSL", "[ncs][mau]") {
  Ncs n;
  Result mq = n.f.fast(QCONF, hv::NCS_QTYPE_MAU, kRa0 + 0x120000, 16);
  REQUIRE(mq.status == hv::HV_EOK);
  constexpr unsigned kWords = 4;   // 256-bit operands
  // N odd, A and B below N; memory holds each as kWords big-endian words, least significant first.
  auto words_of = [](const BIGNUM* x) {
    std::vector<uint8_t> be(kWords * 8);
    BN_bn2binpad(x, be.data(), int(be.size()));   // most significant byte first
    std::vector<uint8_t> out;
    for (int w = int(kWords) - 1; w >= 0; --w) out.insert(out.end(), be.begin() + w * 8, be.begin() + w * 8 + 8);
    return out;
  };
  BN_CTX* ctx = BN_CTX_new();
  BIGNUM *N = BN_new(), *A = BN_new(), *B = BN_new(), *R = BN_new(), *Rinv = BN_new(), *X = BN_new();
  BN_hex2bn(&N, "f3a1c2d4e5b6978812345678abcdef0123456789fedcba98765432100fedcba9");
  BN_hex2bn(&A, "1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef");
  BN_hex2bn(&B, "0fedcba987654321fedcba987654321fedcba987654321fedcba987654321fed");
  BN_one(R);
  BN_lshift(R, R, 64 * kWords);
  BN_mod_inverse(Rinv, R, N, ctx);
  BN_mod_mul(X, A, B, N, ctx);
  BN_mod_mul(X, X, Rinv, N, ctx);   // what the unit's Montgomery product gives
  uint64_t n0 = 0;
  std::vector<uint8_t> nw = words_of(N);
  for (int i = 0; i < 8; ++i) n0 = n0 << 8 | nw[size_t(i)];
  const uint64_t kA = kRa0 + 0x130000, kB = kA + 0x100, kN = kA + 0x200, kX = kA + 0x300;
  n.f.write(kA, words_of(A).data(), kWords * 8);
  n.f.write(kB, words_of(B).data(), kWords * 8);
  n.f.write(kN, nw.data(), kWords * 8);
  // MA memory: A at 0, B at 8, N at 16, scratch M at 24, X at 32 (words).
  auto desc = [&](uint64_t off, uint64_t type, uint64_t ctl, uint64_t mpa, uint64_t ma) {
    hv::NcsHvDesc d;
    d.state = hv::nd::kStatePending;
    d.type = type;
    d.regs = {ctl, mpa, ma, hv::mau_nprime(n0)};
    uint8_t raw[64];
    hv::ncs_desc_serialise(d, raw);
    n.f.write(kRa0 + 0x120000 + off, raw, 64);
  };
  using hv::MaOp;
  desc(0, hv::nd::kTypeStart, hv::ma_ctl::make(unsigned(MaOp::Load), kWords), kA, hv::ma_make(0));
  desc(64, hv::nd::kTypeCont, hv::ma_ctl::make(unsigned(MaOp::Load), kWords), kB, hv::ma_make(8));
  desc(128, hv::nd::kTypeCont, hv::ma_ctl::make(unsigned(MaOp::Load), kWords), kN, hv::ma_make(16));
  desc(192, hv::nd::kTypeCont, hv::ma_ctl::make(unsigned(MaOp::Multiply), kWords), 0, hv::ma_make(0, 8, 16, 24, 32));
  desc(256, hv::nd::kTypeCont | hv::nd::kTypeEnd, hv::ma_ctl::make(unsigned(MaOp::Store), kWords), kX, hv::ma_make(32));
  REQUIRE(n.f.fast(SETTAIL, mq.r[0], 320).status == hv::HV_EOK);
  CHECK(n.f.fast(GETHEAD, mq.r[0]).r[0] == 0);   // in modelled time
  n.advance(1000000);
  CHECK(n.f.fast(GETHEAD, mq.r[0]).r[0] == 320);
  CHECK(n.f.bytes(kX, kWords * 8) == words_of(X));
  for (uint64_t off = 0; off < 320; off += 64) {
    hv::NcsHvDesc d = hv::ncs_desc_parse(n.f.bytes(kRa0 + 0x120000 + off, 64).data());
    CHECK(d.state == hv::nd::kStateDone);
  }
  // A job whose second descriptor is malformed: it and the rest of the job end in ERROR unrun.
  desc(320, hv::nd::kTypeStart, hv::ma_ctl::make(unsigned(MaOp::Load), kWords), kA, hv::ma_make(0));
  desc(384, hv::nd::kTypeCont, hv::ma_ctl::make(31, kWords), 0, 0);
  desc(448, hv::nd::kTypeCont | hv::nd::kTypeEnd, hv::ma_ctl::make(unsigned(MaOp::Store), kWords), kX, hv::ma_make(0));
  std::vector<uint8_t> x_before = n.f.bytes(kX, kWords * 8);
  REQUIRE(n.f.fast(SETTAIL, mq.r[0], 512).status == hv::HV_EOK);
  n.advance(1000000);
  CHECK(n.f.fast(GETHEAD, mq.r[0]).r[0] == 512);
  CHECK(hv::ncs_desc_parse(n.f.bytes(kRa0 + 0x120000 + 320, 64).data()).state == hv::nd::kStateDone);
  CHECK(hv::ncs_desc_parse(n.f.bytes(kRa0 + 0x120000 + 384, 64).data()).state == hv::nd::kStateError);
  CHECK(hv::ncs_desc_parse(n.f.bytes(kRa0 + 0x120000 + 448, 64).data()).state == hv::nd::kStateError);
  CHECK(n.f.bytes(kX, kWords * 8) == x_before);   // the store never ran
  for (BIGNUM* b : {N, A, B, R, Rinv, X}) BN_free(b);
  BN_CTX_free(ctx);
}

TEST_CASE("ncs: NCS 1.0 runs MAU register images synchronously, the calling strand charged their time", "[ncs][mau]") {
  HvFixture f({[] {
    hv::GuestConfig c = guest_config("c", 8, {64ull << 20});
    c.crypto_units = {0};
    return c;
  }()});
  f.negotiate(0, hv::GROUP_NCS, 1, 0);
  auto put = [&](uint64_t ra, std::initializer_list<uint64_t> words) {
    std::vector<uint8_t> b;
    for (uint64_t w : words)
      for (int i = 0; i < 8; ++i) b.push_back(uint8_t(w >> (56 - 8 * i)));
    f.write(ra, b.data(), b.size());
  };
  put(kSrc, {0, kQueue, kQueue + 8 * 32, 8});
  REQUIRE(f.fast(REQUEST, 1, kSrc, 32).status == hv::HV_EOK);
  // 2 words each: N = 2^64 + 1... keep it small: N = 0xffffffffffffffc5 (odd, one word), A = 5, B = 7.
  const uint64_t kA = kRa0 + 0x130000, kX = kA + 0x100;
  put(kA, {5, 7, 0xffffffffffffffc5ull});
  using hv::MaOp;
  uint64_t np = hv::mau_nprime(0xffffffffffffffc5ull);
  put(kQueue, {hv::ma_ctl::make(unsigned(MaOp::Load), 3), kA, hv::ma_make(0), 0});
  put(kQueue + 32, {hv::ma_ctl::make(unsigned(MaOp::Multiply), 1), 0, hv::ma_make(0, 1, 2, 3, 4), np});
  put(kQueue + 64, {hv::ma_ctl::make(unsigned(MaOp::Store), 1), kX, hv::ma_make(4), 0});
  unsigned s = f.vcpu().strand;
  uint64_t ready = f.m->core_of(s).ready_at[s % 8];
  put(kSrc, {0, 3, 0});
  REQUIRE(f.fast(REQUEST, 2, kSrc, 24).status == hv::HV_EOK);
  CHECK(f.m->core_of(s).ready_at[s % 8] > ready);   // the strand waited for the unit
  // X = A * B * R^-1 mod N, R = 2^64: check X * R == 35 (mod N) with 128-bit arithmetic.
  std::vector<uint8_t> xb = f.bytes(kX, 8);
  uint64_t x = 0;
  for (uint8_t b : xb) x = x << 8 | b;
  unsigned __int128 n = 0xffffffffffffffc5ull, r = ((unsigned __int128)1 << 64) % n;
  CHECK(uint64_t((unsigned __int128)x * r % n) == 35);
  // A bad operation stops the queue there, with the error.
  put(kQueue + 96, {hv::ma_ctl::make(31, 1), 0, 0, 0});
  put(kSrc, {0, 4, 0});
  CHECK(f.fast(REQUEST, 2, kSrc, 24).status == hv::HV_EINVAL);
  CHECK(f.guest().spu[0].mau.tail == 3);
}
