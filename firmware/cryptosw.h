/* The crypto workload's portable half (no hypercalls, host-tested): the algorithms the CWQ
 * offers and how their control words are built (bit layout of Linux's
 * drivers/crypto/n2_core.h), the workload's fixed inputs, and the software the runtime
 * checks the unit against: AES (128/192/256, ECB/CBC/CTR encryption), SHA-256/SHA-224,
 * HMAC-SHA256, RC4 and CRC-32. */
#ifndef FW_CRYPTOSW_H
#define FW_CRYPTOSW_H

#include <stddef.h>
#include <stdint.h>

/* ---- CWQ control word (64-bit, first word of a 64-byte queue entry) ---- */
#define CWQ_LEN_MASK        0xffffull                 /* len - 1, 15:0 */
#define CWQ_HMAC_KEYLEN_SHIFT 16                      /* HMAC key len - 1, 23:16 */
#define CWQ_ENC_TYPE_SHIFT  24                        /* 31:24 */
#define CWQ_AUTH_TYPE_SHIFT 32                        /* 36:32 */
#define CWQ_STRAND_SHIFT    37                        /* 39:37 */
#define CWQ_HASH_LEN_SHIFT  40                        /* hash len - 1, 47:40 */
#define CWQ_INTERRUPT       (1ull << 48)
#define CWQ_STORE_FINAL_AUTH_STATE (1ull << 49)
#define CWQ_STATUS_DONE     (1ull << 50)              /* written back by the hypervisor */
#define CWQ_STATUS_PROTOCOL_ERROR (1ull << 51)
#define CWQ_STATUS_HW_ERROR (1ull << 52)
#define CWQ_STATUS_MASK     (7ull << 50)
#define CWQ_END_OF_BLOCK    (1ull << 53)
#define CWQ_START_OF_BLOCK  (1ull << 54)
#define CWQ_ENCRYPT         (1ull << 55)
#define CWQ_OPCODE_SHIFT    56
#define CWQ_ENTRY_SIZE      64
#define CWQ_MAX_ENTRY_LEN   65536                     /* bytes one entry covers */

enum { CWQ_OP_COPY = 0x20, CWQ_OP_ENCRYPT = 0x40, CWQ_OP_AUTH_MAC = 0x41, CWQ_OP_INPLACE = 0x80 };
/* enc type = algorithm | chaining */
enum { ENC_RC4_STREAM = 0x00, ENC_RC4_NOSTREAM = 0x04, ENC_DES = 0x08, ENC_3DES = 0x0c, ENC_AES128 = 0x10,
       ENC_AES192 = 0x14, ENC_AES256 = 0x18 };
enum { CHAIN_ECB = 0, CHAIN_CBC = 1, CHAIN_CFB = 2, CHAIN_CTR = 3 };
enum { AUTH_NONE = 0, AUTH_MD5 = 1, AUTH_SHA1 = 2, AUTH_SHA256 = 3, AUTH_CRC32 = 4, AUTH_HMAC_MD5 = 5,
       AUTH_HMAC_SHA1 = 6, AUTH_HMAC_SHA256 = 7 };

/* ---- the algorithms the workload runs ---- */
enum crypto_kind { CK_CIPHER, CK_HASH, CK_HMAC, CK_CRC };
struct crypto_alg {
  const char *name;     /* as OpenSSL names it (des-ede3-cbc = 3DES), printed in the result lines */
  const char *family;   /* aes, des, rc4, md5, sha, hmac, crc32: what alg= groups */
  uint8_t kind;         /* enum crypto_kind */
  uint8_t enc_type;     /* ciphers: ENC_* | CHAIN_* */
  uint8_t auth_type;    /* hashes: AUTH_* */
  uint8_t key_len;      /* ciphers: key bytes (RC4: the key its 258-byte state is scheduled from) */
  uint8_t block;        /* ciphers: lengths must be a multiple of this (1: any) */
  uint8_t iv_len;       /* ciphers: IV bytes (0: none) */
  uint8_t state_len;    /* hashes: the state the unit writes (hash len field + 1) */
  uint8_t out_len;      /* hashes: bytes of it that are the result (SHA-224: 28 of 32) */
  uint8_t software;     /* the runtime also computes it in software (match / MISMATCH) */
};
#define CRYPTO_NALGS 22
extern const struct crypto_alg crypto_algs[CRYPTO_NALGS];
/* bit CRYPTO_NALGS of an alg= mask: the MAU's 1024-bit modular exponentiations ("modexp") */
#define CRYPTO_MODEXP_BIT (1ull << CRYPTO_NALGS)
#define CRYPTO_ALL_ALGS ((1ull << (CRYPTO_NALGS + 1)) - 1)

/* alg= words: a comma-separated list of "all", "cipher", "hash" (md5, sha1, sha256,
 * sha224), a family (aes, des, rc4, md5, sha, hmac, crc32), an algorithm's name or
 * "modexp" (CRYPTO_MODEXP_BIT; "all" includes it); the
 * union goes to *mask (bit i = crypto_algs[i]). 0, or -1 at the first unknown word, whose
 * offset and length go to *bad_off and *bad_len. */
int crypto_alg_select(const char *s, size_t len, uint64_t *mask, size_t *bad_off, size_t *bad_len);

/* The control word of a request's initial entry covering first_len bytes, without
 * START/END_OF_BLOCK: ciphers ENCRYPT (0x40) with the ENCRYPT bit; hashes AUTH_MAC in
 * place (0xc1), hash len = state_len, and for HMAC the key length. */
uint64_t cwq_control(const struct crypto_alg *a, uint64_t first_len, unsigned hmac_key_len);

