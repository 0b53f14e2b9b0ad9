/* The isolation suite's attacker (docs/reliability.md "Isolation suite"): a guest that tries
 * to reach what is not its own, through every hypercall and ASI it can use, and reports
 * each attempt. Its targets:
 *   memory   another guest's physical address (ra=), the first byte past its own last
 *            mblock, a range straddling that end, and an address near 2^64 (wrap);
 *   strands  vCPU numbers it does not have;
 *   channels channel numbers its MD does not give it, and cookies its peers never exported;
 *   crypto   queue handles of units that are not its own;
 *   interrupts devhandles, devinos and sysinos that are not its own;
 *   PCIe     the PCI and MSI APIs (config space, IOMMU, event queues) on root complexes it
 *            was not given.
 * An attempt is refused when the hypervisor answers with a sun4v error (not EOK), or, for a
 * load or store, when it traps (the trap is caught: percpu.h trap_catch). The guest prints
 * one line per attempt and a summary, and exits 0 only when every attempt was refused. */
#include "isolation.h"

#include "alloc.h"
#include "console.h"
#include "cpuops.h"
#include "format.h"
#include "hcall.h"
#include "percpu.h"
#include "sun4v.h"

#define NCS_CWQ_SIGNATURE 0x0a72ul   /* the handle's upper word: hv/sun4v.h */
#define NCS_MAU_SIGNATURE 0x0864ul

static unsigned probes, refused;

static void report(const char *what, int ok, const char *result) {
  probes++;
  refused += ok;
  printf("isolation: %s -> %s%s\n", what, result, ok ? "" : " ALLOWED");
}

/* a hypercall that must fail */
static void hc(const char *what, uint64_t status) { report(what, status != HV_EOK, hv_strerror(status)); }

/* a load or store that must trap: the trap and the MMU fault type the hypervisor wrote */
static void trapped(const char *what, struct cpu *c, uint64_t tt) {
  char r[48];
  if (tt == TT_DATA_ACCESS_EXCEPTION)   /* an MMU trap: the fault type says why */
    fmt_format(r, sizeof r, "trap 0x%03lx type %lu", tt, c->fault_area[FAULT_D_TYPE / 8]);
  else if (tt) fmt_format(r, sizeof r, "trap 0x%03lx", tt);
  else fmt_format(r, sizeof r, "no trap");
  report(what, tt != 0, r);
}

static uint64_t fast5(uint64_t fn, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4) {
  return hv_call(fn, a0, a1, a2, a3, a4, 0, 0, 0, 0);
}

/* mmu_map_addr is its own trap (0x83): va, context, tte, flags */
static uint64_t mmu_map_addr(uint64_t va, uint64_t ctx, uint64_t tte, uint64_t flags) {
  register uint64_t o0 __asm__("o0") = va;
  register uint64_t o1 __asm__("o1") = ctx;
  register uint64_t o2 __asm__("o2") = tte;
  register uint64_t o3 __asm__("o3") = flags;
  __asm__ volatile("ta 0x83" : "+r"(o0), "+r"(o1), "+r"(o2), "+r"(o3) : : "memory", "cc");
  return o0;
}

#define LOADA(asi, addr, c, tt)                                                            \
  do {                                                                                     \
    uint64_t v_ = 0;                                                                       \
    trap_catch(c);                                                                         \
    __asm__ volatile("ldxa [%1] %2, %0" : "+r"(v_) : "r"(addr), "i"(asi) : "memory");      \
    tt = trap_caught(c);                                                                   \
  } while (0)
#define STOREA(asi, addr, c, tt)                                                           \
  do {                                                                                     \
    trap_catch(c);                                                                         \
    __asm__ volatile("stxa %0, [%1] %2" : : "r"(0x5a5a5a5a5a5a5a5aul), "r"(addr), "i"(asi) \
                     : "memory");                                                          \
    tt = trap_caught(c);                                                                   \
  } while (0)

