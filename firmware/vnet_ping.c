/* vnet-ping (see vnet_ping.h). Frames carry the local experimental ethertype 0x88b5 and
 *   +14 u8 kind (PROBE, DATA, BYE), +15 pad, +16 u32 sequence, +20 u32 frame size,
 *   +24.. a pattern of (sequence, position),
 * so a reply that is stale, truncated or misplaced shows. The client first probes until the
 * server answers (the server's vnet may come up after ours; probes meanwhile reach nobody),
 * then sends count DATA frames one at a time, each to the peer's MAC, and times the round
 * trips with %stick; then, with burst=N, N broadcast BURST frames back to back (more than a
 * vnet that does not read has buffers for: the switch drops the rest); at the end it
 * broadcasts a BYE that ends the listeners. The server
 * echoes PROBE and DATA frames to their source; a listener counts what reaches it, which on
 * a learning switch is only what was flooded. */
#include "vnet_ping.h"

#include <stddef.h>

#include "console.h"
#include "cpuops.h"
#include "ds.h"
#include "vnet.h"

void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

#define ETHERTYPE 0x88b5
#define PROBE_WAIT_US 200       /* between probes */
#define PROBES_MAX 5000         /* ~1 s of simulated time: the peer is not there */
#define REPLY_WAIT_US 10000     /* a DATA frame without an echo this long is lost */
enum { KIND_PROBE = 1, KIND_DATA = 2, KIND_BYE = 3, KIND_BURST = 4 };

static uint8_t pattern(uint32_t seq, uint32_t i) { return (uint8_t)(seq * 0x3b + i * 13 + (i >> 8)); }

static void put_mac(uint8_t *p, uint64_t mac) {
  for (int i = 5; i >= 0; i--, mac >>= 8) p[i] = (uint8_t)mac;
}
static uint64_t get_mac(const uint8_t *p) {
  uint64_t m = 0;
  for (int i = 0; i < 6; i++) m = m << 8 | p[i];
  return m;
}
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static void put32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v; }

static void build(uint8_t *f, uint32_t size, uint64_t dst, uint64_t src, uint8_t kind, uint32_t seq) {
  put_mac(f, dst);
  put_mac(f + 6, src);
  f[12] = ETHERTYPE >> 8;
  f[13] = ETHERTYPE & 0xff;
  f[14] = kind;
  f[15] = 0;
  put32(f + 16, seq);
  put32(f + 20, size);
  for (uint32_t i = 24; i < size; i++) f[i] = pattern(seq, i);
}

static int ours(const uint8_t *f, uint32_t n) { return n >= 24 && f[12] == (ETHERTYPE >> 8) && f[13] == (ETHERTYPE & 0xff); }

static void send_or_die(struct vnet *v, const uint8_t *f, uint32_t n) {
  int r = vnet_send(v, f, n);
  if (r == VNET_ETIMEDOUT) die(1, "vnet-ping: the switch keeps our TX descriptors");
}

static uint64_t ns(const struct md_info *md, uint64_t ticks) { return ticks * 1000000000ul / md->stick_freq; }

/* bad=ring: the switch must refuse the ring; bad=desc: it must refuse the first frame with a
 * NACK and still take the next one. Exit 0 when it did, 1 when it did not. */
static void bad_run(const struct workload *w, const struct md_info *md, struct vnet *v, uint8_t *f) {
  if (w->bad == VNET_BAD_RING) {
    printf("vnet-ping: bad=ring: the switch %s\n", v->ring[VNET_TX].ident ? "accepted a ring we never exported" : "refused the ring");
    fw_exit(v->ring[VNET_TX].ident ? 1 : 0);
  }
  /* to ourselves: the switch learns our MAC from the good frame and filters it, so no other
   * domain is disturbed */
  build(f, (uint32_t)w->size, v->mac, v->mac, KIND_PROBE, 0);
  send_or_die(v, f, (uint32_t)w->size);   /* its descriptor names a buffer we do not have */
  send_or_die(v, f, (uint32_t)w->size);   /* a good one after it */
  uint64_t deadline = rd_stick() + REPLY_WAIT_US * (md->stick_freq / 1000000);
  while (v->tx_acks < 2 && rd_stick() < deadline) vnet_recv(v, f, VNET_MAX_FRAME, deadline);
  int ok = v->tx_nacks == 1 && v->tx_acks == 2;
  printf("vnet-ping: bad=desc: tx_frames=%lu tx_nacks=%lu tx_acks=%lu: the switch %s\n", v->tx_frames, v->tx_nacks,
         v->tx_acks, ok ? "refused the bad descriptor and took the next one" : "did not refuse the bad descriptor");
  fw_exit(ok ? 0 : 1);
}

static void server_run(const struct workload *w, struct vnet *v, uint8_t *f) {
  uint64_t echoed = 0, probes = 0, other = 0;
  while (echoed < w->count) {
    uint32_t n = vnet_recv(v, f, VNET_MAX_FRAME, 0);
    if (!ours(f, n) || get_mac(f) != v->mac || (f[14] != KIND_PROBE && f[14] != KIND_DATA)) {
      if (ours(f, n) && f[14] == KIND_BYE) break;   /* the client is done: whatever it lost stays lost */
      other++;
      continue;
    }
    uint8_t src[6];
    memcpy(src, f + 6, 6);
    memcpy(f + 6, f, 6);   /* back to where it came from */
    memcpy(f, src, 6);
    send_or_die(v, f, n);
    if (f[14] == KIND_DATA) echoed++;
    else probes++;
  }
  printf("vnet-ping: server echoed %lu frames (%lu probes, %lu others ignored)\n", echoed, probes, other);
  fw_exit(0);
}

