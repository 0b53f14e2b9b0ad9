// The MSI calls of API group 0x100 (0xc0-0xd3): a root complex's 36 event queues, its 256
// MSIs and its PCIe message routes (docs/pcie.md; conventions as the OpenSPARC hypervisor's
// vpci_msi.s implements them: msi_setmsiq takes the queue in o2 and the type in o3, queue
// heads and tails are byte offsets, a queue has exactly 128 records).
#include "hv/hcall.h"
#include "hv/pcie_root_complex.h"

namespace vfsim::hv {

RootComplex* owned_root(Call& c);   // hcall_pci.cpp

namespace {

MsiEq* eq_of(Call& c, RootComplex*& r) {
  r = owned_root(c);
  return r && c.arg(1) < pcie::kMsiEqs ? &r->eqs[c.arg(1)] : nullptr;
}
MsiVector* msi_of(Call& c) {
  RootComplex* r = owned_root(c);
  return r && c.arg(1) < pcie::kMsis ? &r->msis[c.arg(1)] : nullptr;
}
MsgRoute* msg_of(Call& c) {
  RootComplex* r = owned_root(c);
  if (!r) return nullptr;
  for (unsigned i = 0; i < 5; ++i)
    if (pcie::kMsgTypes[i] == c.arg(1)) return &r->msgs[i];
  return nullptr;
}

MsiEq* eq_only(Call& c) {
  RootComplex* r;
  return eq_of(c, r);
}

}  // namespace

// The plain getters and setters: the object (EINVAL when the devhandle is not the caller's or
// the number is out of range), then a field into %o1, or %o2 into a field (EINVAL above max).
#define MSI_GET(name, lookup, expr)    \
  uint64_t hc_##name(Call& c) {        \
    auto* x = lookup(c);               \
    if (!x) return HV_EINVAL;          \
    c.ret(1, expr);                    \
    return HV_EOK;                     \
  }
#define MSI_SET(name, lookup, field, max)           \
  uint64_t hc_##name(Call& c) {                     \
    auto* x = lookup(c);                            \
    if (!x || c.arg(2) > (max)) return HV_EINVAL;   \
    x->field = c.arg(2);                            \
    return HV_EOK;                                  \
  }
MSI_GET(msiq_getvalid, eq_only, x->valid ? 1 : 0)
MSI_GET(msiq_getstate, eq_only, x->state)
MSI_GET(msiq_gethead, eq_only, x->head)
MSI_GET(msiq_gettail, eq_only, x->tail)
MSI_GET(msi_getvalid, msi_of, x->valid ? 1 : 0)
MSI_GET(msi_getstate, msi_of, x->state)
MSI_GET(msg_getvalid, msg_of, x->valid ? 1 : 0)
MSI_SET(msi_setvalid, msi_of, valid, 1)
MSI_SET(msi_setstate, msi_of, state, 1)
MSI_SET(msg_setvalid, msg_of, valid, 1)
#undef MSI_GET
#undef MSI_SET

// Configure (RA 8 KB aligned, 128 entries) or unconfigure (0 entries) an event queue; it
// starts empty.
uint64_t hc_msiq_conf(Call& c) {
  RootComplex* r;
  MsiEq* q = eq_of(c, r);
  uint64_t ra = c.arg(2), n = c.arg(3);
  if (!q) return HV_EINVAL;
  if (n == 0) {
    *q = MsiEq{};
    return HV_EOK;
  }
  if (n != pcie::kMsiEqRecords) return HV_EINVAL;
  if (ra % pcie::kMsiEqBytes) return HV_EBADALIGN;
  if (!c.g.ra_ok(ra, pcie::kMsiEqBytes)) return HV_ENORADDR;
  q->ra = ra, q->entries = n, q->head = q->tail = 0, q->state = 0;
  return HV_EOK;
}

uint64_t hc_msiq_info(Call& c) {
  RootComplex* r;
  MsiEq* q = eq_of(c, r);
  if (!q) return HV_EINVAL;
  c.ret(1, q->ra);
  c.ret(2, q->entries);
  return HV_EOK;
}

uint64_t hc_msiq_setvalid(Call& c) {
  RootComplex* r;
  MsiEq* q = eq_of(c, r);
  if (!q || !q->entries || c.arg(2) > 1) return HV_EINVAL;
  q->valid = c.arg(2);
  if (q->valid && q->head != q->tail) r->eq_interrupt(unsigned(c.arg(1)));   // records waited for it
  return HV_EOK;
}

uint64_t hc_msiq_setstate(Call& c) {
  RootComplex* r;
  MsiEq* q = eq_of(c, r);
  if (!q || !q->entries || c.arg(2) > 1) return HV_EINVAL;
  q->state = c.arg(2);
  return HV_EOK;
}

// The new head must be a record boundary inside the queue.
uint64_t hc_msiq_sethead(Call& c) {
  RootComplex* r;
  MsiEq* q = eq_of(c, r);
  uint64_t head = c.arg(2);
  if (!q || !q->entries || head % pcie::kMsiRecordBytes || head >= q->entries * pcie::kMsiRecordBytes) return HV_EINVAL;
  q->head = head;
  return HV_EOK;
}

uint64_t hc_msi_getmsiq(Call& c) {
  MsiVector* m = msi_of(c);
  if (!m || !m->bound) return HV_EINVAL;
  c.ret(1, m->msiq);
  return HV_EOK;
}

uint64_t hc_msi_setmsiq(Call& c) {
  MsiVector* m = msi_of(c);
  if (!m || c.arg(2) >= pcie::kMsiEqs || c.arg(3) > 1) return HV_EINVAL;
  m->msiq = c.arg(2), m->type = c.arg(3), m->bound = true;
  return HV_EOK;
}

uint64_t hc_msg_getmsiq(Call& c) {
  MsgRoute* m = msg_of(c);
  if (!m || !m->bound) return HV_EINVAL;
  c.ret(1, m->msiq);
  return HV_EOK;
}

uint64_t hc_msg_setmsiq(Call& c) {
  MsgRoute* m = msg_of(c);
  if (!m || c.arg(2) >= pcie::kMsiEqs) return HV_EINVAL;
  m->msiq = c.arg(2), m->bound = true;
  return HV_EOK;
}

}  // namespace vfsim::hv
