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

}  // namespace

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

uint64_t hc_msiq_getvalid(Call& c) {
  RootComplex* r;
  MsiEq* q = eq_of(c, r);
  if (!q) return HV_EINVAL;
  c.ret(1, q->valid ? 1 : 0);
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

uint64_t hc_msiq_getstate(Call& c) {
  RootComplex* r;
  MsiEq* q = eq_of(c, r);
  if (!q) return HV_EINVAL;
  c.ret(1, q->state);
  return HV_EOK;
}

uint64_t hc_msiq_setstate(Call& c) {
  RootComplex* r;
  MsiEq* q = eq_of(c, r);
  if (!q || !q->entries || c.arg(2) > 1) return HV_EINVAL;
  q->state = c.arg(2);
  return HV_EOK;
}

uint64_t hc_msiq_gethead(Call& c) {
  RootComplex* r;
  MsiEq* q = eq_of(c, r);
  if (!q) return HV_EINVAL;
  c.ret(1, q->head);
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

uint64_t hc_msiq_gettail(Call& c) {
  RootComplex* r;
  MsiEq* q = eq_of(c, r);
  if (!q) return HV_EINVAL;
  c.ret(1, q->tail);
  return HV_EOK;
}

uint64_t hc_msi_getvalid(Call& c) {
  MsiVector* m = msi_of(c);
  if (!m) return HV_EINVAL;
  c.ret(1, m->valid ? 1 : 0);
  return HV_EOK;
}

uint64_t hc_msi_setvalid(Call& c) {
  MsiVector* m = msi_of(c);
  if (!m || c.arg(2) > 1) return HV_EINVAL;
  m->valid = c.arg(2);
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

uint64_t hc_msi_getstate(Call& c) {
  MsiVector* m = msi_of(c);
  if (!m) return HV_EINVAL;
  c.ret(1, m->state);
  return HV_EOK;
}

uint64_t hc_msi_setstate(Call& c) {
  MsiVector* m = msi_of(c);
  if (!m || c.arg(2) > 1) return HV_EINVAL;
  m->state = c.arg(2);
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

uint64_t hc_msg_getvalid(Call& c) {
  MsgRoute* m = msg_of(c);
  if (!m) return HV_EINVAL;
  c.ret(1, m->valid ? 1 : 0);
  return HV_EOK;
}

uint64_t hc_msg_setvalid(Call& c) {
  MsgRoute* m = msg_of(c);
  if (!m || c.arg(2) > 1) return HV_EINVAL;
  m->valid = c.arg(2);
  return HV_EOK;
}

}  // namespace vfsim::hv