/* an access by real address (the ASI is an immediate): bit 0 of kind a store, bit 1 little-endian */
static uint64_t real_access(struct cpu *c, unsigned kind, uint64_t addr) {
  uint64_t tt = 0;
  switch (kind) {
    case 0: LOADA(0x14, addr, c, tt); break;
    case 1: STOREA(0x14, addr, c, tt); break;
    case 2: LOADA(0x1c, addr, c, tt); break;
    default: STOREA(0x1c, addr, c, tt); break;
  }
  return tt;
}

struct target {
  const char *name;
  uint64_t ra;    /* the address named */
};

static void memory_probes(struct cpu *c, const struct target *t, unsigned nt, uint64_t end) {
  static uint8_t buf[256] __attribute__((aligned(64)));
  static uint16_t mycpu[1];
  static struct tsb_desc bad_tsb[2];
  char w[96];
  uint64_t r1;
  for (unsigned i = 0; i < nt; i++) {
    uint64_t ra = t[i].ra, ra_q = ra & ~0x3fful, ra_pg = ra & ~0x1ffful;
    const char *n = t[i].name;
    fmt_format(w, sizeof w, "mach_desc(%s)", n);
    hc(w, hv_call(HV_MACH_DESC, ra, 0x100000, 0, 0, 0, &r1, 0, 0, 0));
    fmt_format(w, sizeof w, "cons_write(%s)", n);
    hc(w, fast5(HV_CONS_WRITE, ra, 64, 0, 0, 0));
    fmt_format(w, sizeof w, "cons_read(%s)", n);
    hc(w, fast5(0x62, ra, 64, 0, 0, 0));
    fmt_format(w, sizeof w, "cpu_qconf(resumable error, %s)", n);
    hc(w, fast5(HV_CPU_QCONF, 0x3e, ra_q, 16, 0, 0));
    fmt_format(w, sizeof w, "cpu_qconf(nonresumable error, %s)", n);
    hc(w, fast5(HV_CPU_QCONF, 0x3f, ra & ~0x7ful, 2, 0, 0));
    fmt_format(w, sizeof w, "mmu_tsb_ctxnon0(descriptors at %s)", n);
    hc(w, fast5(0x21, 1, ra & ~7ul, 0, 0, 0));
    bad_tsb[0] = c->tsb[0];
    bad_tsb[0].base = ra_pg;   /* a descriptor of ours naming a TSB that is not */
    fmt_format(w, sizeof w, "mmu_tsb_ctxnon0(a TSB at %s)", n);
    hc(w, fast5(0x21, 1, (uint64_t)bad_tsb, 0, 0, 0));
    fmt_format(w, sizeof w, "mmu_map_perm_addr(tte -> %s)", n);
    hc(w, fast5(HV_MMU_MAP_PERM_ADDR, 0x300000000ul, 0, TTE_V | ra_pg | TTE_CP | TTE_P | TTE_W | TTE_SZ_8K,
                HV_MMU_DMMU, 0));
    fmt_format(w, sizeof w, "mmu_map_addr(tte -> %s)", n);
    hc(w, mmu_map_addr(0x300000000ul, 0, TTE_V | ra_pg | TTE_CP | TTE_P | TTE_W | TTE_SZ_8K, HV_MMU_DMMU));
    fmt_format(w, sizeof w, "mmu_fault_area_conf(%s)", n);
    hc(w, hv_call(HV_MMU_FAULT_AREA_CONF, ra & ~0x3ful, 0, 0, 0, 0, &r1, 0, 0, 0));
    fmt_format(w, sizeof w, "cpu_set_rtba(%s)", n);
    hc(w, hv_call(0x18, ra & ~0x7ffful, 0, 0, 0, 0, &r1, 0, 0, 0));
    fmt_format(w, sizeof w, "mem_scrub(%s)", n);
    hc(w, hv_call(0x31, ra_pg, 8192, 0, 0, 0, &r1, 0, 0, 0));
    fmt_format(w, sizeof w, "mem_sync(%s)", n);
    hc(w, hv_call(0x32, ra_pg, 8192, 0, 0, 0, &r1, 0, 0, 0));
    mycpu[0] = (uint16_t)c->id;
    fmt_format(w, sizeof w, "cpu_mondo_send(cpu list at %s)", n);
    hc(w, fast5(HV_CPU_MONDO_SEND, 1, ra & ~1ul, (uint64_t)c->mondo_data, 0, 0));
    fmt_format(w, sizeof w, "cpu_mondo_send(data at %s)", n);
    hc(w, fast5(HV_CPU_MONDO_SEND, 1, (uint64_t)mycpu, ra & ~0x3ful, 0, 0));
    fmt_format(w, sizeof w, "soft_state_set(description at %s)", n);
    hc(w, fast5(0x70, 1, ra & ~0x1ful, 0, 0, 0));
    fmt_format(w, sizeof w, "ncs_qconf(cwq at %s)", n);
    hc(w, hv_call(HV_NCS_QCONF, HV_NCS_QTYPE_CWQ, ra_pg, 64, 0, 0, &r1, 0, 0, 0));
    /* by real address: ASI_REAL and its little-endian twin, loads and stores */
    uint64_t tt;
    for (unsigned k = 0; k < 4; k++) {
      fmt_format(w, sizeof w, "%sxa [%s] ASI_REAL%s", k & 1 ? "st" : "ld", n, k & 2 ? "_LITTLE" : "");
      trapped(w, c, real_access(c, k, ra & ~7ul));
    }
    /* by virtual address, through a TSB entry of ours whose TTE names that address: the
     * hardware walk finds it, the real address does not translate, the access traps */
    uint64_t *tsb = (uint64_t *)c->tsb[0].base, mask = c->tsb[0].entries - 1;
    uint64_t va = 0x7f0000000000ul, slot = (va >> PAGE_SHIFT_4M) & mask;
    uint64_t save_tag = tsb[2 * slot], save_data = tsb[2 * slot + 1];
    tsb[2 * slot] = va >> TSB_TAG_VA_SHIFT;
    tsb[2 * slot + 1] = TTE_V | (ra & ~((1ul << PAGE_SHIFT_4M) - 1)) | TTE_CP | TTE_P | TTE_W | TTE_SZ_4M;
    membar_sync();
    LOADA(0x80, va + (ra & ((1ul << PAGE_SHIFT_4M) - 1) & ~7ul), c, tt);
    fmt_format(w, sizeof w, "ldx through a TSB entry -> %s", n);
    trapped(w, c, tt);
    STOREA(0x80, va + (ra & ((1ul << PAGE_SHIFT_4M) - 1) & ~7ul), c, tt);
    fmt_format(w, sizeof w, "stx through a TSB entry -> %s", n);
    trapped(w, c, tt);
    tsb[2 * slot] = save_tag;
    tsb[2 * slot + 1] = save_data;
    membar_sync();
    fast5(0x22, 0, 0, va, 0, HV_MMU_ALL);   /* mmu_demap_page: nothing of it may stay */
  }

  /* ranges that start inside and run past the end of the last mblock */
  uint64_t s = end - 64;
  hc("mach_desc(64 bytes before the end, 1 MB)", hv_call(HV_MACH_DESC, s, 0x100000, 0, 0, 0, &r1, 0, 0, 0));
  hc("cons_write(8 bytes before the end, 4 KB)", fast5(HV_CONS_WRITE, end - 8, 4096, 0, 0, 0));
  hc("cons_read(8 bytes before the end, 4 KB)", fast5(0x62, end - 8, 4096, 0, 0, 0));
  hc("mem_scrub(8 KB before the end, 16 KB)", hv_call(0x31, end - 8192, 16384, 0, 0, 0, &r1, 0, 0, 0));
  hc("mem_sync(8 KB before the end, 16 KB)", hv_call(0x32, end - 8192, 16384, 0, 0, 0, &r1, 0, 0, 0));
  hc("mmu_tsb_ctxnon0(2 descriptors, the second past the end)", fast5(0x21, 2, end - 32, 0, 0, 0));
  hc("ncs_qconf(cwq, 4 KB before the end, 128 entries)",
     hv_call(HV_NCS_QCONF, HV_NCS_QTYPE_CWQ, end - 4096, 128, 0, 0, &r1, 0, 0, 0));
  hc("mem_scrub(wrapping past 2^64)", hv_call(0x31, 0xffffffffffffe000ul, 0x4000, 0, 0, 0, &r1, 0, 0, 0));
  hc("cons_write(own memory, length 2^64 - 1)", fast5(HV_CONS_WRITE, (uint64_t)buf, ~0ul, 0, 0, 0));
}

