/* The Domain Services agent (see ds.h). Messages are big-endian: u32 type, u32 length of
 * what follows, payload; DATA payloads start with the u64 handle this end chose at REG_REQ,
 * then the service's own data, which always begins with the manager's u64 req_num. */
#include "ds.h"

#include <stddef.h>

#include "alloc.h"
#include "api.h"
#include "console.h"
#include "cpuops.h"
#include "format.h"
#include "hcall.h"
#include "ldc.h"
#include "smp.h"
#include "sun4v.h"
#include "suspend.h"
#include "workload.h"

void *memcpy(void *d, const void *s, size_t n);

extern char secondary_start[], trap_table[];

enum { INIT_REQ = 0, INIT_ACK = 1, INIT_NACK = 2, REG_REQ = 3, REG_ACK = 4, REG_NACK = 5, DATA = 9, NACK = 0xa };
enum { INV_HDL = 3 };
enum { SVC_MD_UPDATE, SVC_SHUTDOWN, SVC_DR_CPU, SVC_SUSPEND, NSVC };
static const char *const svc_name[NSVC] = {"md-update", "domain-shutdown", "dr-cpu", "domain-suspend"};
/* dr-cpu (reference §5.7) */
enum { DR_CONFIGURE = 'C', DR_UNCONFIGURE = 'U', DR_FORCE = 'F', DR_STATUS = 'S', DR_OK = 'o', DR_ERROR = 'e' };
enum { R_OK = 0, R_FAILURE = 1, R_NOT_RESPONDING = 3, R_NOT_IN_MD = 4 };
enum { S_NOT_PRESENT = 0, S_UNCONFIGURED = 1, S_CONFIGURED = 2 };
enum { CPU_STOPPED = 1, CPU_RUNNING = 2 };
/* domain-suspend results (illumos platsvc.h: the first reply says PRE_*, the second POST_* or SUSPEND_FAILURE) */
enum { SUS_PRE_OK = 0, SUS_PRE_FAILURE = 1, SUS_INVALID = 2, SUS_FAILURE = 4, SUS_POST_OK = 5 };

#define DS_MTU 4096                /* Solaris' DS_STREAM_MTU (reference §4.3) */
#define CHANNEL_DEVHANDLE 0x200
#define DR_MAX_CPUS MD_MAX_CPUS    /* cpus in one dr-cpu request */

static struct {
  int up, busy;                    /* busy: ds_poll is reached again from smp_wait */
  uint64_t cpu;                    /* the vCPU that owns the channel and answers */
  struct ldc l;
  struct md_info *md;
  const struct workload *w;
  uint64_t handle[NSVC];            /* 0: not registered */
  uint64_t up_expected;            /* "up" mondos owed by the vCPUs this agent started */
  uint8_t *mdbuf;                  /* the last MD md-update read */
  uint64_t mdcap;
} ds;
/* out: a dr-cpu reply for every vCPU (16-byte records) plus a few reasons */
static uint8_t in[DS_MTU], out[32 + 16 * DR_MAX_CPUS + 1024];
static struct md_info fresh;
static char line[200];   /* one console line per request */

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)(v >> 32)); put32(p + 4, (uint32_t)v); }
static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) << 32 | get32(p + 4); }

/* out holds the header and len payload bytes: fill in the header and send */
static int64_t send_out(uint32_t type, uint64_t len) {
  put32(out, type);
  put32(out + 4, (uint32_t)len);
  return ldc_send(&ds.l, out, 8 + len);
}

/* The next message of one of two types (others are dropped): its type, or <0 on a reset. */
static int64_t wait_for(uint32_t a, uint32_t b) {
  for (;;) {
    int64_t n = ldc_recv(&ds.l, in, sizeof in);
    if (n < 0) return n;
    if (n >= 8 && (get32(in) == a || get32(in) == b)) return get32(in);
  }
}

