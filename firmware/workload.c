/* The workloads. compute and memory time themselves with %stick; counter and paced memory
 * are paced by the STICK compare interrupt (interrupt_level_14 in traptable.S); ldc-ping
 * times round trips over a Logical Domain Channel (ldc.c). */
#include "workload.h"

#include "alloc.h"
#include "chaos.h"
#include "console.h"
#include "cpuops.h"
#include "crypto.h"
#include "ds.h"
#include "hcall.h"
#include "isolation.h"
#include "kernels.h"
#include "ldc.h"
#include "mmu.h"
#include "vnet_ping.h"

#define DEMAND_REGION 0x10000000ul   /* VA per vCPU; MEMORY_MAX_FOOTPRINT fits */

/* Demand regions start at the first 4G boundary above both 4G and guest memory, so
 * they never overlap the identity mappings. */
static uint64_t demand_base(const struct md_info *md) {
  uint64_t top = 0x100000000ul;
  for (unsigned i = 0; i < md->nmblocks; i++)
    if (md->mblock[i].base + md->mblock[i].size > top) top = md->mblock[i].base + md->mblock[i].size;
  return (top + 0xfffffffful) & ~0xfffffffful;
}

void workload_prepare(struct cpu *c, const struct workload *w, const struct md_info *md) {
  /* paced: only the boot vCPU (the caller, at boot and for dr-cpu) writes; the others'
   * regions would only take memory */
  if ((w->kind == WL_MEMORY && (!w->rate || c == this_cpu())) || w->kind == WL_CHASE || w->kind == WL_TRIAD)
    mmu_demand_prepare(c, demand_base(md) + c->id * DEMAND_REGION, w->footprint);
}

/* The timer of counter and paced memory: a level-14 interrupt every stick_freq / hz
 * ticks of %stick, counted in c->timer_ticks; suspend_self moves its deadline on by the
 * suspended interval. */
static void timer_start(struct cpu *c, const struct md_info *md, uint64_t hz, const char *name, const char *key) {
  if (!md->stick_freq) die(2, "%s: the MD has no platform stick-frequency", name);
  uint64_t period = md->stick_freq / hz;
  if (!period) die(2, "%s: %s %lu Hz is above the stick frequency", name, key, hz);
  c->timer_ticks = 0;
  c->timer_deadline = rd_stick() + period;
  c->timer_period = period;
  wr_stick_cmpr(c->timer_deadline);
}

static void timer_stop(struct cpu *c) {
  wr_stick_cmpr(STICK_CMPR_INT_DIS);
  c->timer_period = 0;
}

/* Sleeps until the timer has ticked more than `seen` times (or something else wakes the
 * vCPU), then answers the domain manager. */
static void timer_wait(struct cpu *c, uint64_t seen) {
  irq_disable();   /* see smp_wait: no tick lost between the check and the yield */
  if (c->timer_ticks == seen) hv_cpu_yield();
  irq_enable();
  ds_poll();
}

static void counter_run(struct cpu *c, const struct workload *w, const struct md_info *md) {
  timer_start(c, md, w->rate, "counter", "rate");
  uint64_t printed = 0;
  while (!w->count || printed < w->count) {
    timer_wait(c, printed);
    while (printed < c->timer_ticks && (!w->count || printed < w->count))
      printf("counter %lu\n", ++printed);
  }
  timer_stop(c);
  printf("vfsim-runtime: counter done (%lu lines)\n", printed);
  fw_exit(0);
}

/* Sleeps ms milliseconds of simulated time. */
static void sleep_ms(struct cpu *c, const struct md_info *md, uint64_t ms, const char *name) {
  timer_start(c, md, 1000, name, "wait");
  while (c->timer_ticks < ms) timer_wait(c, c->timer_ticks);
  timer_stop(c);
}

/* guard: the isolation suite's victim. Fills `footprint` bytes with a pattern, then once
 * per millisecond of simulated time, `count` times, checks that they still hold it. */