static void strand_probes(struct cpu *c, const struct md_info *md) {
  static uint16_t list[2] __attribute__((aligned(8)));
  /* 0xffff is not among them for cpu_mondo_send: in a cpu list it marks an entry already
   * delivered, which the call skips (sun4v) */
  const uint64_t ids[] = {md->ncpus, md->ncpus + 1, 63, 255, 0xfffe, 1ul << 32, ~0ul};
  char w[96];
  uint64_t r1;
  for (unsigned i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    uint64_t id = ids[i];
    fmt_format(w, sizeof w, "cpu_start(vcpu %lu)", id);
    hc(w, fast5(HV_CPU_START, id, 0x8000000, 0x8000000, 0, 0));
    fmt_format(w, sizeof w, "cpu_stop(vcpu %lu)", id);
    hc(w, fast5(HV_CPU_STOP, id, 0, 0, 0, 0));
    fmt_format(w, sizeof w, "cpu_state(vcpu %lu)", id);
    hc(w, hv_call(HV_CPU_STATE, id, 0, 0, 0, 0, &r1, 0, 0, 0));
    list[0] = (uint16_t)id;
    if (id >= 0xffff) continue;   /* a cpu list holds 16-bit ids */
    fmt_format(w, sizeof w, "cpu_mondo_send(to vcpu %lu)", id);
    hc(w, fast5(HV_CPU_MONDO_SEND, 1, (uint64_t)list, (uint64_t)c->mondo_data, 0, 0));
  }
  hc("cpu_mondo_send(129 vcpus)", fast5(HV_CPU_MONDO_SEND, 129, (uint64_t)list, (uint64_t)c->mondo_data, 0, 0));
}

