// Interrupt sources: the sysino calls of INTR 1.0 and the (devhandle, devino) vintr calls
// virtual devices use. A guest's sources so far: its console (devhandle 0x100, ino 0x11);
// LDC endpoints will add theirs. sysino = devhandle << 16 | devino (our own encoding).
#include "hv/hcall.h"
#include "hv/pcie_root_complex.h"

namespace vfsim::hv {

namespace {

InterruptSource* by_sysino(Call& c, uint64_t sysino) {
  for (InterruptSource& s : c.g.intr)
    if ((s.devhandle << 16 | s.devino) == sysino) return &s;
  for (CryptoUnit& u : c.g.spu)
    for (InterruptSource* s : {&u.cwq_intr, &u.mau_intr})
      if ((s->devhandle << 16 | s->devino) == sysino) return s;
  return nullptr;
}
InterruptSource* by_dev(Call& c) {
  for (InterruptSource& s : c.g.intr)
    if (s.devhandle == c.arg(0) && s.devino == c.arg(1)) return &s;
  for (CryptoUnit& u : c.g.spu)   // (its crypto units' queues: kept with the unit, not in intr)
    for (InterruptSource* s : {&u.cwq_intr, &u.mau_intr})
      if (s->devhandle == c.arg(0) && s->devino == c.arg(1)) return s;
  return nullptr;
}
// INTR 2.0 retired the sysino calls (the spec's HV_ENOTSUPPORTED).
bool sysino_api(Call& c) { return !c.g.negotiated(GROUP_INTR, 2, 0); }

}  // namespace

uint64_t hc_intr_devino2sysino(Call& c) {
  if (!sysino_api(c)) return HV_ENOTSUPPORTED;
  InterruptSource* s = by_dev(c);
  if (!s) return HV_EINVAL;
  c.ret(1, s->devhandle << 16 | s->devino);
  return HV_EOK;
}

#define SYSINO_GET(name, expr)                      \
  uint64_t hc_##name(Call& c) {                     \
    if (!sysino_api(c)) return HV_ENOTSUPPORTED;       \
    InterruptSource* s = by_sysino(c, c.arg(0));    \
    if (!s) return HV_ENOINTR;                         \
    c.ret(1, expr);                                 \
    return HV_EOK;                                     \
  }
SYSINO_GET(intr_getenabled, s->valid ? 1 : 0)
SYSINO_GET(intr_getstate, s->state)
SYSINO_GET(intr_gettarget, s->target)
#undef SYSINO_GET

uint64_t hc_intr_setenabled(Call& c) {
  if (!sysino_api(c)) return HV_ENOTSUPPORTED;
  InterruptSource* s = by_sysino(c, c.arg(0));
  if (!s) return HV_ENOINTR;
  if (c.arg(1) > 1) return HV_EINVAL;
  s->valid = c.arg(1);
  return HV_EOK;
}
uint64_t hc_intr_setstate(Call& c) {
  if (!sysino_api(c)) return HV_ENOTSUPPORTED;
  InterruptSource* s = by_sysino(c, c.arg(0));
  if (!s) return HV_ENOINTR;
  if (c.arg(1) > 2) return HV_EINVAL;
  s->state = c.arg(1);
  if (RootComplex* r = c.hv.root_by_handle(s->devhandle); r && r->owner == &c.g) r->rearm(*s);
  return HV_EOK;
}
uint64_t hc_intr_settarget(Call& c) {
  if (!sysino_api(c)) return HV_ENOTSUPPORTED;
  InterruptSource* s = by_sysino(c, c.arg(0));
  if (!s) return HV_ENOINTR;
  if (!c.g.vcpu(c.arg(1))) return HV_ENOCPU;
  s->target = c.arg(1);
  return HV_EOK;
}

// The (devhandle, devino) calls: getters return the field in %o1, setters take it in %o2
// (a value above `max`: EINVAL; a target that is not one of the guest's vCPUs: ENOCPU).
#define VINTR_GET(name, expr)                       \
  uint64_t hc_##name(Call& c) {                     \
    InterruptSource* s = by_dev(c);                 \
    if (!s) return HV_ENOINTR;                      \
    c.ret(1, expr);                                 \
    return HV_EOK;                                  \
  }
#define VINTR_SET(name, field, max)                 \
  uint64_t hc_##name(Call& c) {                     \
    InterruptSource* s = by_dev(c);                 \
    if (!s) return HV_ENOINTR;                      \
    if (c.arg(2) > (max)) return HV_EINVAL;         \
    s->field = c.arg(2);                            \
    return HV_EOK;                                  \
  }
VINTR_GET(vintr_getcookie, s->cookie)
VINTR_GET(vintr_getvalid, s->valid ? 1 : 0)
VINTR_GET(vintr_getstate, s->state)
VINTR_GET(vintr_gettarget, s->target)
VINTR_SET(vintr_setcookie, cookie, ~0ull)
VINTR_SET(vintr_setvalid_only, valid, 1)
VINTR_SET(vintr_setstate_only, state, 2)
#undef VINTR_GET
#undef VINTR_SET

// Re-arming a channel's rx interrupt (valid and idle again) re-checks its queue: packets
// that arrived while it was delivered interrupt at once (as OpenSPARC's hypervisor does).
static void rearm(Call& c) {
  InterruptSource* s = by_dev(c);
  if (s)   // a PCIe bus's event queue or INTx (pcie_root_complex.h)
    if (RootComplex* r = c.hv.root_by_handle(s->devhandle); r && r->owner == &c.g) return r->rearm(*s);
  if (!s || !s->valid || s->state != 0 || s->devhandle != kChannelDevhandle || !(s->devino & 1)) return;
  LdcEndpoint* e = c.g.channel(s->devino / 2);
  if (e && e->rx.entries && e->rx.head != e->rx.tail) c.hv.raise_interrupt(c.g, *s);
}
uint64_t hc_vintr_setvalid(Call& c) {
  uint64_t st = hc_vintr_setvalid_only(c);
  if (st == HV_EOK) rearm(c);
  return st;
}
uint64_t hc_vintr_setstate(Call& c) {
  uint64_t st = hc_vintr_setstate_only(c);
  if (st == HV_EOK) rearm(c);
  return st;
}

uint64_t hc_vintr_settarget(Call& c) {
  InterruptSource* s = by_dev(c);
  if (!s) return HV_ENOINTR;
  if (!c.g.vcpu(c.arg(2))) return HV_ENOCPU;
  s->target = c.arg(2);
  return HV_EOK;
}

}  // namespace vfsim::hv
