/* The crypto workload's portable half (cryptosw.h). Every multi-byte value is assembled
 * from bytes, so the same code runs big-endian in the guest and little-endian on the host. */
#include "cryptosw.h"

#define CIPHER(n, fam, enc, key, blk, iv, sw) {n, fam, CK_CIPHER, enc, AUTH_NONE, key, blk, iv, 0, 0, sw}
#define DIGEST(n, fam, kind, auth, st, out, sw) {n, fam, kind, 0, auth, 0, 0, 0, st, out, sw}

const struct crypto_alg crypto_algs[CRYPTO_NALGS] = {
    CIPHER("aes-128-ecb", "aes", ENC_AES128 | CHAIN_ECB, 16, 16, 0, 1),
    CIPHER("aes-128-cbc", "aes", ENC_AES128 | CHAIN_CBC, 16, 16, 16, 1),
    CIPHER("aes-128-ctr", "aes", ENC_AES128 | CHAIN_CTR, 16, 1, 16, 1),
    CIPHER("aes-192-ecb", "aes", ENC_AES192 | CHAIN_ECB, 24, 16, 0, 1),
    CIPHER("aes-192-cbc", "aes", ENC_AES192 | CHAIN_CBC, 24, 16, 16, 1),
    CIPHER("aes-192-ctr", "aes", ENC_AES192 | CHAIN_CTR, 24, 1, 16, 1),
    CIPHER("aes-256-ecb", "aes", ENC_AES256 | CHAIN_ECB, 32, 16, 0, 1),
    CIPHER("aes-256-cbc", "aes", ENC_AES256 | CHAIN_CBC, 32, 16, 16, 1),
    CIPHER("aes-256-ctr", "aes", ENC_AES256 | CHAIN_CTR, 32, 1, 16, 1),
    CIPHER("des-ecb", "des", ENC_DES | CHAIN_ECB, 8, 8, 0, 0),
    CIPHER("des-cbc", "des", ENC_DES | CHAIN_CBC, 8, 8, 8, 0),
    CIPHER("des-ede3-ecb", "des", ENC_3DES | CHAIN_ECB, 24, 8, 0, 0),
    CIPHER("des-ede3-cbc", "des", ENC_3DES | CHAIN_CBC, 24, 8, 8, 0),
    CIPHER("rc4", "rc4", ENC_RC4_STREAM | CHAIN_ECB, 16, 1, 0, 1),
    DIGEST("md5", "md5", CK_HASH, AUTH_MD5, 16, 16, 0),
    DIGEST("sha1", "sha", CK_HASH, AUTH_SHA1, 20, 20, 0),
    DIGEST("sha256", "sha", CK_HASH, AUTH_SHA256, 32, 32, 1),
    DIGEST("sha224", "sha", CK_HASH, AUTH_SHA256, 32, 28, 1),
    DIGEST("hmac-md5", "hmac", CK_HMAC, AUTH_HMAC_MD5, 16, 16, 0),
    DIGEST("hmac-sha1", "hmac", CK_HMAC, AUTH_HMAC_SHA1, 20, 20, 0),
    DIGEST("hmac-sha256", "hmac", CK_HMAC, AUTH_HMAC_SHA256, 32, 32, 1),
    DIGEST("crc32", "crc32", CK_CRC, AUTH_CRC32, 4, 4, 1),
};

static int word_is(const char *w, size_t len, const char *s) {
  size_t i = 0;
  for (; i < len; i++)
    if (s[i] != w[i]) return 0;
  return s[i] == 0;
}

int crypto_alg_select(const char *s, size_t len, uint64_t *mask, size_t *bad_off, size_t *bad_len) {
  uint64_t m = 0;
  size_t at = 0;
  for (;;) {
    size_t end = at;
    while (end < len && s[end] != ',') end++;
    const char *w = s + at;
    size_t wl = end - at;
    uint64_t got = 0;
    for (unsigned i = 0; i < CRYPTO_NALGS; i++) {
      const struct crypto_alg *a = &crypto_algs[i];
      if (word_is(w, wl, "all") || word_is(w, wl, a->name) || word_is(w, wl, a->family) ||
          (word_is(w, wl, "cipher") && a->kind == CK_CIPHER) || (word_is(w, wl, "hash") && a->kind == CK_HASH))
        got |= 1ull << i;
    }
    if (word_is(w, wl, "all") || word_is(w, wl, "modexp")) got |= CRYPTO_MODEXP_BIT;
    if (!got) {
      *bad_off = at;
      *bad_len = wl;
      return -1;
    }
    m |= got;
    if (end == len) break;
    at = end + 1;
  }
  *mask = m;
  return 0;
}

