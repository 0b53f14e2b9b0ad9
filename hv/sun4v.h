// sun4v constants the hypervisor and its guests share (../shared/reference/sun4v-hv-ldc-md.md
// §1-§3): status codes, API groups, software trap numbers, MMU fault types, TTE fields,
// interrupt queues, and the traps the hypervisor raises in a guest.
#pragma once
#include <cstdint>

namespace vfsim::hv {

// Status returned in %o0.
enum Status : uint64_t {
  HV_EOK = 0, HV_ENOCPU = 1, HV_ENORADDR = 2, HV_ENOINTR = 3, HV_EBADPGSZ = 4, HV_EBADTSB = 5, HV_EINVAL = 6,
  HV_EBADTRAP = 7, HV_EBADALIGN = 8, HV_EWOULDBLOCK = 9, HV_ENOACCESS = 10, HV_EIO = 11, HV_ECPUERROR = 12,
  HV_ENOTSUPPORTED = 13, HV_ENOMAP = 14, HV_ETOOMANY = 15, HV_ECHANNEL = 16, HV_EBUSY = 17,
};
const char* status_name(uint64_t status);

// Software trap numbers (ta n, TT = 0x100 + n).
enum : unsigned {
  TRAP_FAST = 0x80, TRAP_MMU_MAP_ADDR = 0x83, TRAP_MMU_UNMAP_ADDR = 0x84, TRAP_CORE = 0xff,
};

// API groups (api_set_version).
enum : unsigned {
  GROUP_SUN4V = 0x000, GROUP_CORE = 0x001, GROUP_INTR = 0x002, GROUP_SOFT_STATE = 0x003,
  GROUP_PCI = 0x100, GROUP_LDC = 0x101, GROUP_NCS = 0x103, GROUP_N2_CPU = 0x202, GROUP_VF_CPU = 0x205,
};

// NCS (crypto units, reference sun4v-hv-ldc-md.md §2 and t2plus-microarch.md §8.5).
enum : uint64_t { NCS_QTYPE_MAU = 1, NCS_QTYPE_CWQ = 2 };
enum : uint64_t { NCS_V1_QCONF = 1, NCS_V1_QTAIL_UPDATE = 2 };
// Queue handles carry the hypervisor's signatures (OpenSPARC huron: CWQ 0x0a72, MAU 0x0864)
// above the core number.
constexpr uint64_t kNcsCwqSignature = 0x0a72, kNcsMauSignature = 0x0864;
// The interrupt sources of the units, as the guest MD's virtual-device nodes name them
// ("n2cp" for the CWQs, "ncp" for the MAUs): devhandle = the node's cfg-handle, devino = the
// core number [U: numbering ours; a guest reads it with ncs_qhandle_to_devino].
constexpr uint64_t kNcsCwqDevhandle = 0x300, kNcsMauDevhandle = 0x301;

// guest_suspend (FAST_TRAP, CORE 1.2; docs/hypervisor.md "Guest suspend"). The number is
// unverified in our reference (sun4v-hv-ldc-md.md §2.3 marks 0x181 [check]: no hypervisor
// header or spec was found); illumos' guest side, uts/sun4v/sys/hypervisor_api.h, calls it
// GUEST_SUSPEND 0x181, and its suspend.c wants CORE >= 1.2 before it uses it.
constexpr unsigned FN_GUEST_SUSPEND = 0x181;
constexpr uint64_t kCoreSuspendMinor = 2;   // the CORE 1.x minor that offers guest_suspend

// MMU fault status area (128 bytes): I-side at +0x00, D-side at +0x40.
enum : unsigned { MMFSA_I_TYPE = 0x00, MMFSA_I_ADDR = 0x08, MMFSA_I_CTX = 0x10,
                  MMFSA_D_TYPE = 0x40, MMFSA_D_ADDR = 0x48, MMFSA_D_CTX = 0x50, MMFSA_SIZE = 0x80 };
enum FaultType : uint64_t {
  FT_FAST_MISS = 1, FT_FAST_PROT = 2, FT_MMU_MISS = 3, FT_INVALID_RA = 4, FT_PRIV = 5,
  FT_PROT = 6, FT_NFO = 7, FT_SO_NFO = 8, FT_INVALID_VA = 9, FT_INVALID_ASI = 10,
  FT_NC_ATOMIC = 11, FT_PRIV_ACTION = 12, FT_UNALIGNED = 14, FT_INVALID_PGSZ = 15,
};

// sun4v TTE data word.
enum : uint64_t {
  TTE_V = 1ull << 63, TTE_NFO = 1ull << 62, TTE_RA_MASK = 0x00ffffffffffe000ull, TTE_IE = 1u << 12,
  TTE_E = 1u << 11, TTE_CP = 1u << 10, TTE_CV = 1u << 9, TTE_P = 1u << 8, TTE_X = 1u << 7,
  TTE_W = 1u << 6, TTE_SZ_MASK = 0xf,
};
// Page-size codes T2 Plus supports: 8K, 64K, 4M, 256M (MD mmu-page-size-list 0x2b).
inline bool pgsz_supported(unsigned code) { return code == 0 || code == 1 || code == 3 || code == 5; }
inline unsigned pgsz_shift(unsigned code) { return 13 + 3 * code; }
constexpr unsigned kPageSizeMask = 0x2b;

// MMU map flags.
enum : uint64_t { MAP_DTLB = 1, MAP_ITLB = 2 };

// Interrupt queues: ids for cpu_qconf, their ASI_QUEUE registers and traps.
constexpr uint8_t ASI_QUEUE = 0x25, ASI_SCRATCHPAD = 0x20, ASI_MMU = 0x21, ASI_REAL = 0x14,
                  ASI_REAL_LITTLE = 0x1c;
enum : unsigned { Q_CPU_MONDO = 0x3c, Q_DEV_MONDO = 0x3d, Q_RESUMABLE = 0x3e, Q_NONRESUMABLE = 0x3f };
constexpr unsigned kQueueEntryBytes = 64;
enum : unsigned { TT_INTERRUPT_LEVEL_1 = 0x41, TT_CPU_MONDO = 0x7c, TT_DEV_MONDO = 0x7d,
                  TT_RESUMABLE_ERROR = 0x7e, TT_NONRESUMABLE_ERROR = 0x7f, TT_SIR = 0x04 };

// cpu_state values.
enum : uint64_t { CPU_STATE_STOPPED = 1, CPU_STATE_RUNNING = 2, CPU_STATE_ERROR = 3 };

}  // namespace vfsim::hv
