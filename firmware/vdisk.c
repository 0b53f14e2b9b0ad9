/* The virtual disk client (see vdisk.h). */
#include "vdisk.h"

#include <stddef.h>

#include "alloc.h"
#include "console.h"
#include "cpuops.h"

void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

#define VD_XFER_DRING_V1 0x3   /* ATTR xfer_mode: descriptor ring (protocol 1.0/1.1) */

static uint8_t *desc(struct vdisk *d, uint32_t i) { return (uint8_t *)d->ring.base + (uint64_t)i * VDISK_DESC_SIZE; }

/* The VIO session: versions 1.1 and 1.0, DRING mode, our ring. Again after a reset. */
static int handshake(struct vdisk *d) {
  static const struct vio_ver vers[] = {{1, 1}, {1, 0}};
  for (;;) {
    struct vio_msg attr;
    memset(&attr, 0, sizeof attr);
    attr.body[0] = VD_XFER_DRING_V1;
    vio_put32(attr.body + 4, 512);              /* our block size */
    vio_put64(attr.body + 24, 256);             /* max transfer we would like, in blocks */
    int r = vio_client_handshake(&d->vio, vers, 2, &attr, &d->ring, 1);
    if (r == LDC_ERESET) continue;
    if (r) return -1;
    d->type = attr.body[1];
    d->media = attr.body[2];
    d->block_size = vio_get32(attr.body + 4);
    d->ops = vio_get64(attr.body + 8);
    d->blocks = vio_get64(attr.body + 16);
    d->max_xfer = vio_get64(attr.body + 24);
    return 0;
  }
}

int vdisk_open(struct vdisk *d, const struct md_vdev *dev, unsigned depth) {
  memset(d, 0, sizeof *d);
  d->depth = depth < 1 ? 1 : depth > VDISK_MAX_DEPTH ? VDISK_MAX_DEPTH : depth;
  d->ring.ndesc = VDISK_RING;
  d->ring.desc_size = VDISK_DESC_SIZE;
  d->ring.options = VIO_TX_DRING;
  d->ring.base = alloc_zero(VDISK_RING * VDISK_DESC_SIZE, 8192);
  if (!d->ring.base) die(3, "vdisk: no memory for the descriptor ring");
  for (uint32_t i = 0; i < VDISK_RING; i++) desc(d, i)[0] = VIO_DESC_FREE;
  ldc_open(&d->ldc, dev->channel, dev->rx_ino, LDC_MODE_UNRELIABLE, 1);
  d->vio.ldc = &d->ldc;
  d->vio.dev_class = VDEV_DISK;
  if (handshake(d)) return -1;
  if (!d->block_size || !d->max_xfer) die(1, "vdisk: the server's attributes give no block size or transfer size");
  if (d->max_xfer > 256) d->max_xfer = 256;
  uint64_t bytes = d->max_xfer * d->block_size;
  for (unsigned k = 0; k < d->depth; k++) {
    d->buf[k] = alloc_zero(bytes, 8192);
    if (!d->buf[k] || ldc_export(&d->ldc, d->buf[k], bytes, LDC_MAP_CR | LDC_MAP_CW, &d->buf_cookie[k]))
      die(3, "vdisk: no memory or map-table room for a %lu-byte buffer", bytes);
  }
  printf("vdisk: disk %lu blocks of %u bytes, max transfer %lu blocks, operations 0x%lx, %u in flight\n",
         d->blocks, d->block_size, d->max_xfer, d->ops, d->depth);
  return 0;
}

int vdisk_new_session(struct vdisk *d, const char *why) {
  ldc_reset(&d->ldc, why);
  d->resets++;
  for (uint32_t i = 0; i < VDISK_RING; i++) ((uint8_t *)d->ring.base)[(uint64_t)i * VDISK_DESC_SIZE] = VIO_DESC_FREE;
  return handshake(d);
}

/* Post one descriptor (its data in buffer `slot`) and tell the server: 0, or -1 when the
 * link was reset. */
static int post(struct vdisk *d, uint32_t i, uint8_t op, uint64_t block, uint64_t len, unsigned slot) {
  uint8_t *p = desc(d, i);
  memset(p, 0, VDISK_DESC_SIZE);
  vio_put64(p + 8, ++d->req_id);
  p[16] = op;
  p[17] = 0xff;                               /* the whole disk, no slice */
  vio_put32(p + 20, ~0u);
  vio_put64(p + 24, block);
  vio_put64(p + 32, len);
  vio_put32(p + 40, 1);
  vio_put64(p + 48, d->buf_cookie[slot].addr + (d->bad ? d->buf_cookie[slot].size + 8192 * 64 : 0));
  vio_put64(p + 56, len ? len : 8);
  p[1] = 1;                                   /* ack wanted */
  membar_sync();
  p[0] = VIO_DESC_READY;
  membar_sync();
  d->bad = 0;
  d->requests++;
  struct vio_dring_data m;
  memset(&m, 0, sizeof m);
  m.seq = d->vio.seq++;
  m.ident = d->ring.ident;
  m.start = m.end = i;
  if (vio_send(&d->vio, &m, VIO_TYPE_DATA, VIO_SUBTYPE_INFO, VIO_DRING_DATA) < 0) return -1;
  if (d->requests == d->reset_at) {   /* test hook: the channel goes down with the request in flight */
    ldc_reset(&d->ldc, "vdisk test hook: reset with a request in flight");
    return -1;
  }
  return 0;
}