uint64_t cwq_control(const struct crypto_alg *a, uint64_t first_len, unsigned hmac_key_len) {
  uint64_t w = (first_len - 1) & CWQ_LEN_MASK;
  if (a->kind == CK_CIPHER)
    return w | (uint64_t)CWQ_OP_ENCRYPT << CWQ_OPCODE_SHIFT | (uint64_t)a->enc_type << CWQ_ENC_TYPE_SHIFT |
           CWQ_ENCRYPT;
  w |= (uint64_t)(CWQ_OP_AUTH_MAC | CWQ_OP_INPLACE) << CWQ_OPCODE_SHIFT;
  w |= (uint64_t)a->auth_type << CWQ_AUTH_TYPE_SHIFT;
  w |= (uint64_t)(a->state_len - 1) << CWQ_HASH_LEN_SHIFT;
  if (hmac_key_len) w |= (uint64_t)((hmac_key_len - 1) & 0xff) << CWQ_HMAC_KEYLEN_SHIFT;
  return w;
}

static void put_be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}
static uint32_t get_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const uint32_t sha256_h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
static const uint32_t sha224_h0[8] = {0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939,
                                      0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4};

void crypto_hash_iv(const struct crypto_alg *a, uint8_t *out) {
  static const uint32_t md5_sha1[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
  const int sha224 = a->out_len == 28;
  for (unsigned i = 0; i < a->state_len / 4u; i++) {
    uint32_t v;
    switch (a->auth_type) {
      case AUTH_MD5: case AUTH_HMAC_MD5:   /* little-endian words */
        v = md5_sha1[i];
        out[4 * i] = (uint8_t)v, out[4 * i + 1] = (uint8_t)(v >> 8), out[4 * i + 2] = (uint8_t)(v >> 16);
        out[4 * i + 3] = (uint8_t)(v >> 24);
        continue;
      case AUTH_SHA1: case AUTH_HMAC_SHA1: v = md5_sha1[i]; break;
      case AUTH_SHA256: case AUTH_HMAC_SHA256: v = sha224 ? sha224_h0[i] : sha256_h0[i]; break;
      default: v = 0; break;   /* CRC-32: 0, zlib's crc32(0, ...) */
    }
    put_be32(out + 4 * i, v);
  }
}

/* ---- AES (FIPS-197): S-box from the field inverse, four T-tables ---- */
static uint8_t sbox[256];
static uint32_t te[4][256];
static int aes_ready;

static uint8_t rotl8(uint8_t x, unsigned n) { return (uint8_t)(x << n | x >> (8 - n)); }
static uint8_t xtime(uint8_t x) { return (uint8_t)(x << 1 ^ (x & 0x80 ? 0x1b : 0)); }

static void aes_tables(void) {
  /* p walks the powers of 3, q the powers of 3^-1: q = p^-1 */
  uint8_t p = 1, q = 1;
  do {
    p = (uint8_t)(p ^ xtime(p));
    q ^= (uint8_t)(q << 1);
    q ^= (uint8_t)(q << 2);
    q ^= (uint8_t)(q << 4);
    if (q & 0x80) q ^= 0x09;
    sbox[p] = (uint8_t)(q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4) ^ 0x63);
  } while (p != 1);
  sbox[0] = 0x63;
  for (unsigned i = 0; i < 256; i++) {
    uint8_t s = sbox[i], s2 = xtime(s);
    uint32_t t = (uint32_t)s2 << 24 | (uint32_t)s << 16 | (uint32_t)s << 8 | (uint8_t)(s2 ^ s);
    for (unsigned r = 0; r < 4; r++) {
      te[r][i] = t;
      t = t >> 8 | t << 24;
    }
  }
  aes_ready = 1;
}

