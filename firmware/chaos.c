/* chaos: a guest that misbehaves in every way a guest can, from a seed (docs/reliability.md
 * "Guest-side chaos"). Each round draws one act:
 *   hypercall  a function of the table below (or any number) with arguments drawn from
 *              small integers, our own scratch memory, another guest's memory (ra=), the
 *              end of ours, numbers near 2^64, vCPU ids, channel ids, devinos and handles;
 *   packet     64 random bytes (often with a plausible LDC header) into the TX queue of a
 *              channel no driver of ours uses (another guest, the domain manager's DS
 *              channel with ds=off), and its RX queue drained unread;
 *   console    random bytes, not UTF-8, control characters and escapes, to the console;
 *   vnet       a junk frame (source MAC ours, or another's: spoofed), a TX descriptor
 *              overwritten with random fields and handed over, or a random VIO message;
 *   vdisk      a descriptor overwritten with random fields and handed over, a request with a
 *              random operation, block and length, or a random VIO message.
 * Hypercalls that would end or blind this guest itself (mach_exit, cpu_stop, its own MMU
 * and queue set-up, suspend) are not drawn, nor are channels and interrupts our drivers
 * use: those are the host-side hypercall fuzz target's job. The guest prints a summary per
 * act; a second run with the same seed prints the same lines. */
#include "chaos.h"

#include <stddef.h>

#include "alloc.h"
#include "console.h"
#include "cpuops.h"
#include "format.h"
#include "hcall.h"
#include "percpu.h"
#include "sun4v.h"
#include "vdisk.h"
#include "vnet.h"

void *memset(void *d, int c, size_t n);

#define SCRATCH_BYTES 65536ul
#define RAW_QUEUE_ENTRIES 64
#define MAX_RAW 8
#define DRAIN_US 50

static uint64_t rng;
static uint64_t rnd(void) {   /* xorshift64* */
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return rng * 0x2545f4914f6cdd1dul;
}
static uint64_t below(uint64_t n) { return n ? rnd() % n : 0; }

struct chaos {
  const struct md_info *md;
  uint64_t foreign, end;         /* another guest's memory (ra=); the end of our last mblock */
  uint8_t *scratch;              /* ours to scribble on: SCRATCH_BYTES */
  struct { uint64_t id, rx_ino; uint8_t *txq, *rxq; uint64_t tail; } raw[MAX_RAW];
  unsigned nraw;
  uint64_t busy_ino[4];          /* the rx inos of channels our drivers use */
  unsigned nbusy;
  struct vnet *vnet;
  struct vdisk *vdisk;
  uint64_t hcalls, hcall_ok, status[18], other_status;
  uint64_t packets, packet_refused, console_bytes;
  uint64_t frames, spoofed, desc_junk, vio_junk, requests, request_errors;
};

/* ---- arguments ---- */

static uint64_t arg(struct chaos *c) {
  uint64_t s = (uint64_t)c->scratch;
  switch (below(12)) {
    case 0: return below(16);
    case 1: return below(0x200);
    case 2: return s + (below(SCRATCH_BYTES) & ~7ul);                 /* ours, aligned */
    case 3: return s + below(SCRATCH_BYTES);                          /* ours, any alignment */
    case 4: return s + SCRATCH_BYTES - 64 + below(64);                /* running off our scratch */
    case 5: return c->foreign + (below(1u << 20) & ~63ul);            /* another guest's */
    case 6: return c->end - below(64);                                /* the end of ours (unused) */
    case 7: return c->end + below(1u << 24);                          /* past it */
    case 8: return ~0ul - below(1u << 16);                            /* near 2^64 */
    case 9: return 1ul << below(64);
    case 10: return c->md->ncpus + below(4);                          /* a vCPU we lack */
    default: return rnd();
  }
}

/* FAST_TRAP functions drawn, by number (hcall_table.def); everything else in 0..0x1ff is
 * drawn now and then too, except what ends or blinds us (see the header). */
