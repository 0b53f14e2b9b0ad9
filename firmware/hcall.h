/* sun4v hypercalls (reference §1-§2): FAST_TRAP `ta 0x80` with the function in %o5,
 * CORE_TRAP `ta 0xff` for the always-available API calls. Status comes back in %o0
 * (HV_EOK = 0), results in %o1..%o4. All arguments that are addresses are real
 * addresses; with the runtime's identity mappings that is just the pointer. */
#ifndef FW_HCALL_H
#define FW_HCALL_H

#include <stdint.h>

/* status codes */
enum {
  HV_EOK = 0, HV_ENOCPU = 1, HV_ENORADDR = 2, HV_ENOINTR = 3, HV_EBADPGSZ = 4,
  HV_EBADTSB = 5, HV_EINVAL = 6, HV_EBADTRAP = 7, HV_EBADALIGN = 8, HV_EWOULDBLOCK = 9,
  HV_ENOACCESS = 10, HV_EIO = 11, HV_ECPUERROR = 12, HV_ENOTSUPPORTED = 13,
  HV_ENOMAP = 14, HV_ETOOMANY = 15, HV_ECHANNEL = 16, HV_EBUSY = 17,
};

/* FAST_TRAP function numbers */
enum {
  HV_MACH_EXIT = 0x00, HV_MACH_DESC = 0x01,
  HV_CPU_START = 0x10, HV_CPU_STOP = 0x11, HV_CPU_YIELD = 0x12, HV_CPU_QCONF = 0x14, HV_CPU_QINFO = 0x15, HV_CPU_MYID = 0x16,
  HV_CPU_STATE = 0x17,
  HV_MMU_TSB_CTX0 = 0x20, HV_MMU_MAP_PERM_ADDR = 0x25, HV_MMU_FAULT_AREA_CONF = 0x26,
  HV_MMU_ENABLE = 0x27, HV_CPU_MONDO_SEND = 0x42, HV_TOD_GET = 0x50, HV_TOD_SET = 0x51,
  HV_CONS_PUTCHAR = 0x61, HV_CONS_WRITE = 0x63,
  HV_VINTR_SETCOOKIE = 0xa8, HV_VINTR_SETVALID = 0xaa, HV_VINTR_SETSTATE = 0xac,
  HV_VINTR_SETTARGET = 0xae,
  HV_LDC_TX_QCONF = 0xe0, HV_LDC_TX_GET_STATE = 0xe2, HV_LDC_TX_SET_QTAIL = 0xe3,
  HV_LDC_RX_QCONF = 0xe4, HV_LDC_RX_GET_STATE = 0xe6, HV_LDC_RX_SET_QHEAD = 0xe7,
  HV_LDC_SET_MAP_TABLE = 0xea, HV_LDC_COPY = 0xec, HV_LDC_MAPIN = 0xed, HV_LDC_UNMAP = 0xee,
  HV_LDC_REVOKE = 0xef,
  /* NCS 2.0 (group 0x103): the crypto units' queues (reference §8.5) */
  HV_NCS_QCONF = 0x111, HV_NCS_QINFO = 0x112, HV_NCS_GETHEAD = 0x113, HV_NCS_GETTAIL = 0x114,
  HV_NCS_SETTAIL = 0x115, HV_NCS_QHANDLE_TO_DEVINO = 0x116, HV_NCS_SETHEAD_MARKER = 0x117,
  /* PCI 1.0 (group 0x100): IOMMU, config space, peek/poke (Linux hypervisor.h "PCI IO
   * services") and the MSI event queues ("PCI MSI services"); o0 devhandle in each */
  HV_PCI_IOMMU_MAP = 0xb0, HV_PCI_IOMMU_DEMAP = 0xb1, HV_PCI_IOMMU_GETMAP = 0xb2,
  HV_PCI_IOMMU_GETBYPASS = 0xb3, HV_PCI_CONFIG_GET = 0xb4, HV_PCI_CONFIG_PUT = 0xb5,
  HV_PCI_PEEK = 0xb6, HV_PCI_POKE = 0xb7, HV_PCI_DMA_SYNC = 0xb8,
  HV_MSIQ_CONF = 0xc0, HV_MSIQ_INFO = 0xc1, HV_MSIQ_GETVALID = 0xc2, HV_MSIQ_SETVALID = 0xc3,
  HV_MSIQ_GETSTATE = 0xc4, HV_MSIQ_SETSTATE = 0xc5, HV_MSIQ_GETHEAD = 0xc6, HV_MSIQ_SETHEAD = 0xc7,
  HV_MSIQ_GETTAIL = 0xc8, HV_MSI_GETVALID = 0xc9, HV_MSI_SETVALID = 0xca, HV_MSI_GETMSIQ = 0xcb,
  HV_MSI_SETMSIQ = 0xcc, HV_MSI_GETSTATE = 0xcd, HV_MSI_SETSTATE = 0xce,
  HV_MSG_GETMSIQ = 0xd0, HV_MSG_SETMSIQ = 0xd1, HV_MSG_GETVALID = 0xd2, HV_MSG_SETVALID = 0xd3,
  /* CORE 1.2; the number is illumos' GUEST_SUSPEND, unverified against a hypervisor spec
   * (docs/hypervisor.md "Guest suspend") */
  HV_GUEST_SUSPEND = 0x181,
};