/* ---- the workload's inputs: tests/hv/crypto.sh makes the same ---- */
#define CRYPTO_HMAC_KEY_LEN 20
static inline uint8_t crypto_data_byte(uint64_t i) { return (uint8_t)((i * 0x9d) ^ (i >> 8) ^ 0x5a); }
static inline uint8_t crypto_key_byte(unsigned i) { return (uint8_t)(0x01 + i * 0x13); }
static inline uint8_t crypto_iv_byte(unsigned i) { return (uint8_t)(0xa0 + i); }
static inline uint8_t crypto_hmac_key_byte(unsigned i) { return (uint8_t)(0x30 + i); }

/* The unit's initial hash state for a (hash or HMAC) algorithm: the standard initial values,
 * MD5's as little-endian words (its digest's byte order), SHA's big-endian; state_len bytes. */
void crypto_hash_iv(const struct crypto_alg *a, uint8_t *out);

/* ---- software ---- */
/* Builds the tables (AES S-box and T-tables, CRC-32) now rather than at first use, so a
 * timed first run does not pay for them. */
void crypto_software_init(void);
struct aes_key { uint32_t rk[60]; unsigned rounds; };
void aes_setkey(struct aes_key *k, const uint8_t *key, unsigned len);   /* len 16, 24 or 32 */
void aes_encrypt_block(const struct aes_key *k, const uint8_t in[16], uint8_t out[16]);
/* ECB, CBC (iv updated) or CTR (iv = the 128-bit big-endian counter, updated) encryption;
 * ECB and CBC need whole blocks */
void aes_encrypt(const struct aes_key *k, int chaining, uint8_t iv[16], const uint8_t *in, uint8_t *out,
                 uint64_t len);

struct sha256 { uint32_t h[8]; uint64_t bytes; uint8_t buf[64]; };
void sha256_init(struct sha256 *s, int is224);
void sha256_update(struct sha256 *s, const void *data, uint64_t len);
void sha256_final(struct sha256 *s, uint8_t out[32]);   /* SHA-224: the first 28 bytes */
void hmac_sha256(const uint8_t *key, unsigned keylen, const void *data, uint64_t len, uint8_t out[32]);

/* RC4 as Linux's n2_core hands it to the unit: S[256], then x and y (both 0) */
void rc4_schedule(uint8_t state[258], const uint8_t *key, unsigned keylen);
void rc4_crypt(uint8_t state[258], const uint8_t *in, uint8_t *out, uint64_t len);

/* CRC-32 of IEEE 802.3 / zlib: crc32(0, data) is zlib's crc32(data) */
uint32_t crc32_update(uint32_t crc, const void *data, uint64_t len);

/* The software result of algorithm a over data (key, IV and HMAC key from the patterns
 * above): ciphers write len bytes, hashes out_len bytes (CRC-32 big-endian). 0, or -1 when
 * the runtime has no software for a. */
int crypto_software(const struct crypto_alg *a, const uint8_t *data, uint64_t len, uint8_t *out);

/* ---- 1024-bit modular exponentiation (the MAU's check) ----
 * Numbers of MODEXP_WORDS 64-bit words, least significant word first (the MAU's operand
 * order). The fixed inputs, as big-endian byte strings of 128 bytes (byte 0 most
 * significant; tests/hv/crypto_check.py makes the same):
 *   N byte i    = (0xb7 + 0x3d i ^ i >> 2) & 0xff, byte 0 | 0x80, byte 127 | 1 (odd, 1024 bits)
 *   base byte i = (0x42 + 0x65 i) & 0xff, byte 0 & 0x3f (below N)
 *   long exponent byte i = (0xd9 + 0x27 i) & 0xff, byte 0 | 0x80 (1024 bits); the short one 65537 */
#define MODEXP_WORDS 16
static inline uint8_t modexp_n_byte(unsigned i) {
  uint8_t b = (uint8_t)((0xb7 + 0x3d * i) ^ (i >> 2));
  return i == 0 ? (uint8_t)(b | 0x80) : i == 127 ? (uint8_t)(b | 1) : b;
}
static inline uint8_t modexp_base_byte(unsigned i) {
  uint8_t b = (uint8_t)(0x42 + 0x65 * i);
  return i == 0 ? (uint8_t)(b & 0x3f) : b;
}
static inline uint8_t modexp_exp_byte(unsigned i) {
  uint8_t b = (uint8_t)(0xd9 + 0x27 * i);
  return i == 0 ? (uint8_t)(b | 0x80) : b;
}
/* 128 big-endian bytes <-> words */
void modexp_from_bytes(const uint8_t in[128], uint64_t out[MODEXP_WORDS]);
void modexp_to_bytes(const uint64_t in[MODEXP_WORDS], uint8_t out[128]);
/* -n0^-1 mod 2^64 (n0 odd): the MAU's NP */
uint64_t mont_nprime64(uint64_t n0);
/* R^2 mod N, R = 2^1024, N odd with its top word nonzero */
void mont_r2(const uint64_t n[MODEXP_WORDS], uint64_t r2[MODEXP_WORDS]);
/* base^e mod N in software (Montgomery with 32-bit limbs, left to right binary), r2 =
 * mont_r2(n) (a per-modulus constant, as OpenSSL's BN_MONT_CTX keeps it); e has ewords
 * words (least significant first), base < N; e == 0 gives 1 */
void modexp_sw(const uint64_t n[MODEXP_WORDS], const uint64_t r2[MODEXP_WORDS], const uint64_t base[MODEXP_WORDS],
               const uint64_t *e, unsigned ewords, uint64_t out[MODEXP_WORDS]);

#endif