static void channel_probes(struct cpu *c, const struct md_info *md) {
  static uint8_t q[64 * 64] __attribute__((aligned(4096)));
  static uint64_t map[2 * 16] __attribute__((aligned(128)));
  (void)c;
  uint64_t mine = ~0ul, top = 0;
  for (unsigned i = 0; i < md->nchannels; i++) {
    if (md->channel[i].id >= top) top = md->channel[i].id + 1;
    if (mine == ~0ul) mine = md->channel[i].id;
  }
  const uint64_t ids[] = {top, top + 1, 63, 1ul << 32, ~0ul};
  char w[96];
  uint64_t r1, r2;
  for (unsigned i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    uint64_t ch = ids[i];
    fmt_format(w, sizeof w, "ldc_tx_qconf(channel %lu)", ch);
    hc(w, fast5(HV_LDC_TX_QCONF, ch, (uint64_t)q, 64, 0, 0));
    fmt_format(w, sizeof w, "ldc_rx_qconf(channel %lu)", ch);
    hc(w, fast5(HV_LDC_RX_QCONF, ch, (uint64_t)q, 64, 0, 0));
    fmt_format(w, sizeof w, "ldc_tx_qinfo(channel %lu)", ch);
    hc(w, hv_call(0xe1, ch, 0, 0, 0, 0, &r1, &r2, 0, 0));
    fmt_format(w, sizeof w, "ldc_rx_qinfo(channel %lu)", ch);
    hc(w, hv_call(0xe5, ch, 0, 0, 0, 0, &r1, &r2, 0, 0));
    fmt_format(w, sizeof w, "ldc_tx_get_state(channel %lu)", ch);
    hc(w, hv_call(HV_LDC_TX_GET_STATE, ch, 0, 0, 0, 0, &r1, &r2, 0, 0));
    fmt_format(w, sizeof w, "ldc_rx_get_state(channel %lu)", ch);
    hc(w, hv_call(HV_LDC_RX_GET_STATE, ch, 0, 0, 0, 0, &r1, &r2, 0, 0));
    fmt_format(w, sizeof w, "ldc_tx_set_qtail(channel %lu)", ch);
    hc(w, fast5(HV_LDC_TX_SET_QTAIL, ch, 64, 0, 0, 0));
    fmt_format(w, sizeof w, "ldc_rx_set_qhead(channel %lu)", ch);
    hc(w, fast5(HV_LDC_RX_SET_QHEAD, ch, 64, 0, 0, 0));
    fmt_format(w, sizeof w, "ldc_set_map_table(channel %lu)", ch);
    hc(w, fast5(HV_LDC_SET_MAP_TABLE, ch, (uint64_t)map, 16, 0, 0));
    fmt_format(w, sizeof w, "ldc_get_map_table(channel %lu)", ch);
    hc(w, hv_call(0xeb, ch, 0, 0, 0, 0, &r1, &r2, 0, 0));
    fmt_format(w, sizeof w, "ldc_copy(channel %lu)", ch);
    hc(w, hv_call(HV_LDC_COPY, ch, 0, 0, (uint64_t)q, 64, &r1, 0, 0, 0));
    fmt_format(w, sizeof w, "ldc_mapin(channel %lu)", ch);
    hc(w, hv_call(HV_LDC_MAPIN, ch, 0, 0, 0, 0, &r1, &r2, 0, 0));
    fmt_format(w, sizeof w, "ldc_revoke(channel %lu)", ch);
    hc(w, fast5(HV_LDC_REVOKE, ch, 0, 0, 0, 0));
  }
  if (mine == ~0ul) return;
  /* on a channel of ours: cookies the peer never exported (a service exports nothing; a
   * guest peer only what its map table holds) */
  const uint64_t cookies[] = {0, 1ul << 13, 63ul << 13, 0xffffffffffffe000ul};
  for (unsigned i = 0; i < sizeof cookies / sizeof cookies[0]; i++) {
    fmt_format(w, sizeof w, "ldc_copy in(channel %lu, cookie 0x%lx)", mine, cookies[i]);
    hc(w, hv_call(HV_LDC_COPY, mine, 0, cookies[i], (uint64_t)q, 64, &r1, 0, 0, 0));
    fmt_format(w, sizeof w, "ldc_copy out(channel %lu, cookie 0x%lx)", mine, cookies[i]);
    hc(w, hv_call(HV_LDC_COPY, mine, 1, cookies[i], (uint64_t)q, 64, &r1, 0, 0, 0));
    fmt_format(w, sizeof w, "ldc_mapin(channel %lu, cookie 0x%lx)", mine, cookies[i]);
    hc(w, hv_call(HV_LDC_MAPIN, mine, cookies[i], 0, 0, 0, &r1, &r2, 0, 0));
  }
}