static void guard_run(struct cpu *c, const struct workload *w, const struct md_info *md) {
  uint64_t n = w->footprint / 8;
  uint64_t *buf = alloc(w->footprint, 8192);
  if (!buf) die(3, "guard: no room for 0x%lx bytes", w->footprint);
  uint64_t sum = 0;
  for (uint64_t i = 0; i < n; i++) {
    buf[i] = (i * 0x9e3779b97f4a7c15ul) ^ 0xa5a5a5a5a5a5a5a5ul;
    sum += buf[i] * (i | 1);
  }
  printf("guard: %lu bytes at 0x%lx, checksum 0x%016lx\n", w->footprint, (uint64_t)buf, sum);
  timer_start(c, md, 1000, "guard", "rate");
  for (uint64_t k = 1; k <= w->count; k++) {
    while (c->timer_ticks < k) timer_wait(c, c->timer_ticks);
    uint64_t s = 0;
    for (uint64_t i = 0; i < n; i++) s += ((volatile uint64_t *)buf)[i] * (i | 1);
    if (s != sum) {
      printf("guard: check %lu: checksum 0x%016lx, changed\n", k, s);
      fw_exit(3);
    }
  }
  timer_stop(c);
  printf("guard: %lu checks over %lu ms, checksum 0x%016lx unchanged\n", w->count, w->count, sum);
  fw_exit(0);
}

/* memory rate=R (for live-migration tests): dirties R bytes' worth of distinct 8K pages of
 * the footprint per second of simulated time, one word per page, cycling round it, at each
 * tick of the timer; one line per tick, so a test sees that a migration lost or repeated
 * none. Ticks missed (the writing took longer than a period) are each done in turn. */
static void paced_run(struct cpu *c, const struct workload *w, const struct md_info *md) {
  mmu_demand_enable(c);
  volatile uint64_t *buf = (volatile uint64_t *)c->demand_va;
  const uint64_t pages = c->demand_size / PACED_PAGE, stride = PACED_PAGE / sizeof(uint64_t);
  uint64_t done = 0, next = 0, carry = 0, dirtied = 0;
  timer_start(c, md, w->tick, "memory", "tick");
  while (!w->count || done < w->count) {
    timer_wait(c, done);
    while (done < c->timer_ticks && (!w->count || done < w->count)) {
      done++;
      for (uint64_t n = paced_pages(w->rate, w->tick, &carry); n; n--) {
        buf[next * stride] = paced_value(done, next);
        if (++next == pages) next = 0;
        dirtied++;
      }
      printf("dirty %lu\n", done);
    }
  }
  timer_stop(c);
  printf("memory: dirtied %lu pages in %lu ticks\n", dirtied, done);
  if (!w->then_idle) fw_exit(0);
  struct workload idle = *w;   /* stay up with what was written, answering the manager */
  idle.kind = WL_IDLE;
  workload_run(c, &idle, md, 1);
}

/* Misbehaviour on purpose, for the isolation tests: hand the hypervisor a real address
 * that is not ours (another guest's memory, or where it lives physically) and name vCPUs
 * we do not have; every call must fail with the sun4v error, and finally a load by that
 * real address must trap (data_access_exception, fault type 4 = invalid RA), which the
 * runtime reports as fatal. */
static const char *status_name(uint64_t s) {
  static const char *const names[] = {"EOK", "ENOCPU", "ENORADDR", "ENOINTR", "EBADPGSZ", "EBADTSB",
                                      "EINVAL", "EBADTRAP", "EBADALIGN", "EWOULDBLOCK"};
  return s < sizeof names / sizeof names[0] ? names[s] : "E?";
}

