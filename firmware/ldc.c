/* The LDC link layer (see ldc.h). Queue offsets are bytes; the queues are in our identity-
 * mapped memory, so a pointer is the real address the hypervisor wants. */
#include "ldc.h"

#include <stddef.h>

#include "alloc.h"
#include "api.h"
#include "bootargs.h"
#include "console.h"
#include "cpuops.h"
#include "hcall.h"
#include "percpu.h"
#include "sun4v.h"

void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

#define PKT 64
#define CHANNEL_DEVHANDLE 0x200   /* the MD's channel-devices cfg-handle */
#define DEV_MONDO_ENTRIES 16      /* one rx source, delivered at most once until re-armed */
#define INIT_SEQID 0
#ifndef TX_POLLS
#define TX_POLLS 100000
#endif

enum { T_CTRL = 0x01, T_DATA = 0x02, T_ERR = 0x10 };
enum { S_INFO = 0x01, S_ACK = 0x02, S_NACK = 0x04 };
enum { C_VER = 0x01, C_RTS = 0x02, C_RTR = 0x03, C_RDX = 0x04, C_MASK = 0x0f };
enum { ENV_LEN = 0x3f, ENV_START = 0x40, ENV_STOP = 0x80 };

/* A queue entry in the non-RAW modes. SPARC is big-endian: seqid and ackid are stored in
 * the wire's byte order as they are. */
struct pkt {
  uint8_t type, stype, ctrl, env;
  uint32_t seqid;
  union {
    uint8_t data[56];                                  /* UNRELIABLE payload at 8 */
    struct { uint32_t pad, ackid; uint8_t data[48]; } r;   /* ackid at 12, RELIABLE payload at 16 */
    struct { uint16_t major, minor; } ver;
  } u;
};
_Static_assert(sizeof(struct pkt) == PKT, "an LDC packet is one queue entry");
_Static_assert(offsetof(struct pkt, u.r.ackid) == 12 && offsetof(struct pkt, u.r.data) == 16, "layout");

static void check(const struct ldc *l, const char *what, uint64_t st) {
  if (st != HV_EOK) die(1, "ldc: %s(channel %lu) failed: %s (%lu)", what, l->id, hv_strerror(st), st);
}

static uint64_t payload_max(const struct ldc *l) {
  return l->mode == LDC_MODE_RAW ? PKT : l->mode == LDC_MODE_UNRELIABLE ? 56 : 48;
}
static uint8_t *payload(const struct ldc *l, struct pkt *p) {
  return l->mode == LDC_MODE_RELIABLE ? p->u.r.data : p->u.data;
}

/* tx or rx state; remembers a RESET, which the hypervisor reports only once */
static uint64_t get_state(struct ldc *l, uint64_t fn, uint64_t *head, uint64_t *tail) {
  uint64_t state = 0;
  check(l, fn == HV_LDC_TX_GET_STATE ? "ldc_tx_get_state" : "ldc_rx_get_state",
        hv_ldc_get_state(fn, l->id, head, tail, &state));
  if (state == HV_LDC_RESET) l->reset = 1;
  return state;
}

/* (Re)configure both queues: they start empty, and the peer sees RESET. The pointers are
 * read back rather than assumed 0 (OpenSPARC's hypervisor keeps the old tail). */
static void queues_conf(struct ldc *l) {
  check(l, "ldc_tx_qconf", hv_ldc_qconf(HV_LDC_TX_QCONF, l->id, l->txq, LDC_QUEUE_ENTRIES));
  check(l, "ldc_rx_qconf", hv_ldc_qconf(HV_LDC_RX_QCONF, l->id, l->rxq, LDC_QUEUE_ENTRIES));
  uint64_t h, t;
  get_state(l, HV_LDC_TX_GET_STATE, &h, &t);
  l->tx_head = h;
  l->tx_tail = l->tx_sent = t;
  get_state(l, HV_LDC_RX_GET_STATE, &h, &t);
  l->rx_head = l->rx_tail = l->rx_given = h;
}

/* ---- sending ---- */

static void tx_flush(struct ldc *l) {
  if (l->tx_tail == l->tx_sent) return;
  membar_sync();   /* the packets before the tail that hands them over */
  check(l, "ldc_tx_set_qtail", hv_ldc_tx_set_qtail(l->id, l->tx_tail));
  l->tx_sent = l->tx_tail;
}

