/* The crypto workload: the boot vCPU runs every chosen algorithm over buffers of the chosen
 * sizes through its core's CWQ, prints a checksum of each result (for tests/hv/crypto.sh
 * to compare with OpenSSL) and the unit's MB/s in simulated time; where the runtime has
 * the algorithm in software (cryptosw.c) it runs that too on the same strand, prints its
 * MB/s and whether the two agree. */
#include "alloc.h"
#include "bootargs.h"
#include "console.h"
#include "cpuops.h"
#include "crypto.h"
#include "format.h"
#include "hcall.h"
#include "md.h"
#include "percpu.h"

/* "512.30": bytes per second of simulated time in MB (10^6 bytes), two decimals */
static size_t put_rate(char *b, size_t n, uint64_t bytes, uint64_t ticks, uint64_t hz) {
  if (!ticks) ticks = 1;
  uint64_t centi = bytes * 100 * hz / ticks / 1000000;
  return fmt_format(b, n, "%lu.%02lu MB/s", centi / 100, centi % 100);
}

static size_t put_hex(char *b, size_t n, const uint8_t *p, uint64_t len) {
  size_t at = 0;
  for (uint64_t i = 0; i < len && at + 3 <= n; i++) at += fmt_format(b + at, n - at, "%02x", p[i]);
  return at;
}

/* "0-7" or "0,2,5" */
static size_t put_cpus(char *b, size_t n, const struct md_crypto *u) {
  int contiguous = 1;
  for (unsigned i = 1; i < u->ncpus; i++) contiguous &= u->cpu[i] == u->cpu[i - 1] + 1;
  if (u->ncpus > 1 && contiguous) return fmt_format(b, n, "%u-%u", u->cpu[0], u->cpu[u->ncpus - 1]);
  size_t at = 0;
  for (unsigned i = 0; i < u->ncpus; i++) at += fmt_format(b + at, n - at, "%s%u", i ? "," : "", u->cpu[i]);
  return at;
}

static const char *status_word(uint64_t control) {
  if (control & CWQ_STATUS_HW_ERROR) return "HW_ERROR";
  if (control & CWQ_STATUS_PROTOCOL_ERROR) return "PROTOCOL_ERROR";
  return "not DONE";
}

struct bufs {
  uint8_t *src, *dst, *sw;                    /* CRYPTO_MAX_SIZE each */
  uint8_t *key, *iv, *rc4, *auth_iv, *hmac_key, *digest;   /* 64-byte aligned, in one page */
};

struct tally { uint64_t results, checked, mismatches, errors, skipped; };

/* the result: ciphers "crc32 C head H" (CRC-32 of the whole output, its first 16 bytes),
 * hashes "digest D" */
static size_t put_result(char *b, size_t n, const struct crypto_alg *a, const uint8_t *out, uint64_t len) {
  size_t at;
  if (a->kind == CK_CIPHER) {
    at = fmt_format(b, n, "crc32 %08x head ", crc32_update(0, out, len));
    return at + put_hex(b + at, n - at, out, len < 16 ? len : 16);
  }
  at = fmt_format(b, n, "digest ");
  return at + put_hex(b + at, n - at, out, a->out_len);
}

/* the software of a over len bytes into b->sw; its %stick ticks */
static uint64_t software(const struct crypto_alg *a, uint64_t len, const struct bufs *b) {
  for (uint64_t i = 0; i < len + 32; i++) b->sw[i] = 0;
  uint64_t t0 = rd_stick();
  crypto_software(a, b->src, len, b->sw);
  return rd_stick() - t0;
}

/* one algorithm over one size: the unit, then (where it exists) the software; q NULL:
 * the software alone (unit=off) */