static void probe_run(const struct workload *w, const struct md_info *md) {
  uint64_t ra = w->ra, r1 = 0;
  printf("probe: real address 0x%lx, vcpu %u\n", ra, md->ncpus);
  uint64_t st = hv_call(HV_MACH_DESC, ra, 0x10000, 0, 0, 0, &r1, 0, 0, 0);
  printf("probe: mach_desc(0x%lx) -> %s\n", ra, status_name(st));
  st = hv_call(HV_CONS_WRITE, ra, 64, 0, 0, 0, 0, 0, 0, 0);
  printf("probe: cons_write(0x%lx) -> %s\n", ra, status_name(st));
  st = hv_call(HV_CPU_QCONF, 0x3d, ra & ~0x3fful, 16, 0, 0, 0, 0, 0, 0);
  printf("probe: cpu_qconf(dev mondo, 0x%lx) -> %s\n", ra & ~0x3fful, status_name(st));
  st = hv_call(HV_CPU_START, md->ncpus, ra, ra & ~0x7ffful, 0, 0, 0, 0, 0, 0);
  printf("probe: cpu_start(%u) -> %s\n", md->ncpus, status_name(st));
  st = hv_call(HV_CPU_STATE, md->ncpus, 0, 0, 0, 0, 0, 0, 0, 0);
  printf("probe: cpu_state(%u) -> %s\n", md->ncpus, status_name(st));
  printf("probe: loading from real address 0x%lx\n", ra);
  uint64_t v;
  __asm__ volatile("ldxa [%1] 0x14, %0" : "=r"(v) : "r"(ra) : "memory");
  printf("probe: read 0x%lx: isolation broken\n", v);
  fw_exit(3);
}

/* ldc-ping: byte i of message k (1-based); it differs between positions and between
 * messages, so a misplaced byte or a stale message shows */
static uint8_t ping_byte(uint64_t k, uint64_t i) { return (uint8_t)(k * 0x9d + i * 7 + (i >> 8) + (k >> 8)); }

static void ldc_ping_run(const struct workload *w, const struct md_info *md) {
  unsigned ch = 0;
  while (ch < md->nchannels && md->channel[ch].id != 0) ch++;
  if (ch == md->nchannels)
    die(2, "ldc-ping: the MD has no channel endpoint 0 (connect the domain to another one)");
  uint8_t *msg = alloc(w->size, 64), *echo = alloc(w->size, 64);
  if (!msg || !echo) die(3, "ldc-ping: no memory for %lu-byte messages", w->size);
  struct ldc l;
  int client = w->role == LDC_ROLE_CLIENT;
  ldc_open(&l, 0, md->channel[ch].rx_ino, (enum ldc_mode)w->mode, client);

  if (!client) {   /* echo every message back; a reset loses the one in flight, which the client sends again */
    uint64_t echoed = 0;
    while (echoed < w->count) {
      int64_t n = ldc_recv(&l, echo, w->size);
      if (n == LDC_EMSGSIZE) die(1, "ldc-ping: a message longer than size=%lu", w->size);
      if (n < 0 || ldc_send(&l, echo, (uint64_t)n) < 0) continue;
      echoed++;
    }
    printf("ldc-ping: server echoed %lu messages\n", echoed);
    fw_exit(0);
  }

  uint64_t ok = 0, sum = 0, min = ~0ul, max = 0;
  for (uint64_t k = 1; k <= w->count; k++) {
    for (uint64_t i = 0; i < w->size; i++) msg[i] = ping_byte(k, i);
    if (k == w->gap) l.gap = 1;
    uint64_t t0 = rd_stick();
    int64_t n;
    do {   /* after a reset the link is up again: send the message again */
      n = ldc_send(&l, msg, w->size);
      if (n >= 0) n = ldc_recv(&l, echo, w->size);
    } while (n == LDC_ERESET);
    uint64_t rtt = rd_stick() - t0;
    if (n != (int64_t)w->size) die(1, "ldc-ping: echo %lu: %ld bytes, expected %lu", k, n, w->size);
    for (uint64_t i = 0; i < w->size; i++)
      if (echo[i] != ping_byte(k, i))
        die(1, "ldc-ping: echo %lu differs at byte %lu: 0x%02x, expected 0x%02x", k, i, echo[i], ping_byte(k, i));
    /* the server acknowledges a message before it echoes it */
    if (l.mode == LDC_MODE_RELIABLE && l.acked != l.data_seq)
      die(1, "ldc-ping: message %lu not acknowledged (ackid %u, last seqid %u)", k, l.acked, l.data_seq);
    ok++;
    sum += rtt;
    if (rtt < min) min = rtt;
    if (rtt > max) max = rtt;
  }
  printf("ldc-ping: mode=%s count=%lu size=%lu ok=%lu rtt_avg=%lu rtt_min=%lu rtt_max=%lu\n",
         ldc_mode_name(w->mode), w->count, w->size, ok, sum / ok, min, max);
  printf("vfsim-runtime: ldc-ping done\n");
  fw_exit(0);
}

