// The sun4v MMU calls: TSB configuration, (permanent) mappings, demaps, the fault status
// area and mmu_enable. Translation itself is in sun4v_mmu.cpp.
#include "hv/hcall.h"
#include "sim/state/codec.h"

namespace vfsim::hv {

namespace {

constexpr unsigned kMaxTsbs = 8;   // the MD's mmu-max-#tsbs

bool va_ok(uint64_t va) {   // 48 implemented VA bits: bits 63..47 all equal (no VA hole)
  uint64_t top = va >> 47;
  return top == 0 || top == 0x1ffff;
}
bool flags_ok(uint64_t f) { return f >= 1 && f <= 3; }

// Checks a TTE a guest wants mapped at va; returns HV_EOK or the status to give.
uint64_t check_mapping(Call& c, uint64_t va, uint64_t ctx, uint64_t tte, uint64_t flags) {
  if (!flags_ok(flags) || !va_ok(va) || ctx > 0x1fff) return HV_EINVAL;
  unsigned code = unsigned(tte & TTE_SZ_MASK);
  if (!pgsz_supported(code)) return HV_EBADPGSZ;
  uint64_t size = 1ull << pgsz_shift(code);
  uint64_t ra = tte & TTE_RA_MASK & ~(size - 1);
  // Memory, or a page of device space (a root complex window the guest owns): whether the
  // mapping may reach the device is the TTE's E/CP bits' business, at access time.
  bool device = c.hv.io_claims && c.hv.io_claims(c.g, ra) && c.hv.io_claims(c.g, ra + size - 1);
  if (!c.g.ra_ok(ra, size) && !device) return HV_ENORADDR;
  return HV_EOK;
}

uint64_t set_tsbs(Call& c, std::vector<TsbDescriptor>& out) {
  uint64_t n = c.arg(0), ra = c.arg(1);
  if (n > kMaxTsbs) return HV_EINVAL;
  if (n && (ra & 7)) return HV_EBADALIGN;
  std::vector<uint8_t> raw(32 * n);
  if (!c.read(ra, raw.data(), raw.size())) return HV_ENORADDR;
  auto be = [&](size_t off, unsigned bytes) { return state::get_be(&raw[off], bytes); };
  std::vector<TsbDescriptor> tsbs;
  for (uint64_t i = 0; i < n; ++i) {
    size_t o = 32 * i;
    TsbDescriptor d;
    d.idx_pgsz = uint16_t(be(o, 2));
    d.assoc = uint16_t(be(o + 2, 2));
    d.entries = uint32_t(be(o + 4, 4));
    d.ctx_index = uint32_t(be(o + 8, 4));
    d.pgsz_mask = uint32_t(be(o + 12, 4));
    d.base_ra = be(o + 16, 8);
    if (!pgsz_supported(d.idx_pgsz) || (d.pgsz_mask & ~kPageSizeMask) || !(d.pgsz_mask & (1u << d.idx_pgsz)) ||
        (d.pgsz_mask & ((1u << d.idx_pgsz) - 1)))
      return HV_EBADPGSZ;   // the index size must be the smallest size the TSB holds
    if (d.assoc != 1 || !d.entries || (d.entries & (d.entries - 1))) return HV_EBADTSB;
    if (d.base_ra & (16ull * d.entries - 1)) return HV_EBADALIGN;
    if (!c.g.ra_ok(d.base_ra, 16ull * d.entries)) return HV_ENORADDR;
    tsbs.push_back(d);
  }
  out = tsbs;
  return HV_EOK;
}

uint64_t tsb_info(Call& c, const std::vector<TsbDescriptor>& tsbs) {
  uint64_t max = c.arg(0), buf = c.arg(1);
  // A misaligned buffer is HV_EBADALIGN (it was reported as ENORADDR).
  if (max && !tsbs.empty() && (buf & 7)) return HV_EBADALIGN;
  for (uint64_t i = 0; i < tsbs.size() && i < max; ++i) {
    const TsbDescriptor& d = tsbs[i];
    uint8_t raw[32] = {};
    auto put = [&](size_t off, unsigned bytes, uint64_t v) {
      for (unsigned k = 0; k < bytes; ++k) raw[off + k] = uint8_t(v >> (8 * (bytes - 1 - k)));
    };
    put(0, 2, d.idx_pgsz); put(2, 2, d.assoc); put(4, 4, d.entries); put(8, 4, d.ctx_index);
    put(12, 4, d.pgsz_mask); put(16, 8, d.base_ra);
    if (!c.write(buf + 32 * i, raw, 32)) return HV_ENORADDR;
  }
  c.ret(1, tsbs.size());
  return HV_EOK;
}

}  // namespace

uint64_t hc_mmu_tsb_ctx0(Call& c) {
  uint64_t s = set_tsbs(c, c.v.tsb_ctx0);
  if (s == HV_EOK) c.hv.flush_translations(c.v);
  return s;
}
uint64_t hc_mmu_tsb_ctxnon0(Call& c) {
  uint64_t s = set_tsbs(c, c.v.tsb_ctxnon0);
  if (s == HV_EOK) c.hv.flush_translations(c.v);
  return s;
}
uint64_t hc_mmu_tsb_ctx0_info(Call& c) { return tsb_info(c, c.v.tsb_ctx0); }
uint64_t hc_mmu_tsb_ctxnon0_info(Call& c) { return tsb_info(c, c.v.tsb_ctxnon0); }

uint64_t hc_mmu_map_addr(Call& c) {
  uint64_t va = c.arg(0), ctx = c.arg(1), tte = c.arg(2), flags = c.arg(3);
  if (uint64_t s = check_mapping(c, va, ctx, tte, flags)) return s;
  TlbEntry e{va & ~((1ull << pgsz_shift(unsigned(tte & TTE_SZ_MASK))) - 1), ctx, tte | TTE_V, flags};
  c.mmu.insert(e);
  c.hv.flush_translations(c.v);
  return HV_EOK;
}

uint64_t hc_mmu_unmap_addr(Call& c) {
  uint64_t va = c.arg(0), ctx = c.arg(1), flags = c.arg(2);
  if (!flags_ok(flags) || !va_ok(va) || ctx > 0x1fff) return HV_EINVAL;
  c.mmu.demap(va, ctx, flags, false, false);
  c.hv.flush_translations(c.v);
  return HV_EOK;
}

uint64_t hc_mmu_map_perm_addr(Call& c) {
  uint64_t va = c.arg(0), tte = c.arg(2), flags = c.arg(3);
  if (c.arg(1) != 0) return HV_EINVAL;   // context 0 only
  if (uint64_t s = check_mapping(c, va, 0, tte, flags)) return s;
  TlbEntry e{va & ~((1ull << pgsz_shift(unsigned(tte & TTE_SZ_MASK))) - 1), 0, tte | TTE_V, flags};
  for (TlbEntry& p : c.g.perm)
    if (p.va == e.va && p.shift() == e.shift()) {
      p = e;
      // A replaced mapping must not survive in any vCPU's cached translations (the
      // replacement returned without flushing, so strands kept using the old page).
      for (Vcpu& v : c.g.vcpus) c.hv.flush_translations(v);
      return HV_EOK;
    }
  if (c.g.perm.size() >= c.hv.max_perm_mappings) return HV_ETOOMANY;
  c.g.perm.push_back(e);
  for (Vcpu& v : c.g.vcpus) c.hv.flush_translations(v);
  return HV_EOK;
}

uint64_t hc_mmu_unmap_perm_addr(Call& c) {
  uint64_t va = c.arg(0), flags = c.arg(2);
  if (c.arg(1) != 0 || !flags_ok(flags) || !va_ok(va)) return HV_EINVAL;
  for (size_t i = 0; i < c.g.perm.size(); ++i)
    if (c.g.perm[i].covers(va, 0)) {
      c.g.perm[i].flags &= ~flags;
      if (!c.g.perm[i].flags) c.g.perm.erase(c.g.perm.begin() + long(i));
      for (Vcpu& v : c.g.vcpus) c.hv.flush_translations(v);
      return HV_EOK;
    }
  return HV_ENOMAP;
}

// Demaps take a CPU list in %o0/%o1 in the spec; only "this CPU" (0, 0) is supported.
uint64_t hc_mmu_demap_page(Call& c) {
  if (c.arg(0) || c.arg(1)) return HV_ENOTSUPPORTED;
  uint64_t va = c.arg(2), ctx = c.arg(3), flags = c.arg(4);
  if (!flags_ok(flags) || !va_ok(va) || ctx > 0x1fff) return HV_EINVAL;
  c.mmu.demap(va, ctx, flags, false, false);
  c.hv.flush_translations(c.v);
  return HV_EOK;
}
uint64_t hc_mmu_demap_ctx(Call& c) {
  if (c.arg(0) || c.arg(1)) return HV_ENOTSUPPORTED;
  uint64_t ctx = c.arg(2), flags = c.arg(3);
  if (!flags_ok(flags) || ctx > 0x1fff) return HV_EINVAL;
  c.mmu.demap(0, ctx, flags, true, false);
  c.hv.flush_translations(c.v);
  return HV_EOK;
}
uint64_t hc_mmu_demap_all(Call& c) {
  if (c.arg(0) || c.arg(1)) return HV_ENOTSUPPORTED;
  if (!flags_ok(c.arg(2))) return HV_EINVAL;
  c.mmu.demap(0, 0, c.arg(2), true, true);
  c.hv.flush_translations(c.v);
  return HV_EOK;
}

uint64_t hc_mmu_fault_area_conf(Call& c) {
  uint64_t ra = c.arg(0);
  if (ra & 63) return HV_EBADALIGN;
  if (ra && !c.g.ra_ok(ra, MMFSA_SIZE)) return HV_ENORADDR;
  c.ret(1, c.v.fault_area);
  c.v.fault_area = ra;
  return HV_EOK;
}

uint64_t hc_mmu_fault_area_info(Call& c) {
  c.ret(1, c.v.fault_area);
  return HV_EOK;
}

// Turn translation on (continue at a VA) or off (continue at an RA); returns only on error.
uint64_t hc_mmu_enable(Call& c) {
  uint64_t enable = c.arg(0), target = c.arg(1);
  if (enable > 1) return HV_EINVAL;
  if (target & 3) return HV_EBADALIGN;
  if (!enable && !c.g.ra_ok(target, 4)) return HV_ENORADDR;
  c.v.mmu_enabled = enable;
  c.hv.flush_translations(c.v);
  c.st.set_r(8, HV_EOK);
  c.st.pc = target;
  c.st.npc = target + 4;
  c.returns = false;
  return HV_EOK;
}

}  // namespace vfsim::hv