static void run_one(struct cwq *q, const struct crypto_alg *a, uint64_t len, const struct workload *w,
                    const struct bufs *b, uint64_t hz, struct tally *t) {
  char line[256];
  size_t at = fmt_format(line, sizeof line, "crypto: %s %lu B: ", a->name, len);
  if (!q && !a->software) return;
  if (a->kind == CK_CIPHER && len % a->block) {
    printf("%sskipped (not a multiple of the %u-byte block)\n", line, a->block);
    t->skipped++;
    return;
  }
  if (!q) {
    uint64_t sw_ticks = software(a, len, b);
    at += put_result(line + at, sizeof line - at, a, b->sw, len);
    at += fmt_format(line + at, sizeof line - at, ", software ");
    put_rate(line + at, sizeof line - at, len, sw_ticks, hz);
    printf("%s\n", line);
    t->results++;
    return;
  }
  /* fresh inputs every time: nothing a previous request left (or the unit wrote back) counts */
  for (unsigned i = 0; i < 32; i++) b->key[i] = crypto_key_byte(i);
  for (unsigned i = 0; i < 16; i++) b->iv[i] = crypto_iv_byte(i);
  for (unsigned i = 0; i < CRYPTO_HMAC_KEY_LEN; i++) b->hmac_key[i] = crypto_hmac_key_byte(i);
  for (uint64_t i = 0; i < len; i++) b->dst[i] = 0;
  for (unsigned i = 0; i < 64; i++) b->digest[i] = 0;
  struct cwq_addrs ad = {0, 0, 0, 0, 0, 0};
  unsigned hmac_key_len = 0;
  if (a->kind == CK_CIPHER) {
    if (a->enc_type >> 2 == ENC_RC4_STREAM >> 2) {   /* the unit takes the scheduled state, as Linux hands it */
      rc4_schedule(b->rc4, b->key, a->key_len);
      ad.cipher_key = b->rc4;
    } else {
      ad.cipher_key = b->key;
    }
    ad.cipher_iv = a->iv_len ? b->iv : 0;
    ad.dest = b->dst;
  } else {
    crypto_hash_iv(a, b->auth_iv);
    ad.auth_iv = b->auth_iv;
    ad.dest = b->digest;
    if (a->kind == CK_HMAC) {
      ad.auth_key = b->hmac_key;
      hmac_key_len = CRYPTO_HMAC_KEY_LEN;
    }
  }

  uint64_t control = 0, t0 = rd_stick();
  int rc = cwq_run(q, cwq_control(a, len, hmac_key_len), b->src, len, w->entry, &ad, &control);
  uint64_t unit_ticks = rd_stick() - t0;
  if (rc == CWQ_E_HV) die(1, "crypto: %s %lu B: %s failed: %s (%lu)", a->name, len, q->what, hv_strerror(q->status),
                          q->status);
  if (rc == CWQ_E_TIMEOUT)
    die(1, "crypto: %s %lu B: the unit did not finish in %lu ticks (head 0x%lx, tail 0x%lx)", a->name, len,
        q->timeout, q->head, q->tail);
  t->results++;
  if (rc == CWQ_E_STATUS) {
    printf("%sunit error: %s (control 0x%016lx)\n", line, status_word(control), control);
    t->errors++;
    return;
  }

  const uint8_t *out = a->kind == CK_CIPHER ? b->dst : b->digest;
  const uint64_t out_len = a->kind == CK_CIPHER ? len : a->out_len;
  at += put_result(line + at, sizeof line - at, a, out, len);
  at += fmt_format(line + at, sizeof line - at, ", unit ");
  at += put_rate(line + at, sizeof line - at, len, unit_ticks, hz);
  if (a->software) {
    uint64_t sw_ticks = software(a, len, b);
    int same = 1;
    for (uint64_t i = 0; i < out_len; i++) same &= out[i] == b->sw[i];
    uint64_t x10 = sw_ticks * 10 / (unit_ticks ? unit_ticks : 1);
    at += fmt_format(line + at, sizeof line - at, ", software ");
    at += put_rate(line + at, sizeof line - at, len, sw_ticks, hz);
    fmt_format(line + at, sizeof line - at, " (%lu.%lux) %s", x10 / 10, x10 % 10, same ? "match" : "MISMATCH");
    t->checked++;
    t->mismatches += !same;
  }
  printf("%s\n", line);
}