/* LDC link state (o3 of ldc_tx/rx_get_state); vintr states */
enum { HV_LDC_DOWN = 0, HV_LDC_UP = 1, HV_LDC_RESET = 2 };
enum { HV_INTR_IDLE = 0, HV_INTR_RECEIVED = 1, HV_INTR_DELIVERED = 2 };
/* pci_iommu_map attributes: the device may read (1) / write (2) the page */
enum { HV_PCI_MAP_ATTR_READ = 1, HV_PCI_MAP_ATTR_WRITE = 2 };
/* MSI types, event-queue record types, MSI states */
enum { HV_MSITYPE_MSI32 = 0, HV_MSITYPE_MSI64 = 1 };
enum { HV_MSIQ_REC_NONE = 0, HV_MSIQ_REC_MSG = 1, HV_MSIQ_REC_MSI32 = 2, HV_MSIQ_REC_MSI64 = 3 };
enum { HV_MSI_STATE_IDLE = 0, HV_MSI_STATE_DELIVERED = 1 };

/* CORE_TRAP function numbers */
enum { HV_API_SET_VERSION = 0x00, HV_API_PUTCHAR = 0x01, HV_API_EXIT = 0x02 };

/* API groups negotiated at boot */
enum {
  HV_GRP_SUN4V = 0x000, HV_GRP_CORE = 0x001, HV_GRP_INTR = 0x002,
  HV_GRP_SOFT_STATE = 0x003, HV_GRP_PCI = 0x100, HV_GRP_LDC = 0x101, HV_GRP_NCS = 0x103, HV_GRP_VF_CPU = 0x205,
};

#define HV_MMU_DMMU 1
#define HV_MMU_IMMU 2
#define HV_MMU_ALL  3

/* The generic call: five arguments in, status plus four results out (any may be 0). */
static inline uint64_t hv_call(uint64_t fn, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                               uint64_t a4, uint64_t *r1, uint64_t *r2, uint64_t *r3,
                               uint64_t *r4) {
  register uint64_t o0 __asm__("o0") = a0;
  register uint64_t o1 __asm__("o1") = a1;
  register uint64_t o2 __asm__("o2") = a2;
  register uint64_t o3 __asm__("o3") = a3;
  register uint64_t o4 __asm__("o4") = a4;
  register uint64_t o5 __asm__("o5") = fn;
  __asm__ volatile("ta 0x80"
                   : "+r"(o0), "+r"(o1), "+r"(o2), "+r"(o3), "+r"(o4), "+r"(o5)
                   :
                   : "memory", "cc");
  if (r1) *r1 = o1;
  if (r2) *r2 = o2;
  if (r3) *r3 = o3;
  if (r4) *r4 = o4;
  return o0;
}

/* Short forms: up to four arguments, one result. %o5 is clobbered by every call. */
static inline uint64_t hv_fast(uint64_t fn, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                               uint64_t *r1) {
  register uint64_t o0 __asm__("o0") = a0;
  register uint64_t o1 __asm__("o1") = a1;
  register uint64_t o2 __asm__("o2") = a2;
  register uint64_t o3 __asm__("o3") = a3;
  register uint64_t o5 __asm__("o5") = fn;
  __asm__ volatile("ta 0x80" : "+r"(o0), "+r"(o1), "+r"(o2), "+r"(o3), "+r"(o5) : : "memory", "cc");
  if (r1) *r1 = o1;
  return o0;
}

static inline uint64_t hv_core(uint64_t fn, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t *r1) {
  register uint64_t o0 __asm__("o0") = a0;
  register uint64_t o1 __asm__("o1") = a1;
  register uint64_t o2 __asm__("o2") = a2;
  register uint64_t o5 __asm__("o5") = fn;
  __asm__ volatile("ta 0xff" : "+r"(o0), "+r"(o1), "+r"(o2), "+r"(o5) : : "memory", "cc");
  if (r1) *r1 = o1;
  return o0;
}

/* ---- CORE_TRAP ---- */
static inline uint64_t hv_api_set_version(uint64_t group, uint64_t major, uint64_t minor,
                                          uint64_t *actual_minor) {
  return hv_core(HV_API_SET_VERSION, group, major, minor, actual_minor);
}
static inline void hv_api_putchar(char c) { hv_core(HV_API_PUTCHAR, (unsigned char)c, 0, 0, 0); }
static inline void hv_api_exit(uint64_t code) { hv_core(HV_API_EXIT, code, 0, 0, 0); }