/* INIT 1.0, then REG_REQ for each service: 0, or -1 (refused or the link kept resetting). */
static int ds_register(void) {
  for (int attempt = 0; attempt < 4; attempt++) {
    put16(out + 8, 1);
    put16(out + 10, 0);
    if (send_out(INIT_REQ, 4) < 0) continue;
    int64_t t = wait_for(INIT_ACK, INIT_NACK);
    if (t < 0) continue;
    if (t == INIT_NACK) {
      printf("ds: channel %lu: the domain manager refused DS version 1.0\n", ds.l.id);
      return -1;
    }
    int ok = 1, reset = 0;
    char *at = line;
    at += fmt_format(at, sizeof line, "ds: channel %lu:", ds.l.id);
    for (unsigned i = 0; i < NSVC && !reset; i++) {
      /* as Solaris: domain-suspend only where the hypervisor has guest_suspend (CORE 1.2) */
      if (i == SVC_SUSPEND && api_minor(HV_GRP_CORE) < 2) continue;
      uint64_t h = (uint64_t)i << 32 | 1;   /* upper half: service index; lower: a counter */
      size_t len = 0;
      while (svc_name[i][len]) len++;
      put64(out + 8, h);
      put16(out + 16, 1);
      put16(out + 18, 0);
      memcpy(out + 20, svc_name[i], len + 1);
      if (send_out(REG_REQ, 12 + len + 1) < 0 || (t = wait_for(REG_ACK, REG_NACK)) < 0) {
        reset = 1;
        break;
      }
      ds.handle[i] = h;
      if (t == REG_NACK) ok = 0;
      at += fmt_format(at, sizeof line - (size_t)(at - line), " %s %s", svc_name[i], t == REG_ACK ? "1.0" : "refused");
    }
    if (reset) continue;
    printf("%s\n", line);
    return ok ? 0 : -1;
  }
  printf("ds: channel %lu: the link kept resetting during registration\n", ds.l.id);
  return -1;
}

void ds_init(struct md_info *md, const struct workload *w, struct cpu *self) {
  const struct md_vdev *v = md_find_vdev(md, MD_VDEV_DS, 0);
  if (!v) return;   /* no domain manager offers services to this domain */
  if (!w->ds) {
    printf("ds: agent off (boot-file ds=off): no graceful stop, no dynamic reconfiguration\n");
    return;
  }
  if (!api_granted(HV_GRP_LDC)) {
    printf("ds: agent off: the LDC API group was not granted\n");
    return;
  }
  ds.md = md;
  ds.w = w;
  ds.cpu = self->id;
  ds.up_expected = self->mondo_up;
  ldc_open(&ds.l, v->channel, v->rx_ino, LDC_MODE_RELIABLE, 1);
  ds.up = ds_register() == 0;
}

/* ---- the services ---- */

/* out + 16 is where a reply's data starts ({handle} before it): req_num first */
static void reply_start(unsigned svc, uint64_t req) {
  put64(out + 8, ds.handle[svc]);
  put64(out + 16, req);
}

/* The MD again, into a buffer of the agent's own; the runtime's summary is replaced.
 * 0, or 1 with err saying why (when it can tell). */
static uint32_t md_reread(char *err, size_t errlen) {
  static uint8_t probe[16] __attribute__((aligned(16)));
  uint64_t size = 0, got = 0, st = hv_mach_desc(probe, 0, &size);
  if ((st != HV_EOK && st != HV_EINVAL) || !size) return 1;
  if (size > ds.mdcap) {   /* the MD outgrew the buffer: a new one (the allocator never frees) */
    ds.mdbuf = alloc(2 * size, 16);
    ds.mdcap = ds.mdbuf ? 2 * size : 0;
  }
  if (!ds.mdbuf || hv_mach_desc(ds.mdbuf, ds.mdcap, &got) != HV_EOK ||
      md_summarize(ds.mdbuf, got, &fresh, err, errlen) != 0)
    return 1;
  *ds.md = fresh;
  return 0;
}

static void md_update(uint64_t req) {
  char err[100] = "";
  uint32_t result = md_reread(err, sizeof err);
  if (result == 0)
    printf("ds: md-update: machine description read again: %u vcpus, %u mblocks\n", ds.md->ncpus, ds.md->nmblocks);
  else
    printf("ds: md-update: could not read the machine description %s\n", err);
  reply_start(SVC_MD_UPDATE, req);
  put32(out + 24, result);
  send_out(DATA, 20);
}