/* Wait for a free slot (one stays empty: head == tail means empty). 0, or -1 when the
 * link was reset meanwhile. */
static int tx_room(struct ldc *l) {
  while (((l->tx_tail + PKT) & l->mask) == l->tx_head) {
    tx_flush(l);   /* what is written must be on its way before we wait for room */
    uint64_t tail;
    get_state(l, HV_LDC_TX_GET_STATE, &l->tx_head, &tail);
    if (l->reset) return -1;
    /* room comes when the peer consumes; no interrupt says so: sleep a little */
    if (((l->tx_tail + PKT) & l->mask) == l->tx_head) hv_cpu_yield();
  }
  return 0;
}

static void tx_write(struct ldc *l, const struct pkt *p) {
  memcpy(l->txq + l->tx_tail, p, PKT);
  l->tx_tail = (l->tx_tail + PKT) & l->mask;
}

/* One packet now. A reset meanwhile drops it: the callers notice l->reset. */
static void tx_put(struct ldc *l, const struct pkt *p) {
  if (tx_room(l)) return;
  tx_write(l, p);
  tx_flush(l);
}

static void send_ctrl(struct ldc *l, uint8_t stype, uint8_t ctrl, uint8_t env, uint32_t seqid) {
  struct pkt p;
  memset(&p, 0, sizeof p);
  p.type = T_CTRL;
  p.stype = stype;
  p.ctrl = ctrl;
  p.env = env;
  p.seqid = seqid;
  if (ctrl == C_VER) p.u.ver.major = 1, p.u.ver.minor = 0;   /* the only LDC version */
  if (ctrl == C_RDX) p.u.r.ackid = l->rcv_seq;
  tx_put(l, &p);
}

/* DATA ACK / NACK: a seqid of their own; ackid = the last packet accepted */
static void send_ack(struct ldc *l, uint8_t stype, uint8_t ctrl) {
  struct pkt p;
  memset(&p, 0, sizeof p);
  p.type = T_DATA;
  p.stype = stype;
  p.ctrl = ctrl;
  p.seqid = ++l->snd_seq;
  p.u.r.ackid = l->rcv_seq;
  tx_put(l, &p);
}

/* ---- receiving ---- */

/* The rx interrupt is re-armed (state idle) before the last look at the queue, with
 * interrupts off: a packet arriving after that look queues a device mondo, which ends
 * cpu_yield at once, so no wake-up is lost. dev_mondo (traptable.S) consumes it. */
static void rx_wait(struct ldc *l) {
  irq_disable();
  check(l, "vintr_setstate", hv_vintr_set(HV_VINTR_SETSTATE, CHANNEL_DEVHANDLE, l->rx_ino, HV_INTR_IDLE));
  uint64_t head;
  get_state(l, HV_LDC_RX_GET_STATE, &head, &l->rx_tail);
  if (!l->reset && l->rx_tail == l->rx_head) hv_cpu_yield();
  irq_enable();
}

/* The next packet, waiting for one: 0, or -1 when the link was reset (l->reset). */
static int rx_get(struct ldc *l, struct pkt *p) {
  while (!l->reset && l->rx_head == l->rx_tail) {
    if (l->rx_given != l->rx_head) {   /* hand the read slots back: waiting packets move in */
      check(l, "ldc_rx_set_qhead", hv_ldc_rx_set_qhead(l->id, l->rx_head));
      l->rx_given = l->rx_head;
    }
    uint64_t head;
    get_state(l, HV_LDC_RX_GET_STATE, &head, &l->rx_tail);
    if (!l->reset && l->rx_tail == l->rx_head) rx_wait(l);
  }
  if (l->reset) return -1;
  memcpy(p, l->rxq + l->rx_head, PKT);
  l->rx_head = (l->rx_head + PKT) & l->mask;
  return 0;
}

/* drop everything received so far */
static void rx_flush(struct ldc *l) {
  uint64_t head;
  get_state(l, HV_LDC_RX_GET_STATE, &head, &l->rx_tail);
  l->rx_head = l->rx_tail;
  check(l, "ldc_rx_set_qhead", hv_ldc_rx_set_qhead(l->id, l->rx_head));
  l->rx_given = l->rx_head;
}

/* ---- handshake and reset ---- */

