/* The vnet client (see vnet.h). The rings and buffers are in our identity-mapped memory:
 * the switch reads and writes them through our map table while we look at them directly. */
#include "vnet.h"

#include <stddef.h>

#include "alloc.h"
#include "console.h"
#include "cpuops.h"
#include "hcall.h"

void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

#define CHANNEL_DEVHANDLE 0x200
#define TX_TIMEOUT_US 10000    /* a switch that keeps a TX descriptor this long is gone */
enum { XFER_DRING_V10 = 0x3, XFER_DRING = 0x4, ADDR_TYPE_MAC = 1 };

static const struct vio_ver versions[] = {{1, 6}, {1, 0}};

static volatile uint8_t *desc(struct vnet *v, int ring, uint32_t i) {
  return (volatile uint8_t *)v->ring[ring].base + (uint64_t)i * VNET_DESC_SIZE;
}
static void put32(volatile uint8_t *p, uint32_t x) { *(volatile uint32_t *)p = x; }
static void put64(volatile uint8_t *p, uint64_t x) { *(volatile uint64_t *)p = x; }
static uint32_t get32(volatile uint8_t *p) { return *(volatile uint32_t *)p; }

/* Every RX buffer posted empty, every TX descriptor ours: the state of a fresh session. */
static void rings_reset(struct vnet *v) {
  for (uint32_t i = 0; i < VNET_NDESC; i++) {
    volatile uint8_t *t = desc(v, VNET_TX, i), *r = desc(v, VNET_RX, i);
    t[0] = VIO_DESC_FREE;
    put32(r + 8, 0);
    put32(r + 12, 1);
    put64(r + 16, v->buf_cookie[VNET_RX].addr + (uint64_t)i * VNET_BUF_SIZE);
    put64(r + 24, VNET_BUF_SIZE);
    membar_sync();
    r[0] = VIO_DESC_READY;
  }
  membar_sync();
  v->tx_next = v->rx_next = 0;
}

/* The VIO handshake until it is done or refused. DRING mode is 0x4 from 1.2 on and 0x3
 * before: we offer 1.6's, and 1.0's if a switch that only knows 1.0 refuses it. */
static int handshake(struct vnet *v) {
  uint8_t xfer = XFER_DRING;
  for (;;) {
    struct vio_msg attr;
    memset(&attr, 0, sizeof attr);
    attr.body[0] = xfer;
    attr.body[1] = ADDR_TYPE_MAC;
    vio_put64(attr.body + 8, v->mac);
    vio_put64(attr.body + 16, VNET_MTU);
    rings_reset(v);
    int r = vio_client_handshake(&v->vio, versions, 2, &attr, v->ring, 2);
    if (r == LDC_ERESET) continue;
    if (r == VIO_EREFUSED && xfer == XFER_DRING && v->vio.ver.minor < 2) {
      xfer = XFER_DRING_V10;
      continue;
    }
    if (r) return r;
    v->mtu = (uint32_t)vio_get64(attr.body + 16);
    return 0;
  }
}

static void restart(struct vnet *v) {
  v->resets++;
  printf("vnet: channel %lu reset: handshake again (frames in flight are lost)\n", v->ldc.id);
  if (handshake(v)) die(1, "vnet: the switch refused us after a reset");
}

void vnet_new_session(struct vnet *v, const char *why) {
  ldc_reset(&v->ldc, why);
  restart(v);
}

/* Sleep until a packet waits or %stick passes deadline (0: no limit): 1, or 0 on timeout.
 * The rx interrupt is re-armed with interrupts off before the last look, as ldc.c does, so
 * a packet arriving meanwhile ends the yield at once. */
static int wait_message(struct vnet *v, uint64_t deadline) {
  while (!ldc_pending(&v->ldc)) {
    if (deadline && rd_stick() >= deadline) return 0;
    irq_disable();
    hv_vintr_set(HV_VINTR_SETSTATE, CHANNEL_DEVHANDLE, v->ldc.rx_ino, HV_INTR_IDLE);
    if (!ldc_pending(&v->ldc)) hv_cpu_yield();
    irq_enable();
  }
  return 1;
}

/* DRING_DATA from the switch: ACKs give TX descriptors back, NACKs report a refused one;
 * RX INFOs need nothing (the ring says which buffers are full). */
static void handle(struct vnet *v, struct vio_msg *m) {
  struct vio_dring_data *d = (struct vio_dring_data *)m;
  if (m->type != VIO_TYPE_DATA || m->env != VIO_DRING_DATA || d->ident != v->ring[VNET_TX].ident) return;
  if (m->stype == VIO_SUBTYPE_NACK) {
    v->tx_nacks++;
    printf("vnet: the switch refused TX descriptor %u\n", d->start);
  } else if (m->stype == VIO_SUBTYPE_ACK && d->start < VNET_NDESC && d->end < VNET_NDESC) {
    v->tx_acks++;
    for (uint32_t i = d->start;; i = (i + 1) % VNET_NDESC) {
      volatile uint8_t *t = desc(v, VNET_TX, i);
      if (t[0] == VIO_DESC_DONE) t[0] = VIO_DESC_FREE;
      if (i == d->end) break;
    }
  }
}

/* One message handled (1), or 0 when the deadline passed first. */
static int poll_one(struct vnet *v, uint64_t deadline) {
  if (!wait_message(v, deadline)) return 0;
  struct vio_msg m;
  if (vio_recv(&v->vio, &m) == LDC_ERESET) restart(v);
  else handle(v, &m);
  return 1;
}

