/* LDC link layer on one channel endpoint (reference §4.2-§4.5): the endpoint's TX and RX
 * queues, the VER/RTS/RTR/RDX handshake of the UNRELIABLE and RELIABLE modes, messages of
 * any length split into packets and put together again, seqid checks (NACK and flush on a
 * gap), ACKs in RELIABLE mode, and starting over when the link is reset. RAW mode has no
 * header and no handshake: a message is whole 64-byte packets and both ends know its size.
 * One user per endpoint, on one vCPU; waiting sleeps in cpu_yield until the rx interrupt. */
#ifndef FW_LDC_H
#define FW_LDC_H

#include <stdint.h>

enum ldc_mode { LDC_MODE_RAW = 0, LDC_MODE_UNRELIABLE = 1, LDC_MODE_RELIABLE = 3 };

/* what ldc_send / ldc_recv return instead of a length */
#define LDC_ERESET   (-1)   /* the link was reset and is up again: the message in flight is lost */
#define LDC_EMSGSIZE (-2)   /* a received message did not fit the buffer (it was dropped) */

#define LDC_QUEUE_ENTRIES 128   /* per queue, 8 KB like Linux's */

struct ldc {
  uint64_t id, rx_ino;
  enum ldc_mode mode;
  int initiator;                   /* sends VER; the other end answers */
  uint8_t *txq, *rxq;
  uint64_t mask;                   /* queue bytes - 1 */
  uint64_t tx_head, tx_tail, tx_sent;   /* head as last read; our tail; tail the HV knows */
  uint64_t rx_head, rx_tail, rx_given;  /* next to read; end of what arrived; head the HV knows */
  uint32_t snd_seq, rcv_seq;       /* seqid of the last packet sent / accepted */
  uint32_t data_seq, acked;        /* last data packet sent; the peer's last ackid (RELIABLE) */
  int reset;                       /* the HV reported RESET: the peer reconfigured its queues */
  uint32_t gap;                    /* test hook: the next data packet skips this many seqids */
  uint64_t resets, nacks_sent, nacks_received;
  uint64_t *map;                   /* the map table we export (LDC_MAP_ENTRIES slots of 16 bytes) */
  uint64_t map_used;               /* slots handed out */
};

/* Memory the peer may ldc_copy to or from (reference §4.6): a cookie range {addr, size}. */
struct ldc_cookie { uint64_t addr, size; };
#define LDC_MAP_ENTRIES 1024            /* 8 MB exportable in 8 KB pages */
#define LDC_MAP_CR 0x200ul              /* the peer may copy from it */
#define LDC_MAP_CW 0x400ul              /* the peer may copy into it */

/* Configures the queues and the rx interrupt on this vCPU, waits until the peer has its
 * queues, then (except RAW) runs the handshake; prints "ldc: channel N up (mode M)". A
 * failed hypercall or a peer that refuses our version or mode ends the guest (exit 1). */
void ldc_open(struct ldc *l, uint64_t id, uint64_t rx_ino, enum ldc_mode mode, int initiator);
/* len, or LDC_ERESET */
int64_t ldc_send(struct ldc *l, const void *msg, uint64_t len);
/* The next message's length, LDC_ERESET or LDC_EMSGSIZE. RAW: exactly cap bytes. */
int64_t ldc_recv(struct ldc *l, void *buf, uint64_t cap);

/* Reconfigure our queues (the peer sees RESET) and shake hands again: whatever was in
 * flight either way is lost. For a driver that must start its session over. */
void ldc_reset(struct ldc *l, const char *why);
/* Nonzero when a packet waits in the RX queue (ldc_recv would not sleep). */
int ldc_pending(struct ldc *l);
/* Export len bytes at buf (8-byte aligned) with perm (LDC_MAP_CR | LDC_MAP_CW): consecutive
 * map-table slots, so one cookie range describes it. 0, or -1 when the table is full. The
 * table is registered on the first export; exports last as long as the channel. */
int ldc_export(struct ldc *l, const void *buf, uint64_t len, uint64_t perm, struct ldc_cookie *c);

#endif