/* VER -> VER ACK -> RTS (our mode, the initial seqid) -> RTR -> RDX. The initiator starts
 * with an empty RX queue (what came before is stale) and starts again on a RESET; the other
 * end waits for VER, ignoring everything else, so leftovers of an earlier attempt are
 * harmless. A peer on another version or mode is a configuration error: exit 1. */
static void handshake(struct ldc *l) {
  enum { WAIT_VER, WAIT_VER_ACK, WAIT_RTS, WAIT_RTR, WAIT_RDX } hs;
restart:
  l->reset = 0;
  hs = WAIT_VER;
  if (l->initiator) {
    rx_flush(l);
    send_ctrl(l, S_INFO, C_VER, 0, 0);
    hs = WAIT_VER_ACK;
  }
  for (;;) {
    struct pkt p;
    if (rx_get(l, &p)) goto restart;
    if (p.type != T_CTRL) continue;   /* data from before the reset */
    uint8_t c = p.ctrl & C_MASK;
    if (c == C_VER && p.stype == S_INFO && !l->initiator) {
      int ok = p.u.ver.major == 1;
      send_ctrl(l, ok ? S_ACK : S_NACK, C_VER, 0, 0);   /* a NACK offers our 1.0 */
      hs = ok ? WAIT_RTS : WAIT_VER;
    } else if (c == C_VER && hs == WAIT_VER_ACK && p.stype != S_INFO) {
      if (p.stype != S_ACK || p.u.ver.major != 1)
        die(1, "ldc: channel %lu: the peer refused version 1.0 (it offers %u.%u)", l->id, p.u.ver.major,
            p.u.ver.minor);
      l->snd_seq = INIT_SEQID;
      send_ctrl(l, S_INFO, C_RTS, (uint8_t)l->mode, l->snd_seq);
      hs = WAIT_RTR;
    } else if (c == C_RTS && hs == WAIT_RTS && p.stype == S_INFO) {
      if (p.env != l->mode) {
        send_ctrl(l, S_NACK, C_RTS, (uint8_t)l->mode, 0);
        die(1, "ldc: channel %lu: the peer wants mode %s, this end uses %s", l->id, ldc_mode_name(p.env),
            ldc_mode_name(l->mode));
      }
      l->rcv_seq = l->snd_seq = p.seqid;   /* both directions count from the RTS's seqid */
      send_ctrl(l, S_INFO, C_RTR, (uint8_t)l->mode, l->snd_seq);
      hs = WAIT_RDX;
    } else if (c == C_RTS && hs == WAIT_RTR && p.stype == S_NACK) {
      die(1, "ldc: channel %lu: the peer refused mode %s (it uses %s)", l->id, ldc_mode_name(l->mode),
          ldc_mode_name(p.env));
    } else if (c == C_RTR && hs == WAIT_RTR && p.stype == S_INFO && p.env == l->mode) {
      l->rcv_seq = p.seqid;
      send_ctrl(l, S_INFO, C_RDX, 0, ++l->snd_seq);
      break;
    } else if (c == C_RDX && hs == WAIT_RDX && p.stype == S_INFO && p.seqid == l->rcv_seq + 1) {
      l->rcv_seq = p.seqid;
      break;
    }
    /* anything else belongs to an earlier attempt */
  }
  if (l->reset) goto restart;   /* our last packet may not have gone out */
  l->data_seq = l->acked = l->snd_seq;
  printf("ldc: channel %lu up (mode %s)\n", l->id, ldc_mode_name(l->mode));
}

/* Start over after a RESET (the peer reconfigured) or an error we found (reconfigure: our
 * own queues are reset, which the peer sees as RESET). RAW just drops what it has. */
static void link_restart(struct ldc *l, int reconfigure, const char *why) {
  l->resets++;
  printf("ldc: channel %lu reset (%s)\n", l->id, why);
  l->tx_tail = l->tx_sent;   /* packets of an unfinished message are not sent */
  if (reconfigure) queues_conf(l);
  l->reset = 0;
  if (l->mode == LDC_MODE_RAW) rx_flush(l);
  else handshake(l);
}

/* ---- opening ---- */

