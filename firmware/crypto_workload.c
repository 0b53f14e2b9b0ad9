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
#include "sun4v.h"

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

struct tally { uint64_t results, checked, mismatches, errors, skipped, modexps, modexp_bad; };

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

/* ---- 1024-bit modular exponentiation: the MAU against the runtime's software ---- */

/* "1234": microseconds of simulated time */
static uint64_t us(uint64_t ticks, uint64_t hz) { return ticks * 1000000 / hz; }

struct modexp_in { uint64_t n[MODEXP_WORDS], r2[MODEXP_WORDS], base[MODEXP_WORDS], elong[MODEXP_WORDS], eshort; };

static void modexp_inputs(struct modexp_in *in) {
  uint8_t b[128];
  for (unsigned i = 0; i < 128; i++) b[i] = modexp_n_byte(i);
  modexp_from_bytes(b, in->n);
  for (unsigned i = 0; i < 128; i++) b[i] = modexp_base_byte(i);
  modexp_from_bytes(b, in->base);
  for (unsigned i = 0; i < 128; i++) b[i] = modexp_exp_byte(i);
  modexp_from_bytes(b, in->elong);
  in->eshort = 65537;
  mont_r2(in->n, in->r2);   /* per modulus, untimed: both sides would keep it with the key */
}

/* MA memory as the job uses it (word offsets): the exponentiate's A, M, N, X, E, then the
 * base, R^2 mod N and 1 the conversions take, scratch and the result */
enum { MA_A = 0, MA_M = 16, MA_N = 32, MA_X = 48, MA_E = 64, MA_B = 80, MA_R2 = 96, MA_ONE = 112, MA_M2 = 128,
       MA_OUT = 144 };

/* base^e mod N on the MAU, as Solaris' ncp drives it: one job of 7 descriptors. Loads of N,
 * E, base, R^2, 1 (MA words 32..127, two loads: 64 words at most each), multiply base by
 * R^2 into A and again into X (Montgomery form: base R mod N; X must start equal to A),
 * exponentiate (X = A^e, Montgomery form), multiply X by 1 (leaves Montgomery form), store
 * the 16 result words. R^2 mod N (computed once per modulus) and NP are the driver's, in
 * software. */
static int modexp_unit(struct mauq *q, const struct modexp_in *in, const uint64_t *e, unsigned ebytes,
                       uint64_t *img, uint64_t *out) {
  const unsigned n = MODEXP_WORDS;
  for (unsigned i = 0; i < MA_WORDS; i++) img[i] = 0;
  for (unsigned i = 0; i < n; i++) img[MA_N + i] = in->n[i], img[MA_B + i] = in->base[i];
  for (unsigned i = 0; i < (ebytes + 7) / 8; i++) img[MA_E + i] = e[i];
  for (unsigned i = 0; i < n; i++) img[MA_R2 + i] = in->r2[i];
  img[MA_ONE] = 1;
  const uint64_t np = mont_nprime64(in->n[0]);
  const struct mau_regs job[7] = {
      {ma_ctl(MA_OP_LOAD, 64), (uint64_t)(img + MA_N), ma_addr(MA_N, 0, 0, 0, 0, 0), 0},
      {ma_ctl(MA_OP_LOAD, 32), (uint64_t)(img + MA_R2), ma_addr(MA_R2, 0, 0, 0, 0, 0), 0},
      {ma_ctl(MA_OP_MULTIPLY, n), 0, ma_addr(MA_B, MA_R2, MA_N, MA_M2, MA_A, 0), np},
      {ma_ctl(MA_OP_MULTIPLY, n), 0, ma_addr(MA_B, MA_R2, MA_N, MA_M2, MA_X, 0), np},
      {ma_ctl(MA_OP_EXPONENTIATE, n), 0, ma_addr(MA_A, MA_M, MA_N, MA_X, MA_E, ebytes - 1), np},
      {ma_ctl(MA_OP_MULTIPLY, n), 0, ma_addr(MA_X, MA_ONE, MA_N, MA_M2, MA_OUT, 0), np},
      {ma_ctl(MA_OP_STORE, n), (uint64_t)out, ma_addr(MA_OUT, 0, 0, 0, 0, 0), 0},
  };
  membar_sync();
  return mau_run(q, job, 7);
}

static const char *nd_state_name(uint64_t s) {
  return s == ND_STATE_ERROR ? "ERROR" : s == ND_STATE_PENDING ? "PENDING" : s == ND_STATE_DONE ? "DONE" : "?";
}