static uint32_t sub_word(uint32_t w) {
  return (uint32_t)sbox[w >> 24] << 24 | (uint32_t)sbox[w >> 16 & 0xff] << 16 | (uint32_t)sbox[w >> 8 & 0xff] << 8 |
         sbox[w & 0xff];
}

void aes_setkey(struct aes_key *k, const uint8_t *key, unsigned len) {
  if (!aes_ready) aes_tables();
  const unsigned nk = len / 4, total = 4 * (nk + 7);
  uint8_t rcon = 1;
  k->rounds = nk + 6;
  for (unsigned i = 0; i < nk; i++) k->rk[i] = get_be32(key + 4 * i);
  for (unsigned i = nk; i < total; i++) {
    uint32_t t = k->rk[i - 1];
    if (i % nk == 0) {
      t = sub_word(t << 8 | t >> 24) ^ (uint32_t)rcon << 24;
      rcon = xtime(rcon);
    } else if (nk > 6 && i % nk == 4) {
      t = sub_word(t);
    }
    k->rk[i] = k->rk[i - nk] ^ t;
  }
}

void aes_encrypt_block(const struct aes_key *k, const uint8_t in[16], uint8_t out[16]) {
  const uint32_t *rk = k->rk;
  uint32_t s0 = get_be32(in) ^ rk[0], s1 = get_be32(in + 4) ^ rk[1], s2 = get_be32(in + 8) ^ rk[2],
           s3 = get_be32(in + 12) ^ rk[3];
  for (unsigned r = 1; r < k->rounds; r++) {
    rk += 4;
    uint32_t t0 = te[0][s0 >> 24] ^ te[1][s1 >> 16 & 0xff] ^ te[2][s2 >> 8 & 0xff] ^ te[3][s3 & 0xff] ^ rk[0];
    uint32_t t1 = te[0][s1 >> 24] ^ te[1][s2 >> 16 & 0xff] ^ te[2][s3 >> 8 & 0xff] ^ te[3][s0 & 0xff] ^ rk[1];
    uint32_t t2 = te[0][s2 >> 24] ^ te[1][s3 >> 16 & 0xff] ^ te[2][s0 >> 8 & 0xff] ^ te[3][s1 & 0xff] ^ rk[2];
    uint32_t t3 = te[0][s3 >> 24] ^ te[1][s0 >> 16 & 0xff] ^ te[2][s1 >> 8 & 0xff] ^ te[3][s2 & 0xff] ^ rk[3];
    s0 = t0, s1 = t1, s2 = t2, s3 = t3;
  }
  rk += 4;   /* last round: SubBytes, ShiftRows, AddRoundKey */
  const uint32_t s[4] = {s0, s1, s2, s3};
  for (unsigned c = 0; c < 4; c++) {
    uint32_t w = (uint32_t)sbox[s[c] >> 24] << 24 | (uint32_t)sbox[s[(c + 1) & 3] >> 16 & 0xff] << 16 |
                 (uint32_t)sbox[s[(c + 2) & 3] >> 8 & 0xff] << 8 | sbox[s[(c + 3) & 3] & 0xff];
    put_be32(out + 4 * c, w ^ rk[c]);
  }
}

void aes_encrypt(const struct aes_key *k, int chaining, uint8_t iv[16], const uint8_t *in, uint8_t *out,
                 uint64_t len) {
  uint8_t b[16];
  for (uint64_t off = 0; off < len; off += 16) {
    uint64_t n = len - off < 16 ? len - off : 16;
    if (chaining == CHAIN_ECB) {
      aes_encrypt_block(k, in + off, out + off);
    } else if (chaining == CHAIN_CBC) {
      for (unsigned i = 0; i < 16; i++) b[i] = in[off + i] ^ iv[i];
      aes_encrypt_block(k, b, iv);
      for (unsigned i = 0; i < 16; i++) out[off + i] = iv[i];
    } else {   /* CTR */
      aes_encrypt_block(k, iv, b);
      for (unsigned i = 0; i < n; i++) out[off + i] = in[off + i] ^ b[i];
      for (int i = 15; i >= 0 && ++iv[i] == 0; i--) {}
    }
  }
}