void ldc_open(struct ldc *l, uint64_t id, uint64_t rx_ino, enum ldc_mode mode, int initiator) {
  memset(l, 0, sizeof *l);
  l->id = id;
  l->rx_ino = rx_ino;
  l->mode = mode;
  l->initiator = initiator;
  if (!api_granted(HV_GRP_LDC)) die(1, "ldc: the hypervisor did not grant the LDC API group");
  uint64_t bytes = LDC_QUEUE_ENTRIES * PKT;
  l->txq = alloc_zero(bytes, bytes);
  l->rxq = alloc_zero(bytes, bytes);
  void *mondo = alloc_zero(DEV_MONDO_ENTRIES * QUEUE_ENTRY_SIZE, DEV_MONDO_ENTRIES * QUEUE_ENTRY_SIZE);
  if (!l->txq || !l->rxq || !mondo) die(1, "ldc: no memory for the queues of channel %lu", id);
  l->mask = bytes - 1;

  /* the rx interrupt, a device mondo to this vCPU, ends our cpu_yield when packets arrive */
  check(l, "cpu_qconf(dev mondo)", hv_cpu_qconf(QUEUE_ID_DEV_MONDO, (uint64_t)mondo, DEV_MONDO_ENTRIES));
  check(l, "vintr_setcookie", hv_vintr_set(HV_VINTR_SETCOOKIE, CHANNEL_DEVHANDLE, rx_ino, rx_ino));
  check(l, "vintr_settarget", hv_vintr_set(HV_VINTR_SETTARGET, CHANNEL_DEVHANDLE, rx_ino, this_cpu()->id));
  check(l, "vintr_setstate", hv_vintr_set(HV_VINTR_SETSTATE, CHANNEL_DEVHANDLE, rx_ino, HV_INTR_IDLE));
  check(l, "vintr_setvalid", hv_vintr_set(HV_VINTR_SETVALID, CHANNEL_DEVHANDLE, rx_ino, 1));

  queues_conf(l);
  /* DOWN until the peer has its RX queue; the first look after that says RESET, which is
   * the start of the link, not a reset */
  for (;;) {
    uint64_t head, tail;
    if (get_state(l, HV_LDC_TX_GET_STATE, &head, &tail) != HV_LDC_DOWN) break;
    hv_cpu_yield();
  }
  l->reset = 0;
  if (mode == LDC_MODE_RAW) printf("ldc: channel %lu up (mode raw)\n", id);
  else handshake(l);
}

/* ---- messages ---- */

int64_t ldc_send(struct ldc *l, const void *msg, uint64_t len) {
  const uint8_t *in = msg;
  uint64_t max = payload_max(l), off = 0;
  do {
    uint64_t n = len - off < max ? len - off : max;
    struct pkt p;
    memset(&p, 0, sizeof p);
    if (l->mode == LDC_MODE_RAW) {
      memcpy(&p, in + off, n);   /* the last packet is padded with zeros */
    } else {
      p.type = T_DATA;
      p.stype = S_INFO;
      p.env = (uint8_t)(n | (off == 0 ? ENV_START : 0) | (off + n == len ? ENV_STOP : 0));
      l->snd_seq += 1 + l->gap;   /* a gap looks to the peer like a lost packet */
      l->gap = 0;
      p.seqid = l->snd_seq;
      memcpy(payload(l, &p), in + off, n);
    }
    if (tx_room(l)) {
      link_restart(l, 0, "peer reset");
      return LDC_ERESET;
    }
    tx_write(l, &p);
    off += n;
  } while (off < len);
  tx_flush(l);
  l->data_seq = l->snd_seq;
  return (int64_t)len;
}

