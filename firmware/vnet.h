/* The guest's virtual network device (vnet, reference §5.6): a VIO client of the service
 * domain's virtual switch on the channel the MD's network device names. It exports two
 * descriptor rings: TX (frames it sends, the switch copies them in and ACKs) and RX (empty
 * buffers it posts, the switch fills them and sends DRING_DATA INFO). The descriptor layout
 * is the switch's (models/vsw.h): +0 state, +8 u32 nbytes, +12 u32 ncookies, +16 cookies;
 * frames sit VNET_PACKET_SKIP bytes into their buffer. One user, on one vCPU. */
#ifndef FW_VNET_H
#define FW_VNET_H

#include <stdint.h>

#include "ldc.h"
#include "md.h"
#include "vio.h"

#define VNET_NDESC 32          /* per ring */
#define VNET_DESC_SIZE 48      /* header 16 + two cookies (the switch accepts up to (size-16)/16) */
#define VNET_BUF_SIZE 2048     /* per descriptor: 6 + 1514 rounded to 8 fits */
#define VNET_PACKET_SKIP 6
#define VNET_MTU 1500
#define VNET_MAX_FRAME (VNET_MTU + 14)

/* what vnet_send returns besides 0 */
#define VNET_ETIMEDOUT (-4)    /* no TX descriptor came back from the switch in time */
#define VNET_ERESET (-5)       /* the link was reset (handshake done again): the frame is lost */

/* test hooks: misbehave towards the switch on purpose */
enum vnet_fault {
  VNET_FAULT_NONE,
  VNET_FAULT_RING,   /* register the TX ring with a cookie past what we exported */
  VNET_FAULT_DESC,   /* the first frame's TX descriptor names a buffer outside our map table */
};

struct vnet {
  struct ldc ldc;
  struct vio_client vio;
  uint64_t mac;
  uint32_t mtu;                        /* agreed with the switch */
  struct vio_dring ring[2];            /* [0] TX, [1] RX */
  uint8_t *buf[2];                     /* VNET_NDESC buffers of VNET_BUF_SIZE per ring */
  struct ldc_cookie buf_cookie[2];
  uint32_t tx_next, rx_next;
  enum vnet_fault fault;
  uint64_t ticks_per_us;               /* %stick */
  uint64_t tx_frames, tx_acks, tx_nacks, rx_frames, rx_lost, resets;
};
enum { VNET_TX = 0, VNET_RX = 1 };

/* Opens the channel of the MD's network device 0 (exit 2 without one) (UNRELIABLE, we initiate), exports the rings and buffers and
 * shakes hands (VER 1.6 or 1.0, ATTR with the MD's MAC and MTU 1500, both rings, RDX).
 * 0, or VIO_EREFUSED (a line says what the switch refused). */
int vnet_open(struct vnet *v, const struct md_info *md, enum vnet_fault fault);
/* Queue a frame (14..VNET_MAX_FRAME bytes, starting with its Ethernet header): 0,
 * VNET_ETIMEDOUT or VNET_ERESET. */
int vnet_send(struct vnet *v, const void *frame, uint32_t len);
/* The next received frame into buf (longer ones are dropped): its length, or 0 when
 * %stick reached deadline first (0 = wait forever) or the link was reset meanwhile
 * (v->resets grew: frames in flight are lost). Handles the switch's ACKs meanwhile. */
uint32_t vnet_recv(struct vnet *v, void *buf, uint32_t cap, uint64_t deadline);
/* Reset the link and shake hands again (a driver that lost track of its session): frames in
 * flight are lost. */
void vnet_new_session(struct vnet *v, const char *why);

#endif