static void crypto_probes(const struct md_info *md) {
  uint64_t r1, r2, r3;
  char w[96];
  /* every core's CWQ and MAU handle but those of the units the MD gives us, and made-up ones */
  for (uint64_t core = 0; core < 64; core++) {
    int own = 0;
    for (unsigned i = 0; i < md->ncrypto; i++) own |= md->crypto[i].id == core;
    if (own) continue;
    for (unsigned k = 0; k < 2; k++) {
      uint64_t h = (k ? NCS_MAU_SIGNATURE : NCS_CWQ_SIGNATURE) << 32 | core;
      const char *u = k ? "mau" : "cwq";
      if (core > 3 && core != 63) continue;   /* a few cores are enough to print; all are the same path */
      fmt_format(w, sizeof w, "ncs_qinfo(core %lu %s)", core, u);
      hc(w, hv_call(HV_NCS_QINFO, h, 0, 0, 0, 0, &r1, &r2, &r3, 0));
      fmt_format(w, sizeof w, "ncs_gethead(core %lu %s)", core, u);
      hc(w, hv_call(HV_NCS_GETHEAD, h, 0, 0, 0, 0, &r1, 0, 0, 0));
      fmt_format(w, sizeof w, "ncs_settail(core %lu %s)", core, u);
      hc(w, fast5(HV_NCS_SETTAIL, h, 64, 0, 0, 0));
      fmt_format(w, sizeof w, "ncs_sethead_marker(core %lu %s)", core, u);
      hc(w, fast5(HV_NCS_SETHEAD_MARKER, h, 64, 0, 0, 0));
      fmt_format(w, sizeof w, "ncs_qhandle_to_devino(core %lu %s)", core, u);
      hc(w, hv_call(HV_NCS_QHANDLE_TO_DEVINO, h, 0, 0, 0, 0, &r1, 0, 0, 0));
      fmt_format(w, sizeof w, "ncs_qconf(unconfigure core %lu %s)", core, u);
      hc(w, fast5(HV_NCS_QCONF, k ? HV_NCS_QTYPE_MAU : HV_NCS_QTYPE_CWQ, h, 0, 0, 0));
    }
  }
  hc("ncs_gettail(handle 0)", hv_call(HV_NCS_GETTAIL, 0, 0, 0, 0, 0, &r1, 0, 0, 0));
  hc("ncs_gettail(handle ~0)", hv_call(HV_NCS_GETTAIL, ~0ul, 0, 0, 0, 0, &r1, 0, 0, 0));
}