/* A message from the non-RAW modes: fragments START..STOP, each with the next seqid. */
static int64_t recv_message(struct ldc *l, uint8_t *out, uint64_t cap) {
  uint64_t got = 0;
  int in_msg = 0;
  for (;;) {
    struct pkt p;
    if (rx_get(l, &p)) {
      link_restart(l, 0, "peer reset");
      return LDC_ERESET;
    }
    if (p.type != T_DATA) {   /* a handshake packet after the handshake, or ERR: start over */
      link_restart(l, 1, p.type == T_ERR ? "error packet" : "unexpected control packet");
      return LDC_ERESET;
    }
    if (p.stype & S_NACK) {   /* the peer lost some of ours: fatal, as in Linux */
      l->nacks_received++;
      link_restart(l, 1, "NACK from the peer");
      return LDC_ERESET;
    }
    if (p.seqid != l->rcv_seq + 1) {
      printf("ldc: channel %lu: seqid %u, expected %u: NACK\n", l->id, p.seqid, l->rcv_seq + 1);
      l->nacks_sent++;
      send_ack(l, S_NACK, p.ctrl);
      rx_flush(l);
      in_msg = 0;
      continue;
    }
    l->rcv_seq = p.seqid;
    if (p.stype & S_ACK) {   /* must lie between what was acked and what we sent */
      if (p.u.r.ackid - l->acked > l->data_seq - l->acked) {
        link_restart(l, 1, "bad ackid");
        return LDC_ERESET;
      }
      l->acked = p.u.r.ackid;
      continue;
    }
    uint64_t n = p.env & ENV_LEN;
    if (n > payload_max(l)) {
      link_restart(l, 1, "bad packet length");
      return LDC_ERESET;
    }
    if (p.env & ENV_START) in_msg = 1, got = 0;   /* an unfinished message before is dropped */
    if (!in_msg) continue;                        /* the rest of a message whose start was lost */
    if (got + n <= cap) memcpy(out + got, payload(l, &p), n);
    got += n;
    if (p.env & ENV_STOP) {
      if (l->mode == LDC_MODE_RELIABLE) {
        send_ack(l, S_ACK, 0);
        if (l->reset) {
          link_restart(l, 0, "peer reset");
          return LDC_ERESET;
        }
      }
      return got <= cap ? (int64_t)got : LDC_EMSGSIZE;
    }
  }
}

int64_t ldc_recv(struct ldc *l, void *buf, uint64_t cap) {
  if (l->mode != LDC_MODE_RAW) return recv_message(l, buf, cap);
  uint8_t *out = buf;
  for (uint64_t got = 0; got < cap;) {
    struct pkt p;
    if (rx_get(l, &p)) {
      link_restart(l, 0, "peer reset");
      return LDC_ERESET;
    }
    uint64_t n = cap - got < PKT ? cap - got : PKT;
    memcpy(out + got, &p, n);
    got += n;
  }
  return (int64_t)cap;
}

void ldc_reset(struct ldc *l, const char *why) { link_restart(l, 1, why); }

/* In RELIABLE mode the peer acknowledges each of our messages with a DATA/ACK packet of its
 * own: alone in the queue it is no message, and ldc_recv would sleep on it. Such ACKs are
 * taken here (as recv_message would take them) before deciding. */
int ldc_pending(struct ldc *l) {
  for (;;) {
    if (l->rx_head == l->rx_tail) {
      if (l->rx_given != l->rx_head) {   /* hand the read slots back, as rx_get does */
        check(l, "ldc_rx_set_qhead", hv_ldc_rx_set_qhead(l->id, l->rx_head));
        l->rx_given = l->rx_head;
      }
      uint64_t head;
      get_state(l, HV_LDC_RX_GET_STATE, &head, &l->rx_tail);
      if (l->reset) return 1;
      if (l->rx_head == l->rx_tail) return 0;
    }
    const struct pkt *p = (const struct pkt *)(l->rxq + l->rx_head);
    if (l->mode != LDC_MODE_RELIABLE || p->type != T_DATA || p->stype != S_ACK || p->seqid != l->rcv_seq + 1 ||
        p->u.r.ackid - l->acked > l->data_seq - l->acked)
      return 1;   /* a message, or something ldc_recv must deal with */
    l->rcv_seq = p->seqid;
    l->acked = p->u.r.ackid;
    l->rx_head = (l->rx_head + PKT) & l->mask;
  }
}

/* ---- the map table ---- */

int ldc_export(struct ldc *l, const void *buf, uint64_t len, uint64_t perm, struct ldc_cookie *c) {
  uint64_t ra = (uint64_t)buf, first = ra & ~8191ul, pages = (ra + len - first + 8191) / 8192;
  if (!l->map) {
    l->map = alloc_zero(LDC_MAP_ENTRIES * 16, LDC_MAP_ENTRIES * 16);
    if (!l->map) return -1;
    check(l, "ldc_set_map_table", hv_ldc_set_map_table(l->id, l->map, LDC_MAP_ENTRIES));
  }
  if (len == 0 || l->map_used + pages > LDC_MAP_ENTRIES) return -1;
  for (uint64_t i = 0; i < pages; i++)   /* slot: MTE (RA 55:13, perms, 8 KB size code 0), cookie word */
    l->map[2 * (l->map_used + i)] = (first + 8192 * i) | perm;
  membar_sync();
  c->addr = (l->map_used << 13) | (ra & 8191);
  c->size = len;
  l->map_used += pages;
  return 0;
}