static const uint16_t fns[] = {
    0x01, 0x10, 0x12, 0x15, 0x16, 0x17, 0x19, 0x21, 0x22, 0x23, 0x24, 0x29, 0x2a, 0x2b, 0x31, 0x32,
    0x42, 0x50, 0x51, 0x60, 0x61, 0x62, 0x63, 0x70, 0x71, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6,
    0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xb4, 0xb5, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5,
    0xe6, 0xe7, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef, 0x104, 0x105, 0x106, 0x107, 0x110, 0x111, 0x112,
    0x113, 0x114, 0x115, 0x116, 0x117};
static int denied(uint64_t fn) {
  switch (fn) {
    case 0x00: case 0x02: case 0x11: case 0x14: case 0x18: case 0x20: case 0x25: case 0x26:
    case 0x27: case 0x28: case 0x181:
      return 1;
    default: return 0;
  }
}
static int is_ldc_fn(uint64_t fn) { return fn >= 0xe0 && fn <= 0xef; }
static int is_intr_fn(uint64_t fn) { return fn >= 0xa0 && fn <= 0xae; }

static int busy_ino(struct chaos *c, uint64_t ino) {
  for (unsigned i = 0; i < c->nbusy; i++)
    if (c->busy_ino[i] == ino) return 1;
  return 0;
}

static void act_hypercall(struct chaos *c) {
  uint64_t fn = below(8) ? fns[below(sizeof fns / sizeof fns[0])] : below(0x200);
  if (denied(fn)) fn = 0x16;   /* cpu_myid: harmless */
  uint64_t a[5];
  for (unsigned i = 0; i < 5; i++) a[i] = arg(c);
  if (is_ldc_fn(fn)) {   /* a raw channel of ours, or none of ours */
    a[0] = c->nraw && below(2) ? c->raw[below(c->nraw)].id : 32 + below(1u << 20);
  }
  if (is_intr_fn(fn) && fn >= 0xa7) {   /* vintr_*: often our channels' devhandle, never a busy ino */
    if (below(2)) a[0] = 0x200, a[1] = below(0x40);
    if (a[0] == 0x200 && busy_ino(c, a[1])) a[1] = 0x7ff;
  }
  if (is_intr_fn(fn) && fn < 0xa7) a[0] = below(2) ? rnd() : 0x200 << 16 | below(0x40);
  uint64_t st;
  if (fn == 0x104 || fn == 0x106) a[0] = below(4);   /* perf registers: mostly real ones */
  st = hv_call(fn, a[0], a[1], a[2], a[3], a[4], 0, 0, 0, 0);
  c->hcalls++;
  if (st == HV_EOK) c->hcall_ok++;
  if (st < 18) c->status[st]++;
  else c->other_status++;
}

/* ---- raw packets on channels nobody of ours uses ---- */

static void act_packet(struct chaos *c) {
  if (!c->nraw) return;
  unsigned k = (unsigned)below(c->nraw);
  uint8_t *p = c->raw[k].txq + c->raw[k].tail;
  for (unsigned i = 0; i < 64; i += 8) *(uint64_t *)(p + i) = rnd();
  if (below(2)) {   /* a plausible header: CTRL/DATA/ERR, INFO/ACK/NACK, a known ctrl or env */
    p[0] = (uint8_t)(1u << below(3));
    p[1] = (uint8_t)(1u << below(3));
    p[2] = (uint8_t)below(5);
    p[3] = (uint8_t)(below(2) ? 0xc0 | below(57) : below(4));
  }
  membar_sync();
  uint64_t tail = (c->raw[k].tail + 64) % (RAW_QUEUE_ENTRIES * 64);
  uint64_t st = hv_ldc_tx_set_qtail(c->raw[k].id, tail);
  c->packets++;
  if (st == HV_EOK) c->raw[k].tail = tail;
  else c->packet_refused++;
  uint64_t head, rtail, state;   /* whatever came back: dropped unread */
  if (hv_ldc_get_state(HV_LDC_RX_GET_STATE, c->raw[k].id, &head, &rtail, &state) == HV_EOK)
    hv_ldc_rx_set_qhead(c->raw[k].id, rtail);
  if (hv_ldc_get_state(HV_LDC_TX_GET_STATE, c->raw[k].id, &head, &rtail, &state) == HV_EOK && state != HV_LDC_UP)
    c->raw[k].tail = rtail;   /* a reset queue starts over where the HV says */
}

