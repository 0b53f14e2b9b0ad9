/* Parsing of the boot-file string: a workload name then key=value words. */
#include "bootargs.h"

#include "cryptosw.h"
#include "format.h"

const char *workload_name(enum workload_kind kind) {
  switch (kind) {
    case WL_COMPUTE: return "compute";
    case WL_MEMORY: return "memory";
    case WL_COUNTER: return "counter";
    case WL_PROBE: return "probe";
    case WL_ISOLATION: return "isolation";
    case WL_GUARD: return "guard";
    case WL_CHAOS: return "chaos";
    case WL_IDLE: return "idle";
    case WL_LDC_PING: return "ldc-ping";
    case WL_VDISK: return "vdisk";
    case WL_LDC_MAP: return "ldc-map";
    case WL_VNET_PING: return "vnet-ping";
    case WL_CRYPTO: return "crypto";
    case WL_PCIDISK: return "pcidisk";
    case WL_CHASE: return "chase";
    case WL_TRIAD: return "triad";
  }
  return "?";
}

static int word_is(const char *w, size_t len, const char *s) {
  size_t i = 0;
  for (; i < len; i++)
    if (s[i] != w[i]) return 0;
  return s[i] == 0;
}

const char *ldc_mode_name(uint64_t mode) {
  switch (mode) {
    case 0: return "raw";
    case 1: return "unreliable";
    case 3: return "reliable";
  }
  return "?";
}

/* ldc-ping's word-valued parameters, role and mode: 1 when key is one of them and the value
 * is known, -1 (reason in err) when it is not known, 0 when key is something else. */
static int ldc_word(struct workload *w, const char *key, size_t klen, const char *val, size_t vlen,
                    char *err, size_t errlen) {
  if (word_is(key, klen, "role")) {
    if (word_is(val, vlen, "client")) w->role = LDC_ROLE_CLIENT;
    else if (word_is(val, vlen, "server")) w->role = LDC_ROLE_SERVER;
    else {
      fmt_format(err, errlen, "ldc-ping: role \"%.*s\" (client or server)", (int)vlen, val);
      return -1;
    }
    return 1;
  }
  if (word_is(key, klen, "mode")) {
    static const uint64_t modes[] = {1, 3, 0};
    for (unsigned i = 0; i < 3; i++)
      if (word_is(val, vlen, ldc_mode_name(modes[i]))) {
        w->mode = modes[i];
        return 1;
      }
    fmt_format(err, errlen, "ldc-ping: mode \"%.*s\" (unreliable, reliable or raw)", (int)vlen, val);
    return -1;
  }
  return 0;
}

/* vdisk's op=write|verify|info: as ldc_word */
static int vdisk_word(struct workload *w, const char *key, size_t klen, const char *val, size_t vlen, char *err,
                      size_t errlen) {
  static const char *const ops[] = {"write", "verify", "info"};
  if (!word_is(key, klen, "op")) return 0;
  for (unsigned i = 0; i < 3; i++)
    if (word_is(val, vlen, ops[i])) {
      w->vdisk_op = (enum vdisk_op)i;
      return 1;
    }
  fmt_format(err, errlen, "%s: op \"%.*s\" (write, verify or info)", workload_name(w->kind), (int)vlen, val);
  return -1;
}

/* pcidisk's bus=pci@N (N hex, the root complex's cfg-handle): as ldc_word */
static int pcidisk_word(struct workload *w, const char *key, size_t klen, const char *val, size_t vlen, char *err,
                        size_t errlen) {
  if (!word_is(key, klen, "bus")) return 0;
  uint64_t v = 0;
  size_t i = 4;
  if (vlen > 4 && val[0] == 'p' && val[1] == 'c' && val[2] == 'i' && val[3] == '@')
    for (; i < vlen && i < 4 + 8; i++) {
      char c = val[i];
      unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 16;
      if (d == 16) break;
      v = v << 4 | d;
    }
  if (vlen <= 4 || i != vlen || !v) {
    fmt_format(err, errlen, "pcidisk: bus \"%.*s\" (a root complex like pci@400)", (int)vlen, val);
    return -1;
  }
  w->pci_bus = v;
  return 1;
}