static void interrupt_probes(const struct md_info *md) {
  char w[96];
  uint64_t r1;
  /* devinos: none of our channels' or units' (ours are small numbers from the MD) */
  const uint64_t devhandles[] = {0x200, 0x300, 0x301, 0x400, ~0ul};
  const uint64_t devinos[] = {0x3f, 0x7ff, ~0ul};
  for (unsigned i = 0; i < sizeof devhandles / sizeof devhandles[0]; i++)
    for (unsigned j = 0; j < sizeof devinos / sizeof devinos[0]; j++) {
      uint64_t dh = devhandles[i], di = devinos[j];
      int own = 0;
      for (unsigned k = 0; k < md->nchannels; k++) own |= md->channel[k].tx_ino == di || md->channel[k].rx_ino == di;
      if (own) continue;
      fmt_format(w, sizeof w, "vintr_settarget(0x%lx, 0x%lx, vcpu 0)", dh, di);
      hc(w, fast5(HV_VINTR_SETTARGET, dh, di, 0, 0, 0));
      fmt_format(w, sizeof w, "vintr_setvalid(0x%lx, 0x%lx)", dh, di);
      hc(w, fast5(HV_VINTR_SETVALID, dh, di, 1, 0, 0));
      fmt_format(w, sizeof w, "vintr_getcookie(0x%lx, 0x%lx)", dh, di);
      hc(w, hv_call(0xa7, dh, di, 0, 0, 0, &r1, 0, 0, 0));
    }
  const uint64_t sysinos[] = {0x3f, 0x2003f, 0x3000000, ~0ul};
  for (unsigned i = 0; i < sizeof sysinos / sizeof sysinos[0]; i++) {
    fmt_format(w, sizeof w, "intr_settarget(sysino 0x%lx)", sysinos[i]);
    hc(w, fast5(0xa6, sysinos[i], 0, 0, 0, 0));
    fmt_format(w, sizeof w, "intr_setenabled(sysino 0x%lx)", sysinos[i]);
    hc(w, fast5(0xa2, sysinos[i], 1, 0, 0, 0));
  }
}