static void shutdown(uint64_t req, uint32_t delay_ms) {
  printf("vfsim-runtime: shutdown requested by the domain manager\n");
  reply_start(SVC_SHUTDOWN, req);
  put32(out + 24, 0);
  static const char reason[] = "shutting down";
  memcpy(out + 28, reason, sizeof reason);
  send_out(DATA, 20 + sizeof reason);
  if (delay_ms && ds.md->stick_freq) {   /* the manager asked for a grace period */
    uint64_t until = rd_stick() + ds.md->stick_freq / 1000 * delay_ms;
    while (rd_stick() < until) hv_cpu_yield();
  }
  printf("vfsim-runtime: halted\n");
  fw_exit(0);
}

static int in_md(uint32_t id) {
  for (unsigned i = 0; i < ds.md->ncpus; i++)
    if (ds.md->cpu_id[i] == id) return 1;
  return 0;
}

static uint64_t cpu_state(uint32_t id) {
  uint64_t state = 0;
  return hv_cpu_state(id, &state) == HV_EOK ? state : 0;
}

/* One vCPU of a configure request: prepared like the secondaries at boot, then started. */
static uint32_t configure(uint32_t id, uint32_t *status, const char **why) {
  if (id >= MD_MAX_CPUS || !in_md(id)) return *status = S_NOT_PRESENT, R_NOT_IN_MD;
  if (cpu_state(id) == CPU_RUNNING) return *status = S_CONFIGURED, R_OK;
  struct cpu *c = &cpus[id];
  c->id = id;
  smp_prepare(c, ds.md, 0);
  workload_prepare(c, ds.w, ds.md);
  membar_sync();   /* everything it reads before it runs */
  uint64_t st = hv_cpu_start(id, (uint64_t)secondary_start, (uint64_t)trap_table, (uint64_t)c);
  if (st != HV_EOK) {
    *why = hv_strerror(st);
    return *status = S_UNCONFIGURED, R_FAILURE;
  }
  return *status = S_CONFIGURED, R_OK;
}

static uint32_t unconfigure(uint32_t id, uint32_t *status, const char **why) {
  if (id >= MD_MAX_CPUS || !in_md(id)) return *status = S_NOT_PRESENT, R_NOT_IN_MD;
  if (id == ds.cpu) {
    *why = "it runs the domain services agent";
    return *status = S_CONFIGURED, R_FAILURE;
  }
  if (cpu_state(id) != CPU_RUNNING) return *status = S_UNCONFIGURED, R_OK;
  uint64_t st = hv_cpu_stop(id);
  if (st != HV_EOK) {
    *why = hv_strerror(st);
    return *status = S_CONFIGURED, R_FAILURE;
  }
  return *status = S_UNCONFIGURED, R_OK;
}

/* The vCPUs just started report "up" (secondary_main) before anyone says they run: wait
 * for them, at most 10 ms of %stick. How many of `started` did. */
static uint64_t wait_up(struct cpu *self, uint64_t up_before, uint64_t started) {
  ds.up_expected += started;   /* until they have, a DR operation is in progress */
  if (!started || !ds.md->stick_freq) return started;
  uint64_t until = rd_stick() + ds.md->stick_freq / 100;
  for (;;) {
    irq_disable();
    if (self->mondo_up >= up_before + started || rd_stick() >= until) break;
    hv_cpu_yield();
    irq_enable();
  }
  irq_enable();
  return self->mondo_up < up_before + started ? self->mondo_up - up_before : started;
}

/* one entry of the console line: "vcpu 2 started" or "vcpus 2-9 started" */
static size_t run_flush(char *at, uint32_t first, uint32_t last, const char *done) {
  size_t room = sizeof line - (size_t)(at - line);
  if (!done) return 0;
  if (first == last) return fmt_format(at, room, " vcpu %u %s", first, done);
  return fmt_format(at, room, " vcpus %u-%u %s", first, last, done);
}

/* {req_num, u32 type, u32 n, u32 cpu[n]} -> {req_num, u32 'o'|'e', u32 n, records[n], strings};
 * a record is {cpu, result, status, string offset from req_num (0: none)}. */
