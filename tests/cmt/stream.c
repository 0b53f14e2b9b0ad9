/* STREAM-style kernels over private arrays at explicit physical addresses, for the timing
 * validation (docs/timing-validation.md). Arguments (vfsim-bare --arg, %o1..%o4):
 *   o1 = N, strands in the run (all meet at a barrier before timing);
 *   o2 = kernel | passes << 8: kernel 0 copy (c = a), 1 triad (a = b + s*c), 2 rmw
 *        (a[i] += k), 3 read (sum of a); passes timed back to back (0 means 1);
 *   o3 = place: 0 data on the strand's own socket, 1 on the other socket (socket ^ 1:
 *        remote), 2 all on socket 0;
 *   o4 = elements per array, summed over the N strands (each gets o4 / N).
 * Socket s's memory is PA bit 30 (T5240) or bits 31:30 (T5440) with the default 1 GB
 * interleave, so a strand's arrays go to 0x20000000 + s GB + its share. Built twice: with
 * -DPREFETCH every loop prefetches PF_LINES lines ahead of each stream (prefetch for read,
 * and for write on stored arrays).
 * Each strand prints "stream <cpuid> <t0> <t1> <bytes>": %stick (core cycles) around its
 * timed passes and the bytes counted the STREAM way (copy 16, triad 24, rmw 16, read 8 per
 * element and pass). */
#include "bare.h"

#define DATA_BASE 0x20000000ul   /* 512 MB: above the program, its stacks and .bss */
#define SOCKET_SHIFT 30
#ifndef PF_LINES
#define PF_LINES 8               /* lines ahead: a line takes ~25 cycles of loop, memory ~215 */
#endif
#define PF (PF_LINES * 8)        /* in doubles (8 per 64-byte line) */

static volatile u64 arrived, ticket;

static void barrier(u64 n) {
  __atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
  while (arrived < n) {}
}

#ifdef PREFETCH
#define PF_READ(p) __builtin_prefetch((p), 0, 0)
#define PF_WRITE(p) __builtin_prefetch((p), 1, 0)
#else
#define PF_READ(p) ((void)0)
#define PF_WRITE(p) ((void)0)
#endif

/* Each loop handles one line (8 doubles) per turn so the prefetch is issued once a line. */
static void copy(double *restrict c, const double *restrict a, u64 n) {
  for (u64 i = 0; i < n; i += 8) {
    PF_READ(&a[i + PF]);
    PF_WRITE(&c[i + PF]);
    for (u64 j = i; j < i + 8; j++) c[j] = a[j];
  }
}

static void triad(double *restrict a, const double *restrict b, const double *restrict c, double s, u64 n) {
  for (u64 i = 0; i < n; i += 8) {
    PF_READ(&b[i + PF]);
    PF_READ(&c[i + PF]);
    PF_WRITE(&a[i + PF]);
    for (u64 j = i; j < i + 8; j++) a[j] = b[j] + s * c[j];
  }
}

static void rmw(u64 *restrict a, u64 k, u64 n) {
  for (u64 i = 0; i < n; i += 8) {
    PF_WRITE(&a[i + PF]);
    for (u64 j = i; j < i + 8; j++) a[j] += k;
  }
}

static u64 readsum(const u64 *restrict a, u64 n) {
  u64 s = 0;
  for (u64 i = 0; i < n; i += 8) {
    PF_READ(&a[i + PF]);
    for (u64 j = i; j < i + 8; j++) s += a[j];
  }
  return s;
}

int main(u64 cpuid, u64 nstrands, u64 mode, u64 place, u64 total) {
  u64 kernel = mode & 0xff, passes = (mode >> 8) & 0xff;
  if (!passes) passes = 1;
  if (!nstrands || kernel > 3 || place > 2 || total < nstrands * 8) {
    struct line l = {{0}, 0};
    line_str(&l, "stream: bad arguments");
    line_end(&l);
    return 2;
  }
  u64 idx = __atomic_fetch_add(&ticket, 1, __ATOMIC_SEQ_CST);
  u64 n = (total / nstrands) & ~7ul;            /* whole lines per strand */
  u64 socket = cpuid >> 6;                      /* 64 strands per socket */
  u64 target = place == 0 ? socket : place == 1 ? socket ^ 1 : 0;
  u64 share = (n * 8 + PF * 8 + 63) & ~63ul;    /* one array, with room for the prefetch overrun */
  double *a = (double *)(DATA_BASE + (target << SOCKET_SHIFT) + idx * 3 * share);
  double *b = (double *)((u64)a + share), *c = (double *)((u64)a + 2 * share);
  /* No initialisation pass: simulated memory starts zeroed, so the timed passes start with
   * none of the arrays in L2, and the simulation stays short. */
  barrier(nstrands);
  u64 sum = 0, t0 = rd_stick();
  for (u64 p = 0; p < passes; p++) {
    switch (kernel) {
      case 0: copy(c, a, n); break;
      case 1: triad(a, b, c, 3.0, n); break;
      case 2: rmw((u64 *)a, 3, n); break;
      default: sum += readsum((const u64 *)a, n); break;
    }
  }
  u64 t1 = rd_stick();
  static const u64 per_elem[] = {16, 24, 16, 8};
  report_span_of("stream", cpuid, t0, t1, 1, n * passes * per_elem[kernel], sum == 1 ? "!" : 0);   /* "!": keep the reads */
  return 0;
}