/* buffers for a run; src holds the data pattern */
static void buffers(struct bufs *b) {
  b->src = alloc(CRYPTO_MAX_SIZE, 64);
  b->dst = alloc(CRYPTO_MAX_SIZE, 64);
  b->sw = alloc(CRYPTO_MAX_SIZE + 64, 64);
  uint8_t *small = alloc_zero(ALLOC_PAGE, 64);
  if (!b->src || !b->dst || !b->sw || !small) die(3, "crypto: no memory for the buffers");
  b->key = small, b->iv = small + 64, b->auth_iv = small + 128, b->hmac_key = small + 192, b->digest = small + 256;
  b->rc4 = small + 512;   /* 258 bytes */
  for (uint64_t i = 0; i < CRYPTO_MAX_SIZE; i++) b->src[i] = crypto_data_byte(i);
  crypto_software_init();
}

/* Before anything is timed: one COPY request of 64 bytes (opcode 0x20, src to dest), so the
 * first timed request does not pay for the driver's first run (cold caches and TLB) */
static void warm_up(struct cwq *q, const struct bufs *b) {
  struct cwq_addrs ad = {0, 0, 0, 0, 0, b->dst};
  uint64_t control = 0;
  for (unsigned i = 0; i < 64; i++) b->dst[i] = 0;
  int rc = cwq_run(q, (uint64_t)CWQ_OP_COPY << CWQ_OPCODE_SHIFT, b->src, 64, 64, &ad, &control);
  if (rc == CWQ_E_HV) die(1, "crypto: copy: %s failed: %s (%lu)", q->what, hv_strerror(q->status), q->status);
  if (rc == CWQ_E_TIMEOUT) die(1, "crypto: copy: the unit did not finish");
  int same = 1;
  for (unsigned i = 0; i < 64; i++) same &= b->dst[i] == b->src[i];
  printf("crypto: copy 64 B: %s%s (control 0x%016lx)\n", rc == CWQ_OK ? "DONE" : status_word(control),
         rc != CWQ_OK || same ? "" : ", MISMATCH", control);
  if (rc != CWQ_OK || !same) die(1, "crypto: the unit's COPY failed");
}

/* bad=1: a request whose source is the first real address past this guest's memory; the
 * hypervisor must refuse to read it and end the request with PROTOCOL_ERROR */
static void bad_request(struct cwq *q, const struct md_info *md, const struct bufs *b) {
  uint64_t top = 0;
  for (unsigned i = 0; i < md->nmblocks; i++)
    if (md->mblock[i].base + md->mblock[i].size > top) top = md->mblock[i].base + md->mblock[i].size;
  const struct crypto_alg *a = &crypto_algs[1];   /* aes-128-cbc */
  struct cwq_addrs ad = {0, 0, 0, b->key, b->iv, b->dst};
  uint64_t control = 0;
  int rc = cwq_run(q, cwq_control(a, 16, 0), (const void *)top, 16, 16, &ad, &control);
  if (rc == CWQ_E_HV) die(1, "crypto: bad request: %s failed: %s (%lu)", q->what, hv_strerror(q->status), q->status);
  if (rc == CWQ_E_TIMEOUT) die(1, "crypto: bad request: the unit did not finish");
  printf("crypto: a request with its source at 0x%lx (outside this guest): %s (control 0x%016lx)\n", top,
         rc == CWQ_OK ? "DONE" : status_word(control), control);
  if (rc == CWQ_OK) die(1, "crypto: the unit read memory outside this guest");
}

static void run_all(struct cwq *q, const struct workload *w, const struct bufs *b, uint64_t hz, struct tally *t) {
  for (unsigned i = 0; i < CRYPTO_NALGS; i++)
    if (w->crypto_algs >> i & 1)
      for (unsigned s = 0; s < w->crypto_nsizes; s++) run_one(q, &crypto_algs[i], w->crypto_sizes[s], w, b, hz, t);
}

