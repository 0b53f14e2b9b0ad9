/* Virtual I/O on top of an LDC link (reference §5): the 8-byte message tag, the control
 * messages, descriptor-ring registration and the client's half of the VIO handshake
 * (VER_INFO -> ATTR_INFO -> DRING_REG -> RDX). The vdisk and vnet clients build on it. */
#ifndef FW_VIO_H
#define FW_VIO_H

#include <stdint.h>

#include "ldc.h"

enum { VIO_TYPE_CTRL = 0x01, VIO_TYPE_DATA = 0x02, VIO_TYPE_ERR = 0x04 };
enum { VIO_SUBTYPE_INFO = 0x01, VIO_SUBTYPE_ACK = 0x02, VIO_SUBTYPE_NACK = 0x04 };
enum {
  VIO_VER_INFO = 0x0001, VIO_ATTR_INFO = 0x0002, VIO_DRING_REG = 0x0003, VIO_DRING_UNREG = 0x0004,
  VIO_RDX = 0x0005, VIO_PKT_DATA = 0x0040, VIO_DESC_DATA = 0x0041, VIO_DRING_DATA = 0x0042,
};
enum { VDEV_NETWORK = 0x01, VDEV_NETWORK_SWITCH = 0x02, VDEV_DISK = 0x03, VDEV_DISK_SERVER = 0x04 };
enum { VIO_DESC_FREE = 0x1, VIO_DESC_READY = 0x2, VIO_DESC_ACCEPTED = 0x3, VIO_DESC_DONE = 0x4 };
enum { VIO_TX_DRING = 0x1, VIO_RX_DRING = 0x2 };   /* DRING_REG options */

/* Every VIO message: the tag, then 48 bytes whose layout depends on the message. */
struct vio_msg {
  uint8_t type, stype;
  uint16_t env;
  uint32_t sid;
  uint8_t body[48];
} __attribute__((aligned(8)));
_Static_assert(sizeof(struct vio_msg) == 56, "a VIO message fills one UNRELIABLE LDC packet");

/* DRING_DATA (both INFO and ACK) */
struct vio_dring_data {
  uint8_t type, stype;
  uint16_t env;
  uint32_t sid;
  uint64_t seq, ident;
  uint32_t start, end;
  uint8_t state, pad[23];
};
_Static_assert(sizeof(struct vio_dring_data) == 56, "DRING_DATA layout");

/* The 8-byte header every descriptor starts with */
struct vio_desc_hdr {
  uint8_t state, ack;
  uint8_t pad[6];
};

struct vio_ver { uint16_t major, minor; };

/* Fields of a message body (big-endian, as SPARC stores them) */
static inline void vio_put16(uint8_t *p, uint16_t v) { __builtin_memcpy(p, &v, 2); }
static inline void vio_put32(uint8_t *p, uint32_t v) { __builtin_memcpy(p, &v, 4); }
static inline void vio_put64(uint8_t *p, uint64_t v) { __builtin_memcpy(p, &v, 8); }
static inline uint16_t vio_get16(const uint8_t *p) { uint16_t v; __builtin_memcpy(&v, p, 2); return v; }
static inline uint32_t vio_get32(const uint8_t *p) { uint32_t v; __builtin_memcpy(&v, p, 4); return v; }
static inline uint64_t vio_get64(const uint8_t *p) { uint64_t v; __builtin_memcpy(&v, p, 8); return v; }

/* A descriptor ring this end exports to the server. */
struct vio_dring {
  void *base;
  uint32_t ndesc, desc_size;
  uint16_t options;            /* VIO_TX_DRING or VIO_RX_DRING */
  struct ldc_cookie cookie;    /* filled by vio_client_handshake */
  uint64_t ident;              /* the server's name for it (from the DRING_REG ACK) */
};

struct vio_client {
  struct ldc *ldc;
  uint8_t dev_class;           /* ours: VDEV_DISK, VDEV_NETWORK */
  uint32_t sid;                /* our session id: every message carries it */
  struct vio_ver ver;          /* agreed */
  uint64_t seq;                /* DRING_DATA sequence number: 1 after the handshake */
};

#define VIO_EREFUSED (-3)   /* the server NACKed something the client cannot do without */

/* The handshake on an up link: VER_INFO with each version of vers in turn (best first) until
 * one is ACKed (the agreed minor is the smaller); ATTR_INFO with attr->body as the caller
 * filled it (the ACK's body replaces it); DRING_REG for each ring (exported here, CR|CW);
 * RDX. 0, LDC_ERESET (the link was reset: start again), or VIO_EREFUSED with a line saying
 * what the server refused. */
int vio_client_handshake(struct vio_client *v, const struct vio_ver *vers, int nvers, struct vio_msg *attr,
                         struct vio_dring *rings, int nrings);
/* Fills in the tag (our sid) and sends the 56-byte message: its length, or LDC_ERESET. */
int64_t vio_send(struct vio_client *v, void *msg, uint8_t type, uint8_t stype, uint16_t env);
/* The next VIO message (56 bytes, longer ones are dropped): 0, or LDC_ERESET. */
int vio_recv(struct vio_client *v, struct vio_msg *m);

#endif