/* ---- console ---- */

static void act_console(struct chaos *c) {
  uint8_t *b = c->scratch;   /* overwritten freely: it is scratch */
  uint64_t n = 1 + below(48);
  for (uint64_t i = 0; i < n; i++) {
    uint64_t r = rnd();
    b[i] = below(4) ? (uint8_t)r : (uint8_t)("\x1b[2J\r\n\t\0\x7f\xc3\xa9\xff\xfe"[below(14)]);
  }
  uint64_t written = 0;
  hv_cons_write(b, n, &written);
  hv_fast(HV_CONS_PUTCHAR, rnd() & 0xff, 0, 0, 0, 0);
  c->console_bytes += written + 1;
}

/* Descriptor i (at d, size bytes) of ring `ident` gets random fields (each a random word or
 * a number below `small`), is marked READY and named in a DRING_DATA INFO, sometimes with
 * another ring's ident or another index; one: the message names only i (start = end). */
static void scribble(struct chaos *c, struct vio_client *vio, uint8_t *d, unsigned size, uint64_t small,
                     uint64_t ident, uint32_t i, int one) {
  for (unsigned k = 8; k < size; k += 8) *(uint64_t *)(d + k) = below(2) ? rnd() : below(small);
  membar_sync();
  d[0] = VIO_DESC_READY;
  membar_sync();
  struct vio_dring_data m;
  memset(&m, 0, sizeof m);
  m.seq = vio->seq++;
  m.ident = below(4) ? ident : rnd();
  m.start = below(4) ? i : (uint32_t)rnd();
  m.end = one ? m.start : ~0u;
  vio_send(vio, &m, VIO_TYPE_DATA, VIO_SUBTYPE_INFO, VIO_DRING_DATA);
  c->desc_junk++;
}

/* ---- vnet ---- */

static void drain_vnet(struct chaos *c) {
  static uint8_t frame[VNET_MAX_FRAME];
  uint64_t t = rd_stick() + DRAIN_US * c->vnet->ticks_per_us;
  while (vnet_recv(c->vnet, frame, sizeof frame, t)) {
  }
}

static void act_vnet(struct chaos *c) {
  struct vnet *v = c->vnet;
  static uint8_t frame[VNET_MAX_FRAME];
  switch (below(3)) {
    case 0: {   /* a frame to ourselves (the switch sends it nowhere), from us or someone else */
      uint32_t len = 14 + (uint32_t)below(VNET_MAX_FRAME - 13);
      for (uint32_t i = 0; i < len; i++) frame[i] = (uint8_t)rnd();
      uint64_t src = below(3) ? v->mac : (rnd() & 0xfeffffffffff);
      for (int i = 0; i < 6; i++) frame[i] = (uint8_t)(v->mac >> (40 - 8 * i)), frame[6 + i] = (uint8_t)(src >> (40 - 8 * i));
      c->spoofed += src != v->mac;
      c->frames++;
      vnet_send(v, frame, len);
      break;
    }
    case 1: {   /* a TX descriptor of random fields, handed over */
      uint32_t i = (uint32_t)below(VNET_NDESC);
      uint8_t *d = (uint8_t *)v->ring[VNET_TX].base + (uint64_t)i * VNET_DESC_SIZE;
      scribble(c, &v->vio, d, VNET_DESC_SIZE, 4096, v->ring[VNET_TX].ident, i, 0);
      drain_vnet(c);
      if (d[0] == VIO_DESC_READY) d[0] = VIO_DESC_FREE;   /* unclaimed: ours again (vnet_send would wait on it) */
      break;
    }
    default: {   /* a random VIO message */
      struct vio_msg m;
      for (unsigned k = 0; k < sizeof m.body; k += 8) *(uint64_t *)(m.body + k) = rnd();
      static const uint16_t envs[] = {VIO_VER_INFO, VIO_ATTR_INFO, VIO_DRING_REG, VIO_DRING_UNREG, VIO_RDX,
                                      VIO_PKT_DATA, VIO_DESC_DATA, VIO_DRING_DATA};
      vio_send(&v->vio, &m, (uint8_t)(1u << below(3)), (uint8_t)(1u << below(3)),
               below(4) ? envs[below(8)] : (uint16_t)rnd());
      c->vio_junk++;
      break;
    }
  }
  drain_vnet(c);
}

