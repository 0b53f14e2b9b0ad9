/* Host tests of the runtime's portable parts (MD reader, formatting, boot-file parsing,
 * workload kernels), built with the host compiler.
 *   fw_host_test --selftest
 *   fw_host_test --expect FILE [cpus=N] [mblocks=N] [mblockI=BASE:SIZE] [stick=HZ]
 *                [boot-file=S] [error=MESSAGE]
 *   fw_host_test --summary FILE           (the format md_vs_mdprint.sh compares)
 *   fw_host_test --results "BOOT-FILE" N  (the result lines a guest with N vcpus must print,
 *                                          without cycles; paced memory: its last line) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootargs.h"
#include "cryptosw.h"
#include "format.h"
#include "kernels.h"
#include "md.h"

static int failures;
#define CHECK(cond, ...)                                     \
  do {                                                       \
    if (!(cond)) {                                           \
      failures++;                                            \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);            \
      printf(__VA_ARGS__);                                   \
      printf("\n");                                          \
    }                                                        \
  } while (0)

/* ---- formatting ---- */
static void check_fmt(const char *want, const char *fmt, ...) {
  char buf[128];
  va_list ap;
  va_start(ap, fmt);
  size_t n = fmt_vformat(buf, sizeof buf, fmt, ap);
  va_end(ap);
  CHECK(strcmp(buf, want) == 0 && n == strlen(want), "format \"%s\": got \"%s\" (%zu), want \"%s\"",
        fmt, buf, n, want);
}

