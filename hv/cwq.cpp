// The CWQ's entries, executed (cwq.h). The ciphers and hashes are OpenSSL's: its low-level
// interfaces, because the unit works on explicit state (an IV, a counter, an RC4 S-box, a
// hash's initial value) that a request carries from entry to entry, and those interfaces
// expose exactly that state. They are deprecated in OpenSSL 3 but kept; the EVP layer hides
// the state and loads single DES and RC4 only from the legacy provider.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "hv/cwq.h"

#include <openssl/aes.h>
#include <openssl/des.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/md5.h>
#include <openssl/rc4.h>
#include <openssl/sha.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace vfsim::hv {

namespace {

uint64_t be64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | p[i];
  return v;
}
uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
uint32_t le32(const uint8_t* p) { return uint32_t(p[3]) << 24 | uint32_t(p[2]) << 16 | uint32_t(p[1]) << 8 | p[0]; }
void put_be32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (24 - 8 * i));
}

// OpenSSL's const_DES_cblock is not const (its const is commented out): one cast, here.
const_DES_cblock* des_block(const uint8_t* p) { return reinterpret_cast<const_DES_cblock*>(const_cast<uint8_t*>(p)); }

unsigned opcode_of(uint64_t control) { return unsigned(control >> cw::kOpcodeShift) & 0x7f; }
unsigned enc_of(uint64_t control) { return unsigned(control >> cw::kEncTypeShift) & 0xff; }
unsigned auth_of(uint64_t control) { return unsigned(control >> cw::kAuthTypeShift) & 0x1f; }
unsigned hash_len_of(uint64_t control) { return (unsigned(control >> cw::kHashLenShift) & 0xff) + 1; }

unsigned key_bytes(unsigned alg) {
  switch (alg) {
    case cw::kDes: return 8;
    case cw::k3Des: return 24;
    case cw::kAes128: return 16;
    case cw::kAes192: return 24;
    case cw::kAes256: return 32;
    default: return 258;   // RC4: S-box, x, y (the key schedule is the driver's, as in Linux)
  }
}
bool is_rc4(unsigned alg) { return alg == cw::kRc4Stream || alg == cw::kRc4NoStream; }
unsigned block_of(unsigned alg) { return alg == cw::kDes || alg == cw::k3Des ? 8 : 16; }

// The state a hash starts from (its IV), in the algorithm's digest byte order (the order
// the unit writes the result in), and its size.
unsigned state_bytes(unsigned auth) {
  switch (auth) {
    case cw::kMd5: case cw::kHmacMd5: return 16;
    case cw::kSha1: case cw::kHmacSha1: return 20;
    case cw::kSha256: case cw::kHmacSha256: return 32;
    case cw::kCrc32: return 4;
    default: return 0;
  }
}

// A block cipher's key schedule, made once per entry (not per block): DES, 3DES or AES in
// one direction.
struct BlockKey {
  unsigned alg;
  DES_key_schedule k1{}, k2{}, k3{};
  AES_KEY aes{};
  BlockKey(const CwqChain& c, unsigned a, bool enc) : alg(a) {
    if (alg == cw::kDes || alg == cw::k3Des) {
      DES_set_key_unchecked(des_block(c.key.data()), &k1);
      if (alg == cw::k3Des) {
        DES_set_key_unchecked(des_block(c.key.data() + 8), &k2);
        DES_set_key_unchecked(des_block(c.key.data() + 16), &k3);
      }
    } else if (enc) {
      AES_set_encrypt_key(c.key.data(), int(c.key.size() * 8), &aes);
    } else {
      AES_set_decrypt_key(c.key.data(), int(c.key.size() * 8), &aes);
    }
  }
  bool des() const { return alg == cw::kDes || alg == cw::k3Des; }
  // One block, in the direction the schedule was made for (DES: enc says which).
  void block(const uint8_t* in, uint8_t* out, bool enc) {
    if (alg == cw::kDes)
      DES_ecb_encrypt(des_block(in), reinterpret_cast<DES_cblock*>(out), &k1, enc ? DES_ENCRYPT : DES_DECRYPT);
    else if (alg == cw::k3Des)
      DES_ecb3_encrypt(des_block(in), reinterpret_cast<DES_cblock*>(out), &k1, &k2, &k3, enc ? DES_ENCRYPT : DES_DECRYPT);
    else
      AES_ecb_encrypt(in, out, &aes, enc ? AES_ENCRYPT : AES_DECRYPT);
  }
};