/* one exponent: the unit (q NULL: none), then the software; the result line */
static void modexp_one(struct mauq *q, const struct modexp_in *in, const char *ename, const uint64_t *e,
                       unsigned ebytes, uint64_t *img, uint64_t *out, uint64_t hz, struct tally *t) {
  char line[256];
  uint8_t bytes[128], swbytes[128];
  uint64_t sw[MODEXP_WORDS];
  size_t at = fmt_format(line, sizeof line, "crypto: modexp-1024 e=%s: ", ename);
  uint64_t unit_ticks = 0;
  if (q) {
    for (unsigned i = 0; i < MODEXP_WORDS; i++) out[i] = 0;
    uint64_t t0 = rd_stick();
    int rc = modexp_unit(q, in, e, ebytes, img, out);
    unit_ticks = rd_stick() - t0;
    if (rc == CWQ_E_HV) die(1, "crypto: modexp: %s failed: %s (%lu)", q->what, hv_strerror(q->status), q->status);
    if (rc == CWQ_E_TIMEOUT) die(1, "crypto: modexp: the MAU did not finish (head 0x%lx, tail 0x%lx)", q->head, q->tail);
    t->modexps++;
    if (rc == CWQ_E_STATUS) {
      printf("%sunit error: descriptor %u %s, errstatus 0x%lx\n", line, q->failed, nd_state_name(q->state),
             q->errstatus);
      t->modexp_bad++;
      return;
    }
    membar_sync();
    modexp_to_bytes(out, bytes);
  }
  uint64_t t0 = rd_stick();
  modexp_sw(in->n, in->r2, in->base, e, (ebytes + 7) / 8, sw);
  uint64_t sw_ticks = rd_stick() - t0;
  modexp_to_bytes(sw, swbytes);
  const uint8_t *r = q ? bytes : swbytes;
  at += fmt_format(line + at, sizeof line - at, "result crc32 %08x head ", crc32_update(0, r, 128));
  at += put_hex(line + at, sizeof line - at, r, 16);
  if (!q) {
    printf("%s, software %lu us\n", line, us(sw_ticks, hz));
    t->modexps++;
    return;
  }
  int same = 1;
  for (unsigned i = 0; i < 128; i++) same &= bytes[i] == swbytes[i];
  uint64_t x10 = sw_ticks * 10 / (unit_ticks ? unit_ticks : 1);
  printf("%s, unit %lu us, software %lu us (%lu.%lux) %s\n", line, us(unit_ticks, hz), us(sw_ticks, hz), x10 / 10,
         x10 % 10, same ? "match" : "MISMATCH");
  t->modexp_bad += !same;
}

/* both exponents: 65537 (17 bits) and a 1024-bit one */
static void modexp_all(struct mauq *q, uint64_t hz, struct tally *t) {
  static struct modexp_in in;
  modexp_inputs(&in);
  uint64_t *img = alloc_zero(MA_WORDS * 8, 64), *out = alloc_zero(MODEXP_WORDS * 8, 64);
  if (!img || !out) die(3, "crypto: no memory for the modexp buffers");
  modexp_one(q, &in, "65537", &in.eshort, 3, img, out, hz, t);
  modexp_one(q, &in, "1024-bit", in.elong, 128, img, out, hz, t);
}

/* ---- irq=1: one request completed by the unit's interrupt rather than by polling ---- */


#define IRQ_DEV_MONDO_ENTRIES 16
#define CWQ_DEVHANDLE 0x300   /* the MD's n2cp node's cfg-handle */
#define IRQ_COOKIE 0xc3a0000000000000ull   /* | devino: what the device mondo's first word carries */

/* aes-128-cbc over 4 KB with INTERRUPT (bit 48) in its control word: the CWQ's source
 * (devhandle 0x300, the queue's devino) gets a cookie and this vCPU as its target through
 * INTR 2.0's vintr calls (as ldc.c does for the LDC rx interrupt), vCPU 0's device mondo
 * queue is configured if nothing has yet, and the strand waits in cpu_yield with
 * interrupts off until the mondo is in the queue; it reads the entry itself, then the head
 * once and the control word. */