static void test_format(void) {
  check_fmt("42 -7 0", "%d %d %u", 42, -7, 0u);
  check_fmt("-9223372036854775808", "%ld", (long)INT64_MIN);
  check_fmt("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
  check_fmt("ff FF 0x1f", "%x %X %p", 255u, 255u, (void *)0x1f);
  check_fmt("0x00000000deadbeef", "0x%016lx", 0xdeadbeeful);
  check_fmt("[   12][12   ][00012]", "[%5d][%-5d][%05d]", 12, 12, 12);
  check_fmt("[  -12][-0012]", "[%5d][%05d]", -12, -12);
  check_fmt("hi x %", "%s %c %%", "hi", 'x');
  check_fmt("[  ab][abc]", "[%4.2s][%.*s]", "abcdef", 3, "abcdef");
  check_fmt("(null)", "%s", (char *)0);
  check_fmt("vcpu 3: compute iterations=100", "vcpu %lu: compute iterations=%lu", 3ul, 100ul);
  char small[6];
  size_t n = fmt_format(small, sizeof small, "%s", "truncated");
  CHECK(n == 5 && strcmp(small, "trunc") == 0, "truncation: got \"%s\" (%zu)", small, n);
}

/* ---- boot-file parsing ---- */
static void test_bootargs(void) {
  struct workload w;
  char err[200];
  CHECK(workload_parse("", &w, err, sizeof err) == 0 && w.kind == WL_COMPUTE && w.iterations == 100000,
        "empty boot-file is compute with defaults");
  CHECK(workload_parse("compute iterations=200000", &w, err, sizeof err) == 0 &&
            w.kind == WL_COMPUTE && w.iterations == 200000, "compute iterations");
  CHECK(workload_parse("memory footprint=4M writes=25", &w, err, sizeof err) == 0 &&
            w.kind == WL_MEMORY && w.footprint == 4u << 20 && w.writes == 25, "memory 4M");
  CHECK(workload_parse("memory", &w, err, sizeof err) == 0 && w.footprint == 1u << 20 && w.writes == 50,
        "memory defaults");
  CHECK(workload_parse("  memory footprint=100K", &w, err, sizeof err) == 0 && w.footprint == 106496,
        "footprint rounds up to 8K pages: %" PRIu64, w.footprint);
  CHECK(workload_parse("counter rate=0x10 count=0", &w, err, sizeof err) == 0 && w.kind == WL_COUNTER &&
            w.rate == 16 && w.count == 0, "counter hex rate");
  CHECK(workload_parse("counter", &w, err, sizeof err) == 0 && w.rate == 1000 && w.count == 20,
        "counter defaults");
  CHECK(workload_parse("bogus x=1", &w, err, sizeof err) != 0 &&
            strcmp(err, "unknown workload \"bogus\" (compute, memory, counter, probe, isolation, guard, chaos, idle, "
                        "ldc-ping, ldc-map, vnet-ping, vdisk, pcidisk, crypto, chase or triad)") == 0,
        "unknown: %s", err);
  CHECK(workload_parse("probe ra=0x44000000", &w, err, sizeof err) == 0 && w.kind == WL_PROBE &&
            w.ra == 0x44000000, "probe ra");
  CHECK(workload_parse("isolation ra=0x44074000 wait=5", &w, err, sizeof err) == 0 && w.kind == WL_ISOLATION &&
            w.ra == 0x44074000 && w.wait == 5, "isolation ra wait");
  CHECK(workload_parse("isolation wait=60001", &w, err, sizeof err) != 0 &&
            strcmp(err, "isolation: wait must be 0..60000 ms") == 0, "isolation wait: %s", err);
  CHECK(workload_parse("guard", &w, err, sizeof err) == 0 && w.kind == WL_GUARD && w.footprint == 1u << 20 &&
            w.count == 20, "guard defaults");
  CHECK(workload_parse("guard footprint=4M count=0", &w, err, sizeof err) != 0, "guard count 0 refused");
  CHECK(workload_parse("guard footprint=257M", &w, err, sizeof err) != 0, "guard above 256M refused");
  CHECK(workload_parse("chaos seed=7 count=500 ra=0x44000000", &w, err, sizeof err) == 0 && w.kind == WL_CHAOS &&
            w.seed == 7 && w.count == 500 && w.ra == 0x44000000, "chaos seed count ra");
  CHECK(workload_parse("chaos count=0", &w, err, sizeof err) != 0 && strcmp(err, "chaos: count must be 1..10000000") == 0,
        "chaos count 0: %s", err);
  CHECK(workload_parse("compute rate=5", &w, err, sizeof err) != 0 &&
            strcmp(err, "compute: unknown parameter \"rate\"") == 0, "bad key: %s", err);
  CHECK(workload_parse("compute iterations=12x", &w, err, sizeof err) != 0 &&
            strcmp(err, "compute: bad value \"12x\" for iterations") == 0, "bad value: %s", err);
  CHECK(workload_parse("memory footprint=1G", &w, err, sizeof err) != 0, "footprint above 256M refused");
  CHECK(workload_parse("memory writes=101", &w, err, sizeof err) != 0, "writes above 100 refused");
  CHECK(workload_parse("counter rate=0", &w, err, sizeof err) != 0, "rate 0 refused");
  CHECK(workload_parse("ldc-ping role=client", &w, err, sizeof err) == 0 && w.kind == WL_LDC_PING &&
            w.role == LDC_ROLE_CLIENT && w.count == 100 && w.size == 200 && w.mode == 1 && w.gap == 0,
        "ldc-ping defaults: %s", err);
  CHECK(workload_parse("ldc-ping role=server count=7 size=1K mode=reliable", &w, err, sizeof err) == 0 &&
            w.role == LDC_ROLE_SERVER && w.count == 7 && w.size == 1024 && w.mode == 3, "ldc-ping server: %s", err);
  CHECK(workload_parse("ldc-ping mode=raw role=client gap=0", &w, err, sizeof err) == 0 && w.mode == 0,
        "ldc-ping raw: %s", err);
  CHECK(workload_parse("ldc-ping role=client count=9 gap=3", &w, err, sizeof err) == 0 && w.gap == 3,
        "ldc-ping gap: %s", err);
  CHECK(workload_parse("ldc-ping count=5", &w, err, sizeof err) != 0 &&
            strcmp(err, "ldc-ping: role=client or role=server needed") == 0, "no role: %s", err);
  CHECK(workload_parse("ldc-ping role=both", &w, err, sizeof err) != 0 &&
            strcmp(err, "ldc-ping: role \"both\" (client or server)") == 0, "bad role: %s", err);
  CHECK(workload_parse("ldc-ping role=client mode=?", &w, err, sizeof err) != 0 &&
            strcmp(err, "ldc-ping: mode \"?\" (unreliable, reliable or raw)") == 0, "bad mode: %s", err);
  CHECK(workload_parse("ldc-ping role=client size=0", &w, err, sizeof err) != 0, "size 0 refused");
  CHECK(workload_parse("ldc-ping role=client size=65537", &w, err, sizeof err) != 0, "size above 64K refused");
  CHECK(workload_parse("ldc-ping role=client count=0", &w, err, sizeof err) != 0, "count 0 refused");
  CHECK(workload_parse("ldc-ping role=client mode=raw gap=1", &w, err, sizeof err) != 0, "gap in raw mode refused");
  CHECK(workload_parse("ldc-ping role=server gap=1", &w, err, sizeof err) != 0, "gap on a server refused");
  CHECK(workload_parse("ldc-ping role=client iterations=5", &w, err, sizeof err) != 0 &&
            strcmp(err, "ldc-ping: unknown parameter \"iterations\"") == 0, "ldc-ping bad key: %s", err);
  CHECK(workload_parse("vdisk", &w, err, sizeof err) == 0 && w.kind == WL_VDISK && w.vdisk_op == VDISK_OP_WRITE &&
            w.size == 1u << 20 && w.seed == 1 && !w.vdisk_bad && !w.reset_at && !w.flood, "vdisk defaults: %s", err);
  CHECK(workload_parse("vdisk op=verify size=4M seed=7 bad=1 reset=3 flood=10", &w, err, sizeof err) == 0 &&
            w.vdisk_op == VDISK_OP_VERIFY && w.size == 4u << 20 && w.seed == 7 && w.vdisk_bad == 1 && w.reset_at == 3 &&
            w.flood == 10, "vdisk all parameters: %s", err);
  CHECK(workload_parse("vdisk op=info", &w, err, sizeof err) == 0 && w.vdisk_op == VDISK_OP_INFO, "vdisk info");
  CHECK(workload_parse("vdisk op=erase", &w, err, sizeof err) != 0 &&
            strcmp(err, "vdisk: op \"erase\" (write, verify or info)") == 0, "vdisk bad op: %s", err);
  CHECK(workload_parse("vdisk size=1000", &w, err, sizeof err) != 0 &&
            strcmp(err, "vdisk: size must be a multiple of 512 bytes, at most 32M") == 0, "vdisk odd size: %s", err);
  CHECK(workload_parse("vdisk size=64M", &w, err, sizeof err) != 0, "vdisk size above 32M refused");
  CHECK(workload_parse("vdisk depth=4", &w, err, sizeof err) == 0 && w.depth == 4, "vdisk depth: %s", err);
  CHECK(workload_parse("vdisk", &w, err, sizeof err) == 0 && w.depth == 1, "vdisk depth default 1");
  CHECK(workload_parse("vdisk depth=9", &w, err, sizeof err) != 0 &&
            strcmp(err, "vdisk: depth must be 1..8 (requests in flight)") == 0, "vdisk depth 9: %s", err);
  CHECK(workload_parse("pcidisk", &w, err, sizeof err) == 0 && w.kind == WL_PCIDISK && w.vdisk_op == VDISK_OP_WRITE &&
            w.size == 1u << 20 && w.seed == 1 && w.depth == 4 && w.pci_bus == 0 && !w.pci_bad_dma && !w.pci_poll && !w.pci_mmio,
        "pcidisk defaults: %s", err);
  CHECK(workload_parse("pcidisk op=verify size=4M seed=3 bus=pci@500 depth=8 bad_dma=1 poll=1 mmio=1", &w, err, sizeof err) == 0 &&
            w.vdisk_op == VDISK_OP_VERIFY && w.size == 4u << 20 && w.seed == 3 && w.pci_bus == 0x500 && w.depth == 8 &&
            w.pci_bad_dma == 1 && w.pci_poll == 1 && w.pci_mmio == 1, "pcidisk all parameters: %s", err);
  CHECK(workload_parse("pcidisk then=idle", &w, err, sizeof err) == 0 && w.then_idle == 1, "pcidisk then=idle: %s", err);
  CHECK(workload_parse("chase", &w, err, sizeof err) == 0 && w.kind == WL_CHASE && w.footprint == 32u << 20 &&
            w.steps == 20000, "chase defaults: %s", err);
  CHECK(workload_parse("chase footprint=64K steps=500", &w, err, sizeof err) == 0 && w.footprint == 64u << 10 &&
            w.steps == 500, "chase parameters: %s", err);
  CHECK(workload_parse("chase footprint=4K", &w, err, sizeof err) != 0 &&
            strcmp(err, "chase: footprint must be a multiple of 8K, 8K..256M") == 0, "chase 4K: %s", err);
  CHECK(workload_parse("chase steps=0", &w, err, sizeof err) != 0 &&
            strcmp(err, "chase: steps must be 1..10000000") == 0, "chase steps=0: %s", err);
  CHECK(workload_parse("chase passes=2", &w, err, sizeof err) != 0, "chase has no passes");
  CHECK(workload_parse("triad", &w, err, sizeof err) == 0 && w.kind == WL_TRIAD && w.footprint == 24u << 20 &&
            w.steps == 1, "triad defaults: %s", err);
  CHECK(workload_parse("triad footprint=3M passes=2", &w, err, sizeof err) == 0 && w.footprint == 3u << 20 &&
            w.steps == 2, "triad parameters: %s", err);
  CHECK(workload_parse("triad footprint=8K", &w, err, sizeof err) != 0 &&
            strcmp(err, "triad: footprint must be a multiple of 8K, 24K..256M") == 0, "triad 8K: %s", err);
  CHECK(workload_parse("triad footprint=300M", &w, err, sizeof err) != 0, "triad above 256M refused");
  CHECK(workload_parse("triad passes=101", &w, err, sizeof err) != 0 &&
            strcmp(err, "triad: passes must be 1..100") == 0, "triad passes=101: %s", err);
  CHECK(workload_parse("pcidisk bus=pci@", &w, err, sizeof err) != 0 &&
            strcmp(err, "pcidisk: bus \"pci@\" (a root complex like pci@400)") == 0, "pcidisk bad bus: %s", err);
  CHECK(workload_parse("pcidisk bus=400", &w, err, sizeof err) != 0, "pcidisk bus without pci@ refused");
  CHECK(workload_parse("pcidisk bus=pci@4g0", &w, err, sizeof err) != 0, "pcidisk bus with a non-hex digit refused");
  CHECK(workload_parse("pcidisk op=erase", &w, err, sizeof err) != 0 &&
            strcmp(err, "pcidisk: op \"erase\" (write, verify or info)") == 0, "pcidisk bad op: %s", err);
  CHECK(workload_parse("pcidisk depth=0", &w, err, sizeof err) != 0 &&
            strcmp(err, "pcidisk: depth must be 1..8 (requests in flight)") == 0, "pcidisk depth 0: %s", err);
  CHECK(workload_parse("pcidisk size=1000", &w, err, sizeof err) != 0, "pcidisk odd size refused");
  CHECK(workload_parse("pcidisk bad_dma=2", &w, err, sizeof err) != 0, "pcidisk bad_dma=2 refused");
  CHECK(workload_parse("vnet-ping role=client peer=00:14:4f:F8:00:01", &w, err, sizeof err) == 0 &&
            w.kind == WL_VNET_PING && w.role == LDC_ROLE_CLIENT && w.peer_mac == 0x00144ff80001ul && w.count == 100 &&
            w.size == 64 && w.bad == VNET_BAD_NONE && w.burst == 0,
        "vnet-ping defaults: %s", err);
  CHECK(workload_parse("vnet-ping role=server count=1000 size=1514", &w, err, sizeof err) == 0 &&
            w.role == LDC_ROLE_SERVER && w.count == 1000 && w.size == 1514, "vnet-ping server: %s", err);
  CHECK(workload_parse("vnet-ping role=listen", &w, err, sizeof err) == 0 && w.role == LDC_ROLE_LISTEN,
        "vnet-ping listen: %s", err);
  CHECK(workload_parse("vnet-ping role=client bad=desc", &w, err, sizeof err) == 0 && w.bad == VNET_BAD_DESC &&
            w.peer_mac == 0, "vnet-ping bad=desc needs no peer: %s", err);
  CHECK(workload_parse("vnet-ping role=client peer=00:14:4f:f8:00:01 burst=40", &w, err, sizeof err) == 0 &&
            w.burst == 40, "vnet-ping burst: %s", err);
  CHECK(workload_parse("vnet-ping role=client peer=00:14:4f:f8:00:01 count=50 gap=20", &w, err, sizeof err) == 0 &&
            w.gap == 20, "vnet-ping gap: %s", err);
  CHECK(workload_parse("vnet-ping role=server gap=2", &w, err, sizeof err) != 0 &&
            strcmp(err, "vnet-ping: gap=N is for a client, N <= count") == 0, "vnet-ping gap on a server: %s", err);
  CHECK(workload_parse("vnet-ping role=client count=5", &w, err, sizeof err) != 0 &&
            strcmp(err, "vnet-ping: a client needs peer=MAC") == 0, "vnet-ping no peer: %s", err);
  CHECK(workload_parse("vnet-ping role=client peer=01:00:5e:00:00:01", &w, err, sizeof err) != 0 &&
            strcmp(err, "vnet-ping: peer \"01:00:5e:00:00:01\" is not a unicast MAC like 00:14:4f:f8:00:01") == 0,
        "vnet-ping multicast peer: %s", err);
  CHECK(workload_parse("vnet-ping role=client peer=00:14:4f:f8:00", &w, err, sizeof err) != 0, "short MAC refused");
  CHECK(workload_parse("vnet-ping role=client peer=00:14:4f:f8:00:01 size=59", &w, err, sizeof err) != 0 &&
            strcmp(err, "vnet-ping: size must be 60..1514 (a whole Ethernet frame)") == 0, "vnet-ping size: %s", err);
  CHECK(workload_parse("vnet-ping role=client peer=00:14:4f:f8:00:01 size=1515", &w, err, sizeof err) != 0,
        "vnet-ping size above 1514 refused");
  CHECK(workload_parse("vnet-ping role=client bad=cookie", &w, err, sizeof err) != 0 &&
            strcmp(err, "vnet-ping: bad \"cookie\" (ring or desc)") == 0, "vnet-ping bad hook: %s", err);
  CHECK(workload_parse("vnet-ping count=5", &w, err, sizeof err) != 0 &&
            strcmp(err, "vnet-ping: role=client, role=server or role=listen needed") == 0, "vnet-ping no role: %s", err);
  CHECK(workload_parse("vnet-ping role=server mode=raw", &w, err, sizeof err) != 0 &&
            strcmp(err, "vnet-ping: unknown parameter \"mode\"") == 0, "vnet-ping bad key: %s", err);
  CHECK(workload_parse("ldc-map role=server size=16K", &w, err, sizeof err) == 0 && w.kind == WL_LDC_MAP &&
            w.role == LDC_ROLE_SERVER && w.size == 16384, "ldc-map server: %s", err);
  CHECK(workload_parse("ldc-map role=client", &w, err, sizeof err) == 0 && w.role == LDC_ROLE_CLIENT && w.size == 16384,
        "ldc-map client defaults: %s", err);
  CHECK(workload_parse("ldc-map role=server size=1000", &w, err, sizeof err) != 0 &&
            strcmp(err, "ldc-map: role=client or role=server, size a multiple of 8K up to 1M") == 0, "ldc-map size: %s", err);
  CHECK(workload_parse("ldc-map size=8K", &w, err, sizeof err) != 0, "ldc-map without a role refused");
  /* then=idle: memory and compute stay up once done */
  CHECK(workload_parse("memory footprint=4M then=idle", &w, err, sizeof err) == 0 && w.then_idle == 1, "then=idle");
  CHECK(workload_parse("compute", &w, err, sizeof err) == 0 && w.then_idle == 0, "then defaults to exit");
  CHECK(workload_parse("memory then=sleep", &w, err, sizeof err) < 0 &&
            strcmp(err, "memory: then must be exit or idle, not \"sleep\"") == 0, "bad then: %s", err);
  CHECK(workload_parse("counter then=idle", &w, err, sizeof err) < 0, "then is not a counter word");
  /* memory rate=R: paced mode (live-migration tests) */
  CHECK(workload_parse("memory footprint=4M", &w, err, sizeof err) == 0 && w.rate == 0 && w.count == 0,
        "memory is unpaced without rate");
  CHECK(workload_parse("memory footprint=16M rate=1M", &w, err, sizeof err) == 0 && w.kind == WL_MEMORY &&
            w.rate == 1u << 20 && w.tick == 100 && w.count == 0 && w.then_idle == 0 && w.footprint == 16u << 20,
        "paced defaults: %s", err);
  CHECK(workload_parse("memory rate=512K tick=10 count=7 then=idle", &w, err, sizeof err) == 0 &&
            w.rate == 512u << 10 && w.tick == 10 && w.count == 7 && w.then_idle == 1,
        "paced with tick, count, then: %s", err);
  CHECK(workload_parse("memory footprint=256M rate=2G tick=10000", &w, err, sizeof err) == 0 &&
            w.rate == 2ul << 30 && w.tick == 10000, "rate with G, tick 10000: %s", err);
  CHECK(workload_parse("memory rate=100000 tick=1", &w, err, sizeof err) == 0 && w.rate == 100000 && w.tick == 1,
        "rate in bytes, tick 1: %s", err);
  CHECK(workload_parse("memory rate=0", &w, err, sizeof err) != 0 &&
            strcmp(err, "memory: rate must be 1..64G bytes per second") == 0, "rate 0 refused: %s", err);
  CHECK(workload_parse("memory footprint=256M rate=65G tick=10000", &w, err, sizeof err) != 0 &&
            strcmp(err, "memory: rate must be 1..64G bytes per second") == 0, "rate above 64G refused: %s", err);
  CHECK(workload_parse("memory rate=1M tick=0", &w, err, sizeof err) != 0 &&
            strcmp(err, "memory: tick must be 1..10000 Hz") == 0, "tick 0 refused: %s", err);
  CHECK(workload_parse("memory rate=1M tick=10001", &w, err, sizeof err) != 0 &&
            strcmp(err, "memory: tick must be 1..10000 Hz") == 0, "tick above 10000 refused: %s", err);
  CHECK(workload_parse("memory rate=1M tick=1K", &w, err, sizeof err) != 0 &&
            strcmp(err, "memory: bad value \"1K\" for tick") == 0, "tick takes no suffix: %s", err);
  CHECK(workload_parse("memory rate=1M writes=50", &w, err, sizeof err) != 0 &&
            strcmp(err, "memory: writes does not go with rate (paced mode writes one word per page)") == 0,
        "writes with rate refused: %s", err);
  CHECK(workload_parse("memory writes=0 rate=1M", &w, err, sizeof err) != 0, "writes before rate refused too");
  CHECK(workload_parse("memory count=5", &w, err, sizeof err) != 0 &&
            strcmp(err, "memory: tick and count are for paced mode (rate=R)") == 0, "count without rate: %s", err);
  CHECK(workload_parse("memory tick=100", &w, err, sizeof err) != 0, "tick without rate refused");
  CHECK(workload_parse("memory footprint=1M rate=101M tick=100", &w, err, sizeof err) != 0 &&
            strcmp(err, "memory: rate above footprint x tick (104857600): a tick's pages must be distinct") == 0,
        "a tick's pages beyond the footprint refused: %s", err);
  CHECK(workload_parse("memory footprint=1M rate=100M tick=100", &w, err, sizeof err) == 0,
        "a tick's pages = the footprint: %s", err);
  CHECK(workload_parse("memory rate=1X", &w, err, sizeof err) != 0 &&
            strcmp(err, "memory: bad value \"1X\" for rate") == 0, "bad rate suffix: %s", err);
  CHECK(workload_parse("counter", &w, err, sizeof err) == 0 && w.rate == 1000 && w.count == 20,
        "counter's defaults are not memory's");
  CHECK(workload_parse("counter tick=5", &w, err, sizeof err) != 0, "tick is not a counter word");
  /* the Domain Services agent: on unless ds=off, for every workload */
  CHECK(workload_parse("idle", &w, err, sizeof err) == 0 && w.ds == 1, "ds on by default");
  CHECK(workload_parse("idle ds=off", &w, err, sizeof err) == 0 && w.kind == WL_IDLE && w.ds == 0, "idle ds=off");
  CHECK(workload_parse("counter ds=off rate=10", &w, err, sizeof err) == 0 && w.ds == 0 && w.rate == 10,
        "counter ds=off rate=10");
  CHECK(workload_parse("compute ds=on", &w, err, sizeof err) == 0 && w.ds == 1, "compute ds=on");
  CHECK(workload_parse("idle ds=no", &w, err, sizeof err) != 0 &&
            strcmp(err, "idle: ds must be on or off, not \"no\"") == 0, "bad ds value: %s", err);
}

/* ---- the crypto workload: boot-file, algorithm table, control words, software ---- */
static void test_crypto_bootargs(void) {
  struct workload w;
  char err[200];
  CHECK(workload_parse("crypto", &w, err, sizeof err) == 0 && w.kind == WL_CRYPTO && w.crypto_algs == CRYPTO_ALL_ALGS &&
            w.crypto_nsizes == 4 && w.crypto_sizes[0] == 16 && w.crypto_sizes[1] == 256 && w.crypto_sizes[2] == 4096 &&
            w.crypto_sizes[3] == 65536 && w.entry == 8192 && w.ds == 1 && w.crypto_unit == 1,
        "crypto defaults: %s", err);
  CHECK(workload_parse("crypto sizes=64K,1,1K alg=aes-128-cbc,sha256 entry=4K ds=off", &w, err, sizeof err) == 0 &&
            w.crypto_nsizes == 3 && w.crypto_sizes[0] == 65536 && w.crypto_sizes[1] == 1 && w.crypto_sizes[2] == 1024 &&
            w.crypto_algs == (1ull << 1 | 1ull << 16) && w.entry == 4096 && w.ds == 0,
        "crypto sizes/alg/entry: %s", err);
  CHECK(workload_parse("crypto sizes=100", &w, err, sizeof err) == 0 && w.crypto_nsizes == 1 && w.crypto_sizes[0] == 100,
        "one size: %s", err);
  CHECK(workload_parse("crypto sizes=16,0", &w, err, sizeof err) != 0 && strcmp(err, "crypto: size \"0\" (1..64K bytes)") == 0,
        "size 0 refused: %s", err);
  CHECK(workload_parse("crypto sizes=65537", &w, err, sizeof err) != 0 &&
            strcmp(err, "crypto: size \"65537\" (1..64K bytes)") == 0, "size above 64K refused: %s", err);
  CHECK(workload_parse("crypto sizes=16,,32", &w, err, sizeof err) != 0 && strcmp(err, "crypto: size \"\" (1..64K bytes)") == 0,
        "empty size refused: %s", err);
  CHECK(workload_parse("crypto sizes=1,2,3,4,5,6,7,8", &w, err, sizeof err) == 0 && w.crypto_nsizes == 8, "8 sizes: %s", err);
  CHECK(workload_parse("crypto sizes=1,2,3,4,5,6,7,8,9", &w, err, sizeof err) != 0 &&
            strcmp(err, "crypto: at most 8 sizes") == 0, "9 sizes refused: %s", err);
  CHECK(workload_parse("crypto alg=sha,hmac-md5", &w, err, sizeof err) == 0 &&
            w.crypto_algs == (1ull << 15 | 1ull << 16 | 1ull << 17 | 1ull << 18), "alg groups: %s", err);
  CHECK(workload_parse("crypto alg=aes", &w, err, sizeof err) == 0 && w.crypto_algs == 0x1ff, "aes = 9 algorithms");
  CHECK(workload_parse("crypto alg=des", &w, err, sizeof err) == 0 && w.crypto_algs == 0xf << 9, "des and 3des");
  CHECK(workload_parse("crypto alg=cipher", &w, err, sizeof err) == 0 && w.crypto_algs == 0x3fff, "ciphers");
  CHECK(workload_parse("crypto alg=hash,crc32", &w, err, sizeof err) == 0 && w.crypto_algs == (0xfull << 14 | 1ull << 21),
        "hashes and crc32");
  CHECK(workload_parse("crypto alg=hmac", &w, err, sizeof err) == 0 && w.crypto_algs == 7ull << 18, "hmacs");
  CHECK(workload_parse("crypto alg=rc4,all", &w, err, sizeof err) == 0 && w.crypto_algs == CRYPTO_ALL_ALGS, "all");
  CHECK(workload_parse("crypto alg=modexp,sha256 irq=1", &w, err, sizeof err) == 0 &&
            w.crypto_algs == (CRYPTO_MODEXP_BIT | 1ull << 16) && w.crypto_irq == 1,
        "alg=modexp, irq=1: %s", err);
  CHECK(workload_parse("crypto alg=aes,blowfish", &w, err, sizeof err) != 0 && strncmp(err, "crypto: alg \"blowfish\" (all,", 28) == 0,
        "unknown algorithm refused: %s", err);
  CHECK(workload_parse("crypto alg=aes,", &w, err, sizeof err) != 0 && strncmp(err, "crypto: alg \"\" (", 16) == 0,
        "empty algorithm refused: %s", err);
  CHECK(workload_parse("crypto entry=1000", &w, err, sizeof err) != 0 &&
            strcmp(err, "crypto: entry must be a multiple of 16 bytes, at most 64K") == 0, "entry not x16: %s", err);
  CHECK(workload_parse("crypto entry=128K", &w, err, sizeof err) != 0, "entry above 64K refused");
  CHECK(workload_parse("crypto entry=1K", &w, err, sizeof err) != 0 &&
            strcmp(err, "crypto: entry=1024 splits 65536 bytes into 64 queue entries, at most 63 fit") == 0,
        "a request larger than the queue refused: %s", err);
  CHECK(workload_parse("crypto entry=16 sizes=1008", &w, err, sizeof err) == 0, "63 entries fit: %s", err);
  CHECK(workload_parse("crypto entry=16 sizes=1009", &w, err, sizeof err) != 0, "64 entries do not");
  CHECK(workload_parse("crypto count=5", &w, err, sizeof err) != 0 && strcmp(err, "crypto: unknown parameter \"count\"") == 0,
        "crypto count refused: %s", err);
  CHECK(workload_parse("vdisk alg=aes", &w, err, sizeof err) != 0, "alg is crypto's word only");
  CHECK(workload_parse("crypto unit=off", &w, err, sizeof err) == 0 && w.crypto_unit == 0 && w.crypto_bad == 0,
        "unit=off: %s", err);
  CHECK(workload_parse("crypto bad=1", &w, err, sizeof err) == 0 && w.crypto_bad == 1, "bad=1: %s", err);
  CHECK(workload_parse("crypto unit=no", &w, err, sizeof err) != 0 &&
            strcmp(err, "crypto: unit must be on or off, not \"no\"") == 0, "bad unit value: %s", err);
}

static int hex_is(const uint8_t *p, const char *hex) {
  for (size_t i = 0; hex[2 * i]; i++) {
    unsigned v;
    if (sscanf(hex + 2 * i, "%2x", &v) != 1 || p[i] != v) return 0;
  }
  return 1;
}

/* 1024-bit modexp of cryptosw.h's fixed inputs: CRC-32 of the 128-byte big-endian result
 * as Python's pow(base, e, N) gives it (tests/hv/crypto_check.py) */
static void test_modexp(void) {
  uint8_t b[128];
  uint64_t n[MODEXP_WORDS], r2[MODEXP_WORDS], base[MODEXP_WORDS], e[MODEXP_WORDS], out[MODEXP_WORDS], e1 = 65537;
  for (unsigned i = 0; i < 128; i++) b[i] = modexp_n_byte(i);
  modexp_from_bytes(b, n);
  for (unsigned i = 0; i < 128; i++) b[i] = modexp_base_byte(i);
  modexp_from_bytes(b, base);
  for (unsigned i = 0; i < 128; i++) b[i] = modexp_exp_byte(i);
  modexp_from_bytes(b, e);
  CHECK(n[0] * (0 - mont_nprime64(n[0])) == 1, "nprime");
  mont_r2(n, r2);
  modexp_sw(n, r2, base, &e1, 1, out);
  modexp_to_bytes(out, b);
  CHECK(crc32_update(0, b, 128) == 0xf01c5cd4u, "modexp e=65537: crc32 %08x", crc32_update(0, b, 128));
  modexp_sw(n, r2, base, e, MODEXP_WORDS, out);
  modexp_to_bytes(out, b);
  CHECK(crc32_update(0, b, 128) == 0xb914b9e9u, "modexp e=1024-bit: crc32 %08x", crc32_update(0, b, 128));
  uint64_t zero = 0;
  modexp_sw(n, r2, base, &zero, 1, out);
  CHECK(out[0] == 1 && out[1] == 0 && out[15] == 0, "modexp e=0 gives 1");
}

static void test_cryptosw(void) {
  /* the table: names unique, families as alg= documents them */
  for (unsigned i = 0; i < CRYPTO_NALGS; i++)
    for (unsigned j = i + 1; j < CRYPTO_NALGS; j++)
      CHECK(strcmp(crypto_algs[i].name, crypto_algs[j].name) != 0, "algorithm %s twice", crypto_algs[i].name);
  /* control words, bit by bit as Linux's n2_core.h lays them out */
  CHECK(cwq_control(&crypto_algs[1], 16, 0) == 0x408000001100000full, "aes-128-cbc 16 B: 0x%016llx",
        (unsigned long long)cwq_control(&crypto_algs[1], 16, 0));
  CHECK(cwq_control(&crypto_algs[8], 65536, 0) == 0x408000001b00ffffull, "aes-256-ctr 64 KB");
  CHECK(cwq_control(&crypto_algs[13], 1, 0) == 0x4080000000000000ull, "rc4 1 B");
  CHECK(cwq_control(&crypto_algs[16], 4096, 0) == 0xc1001f0300000fffull, "sha256 4 KB: 0x%016llx",
        (unsigned long long)cwq_control(&crypto_algs[16], 4096, 0));
  CHECK(cwq_control(&crypto_algs[17], 4096, 0) == 0xc1001f0300000fffull, "sha224 = the sha256 engine, 32-byte state");
  CHECK(cwq_control(&crypto_algs[14], 16, 0) == 0xc1000f010000000full, "md5 16 B");
  CHECK(cwq_control(&crypto_algs[19], 64, 20) == 0xc10013060013003full, "hmac-sha1 key 20: 0x%016llx",
        (unsigned long long)cwq_control(&crypto_algs[19], 64, 20));
  CHECK(cwq_control(&crypto_algs[21], 256, 0) == 0xc1000304000000ffull, "crc32 256 B");
  uint8_t iv[32];
  crypto_hash_iv(&crypto_algs[14], iv);
  CHECK(hex_is(iv, "0123456789abcdeffedcba9876543210"), "md5 initial state, little-endian words");
  crypto_hash_iv(&crypto_algs[15], iv);
  CHECK(hex_is(iv, "67452301efcdab8998badcfe10325476c3d2e1f0"), "sha1 initial state");
  crypto_hash_iv(&crypto_algs[17], iv);
  CHECK(hex_is(iv, "c1059ed8367cd5073070dd17f70e5939ffc00b316858151164f98fa7befa4fa4"), "sha224 initial state");

  /* AES, FIPS-197 appendix C */
  uint8_t key[32], pt[16], ct[64];
  for (unsigned i = 0; i < 32; i++) key[i] = (uint8_t)i;
  for (unsigned i = 0; i < 16; i++) pt[i] = (uint8_t)(i * 0x11);
  struct aes_key k;
  aes_setkey(&k, key, 16);
  aes_encrypt_block(&k, pt, ct);
  CHECK(hex_is(ct, "69c4e0d86a7b0430d8cdb78070b4c55a"), "AES-128 FIPS-197 C.1");
  aes_setkey(&k, key, 24);
  aes_encrypt_block(&k, pt, ct);
  CHECK(hex_is(ct, "dda97ca4864cdfe06eaf70a0ec0d7191"), "AES-192 FIPS-197 C.2");
  aes_setkey(&k, key, 32);
  aes_encrypt_block(&k, pt, ct);
  CHECK(hex_is(ct, "8ea2b7ca516745bfeafc49904b496089"), "AES-256 FIPS-197 C.3");
  /* SP 800-38A F.2.1 (CBC-AES128) and F.5.1 (CTR-AES128), first two blocks */
  static const char *const k38 = "2b7e151628aed2a6abf7158809cf4f3c";
  static const char *const p38 = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51";
  uint8_t in[32], ivb[16];
  for (unsigned i = 0; i < 16; i++) sscanf(k38 + 2 * i, "%2hhx", &key[i]);
  for (unsigned i = 0; i < 32; i++) sscanf(p38 + 2 * i, "%2hhx", &in[i]);
  aes_setkey(&k, key, 16);
  for (unsigned i = 0; i < 16; i++) ivb[i] = (uint8_t)i;
  aes_encrypt(&k, CHAIN_CBC, ivb, in, ct, 32);
  CHECK(hex_is(ct, "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"), "AES-128-CBC SP 800-38A");
  for (unsigned i = 0; i < 16; i++) ivb[i] = (uint8_t)(0xf0 + i);
  aes_encrypt(&k, CHAIN_CTR, ivb, in, ct, 32);
  CHECK(hex_is(ct, "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"), "AES-128-CTR SP 800-38A");
  CHECK(hex_is(ivb, "f0f1f2f3f4f5f6f7f8f9fafbfcfdff01"), "CTR counter advanced by 2 with a carry");
  for (unsigned i = 0; i < 16; i++) ivb[i] = 0xff;   /* the counter wraps round all 128 bits */
  aes_encrypt(&k, CHAIN_CTR, ivb, in, ct, 17);
  CHECK(hex_is(ivb, "00000000000000000000000000000001"), "CTR counter wraps");

  /* SHA-256 / SHA-224, FIPS 180 examples; HMAC-SHA256 RFC 4231 case 2 */
  struct sha256 s;
  uint8_t d[32];
  sha256_init(&s, 0);
  sha256_update(&s, "abc", 3);
  sha256_final(&s, d);
  CHECK(hex_is(d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "SHA-256 abc");
  static const char *const two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  sha256_init(&s, 0);
  for (const char *c = two; *c; c++) sha256_update(&s, c, 1);   /* byte by byte */
  sha256_final(&s, d);
  CHECK(hex_is(d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"), "SHA-256 448 bits");
  sha256_init(&s, 1);
  sha256_update(&s, "abc", 3);
  sha256_final(&s, d);
  CHECK(hex_is(d, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"), "SHA-224 abc");
  sha256_init(&s, 0);
  sha256_final(&s, d);
  CHECK(hex_is(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), "SHA-256 empty");
  hmac_sha256((const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28, d);
  CHECK(hex_is(d, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"), "HMAC-SHA256 RFC 4231 2");
  CHECK(crc32_update(0, "123456789", 9) == 0xcbf43926u, "CRC-32 check value");
  CHECK(crc32_update(crc32_update(0, "1234", 4), "56789", 5) == 0xcbf43926u, "CRC-32 in two pieces");
  uint8_t st[258];
  rc4_schedule(st, (const uint8_t *)"Key", 3);
  rc4_crypt(st, (const uint8_t *)"Plaintext", ct, 9);
  CHECK(hex_is(ct, "bbf316e8d940af0ad3"), "RC4 Key/Plaintext");

  /* the workload's own patterns: software over them, as the guest computes it */
  static uint8_t data[65536], out[65536 + 32];
  for (unsigned i = 0; i < sizeof data; i++) data[i] = crypto_data_byte(i);
  CHECK(data[0] == 0x5a && data[1] == 0xc7 && data[256] == 0x5b, "data pattern");
  unsigned sw = 0;
  for (unsigned i = 0; i < CRYPTO_NALGS; i++) {
    int rc = crypto_software(&crypto_algs[i], data, 4096, out);
    CHECK((rc == 0) == crypto_algs[i].software, "%s: software %d", crypto_algs[i].name, rc);
    sw += rc == 0;
  }
  CHECK(sw == 14, "14 algorithms in software, not %u", sw);
}

/* ---- a small MD encoder, to test what mdgen's samples lack (cpus/memory/openboot) ---- */
struct enc {
  uint8_t el[96][16];
  unsigned ne, last_node;
  int have_node;
  char names[1024];
  unsigned nn;
  uint8_t data[1024];
  unsigned nd;
};

static void put32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static void put64(uint8_t *p, uint64_t v) { put32(p, v >> 32); put32(p + 4, (uint32_t)v); }

static unsigned add(struct enc *e, uint8_t tag, const char *name, uint64_t v) {
  uint8_t *p = e->el[e->ne];
  memset(p, 0, 16);
  p[0] = tag;
  if (name) {
    p[1] = (uint8_t)strlen(name);
    put32(p + 4, e->nn);
    strcpy(e->names + e->nn, name);
    e->nn += (unsigned)strlen(name) + 1;
  }
  put64(p + 8, v);
  return e->ne++;
}
static void node(struct enc *e, const char *name) {
  if (e->have_node) add(e, 'E', 0, 0);
  unsigned i = add(e, 'N', name, 0);
  if (e->have_node) put64(e->el[e->last_node] + 8, i);
  e->last_node = i;
  e->have_node = 1;
}
static void str(struct enc *e, const char *name, const char *s) {
  unsigned len = (unsigned)strlen(s) + 1;
  memcpy(e->data + e->nd, s, len);
  add(e, 's', name, (uint64_t)len << 32 | e->nd);
  e->nd += (len + 7) & ~7u;
}
static size_t finish(struct enc *e, uint8_t *out) {
  add(e, 'E', 0, 0);
  unsigned end = add(e, 0, 0, 0);
  put64(e->el[e->last_node] + 8, end);
  unsigned names = (e->nn + 15) & ~15u;
  put32(out, 0x10000);
  put32(out + 4, e->ne * 16);
  put32(out + 8, names);
  put32(out + 12, e->nd);
  memcpy(out + 16, e->el, e->ne * 16);
  memset(out + 16 + e->ne * 16, 0, names);
  memcpy(out + 16 + e->ne * 16, e->names, e->nn);
  memcpy(out + 16 + e->ne * 16 + names, e->data, e->nd);
  return 16 + e->ne * 16 + names + e->nd;
}

static void dat(struct enc *e, const char *name, const uint64_t *v, unsigned n) {
  for (unsigned i = 0; i < n; i++) put64(e->data + e->nd + 8 * i, v[i]);
  add(e, 'd', name, (uint64_t)(8 * n) << 32 | e->nd);
  e->nd += 8 * n;
}

/* root -> phys_io -> iodevice pci@400 (every property a T5x40 guest MD gives), pci@500 (only
 * cfg-handle: the rest stays 0), a "pciex" iodevice not under phys_io and a non-pciex one under
 * it (both ignored) */
static size_t pci_md(uint8_t *out) {
  static struct enc e;
  memset(&e, 0, sizeof e);
  node(&e, "root");
  unsigned arc_root = add(&e, 'a', "fwd", 0);
  node(&e, "cpu");
  add(&e, 'v', "id", 0);
  node(&e, "mblock");
  add(&e, 'v', "base", 0x8000000);
  add(&e, 'v', "size", 0x4000000);
  node(&e, "phys_io");
  put64(e.el[arc_root] + 8, e.last_node);
  unsigned arcs[3] = {add(&e, 'a', "fwd", 0), add(&e, 'a', "fwd", 0), add(&e, 'a', "fwd", 0)};
  node(&e, "iodevice");
  put64(e.el[arcs[0]] + 8, e.last_node);
  str(&e, "name", "pci");
  str(&e, "device-type", "pciex");
  add(&e, 'v', "cfg-handle", 0x400);
  static const uint64_t ranges[6] = {0xc810000000, 0x10000000, 0xca00000000, 0x7fff0000, 0xcc00000000, 0x3ffff0000};
  static const uint64_t vdma[2] = {0x80000000, 0x80000000}, buses[2] = {2, 0xff}, eqs[3] = {0, 36, 24};
  static const uint64_t msis[2] = {0, 256}, msiaddr[6] = {0, 0x7fff0000, 0x10000, 3, 0xffff0000, 0x10000};
  dat(&e, "address-ranges", ranges, 6);
  dat(&e, "virtual-dma", vdma, 2);
  dat(&e, "bus-ranges", buses, 2);
  add(&e, 'v', "#msi-eqs", 36);
  add(&e, 'v', "msi-eq-size", 128);
  dat(&e, "msi-eq-to-devino", eqs, 3);
  add(&e, 'v', "#msi", 256);
  dat(&e, "msi-ranges", msis, 2);
  add(&e, 'v', "msi-data-mask", 0xff);
  add(&e, 'v', "msix-data-width", 32);
  dat(&e, "msi-address-ranges", msiaddr, 6);
  add(&e, 'v', "ino-bitmap", 0xf);
  node(&e, "iodevice");
  put64(e.el[arcs[1]] + 8, e.last_node);
  str(&e, "device-type", "pciex");
  add(&e, 'v', "cfg-handle", 0x500);
  node(&e, "iodevice");
  put64(e.el[arcs[2]] + 8, e.last_node);
  str(&e, "device-type", "pci");
  add(&e, 'v', "cfg-handle", 0x600);
  node(&e, "iodevice");   /* no arc from phys_io */
  str(&e, "device-type", "pciex");
  add(&e, 'v', "cfg-handle", 0x700);
  return finish(&e, out);
}

/* channels: 0 none, 1 endpoints 0 (inos given) and 3 (inos implied), 2 one without id;
 * crypto: units as vfsim lists them ("cwq"/"mau" nodes with fwd arcs to their cpus) and as
 * a real MD does ("exec-unit" nodes with a type, back arcs to the cpus) */
static size_t synthetic_md(uint8_t *out, const char *boot_file, int channels, int crypto) {
  static struct enc e;
  memset(&e, 0, sizeof e);
  node(&e, "root");
  node(&e, "platform");
  add(&e, 'v', "stick-frequency", 1415000000);
  node(&e, "cpus");
  unsigned cpu_node[3];
  for (unsigned id = 0; id < 3; id++) {
    node(&e, "cpu");
    cpu_node[id] = e.last_node;
    add(&e, 'v', "id", id == 2 ? 5 : id);   /* ids need not be contiguous */
    add(&e, 'v', "q-cpu-mondo-#bits", id == 1 ? 5 : 7);
  }
  if (crypto) {
    node(&e, "cwq");   /* core 3: cpus 0 and 1 */
    add(&e, 'v', "id", 3);
    add(&e, 'a', "fwd", cpu_node[0]);
    add(&e, 'a', "fwd", cpu_node[1]);
    add(&e, 'a', "back", 0);   /* to the root: not a cpu */
    node(&e, "exec-unit");     /* no id; cpu id 5 */
    str(&e, "type", "mau");
    add(&e, 'a', "back", cpu_node[2]);
    node(&e, "exec-unit");
    str(&e, "type", "cwq");
    add(&e, 'v', "id", 9);
    add(&e, 'a', "back", cpu_node[2]);
    add(&e, 'a', "fwd", cpu_node[2]);   /* counted once */
    node(&e, "exec-unit");     /* neither: ignored */
    str(&e, "type", "rng");
  }
  node(&e, "memory");
  node(&e, "mblock");
  add(&e, 'v', "base", 0x8000000);
  add(&e, 'v', "size", 0x10000000);
  node(&e, "mblock");
  add(&e, 'v', "base", 0x400000000);
  add(&e, 'v', "size", 0x4000000);
  if (channels) {
    node(&e, "channel-endpoints");
    node(&e, "channel-endpoint");
    if (channels == 1) add(&e, 'v', "id", 0);
    add(&e, 'v', "tx-ino", 0);
    add(&e, 'v', "rx-ino", 1);
    node(&e, "channel-endpoint");
    add(&e, 'v', "id", 3);
  }
  node(&e, "openboot");
  node(&e, "variables");
  str(&e, "boot-device", "disk");
  if (boot_file) str(&e, "boot-file", boot_file);
  return finish(&e, out);
}

static void test_md(void) {
  static uint8_t buf[4096];
  static struct md_info info;
  char err[128];
  size_t len = synthetic_md(buf, "memory footprint=4M writes=25", 0, 0);
  int rc = md_summarize(buf, len, &info, err, sizeof err);
  CHECK(rc == 0, "synthetic MD: %s", err);
  CHECK(info.ncpus == 3 && info.cpu_id[0] == 0 && info.cpu_id[1] == 1 && info.cpu_id[2] == 5,
        "synthetic MD cpus: %u", info.ncpus);
  CHECK(info.cpu_mondo_bits == 5, "smallest q-cpu-mondo-#bits: %u", info.cpu_mondo_bits);
  CHECK(info.nmblocks == 2 && info.mblock[0].base == 0x8000000 && info.mblock[0].size == 0x10000000 &&
            info.mblock[1].base == 0x400000000 && info.mblock[1].size == 0x4000000,
        "synthetic MD mblocks");
  CHECK(info.stick_freq == 1415000000, "stick %" PRIu64, info.stick_freq);
  CHECK(info.has_boot_file && strcmp(info.boot_file, "memory footprint=4M writes=25") == 0,
        "boot-file \"%s\"", info.boot_file);
  CHECK(info.nchannels == 0, "no channels: %u", info.nchannels);

  len = synthetic_md(buf, "ldc-ping role=server", 1, 0);
  CHECK(md_summarize(buf, len, &info, err, sizeof err) == 0, "MD with channels: %s", err);
  CHECK(info.nchannels == 2 && info.channel[0].id == 0 && info.channel[0].tx_ino == 0 &&
            info.channel[0].rx_ino == 1 && info.channel[1].id == 3 && info.channel[1].tx_ino == 6 &&
            info.channel[1].rx_ino == 7, "channel endpoints: %u", info.nchannels);
  CHECK(info.ncrypto == 0 && !md_find_crypto(&info, MD_CRYPTO_CWQ, 0), "no crypto units");
  len = synthetic_md(buf, 0, 2, 0);
  CHECK(md_summarize(buf, len, &info, err, sizeof err) != 0 &&
            strstr(err, "channel-endpoint node at element") && strstr(err, "has no id"),
        "channel-endpoint without id: %s", err);

  len = synthetic_md(buf, "crypto", 0, 1);
  CHECK(md_summarize(buf, len, &info, err, sizeof err) == 0, "MD with crypto units: %s", err);
  CHECK(info.ncrypto == 3 && info.crypto[0].type == MD_CRYPTO_CWQ && info.crypto[0].id == 3 &&
            info.crypto[0].ncpus == 2 && info.crypto[0].cpu[0] == 0 && info.crypto[0].cpu[1] == 1 &&
            info.crypto[1].type == MD_CRYPTO_MAU && info.crypto[1].id == MD_NONE && info.crypto[1].ncpus == 1 &&
            info.crypto[1].cpu[0] == 5 && info.crypto[2].type == MD_CRYPTO_CWQ && info.crypto[2].id == 9 &&
            info.crypto[2].ncpus == 1 && info.crypto[2].cpu[0] == 5,
        "crypto units: %u", info.ncrypto);
  CHECK(md_find_crypto(&info, MD_CRYPTO_CWQ, 1) == &info.crypto[0] &&
            md_find_crypto(&info, MD_CRYPTO_CWQ, 5) == &info.crypto[2] &&
            md_find_crypto(&info, MD_CRYPTO_MAU, 5) == &info.crypto[1] && !md_find_crypto(&info, MD_CRYPTO_MAU, 0) &&
            !md_find_crypto(&info, MD_CRYPTO_CWQ, 2),
        "the unit of a vcpu");

  CHECK(info.npci == 0 && !md_find_pci(&info, 0x400), "no root complexes");
  len = pci_md(buf);
  CHECK(md_summarize(buf, len, &info, err, sizeof err) == 0, "MD with root complexes: %s", err);
  const struct md_pci *b = md_find_pci(&info, 0x400), *c = md_find_pci(&info, 0x500);
  CHECK(info.npci == 2 && b == &info.pci[0] && c == &info.pci[1] && !md_find_pci(&info, 0x600) &&
            !md_find_pci(&info, 0x700), "root complexes under phys_io: %u", info.npci);
  CHECK(b && b->io_ra == 0xc810000000 && b->io_size == 0x10000000 && b->mem32_ra == 0xca00000000 &&
            b->mem32_size == 0x7fff0000 && b->mem64_ra == 0xcc00000000 && b->mem64_size == 0x3ffff0000 &&
            b->dvma_base == 0x80000000 && b->dvma_size == 0x80000000 && b->bus_first == 2 && b->bus_last == 0xff,
        "pci@400 windows");
  CHECK(b && b->msi_eqs == 36 && b->msi_eq_size == 128 && b->eq_first == 0 && b->eq_count == 36 && b->eq_devino == 24 &&
            b->msis == 256 && b->msi_first == 0 && b->msi_count == 256 && b->msi_data_mask == 0xff &&
            b->msix_data_width == 32 && b->msi32_addr == 0x7fff0000 && b->msi32_size == 0x10000 &&
            b->msi64_addr == 0x3ffff0000 && b->msi64_size == 0x10000 && b->ino_bitmap == 0xf,
        "pci@400 MSI properties");
  CHECK(c && c->mem32_ra == 0 && c->msi_eq_size == 0 && c->msi32_addr == 0, "pci@500 without properties reads 0");

  len = synthetic_md(buf, 0, 1, 0);
  CHECK(md_summarize(buf, len, &info, err, sizeof err) == 0 && !info.has_boot_file &&
            info.boot_file[0] == 0, "no boot-file");

  /* damaged copies: every one must give an error, never a crash */
  CHECK(md_summarize(buf, len - 1, &info, err, sizeof err) != 0 && strstr(err, "only"),
        "truncated MD: %s", err);
  CHECK(md_summarize(buf, 8, &info, err, sizeof err) != 0, "no header");
  buf[1] = 2;
  CHECK(md_summarize(buf, len, &info, err, sizeof err) != 0 &&
            strcmp(err, "MD transport version 0x20000, expected 0x10000") == 0, "version: %s", err);
  buf[1] = 1;
  static uint8_t copy[4096];
  for (size_t i = 16; i < len; i++) {   /* flip each byte in turn */
    memcpy(copy, buf, len);
    copy[i] ^= 0xff;
    md_summarize(copy, len, &info, err, sizeof err);
  }
}

static void test_kernels(void) {
  uint64_t a = compute_kernel(0, 1000), b = compute_kernel(1, 1000);
  CHECK(a != b && a == compute_kernel(0, 1000), "compute checksums depend on the vcpu only");
  static uint64_t m1[1 << 14], m2[1 << 14];
  uint64_t n1, n2;
  memset(m2, 0xa5, sizeof m2);   /* different initial contents: same result */
  uint64_t c1 = memory_kernel(m1, sizeof m1, 3, 50, &n1), c2 = memory_kernel(m2, sizeof m2, 3, 50, &n2);
  CHECK(c1 == c2 && n1 == n2 && n1 == MEMORY_PASSES * sizeof m1 / MEMORY_STRIDE,
        "memory kernel deterministic (%" PRIu64 " accesses)", n1);
  CHECK(memory_kernel(m1, sizeof m1, 3, 0, &n1) != memory_kernel(m1, sizeof m1, 3, 100, &n1),
        "writes changes the checksum");
  /* paced memory: the carried remainder makes the average exact */
  uint64_t carry = 0, seq[8], total = 0;
  for (int i = 0; i < 8; i++) seq[i] = paced_pages(1u << 20, 100, &carry);
  CHECK(seq[0] == 1 && seq[1] == 1 && seq[2] == 1 && seq[3] == 2 && seq[4] == 1 && seq[7] == 2,
        "rate=1M tick=100: %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " ...", seq[0], seq[1], seq[2], seq[3]);
  carry = 0;
  for (int i = 0; i < 5; i++) total += paced_pages(8u << 20, 100, &carry);
  CHECK(total == 51, "rate=8M tick=100: %" PRIu64 " pages in 5 ticks, want 51", total);
  carry = 0, total = 0;
  for (uint64_t i = 1; i <= 1000; i++) {
    total += paced_pages(12345678, 7, &carry);
    if (total != i * 12345678 / (7 * PACED_PAGE)) break;
  }
  CHECK(total == 1000ull * 12345678 / (7 * PACED_PAGE), "n ticks dirty floor(n * rate / (tick * 8K)) pages");
  CHECK(paced_value(1, 5) != paced_value(2, 5) && paced_value(1, 5) != paced_value(1, 6), "paced values differ");
}

/* ---- MD files ---- */
static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  static uint8_t buf[1 << 20];
  *len = fread(buf, 1, sizeof buf, f);
  fclose(f);
  return buf;
}

static int summary(const char *path) {
  size_t len;
  uint8_t *buf = read_file(path, &len);
  static struct md_info info;
  char err[128];
  if (md_summarize(buf, len, &info, err, sizeof err)) { printf("error %s\n", err); return 1; }
  printf("cpus %u\n", info.ncpus);
  for (unsigned i = 0; i < info.nmblocks; i++)
    printf("mblock 0x%" PRIx64 " 0x%" PRIx64 "\n", info.mblock[i].base, info.mblock[i].size);
  printf("stick %" PRIu64 "\n", info.stick_freq);
  return 0;
}

static int expect(const char *path, int argc, char **argv) {
  size_t len;
  uint8_t *buf = read_file(path, &len);
  static struct md_info info;
  char err[128] = "";
  int rc = md_summarize(buf, len, &info, err, sizeof err);
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    char want[200];
    if (!strncmp(a, "error=", 6)) {
      CHECK(rc != 0 && strcmp(err, a + 6) == 0, "%s: error \"%s\", want \"%s\"", path, rc ? err : "(none)", a + 6);
      continue;
    }
    CHECK(rc == 0, "%s: %s", path, err);
    if (rc) break;
    if (!strncmp(a, "cpus=", 5)) {
      CHECK(info.ncpus == strtoul(a + 5, 0, 0), "%s: %u cpus, want %s", path, info.ncpus, a + 5);
    } else if (!strncmp(a, "mblocks=", 8)) {
      CHECK(info.nmblocks == strtoul(a + 8, 0, 0), "%s: %u mblocks, want %s", path, info.nmblocks, a + 8);
    } else if (!strncmp(a, "mblock", 6)) {
      unsigned idx = (unsigned)strtoul(a + 6, 0, 10);
      snprintf(want, sizeof want, "0x%" PRIx64 ":0x%" PRIx64, info.mblock[idx].base, info.mblock[idx].size);
      CHECK(idx < info.nmblocks && strcmp(strchr(a, '=') + 1, want) == 0, "%s: mblock %u is %s, want %s",
            path, idx, want, strchr(a, '=') + 1);
    } else if (!strncmp(a, "stick=", 6)) {
      CHECK(info.stick_freq == strtoull(a + 6, 0, 0), "%s: stick %" PRIu64 ", want %s", path,
            info.stick_freq, a + 6);
    } else if (!strncmp(a, "boot-file=", 10)) {
      CHECK(strcmp(info.boot_file, a + 10) == 0, "%s: boot-file \"%s\", want \"%s\"", path, info.boot_file, a + 10);
    } else {
      printf("unknown expectation %s\n", a);
      return 2;
    }
  }
  return failures != 0;
}

/* the lines a guest prints per vcpu (ids 0..n-1), without the cycles field */
static int results(const char *boot_file, unsigned n) {
  struct workload w;
  char err[128];
  if (workload_parse(boot_file, &w, err, sizeof err)) { printf("error %s\n", err); return 2; }
  if (w.kind == WL_MEMORY && w.rate) {   /* paced: vCPU 0's last line, when it ends */
    uint64_t carry = 0, dirtied = 0;
    for (uint64_t t = 0; t < w.count; t++) dirtied += paced_pages(w.rate, w.tick, &carry);
    if (w.count) printf("memory: dirtied %" PRIu64 " pages in %" PRIu64 " ticks\n", dirtied, w.count);
    else printf("memory: paced for ever\n");
    return 0;
  }
  for (unsigned id = 0; id < n; id++) {
    if (w.kind == WL_COMPUTE) {
      printf("vcpu %u: compute iterations=%" PRIu64 " checksum=0x%016" PRIx64 "\n", id, w.iterations,
             compute_kernel(id, w.iterations));
    } else if (w.kind == WL_MEMORY) {
      uint64_t *buf = malloc(w.footprint), accesses;
      uint64_t sum = memory_kernel(buf, w.footprint, id, (unsigned)w.writes, &accesses);
      printf("vcpu %u: memory footprint=%" PRIu64 " touched=%" PRIu64 " misses=%" PRIu64
             " checksum=0x%016" PRIx64 "\n", id, w.footprint, accesses * 8, w.footprint / 8192, sum);
      free(buf);
    } else {
      printf("counter: no per-vcpu results\n");
      return 0;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "--selftest")) {
    test_format();
    test_bootargs();
    test_crypto_bootargs();
    test_cryptosw();
    test_modexp();
    test_md();
    test_kernels();
    printf("%s\n", failures ? "selftest FAILED" : "selftest ok");
    return failures != 0;
  }
  if (argc >= 3 && !strcmp(argv[1], "--expect")) {
    int rc = expect(argv[2], argc - 3, argv + 3);
    printf("%s: %s\n", argv[2], rc ? "FAILED" : "as expected");
    return rc;
  }
  if (argc == 3 && !strcmp(argv[1], "--summary")) return summary(argv[2]);
  if (argc == 4 && !strcmp(argv[1], "--results")) return results(argv[2], (unsigned)atoi(argv[3]));
  fprintf(stderr, "usage: %s --selftest | --expect FILE KEY=VALUE... | --summary FILE | --results BOOT-FILE N\n",
          argv[0]);
  return 2;
}