/* ---- vdisk ---- */

static void drain_vdisk(struct chaos *c) {
  uint64_t t = rd_stick() + DRAIN_US * (c->md->stick_freq / 1000000);
  struct vio_msg m;
  while (rd_stick() < t) {
    if (!ldc_pending(&c->vdisk->ldc)) {
      hv_cpu_yield();   /* until the server's answer is due (or a while) */
      continue;
    }
    if (vio_recv(&c->vdisk->vio, &m) < 0) break;
  }
}

static void act_vdisk(struct chaos *c) {
  struct vdisk *d = c->vdisk;
  switch (below(3)) {
    case 0: {   /* a descriptor of random fields, handed over */
      uint32_t i = (uint32_t)below(VDISK_RING);
      uint8_t *p = (uint8_t *)d->ring.base + (uint64_t)i * VDISK_DESC_SIZE;
      scribble(c, &d->vio, p, VDISK_DESC_SIZE, 1u << 16, d->ring.ident, i, 1);
      drain_vdisk(c);
      /* the descriptor is ours again whatever the server did with it */
      p[0] = VIO_DESC_FREE;
      break;
    }
    case 1: {   /* a well-formed request of a random kind: the server answers every one */
      static const uint8_t ops[] = {VD_OP_BREAD, VD_OP_BWRITE, VD_OP_FLUSH, VD_OP_GET_WCE, VD_OP_GET_VTOC,
                                    VD_OP_GET_DISKGEOM, VD_OP_GET_CAPACITY, 0x05, 0x07, 0x09, 0x10, 0x12, 0x3f};
      uint64_t block = below(2) ? below(d->blocks + 4) : rnd();
      uint64_t len = d->block_size * below(d->max_xfer + 1);
      if (len > SCRATCH_BYTES) len = SCRATCH_BYTES / d->block_size * d->block_size;   /* the data lands in scratch */
      c->requests++;
      if (vdisk_request(d, ops[below(sizeof ops)], block, c->scratch, len)) c->request_errors++;
      break;
    }
    default: {
      struct vio_msg m;
      for (unsigned k = 0; k < sizeof m.body; k += 8) *(uint64_t *)(m.body + k) = rnd();
      vio_send(&d->vio, &m, (uint8_t)(1u << below(3)), (uint8_t)(1u << below(3)), (uint16_t)(below(4) ? 1 + below(5) : rnd()));
      c->vio_junk++;
      drain_vdisk(c);
      break;
    }
  }
}

/* ---- set-up and the rounds ---- */

static void raw_channels(struct chaos *c, const struct workload *w) {
  const struct md_info *md = c->md;
  for (unsigned i = 0; i < md->nchannels && c->nraw < MAX_RAW; i++) {
    uint64_t id = md->channel[i].id;
    int used = 0;
    for (unsigned k = 0; k < md->nvdevs; k++) {
      const struct md_vdev *v = &md->vdev[k];
      if (v->channel != id) continue;
      if ((v->kind == MD_VDEV_NETWORK && c->vnet) || (v->kind == MD_VDEV_DISK && c->vdisk) ||
          (v->kind == MD_VDEV_DS && w->ds))
        used = 1;
    }
    if (used) {
      if (c->nbusy < 4) c->busy_ino[c->nbusy++] = md->channel[i].rx_ino;
      continue;
    }
    uint64_t bytes = RAW_QUEUE_ENTRIES * 64;
    uint8_t *tx = alloc(bytes, bytes), *rx = alloc(bytes, bytes);
    if (!tx || !rx) die(3, "chaos: no memory for channel queues");
    if (hv_ldc_qconf(HV_LDC_TX_QCONF, id, tx, RAW_QUEUE_ENTRIES) || hv_ldc_qconf(HV_LDC_RX_QCONF, id, rx, RAW_QUEUE_ENTRIES))
      die(1, "chaos: channel %lu: queues refused", id);
    c->raw[c->nraw].id = id;
    c->raw[c->nraw].rx_ino = md->channel[i].rx_ino;
    c->raw[c->nraw].txq = tx;
    c->raw[c->nraw].rxq = rx;
    c->raw[c->nraw].tail = 0;
    c->nraw++;
  }
}