static void irq_request(struct cwq *q, const struct bufs *b, uint64_t hz, struct tally *t) {
  const struct crypto_alg *a = &crypto_algs[1];   /* aes-128-cbc */
  const uint64_t len = 4096, self = this_cpu()->id;
  uint64_t base = 0, entries = 0, st;
  if ((st = hv_cpu_qinfo(QUEUE_ID_DEV_MONDO, &base, &entries))) die_hv("cpu_qinfo(dev mondo)", st);
  if (!entries) {
    void *mq = alloc_zero(IRQ_DEV_MONDO_ENTRIES * QUEUE_ENTRY_SIZE, IRQ_DEV_MONDO_ENTRIES * QUEUE_ENTRY_SIZE);
    if (!mq) die(3, "crypto: no memory for the device mondo queue");
    if ((st = hv_cpu_qconf(QUEUE_ID_DEV_MONDO, (uint64_t)mq, IRQ_DEV_MONDO_ENTRIES))) die_hv("cpu_qconf(dev mondo)", st);
    base = (uint64_t)mq, entries = IRQ_DEV_MONDO_ENTRIES;
  }
  const uint64_t cookie = IRQ_COOKIE | q->devino;
  if ((st = hv_vintr_set(HV_VINTR_SETCOOKIE, CWQ_DEVHANDLE, q->devino, cookie)) ||
      (st = hv_vintr_set(HV_VINTR_SETTARGET, CWQ_DEVHANDLE, q->devino, self)) ||
      (st = hv_vintr_set(HV_VINTR_SETSTATE, CWQ_DEVHANDLE, q->devino, HV_INTR_IDLE)) ||
      (st = hv_vintr_set(HV_VINTR_SETVALID, CWQ_DEVHANDLE, q->devino, 1)))
    die_hv("vintr_set(cwq)", st);

  for (unsigned i = 0; i < 16; i++) b->key[i] = crypto_key_byte(i);
  for (unsigned i = 0; i < 16; i++) b->iv[i] = crypto_iv_byte(i);
  for (uint64_t i = 0; i < len; i++) b->dst[i] = 0;
  struct cwq_addrs ad = {0, 0, 0, b->key, b->iv, b->dst};
  irq_disable();   /* the mondo stays in the queue for us to read: dev_mondo does not consume it */
  const uint64_t t0 = rd_stick();
  volatile uint64_t *first = cwq_submit(q, cwq_control(a, len, 0) | CWQ_INTERRUPT, b->src, len, len, &ad);
  if (!first) die(1, "crypto: by interrupt: %s failed: %s (%lu)", q->what, hv_strerror(q->status), q->status);
  uint64_t word0 = 0, yields = 0, others = 0, t1;
  for (;;) {
    uint64_t head = queue_reg(QUEUE_DEV_MONDO_HEAD), tail = queue_reg(QUEUE_DEV_MONDO_TAIL);
    if (head != tail) {
      word0 = *(volatile uint64_t *)(base + head);
      set_queue_reg(QUEUE_DEV_MONDO_HEAD, (head + QUEUE_ENTRY_SIZE) % (entries * QUEUE_ENTRY_SIZE));
      if (word0 == cookie) break;
      others++;   /* another source's (the DS channel's): not ours */
      continue;
    }
    if (rd_stick() - t0 > q->timeout) {
      irq_enable();
      die(1, "crypto: by interrupt: no device mondo in %lu ticks (%lu yields)", q->timeout, yields);
    }
    hv_cpu_yield();   /* ends when an interrupt is pending, even with PSTATE.IE off */
    yields++;
  }
  t1 = rd_stick();
  irq_enable();
  st = hv_ncs_gethead(q->handle, &q->head);
  if (st) die_hv("ncs_gethead", st);
  membar_sync();
  const uint64_t control = first[0];
  const int done = (control & CWQ_STATUS_MASK) == CWQ_STATUS_DONE && q->head == q->tail;
  crypto_software(a, b->src, len, b->sw);
  int same = 1;
  for (uint64_t i = 0; i < len; i++) same &= b->sw[i] == b->dst[i];
  printf("crypto: %s %lu B by interrupt: devino 0x%lx, cookie 0x%lx, mondo after %lu us (%lu yields%s), head 0x%lx = "
         "tail: %s (control 0x%016lx), %s\n",
         a->name, len, q->devino, word0, us(t1 - t0, hz), yields, others ? ", other mondos" : "", q->head,
         done ? "DONE" : status_word(control), control, same ? "match" : "MISMATCH");
  if ((st = hv_vintr_set(HV_VINTR_SETVALID, CWQ_DEVHANDLE, q->devino, 0))) die_hv("vintr_setvalid(cwq, 0)", st);
  if (!done) t->errors++;
  t->mismatches += !same;
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
  struct tally t = {0, 0, 0, 0, 0, 0, 0};
  if (!w->crypto_unit) {   /* the runtime's software alone, e.g. to check it where no unit is */
    printf("crypto: unit=off: software only\n");
    buffers(&b);
    run_all(0, w, &b, hz, &t);
    if (w->crypto_algs & CRYPTO_MODEXP_BIT) modexp_all(0, hz, &t);
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
  if (w->crypto_irq) irq_request(&q, &b, hz, &t);
  run_all(&q, w, &b, hz, &t);
  if (w->crypto_algs & CRYPTO_MODEXP_BIT) {
    static struct mauq mq;
    st = mau_open(&mq, 16, hz);
    if (st) die(1, "crypto: %s failed: %s (%lu)", mq.what, hv_strerror(st), st);
    printf("crypto: mau on the same core: handle 0x%lx, %lu descriptors at 0x%lx\n", mq.handle, mq.entries,
           (uint64_t)mq.ring);
    modexp_all(&mq, hz, &t);
    st = mau_close(&mq);
    if (st) die(1, "crypto: %s failed: %s (%lu)", mq.what, hv_strerror(st), st);
    printf("crypto: %lu modexp results, %lu MISMATCH or unit errors\n", t.modexps, t.modexp_bad);
  }

  st = cwq_close(&q);
  if (st) die(1, "crypto: %s failed: %s (%lu)", q.what, hv_strerror(st), st);
  st = hv_ncs_gethead(q.handle, &head);
  if (st != HV_EINVAL) die(1, "crypto: ncs_gethead on the unconfigured queue: %s, expected EINVAL", hv_strerror(st));
  printf("crypto: %lu results, %lu checked in software, %lu MISMATCH, %lu unit errors, %lu skipped\n", t.results,
         t.checked, t.mismatches, t.errors, t.skipped);
  printf("vfsim-runtime: crypto done\n");
  fw_exit(t.mismatches || t.errors || t.modexp_bad ? 1 : 0);
}