// ECB or CBC over whole blocks (len a multiple of the block), the IV carried in c.iv.
void block_cipher(CwqChain& c, unsigned alg, unsigned chain, bool enc, const uint8_t* in, uint8_t* out, size_t len) {
  BlockKey k(c, alg, enc);
  unsigned bs = block_of(alg);
  if (chain == cw::kEcb) {
    for (size_t off = 0; off < len; off += bs) k.block(in + off, out + off, enc);
  } else if (!k.des()) {
    AES_cbc_encrypt(in, out, len, &k.aes, c.iv.data(), enc ? AES_ENCRYPT : AES_DECRYPT);
  } else {
    DES_cblock iv;
    std::memcpy(iv, c.iv.data(), 8);
    if (alg == cw::kDes) DES_ncbc_encrypt(in, out, long(len), &k.k1, &iv, enc ? DES_ENCRYPT : DES_DECRYPT);
    else DES_ede3_cbc_encrypt(in, out, long(len), &k.k1, &k.k2, &k.k3, &iv, enc ? DES_ENCRYPT : DES_DECRYPT);
    std::memcpy(c.iv.data(), iv, 8);
  }
}

// CTR (the counter is the whole IV block, big-endian, +1 per block) and CFB (full-block
// feedback), byte by byte across entries: keystream position in c.ctr_used.
void stream_cipher(CwqChain& c, unsigned alg, unsigned chain, bool enc, const uint8_t* in, uint8_t* out, size_t len) {
  unsigned bs = block_of(alg);
  BlockKey k(c, alg, true);   // (CTR and CFB run the cipher forward only)
  for (size_t i = 0; i < len; ++i) {
    if (c.ctr_used == 0 || c.ctr_used == bs) {
      k.block(c.iv.data(), c.ctr_stream.data(), true);
      c.ctr_used = 0;
      if (chain == cw::kCtr)
        for (int b = int(bs) - 1; b >= 0 && ++c.iv[size_t(b)] == 0; --b) {
        }
    }
    uint8_t x = in[i];
    out[i] = x ^ c.ctr_stream[c.ctr_used];
    if (chain == cw::kCfb) c.iv[c.ctr_used] = enc ? out[i] : x;   // the ciphertext feeds back
    ++c.ctr_used;
  }
}

std::string hash_result(const CwqChain& c, unsigned auth, const uint8_t* iv, std::vector<uint8_t>& out) {
  const std::vector<uint8_t>& m = c.message;
  switch (auth) {
    case cw::kMd5: {
      MD5_CTX x;
      MD5_Init(&x);
      x.A = le32(iv), x.B = le32(iv + 4), x.C = le32(iv + 8), x.D = le32(iv + 12);
      MD5_Update(&x, m.data(), m.size());
      out.resize(16);
      MD5_Final(out.data(), &x);
      return "";
    }
    case cw::kSha1: {
      SHA_CTX x;
      SHA1_Init(&x);
      x.h0 = be32(iv), x.h1 = be32(iv + 4), x.h2 = be32(iv + 8), x.h3 = be32(iv + 12), x.h4 = be32(iv + 16);
      SHA1_Update(&x, m.data(), m.size());
      out.resize(20);
      SHA1_Final(out.data(), &x);
      return "";
    }
    case cw::kSha256: {   // (SHA-224 too: the driver gives SHA-224's initial value, and keeps 28 bytes)
      SHA256_CTX x;
      SHA256_Init(&x);
      for (int i = 0; i < 8; ++i) x.h[i] = be32(iv + 4 * i);
      SHA256_Update(&x, m.data(), m.size());
      out.resize(32);
      SHA256_Final(out.data(), &x);
      return "";
    }
    case cw::kCrc32: {
      uLong crc = crc32(be32(iv), m.data(), uInt(m.size()));
      out.resize(4);
      put_be32(out.data(), uint32_t(crc));
      return "";
    }
    default: return fmt::format("auth type {:#x} is not one the unit computes", auth);
  }
}

}  // namespace