/* ---- machine ---- */
static inline uint64_t hv_mach_exit(uint64_t code) { return hv_fast(HV_MACH_EXIT, code, 0, 0, 0, 0); }
static inline uint64_t hv_mach_desc(void *buf, uint64_t len, uint64_t *md_size) {
  return hv_fast(HV_MACH_DESC, (uint64_t)buf, len, 0, 0, md_size);
}

/* ---- cpus ---- */
static inline uint64_t hv_cpu_start(uint64_t cpuid, uint64_t pc, uint64_t rtba, uint64_t arg) {
  return hv_fast(HV_CPU_START, cpuid, pc, rtba, arg, 0);
}
/* CORE 1.1: stop another vCPU of this guest (live DR: dr-cpu unconfigure) */
static inline uint64_t hv_cpu_stop(uint64_t cpuid) { return hv_fast(HV_CPU_STOP, cpuid, 0, 0, 0, 0); }
/* 1 stopped, 2 running, 3 error (sun4v CPU_STATE_*) */
static inline uint64_t hv_cpu_state(uint64_t cpuid, uint64_t *state) {
  return hv_fast(HV_CPU_STATE, cpuid, 0, 0, 0, state);
}
static inline uint64_t hv_cpu_yield(void) { return hv_fast(HV_CPU_YIELD, 0, 0, 0, 0, 0); }
/* CORE 1.2: only the last running vCPU may call it; returns after a resume (EOK) or at once
 * with the reason it could not suspend (EWOULDBLOCK: another vCPU runs) */
static inline uint64_t hv_guest_suspend(void) { return hv_fast(HV_GUEST_SUSPEND, 0, 0, 0, 0, 0); }
static inline uint64_t hv_cpu_qconf(uint64_t queue, uint64_t base, uint64_t entries) {
  return hv_fast(HV_CPU_QCONF, queue, base, entries, 0, 0);
}
/* a vCPU's own queue: base RA and entries (0: not configured) */
static inline uint64_t hv_cpu_qinfo(uint64_t queue, uint64_t *base, uint64_t *entries) {
  return hv_call(HV_CPU_QINFO, queue, 0, 0, 0, 0, base, entries, 0, 0);
}
static inline uint64_t hv_cpu_myid(uint64_t *id) { return hv_fast(HV_CPU_MYID, 0, 0, 0, 0, id); }
static inline uint64_t hv_cpu_mondo_send(uint64_t ncpus, const uint16_t *list, const void *data) {
  return hv_fast(HV_CPU_MONDO_SEND, ncpus, (uint64_t)list, (uint64_t)data, 0, 0);
}

/* ---- MMU ---- */
static inline uint64_t hv_mmu_tsb_ctx0(uint64_t ndesc, const void *descs) {
  return hv_fast(HV_MMU_TSB_CTX0, ndesc, (uint64_t)descs, 0, 0, 0);
}
static inline uint64_t hv_mmu_map_perm_addr(uint64_t va, uint64_t tte, uint64_t flags) {
  return hv_fast(HV_MMU_MAP_PERM_ADDR, va, 0, tte, flags, 0);
}
static inline uint64_t hv_mmu_fault_area_conf(void *area, uint64_t *prev) {
  return hv_fast(HV_MMU_FAULT_AREA_CONF, (uint64_t)area, 0, 0, 0, prev);
}
/* mmu_enable continues at a given VA, so it needs its own assembly stub (start.S):
 * turns the MMU on and returns HV_EOK there, or returns the failure status. */
uint64_t hv_mmu_enable_here(void);

/* ---- time of day (seconds) ---- */
static inline uint64_t hv_tod_get(uint64_t *seconds) { return hv_fast(HV_TOD_GET, 0, 0, 0, 0, seconds); }
static inline uint64_t hv_tod_set(uint64_t seconds) { return hv_fast(HV_TOD_SET, seconds, 0, 0, 0, 0); }

/* ---- console ---- */
/* cons_getchar: HV_EOK and the character, or HV_EWOULDBLOCK when nothing was typed. */
static inline uint64_t hv_cons_getchar(uint64_t *ch) { return hv_fast(0x60, 0, 0, 0, 0, ch); }
static inline uint64_t hv_cons_write(const void *buf, uint64_t len, uint64_t *written) {
  return hv_fast(HV_CONS_WRITE, (uint64_t)buf, len, 0, 0, written);
}

/* ---- virtual interrupts (devhandle, devino) ---- */
static inline uint64_t hv_vintr_set(uint64_t fn, uint64_t devhandle, uint64_t devino, uint64_t value) {
  return hv_fast(fn, devhandle, devino, value, 0, 0);
}

