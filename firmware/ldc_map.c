/* ldc-map: memory shared over a channel by direct mapping (reference §4.6), between two
 * guests. The server exports `size` bytes holding a pattern, readable and writable by the
 * peer, and sends the cookie; the client maps each 8 KB page in with ldc_mapin, reads the
 * pattern through the mapped real addresses (ASI_REAL loads: no copy, the peer's memory
 * itself), writes a marker into each page, and says so; the server finds the markers in
 * its own memory and revokes the pages; the client's ldc_unmap then finds nothing left. */
#include <stddef.h>

#include "alloc.h"
#include "console.h"
#include "hcall.h"
#include "ldc.h"
#include "sun4v.h"
#include "workload.h"

#define PAGE 8192ul
#define MARKER(p) (0x6d61726b00000000ul | (p))   /* "mark" + page number */

static uint64_t word(uint64_t i) { return (i + 1) * 0x9E3779B97F4A7C15ul ^ 0x5555; }

static uint64_t ld_real(uint64_t ra) {
  uint64_t v;
  __asm__ volatile("ldxa [%1] %2, %0" : "=r"(v) : "r"(ra), "i"(ASI_REAL) : "memory");
  return v;
}
static void st_real(uint64_t ra, uint64_t v) {
  __asm__ volatile("stxa %0, [%1] %2" : : "r"(v), "r"(ra), "i"(ASI_REAL) : "memory");
}

struct map_msg { uint64_t a, b; };   /* offer: cookie, size; answers: two numbers */

static void recv_msg(struct ldc *l, struct map_msg *m) {
  for (;;) {
    int64_t n = ldc_recv(l, m, sizeof *m);
    if (n == (int64_t)sizeof *m) return;
    if (n != LDC_ERESET) die(1, "ldc-map: a message of %ld bytes, expected %lu", n, sizeof *m);
  }
}

static void send_msg(struct ldc *l, uint64_t a, uint64_t b) {
  struct map_msg m = {a, b};
  if (ldc_send(l, &m, sizeof m) < 0) die(1, "ldc-map: the link was reset");
}

static void server(struct ldc *l, uint64_t size) {
  uint64_t *buf = alloc_zero(size, PAGE), pages = size / PAGE;
  if (!buf) die(3, "ldc-map: no memory for %lu bytes", size);
  for (uint64_t i = 0; i < size / 8; i++) buf[i] = word(i);
  struct ldc_cookie c;
  uint64_t first_slot = l->map_used;
  /* direct-map R (0x10) and W (0x20) for the peer's mapin, CR for good measure */
  if (ldc_export(l, buf, size, 0x10 | 0x20 | LDC_MAP_CR, &c)) die(3, "ldc-map: the map table is full");
  send_msg(l, c.addr, size);
  struct map_msg r;
  recv_msg(l, &r);
  uint64_t marked = 0;
  for (uint64_t p = 0; p < pages; p++) marked += buf[p * PAGE / 8] == MARKER(p);
  printf("ldc-map: server: the client read %lu bytes (sum 0x%016lx) and marked %lu of %lu pages in our memory\n",
         size, r.a, marked, pages);
  if (marked != pages) die(1, "ldc-map: the client's markers are not in our memory");
  for (uint64_t p = 0; p < pages; p++) {   /* take the pages back */
    uint64_t slot = first_slot + p, st = hv_ldc_revoke(l->id, slot << 13, l->map[2 * slot + 1]);
    if (st != HV_EOK) die(1, "ldc-map: ldc_revoke(page %lu) failed: %s", p, hv_strerror(st));
  }
  printf("ldc-map: server: revoked %lu pages\n", pages);
  send_msg(l, pages, 0);
  recv_msg(l, &r);
  printf("ldc-map: server: after the revoke the client's ldc_unmap says %s\n", hv_strerror(r.a));
  printf("vfsim-runtime: ldc-map done\n");
  fw_exit(r.a == HV_EINVAL ? 0 : 1);
}

static void client(struct ldc *l) {
  struct map_msg offer;
  recv_msg(l, &offer);
  uint64_t size = offer.b, pages = size / PAGE, sum = 0, first_ra = 0;
  for (uint64_t p = 0; p < pages; p++) {
    uint64_t ra, perms, st = hv_ldc_mapin(l->id, offer.a + p * PAGE, &ra, &perms);
    if (st != HV_EOK) die(1, "ldc-map: ldc_mapin(page %lu) failed: %s", p, hv_strerror(st));
    if (perms != 3) die(1, "ldc-map: page %lu mapped with perms %lu, expected 3 (R W)", p, perms);
    if (p == 0) first_ra = ra;
    for (uint64_t i = 0; i < PAGE / 8; i++) {
      uint64_t v = ld_real(ra + 8 * i), want = word(p * PAGE / 8 + i);
      if (v != want) die(1, "ldc-map: page %lu word %lu reads 0x%016lx, expected 0x%016lx", p, i, v, want);
      sum += v;
    }
    st_real(ra, MARKER(p));
    if (p == 0) printf("ldc-map: client: page 0 mapped at RA 0x%lx, perms R W\n", ra);
  }
  printf("ldc-map: client: read %lu bytes of the peer's memory through %lu mapped pages and verified them\n", size,
         pages);
  send_msg(l, sum, pages);
  struct map_msg r;
  recv_msg(l, &r);
  uint64_t st = hv_ldc_unmap(first_ra);
  printf("ldc-map: client: the server revoked %lu pages; ldc_unmap(0x%lx) says %s\n", r.a, first_ra, hv_strerror(st));
  send_msg(l, st, 0);
  printf("vfsim-runtime: ldc-map done\n");
  fw_exit(0);
}

void ldc_map_run(const struct workload *w, const struct md_info *md) {
  unsigned ch = 0;
  while (ch < md->nchannels && md->channel[ch].id != 0) ch++;
  if (ch == md->nchannels)
    die(2, "ldc-map: the MD has no channel endpoint 0 (connect the domain to another one)");
  struct ldc l;
  int is_client = w->role == LDC_ROLE_CLIENT;
  ldc_open(&l, 0, md->channel[ch].rx_ino, LDC_MODE_UNRELIABLE, is_client);
  if (is_client) client(&l);
  server(&l, w->size);
}