/* "00:14:4f:f8:00:01" -> 48-bit value; 0 on success */
static int parse_mac(const char *s, size_t len, uint64_t *out) {
  uint64_t mac = 0;
  if (len != 17) return -1;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (i % 3 == 2) {
      if (c != ':' && c != '-') return -1;
      continue;
    }
    unsigned d;
    if (c >= '0' && c <= '9') d = (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') d = (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') d = (unsigned)(c - 'A' + 10);
    else return -1;
    mac = mac << 4 | d;
  }
  *out = mac;
  return 0;
}

/* vnet-ping's word-valued parameters role, peer and bad: as ldc_word. */
static int vnet_word(struct workload *w, const char *key, size_t klen, const char *val, size_t vlen,
                     char *err, size_t errlen) {
  if (word_is(key, klen, "role")) {
    if (word_is(val, vlen, "client")) w->role = LDC_ROLE_CLIENT;
    else if (word_is(val, vlen, "server")) w->role = LDC_ROLE_SERVER;
    else if (word_is(val, vlen, "listen")) w->role = LDC_ROLE_LISTEN;
    else {
      fmt_format(err, errlen, "vnet-ping: role \"%.*s\" (client, server or listen)", (int)vlen, val);
      return -1;
    }
    return 1;
  }
  if (word_is(key, klen, "peer")) {
    if (parse_mac(val, vlen, &w->peer_mac) || (w->peer_mac >> 40 & 1)) {
      fmt_format(err, errlen, "vnet-ping: peer \"%.*s\" is not a unicast MAC like 00:14:4f:f8:00:01", (int)vlen, val);
      return -1;
    }
    return 1;
  }
  if (word_is(key, klen, "bad")) {
    if (word_is(val, vlen, "ring")) w->bad = VNET_BAD_RING;
    else if (word_is(val, vlen, "desc")) w->bad = VNET_BAD_DESC;
    else {
      fmt_format(err, errlen, "vnet-ping: bad \"%.*s\" (ring or desc)", (int)vlen, val);
      return -1;
    }
    return 1;
  }
  return 0;
}

/* A number: decimal or 0x hex, optionally with K/M/G (only where sizes are allowed). */
static int parse_number(const char *s, size_t len, int sized, uint64_t *out) {
  uint64_t v = 0;
  size_t i = 0;
  unsigned base = 10;
  if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) { base = 16; i = 2; }
  size_t start = i;
  for (; i < len; i++) {
    char c = s[i];
    unsigned d;
    if (c >= '0' && c <= '9') d = (unsigned)(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f') d = (unsigned)(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F') d = (unsigned)(c - 'A' + 10);
    else break;
    if (v > (~(uint64_t)0 - d) / base) return -1;
    v = v * base + d;
  }
  if (i == start) return -1;
  if (i < len && sized) {
    unsigned shift;
    switch (s[i]) {
      case 'k': case 'K': shift = 10; break;
      case 'm': case 'M': shift = 20; break;
      case 'g': case 'G': shift = 30; break;
      default: return -1;
    }
    if (v > (~(uint64_t)0 >> shift)) return -1;
    v <<= shift;
    i++;
  }
  if (i != len) return -1;
  *out = v;
  return 0;
}