static void dr_cpu(uint64_t req, const uint8_t *p, uint64_t len) {
  uint32_t type = len >= 16 ? get32(p + 8) : 0, n = len >= 16 ? get32(p + 12) : 0;
  if (n > DR_MAX_CPUS || len < 16 + 4ul * n) n = 0, type = 0;
  const char *what = type == DR_CONFIGURE ? "configure" : type == DR_STATUS ? "status"
                     : type == DR_UNCONFIGURE || type == DR_FORCE ? "unconfigure" : "request";
  uint8_t *rec = out + 32, *str = rec + 16 * n;
  struct cpu *self = &cpus[ds.cpu];
  uint64_t up_before = self->mondo_up, started = 0;
  char *at = line;
  at += fmt_format(at, sizeof line, "ds: dr-cpu %s:", what);
  uint32_t run_first = 0, run_last = 0;
  const char *run_done = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t id = get32(p + 16 + 4 * i), status = S_NOT_PRESENT, result = R_OK;
    const char *why = 0;
    if (type == DR_CONFIGURE) {
      int was = id < MD_MAX_CPUS && cpu_state(id) == CPU_RUNNING;
      result = configure(id, &status, &why);
      started += result == R_OK && !was;
    } else if (type == DR_UNCONFIGURE || type == DR_FORCE) {
      result = unconfigure(id, &status, &why);
    } else if (type == DR_STATUS) {
      status = !in_md(id) ? S_NOT_PRESENT : cpu_state(id) == CPU_RUNNING ? S_CONFIGURED : S_UNCONFIGURED;
    }
    put32(rec, id);
    put32(rec + 4, result);
    put32(rec + 8, status);
    put32(rec + 12, 0);
    if (why && (size_t)(str - out) + 64 < sizeof out) {
      put32(rec + 12, (uint32_t)(str - (out + 16)));
      size_t k = 0;
      while (why[k] && k < 63) str[k] = (uint8_t)why[k], k++;
      str[k] = 0;
      str += k + 1;
    }
    rec += 16;
    static const char *const word[] = {"ok", "failed", "blocked", "not responding", "not in the MD"};
    const char *done = result != R_OK ? word[result < 5 ? result : 1]
                       : type == DR_CONFIGURE ? "started" : type == DR_STATUS ? (status == S_CONFIGURED ? "running" : "stopped")
                       : "stopped";
    /* consecutive vCPUs with the same outcome share one entry: "vcpus 4-9 started" */
    if (!why && run_done == done && id == run_last + 1) {
      run_last = id;
      continue;
    }
    at += run_flush(at, run_first, run_last, run_done);
    run_first = run_last = id;
    run_done = done;
    if (why) {
      at += fmt_format(at, sizeof line - (size_t)(at - line), " vcpu %u %s: %s", id, done, why);
      run_done = 0;
    }
  }
  at += run_flush(at, run_first, run_last, run_done);
  /* the new vCPUs report "up" before the reply says they run */
  uint64_t up = wait_up(self, up_before, started);
  if (up < started) {
    at += fmt_format(at, sizeof line - (size_t)(at - line), " (only %lu of %lu reported up)", up, started);
    for (uint8_t *r = out + 32; r < out + 32 + 16 * n; r += 16)
      if (get32(r + 4) == R_OK) put32(r + 4, R_NOT_RESPONDING);
  }
  if (!n) at += fmt_format(at, sizeof line - (size_t)(at - line), " malformed request");
  printf("%s\n", line);
  reply_start(SVC_DR_CPU, req);
  put32(out + 24, n || type ? DR_OK : DR_ERROR);
  put32(out + 28, n);
  send_out(DATA, (uint64_t)(str - out) - 8);
}

/* domain-suspend (illumos platsvc.h): {req_num, u64 type, 0 = suspend} -> {req_num, u32
 * result, u32 rec_result, reason}. The first reply is what the manager waits for; then the
 * suspend; then, with the same req_num, a second one: resumed, or the call failed. */
static int64_t suspend_reply(uint64_t req, uint32_t result, const char *reason) {
  size_t n = 0;
  while (reason[n]) n++;
  reply_start(SVC_SUSPEND, req);
  put32(out + 24, result);
  put32(out + 28, 0);   /* rec_result: nothing needed recovering */
  memcpy(out + 32, reason, n + 1);
  return send_out(DATA, 24 + n + 1);
}

