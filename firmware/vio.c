/* The client's half of the VIO handshake (see vio.h; reference §5.3). */
#include "vio.h"

#include <stddef.h>

#include "console.h"
#include "cpuops.h"

void *memset(void *d, int c, size_t n);

int64_t vio_send(struct vio_client *v, void *msg, uint8_t type, uint8_t stype, uint16_t env) {
  struct vio_msg *m = msg;
  m->type = type;
  m->stype = stype;
  m->env = env;
  m->sid = v->sid;
  return ldc_send(v->ldc, m, sizeof *m);
}

int vio_recv(struct vio_client *v, struct vio_msg *m) {
  for (;;) {
    int64_t n = ldc_recv(v->ldc, m, sizeof *m);
    if (n == LDC_ERESET) return LDC_ERESET;
    if (n == (int64_t)sizeof *m) return 0;
  }
}

/* Send a control INFO and wait for its ACK or NACK (other messages are stale and dropped):
 * 1 ACK, 0 NACK, or LDC_ERESET. The reply replaces *m. */
static int ctrl_exchange(struct vio_client *v, struct vio_msg *m, uint16_t env) {
  if (vio_send(v, m, VIO_TYPE_CTRL, VIO_SUBTYPE_INFO, env) < 0) return LDC_ERESET;
  for (;;) {
    if (vio_recv(v, m) < 0) return LDC_ERESET;
    if (m->type == VIO_TYPE_CTRL && m->env == env && m->stype != VIO_SUBTYPE_INFO)
      return m->stype == VIO_SUBTYPE_ACK;
  }
}

static const char *class_name(uint8_t c) {
  return c == VDEV_DISK ? "vdisk" : c == VDEV_NETWORK ? "vnet" : "vio";
}

int vio_client_handshake(struct vio_client *v, const struct vio_ver *vers, int nvers, struct vio_msg *attr,
                         struct vio_dring *rings, int nrings) {
  struct vio_msg m;
  int i, r = 0;
  v->sid = (uint32_t)rd_stick() | 1;   /* any nonzero number of ours */
  for (i = 0; i < nvers; i++) {
    memset(&m, 0, sizeof m);
    vio_put16(m.body, vers[i].major);
    vio_put16(m.body + 2, vers[i].minor);
    m.body[4] = v->dev_class;
    r = ctrl_exchange(v, &m, VIO_VER_INFO);
    if (r < 0) return r;
    if (r == 1) {
      uint16_t minor = vio_get16(m.body + 2);
      v->ver.major = vio_get16(m.body);
      v->ver.minor = minor < vers[i].minor ? minor : vers[i].minor;
      break;
    }
  }
  if (r != 1) {
    printf("%s: channel %lu: the server accepts none of our versions\n", class_name(v->dev_class), v->ldc->id);
    return VIO_EREFUSED;
  }
  r = ctrl_exchange(v, attr, VIO_ATTR_INFO);
  if (r != 1) {
    if (r == 0) printf("%s: channel %lu: the server refused our attributes\n", class_name(v->dev_class), v->ldc->id);
    return r < 0 ? r : VIO_EREFUSED;
  }
  for (i = 0; i < nrings; i++) {
    struct vio_dring *d = &rings[i];
    if (!d->cookie.size &&
        ldc_export(v->ldc, d->base, (uint64_t)d->ndesc * d->desc_size, LDC_MAP_CR | LDC_MAP_CW, &d->cookie))
      die(1, "%s: channel %lu: the map table is full", class_name(v->dev_class), v->ldc->id);
    memset(&m, 0, sizeof m);
    uint8_t *b = m.body;                       /* DRING_REG: ident 0, geometry, one cookie */
    vio_put32(b + 8, d->ndesc);
    vio_put32(b + 12, d->desc_size);
    vio_put16(b + 16, d->options);
    vio_put32(b + 20, 1);
    vio_put64(b + 24, d->cookie.addr);
    vio_put64(b + 32, d->cookie.size);
    r = ctrl_exchange(v, &m, VIO_DRING_REG);
    if (r != 1) {
      if (r == 0) printf("%s: channel %lu: the server refused descriptor ring %d\n", class_name(v->dev_class), v->ldc->id, i);
      return r < 0 ? r : VIO_EREFUSED;
    }
    d->ident = vio_get64(b);
  }
  memset(&m, 0, sizeof m);
  r = ctrl_exchange(v, &m, VIO_RDX);
  if (r != 1) return r < 0 ? r : VIO_EREFUSED;
  v->seq = 1;
  printf("%s: channel %lu: version %u.%u, handshake done\n", class_name(v->dev_class), v->ldc->id, v->ver.major,
         v->ver.minor);
  return 0;
}