/* ---- LDC (group 0x101): queue offsets are bytes from the queue base ---- */
static inline uint64_t hv_ldc_qconf(uint64_t fn, uint64_t channel, const void *base, uint64_t entries) {
  return hv_fast(fn, channel, (uint64_t)base, entries, 0, 0);
}
/* ldc_tx_get_state / ldc_rx_get_state: head, tail, link state */
static inline uint64_t hv_ldc_get_state(uint64_t fn, uint64_t channel, uint64_t *head, uint64_t *tail,
                                        uint64_t *state) {
  return hv_call(fn, channel, 0, 0, 0, 0, head, tail, state, 0);
}
static inline uint64_t hv_ldc_tx_set_qtail(uint64_t channel, uint64_t tail) {
  return hv_fast(HV_LDC_TX_SET_QTAIL, channel, tail, 0, 0, 0);
}
static inline uint64_t hv_ldc_rx_set_qhead(uint64_t channel, uint64_t head) {
  return hv_fast(HV_LDC_RX_SET_QHEAD, channel, head, 0, 0, 0);
}

static inline uint64_t hv_ldc_set_map_table(uint64_t channel, const void *table, uint64_t entries) {
  return hv_fast(HV_LDC_SET_MAP_TABLE, channel, (uint64_t)table, entries, 0, 0);
}
/* ldc_copy: dir 0 copies in (peer's export -> ra), 1 out; *copied may be less than len */
static inline uint64_t hv_ldc_copy(uint64_t channel, uint64_t dir, uint64_t cookie, const void *ra, uint64_t len,
                                   uint64_t *copied) {
  return hv_call(HV_LDC_COPY, channel, dir, cookie, (uint64_t)ra, len, copied, 0, 0, 0);
}

/* ldc_mapin: the peer's exported page at *ra (in the mapin window), with *perms (1 R, 2 W, 4 X) */
static inline uint64_t hv_ldc_mapin(uint64_t channel, uint64_t cookie, uint64_t *ra, uint64_t *perms) {
  return hv_call(HV_LDC_MAPIN, channel, cookie, 0, 0, 0, ra, perms, 0, 0);
}
static inline uint64_t hv_ldc_unmap(uint64_t ra) { return hv_fast(HV_LDC_UNMAP, ra, 0, 0, 0, 0); }
/* the exporter takes slot `cookie` back; revoke_cookie: the slot's second word */
static inline uint64_t hv_ldc_revoke(uint64_t channel, uint64_t cookie, uint64_t revoke_cookie) {
  return hv_fast(HV_LDC_REVOKE, channel, cookie, revoke_cookie, 0, 0);
}

/* ---- NCS 2.0: queue offsets are bytes from the queue base ---- */
enum { HV_NCS_QTYPE_MAU = 1, HV_NCS_QTYPE_CWQ = 2 };
/* configure a queue of `entries` 64-byte entries at base (on this vCPU's core's unit) */
static inline uint64_t hv_ncs_qconf(uint64_t type, const void *base, uint64_t entries, uint64_t *handle) {
  return hv_fast(HV_NCS_QCONF, type, (uint64_t)base, entries, 0, handle);
}
static inline uint64_t hv_ncs_qunconf(uint64_t type, uint64_t handle) {
  return hv_fast(HV_NCS_QCONF, type, handle, 0, 0, 0);
}
static inline uint64_t hv_ncs_qinfo(uint64_t handle, uint64_t *type, uint64_t *base, uint64_t *entries) {
  return hv_call(HV_NCS_QINFO, handle, 0, 0, 0, 0, type, base, entries, 0);
}
static inline uint64_t hv_ncs_gethead(uint64_t handle, uint64_t *head) {
  return hv_fast(HV_NCS_GETHEAD, handle, 0, 0, 0, head);
}
static inline uint64_t hv_ncs_gettail(uint64_t handle, uint64_t *tail) {
  return hv_fast(HV_NCS_GETTAIL, handle, 0, 0, 0, tail);
}
static inline uint64_t hv_ncs_settail(uint64_t handle, uint64_t tail) {
  return hv_fast(HV_NCS_SETTAIL, handle, tail, 0, 0, 0);
}
static inline uint64_t hv_ncs_qhandle_to_devino(uint64_t handle, uint64_t *devino) {
  return hv_fast(HV_NCS_QHANDLE_TO_DEVINO, handle, 0, 0, 0, devino);
}
static inline uint64_t hv_ncs_sethead_marker(uint64_t handle, uint64_t offset) {
  return hv_fast(HV_NCS_SETHEAD_MARKER, handle, offset, 0, 0, 0);
}

const char *hv_strerror(uint64_t status);

#endif