/* Wait for the server's ACK of descriptor i: 0, 1 for a NACK, -1 when the link was reset. */
static int wait_ack(struct vdisk *d, uint32_t i) {
  for (;;) {
    struct vio_msg r;
    if (vio_recv(&d->vio, &r) < 0) return -1;
    struct vio_dring_data *a = (struct vio_dring_data *)&r;
    if (r.type != VIO_TYPE_DATA || r.env != VIO_DRING_DATA) continue;
    if (r.stype == VIO_SUBTYPE_NACK) return 1;
    if (r.stype == VIO_SUBTYPE_ACK && a->ident == d->ring.ident && a->start == i) return 0;
  }
}

/* A request in flight: its descriptor, buffer slot and where its data comes from or goes. */
struct pending {
  uint32_t desc;
  unsigned slot;
  uint8_t op;
  uint8_t *data;
  uint64_t block, len;
};

/* After a reset of the link: a new session, and every request in flight is posted again
 * in order (reads and writes of whole blocks may be repeated). */
static int restart(struct vdisk *d, struct pending *q, unsigned head, unsigned count) {
  for (;;) {
    d->resets++;
    printf("vdisk: channel %lu was reset during request %lu: new session, %u request%s sent again\n", d->ldc.id,
           d->requests, count, count == 1 ? "" : "s");
    if (handshake(d)) return -1;
    unsigned k = 0;
    for (; k < count; k++) {
      struct pending *p = &q[(head + k) % d->depth];
      if (post(d, p->desc, p->op, p->block, p->len, p->slot) < 0) break;
    }
    if (k == count) return 0;
  }
}

/* The oldest request's end: 0, an errno from the server, or -1 (NACK, or not DONE). */
static int finish(struct vdisk *d, struct pending *p, int acked) {
  uint8_t *dp = desc(d, p->desc);
  if (acked == 1 || dp[0] != VIO_DESC_DONE) {
    d->errors++;
    return -1;
  }
  uint32_t status = vio_get32(dp + 20);
  dp[0] = VIO_DESC_FREE;
  if (status) {
    d->errors++;
    return (int)status;
  }
  if (p->op != VD_OP_BWRITE && p->data && p->len) memcpy(p->data, d->buf[p->slot], p->len);
  return 0;
}

/* Requests in [block, ...) of len bytes in max_xfer pieces (or one request of any op when
 * piece is 0): up to depth in flight; the buffer of each is filled before it is posted and
 * emptied when its ACK comes. */
static int run(struct vdisk *d, uint8_t op, uint64_t block, uint8_t *data, uint64_t len, uint64_t piece) {
  struct pending q[VDISK_MAX_DEPTH];
  unsigned head = 0, count = 0;
  int first = 1, status = 0;
  while (first || len || count) {
    while ((first || len) && count < d->depth) {   /* post what fits */
      uint64_t n = piece && len > piece ? piece : len;
      struct pending *p = &q[(head + count) % d->depth];
      *p = (struct pending){d->next, (head + count) % d->depth, op, data, block, n};
      d->next = (d->next + 1) % VDISK_RING;
      if (op == VD_OP_BWRITE) memcpy(d->buf[p->slot], data, n);
      count++;
      first = 0;
      if (data) data += n;
      block += d->block_size ? n / d->block_size : 0;
      len -= n;
      if (post(d, p->desc, op, p->block, n, p->slot) < 0 && restart(d, q, head, count)) return -1;
    }
    int r;
    while ((r = wait_ack(d, q[head].desc)) < 0)
      if (restart(d, q, head, count)) return -1;
    int st = finish(d, &q[head], r);
    if (st && !status) status = st;
    head = (head + 1) % d->depth;
    count--;
  }
  return status;
}

int vdisk_request(struct vdisk *d, uint8_t op, uint64_t block, void *buf, uint64_t len) {
  if (len > d->max_xfer * d->block_size) return -1;
  return run(d, op, block, buf, len, 0);
}

int vdisk_rw(struct vdisk *d, int write, uint64_t block, void *buf, uint64_t len) {
  if (!len) return 0;
  return run(d, write ? VD_OP_BWRITE : VD_OP_BREAD, block, buf, len, d->max_xfer * d->block_size);
}

void vdisk_flood(struct vdisk *d, uint64_t n) {
  for (uint64_t k = 0; k < n; k++) {
    struct vio_dring_data m;
    memset(&m, 0, sizeof m);
    m.seq = d->vio.seq++;
    m.ident = d->ring.ident + 1000;
    if (vio_send(&d->vio, &m, VIO_TYPE_DATA, VIO_SUBTYPE_INFO, VIO_DRING_DATA) < 0) break;
  }
  printf("vdisk: flooded the channel with %lu messages\n", n);
  ldc_reset(&d->ldc, "vdisk test hook: after a flood");
  if (handshake(d)) die(1, "vdisk: no new session after the flood");
}