/* The PCI API (0xb0 - 0xb8) and its MSI calls (0xc0 - 0xd3) on the root complexes the domain does
 * not own: the group is offered to every domain, and every call naming such a devhandle gets
 * EINVAL, as the sun4v hypervisor answers a devhandle missing from the caller's device table
 * (the OpenSPARC hypervisor's devhandle lookup; docs/pcie.md). The other arguments are valid ones (our own memory, a real bus/device, queue 0, MSI 0), so only the
 * devhandle can be why; any other answer counts as not refused. */
static void pci_probes(const struct md_info *md) {
  struct call { const char *name; uint64_t fn, a1, a2, a3, a4; };
  uint64_t *page = alloc_zero(8192, 8192), minor, r1, r2, st;
  if (!page) die(3, "isolation: no memory for the PCI probes");
  page[0] = (uint64_t)page;   /* an IOMMU page list: our own page */
  if ((st = hv_api_set_version(HV_GRP_PCI, 1, 0, &minor)) != HV_EOK)
    die(1, "isolation: api_set_version(pci 1.0) refused: %s", hv_strerror(st));
  printf("isolation: pci api 1.0 negotiated; the calls below name root complexes this domain does not own\n");
  const uint64_t ra = (uint64_t)page, bdf = 2ul << 16;
  const struct call calls[] = {
      {"pci_iommu_map", HV_PCI_IOMMU_MAP, 0, 1, HV_PCI_MAP_ATTR_READ, ra},
      {"pci_iommu_demap", HV_PCI_IOMMU_DEMAP, 0, 1, 0, 0},
      {"pci_iommu_getmap", HV_PCI_IOMMU_GETMAP, 0, 0, 0, 0},
      {"pci_iommu_getbypass", HV_PCI_IOMMU_GETBYPASS, ra, HV_PCI_MAP_ATTR_READ, 0, 0},
      {"pci_config_get", HV_PCI_CONFIG_GET, bdf, 0, 4, 0},
      {"pci_config_put", HV_PCI_CONFIG_PUT, bdf, 4, 2, 0},
      {"pci_peek", HV_PCI_PEEK, 0, 4, 0, 0},   /* a1: the root complex's MEM32 window, below */
      {"pci_poke", HV_PCI_POKE, 0, 4, 0, bdf},
      {"pci_dma_sync", HV_PCI_DMA_SYNC, ra, 8, 1, 0},
      {"msiq_conf", HV_MSIQ_CONF, 0, ra, 128, 0},
      {"msiq_info", HV_MSIQ_INFO, 0, 0, 0, 0},
      {"msiq_getvalid", HV_MSIQ_GETVALID, 0, 0, 0, 0},
      {"msiq_setvalid", HV_MSIQ_SETVALID, 0, 1, 0, 0},
      {"msiq_getstate", HV_MSIQ_GETSTATE, 0, 0, 0, 0},
      {"msiq_setstate", HV_MSIQ_SETSTATE, 0, 0, 0, 0},
      {"msiq_gethead", HV_MSIQ_GETHEAD, 0, 0, 0, 0},
      {"msiq_sethead", HV_MSIQ_SETHEAD, 0, 0, 0, 0},
      {"msiq_gettail", HV_MSIQ_GETTAIL, 0, 0, 0, 0},
      {"msi_getvalid", HV_MSI_GETVALID, 0, 0, 0, 0},
      {"msi_setvalid", HV_MSI_SETVALID, 0, 1, 0, 0},
      {"msi_getmsiq", HV_MSI_GETMSIQ, 0, 0, 0, 0},
      {"msi_setmsiq", HV_MSI_SETMSIQ, 0, 0, HV_MSITYPE_MSI32, 0},
      {"msi_getstate", HV_MSI_GETSTATE, 0, 0, 0, 0},
      {"msi_setstate", HV_MSI_SETSTATE, 0, 0, 0, 0},
      {"msg_getmsiq", HV_MSG_GETMSIQ, 0x18, 0, 0, 0},
      {"msg_setmsiq", HV_MSG_SETMSIQ, 0x18, 0, 0, 0},
      {"msg_getvalid", HV_MSG_GETVALID, 0x18, 0, 0, 0},
      {"msg_setvalid", HV_MSG_SETVALID, 0x18, 1, 0, 0},
  };
  char w[96], r[48];
  for (uint64_t n = 0; n < 4; n++) {
    const uint64_t dh = 0x400 + 0x100 * n;
    if (md_find_pci(md, dh)) continue;   /* ours: not a probe */
    /* where the hypervisor puts that root complex's MEM32 window (hv/pcie_geometry.h) */
    const uint64_t mem32 = 0xc800000000ul + n * 0x800000000ul + 0x200000000ul;
    for (unsigned i = 0; i < sizeof calls / sizeof calls[0]; i++) {
      const struct call *c = &calls[i];
      uint64_t a1 = c->fn == HV_PCI_PEEK || c->fn == HV_PCI_POKE ? mem32 : c->a1;
      st = hv_call(c->fn, dh, a1, c->a2, c->a3, c->a4, &r1, &r2, 0, 0);
      fmt_format(w, sizeof w, "%s(devhandle 0x%lx)", c->name, dh);
      if (st == HV_EINVAL || st == HV_EOK) fmt_format(r, sizeof r, "%s", hv_strerror(st));
      else fmt_format(r, sizeof r, "%s, not EINVAL", hv_strerror(st));
      report(w, st == HV_EINVAL, r);
    }
  }
}