/* ---- SHA-256 / SHA-224 (FIPS 180-4) ---- */
static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t ror32(uint32_t x, unsigned n) { return x >> n | x << (32 - n); }

static void sha256_block(uint32_t h[8], const uint8_t *p) {
  uint32_t w[64];
  for (unsigned i = 0; i < 16; i++) w[i] = get_be32(p + 4 * i);
  for (unsigned i = 16; i < 64; i++) {
    uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ w[i - 15] >> 3;
    uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ w[i - 2] >> 10;
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (unsigned i = 0; i < 64; i++) {
    uint32_t t1 = hh + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
    uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
  }
  h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

void sha256_init(struct sha256 *s, int is224) {
  for (unsigned i = 0; i < 8; i++) s->h[i] = is224 ? sha224_h0[i] : sha256_h0[i];
  s->bytes = 0;
}

void sha256_update(struct sha256 *s, const void *data, uint64_t len) {
  const uint8_t *p = data;
  unsigned have = (unsigned)(s->bytes % 64);
  s->bytes += len;
  if (have) {
    while (len && have < 64) s->buf[have++] = *p++, len--;
    if (have < 64) return;
    sha256_block(s->h, s->buf);
  }
  for (; len >= 64; p += 64, len -= 64) sha256_block(s->h, p);
  for (unsigned i = 0; i < len; i++) s->buf[i] = p[i];
}

void sha256_final(struct sha256 *s, uint8_t out[32]) {
  uint64_t bits = s->bytes * 8;
  uint8_t pad[72] = {0x80};
  unsigned n = (unsigned)((s->bytes % 64 < 56 ? 56 : 120) - s->bytes % 64);
  for (unsigned i = 0; i < 8; i++) pad[n + i] = (uint8_t)(bits >> (56 - 8 * i));
  sha256_update(s, pad, n + 8);
  for (unsigned i = 0; i < 8; i++) put_be32(out + 4 * i, s->h[i]);
}

void hmac_sha256(const uint8_t *key, unsigned keylen, const void *data, uint64_t len, uint8_t out[32]) {
  uint8_t k[64] = {0}, pad[64];
  struct sha256 s;
  if (keylen > 64) {
    sha256_init(&s, 0);
    sha256_update(&s, key, keylen);
    sha256_final(&s, k);
  } else {
    for (unsigned i = 0; i < keylen; i++) k[i] = key[i];
  }
  for (unsigned i = 0; i < 64; i++) pad[i] = k[i] ^ 0x36;
  sha256_init(&s, 0);
  sha256_update(&s, pad, 64);
  sha256_update(&s, data, len);
  sha256_final(&s, out);
  for (unsigned i = 0; i < 64; i++) pad[i] = k[i] ^ 0x5c;
  sha256_init(&s, 0);
  sha256_update(&s, pad, 64);
  sha256_update(&s, out, 32);
  sha256_final(&s, out);
}

/* ---- RC4 ---- */
void rc4_schedule(uint8_t st[258], const uint8_t *key, unsigned keylen) {
  for (unsigned i = 0; i < 256; i++) st[i] = (uint8_t)i;
  for (unsigned i = 0, j = 0, k = 0; i < 256; i++) {
    uint8_t a = st[i];
    j = (j + key[k] + a) & 0xff;
    st[i] = st[j];
    st[j] = a;
    if (++k >= keylen) k = 0;
  }
  st[256] = st[257] = 0;
}

void rc4_crypt(uint8_t st[258], const uint8_t *in, uint8_t *out, uint64_t len) {
  unsigned x = st[256], y = st[257];
  for (uint64_t n = 0; n < len; n++) {
    x = (x + 1) & 0xff;
    uint8_t a = st[x];
    y = (y + a) & 0xff;
    st[x] = st[y];
    st[y] = a;
    out[n] = in[n] ^ st[(a + st[x]) & 0xff];
  }
  st[256] = (uint8_t)x;
  st[257] = (uint8_t)y;
}

/* ---- CRC-32 ---- */
static uint32_t crc_table[256];

uint32_t crc32_update(uint32_t crc, const void *data, uint64_t len) {
  if (!crc_table[1])
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (unsigned k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ c >> 1 : c >> 1;
      crc_table[i] = c;
    }
  const uint8_t *p = data;
  crc = ~crc;
  while (len--) crc = crc_table[(crc ^ *p++) & 0xff] ^ crc >> 8;
  return ~crc;
}

void crypto_software_init(void) {
  if (!aes_ready) aes_tables();
  crc32_update(0, "", 0);
}

int crypto_software(const struct crypto_alg *a, const uint8_t *data, uint64_t len, uint8_t *out) {
  uint8_t key[32], iv[16];
  for (unsigned i = 0; i < 32; i++) key[i] = crypto_key_byte(i);
  for (unsigned i = 0; i < 16; i++) iv[i] = crypto_iv_byte(i);
  if (!a->software) return -1;
  if (a->kind == CK_CIPHER && a->enc_type >> 2 == ENC_RC4_STREAM >> 2) {
    uint8_t st[258];
    rc4_schedule(st, key, a->key_len);
    rc4_crypt(st, data, out, len);
  } else if (a->kind == CK_CIPHER) {   /* AES */
    struct aes_key k;
    aes_setkey(&k, key, a->key_len);
    aes_encrypt(&k, a->enc_type & 3, iv, data, out, len);
  } else if (a->kind == CK_CRC) {
    put_be32(out, crc32_update(0, data, len));
  } else if (a->kind == CK_HMAC) {
    uint8_t hk[CRYPTO_HMAC_KEY_LEN];
    for (unsigned i = 0; i < CRYPTO_HMAC_KEY_LEN; i++) hk[i] = crypto_hmac_key_byte(i);
    hmac_sha256(hk, CRYPTO_HMAC_KEY_LEN, data, len, out);
  } else {
    struct sha256 s;
    sha256_init(&s, a->out_len == 28);
    sha256_update(&s, data, len);
    sha256_final(&s, out);
  }
  return 0;
}

/* ---- 1024-bit modular exponentiation ---- */
#define ML (2 * MODEXP_WORDS)   /* 32-bit limbs */

void modexp_from_bytes(const uint8_t in[128], uint64_t out[MODEXP_WORDS]) {
  for (unsigned w = 0; w < MODEXP_WORDS; w++) {
    uint64_t v = 0;
    for (unsigned k = 0; k < 8; k++) v = v << 8 | in[128 - 8 * (w + 1) + k];
    out[w] = v;
  }
}

void modexp_to_bytes(const uint64_t in[MODEXP_WORDS], uint8_t out[128]) {
  for (unsigned w = 0; w < MODEXP_WORDS; w++)
    for (unsigned k = 0; k < 8; k++) out[128 - 8 * (w + 1) + k] = (uint8_t)(in[w] >> (56 - 8 * k));
}

uint64_t mont_nprime64(uint64_t n0) {
  uint64_t inv = n0;   /* right to 3 bits for odd n0; each step doubles them */
  for (unsigned i = 0; i < 5; i++) inv *= 2 - n0 * inv;
  return (uint64_t)0 - inv;
}

/* x >= n over MODEXP_WORDS words */
static int geq64(const uint64_t *x, const uint64_t *n) {
  for (unsigned i = MODEXP_WORDS; i-- > 0;)
    if (x[i] != n[i]) return x[i] > n[i];
  return 1;
}

static void sub64(uint64_t *x, const uint64_t *n) {
  uint64_t borrow = 0;
  for (unsigned i = 0; i < MODEXP_WORDS; i++) {
    uint64_t a = x[i], d = a - n[i] - borrow;
    borrow = a < n[i] || (a == n[i] && borrow);
    x[i] = d;
  }
}

void mont_r2(const uint64_t n[MODEXP_WORDS], uint64_t r2[MODEXP_WORDS]) {
  for (unsigned i = 0; i < MODEXP_WORDS; i++) r2[i] = 0;
  r2[0] = 1;
  for (unsigned k = 0; k < 2 * 64 * MODEXP_WORDS; k++) {   /* x = 2x mod N, 2048 times: 2^2048 mod N */
    uint64_t carry = 0;
    for (unsigned i = 0; i < MODEXP_WORDS; i++) {
      uint64_t v = r2[i];
      r2[i] = v << 1 | carry;
      carry = v >> 63;
    }
    if (carry || geq64(r2, n)) sub64(r2, n);
  }
}

/* r = a b 2^-1024 mod n (CIOS), a, b < n */
static void mont32(uint32_t *r, const uint32_t *a, const uint32_t *b, const uint32_t *n, uint32_t np) {
  uint32_t t[ML + 2];
  for (unsigned i = 0; i < ML + 2; i++) t[i] = 0;
  for (unsigned i = 0; i < ML; i++) {
    uint64_t c = 0;
    for (unsigned j = 0; j < ML; j++) {
      c = (uint64_t)t[j] + (uint64_t)a[j] * b[i] + (c >> 32);
      t[j] = (uint32_t)c;
    }
    c = (uint64_t)t[ML] + (c >> 32);
    t[ML] = (uint32_t)c;
    t[ML + 1] = (uint32_t)(c >> 32);
    uint32_t m = t[0] * np;
    c = (uint64_t)t[0] + (uint64_t)m * n[0];
    for (unsigned j = 1; j < ML; j++) {
      c = (uint64_t)t[j] + (uint64_t)m * n[j] + (c >> 32);
      t[j - 1] = (uint32_t)c;
    }
    c = (uint64_t)t[ML] + (c >> 32);
    t[ML - 1] = (uint32_t)c;
    t[ML] = t[ML + 1] + (uint32_t)(c >> 32);
  }
  int ge = t[ML] != 0;
  if (!ge) {
    ge = 1;
    for (unsigned i = ML; i-- > 0;)
      if (t[i] != n[i]) {
        ge = t[i] > n[i];
        break;
      }
  }
  if (ge) {
    uint64_t borrow = 0;
    for (unsigned i = 0; i < ML; i++) {
      uint64_t d = (uint64_t)t[i] - n[i] - borrow;
      t[i] = (uint32_t)d;
      borrow = d >> 63;
    }
  }
  for (unsigned i = 0; i < ML; i++) r[i] = t[i];
}

static void to32(const uint64_t *w, uint32_t *l) {
  for (unsigned i = 0; i < MODEXP_WORDS; i++) l[2 * i] = (uint32_t)w[i], l[2 * i + 1] = (uint32_t)(w[i] >> 32);
}

void modexp_sw(const uint64_t n[MODEXP_WORDS], const uint64_t r2w[MODEXP_WORDS], const uint64_t base[MODEXP_WORDS],
               const uint64_t *e, unsigned ewords, uint64_t out[MODEXP_WORDS]) {
  uint32_t nl[ML], r2[ML], a[ML], x[ML], one[ML];
  to32(n, nl);
  to32(r2w, r2);
  to32(base, a);
  const uint32_t np = (uint32_t)mont_nprime64(n[0]);
  for (unsigned i = 0; i < ML; i++) one[i] = 0;
  one[0] = 1;
  mont32(a, a, r2, nl, np);   /* base R mod N */
  int top = -1;
  for (int i = (int)(64 * ewords) - 1; i >= 0 && top < 0; i--)
    if (e[i / 64] >> (i % 64) & 1) top = i;
  if (top < 0) {
    mont32(x, one, r2, nl, np);   /* R mod N: 1 in Montgomery form */
  } else {
    for (unsigned i = 0; i < ML; i++) x[i] = a[i];
    for (int i = top - 1; i >= 0; i--) {
      mont32(x, x, x, nl, np);
      if (e[i / 64] >> (i % 64) & 1) mont32(x, x, a, nl, np);
    }
  }
  mont32(x, x, one, nl, np);
  for (unsigned i = 0; i < MODEXP_WORDS; i++) out[i] = (uint64_t)x[2 * i + 1] << 32 | x[2 * i];
}