static void listen_run(struct vnet *v, uint8_t *f) {
  uint64_t n_all = 0, kinds[5] = {0};
  for (;;) {
    uint32_t n = vnet_recv(v, f, VNET_MAX_FRAME, 0);
    n_all++;
    uint8_t k = ours(f, n) && f[14] <= KIND_BURST ? f[14] : 0;
    kinds[k]++;
    if (k == KIND_BYE) break;
  }
  printf("vnet-ping: listener got %lu frames: probe=%lu data=%lu burst=%lu bye=%lu other=%lu\n", n_all,
         kinds[KIND_PROBE], kinds[KIND_DATA], kinds[KIND_BURST], kinds[KIND_BYE], kinds[0]);
  fw_exit(0);
}

void vnet_ping_run(const struct workload *w, const struct md_info *md) {
  static uint8_t f[VNET_MAX_FRAME + 2] __attribute__((aligned(8))), sent[VNET_MAX_FRAME + 2] __attribute__((aligned(8)));
  static struct vnet v;
  int r = vnet_open(&v, md, w->bad == VNET_BAD_RING ? VNET_FAULT_RING : w->bad == VNET_BAD_DESC ? VNET_FAULT_DESC : VNET_FAULT_NONE);
  if (w->bad) bad_run(w, md, &v, f);
  if (r) die(1, "vnet-ping: the switch refused our vnet");
  if (w->role == LDC_ROLE_SERVER) server_run(w, &v, f);
  if (w->role == LDC_ROLE_LISTEN) listen_run(&v, f);

  uint64_t us = md->stick_freq / 1000000, size = w->size, probes = 0;
  for (;;) {   /* until the peer answers a probe */
    if (++probes > PROBES_MAX) die(1, "vnet-ping: no answer from %02lx:%02lx:%02lx:%02lx:%02lx:%02lx",
                                   w->peer_mac >> 40, w->peer_mac >> 32 & 0xff, w->peer_mac >> 24 & 0xff,
                                   w->peer_mac >> 16 & 0xff, w->peer_mac >> 8 & 0xff, w->peer_mac & 0xff);
    build(sent, (uint32_t)size, w->peer_mac, v.mac, KIND_PROBE, 0);
    send_or_die(&v, sent, (uint32_t)size);
    uint64_t deadline = rd_stick() + PROBE_WAIT_US * us;
    uint32_t n;
    while ((n = vnet_recv(&v, f, VNET_MAX_FRAME, deadline)) &&
           !(ours(f, n) && f[14] == KIND_PROBE && get_mac(f + 6) == w->peer_mac)) {}
    if (n) break;
  }

  uint64_t ok = 0, lost = 0, stale = 0, resent = 0, sum = 0, min = ~0ul, max = 0;
  for (uint32_t k = 1; k <= w->count; k++) {
    /* between two frames the domain manager may ask something (a suspend for migration: the
     * link then resets after the resume, and the frame below is sent again) */
    ds_poll();
    build(sent, (uint32_t)size, w->peer_mac, v.mac, KIND_DATA, k);
    if (k == w->gap) v.ldc.gap = 1;   /* the switch NACKs the packet: the link resets */
    uint64_t t0 = rd_stick(), deadline = t0 + REPLY_WAIT_US * us, resets = v.resets;
    send_or_die(&v, sent, (uint32_t)size);
    for (;;) {
      uint32_t n = vnet_recv(&v, f, VNET_MAX_FRAME, deadline);
      if (!n && v.resets != resets) {   /* the frame went down with the session: again */
        resets = v.resets;
        resent++;
        send_or_die(&v, sent, (uint32_t)size);
        continue;
      }
      if (!n) {
        lost++;
        break;
      }
      if (!ours(f, n) || f[14] != KIND_DATA || get32(f + 16) != k) {   /* a late echo or something else */
        stale++;
        continue;
      }
      uint64_t rtt = rd_stick() - t0;
      if (n != size || get_mac(f) != v.mac || get_mac(f + 6) != w->peer_mac || get32(f + 20) != size)
        die(1, "vnet-ping: echo %u: %u bytes from %lx to %lx, expected %lu from %lx to %lx", k, n, get_mac(f + 6),
            get_mac(f), size, w->peer_mac, v.mac);
      for (uint32_t i = 24; i < size; i++)
        if (f[i] != sent[i]) die(1, "vnet-ping: echo %u differs at byte %u: 0x%02x, expected 0x%02x", k, i, f[i], sent[i]);
      ok++;
      sum += rtt;
      if (rtt < min) min = rtt;
      if (rtt > max) max = rtt;
      break;
    }
  }
  for (uint32_t k = 1; k <= w->burst; k++) {
    build(sent, (uint32_t)size, 0xfffffffffffful, v.mac, KIND_BURST, k);
    send_or_die(&v, sent, (uint32_t)size);
  }
  build(sent, (uint32_t)size, 0xfffffffffffful, v.mac, KIND_BYE, 0);
  send_or_die(&v, sent, (uint32_t)size);
  if (!ok) min = 0;
  printf("vnet-ping: count=%lu size=%lu ok=%lu lost=%lu stale=%lu probes=%lu rtt_avg_ns=%lu rtt_min_ns=%lu rtt_max_ns=%lu\n",
         w->count, size, ok, lost, stale, probes, ok ? ns(md, sum / ok) : 0, ns(md, min), ns(md, max));
  if (resent) printf("vnet-ping: %lu frames sent again after a link reset\n", resent);
  printf("vnet: tx_frames=%lu tx_acks=%lu tx_nacks=%lu rx_frames=%lu rx_lost=%lu resets=%lu\n", v.tx_frames, v.tx_acks,
         v.tx_nacks, v.rx_frames, v.rx_lost, v.resets);
  fw_exit(lost || stale ? 1 : 0);
}