/* ASIs the guest may not use (hyperprivileged, or registers it may not write) */
static void asi_probes(struct cpu *c) {
  uint64_t tt;
  LOADA(0x4f, 0x0ul, c, tt);
  trapped("ldxa [0] ASI 0x4f (hyperprivileged scratchpad)", c, tt);
  STOREA(0x4f, 0x0ul, c, tt);
  trapped("stxa [0] ASI 0x4f (hyperprivileged scratchpad)", c, tt);
  LOADA(0x52, 0x0ul, c, tt);
  trapped("ldxa [0] ASI 0x52 (hyperprivileged MMU register)", c, tt);
  STOREA(0x30, 0x0ul, c, tt);
  trapped("stxa [0] ASI 0x30 (hyperprivileged)", c, tt);
  LOADA(0x20, 0x40ul, c, tt);
  trapped("ldxa [0x40] ASI_SCRATCHPAD (past the guest's registers)", c, tt);
  STOREA(0x25, QUEUE_CPU_MONDO_TAIL, c, tt);
  trapped("stxa cpu mondo tail (read-only to the guest)", c, tt);
  STOREA(0x25, 0x400ul, c, tt);
  trapped("stxa [0x400] ASI_QUEUE (no such queue register)", c, tt);
}

void isolation_run(const struct workload *w, const struct md_info *md) {
  struct cpu *c = this_cpu();
  uint64_t end = 0;
  for (unsigned i = 0; i < md->nmblocks; i++)
    if (md->mblock[i].base + md->mblock[i].size > end) end = md->mblock[i].base + md->mblock[i].size;
  printf("isolation: own memory ends at 0x%lx, another guest's at physical 0x%lx; %u vcpus, %u channels\n", end,
         w->ra, md->ncpus, md->nchannels);
  uint64_t minor;
  if (hv_api_set_version(HV_GRP_NCS, 2, 0, &minor) != HV_EOK) die(1, "isolation: NCS 2.0 not granted");
  struct target t[] = {{"another guest's memory", w->ra}, {"past the end", end}, {"near 2^64", 0xffffffffffffe000ul}};
  memory_probes(c, t, sizeof t / sizeof t[0], end);
  strand_probes(c, md);
  channel_probes(c, md);
  crypto_probes(md);
  interrupt_probes(md);
  pci_probes(md);
  asi_probes(c);
  printf("isolation: %u probes, %u refused, %u allowed\n", probes, refused, probes - refused);
  fw_exit(probes == refused ? 0 : 3);
}