int vnet_open(struct vnet *v, const struct md_info *md, enum vnet_fault fault) {
  const struct md_vdev *dev = md_find_vdev(md, MD_VDEV_NETWORK, 0);
  if (!dev) die(2, "vnet: the MD has no network device 0 (put the domain on a switch: vfsim-hv --vnet)");
  if (!md->stick_freq) die(2, "vnet: the MD has no platform stick-frequency");
  memset(v, 0, sizeof *v);
  v->ticks_per_us = md->stick_freq / 1000000 ? md->stick_freq / 1000000 : 1;
  v->mac = dev->mac;
  v->fault = fault;
  for (int k = 0; k < 2; k++) {
    v->ring[k].base = alloc_zero(VNET_NDESC * VNET_DESC_SIZE, 64);
    v->ring[k].ndesc = VNET_NDESC;
    v->ring[k].desc_size = VNET_DESC_SIZE;
    v->ring[k].options = k == VNET_TX ? VIO_TX_DRING : VIO_RX_DRING;
    v->buf[k] = alloc_zero(VNET_NDESC * VNET_BUF_SIZE, 8192);
    if (!v->ring[k].base || !v->buf[k]) die(3, "vnet: no memory for the rings");
  }
  ldc_open(&v->ldc, dev->channel, dev->rx_ino, LDC_MODE_UNRELIABLE, 1);
  v->vio.ldc = &v->ldc;
  v->vio.dev_class = VDEV_NETWORK;
  /* least privilege: the switch only reads what we send and only writes what we receive */
  if (ldc_export(&v->ldc, v->buf[VNET_TX], VNET_NDESC * VNET_BUF_SIZE, LDC_MAP_CR, &v->buf_cookie[VNET_TX]) ||
      ldc_export(&v->ldc, v->buf[VNET_RX], VNET_NDESC * VNET_BUF_SIZE, LDC_MAP_CW, &v->buf_cookie[VNET_RX]))
    die(1, "vnet: the map table is full");
  if (fault == VNET_FAULT_RING) {   /* exported as usual, but registered one page further on */
    struct vio_dring *t = &v->ring[VNET_TX];
    if (ldc_export(&v->ldc, t->base, VNET_NDESC * VNET_DESC_SIZE, LDC_MAP_CR | LDC_MAP_CW, &t->cookie))
      die(1, "vnet: the map table is full");
    t->cookie.addr = v->ldc.map_used << 13;   /* the first slot nobody exported */
  }
  return handshake(v);
}

int vnet_send(struct vnet *v, const void *frame, uint32_t len) {
  if (len < 14 || len > VNET_MAX_FRAME) die(1, "vnet: a %u-byte frame (14..%u)", len, VNET_MAX_FRAME);
  uint32_t i = v->tx_next;
  volatile uint8_t *t = desc(v, VNET_TX, i);
  uint64_t deadline = 0;
  while (t[0] == VIO_DESC_READY) {   /* the switch still has it: its ACK will come */
    if (!deadline) deadline = rd_stick() + TX_TIMEOUT_US * v->ticks_per_us;
    if (!poll_one(v, deadline)) return VNET_ETIMEDOUT;
  }
  uint8_t *b = v->buf[VNET_TX] + (uint64_t)i * VNET_BUF_SIZE;
  memset(b, 0, VNET_PACKET_SKIP);
  memcpy(b + VNET_PACKET_SKIP, frame, len);
  uint32_t copy = (VNET_PACKET_SKIP + len + 7) & ~7u;
  memset(b + VNET_PACKET_SKIP + len, 0, copy - VNET_PACKET_SKIP - len);
  uint64_t cookie = v->buf_cookie[VNET_TX].addr + (uint64_t)i * VNET_BUF_SIZE;
  if (v->fault == VNET_FAULT_DESC && !v->tx_frames)
    cookie = (uint64_t)(LDC_MAP_ENTRIES + 16) << 13;   /* past the end of our map table */
  put32(t + 8, len);
  put32(t + 12, 1);
  put64(t + 16, cookie);
  put64(t + 24, copy);
  membar_sync();   /* the buffer and descriptor before the hand-over */
  t[0] = VIO_DESC_READY;
  membar_sync();
  struct vio_dring_data d;
  memset(&d, 0, sizeof d);
  d.seq = v->vio.seq++;
  d.ident = v->ring[VNET_TX].ident;
  d.start = i;
  d.end = ~0u;   /* "until one is not READY" */
  v->tx_next = (i + 1) % VNET_NDESC;
  v->tx_frames++;
  if (vio_send(&v->vio, &d, VIO_TYPE_DATA, VIO_SUBTYPE_INFO, VIO_DRING_DATA) < 0) {
    restart(v);
    return VNET_ERESET;
  }
  return 0;
}

uint32_t vnet_recv(struct vnet *v, void *buf, uint32_t cap, uint64_t deadline) {
  for (;;) {
    volatile uint8_t *r = desc(v, VNET_RX, v->rx_next);
    if (r[0] == VIO_DESC_DONE) {
      membar_sync();   /* the frame is there before the state says so */
      uint32_t n = get32(r + 8);
      if (n && n <= cap) memcpy(buf, v->buf[VNET_RX] + (uint64_t)v->rx_next * VNET_BUF_SIZE + VNET_PACKET_SKIP, n);
      put32(r + 8, 0);
      membar_sync();
      r[0] = VIO_DESC_READY;   /* posted again */
      v->rx_next = (v->rx_next + 1) % VNET_NDESC;
      if (n && n <= cap) {
        v->rx_frames++;
        return n;
      }
      v->rx_lost++;   /* a buffer the switch could not fill, or a frame too long for buf */
      continue;
    }
    uint64_t resets = v->resets;
    if (!poll_one(v, deadline) || v->resets != resets) return 0;
  }
}