static void domain_suspend(uint64_t req, const uint8_t *p, uint64_t len) {
  struct cpu *self = &cpus[ds.cpu];
  if (len < 16 || get64(p + 8) != 0) {
    printf("ds: domain-suspend: malformed request\n");
    suspend_reply(req, SUS_INVALID, "invalid message");
    return;
  }
  /* Solaris blocks DR first; here a DR operation is unfinished while vCPUs a dr-cpu
   * configure started have not reported "up" yet */
  if (self->mondo_up < ds.up_expected) {
    static const char why[] = "suspend failure: DR operation in progress";
    printf("ds: domain-suspend: refused: %s\n", why);
    suspend_reply(req, SUS_PRE_FAILURE, why);
    return;
  }
  suspend_reply(req, SUS_PRE_OK, "");
  /* nothing on the console from here until the resume */
  static uint32_t parked[MD_MAX_CPUS];
  unsigned nparked = suspend_park_others(ds.md, ds.cpu, parked);
  uint64_t st = suspend_self(self);
  char err[100] = "";
  if (st == HV_EOK && md_reread(err, sizeof err))   /* as Solaris, which panics then */
    die(1, "suspend: no machine description after the resume%s%s", err[0] ? ": " : "", err);
  /* the vCPUs stopped for the suspend run again, set up as a dr-cpu configure does; after a
   * migration the new MD may list more (the target binds the domain's whole count, the
   * source had shrunk it to one): the guest picks those up from the MD the same way */
  uint64_t up_before = self->mondo_up, started = 0;
  for (unsigned i = 0; i < nparked; i++) {
    uint32_t status;
    const char *why = 0;
    started += configure(parked[i], &status, &why) == R_OK;
  }
  for (unsigned i = 0; st == HV_EOK && i < ds.md->ncpus; i++) {
    uint32_t id = ds.md->cpu_id[i], status;
    const char *why = 0;
    if (id == ds.cpu || cpu_state(id) == CPU_RUNNING) continue;
    started += configure(id, &status, &why) == R_OK;
  }
  wait_up(self, up_before, started);
  char why[64] = "";
  if (st == HV_EOK) {
    printf("suspend: resumed\n");
  } else {
    printf("suspend: failed (status %lu)\n", st);
    fmt_format(why, sizeof why, "suspend failure: guest_suspend returned %s", hv_strerror(st));
  }
  uint32_t result = st == HV_EOK ? SUS_POST_OK : SUS_FAILURE;
  /* after a migration the channel was reset: register again, then say it */
  if (suspend_reply(req, result, why) < 0) {
    if (ds_register()) ds.up = 0;
    else suspend_reply(req, result, why);
  }
}

static void handle(int64_t n) {
  uint32_t type = get32(in), len = get32(in + 4);
  if (type != DATA || len < 16 || len + 8 > (uint64_t)n) return;   /* late INIT/REG answers and the like */
  uint64_t h = get64(in + 8), req = get64(in + 16);
  const uint8_t *p = in + 16;   /* the service's data, req_num first */
  uint64_t plen = len - 8;
  if (h == ds.handle[SVC_MD_UPDATE]) {
    md_update(req);
  } else if (h == ds.handle[SVC_SHUTDOWN]) {
    shutdown(req, plen >= 12 ? get32(p + 8) : 0);
  } else if (h == ds.handle[SVC_DR_CPU]) {
    dr_cpu(req, p, plen);
  } else if (ds.handle[SVC_SUSPEND] && h == ds.handle[SVC_SUSPEND]) {
    domain_suspend(req, p, plen);
  } else {
    put64(out + 8, h);
    put64(out + 16, INV_HDL);
    send_out(NACK, 16);
  }
}

void ds_poll(void) {
  if (!ds.up || ds.busy || this_cpu()->id != ds.cpu) return;
  ds.busy = 1;
  while (ldc_pending(&ds.l)) {
    int64_t n = ldc_recv(&ds.l, in, sizeof in);
    if (n == LDC_ERESET) {   /* the manager's end starts over: so do the registrations */
      if (ds_register()) {
        ds.up = 0;
        break;
      }
      continue;
    }
    if (n >= 8) handle(n);
  }
  /* re-armed: a request arriving from now on ends the next cpu_yield */
  hv_vintr_set(HV_VINTR_SETSTATE, CHANNEL_DEVHANDLE, ds.l.rx_ino, HV_INTR_IDLE);
  ds.busy = 0;
}