void crypto_workload_run(const struct workload *w, const struct md_info *md) {
  const uint64_t self = this_cpu()->id, hz = md->stick_freq ? md->stick_freq : 1000000000ul;
  char buf[128];
  for (unsigned i = 0; i < md->ncrypto; i++) {
    const struct md_crypto *u = &md->crypto[i];
    put_cpus(buf, sizeof buf, u);
    if (u->id == MD_NONE) printf("crypto: md: %s unit serves vcpus %s\n", u->type == MD_CRYPTO_CWQ ? "cwq" : "mau", buf);
    else printf("crypto: md: %s %lu serves vcpus %s\n", u->type == MD_CRYPTO_CWQ ? "cwq" : "mau", u->id, buf);
  }
  const struct md_crypto *mine = md_find_crypto(md, MD_CRYPTO_CWQ, self);
  struct bufs b;
  struct tally t = {0, 0, 0, 0, 0};
  if (!w->crypto_unit) {   /* the runtime's software alone, e.g. to check it where no unit is */
    printf("crypto: unit=off: software only\n");
    buffers(&b);
    run_all(0, w, &b, hz, &t);
    printf("crypto: %lu results in software, %lu skipped\n", t.results, t.skipped);
    printf("vfsim-runtime: crypto done\n");
    fw_exit(0);
  }

  /* the hypervisor has the last word: try even when the MD lists no unit for this core */
  static struct cwq q;
  uint64_t st = cwq_open(&q, CRYPTO_QUEUE_ENTRIES, hz);   /* a request may take 1 s of simulated time */
  if (st == HV_ENOACCESS) {
    if (mine && mine->id != MD_NONE) printf("crypto: no crypto unit on core %lu (ENOACCESS)\n", mine->id);
    else printf("crypto: no crypto unit on the core of vcpu %lu (ENOACCESS)\n", self);
    fw_exit(2);
  }
  if (st) die(1, "crypto: %s failed: %s (%lu)", q.what, hv_strerror(st), st);
  uint64_t type = 0, base = 0, n = 0, head = 1, tail = 1;
  st = hv_ncs_qinfo(q.handle, &type, &base, &n);
  if (st) die_hv("ncs_qinfo", st);
  if (type != HV_NCS_QTYPE_CWQ || base != (uint64_t)q.ring || n != q.entries)
    die(1, "crypto: ncs_qinfo says type %lu, base 0x%lx, %lu entries; configured %u, 0x%lx, %lu", type, base, n,
        HV_NCS_QTYPE_CWQ, (uint64_t)q.ring, q.entries);
  if ((st = hv_ncs_gethead(q.handle, &head)) || (st = hv_ncs_gettail(q.handle, &tail)))
    die_hv("ncs_gethead/gettail", st);
  if (head || tail) die(1, "crypto: a new queue has head 0x%lx, tail 0x%lx (not 0)", head, tail);
  if (mine && mine->id != MD_NONE) fmt_format(buf, sizeof buf, "core %lu", mine->id);
  else fmt_format(buf, sizeof buf, "the core of vcpu %lu", self);
  printf("crypto: ncs 2.%lu, cwq on %s: handle 0x%lx, %lu entries at 0x%lx, devino 0x%lx, %lu bytes per entry\n",
         q.ncs_minor, buf, q.handle, q.entries, (uint64_t)q.ring, q.devino, w->entry);

  buffers(&b);
  warm_up(&q, &b);
  if (w->crypto_bad) bad_request(&q, md, &b);
  run_all(&q, w, &b, hz, &t);

  st = cwq_close(&q);
  if (st) die(1, "crypto: %s failed: %s (%lu)", q.what, hv_strerror(st), st);
  st = hv_ncs_gethead(q.handle, &head);
  if (st != HV_EINVAL) die(1, "crypto: ncs_gethead on the unconfigured queue: %s, expected EINVAL", hv_strerror(st));
  printf("crypto: %lu results, %lu checked in software, %lu MISMATCH, %lu unit errors, %lu skipped\n", t.results,
         t.checked, t.mismatches, t.errors, t.skipped);
  printf("vfsim-runtime: crypto done\n");
  fw_exit(t.mismatches || t.errors ? 1 : 0);
}
