/* Concurrent pointer chasers, alone or beside streaming readers, for the timing validation
 * (docs/timing-validation.md). Arguments (vfsim-bare --arg, %o1..%o4):
 *   o1 = N, strands in the run (they meet at a barrier before timing);
 *   o2 = mode: 0 every strand chases; 1 strands on core 0 of their socket chase and the
 *        others read their own arrays line by line until every chaser has finished (a
 *        latency probe under load);
 *   o3 = place: 0 data on the strand's own socket, 1 on the other socket (socket ^ 1);
 *   o4 = chase steps (0: 4000).
 * Each strand has an 8 MB slot at 0x20000000 + socket GB + (cpuid mod 64) x 8 MB. A chaser
 * links a ring in its slot (one node per 64-byte line, shuffled order): 4 MB in mode 1,
 * 16 MB / N within 256 KB..4 MB in mode 0, so that the rings on a socket add up to at least
 * twice its 4 MB L2 however the N strands are placed (a cyclic walk of more than the L2
 * holds misses every time under LRU); then
 * it reads as many bytes after the ring (reads allocate in L2 in any model) so that its
 * ring has left L2 when timing starts.
 * Output: "chase <cpuid> <t0> <t1> <steps>" and "stream <cpuid> <t0> <t1> <bytes>" with
 * %stick (core cycle) values. */
#include "bare.h"

#define DATA_BASE 0x20000000ul
#define SLOT (8ul << 20)
#define STREAM_BYTES (2ul << 20)

static volatile u64 arrived, chasers, chasers_done;

static u64 next_rand(u64 *r) { *r = *r * 6364136223846793005ul + 1442695040888963407ul; return *r >> 33; }

/* One random cycle over `lines` lines at base (Sattolo's shuffle, with the lines' own first
 * words holding the order while it is built). */
static u64 *build_ring(u64 *base, u64 lines, u64 seed) {
  for (u64 i = 0; i < lines; i++) base[i * 8] = i;
  for (u64 i = lines - 1; i > 0; i--) {
    u64 j = next_rand(&seed) % i;
    u64 t = base[i * 8]; base[i * 8] = base[j * 8]; base[j * 8] = t;
  }
  /* base[i*8] now holds a permutation that is one cycle: link i -> perm(i) */
  for (u64 i = 0; i < lines; i++) base[i * 8] = (u64)&base[base[i * 8] * 8];
  return base;
}

static void report(const char *tag, u64 cpuid, u64 t0, u64 t1, u64 v) { report_span_of(tag, cpuid, t0, t1, 1, v, 0); }

int main(u64 cpuid, u64 nstrands, u64 mode, u64 place, u64 steps) {
  if (!nstrands || mode > 1 || place > 1) {
    struct line l = {{0}, 0};
    line_str(&l, "chasers: bad arguments");
    line_end(&l);
    return 2;
  }
  if (!steps) steps = 4000;
  u64 socket = cpuid >> 6, target = place ? socket ^ 1 : socket;
  u64 *slot = (u64 *)(DATA_BASE + (target << 30) + (cpuid & 63) * SLOT);
  int chaser = mode == 0 || ((cpuid >> 3) & 7) == 0;
  if (chaser) {
    u64 ring = mode ? 4ul << 20 : (16ul << 20) / nstrands;
    if (ring < (256ul << 10)) ring = 256ul << 10;
    if (ring > (4ul << 20)) ring = 4ul << 20;
    u64 *p = build_ring(slot, ring / 64, 0x9e3779b97f4a7c15ul ^ cpuid);
    u64 evict = 0;
    for (u64 i = ring / 8; i < 2 * ring / 8; i += 8) evict += ((volatile u64 *)slot)[i];
    if (evict == 1) p = slot;   /* keeps the reads; never true: that memory reads as zero */
    __atomic_fetch_add(&chasers, 1, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
    while (arrived < nstrands) {}
    u64 t0 = rd_stick();
    for (u64 i = 0; i < steps; i++) p = (u64 *)*p;
    u64 t1 = rd_stick();
    __atomic_fetch_add(&chasers_done, 1, __ATOMIC_SEQ_CST);
    report("chase", cpuid, t0, t1, steps);
    return p == 0;
  }
  __atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
  while (arrived < nstrands) {}
  u64 t0 = rd_stick(), lines = 0, sum = 0;
  while (chasers_done < chasers) {
    for (u64 i = 0; i < STREAM_BYTES / 8; i += 8) sum += slot[i];   /* one load per line */
    lines += STREAM_BYTES / 64;
  }
  u64 t1 = rd_stick();
  report("stream", cpuid, t0, t1, lines * 64);
  return sum == 1;
}