/* crypto's list-valued parameters sizes=S,S,... and alg=A,A,...: as ldc_word */
static int crypto_word(struct workload *w, const char *key, size_t klen, const char *val, size_t vlen, char *err,
                       size_t errlen) {
  if (word_is(key, klen, "alg")) {
    size_t off, len;
    if (crypto_alg_select(val, vlen, &w->crypto_algs, &off, &len)) {
      fmt_format(err, errlen,
                 "crypto: alg \"%.*s\" (all, cipher, hash, aes, des, rc4, md5, sha, hmac, crc32 or an algorithm "
                 "such as aes-128-cbc)", (int)len, val + off);
      return -1;
    }
    return 1;
  }
  if (word_is(key, klen, "unit")) {
    if (word_is(val, vlen, "on") || word_is(val, vlen, "off")) {
      w->crypto_unit = word_is(val, vlen, "on");
      return 1;
    }
    fmt_format(err, errlen, "crypto: unit must be on or off, not \"%.*s\"", (int)vlen, val);
    return -1;
  }
  if (!word_is(key, klen, "sizes")) return 0;
  size_t at = 0;
  w->crypto_nsizes = 0;
  for (;;) {
    size_t end = at;
    while (end < vlen && val[end] != ',') end++;
    uint64_t v;
    if (w->crypto_nsizes == CRYPTO_MAX_SIZES) {
      fmt_format(err, errlen, "crypto: at most %d sizes", CRYPTO_MAX_SIZES);
      return -1;
    }
    if (parse_number(val + at, end - at, 1, &v) || v == 0 || v > CRYPTO_MAX_SIZE) {
      fmt_format(err, errlen, "crypto: size \"%.*s\" (1..64K bytes)", (int)(end - at), val + at);
      return -1;
    }
    w->crypto_sizes[w->crypto_nsizes++] = v;
    if (end == vlen) return 1;
    at = end + 1;
  }
}