/* chase and triad time a span that starts at a barrier of every vCPU (after the pages are
 * touched and mapped), so that their loads overlap as on the bare machine. */
static volatile uint64_t timing_arrived;
static void timing_barrier(const struct md_info *md) {
  __atomic_fetch_add(&timing_arrived, 1, __ATOMIC_SEQ_CST);
  while (timing_arrived < md->ncpus) {}
}

void workload_run(struct cpu *c, const struct workload *w, const struct md_info *md, int is_boot) {
  struct result *r = &c->result;
  uint64_t t0 = rd_stick();
  switch (w->kind) {
    case WL_COMPUTE:
      r->iterations = w->iterations;
      r->checksum = compute_kernel((unsigned)c->id, w->iterations);
      break;
    case WL_MEMORY: {
      if (w->rate) {   /* paced: vCPU 0 writes, the others idle */
        if (is_boot) paced_run(c, w, md);
        for (;;) hv_cpu_yield();
      }
      mmu_demand_enable(c);
      t0 = rd_stick();
      uint64_t accesses;
      r->checksum = memory_kernel((volatile uint64_t *)c->demand_va, c->demand_size,
                                  (unsigned)c->id, (unsigned)w->writes, &accesses);
      r->footprint = c->demand_size;
      r->touched = accesses * sizeof(uint64_t);
      r->misses = c->misses;
      break;
    }
    case WL_CHASE: {   /* dependent loads over a demand-mapped footprint: load-to-use latency */
      mmu_demand_enable(c);
      uint64_t *p = chase_build((uint64_t *)c->demand_va, c->demand_size, (unsigned)c->id);
      /* one whole lap first, as the bare kernel does: after it the caches hold the ring's
       * most recent lines, not whatever the build left (a cyclic walk over more than the L2
       * then misses on every line) */
      p = chase_steps(p, c->demand_size / 64);
      timing_barrier(md);
      r->start = rd_stick();
      p = chase_steps(p, w->steps);
      r->end = rd_stick();
      r->checksum = (uint64_t)p;
      r->footprint = c->demand_size;
      r->iterations = w->steps;
      r->misses = c->misses;
      t0 = r->start;
      break;
    }
    case WL_TRIAD: {   /* STREAM triad over three arrays of footprint / 3 each */
      mmu_demand_enable(c);
      uint64_t n = c->demand_size / 3 / 64 * 8;   /* doubles, whole lines per array */
      double *a = (double *)c->demand_va, *b = a + n, *cc = b + n;
      for (uint64_t i = 0; i < n; i++) a[i] = 1.0, b[i] = 2.0, cc[i] = 0.5;   /* maps every page */
      timing_barrier(md);
      r->start = rd_stick();
      for (uint64_t k = 0; k < w->steps; k++) triad_kernel(a, b, cc, 3.0, n);
      r->end = rd_stick();
      r->footprint = c->demand_size;
      r->touched = 24 * n * w->steps;   /* bytes counted the STREAM way: 24 per element */
      r->checksum = (uint64_t)(a[n - 1] * 1000.0);
      r->misses = c->misses;
      t0 = r->start;
      break;
    }
    case WL_COUNTER:
      if (is_boot) counter_run(c, w, md);
      for (;;) hv_cpu_yield();
    case WL_PROBE:
      if (is_boot) probe_run(w, md);
      for (;;) hv_cpu_yield();
    case WL_ISOLATION:
      if (is_boot) {
        if (w->wait) sleep_ms(c, md, w->wait, "isolation");   /* let the victim get ready */
        isolation_run(w, md);
      }
      for (;;) hv_cpu_yield();
    case WL_GUARD:
      if (is_boot) guard_run(c, w, md);
      for (;;) hv_cpu_yield();
    case WL_CHAOS:   /* vCPU 0 only; the others stay idle and take what it sends them */
      if (is_boot) chaos_run(w, md);
      for (;;) hv_cpu_yield();
    case WL_LDC_PING:   /* vCPU 0 only: one channel user */
      if (is_boot) ldc_ping_run(w, md);
      for (;;) hv_cpu_yield();
    case WL_LDC_MAP:
      if (is_boot) ldc_map_run(w, md);
      for (;;) hv_cpu_yield();
    case WL_VDISK:
      if (is_boot) vdisk_workload_run(w, md);
      for (;;) hv_cpu_yield();
    case WL_PCIDISK:   /* vCPU 0 only: one driver of the bus */
      if (is_boot) pcidisk_workload_run(w, md);
      for (;;) hv_cpu_yield();
    case WL_CRYPTO:   /* vCPU 0 only: the queue is on its core's unit */
      if (is_boot) crypto_workload_run(w, md);
      for (;;) hv_cpu_yield();
    case WL_VNET_PING:   /* vCPU 0 only: one vnet user */
      if (is_boot) vnet_ping_run(w, md);
      for (;;) hv_cpu_yield();
    case WL_IDLE:   /* an OS with nothing to do: every vCPU sleeps until interrupted */
      if (is_boot) printf("vfsim-runtime: idle\n");
      for (;;) {
        hv_cpu_yield();
        if (is_boot) ds_poll();   /* requests of the domain manager (ds.c) */
        /* the boot vCPU echoes what is typed on its console, line by line, so a console
         * client sees its input arrive */
        uint64_t ch;
        static char line[120];
        static unsigned n;
        while (is_boot && hv_cons_getchar(&ch) == HV_EOK) {
          if (ch == '\r') ch = '\n';
          if (n < sizeof line - 1) line[n++] = (char)ch;
          if (ch == '\n' || n == sizeof line - 1) {
            line[n] = 0;
            printf("console: %s", line);
            if (line[n - 1] != '\n') printf("\n");
            n = 0;
          }
        }
      }
  }
  r->cycles = rd_stick() - t0;
}

void workload_print(const struct cpu *c, const struct workload *w) {
  const struct result *r = &c->result;
  if (w->kind == WL_CHASE)
    printf("vcpu %lu: chase footprint=%lu steps=%lu start=%lu end=%lu misses=%lu\n", c->id, r->footprint,
           r->iterations, r->start, r->end, r->misses);
  else if (w->kind == WL_TRIAD)
    printf("vcpu %lu: triad footprint=%lu bytes=%lu start=%lu end=%lu misses=%lu checksum=0x%016lx\n", c->id,
           r->footprint, r->touched, r->start, r->end, r->misses, r->checksum);
  else if (w->kind == WL_COMPUTE)
    printf("vcpu %lu: compute iterations=%lu checksum=0x%016lx cycles=%lu\n", c->id,
           r->iterations, r->checksum, r->cycles);
  else
    printf("vcpu %lu: memory footprint=%lu touched=%lu misses=%lu checksum=0x%016lx cycles=%lu\n",
           c->id, r->footprint, r->touched, r->misses, r->checksum, r->cycles);
}
