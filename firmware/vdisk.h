/* The virtual disk client (vdc, reference §5.5): a VIO session with the service domain's
 * vds over the channel of the MD's disk device, a descriptor ring of requests exported to
 * it, and bounce buffers the server copies blocks to and from: up to `depth` requests in
 * flight, each with its own buffer (the server completes them in order). */
#ifndef FW_VDISK_H
#define FW_VDISK_H

#include <stdint.h>

#include "ldc.h"
#include "md.h"
#include "vio.h"

#define VDISK_RING 32           /* descriptors */
#define VDISK_MAX_COOKIES 4
#define VDISK_MAX_DEPTH 8       /* requests in flight at most (one bounce buffer each) */
#define VDISK_DESC_SIZE (48 + 16 * VDISK_MAX_COOKIES)

enum {
  VD_OP_BREAD = 0x01, VD_OP_BWRITE = 0x02, VD_OP_FLUSH = 0x03, VD_OP_GET_WCE = 0x04,
  VD_OP_GET_VTOC = 0x06, VD_OP_GET_DISKGEOM = 0x08, VD_OP_GET_CAPACITY = 0x11,
};

struct vdisk {
  struct ldc ldc;
  struct vio_client vio;
  struct vio_dring ring;
  uint32_t next;                    /* the descriptor the next request uses */
  uint64_t req_id;
  uint8_t type, media;              /* from the server's ATTR ACK */
  uint32_t block_size;
  uint64_t blocks, max_xfer, ops;   /* max_xfer in blocks; ops: bit (1 << op) per operation */
  unsigned depth;                   /* requests in flight at most */
  uint8_t *buf[VDISK_MAX_DEPTH];    /* bounce buffers of max_xfer blocks, exported CR|CW */
  struct ldc_cookie buf_cookie[VDISK_MAX_DEPTH];
  uint64_t requests, errors, resets;
  int bad;                          /* test hook: the next request's cookie points outside our export */
  uint64_t reset_at;                /* test hook: reset the channel right after posting request N */
};

/* Handshake with the server on dev's channel; depth: requests in flight (1..VDISK_MAX_DEPTH).
 * 0, or -1 with a line printed. */
int vdisk_open(struct vdisk *d, const struct md_vdev *dev, unsigned depth);
/* One request: op on blocks [block, block + len/block_size) with len bytes of buf. The
 * server's status: 0, an errno, or -1 when the link failed. */
int vdisk_request(struct vdisk *d, uint8_t op, uint64_t block, void *buf, uint64_t len);
/* Reads or writes len bytes (a multiple of the block size) in max_xfer pieces, up to depth of
 * them in flight: 0 or the first failing status. */
int vdisk_rw(struct vdisk *d, int write, uint64_t block, void *buf, uint64_t len);

/* Reset the link and start a new session (every descriptor ours again): 0, or -1. */
int vdisk_new_session(struct vdisk *d, const char *why);

/* Test hook: n DRING_DATA messages naming a ring the server does not know, sent without
 * reading any answer (a guest flooding its channel); then a reset and a new session. */
void vdisk_flood(struct vdisk *d, uint64_t n);

#endif