int workload_parse(const char *s, struct workload *w, char *err, size_t errlen) {
  w->kind = WL_COMPUTE;
  w->iterations = 100000;
  w->footprint = 1u << 20;
  w->writes = 50;
  w->rate = 1000;
  w->tick = 100;
  w->count = 20;
  w->ra = 0x40000000;
  w->role = LDC_ROLE_NONE;
  w->size = 200;
  w->mode = 1;
  w->gap = 0;
  w->vdisk_op = VDISK_OP_WRITE;
  w->seed = 1;
  w->vdisk_bad = 0;
  w->reset_at = 0;
  w->flood = 0;
  w->depth = 1;
  w->pci_bus = 0;
  w->pci_bad_dma = 0;
  w->pci_poll = 0;
  w->pci_mmio = 0;
  w->peer_mac = 0;
  w->bad = VNET_BAD_NONE;
  w->burst = 0;
  w->ds = 1;
  w->then_idle = 0;
  w->crypto_algs = CRYPTO_ALL_ALGS;
  w->crypto_nsizes = 4;
  w->crypto_sizes[0] = 16, w->crypto_sizes[1] = 256, w->crypto_sizes[2] = 4096, w->crypto_sizes[3] = 65536;
  w->entry = 8192;
  w->crypto_unit = 1;
  w->crypto_bad = 0;
  w->crypto_irq = 0;

  while (*s == ' ' || *s == '\t') s++;
  const char *name = s;
  while (*s && *s != ' ' && *s != '\t') s++;
  size_t nlen = (size_t)(s - name);
  if (nlen == 0 || word_is(name, nlen, "compute")) w->kind = WL_COMPUTE;
  else if (word_is(name, nlen, "memory")) w->kind = WL_MEMORY, w->rate = 0, w->count = 0;   /* unpaced */
  else if (word_is(name, nlen, "counter")) w->kind = WL_COUNTER;
  else if (word_is(name, nlen, "probe")) w->kind = WL_PROBE;
  else if (word_is(name, nlen, "isolation")) w->kind = WL_ISOLATION;
  else if (word_is(name, nlen, "guard")) w->kind = WL_GUARD, w->footprint = 1u << 20, w->count = 20;
  else if (word_is(name, nlen, "chaos")) w->kind = WL_CHAOS, w->count = 1000, w->seed = 1;
  else if (word_is(name, nlen, "idle")) w->kind = WL_IDLE;
  else if (word_is(name, nlen, "ldc-ping")) w->kind = WL_LDC_PING, w->count = 100;
  else if (word_is(name, nlen, "vnet-ping")) w->kind = WL_VNET_PING, w->count = 100, w->size = 64;
  else if (word_is(name, nlen, "vdisk")) w->kind = WL_VDISK, w->size = 1u << 20;
  else if (word_is(name, nlen, "ldc-map")) w->kind = WL_LDC_MAP, w->size = 16384;
  else if (word_is(name, nlen, "crypto")) w->kind = WL_CRYPTO;
  else if (word_is(name, nlen, "pcidisk")) w->kind = WL_PCIDISK, w->size = 1u << 20, w->depth = 4;
  else if (word_is(name, nlen, "chase")) w->kind = WL_CHASE, w->footprint = 32u << 20, w->steps = 20000;
  else if (word_is(name, nlen, "triad")) w->kind = WL_TRIAD, w->footprint = 24u << 20, w->steps = 1;
  else {
    fmt_format(err, errlen,
               "unknown workload \"%.*s\" (compute, memory, counter, probe, isolation, guard, chaos, idle, ldc-ping, "
               "ldc-map, vnet-ping, vdisk, pcidisk, crypto, chase or triad)",
               (int)nlen, name);
    return -1;
  }

  int has_writes = 0, has_rate = 0, has_paced_key = 0;   /* memory: which mode the keys ask for */
  for (;;) {
    while (*s == ' ' || *s == '\t') s++;
    if (!*s) break;
    const char *key = s;
    while (*s && *s != '=' && *s != ' ' && *s != '\t') s++;
    size_t klen = (size_t)(s - key);
    const char *val = s;
    size_t vlen = 0;
    if (*s == '=') {
      val = ++s;
      while (*s && *s != ' ' && *s != '\t') s++;
      vlen = (size_t)(s - val);
    }
    if (w->kind == WL_LDC_PING || (w->kind == WL_LDC_MAP && word_is(key, klen, "role"))) {
      int r = ldc_word(w, key, klen, val, vlen, err, errlen);
      if (r < 0) return -1;
      if (r > 0) continue;
    }
    if (word_is(key, klen, "then") && (w->kind == WL_MEMORY || w->kind == WL_COMPUTE || w->kind == WL_PCIDISK)) {
      /* what the guest does once every vCPU is done: exit (the default) or stay up idle */
      if (word_is(val, vlen, "exit") || word_is(val, vlen, "idle")) {
        w->then_idle = word_is(val, vlen, "idle");
        continue;
      }
      fmt_format(err, errlen, "%s: then must be exit or idle, not \"%.*s\"", workload_name(w->kind), (int)vlen, val);
      return -1;
    }
    if (word_is(key, klen, "ds")) {   /* every workload: the Domain Services agent on or off */
      if (word_is(val, vlen, "on") || word_is(val, vlen, "off")) {
        w->ds = word_is(val, vlen, "on");
        continue;
      }
      fmt_format(err, errlen, "%s: ds must be on or off, not \"%.*s\"", workload_name(w->kind), (int)vlen, val);
      return -1;
    }
    if (w->kind == WL_VDISK || w->kind == WL_PCIDISK) {
      int r = vdisk_word(w, key, klen, val, vlen, err, errlen);
      if (r < 0) return -1;
      if (r > 0) continue;
    }
    if (w->kind == WL_PCIDISK) {
      int r = pcidisk_word(w, key, klen, val, vlen, err, errlen);
      if (r < 0) return -1;
      if (r > 0) continue;
    }
    if (w->kind == WL_VNET_PING) {
      int r = vnet_word(w, key, klen, val, vlen, err, errlen);
      if (r < 0) return -1;
      if (r > 0) continue;
    }
    if (w->kind == WL_CRYPTO) {
      int r = crypto_word(w, key, klen, val, vlen, err, errlen);
      if (r < 0) return -1;
      if (r > 0) continue;
    }
    uint64_t *slot = 0;
    int sized = 0;
    if (w->kind == WL_COMPUTE && word_is(key, klen, "iterations")) slot = &w->iterations;
    else if (w->kind == WL_MEMORY && word_is(key, klen, "footprint")) slot = &w->footprint, sized = 1;
    else if (w->kind == WL_MEMORY && word_is(key, klen, "writes")) slot = &w->writes, has_writes = 1;
    else if (w->kind == WL_MEMORY && word_is(key, klen, "rate")) slot = &w->rate, sized = 1, has_rate = 1;
    else if (w->kind == WL_MEMORY && word_is(key, klen, "tick")) slot = &w->tick, has_paced_key = 1;
    else if (w->kind == WL_MEMORY && word_is(key, klen, "count")) slot = &w->count, has_paced_key = 1;
    else if (w->kind == WL_COUNTER && word_is(key, klen, "rate")) slot = &w->rate;
    else if (w->kind == WL_COUNTER && word_is(key, klen, "count")) slot = &w->count;
    else if ((w->kind == WL_PROBE || w->kind == WL_ISOLATION || w->kind == WL_CHAOS) && word_is(key, klen, "ra"))
      slot = &w->ra;
    else if (w->kind == WL_CHAOS && word_is(key, klen, "seed")) slot = &w->seed;
    else if (w->kind == WL_CHAOS && word_is(key, klen, "count")) slot = &w->count;
    else if (w->kind == WL_ISOLATION && word_is(key, klen, "wait")) slot = &w->wait;
    else if (w->kind == WL_GUARD && word_is(key, klen, "footprint")) slot = &w->footprint, sized = 1;
    else if ((w->kind == WL_CHASE || w->kind == WL_TRIAD) && word_is(key, klen, "footprint")) slot = &w->footprint, sized = 1;
    else if (w->kind == WL_CHASE && word_is(key, klen, "steps")) slot = &w->steps;
    else if (w->kind == WL_TRIAD && word_is(key, klen, "passes")) slot = &w->steps;
    else if (w->kind == WL_GUARD && word_is(key, klen, "count")) slot = &w->count;
    else if (w->kind == WL_LDC_PING && word_is(key, klen, "count")) slot = &w->count;
    else if (w->kind == WL_LDC_PING && word_is(key, klen, "size")) slot = &w->size, sized = 1;
    else if (w->kind == WL_LDC_PING && word_is(key, klen, "gap")) slot = &w->gap;
    else if (w->kind == WL_VDISK && word_is(key, klen, "size")) slot = &w->size, sized = 1;
    else if (w->kind == WL_LDC_MAP && word_is(key, klen, "size")) slot = &w->size, sized = 1;
    else if (w->kind == WL_VDISK && word_is(key, klen, "seed")) slot = &w->seed;
    else if (w->kind == WL_VDISK && word_is(key, klen, "bad")) slot = &w->vdisk_bad;
    else if (w->kind == WL_VDISK && word_is(key, klen, "reset")) slot = &w->reset_at;
    else if (w->kind == WL_VDISK && word_is(key, klen, "flood")) slot = &w->flood;
    else if (w->kind == WL_VDISK && word_is(key, klen, "depth")) slot = &w->depth;
    else if (w->kind == WL_PCIDISK && word_is(key, klen, "size")) slot = &w->size, sized = 1;
    else if (w->kind == WL_PCIDISK && word_is(key, klen, "seed")) slot = &w->seed;
    else if (w->kind == WL_PCIDISK && word_is(key, klen, "depth")) slot = &w->depth;
    else if (w->kind == WL_PCIDISK && word_is(key, klen, "bad_dma")) slot = &w->pci_bad_dma;
    else if (w->kind == WL_PCIDISK && word_is(key, klen, "poll")) slot = &w->pci_poll;
    else if (w->kind == WL_PCIDISK && word_is(key, klen, "mmio")) slot = &w->pci_mmio;
    else if (w->kind == WL_VNET_PING && word_is(key, klen, "count")) slot = &w->count;
    else if (w->kind == WL_VNET_PING && word_is(key, klen, "size")) slot = &w->size;
    else if (w->kind == WL_VNET_PING && word_is(key, klen, "burst")) slot = &w->burst;
    else if (w->kind == WL_VNET_PING && word_is(key, klen, "gap")) slot = &w->gap;
    else if (w->kind == WL_CRYPTO && word_is(key, klen, "entry")) slot = &w->entry, sized = 1;
    else if (w->kind == WL_CRYPTO && word_is(key, klen, "bad")) slot = &w->crypto_bad;
    else if (w->kind == WL_CRYPTO && word_is(key, klen, "irq")) slot = &w->crypto_irq;
    if (!slot) {
      fmt_format(err, errlen, "%s: unknown parameter \"%.*s\"", workload_name(w->kind),
                 (int)klen, key);
      return -1;
    }
    if (parse_number(val, vlen, sized, slot)) {
      fmt_format(err, errlen, "%s: bad value \"%.*s\" for %.*s", workload_name(w->kind),
                 (int)vlen, val, (int)klen, key);
      return -1;
    }
  }

  if (w->kind == WL_MEMORY) {
    w->footprint = (w->footprint + 0x1fff) & ~(uint64_t)0x1fff;   /* whole 8K pages */
    if (w->footprint == 0 || w->footprint > MEMORY_MAX_FOOTPRINT) {
      fmt_format(err, errlen, "memory: footprint must be 1..%luM", MEMORY_MAX_FOOTPRINT >> 20);
      return -1;
    }
    if (w->writes > 100) {
      fmt_format(err, errlen, "memory: writes is a percentage (0..100)");
      return -1;
    }
    /* paced mode (for live-migration tests): rate=R, with tick and count; ignoring a key of
     * the other mode would run something else than what was asked */
    if (has_rate && has_writes) {
      fmt_format(err, errlen, "memory: writes does not go with rate (paced mode writes one word per page)");
      return -1;
    }
    if (has_paced_key && !has_rate) {
      fmt_format(err, errlen, "memory: tick and count are for paced mode (rate=R)");
      return -1;
    }
    if (has_rate && (w->rate == 0 || w->rate > MEMORY_MAX_RATE)) {
      fmt_format(err, errlen, "memory: rate must be 1..%luG bytes per second", MEMORY_MAX_RATE >> 30);
      return -1;
    }
    if (has_rate && (w->tick == 0 || w->tick > MEMORY_MAX_TICK)) {
      fmt_format(err, errlen, "memory: tick must be 1..%lu Hz", MEMORY_MAX_TICK);
      return -1;
    }
    /* a page written twice in one tick gets the same value twice: it would count as dirtied
     * once, and the rate would be a lie */
    if (has_rate && w->rate > w->footprint * w->tick) {
      fmt_format(err, errlen, "memory: rate above footprint x tick (%lu): a tick's pages must be distinct",
                 w->footprint * w->tick);
      return -1;
    }
  }
  if (w->kind == WL_CHASE || w->kind == WL_TRIAD) {
    /* chase: whole 8K pages of 64-byte nodes; triad: three arrays of whole lines */
    uint64_t unit = w->kind == WL_CHASE ? 0x2000 : 3 * 0x2000;
    if (w->footprint < unit || w->footprint % 0x2000 || w->footprint > MEMORY_MAX_FOOTPRINT) {
      fmt_format(err, errlen, "%s: footprint must be a multiple of 8K, %luK..%luM", workload_name(w->kind),
                 unit >> 10, MEMORY_MAX_FOOTPRINT >> 20);
      return -1;
    }
    uint64_t max = w->kind == WL_CHASE ? CHASE_MAX_STEPS : TRIAD_MAX_PASSES;
    if (w->steps == 0 || w->steps > max) {
      fmt_format(err, errlen, "%s: %s must be 1..%lu", workload_name(w->kind),
                 w->kind == WL_CHASE ? "steps" : "passes", max);
      return -1;
    }
  }
  if (w->kind == WL_GUARD && (w->footprint < 8 || w->footprint % 8 || w->footprint > GUARD_MAX_FOOTPRINT ||
                              w->count == 0)) {
    fmt_format(err, errlen, "guard: footprint must be a multiple of 8 bytes up to %luM, count at least 1",
               GUARD_MAX_FOOTPRINT >> 20);
    return -1;
  }
  if (w->kind == WL_CHAOS && (w->count == 0 || w->count > CHAOS_MAX_COUNT)) {
    fmt_format(err, errlen, "chaos: count must be 1..%lu", CHAOS_MAX_COUNT);
    return -1;
  }
  if (w->kind == WL_ISOLATION && w->wait > 60000) {
    fmt_format(err, errlen, "isolation: wait must be 0..60000 ms");
    return -1;
  }
  if (w->kind == WL_LDC_PING) {
    if (w->role == LDC_ROLE_NONE) {
      fmt_format(err, errlen, "ldc-ping: role=client or role=server needed");
      return -1;
    }
    if (w->size == 0 || w->size > LDC_PING_MAX_SIZE) {
      fmt_format(err, errlen, "ldc-ping: size must be 1..%lu", LDC_PING_MAX_SIZE);
      return -1;
    }
    if (w->count == 0) {
      fmt_format(err, errlen, "ldc-ping: count must be at least 1");
      return -1;
    }
    /* a raw link has no seqids to break */
    if (w->gap && (w->mode == 0 || w->role != LDC_ROLE_CLIENT || w->gap > w->count)) {
      fmt_format(err, errlen, "ldc-ping: gap=N is for a client in a non-raw mode, N <= count");
      return -1;
    }
  }
  if ((w->kind == WL_VDISK || w->kind == WL_PCIDISK) && (w->depth < 1 || w->depth > 8)) {
    fmt_format(err, errlen, "%s: depth must be 1..8 (requests in flight)", workload_name(w->kind));
    return -1;
  }
  if ((w->kind == WL_VDISK || w->kind == WL_PCIDISK) && (w->size == 0 || w->size % 512 || w->size > VDISK_MAX_SIZE)) {
    fmt_format(err, errlen, "%s: size must be a multiple of 512 bytes, at most %luM", workload_name(w->kind),
               VDISK_MAX_SIZE >> 20);
    return -1;
  }
  if (w->kind == WL_PCIDISK && (w->pci_bad_dma > 1 || w->pci_poll > 1 || w->pci_mmio > 1)) {
    fmt_format(err, errlen, "pcidisk: bad_dma, poll and mmio are 0 or 1");
    return -1;
  }
  if (w->kind == WL_VNET_PING) {
    if (w->role == LDC_ROLE_NONE) {
      fmt_format(err, errlen, "vnet-ping: role=client, role=server or role=listen needed");
      return -1;
    }
    if (w->size < VNET_PING_MIN_SIZE || w->size > VNET_PING_MAX_SIZE) {
      fmt_format(err, errlen, "vnet-ping: size must be %lu..%lu (a whole Ethernet frame)", VNET_PING_MIN_SIZE,
                 VNET_PING_MAX_SIZE);
      return -1;
    }
    if (w->count == 0) {
      fmt_format(err, errlen, "vnet-ping: count must be at least 1");
      return -1;
    }
    if (w->gap && (w->role != LDC_ROLE_CLIENT || w->gap > w->count)) {
      fmt_format(err, errlen, "vnet-ping: gap=N is for a client, N <= count");
      return -1;
    }
    if (w->role == LDC_ROLE_CLIENT && !w->peer_mac && w->bad == VNET_BAD_NONE) {
      fmt_format(err, errlen, "vnet-ping: a client needs peer=MAC");
      return -1;
    }
  }
  if (w->kind == WL_LDC_MAP && (w->role == LDC_ROLE_NONE || w->size == 0 || w->size % 8192 || w->size > (1ul << 20))) {
    fmt_format(err, errlen, "ldc-map: role=client or role=server, size a multiple of 8K up to 1M");
    return -1;
  }
  if (w->kind == WL_CRYPTO) {
    if (w->entry < 16 || w->entry % 16 || w->entry > CRYPTO_MAX_SIZE) {
      fmt_format(err, errlen, "crypto: entry must be a multiple of 16 bytes, at most 64K");
      return -1;
    }
    /* a request is submitted whole: it must fit in the queue, which holds entries - 1 */
    for (unsigned i = 0; i < w->crypto_nsizes; i++)
      if ((w->crypto_sizes[i] + w->entry - 1) / w->entry > CRYPTO_QUEUE_ENTRIES - 1) {
        fmt_format(err, errlen, "crypto: entry=%lu splits %lu bytes into %lu queue entries, at most %d fit",
                   (unsigned long)w->entry, (unsigned long)w->crypto_sizes[i],
                   (unsigned long)((w->crypto_sizes[i] + w->entry - 1) / w->entry), CRYPTO_QUEUE_ENTRIES - 1);
        return -1;
      }
  }
  if (w->kind == WL_COUNTER && w->rate == 0) {
    fmt_format(err, errlen, "counter: rate must be at least 1 Hz");
    return -1;
  }
  return 0;
}