void chaos_run(const struct workload *w, const struct md_info *md) {
  static struct chaos c;
  static struct vnet vnet;
  static struct vdisk vdisk;
  rng = w->seed * 0x9e3779b97f4a7c15ul + 1;
  c.md = md;
  c.foreign = w->ra;
  for (unsigned i = 0; i < md->nmblocks; i++)
    if (md->mblock[i].base + md->mblock[i].size > c.end) c.end = md->mblock[i].base + md->mblock[i].size;
  c.scratch = alloc_zero(SCRATCH_BYTES, 8192);
  if (!c.scratch) die(3, "chaos: no memory for its scratch buffer");
  if (md_find_vdev(md, MD_VDEV_NETWORK, 0) && vnet_open(&vnet, md, VNET_FAULT_NONE) == 0) c.vnet = &vnet;
  const struct md_vdev *disk = md_find_vdev(md, MD_VDEV_DISK, 0);
  if (disk && vdisk_open(&vdisk, disk, 1) == 0) c.vdisk = &vdisk;
  uint64_t minor;
  hv_api_set_version(HV_GRP_NCS, 2, 0, &minor);   /* the crypto calls too, if the units are there */
  raw_channels(&c, w);
  printf("chaos: seed %lu, %lu rounds; vnet %s, vdisk %s, %u raw channels\n", w->seed, w->count,
         c.vnet ? "up" : "none", c.vdisk ? "up" : "none", c.nraw);
  for (uint64_t k = 0; k < w->count; k++) {
    uint64_t r = below(100);
    if (r < 40) act_hypercall(&c);
    else if (r < 55) act_packet(&c);
    else if (r < 65) act_console(&c);
    else if (r < 82 && c.vnet) act_vnet(&c);
    else if (c.vdisk) act_vdisk(&c);
    else act_hypercall(&c);
    /* junk may have unregistered a ring or ended a session on the server's side: start new
     * sessions now and then, so that later rounds reach the servers' deeper paths again */
    if (k % 50 == 49) {
      if (c.vnet) vnet_new_session(c.vnet, "chaos: a new session");
      if (c.vdisk && vdisk_new_session(c.vdisk, "chaos: a new session")) c.vdisk = 0;
    }
  }
  hv_cons_write("\r\n", 2, 0);
  printf("chaos: hypercalls %lu (EOK %lu, ENORADDR %lu, EINVAL %lu, EBADTRAP %lu, ECHANNEL %lu, other %lu)\n",
         c.hcalls, c.hcall_ok, c.status[HV_ENORADDR], c.status[HV_EINVAL], c.status[HV_EBADTRAP],
         c.status[HV_ECHANNEL],
         c.hcalls - c.hcall_ok - c.status[HV_ENORADDR] - c.status[HV_EINVAL] - c.status[HV_EBADTRAP] -
             c.status[HV_ECHANNEL]);
  printf("chaos: packets %lu (%lu refused), console bytes %lu\n", c.packets, c.packet_refused, c.console_bytes);
  if (c.vnet)
    printf("chaos: vnet frames %lu (%lu spoofed), acks %lu, nacks %lu, resets %lu\n", c.frames, c.spoofed,
           vnet.tx_acks, vnet.tx_nacks, vnet.resets);
  if (c.vdisk)
    printf("chaos: vdisk requests %lu (%lu failed), resets %lu\n", c.requests, c.request_errors, vdisk.resets);
  else if (vdisk.resets)
    printf("chaos: vdisk refused a new session after %lu requests\n", c.requests);
  printf("chaos: descriptors scribbled %lu, VIO messages of junk %lu\n", c.desc_junk, c.vio_junk);
  printf("chaos: done, the guest is still running\n");
  fw_exit(0);
}