CwqStep cwq_execute(CwqChain& c, uint64_t entry_ra, const CwqMemory& mem, const CwqTiming& t) {
  CwqStep s;
  uint8_t raw[kCwqEntryBytes];
  auto fail = [&](std::string why) {
    s.error = true;
    s.request_ended = true;
    s.why = std::move(why);
    s.status_ra = c.open ? c.first_ra : entry_ra;
    c = CwqChain();
    return s;
  };
  if (!mem.read(entry_ra, raw, sizeof raw)) return fail("the entry is not in the guest's memory");
  uint64_t w[8];
  for (int i = 0; i < 8; ++i) w[i] = be64(raw + 8 * i);
  bool sob = w[0] & cw::kStartOfBlock;
  if (sob) {
    if (c.open) {   // the previous request never ended: it fails, this one starts
      CwqChain fresh;
      c = fresh;
    }
    c.open = true;
    c.control = w[0];
    c.first_ra = entry_ra;
    c.auth_key = w[2];
    c.auth_iv = w[3];
    c.final_state = w[4];
    c.dest = c.hash_dest = w[7];
    s.cycles += uint64_t(t.request_cycles);
    unsigned op = opcode_of(c.control);
    if (op == cw::kOpEncrypt) {
      unsigned enc = enc_of(c.control), alg = enc & 0x1c, chain = enc & 3;
      if (alg == 0x1c) return fail("reserved cipher algorithm 0x1c");
      if (auth_of(c.control)) return fail("encrypt with an auth type: the combined operation is not modelled");
      if (is_rc4(alg) && chain != cw::kEcb) return fail("RC4 takes no chaining mode");
      c.key.resize(key_bytes(alg));
      c.key_ra = w[5];
      if (!mem.read(w[5], c.key.data(), c.key.size())) return fail("the cipher key is not in the guest's memory");
      if (!is_rc4(alg) && chain != cw::kEcb && !mem.read(w[6], c.iv.data(), block_of(alg)))
        return fail("the cipher IV is not in the guest's memory");
    } else if (op == cw::kOpAuthMac) {
      unsigned auth = auth_of(c.control), need = state_bytes(auth);
      if (!need) return fail(fmt::format("auth type {:#x} is not one the unit computes", auth));
      if (hash_len_of(c.control) != need)
        return fail(fmt::format("hash length {} for auth type {:#x}, which has {}", hash_len_of(c.control), auth, need));
      if (auth >= cw::kHmacMd5 && ((c.control >> cw::kHmacKeyLenShift) & 0xff) + 1 > 32)
        return fail("an HMAC key longer than 32 bytes");
    } else if (op != cw::kOpCopy) {
      return fail(fmt::format("opcode {:#x} is not modelled", op));
    }
  } else if (!c.open) {
    return fail("an extension entry outside a request (no START_OF_BLOCK before it)");
  }
  uint64_t len = (w[0] & cw::kLenMask) + 1, src = w[1];
  bool eob = w[0] & cw::kEndOfBlock;
  s.status_ra = c.first_ra;
  s.interrupt = c.control & cw::kInterrupt;
  unsigned op = opcode_of(c.control);
  bool in_place = (c.control >> cw::kOpcodeShift) & cw::kOpInPlace;
  std::vector<uint8_t> data(len);
  if (!mem.read(src, data.data(), len)) return fail("the source is not in the guest's memory");
  s.cycles += uint64_t(t.entry_cycles);
  c.bytes += len;
  if (op == cw::kOpCopy) {
    if (!mem.write(c.dest, data.data(), len)) return fail("the destination is not in the guest's memory");
    c.dest += len;
    s.cycles += uint64_t(double(len) * t.copy_cpb);
  } else if (op == cw::kOpEncrypt) {
    unsigned enc = enc_of(c.control), alg = enc & 0x1c, chain = enc & 3;
    bool encrypt = c.control & cw::kEncrypt;
    std::vector<uint8_t> out;
    if (is_rc4(alg)) {
      RC4_KEY k;
      for (int i = 0; i < 256; ++i) k.data[i] = c.key[size_t(i)];
      k.x = c.key[256];
      k.y = c.key[257];
      out.resize(len);
      RC4(&k, len, data.data(), out.data());
      for (int i = 0; i < 256; ++i) c.key[size_t(i)] = uint8_t(k.data[i]);
      c.key[256] = uint8_t(k.x);
      c.key[257] = uint8_t(k.y);
    } else if (chain == cw::kCtr || chain == cw::kCfb) {
      out.resize(len);
      stream_cipher(c, alg, chain, encrypt, data.data(), out.data(), len);
    } else {   // whole blocks now; a block split over two entries waits in carry
      unsigned bs = block_of(alg);
      c.carry.insert(c.carry.end(), data.begin(), data.end());
      size_t whole = c.carry.size() / bs * bs;
      out.resize(whole);
      block_cipher(c, alg, chain, encrypt, c.carry.data(), out.data(), whole);
      c.carry.erase(c.carry.begin(), c.carry.begin() + long(whole));
      if (eob && !c.carry.empty())
        return fail(fmt::format("{} bytes are not a whole number of {}-byte blocks", c.bytes, bs));
    }
    uint64_t at = in_place ? src : c.dest;
    if (!out.empty() && !mem.write(at, out.data(), out.size())) return fail("the destination is not in the guest's memory");
    if (!in_place) c.dest += out.size();
    double cpb = alg == cw::kAes128 ? t.aes128_cpb : alg == cw::kAes192 ? t.aes192_cpb : alg == cw::kAes256 ? t.aes256_cpb
                 : alg == cw::kDes ? t.des_cpb : alg == cw::k3Des ? t.des3_cpb : t.rc4_cpb;
    s.cycles += uint64_t(double(len) * cpb);
  } else {   // kOpAuthMac: gathered, then computed at the end
    if (c.message.size() + len > kCwqMaxMessage)
      return fail(fmt::format("a hash request of more than {} bytes", kCwqMaxMessage));
    c.message.insert(c.message.end(), data.begin(), data.end());
    unsigned auth = auth_of(c.control);
    double cpb = auth == cw::kMd5 || auth == cw::kHmacMd5 ? t.md5_cpb
                 : auth == cw::kSha1 || auth == cw::kHmacSha1 ? t.sha1_cpb
                 : auth == cw::kCrc32 ? t.crc32_cpb : t.sha256_cpb;
    s.cycles += uint64_t(double(len) * cpb);
  }
  if (!eob) return s;
  // The end of the request: hashes are computed and stored now.
  if (op == cw::kOpAuthMac) {
    unsigned auth = auth_of(c.control), n = state_bytes(auth);
    std::vector<uint8_t> out;
    if (auth >= cw::kHmacMd5) {
      unsigned klen = unsigned((c.control >> cw::kHmacKeyLenShift) & 0xff) + 1;
      std::vector<uint8_t> key(klen);
      if (!mem.read(c.auth_key, key.data(), klen)) return fail("the HMAC key is not in the guest's memory");
      const EVP_MD* md = auth == cw::kHmacMd5 ? EVP_md5() : auth == cw::kHmacSha1 ? EVP_sha1() : EVP_sha256();
      out.resize(EVP_MAX_MD_SIZE);
      unsigned outlen = 0;
      HMAC(md, key.data(), int(klen), c.message.data(), c.message.size(), out.data(), &outlen);
      out.resize(outlen);
      s.cycles += uint64_t(t.hmac_extra_cycles);
    } else {
      std::vector<uint8_t> iv(n);
      if (!mem.read(c.auth_iv, iv.data(), n)) return fail("the hash's initial value is not in the guest's memory");
      if (std::string why = hash_result(c, auth, iv.data(), out); !why.empty()) return fail(why);
    }
    if (!mem.write(c.hash_dest, out.data(), out.size())) return fail("the destination is not in the guest's memory");
    if ((c.control & cw::kStoreFinalAuthState) && c.final_state && !mem.write(c.final_state, out.data(), out.size()))
      return fail("the final auth state address is not in the guest's memory");
  }
  // RC4 in stream mode: the S-box, x and y go back where they came from, so the next request
  // continues the stream (no-stream mode leaves them as they were).
  if (op == cw::kOpEncrypt && (enc_of(c.control) & 0x1c) == cw::kRc4Stream && !mem.write(c.key_ra, c.key.data(), c.key.size()))
    return fail("the RC4 state is not in the guest's memory");
  s.request_ended = true;
  c = CwqChain();
  return s;
}

}  // namespace vfsim::hv
