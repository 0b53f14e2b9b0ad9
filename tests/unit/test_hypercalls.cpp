// Hypercall conformance: every call of hv/hcall_table.def with valid arguments (and the
// effect checked: memory, vCPU state, result registers) and with each kind of invalid
// argument it can get, the API negotiation rules, and the isolation of guests from each
// other. The rules come from shared/reference/sun4v-hv-ldc-md.md §1-§3.
#include <algorithm>
#include <cstring>
#include <iterator>
#include <map>
#include <string>
#include <tuple>

#include "hv/hcall.h"
#include "sim/isa/asi.h"
#include "tests/unit/hv_fixture.h"

// libsystemc wants the program's sc_main; Catch2 provides main and nothing starts SystemC.
int sc_main(int, char**) { return 0; }

using namespace hvtest;
using namespace vfsim::hv;

namespace {

struct TableEntry {
  const char* name;
  unsigned trap, fn, group, major, minor, nargs, nres;
};
const TableEntry kTable[] = {
#define HCALL(name, trap, fn, group, major, minor, nargs, nres) {#name, trap, fn, group, major, minor, nargs, nres},
#include "hv/hcall_table.def"
#undef HCALL
};

bool never_returns(const std::string& name) {
  return name == "mach_exit" || name == "api_exit" || name == "mach_sir" || name == "mmu_enable";
}

// The ASI_QUEUE head/tail registers of a vCPU as the guest reads them.
uint64_t queue_reg(HvFixture& f, unsigned gi, unsigned v, uint64_t va) {
  uint64_t out = ~0ul;
  REQUIRE(f.state(gi, v).mem->asi_load(f.state(gi, v), ASI_QUEUE, va, 8, out) == isa::TT_NONE);
  return out;
}

// Start vCPU v of guest gi at a harmless address (its RTBA 256-byte aligned).
void start_vcpu(HvFixture& f, unsigned v, unsigned gi = 0) {
  uint64_t base = f.guest(gi).memory[0].ra;
  Result r = f.fast_on(gi, 0, fn::CPU_START, v, base + 0x1000, base + 0x8000, 0);
  REQUIRE(r.status == HV_EOK);
}

constexpr uint64_t kConsoleSysino = 0x100ul << 16 | 0x11;

}  // namespace

// ---------------------------------------------------------------------------------------
// The table itself, dispatch and API negotiation
// ---------------------------------------------------------------------------------------

TEST_CASE("the hypercall table has the reference's trap, function and API group of every call", "[hcall]") {
  struct Ref { unsigned trap, fn, group, major, minor; };
  // shared/reference §2.1 (CORE_TRAP), §2.3 (FAST_TRAP and hyper-fast traps), §2.2 groups;
  // CORE 1.1 added cpu_stop, cons_read and cons_write; CORE 1.2 guest_suspend (its number
  // from illumos' hypervisor_api.h, marked [check] in the reference).
  const std::map<std::string, Ref> ref = {
      {"api_set_version", {0xff, 0x00, GROUP_CORE, 0, 0}}, {"api_putchar", {0xff, 0x01, GROUP_CORE, 0, 0}},
      {"api_exit", {0xff, 0x02, GROUP_CORE, 0, 0}}, {"api_get_version", {0xff, 0x03, GROUP_CORE, 0, 0}},
      {"mach_exit", {0x80, 0x00, GROUP_CORE, 1, 0}}, {"mach_desc", {0x80, 0x01, GROUP_CORE, 1, 0}},
      {"mach_sir", {0x80, 0x02, GROUP_CORE, 1, 0}}, {"cpu_start", {0x80, 0x10, GROUP_CORE, 1, 0}},
      {"cpu_stop", {0x80, 0x11, GROUP_CORE, 1, 1}}, {"cpu_yield", {0x80, 0x12, GROUP_CORE, 1, 0}},
      {"cpu_qconf", {0x80, 0x14, GROUP_CORE, 1, 0}}, {"cpu_qinfo", {0x80, 0x15, GROUP_CORE, 1, 0}},
      {"cpu_myid", {0x80, 0x16, GROUP_CORE, 1, 0}}, {"cpu_state", {0x80, 0x17, GROUP_CORE, 1, 0}},
      {"cpu_set_rtba", {0x80, 0x18, GROUP_CORE, 1, 0}}, {"cpu_get_rtba", {0x80, 0x19, GROUP_CORE, 1, 0}},
      {"mmu_tsb_ctx0", {0x80, 0x20, GROUP_CORE, 1, 0}}, {"mmu_tsb_ctxnon0", {0x80, 0x21, GROUP_CORE, 1, 0}},
      {"mmu_demap_page", {0x80, 0x22, GROUP_CORE, 1, 0}}, {"mmu_demap_ctx", {0x80, 0x23, GROUP_CORE, 1, 0}},
      {"mmu_demap_all", {0x80, 0x24, GROUP_CORE, 1, 0}}, {"mmu_map_perm_addr", {0x80, 0x25, GROUP_CORE, 1, 0}},
      {"mmu_fault_area_conf", {0x80, 0x26, GROUP_CORE, 1, 0}}, {"mmu_enable", {0x80, 0x27, GROUP_CORE, 1, 0}},
      {"mmu_unmap_perm_addr", {0x80, 0x28, GROUP_CORE, 1, 0}}, {"mmu_tsb_ctx0_info", {0x80, 0x29, GROUP_CORE, 1, 0}},
      {"mmu_tsb_ctxnon0_info", {0x80, 0x2a, GROUP_CORE, 1, 0}},
      {"mmu_fault_area_info", {0x80, 0x2b, GROUP_CORE, 1, 0}}, {"mem_scrub", {0x80, 0x31, GROUP_CORE, 1, 0}},
      {"mem_sync", {0x80, 0x32, GROUP_CORE, 1, 0}}, {"cpu_mondo_send", {0x80, 0x42, GROUP_CORE, 1, 0}},
      {"tod_get", {0x80, 0x50, GROUP_CORE, 1, 0}}, {"tod_set", {0x80, 0x51, GROUP_CORE, 1, 0}},
      {"cons_getchar", {0x80, 0x60, GROUP_CORE, 1, 0}}, {"cons_putchar", {0x80, 0x61, GROUP_CORE, 1, 0}},
      {"cons_read", {0x80, 0x62, GROUP_CORE, 1, 1}}, {"cons_write", {0x80, 0x63, GROUP_CORE, 1, 1}},
      {"guest_suspend", {0x80, 0x181, GROUP_CORE, 1, 2}},
      {"soft_state_set", {0x80, 0x70, GROUP_SOFT_STATE, 1, 0}}, {"soft_state_get", {0x80, 0x71, GROUP_SOFT_STATE, 1, 0}},
      {"intr_devino2sysino", {0x80, 0xa0, GROUP_INTR, 1, 0}}, {"intr_getenabled", {0x80, 0xa1, GROUP_INTR, 1, 0}},
      {"intr_setenabled", {0x80, 0xa2, GROUP_INTR, 1, 0}}, {"intr_getstate", {0x80, 0xa3, GROUP_INTR, 1, 0}},
      {"intr_setstate", {0x80, 0xa4, GROUP_INTR, 1, 0}}, {"intr_gettarget", {0x80, 0xa5, GROUP_INTR, 1, 0}},
      {"intr_settarget", {0x80, 0xa6, GROUP_INTR, 1, 0}}, {"vintr_getcookie", {0x80, 0xa7, GROUP_INTR, 1, 0}},
      {"vintr_setcookie", {0x80, 0xa8, GROUP_INTR, 1, 0}}, {"vintr_getvalid", {0x80, 0xa9, GROUP_INTR, 1, 0}},
      {"vintr_setvalid", {0x80, 0xaa, GROUP_INTR, 1, 0}}, {"vintr_getstate", {0x80, 0xab, GROUP_INTR, 1, 0}},
      {"vintr_setstate", {0x80, 0xac, GROUP_INTR, 1, 0}}, {"vintr_gettarget", {0x80, 0xad, GROUP_INTR, 1, 0}},
      {"vintr_settarget", {0x80, 0xae, GROUP_INTR, 1, 0}}, {"niagara2_getperf", {0x80, 0x104, GROUP_N2_CPU, 1, 0}},
      {"niagara2_setperf", {0x80, 0x105, GROUP_N2_CPU, 1, 0}}, {"vfalls_getperf", {0x80, 0x106, GROUP_VF_CPU, 1, 0}},
      {"vfalls_setperf", {0x80, 0x107, GROUP_VF_CPU, 1, 0}}, {"mmu_map_addr", {0x83, 0, GROUP_CORE, 1, 0}},
      {"mmu_unmap_addr", {0x84, 0, GROUP_CORE, 1, 0}},
      // §2.3 LDC group 0x101
      {"ldc_tx_qconf", {0x80, 0xe0, GROUP_LDC, 1, 0}}, {"ldc_tx_qinfo", {0x80, 0xe1, GROUP_LDC, 1, 0}},
      {"ldc_tx_get_state", {0x80, 0xe2, GROUP_LDC, 1, 0}}, {"ldc_tx_set_qtail", {0x80, 0xe3, GROUP_LDC, 1, 0}},
      {"ldc_rx_qconf", {0x80, 0xe4, GROUP_LDC, 1, 0}}, {"ldc_rx_qinfo", {0x80, 0xe5, GROUP_LDC, 1, 0}},
      {"ldc_rx_get_state", {0x80, 0xe6, GROUP_LDC, 1, 0}}, {"ldc_rx_set_qhead", {0x80, 0xe7, GROUP_LDC, 1, 0}},
      {"ldc_set_map_table", {0x80, 0xea, GROUP_LDC, 1, 0}}, {"ldc_get_map_table", {0x80, 0xeb, GROUP_LDC, 1, 0}},
      {"ldc_copy", {0x80, 0xec, GROUP_LDC, 1, 0}}, {"ldc_mapin", {0x80, 0xed, GROUP_LDC, 1, 0}},
      {"ldc_unmap", {0x80, 0xee, GROUP_LDC, 1, 0}}, {"ldc_revoke", {0x80, 0xef, GROUP_LDC, 1, 0}},
      // NCS group 0x103 (t2plus-microarch.md §8.5): 1.0's request, 2.0's queue calls
      {"ncs_request", {0x80, 0x110, GROUP_NCS, 1, 0}}, {"ncs_qconf", {0x80, 0x111, GROUP_NCS, 2, 0}},
      {"ncs_qinfo", {0x80, 0x112, GROUP_NCS, 2, 0}}, {"ncs_gethead", {0x80, 0x113, GROUP_NCS, 2, 0}},
      {"ncs_gettail", {0x80, 0x114, GROUP_NCS, 2, 0}}, {"ncs_settail", {0x80, 0x115, GROUP_NCS, 2, 0}},
      {"ncs_qhandle_to_devino", {0x80, 0x116, GROUP_NCS, 2, 0}}, {"ncs_sethead_marker", {0x80, 0x117, GROUP_NCS, 2, 0}},
      // PCI group 0x100 (reference sun4v-hv-ldc-md.md §2; Linux hypervisor.h's PCI IO and MSI services)
      {"pci_iommu_map", {0x80, 0xb0, GROUP_PCI, 1, 0}}, {"pci_iommu_demap", {0x80, 0xb1, GROUP_PCI, 1, 0}},
      {"pci_iommu_getmap", {0x80, 0xb2, GROUP_PCI, 1, 0}}, {"pci_iommu_getbypass", {0x80, 0xb3, GROUP_PCI, 1, 0}},
      {"pci_config_get", {0x80, 0xb4, GROUP_PCI, 1, 0}}, {"pci_config_put", {0x80, 0xb5, GROUP_PCI, 1, 0}},
      {"pci_peek", {0x80, 0xb6, GROUP_PCI, 1, 0}}, {"pci_poke", {0x80, 0xb7, GROUP_PCI, 1, 0}},
      {"pci_dma_sync", {0x80, 0xb8, GROUP_PCI, 1, 0}}, {"msiq_conf", {0x80, 0xc0, GROUP_PCI, 1, 0}},
      {"msiq_info", {0x80, 0xc1, GROUP_PCI, 1, 0}}, {"msiq_getvalid", {0x80, 0xc2, GROUP_PCI, 1, 0}},
      {"msiq_setvalid", {0x80, 0xc3, GROUP_PCI, 1, 0}}, {"msiq_getstate", {0x80, 0xc4, GROUP_PCI, 1, 0}},
      {"msiq_setstate", {0x80, 0xc5, GROUP_PCI, 1, 0}}, {"msiq_gethead", {0x80, 0xc6, GROUP_PCI, 1, 0}},
      {"msiq_sethead", {0x80, 0xc7, GROUP_PCI, 1, 0}}, {"msiq_gettail", {0x80, 0xc8, GROUP_PCI, 1, 0}},
      {"msi_getvalid", {0x80, 0xc9, GROUP_PCI, 1, 0}}, {"msi_setvalid", {0x80, 0xca, GROUP_PCI, 1, 0}},
      {"msi_getmsiq", {0x80, 0xcb, GROUP_PCI, 1, 0}}, {"msi_setmsiq", {0x80, 0xcc, GROUP_PCI, 1, 0}},
      {"msi_getstate", {0x80, 0xcd, GROUP_PCI, 1, 0}}, {"msi_setstate", {0x80, 0xce, GROUP_PCI, 1, 0}},
      {"msg_getmsiq", {0x80, 0xd0, GROUP_PCI, 1, 0}}, {"msg_setmsiq", {0x80, 0xd1, GROUP_PCI, 1, 0}},
      {"msg_getvalid", {0x80, 0xd2, GROUP_PCI, 1, 0}}, {"msg_setvalid", {0x80, 0xd3, GROUP_PCI, 1, 0}},
  };
  CHECK(std::size(kTable) == ref.size());
  for (const TableEntry& e : kTable) {
    INFO(e.name);
    auto it = ref.find(e.name);
    REQUIRE(it != ref.end());
    CHECK(e.trap == it->second.trap);
    if (e.trap == kFast || e.trap == kCore) CHECK(e.fn == it->second.fn);
    CHECK(e.group == it->second.group);
    CHECK(e.major == it->second.major);
    CHECK(e.minor == it->second.minor);
    CHECK(e.nargs <= 5);
    CHECK(e.nres <= 4);
  }
  // No two calls share a (trap, function).
  for (const TableEntry& a : kTable)
    for (const TableEntry& b : kTable)
      if (&a != &b && a.trap == b.trap && (a.trap == kFast || a.trap == kCore)) CHECK(a.fn != b.fn);
}

TEST_CASE("unknown functions and unassigned hypervisor traps give EBADTRAP and return", "[hcall]") {
  HvFixture f;
  for (uint64_t function : {0x03ul, 0x05ul, 0x13ul, 0x30ul, 0x99ul, 0xe8ul, 0x201ul, 0x202ul, 0x10000ul,
                            1ul << 32, ~0ul}) {
    INFO("fast trap function " << function);
    Result r = f.fast(function);
    CHECK(r.status == HV_EBADTRAP);
    CHECK(r.returned());
    CHECK(r.running);
  }
  for (uint64_t function : {0x04ul, 0x05ul, 0x80ul, 0x100ul, 1ul << 40}) {
    INFO("core trap function " << function);
    Result r = f.core(function);
    CHECK(r.status == HV_EBADTRAP);
    CHECK(r.returned());
  }
  for (unsigned trap : {0x81u, 0x82u, 0x85u, 0x86u, 0x90u, 0xfeu}) {
    INFO("trap " << trap);
    Result r = f.call(trap, fn::CPU_MYID);
    CHECK(r.status == HV_EBADTRAP);
    CHECK(r.returned());
  }
  CHECK(f.guest().console.empty());
  CHECK_FALSE(f.guest().exited);
}

TEST_CASE("before api_set_version only the CORE_TRAP calls work", "[hcall]") {
  HvFixture f({default_guest()}, false);
  // Every call of the table outside CORE_TRAP: EBADTRAP, no effect.
  for (const TableEntry& e : kTable) {
    if (e.trap == kCore) continue;
    INFO(e.name);
    Result r = f.call_on(0, 0, e.trap, e.fn, {0, 0, 0, 0, 0});
    CHECK(r.status == HV_EBADTRAP);
    CHECK(r.returned());
  }
  CHECK_FALSE(f.guest().exited);
  CHECK(f.vcpu().state == CPU_STATE_RUNNING);
  CHECK(f.guest().console.empty());
  // The CORE_TRAP calls need no negotiation.
  CHECK(f.core(fn::API_PUTCHAR, 'k').status == HV_EOK);
  CHECK(f.guest().console == "k");
  CHECK(f.core(fn::API_GET_VERSION, GROUP_CORE).status == HV_EINVAL);

  // CORE 1.0: the CORE 1.0 calls and the hyper-fast traps work; CORE 1.1's do not, nor
  // other groups'.
  CHECK(f.negotiate(0, GROUP_CORE, 1, 0) == 0);
  Result r = f.fast(fn::CPU_MYID);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 0);
  CHECK(f.map_addr(0x400000, 0, tte(kRa0), MAP_DTLB).status == HV_EOK);
  CHECK(f.unmap_addr(0x400000, 0, MAP_DTLB).status == HV_EOK);
  CHECK(f.fast(fn::CONS_WRITE, kRa0, 1).status == HV_EBADTRAP);
  CHECK(f.fast(fn::CONS_READ, kRa0, 1).status == HV_EBADTRAP);
  CHECK(f.fast(fn::CPU_STOP, 1).status == HV_EBADTRAP);
  CHECK(f.fast(fn::SOFT_STATE_GET, kRa0).status == HV_EBADTRAP);
  CHECK(f.fast(fn::INTR_GETENABLED, kConsoleSysino).status == HV_EBADTRAP);
  CHECK(f.fast(fn::VINTR_GETVALID, 0x100, 0x11).status == HV_EBADTRAP);
  CHECK(f.fast(fn::NIAGARA2_GETPERF, 0).status == HV_EBADTRAP);
  CHECK(f.fast(fn::VFALLS_GETPERF, 0).status == HV_EBADTRAP);
  // CORE 1.1 and the other groups.
  CHECK(f.negotiate(0, GROUP_CORE, 1, 1) == 1);
  f.st_string(kRa0 + 0x100, "x");
  CHECK(f.fast(fn::CONS_WRITE, kRa0 + 0x100, 1).status == HV_EOK);
  f.negotiate(0, GROUP_SOFT_STATE, 1, 0);
  CHECK(f.fast(fn::SOFT_STATE_GET, kRa0).status == HV_EOK);
  f.negotiate(0, GROUP_INTR, 1, 0);
  CHECK(f.fast(fn::INTR_GETENABLED, kConsoleSysino).status == HV_EOK);
  f.negotiate(0, GROUP_N2_CPU, 1, 0);
  CHECK(f.fast(fn::NIAGARA2_GETPERF, 0).status == HV_EOK);
  CHECK(f.fast(fn::VFALLS_GETPERF, 0).status == HV_EBADTRAP);
  f.negotiate(0, GROUP_VF_CPU, 1, 0);
  CHECK(f.fast(fn::VFALLS_GETPERF, 0).status == HV_EOK);
}

TEST_CASE("api_set_version: unknown group EINVAL, unoffered major ENOTSUPPORTED, minor clipped, major 0 disables",
          "[hcall]") {
  HvFixture f({default_guest()}, false);
  SECTION("the minor is clipped to the highest offered and returned in %o1") {
    Result r = f.core(fn::API_SET_VERSION, GROUP_CORE, 1, 7);
    CHECK(r.status == HV_EOK);
    CHECK(r.r[0] == 2);
    r = f.core(fn::API_GET_VERSION, GROUP_CORE);
    CHECK(r.status == HV_EOK);
    CHECK(r.r[0] == 1);
    CHECK(r.r[1] == 2);
    // Asking for less than offered gives what was asked.
    CHECK(f.negotiate(0, GROUP_CORE, 1, 0) == 0);
    r = f.core(fn::API_GET_VERSION, GROUP_CORE);
    CHECK(r.r[0] == 1);
    CHECK(r.r[1] == 0);
    // SUN4V accepts only major 1 and reports minor 0.
    CHECK(f.negotiate(0, GROUP_SUN4V, 1, 5) == 0);
    CHECK(f.core(fn::API_SET_VERSION, GROUP_SUN4V, 2, 0).status == HV_ENOTSUPPORTED);
    // Every group the reference lists for a T2 Plus guest is offered.
    for (unsigned g : {GROUP_INTR, GROUP_SOFT_STATE, GROUP_LDC, GROUP_N2_CPU, GROUP_VF_CPU}) {
      INFO("group " << g);
      r = f.core(fn::API_SET_VERSION, g, 1, 0);
      CHECK(r.status == HV_EOK);
      CHECK(r.r[0] == 0);
    }
    CHECK(f.negotiate(0, GROUP_INTR, 2, 0) == 0);
  }
  SECTION("an unknown group is EINVAL, also with major 0") {
    for (uint64_t g : {0x004ul, 0x099ul, 0x999ul, 0x100000001ul, ~0ul}) {
      INFO("group " << g);
      CHECK(f.core(fn::API_SET_VERSION, g, 1, 0).status == HV_EINVAL);
      CHECK(f.core(fn::API_SET_VERSION, g, 0, 0).status == HV_EINVAL);
    }
    CHECK(f.guest().api.empty());
  }
  SECTION("an unoffered major is ENOTSUPPORTED and the earlier negotiation stays") {
    f.negotiate(0, GROUP_CORE, 1, 1);
    CHECK(f.core(fn::API_SET_VERSION, GROUP_CORE, 2, 0).status == HV_ENOTSUPPORTED);
    CHECK(f.core(fn::API_SET_VERSION, GROUP_CORE, 0x100000001ul, 0).status == HV_ENOTSUPPORTED);
    Result r = f.core(fn::API_GET_VERSION, GROUP_CORE);
    CHECK(r.r[0] == 1);
    CHECK(r.r[1] == 1);
    CHECK(f.fast(fn::CPU_MYID).status == HV_EOK);
    // INTR: 1.0 and 2.0 offered, 3.0 not; a refused 3.0 keeps 1.0 (the Linux sequence).
    f.negotiate(0, GROUP_INTR, 1, 0);
    CHECK(f.core(fn::API_SET_VERSION, GROUP_INTR, 3, 0).status == HV_ENOTSUPPORTED);
    r = f.core(fn::API_GET_VERSION, GROUP_INTR);
    CHECK(r.r[0] == 1);
    CHECK(f.fast(fn::INTR_GETENABLED, kConsoleSysino).status == HV_EOK);
  }
  SECTION("major 0 gives the group up") {
    f.negotiate(0, GROUP_CORE, 1, 1);
    REQUIRE(f.fast(fn::CPU_MYID).status == HV_EOK);
    Result r = f.core(fn::API_SET_VERSION, GROUP_CORE, 0, 0);
    CHECK(r.status == HV_EOK);
    CHECK(f.core(fn::API_GET_VERSION, GROUP_CORE).status == HV_EINVAL);
    CHECK(f.fast(fn::CPU_MYID).status == HV_EBADTRAP);
    CHECK(f.map_addr(0x400000, 0, tte(kRa0), MAP_DTLB).status == HV_EBADTRAP);
    // CORE_TRAP still works, and the group can be taken again.
    CHECK(f.core(fn::API_PUTCHAR, 'z').status == HV_EOK);
    f.negotiate(0, GROUP_CORE, 1, 0);
    CHECK(f.fast(fn::CPU_MYID).status == HV_EOK);
    // Giving up a group never negotiated is fine.
    CHECK(f.core(fn::API_SET_VERSION, GROUP_SOFT_STATE, 0, 0).status == HV_EOK);
  }
}

TEST_CASE("api_get_version: the negotiated version, EINVAL for a group not negotiated", "[hcall]") {
  HvFixture f;
  Result r = f.core(fn::API_GET_VERSION, GROUP_CORE);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 1);
  CHECK(r.r[1] == 2);
  r = f.core(fn::API_GET_VERSION, GROUP_VF_CPU);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 1);
  CHECK(r.r[1] == 0);
  CHECK(f.core(fn::API_GET_VERSION, GROUP_N2_CPU + 0x10).status == HV_EINVAL);   // never negotiated
  CHECK(f.core(fn::API_GET_VERSION, 0x999).status == HV_EINVAL);
  // All 64 bits of an argument count (§1.2): group 2^32 + 1 is not CORE.
  CHECK(f.core(fn::API_GET_VERSION, 0x100000001ul).status == HV_EINVAL);
}

TEST_CASE("every call that returns advances pc past the trap and keeps the registers it does not use", "[hcall]") {
  HvFixture f;
  for (const TableEntry& e : kTable) {
    if (never_returns(e.name)) continue;
    INFO(e.name);
    Result r = f.call_on(0, 0, e.trap, e.fn, {});   // every argument register holds kPoison + i
    CHECK(r.status <= HV_EBUSY);
    CHECK(r.returned());
    for (unsigned i = std::max(e.nargs, e.nres + 1); i < 5; ++i) {
      INFO("%o" << i);
      CHECK(f.state().r(8 + i) == kPoison + i);
    }
  }
  CHECK(f.vcpu().state == CPU_STATE_RUNNING);
}

TEST_CASE("a hypervisor trap from user mode is not a hypercall: it goes to the guest's trap table", "[hcall]") {
  HvFixture f;
  isa::StrandState& st = f.state();
  st.tba = kRa0 + 0x8000;
  st.pstate = 0;
  st.tl = 0;
  st.pc = kRa0 + 0x2000;
  st.npc = st.pc + 4;
  st.set_r(8, 0x1234);
  st.set_r(13, fn::CPU_MYID);
  cmt::Core& core = f.m->core_of(f.vcpu().strand);
  f.h->on_trap(core, f.vcpu().strand % f.plat.strands_per_core, isa::Trap(isa::TT_TRAP_INSTRUCTION + kFast));
  CHECK(st.r(8) == 0x1234);
  CHECK(st.tl == 1);
  CHECK(st.tt[1] == isa::TT_TRAP_INSTRUCTION + kFast);
  CHECK(st.tpc[1] == kRa0 + 0x2000);
  CHECK(f.vcpu().hypercalls == 7);   // only the fixture's negotiation
}

// ---------------------------------------------------------------------------------------
// CORE_TRAP calls and the machine calls
// ---------------------------------------------------------------------------------------

TEST_CASE("api_putchar and cons_putchar write the guest's console; BREAK is accepted, >255 is EINVAL", "[hcall]") {
  HvFixture f;
  CHECK(f.core(fn::API_PUTCHAR, 'h').status == HV_EOK);
  CHECK(f.fast(fn::CONS_PUTCHAR, 'i').status == HV_EOK);
  CHECK(f.fast(fn::CONS_PUTCHAR, 0xff).status == HV_EOK);
  CHECK(f.guest().console == "hi\xff");
  CHECK(f.fast(fn::CONS_PUTCHAR, ~0ul).status == HV_EOK);   // BREAK
  CHECK(f.fast(fn::CONS_PUTCHAR, 0x100).status == HV_EINVAL);
  CHECK(f.core(fn::API_PUTCHAR, 0x141).status == HV_EINVAL);
  CHECK(f.fast(fn::CONS_PUTCHAR, 1ul << 32 | 'a').status == HV_EINVAL);
  CHECK(f.guest().console == "hi\xff");
}

TEST_CASE("mach_exit and api_exit stop every vCPU of the guest and record the exit code", "[hcall]") {
  for (bool core : {false, true}) {
    INFO((core ? "api_exit" : "mach_exit"));
    HvFixture f;
    start_vcpu(f, 2);
    REQUIRE(f.core_running(0, 2));
    Result r = core ? f.core(fn::API_EXIT, 0x203) : f.fast(fn::MACH_EXIT, 0x203);
    CHECK(r.status == HV_EOK);
    CHECK_FALSE(r.running);
    CHECK(f.guest().exited);
    CHECK(f.guest().exit_code == 0x203);
    CHECK(f.m->exit_code == 3);
    for (unsigned v = 0; v < 4; ++v) {
      CHECK(f.vcpu(0, v).state == CPU_STATE_STOPPED);
      CHECK_FALSE(f.core_running(0, v));
    }
    CHECK(r.pc == r.npc_before);   // left past the trap for post-mortems
  }
  HvFixture f;
  CHECK(f.fast(fn::MACH_EXIT, 0).status == HV_EOK);
  CHECK(f.guest().exited);
  CHECK(f.m->exit_code == 0);
}

TEST_CASE("mach_desc copies the guest's MD; probe, alignment and real-address rules", "[hcall]") {
  HvFixture f;
  const std::vector<uint8_t>& md = f.guest().md;
  REQUIRE(md.size() > 64);
  SECTION("a probe with length 0 gives EINVAL and the size") {
    Result r = f.fast(fn::MACH_DESC, kRa0 + 0x10000, 0);
    CHECK(r.status == HV_EINVAL);
    CHECK(r.r[0] == md.size());
    r = f.fast(fn::MACH_DESC, kRa0 + 0x10000, md.size() - 1);
    CHECK(r.status == HV_EINVAL);
    CHECK(r.r[0] == md.size());
    CHECK(f.bytes(kRa0 + 0x10000, md.size()) == std::vector<uint8_t>(md.size(), 0));
  }
  SECTION("a big enough buffer receives the MD, in either mblock") {
    for (uint64_t buf : {kRa0 + 0x10000, kRa1 + 0x30, kRa1 + (16ul << 20) - ((md.size() + 15) & ~15ul)}) {
      INFO("buffer " << buf);
      Result r = f.fast(fn::MACH_DESC, buf, md.size() + 100);
      CHECK(r.status == HV_EOK);
      CHECK(r.r[0] == md.size());
      CHECK(f.bytes(buf, md.size()) == md);
    }
  }
  SECTION("a buffer that is not 16-byte aligned is EBADALIGN") {
    for (uint64_t off : {1, 4, 8}) {
      Result r = f.fast(fn::MACH_DESC, kRa0 + 0x10000 + off, 0x10000);
      CHECK(r.status == HV_EBADALIGN);
    }
    CHECK(f.bytes(kRa0 + 0x10000, 64) == std::vector<uint8_t>(64, 0));
  }
  SECTION("a buffer outside the guest's memory is ENORADDR") {
    for (uint64_t buf : {0ul, kHoleRa, kHoleRa - 0x10, kRa1 + (16ul << 20), kRa1 - 0x100, 0xfffffffffffff000ul,
                         kGuestPaBase}) {
      INFO("buffer " << buf);
      Result r = f.fast(fn::MACH_DESC, buf, 0x10000);
      CHECK(r.status == HV_ENORADDR);
    }
    CHECK(f.bytes(kHoleRa - 0x10, 16) == std::vector<uint8_t>(16, 0));
  }
}

TEST_CASE("mach_sir restarts the caller at RTBA + the SIR vector and stops the other vCPUs", "[hcall]") {
  HvFixture f;
  start_vcpu(f, 1);
  start_vcpu(f, 3);
  REQUIRE(f.fast(fn::CPU_SET_RTBA, kRa0 + 0x40000).status == HV_EOK);
  f.st64(kRa0 + 0x50000, 0x1122334455667788ul);
  REQUIRE(f.fast(fn::MMU_ENABLE, 1, 0x400000).status == HV_EOK);
  REQUIRE(f.vcpu().mmu_enabled);
  f.state().tl = 1;
  Result r = f.fast(fn::MACH_SIR);
  CHECK(r.running);
  CHECK(r.pc == kRa0 + 0x40000 + 0x04 * 32);
  CHECK(r.npc == r.pc + 4);
  CHECK(f.state().tba == kRa0 + 0x40000);
  CHECK(f.state().tl == 0);
  CHECK(f.state().privileged());
  CHECK_FALSE(f.vcpu().mmu_enabled);
  CHECK(f.vcpu(0, 0).state == CPU_STATE_RUNNING);
  for (unsigned v : {1u, 3u}) {
    CHECK(f.vcpu(0, v).state == CPU_STATE_STOPPED);
    CHECK_FALSE(f.core_running(0, v));
  }
  CHECK(f.ld64(kRa0 + 0x50000) == 0x1122334455667788ul);   // memory kept
  CHECK_FALSE(f.guest().exited);
}

// ---------------------------------------------------------------------------------------
// CPU calls
// ---------------------------------------------------------------------------------------

TEST_CASE("cpu_start starts a stopped vCPU with the sun4v boot convention", "[hcall]") {
  HvFixture f;
  REQUIRE(f.vcpu(0, 1).state == CPU_STATE_STOPPED);
  REQUIRE_FALSE(f.core_running(0, 1));
  f.state(0, 1).tl = 2;
  Result r = f.fast(fn::CPU_START, 1, kRa1 + 0x2000, kRa1 + 0x4000, 0xabcdef);
  CHECK(r.status == HV_EOK);
  CHECK(r.returned());
  CHECK(f.vcpu(0, 1).state == CPU_STATE_RUNNING);
  CHECK(f.core_running(0, 1));
  isa::StrandState& st = f.state(0, 1);
  CHECK(st.pc == kRa1 + 0x2000);
  CHECK(st.npc == kRa1 + 0x2004);
  CHECK(st.tba == kRa1 + 0x4000);
  CHECK(st.r(8) == 0xabcdef);
  CHECK(st.tl == 0);
  CHECK(st.privileged());
  CHECK(f.vcpu(0, 1).rtba == kRa1 + 0x4000);
  CHECK_FALSE(f.vcpu(0, 1).mmu_enabled);
  r = f.fast(fn::CPU_STATE, 1);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == CPU_STATE_RUNNING);
  // The started vCPU knows its id.
  r = f.fast_on(0, 1, fn::CPU_MYID);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 1);
  // A running vCPU (or the caller) cannot be started.
  CHECK(f.fast(fn::CPU_START, 1, kRa0, kRa0, 0).status == HV_EINVAL);
  CHECK(f.fast(fn::CPU_START, 0, kRa0, kRa0, 0).status == HV_EINVAL);
}

TEST_CASE("cpu_start rejects bad cpu ids, misaligned and foreign addresses and leaves the vCPU stopped", "[hcall]") {
  HvFixture f;
  struct Case { uint64_t id, pc, rtba, status; };
  const Case cases[] = {
      {4, kRa0, kRa0, HV_ENOCPU},
      {0xffff, kRa0, kRa0, HV_ENOCPU},
      {1ul << 32 | 2, kRa0, kRa0, HV_ENOCPU},
      {~0ul, kRa0, kRa0, HV_ENOCPU},
      {2, kRa0 + 2, kRa0, HV_EBADALIGN},
      {2, kRa0 + 1, kRa0, HV_EBADALIGN},
      {2, kRa0, kRa0 + 0x80, HV_EBADALIGN},
      {2, kRa0, kRa0 + 4, HV_EBADALIGN},
      {2, kHoleRa, kRa0, HV_ENORADDR},
      {2, 0, kRa0, HV_ENORADDR},
      {2, kRa0, kHoleRa, HV_ENORADDR},
      {2, kRa0, kRa1 + (16ul << 20), HV_ENORADDR},
  };
  for (const Case& c : cases) {
    INFO("id " << c.id << " pc " << c.pc << " rtba " << c.rtba);
    CHECK(f.fast(fn::CPU_START, c.id, c.pc, c.rtba, 0).status == c.status);
  }
  for (unsigned v = 1; v < 4; ++v) {
    CHECK(f.vcpu(0, v).state == CPU_STATE_STOPPED);
    CHECK_FALSE(f.core_running(0, v));
  }
}

TEST_CASE("cpu_stop stops another running vCPU; self, stopped and unknown ids are refused", "[hcall]") {
  HvFixture f;
  start_vcpu(f, 1);
  Result r = f.fast(fn::CPU_STOP, 1);
  CHECK(r.status == HV_EOK);
  CHECK(r.returned());
  CHECK(f.vcpu(0, 1).state == CPU_STATE_STOPPED);
  CHECK_FALSE(f.core_running(0, 1));
  CHECK(f.fast(fn::CPU_STATE, 1).r[0] == CPU_STATE_STOPPED);
  CHECK(f.fast(fn::CPU_STOP, 1).status == HV_EINVAL);   // not running
  CHECK(f.fast(fn::CPU_STOP, 0).status == HV_EINVAL);   // self
  CHECK(f.fast(fn::CPU_STOP, 4).status == HV_ENOCPU);
  CHECK(f.fast(fn::CPU_STOP, ~0ul).status == HV_ENOCPU);
  CHECK(f.vcpu(0, 0).state == CPU_STATE_RUNNING);
  // A stopped vCPU can be started again.
  start_vcpu(f, 1);
  CHECK(f.vcpu(0, 1).state == CPU_STATE_RUNNING);
}

TEST_CASE("cpu_yield sleeps until an interrupt may be pending and returns", "[hcall]") {
  HvFixture f;
  cmt::Core& core = f.m->core_of(f.vcpu().strand);
  unsigned slot = f.vcpu().strand % f.plat.strands_per_core;
  Result r = f.fast(fn::CPU_YIELD);
  CHECK(r.status == HV_EOK);
  CHECK(r.returned());
  CHECK(r.running);
  CHECK(core.ready_at[slot] == core.cycles + f.h->yield_max_cycles + f.h->hcall_cycles);
  // With an interrupt pending (SOFTINT) it returns at once.
  uint64_t before = core.ready_at[slot];
  f.state().softint = 1u << 5;
  r = f.fast(fn::CPU_YIELD);
  CHECK(r.status == HV_EOK);
  CHECK(core.ready_at[slot] == before + f.h->hcall_cycles);
}

TEST_CASE("cpu_qconf and cpu_qinfo configure the four interrupt queues", "[hcall]") {
  HvFixture f;
  const unsigned ids[] = {Q_CPU_MONDO, Q_DEV_MONDO, Q_RESUMABLE, Q_NONRESUMABLE};
  const unsigned max_bits[] = {7, 7, 6, 2};   // the guest MD's q-*-#bits
  for (unsigned i = 0; i < 4; ++i) {
    unsigned q = ids[i];
    INFO("queue " << q);
    uint64_t base = kRa0 + 0x100000 + 0x10000 * i;
    // head = tail = 0 after a qconf, even if the head was moved before.
    Result r = f.fast(fn::CPU_QCONF, q, base, 4);
    CHECK(r.status == HV_EOK);
    REQUIRE(f.state().mem->asi_store(f.state(), ASI_QUEUE, q * 16, 8, 64) == isa::TT_NONE);
    CHECK(queue_reg(f, 0, 0, q * 16) == 64);
    r = f.fast(fn::CPU_QCONF, q, base, 1ul << max_bits[i]);
    CHECK(r.status == HV_EOK);
    CHECK(r.returned());
    r = f.fast(fn::CPU_QINFO, q);
    CHECK(r.status == HV_EOK);
    CHECK(r.r[0] == base);
    CHECK(r.r[1] == 1ul << max_bits[i]);
    CHECK(queue_reg(f, 0, 0, q * 16) == 0);
    CHECK(queue_reg(f, 0, 0, q * 16 + 8) == 0);
    // Too many entries.
    CHECK(f.fast(fn::CPU_QCONF, q, base, 2ul << max_bits[i]).status == HV_EINVAL);
    // 0 entries unconfigures.
    CHECK(f.fast(fn::CPU_QCONF, q, 0, 0).status == HV_EOK);
    r = f.fast(fn::CPU_QINFO, q);
    CHECK(r.status == HV_EOK);
    CHECK(r.r[0] == 0);
    CHECK(r.r[1] == 0);
  }
  // Queues in the second mblock are fine too.
  CHECK(f.fast(fn::CPU_QCONF, Q_DEV_MONDO, kRa1 + 0x2000, 128).status == HV_EOK);
  CHECK(f.fast(fn::CPU_QINFO, Q_DEV_MONDO).r[0] == kRa1 + 0x2000);
}

TEST_CASE("cpu_qconf and cpu_qinfo reject bad queue ids, sizes, alignment and addresses", "[hcall]") {
  HvFixture f;
  REQUIRE(f.fast(fn::CPU_QCONF, Q_CPU_MONDO, kRa0 + 0x4000, 8).status == HV_EOK);
  struct Case { uint64_t q, base, n, status; };
  const Case cases[] = {
      {0x3b, kRa0, 8, HV_EINVAL}, {0x40, kRa0, 8, HV_EINVAL}, {0, kRa0, 8, HV_EINVAL},
      {1ul << 32 | Q_CPU_MONDO, kRa0, 8, HV_EINVAL},
      {Q_CPU_MONDO, kRa0, 1, HV_EINVAL},     // at least 2
      {Q_CPU_MONDO, kRa0, 3, HV_EINVAL},     // a power of 2
      {Q_CPU_MONDO, kRa0, 12, HV_EINVAL},
      {Q_CPU_MONDO, kRa0, 1ul << 40, HV_EINVAL},
      {Q_CPU_MONDO, kRa0 + 0x40, 8, HV_EBADALIGN},   // aligned to the queue's size (512)
      {Q_CPU_MONDO, kRa0 + 0x100, 8, HV_EBADALIGN},
      {Q_CPU_MONDO, kRa0 + 0x200, 16, HV_EBADALIGN},
      {Q_CPU_MONDO, kHoleRa, 8, HV_ENORADDR},
      {Q_CPU_MONDO, 0, 8, HV_ENORADDR},
      {Q_CPU_MONDO, kRa1 + (16ul << 20), 8, HV_ENORADDR},
      {Q_CPU_MONDO, kGuestPaBase, 8, HV_ENORADDR},
  };
  for (const Case& c : cases) {
    INFO("queue " << c.q << " base " << c.base << " n " << c.n);
    CHECK(f.fast(fn::CPU_QCONF, c.q, c.base, c.n).status == c.status);
  }
  // The earlier configuration stays.
  Result r = f.fast(fn::CPU_QINFO, Q_CPU_MONDO);
  CHECK(r.r[0] == kRa0 + 0x4000);
  CHECK(r.r[1] == 8);
  for (uint64_t q : {0x3bul, 0x40ul, 0ul, ~0ul}) CHECK(f.fast(fn::CPU_QINFO, q).status == HV_EINVAL);
}

TEST_CASE("cpu_myid and cpu_state give the guest's own vCPU ids and states", "[hcall]") {
  HvFixture f;
  Result r = f.fast(fn::CPU_MYID);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 0);
  start_vcpu(f, 3);
  r = f.fast_on(0, 3, fn::CPU_MYID);
  CHECK(r.r[0] == 3);
  const uint64_t expect[] = {CPU_STATE_RUNNING, CPU_STATE_STOPPED, CPU_STATE_ERROR, CPU_STATE_RUNNING};
  f.vcpu(0, 2).state = CPU_STATE_ERROR;
  for (unsigned v = 0; v < 4; ++v) {
    r = f.fast(fn::CPU_STATE, v);
    CHECK(r.status == HV_EOK);
    CHECK(r.r[0] == expect[v]);
  }
  CHECK(f.fast(fn::CPU_STATE, 4).status == HV_ENOCPU);
  CHECK(f.fast(fn::CPU_STATE, 1ul << 32).status == HV_ENOCPU);
  CHECK(f.fast(fn::CPU_STATE, ~0ul).status == HV_ENOCPU);
}

TEST_CASE("cpu_set_rtba returns the previous RTBA, cpu_get_rtba the current one; %tba is not touched", "[hcall]") {
  HvFixture f;
  f.state().tba = 0x77700;
  Result r = f.fast(fn::CPU_GET_RTBA);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 0);
  r = f.fast(fn::CPU_SET_RTBA, kRa0 + 0x100);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 0);
  r = f.fast(fn::CPU_SET_RTBA, kRa1 + 0x3000);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == kRa0 + 0x100);
  CHECK(f.fast(fn::CPU_GET_RTBA).r[0] == kRa1 + 0x3000);
  CHECK(f.state().tba == 0x77700);
  // Misaligned and foreign RTBAs change nothing.
  for (uint64_t rtba : {kRa0 + 0x80, kRa0 + 4, kRa0 + 1})
    CHECK(f.fast(fn::CPU_SET_RTBA, rtba).status == HV_EBADALIGN);
  for (uint64_t rtba : {0ul, kHoleRa, kRa1 + (16ul << 20), kGuestPaBase})
    CHECK(f.fast(fn::CPU_SET_RTBA, rtba).status == HV_ENORADDR);
  CHECK(f.fast(fn::CPU_GET_RTBA).r[0] == kRa1 + 0x3000);
}

TEST_CASE("cpu_mondo_send delivers 64 bytes to the targets' cpu mondo queues", "[hcall]") {
  HvFixture f;
  start_vcpu(f, 1);
  start_vcpu(f, 3);
  const uint64_t q1 = kRa0 + 0x30000, q3 = kRa1 + 0x30000, list = kRa0 + 0x40000, data = kRa0 + 0x40040;
  REQUIRE(f.fast_on(0, 1, fn::CPU_QCONF, Q_CPU_MONDO, q1, 4).status == HV_EOK);
  REQUIRE(f.fast_on(0, 3, fn::CPU_QCONF, Q_CPU_MONDO, q3, 4).status == HV_EOK);
  std::vector<uint8_t> mondo(64);
  for (unsigned i = 0; i < 64; ++i) mondo[i] = uint8_t(i * 7 + 1);
  f.write(data, mondo.data(), 64);
  SECTION("valid: every target gets the mondo, delivered entries become 0xffff") {
    f.st16(list, 1);
    f.st16(list + 2, 3);
    Result r = f.fast(fn::CPU_MONDO_SEND, 2, list, data);
    CHECK(r.status == HV_EOK);
    CHECK(r.returned());
    CHECK(f.bytes(q1, 64) == mondo);
    CHECK(f.bytes(q3, 64) == mondo);
    CHECK(queue_reg(f, 0, 1, 0x3c8) == 64);
    CHECK(queue_reg(f, 0, 3, 0x3c8) == 64);
    CHECK(queue_reg(f, 0, 1, 0x3c0) == 0);
    CHECK(f.strand(0, 1).queue_pending);
    CHECK(f.ld16(list) == 0xffff);
    CHECK(f.ld16(list + 2) == 0xffff);
    // 0xffff entries are skipped; the queue holds entries - 1 mondos, then EWOULDBLOCK.
    f.st16(list, 0xffff);
    f.st16(list + 2, 1);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 2, list, data).status == HV_EOK);
    CHECK(queue_reg(f, 0, 1, 0x3c8) == 128);
    CHECK(queue_reg(f, 0, 3, 0x3c8) == 64);
    f.st16(list + 2, 1);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 2, list, data).status == HV_EOK);
    CHECK(queue_reg(f, 0, 1, 0x3c8) == 192);
    f.st16(list + 2, 1);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 2, list, data).status == HV_EWOULDBLOCK);
    CHECK(f.ld16(list + 2) == 1);   // not delivered: kept for a retry
    CHECK(queue_reg(f, 0, 1, 0x3c8) == 192);
    // The target consumes one entry: the retry succeeds and the tail wraps.
    REQUIRE(f.state(0, 1).mem->asi_store(f.state(0, 1), ASI_QUEUE, 0x3c0, 8, 64) == isa::TT_NONE);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 2, list, data).status == HV_EOK);
    CHECK(queue_reg(f, 0, 1, 0x3c8) == 0);
  }
  SECTION("a stopped target or one without a queue is EWOULDBLOCK") {
    f.st16(list, 2);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 1, list, data).status == HV_EWOULDBLOCK);
    CHECK(f.ld16(list) == 2);
    REQUIRE(f.fast_on(0, 1, fn::CPU_QCONF, Q_CPU_MONDO, 0, 0).status == HV_EOK);
    f.st16(list, 1);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 1, list, data).status == HV_EWOULDBLOCK);
    CHECK(f.ld16(list) == 1);
  }
  SECTION("invalid arguments") {
    f.st16(list, 1);
    f.st16(list + 2, 3);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 0, list, data).status == HV_EINVAL);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 2, list + 1, data).status == HV_EBADALIGN);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 2, list, data + 8).status == HV_EBADALIGN);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 2, list, data + 32).status == HV_EBADALIGN);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 2, kHoleRa, data).status == HV_ENORADDR);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 2, kHoleRa - 2, data).status == HV_ENORADDR);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 2, list, kHoleRa).status == HV_ENORADDR);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 2, list, 0).status == HV_ENORADDR);
    CHECK(queue_reg(f, 0, 1, 0x3c8) == 0);
    f.st16(list, 0);   // self
    CHECK(f.fast(fn::CPU_MONDO_SEND, 1, list, data).status == HV_EINVAL);
    f.st16(list, 4);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 1, list, data).status == HV_ENOCPU);
    f.st16(list, 0x1234);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 1, list, data).status == HV_ENOCPU);
    f.st16(list, 1);
    f.vcpu(0, 1).state = CPU_STATE_ERROR;
    CHECK(f.fast(fn::CPU_MONDO_SEND, 1, list, data).status == HV_ECPUERROR);
    CHECK(queue_reg(f, 0, 1, 0x3c8) == 0);
  }
}

// ---------------------------------------------------------------------------------------
// MMU calls (translation itself is in test_sun4v_mmu.cpp)
// ---------------------------------------------------------------------------------------

TEST_CASE("mmu_tsb_ctx0/ctxnon0 take TSB descriptors that the _info calls give back", "[hcall]") {
  HvFixture f;
  const uint64_t desc = kRa0 + 0x5000, info = kRa0 + 0x6000;
  for (bool non0 : {false, true}) {
    INFO((non0 ? "ctxnon0" : "ctx0"));
    uint64_t set = non0 ? fn::MMU_TSB_CTXNON0 : fn::MMU_TSB_CTX0;
    uint64_t get = non0 ? fn::MMU_TSB_CTXNON0_INFO : fn::MMU_TSB_CTX0_INFO;
    f.tsb_descriptor(desc, 0, 1, 512, 0, 0x1, kRa0 + 0x200000);
    f.tsb_descriptor(desc + 32, 3, 1, 1024, 0xffffffff, 0x8 | 0x20, kRa1 + 0x100000);
    f.tsb_descriptor(desc + 64, 1, 1, 2, 0, 0x2, kRa1 + 0x20);
    Result r = f.fast(set, 3, desc);
    CHECK(r.status == HV_EOK);
    CHECK(r.returned());
    const auto& tsbs = non0 ? f.vcpu().tsb_ctxnon0 : f.vcpu().tsb_ctx0;
    REQUIRE(tsbs.size() == 3);
    CHECK(tsbs[1].entries == 1024);
    CHECK(tsbs[1].pgsz_mask == 0x28);
    CHECK(tsbs[1].base_ra == kRa1 + 0x100000);
    r = f.fast(get, 8, info);
    CHECK(r.status == HV_EOK);
    CHECK(r.r[0] == 3);
    CHECK(f.bytes(info, 96) == f.bytes(desc, 96));
    // Room for fewer descriptors: only that many are written, the count is still 3.
    f.fill(info, 0, 96);
    r = f.fast(get, 1, info);
    CHECK(r.status == HV_EOK);
    CHECK(r.r[0] == 3);
    CHECK(f.bytes(info, 32) == f.bytes(desc, 32));
    CHECK(f.bytes(info + 32, 64) == std::vector<uint8_t>(64, 0));
    r = f.fast(get, 0, 0);   // max 0: just the count
    CHECK(r.status == HV_EOK);
    CHECK(r.r[0] == 3);
    // 0 descriptors: none configured.
    CHECK(f.fast(set, 0, 0).status == HV_EOK);
    CHECK(f.fast(get, 8, info).r[0] == 0);
  }
  // A TSB as large as a whole mblock (16 MB) is fine.
  f.tsb_descriptor(desc, 0, 1, 1u << 20, 0, 0x1, kRa1);
  CHECK(f.fast(fn::MMU_TSB_CTXNON0, 1, desc).status == HV_EOK);
  CHECK(f.fast(fn::MMU_TSB_CTXNON0, 0, 0).status == HV_EOK);
  // The two sets are independent.
  f.tsb_descriptor(desc, 0, 1, 512, 0, 0x1, kRa0 + 0x200000);
  REQUIRE(f.fast(fn::MMU_TSB_CTX0, 1, desc).status == HV_EOK);
  CHECK(f.fast(fn::MMU_TSB_CTXNON0_INFO, 8, info).r[0] == 0);
  CHECK(f.fast(fn::MMU_TSB_CTX0_INFO, 8, info).r[0] == 1);
}

TEST_CASE("mmu_tsb_ctx0/ctxnon0 reject bad descriptors and keep the earlier TSBs", "[hcall]") {
  HvFixture f;
  const uint64_t desc = kRa0 + 0x5000, good = kRa0 + 0x200000;
  for (uint64_t set : {uint64_t(fn::MMU_TSB_CTX0), uint64_t(fn::MMU_TSB_CTXNON0)}) {
    INFO("function " << set);
    f.tsb_descriptor(desc, 0, 1, 512, 0, 0x1, good);
    REQUIRE(f.fast(set, 1, desc).status == HV_EOK);
    struct Case { uint16_t idx; uint16_t assoc; uint32_t entries; uint32_t mask; uint64_t base; uint64_t status; const char* what; };
    const Case cases[] = {
        {2, 1, 512, 0x4, good, HV_EBADPGSZ, "512K pages: not on T2 Plus"},
        {7, 1, 512, 0x80, good, HV_EBADPGSZ, "16G pages"},
        {0, 1, 512, 0x4 | 0x1, good, HV_EBADPGSZ, "mask with an unsupported size"},
        {0, 1, 512, 0x8, good, HV_EBADPGSZ, "index size not in the mask"},
        {3, 1, 512, 0x1 | 0x8, good, HV_EBADPGSZ, "index size not the smallest of the mask"},
        {0, 1, 512, 0, good, HV_EBADPGSZ, "empty mask"},
        {0, 2, 512, 0x1, good, HV_EBADTSB, "2-way"},
        {0, 0, 512, 0x1, good, HV_EBADTSB, "associativity 0"},
        {0, 1, 0, 0x1, good, HV_EBADTSB, "no entries"},
        {0, 1, 384, 0x1, good, HV_EBADTSB, "entries not a power of 2"},
        {0, 1, 512, 0x1, good + 16, HV_EBADALIGN, "base not aligned to the TSB size"},
        {0, 1, 512, 0x1, good + 0x1000, HV_EBADALIGN, "base 4K aligned for an 8K TSB"},
        {0, 1, 512, 0x1, kHoleRa, HV_ENORADDR, "base in the hole"},
        {0, 1, 512, 0x1, kHoleRa - 0x1000, HV_EBADALIGN, "base misaligned and straddling"},
    };
    for (const Case& c : cases) {
      INFO(c.what);
      f.tsb_descriptor(desc, c.idx, c.assoc, c.entries, 0, c.mask, c.base);
      CHECK(f.fast(set, 1, desc).status == c.status);
    }
    f.tsb_descriptor(desc, 0, 1, 2u << 20, 0, 0x1, kRa1);   // 32 MB: larger than the mblock
    CHECK(f.fast(set, 1, desc).status == HV_ENORADDR);
    f.tsb_descriptor(desc, 0, 1, 1u << 20, 0, 0x1, kRa1 + (16ul << 20));   // 16 MB past the last mblock
    CHECK(f.fast(set, 1, desc).status == HV_ENORADDR);
    // A bad second descriptor rejects the whole call.
    f.tsb_descriptor(desc, 0, 1, 512, 0, 0x1, good);
    f.tsb_descriptor(desc + 32, 0, 1, 512, 0, 0x1, kHoleRa);
    CHECK(f.fast(set, 2, desc).status == HV_ENORADDR);
    // The descriptor array itself.
    CHECK(f.fast(set, 1, desc + 4).status == HV_EBADALIGN);
    CHECK(f.fast(set, 1, kHoleRa).status == HV_ENORADDR);
    CHECK(f.fast(set, 2, kHoleRa - 32).status == HV_ENORADDR);
    CHECK(f.fast(set, 9, desc).status == HV_EINVAL);   // more than the MD's mmu-max-#tsbs (8)
    CHECK(f.fast(set, ~0ul, desc).status == HV_EINVAL);
    // The TSB configured first is still there.
    const auto& tsbs = set == fn::MMU_TSB_CTX0 ? f.vcpu().tsb_ctx0 : f.vcpu().tsb_ctxnon0;
    REQUIRE(tsbs.size() == 1);
    CHECK(tsbs[0].base_ra == good);
    CHECK(tsbs[0].entries == 512);
  }
  // _info into a misaligned or foreign buffer.
  CHECK(f.fast(fn::MMU_TSB_CTX0_INFO, 8, kRa0 + 0x6004).status == HV_EBADALIGN);
  CHECK(f.fast(fn::MMU_TSB_CTX0_INFO, 8, kHoleRa).status == HV_ENORADDR);
  CHECK(f.fast(fn::MMU_TSB_CTXNON0_INFO, 8, kHoleRa - 16).status == HV_ENORADDR);
}

TEST_CASE("mmu_map_addr loads the vCPU's TLB; invalid flags, context, VA, page size and RA are refused",
          "[hcall]") {
  HvFixture f;
  Result r = f.map_addr(0x400000, 5, tte(kRa0 + 0x10000), MAP_DTLB | MAP_ITLB);
  CHECK(r.status == HV_EOK);
  CHECK(r.returned());
  REQUIRE(f.vcpu().tlb.size() == 1);
  CHECK(f.vcpu().tlb[0].va == 0x400000);
  CHECK(f.vcpu().tlb[0].ctx == 5);
  CHECK(f.vcpu().tlb[0].flags == 3);
  CHECK((f.vcpu().tlb[0].tte & TTE_RA_MASK) == kRa0 + 0x10000);
  // Page sizes the T2 Plus has: 8K, 64K, 4M, 256M (the 256M page needs 256 MB of guest RA).
  CHECK(f.map_addr(0x800000, 0, tte(kRa0 + 0x10000, 1), MAP_DTLB).status == HV_EOK);
  CHECK(f.map_addr(0x1000000, 0, tte(kRa1 + 0x400000, 3), MAP_ITLB).status == HV_EOK);
  CHECK(f.vcpu().tlb.size() == 3);
  struct Case { uint64_t va, ctx, tte, flags, status; const char* what; };
  const Case cases[] = {
      {0x400000, 0, tte(kRa0), 0, HV_EINVAL, "flags 0"},
      {0x400000, 0, tte(kRa0), 4, HV_EINVAL, "flags 4"},
      {0x400000, 0, tte(kRa0), ~0ul, HV_EINVAL, "flags ~0"},
      {0x400000, 0x2000, tte(kRa0), 3, HV_EINVAL, "context beyond 13 bits"},
      {0x0000800000000000ul, 0, tte(kRa0), 3, HV_EINVAL, "VA in the hole"},
      {0xffff7fffffffe000ul, 0, tte(kRa0), 3, HV_EINVAL, "VA at the hole's top"},
      {0x400000, 0, tte(kRa0, 2), 3, HV_EBADPGSZ, "512K"},
      {0x400000, 0, tte(kRa0, 4), 3, HV_EBADPGSZ, "32M"},
      {0x400000, 0, tte(kRa0, 6), 3, HV_EBADPGSZ, "2G"},
      {0x400000, 0, tte(kRa0, 7), 3, HV_EBADPGSZ, "16G"},
      {0x400000, 0, tte(kRa0, 0xf), 3, HV_EBADPGSZ, "size code 15"},
      {0x400000, 0, tte(kHoleRa), 3, HV_ENORADDR, "RA in the hole"},
      {0x400000, 0, tte(0), 3, HV_ENORADDR, "RA 0"},
      {0x400000, 0, tte(kGuestPaBase), 3, HV_ENORADDR, "the guest's own physical address"},
      {0x400000, 0, tte(kRa1 + (16ul << 20)), 3, HV_ENORADDR, "RA past the last mblock"},
      {0x400000, 0, tte(kRa0, 5), 3, HV_ENORADDR, "256M page larger than the mblock"},
      {0x400000, 0, tte(kHoleRa - 0x400000, 3) + 0, 3, HV_EOK, "last 4M page of the mblock"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    CHECK(f.map_addr(c.va, c.ctx, c.tte, c.flags).status == c.status);
  }
  CHECK(f.vcpu().tlb.size() == 4);
  // The VA in the upper half of the address space is fine.
  CHECK(f.map_addr(0xffff800000000000ul, 0, tte(kRa0), 3).status == HV_EOK);
}

TEST_CASE("mmu_unmap_addr removes the vCPU's mapping for the given TLBs", "[hcall]") {
  HvFixture f;
  REQUIRE(f.map_addr(0x400000, 7, tte(kRa0 + 0x10000), 3).status == HV_EOK);
  REQUIRE(f.map_addr(0x402000, 7, tte(kRa0 + 0x12000), 3).status == HV_EOK);
  Result r = f.unmap_addr(0x400000, 7, MAP_DTLB);
  CHECK(r.status == HV_EOK);
  CHECK(r.returned());
  REQUIRE(f.vcpu().tlb.size() == 2);
  CHECK(f.vcpu().tlb[0].flags == MAP_ITLB);
  CHECK(f.unmap_addr(0x400123, 7, MAP_ITLB).status == HV_EOK);   // any VA in the page
  REQUIRE(f.vcpu().tlb.size() == 1);
  CHECK(f.vcpu().tlb[0].va == 0x402000);
  // Another context does not match; unmapping nothing is fine.
  CHECK(f.unmap_addr(0x402000, 8, 3).status == HV_EOK);
  CHECK(f.unmap_addr(0x7000000, 7, 3).status == HV_EOK);
  CHECK(f.vcpu().tlb.size() == 1);
  CHECK(f.unmap_addr(0x402000, 7, 0).status == HV_EINVAL);
  CHECK(f.unmap_addr(0x402000, 7, 4).status == HV_EINVAL);
  CHECK(f.unmap_addr(0x402000, 0x2000, 3).status == HV_EINVAL);
  CHECK(f.unmap_addr(0x0000800000000000ul, 7, 3).status == HV_EINVAL);
  CHECK(f.vcpu().tlb.size() == 1);
}

TEST_CASE("mmu_map_perm_addr: context 0 only, at most 8 mappings (ETOOMANY), shared by every vCPU", "[hcall]") {
  HvFixture f;
  Result r = f.fast(fn::MMU_MAP_PERM_ADDR, 0x1000000, 0, tte(kRa0 + 0x400000, 3), 3);
  CHECK(r.status == HV_EOK);
  CHECK(r.returned());
  REQUIRE(f.guest().perm.size() == 1);
  CHECK(f.guest().perm[0].va == 0x1000000);
  CHECK(f.guest().perm[0].ctx == 0);
  CHECK(f.vcpu().tlb.empty());   // not a per-vCPU TLB entry
  // Invalid arguments.
  CHECK(f.fast(fn::MMU_MAP_PERM_ADDR, 0x2000000, 1, tte(kRa0), 3).status == HV_EINVAL);
  CHECK(f.fast(fn::MMU_MAP_PERM_ADDR, 0x2000000, 0, tte(kRa0), 0).status == HV_EINVAL);
  CHECK(f.fast(fn::MMU_MAP_PERM_ADDR, 0x2000000, 0, tte(kRa0), 8).status == HV_EINVAL);
  CHECK(f.fast(fn::MMU_MAP_PERM_ADDR, 0x0000800000000000ul, 0, tte(kRa0), 3).status == HV_EINVAL);
  CHECK(f.fast(fn::MMU_MAP_PERM_ADDR, 0x2000000, 0, tte(kRa0, 2), 3).status == HV_EBADPGSZ);
  CHECK(f.fast(fn::MMU_MAP_PERM_ADDR, 0x2000000, 0, tte(kRa0, 7), 3).status == HV_EBADPGSZ);
  CHECK(f.fast(fn::MMU_MAP_PERM_ADDR, 0x2000000, 0, tte(kHoleRa), 3).status == HV_ENORADDR);
  CHECK(f.fast(fn::MMU_MAP_PERM_ADDR, 0x2000000, 0, tte(kRa0, 5), 3).status == HV_ENORADDR);
  CHECK(f.guest().perm.size() == 1);
  // Up to 8, then ETOOMANY; replacing an existing one does not count.
  for (uint64_t i = 1; i < 8; ++i)
    REQUIRE(f.fast(fn::MMU_MAP_PERM_ADDR, 0x2000000 + i * 0x2000, 0, tte(kRa0 + i * 0x2000), 3).status == HV_EOK);
  CHECK(f.guest().perm.size() == 8);
  CHECK(f.fast(fn::MMU_MAP_PERM_ADDR, 0x3000000, 0, tte(kRa0), 3).status == HV_ETOOMANY);
  CHECK(f.fast(fn::MMU_MAP_PERM_ADDR, 0x2002000, 0, tte(kRa0 + 0x20000), 1).status == HV_EOK);
  CHECK(f.guest().perm.size() == 8);
  // Another vCPU shares the guest's 8.
  start_vcpu(f, 1);
  CHECK(f.fast_on(0, 1, fn::MMU_MAP_PERM_ADDR, 0x3000000, 0, tte(kRa0), 3).status == HV_ETOOMANY);
}

TEST_CASE("mmu_unmap_perm_addr removes a permanent mapping; ENOMAP if there is none", "[hcall]") {
  HvFixture f;
  REQUIRE(f.fast(fn::MMU_MAP_PERM_ADDR, 0x1000000, 0, tte(kRa0 + 0x400000, 3), 3).status == HV_EOK);
  REQUIRE(f.fast(fn::MMU_MAP_PERM_ADDR, 0x2000000, 0, tte(kRa0 + 0x2000), 3).status == HV_EOK);
  CHECK(f.fast(fn::MMU_UNMAP_PERM_ADDR, 0x5000000, 0, 3).status == HV_ENOMAP);
  CHECK(f.fast(fn::MMU_UNMAP_PERM_ADDR, 0x2002000, 0, 3).status == HV_ENOMAP);
  CHECK(f.fast(fn::MMU_UNMAP_PERM_ADDR, 0x2000000, 1, 3).status == HV_EINVAL);
  CHECK(f.fast(fn::MMU_UNMAP_PERM_ADDR, 0x2000000, 0, 0).status == HV_EINVAL);
  CHECK(f.fast(fn::MMU_UNMAP_PERM_ADDR, 0x2000000, 0, 4).status == HV_EINVAL);
  CHECK(f.guest().perm.size() == 2);
  // Flags one at a time: the mapping goes when neither TLB has it.
  Result r = f.fast(fn::MMU_UNMAP_PERM_ADDR, 0x1234567, 0, MAP_ITLB);   // inside the 4M page
  CHECK(r.status == HV_EOK);
  CHECK(r.returned());
  REQUIRE(f.guest().perm.size() == 2);
  CHECK(f.guest().perm[0].flags == MAP_DTLB);
  CHECK(f.fast(fn::MMU_UNMAP_PERM_ADDR, 0x1000000, 0, MAP_DTLB).status == HV_EOK);
  REQUIRE(f.guest().perm.size() == 1);
  CHECK(f.fast(fn::MMU_UNMAP_PERM_ADDR, 0x1000000, 0, 3).status == HV_ENOMAP);
  CHECK(f.fast(fn::MMU_UNMAP_PERM_ADDR, 0x2000000, 0, 3).status == HV_EOK);
  CHECK(f.guest().perm.empty());
  CHECK(f.fast(fn::MMU_UNMAP_PERM_ADDR, 0x2000000, 0, 3).status == HV_ENOMAP);
}

TEST_CASE("mmu_demap_page/ctx/all: reserved CPU-list arguments, flags and what is removed", "[hcall]") {
  HvFixture f;
  auto load = [&] {
    f.vcpu().tlb.clear();
    REQUIRE(f.map_addr(0x400000, 0, tte(kRa0 + 0x10000), 3).status == HV_EOK);
    REQUIRE(f.map_addr(0x402000, 0, tte(kRa0 + 0x12000), 3).status == HV_EOK);
    REQUIRE(f.map_addr(0x400000, 9, tte(kRa0 + 0x14000), 3).status == HV_EOK);
  };
  REQUIRE(f.fast(fn::MMU_MAP_PERM_ADDR, 0x1000000, 0, tte(kRa0 + 0x400000, 3), 3).status == HV_EOK);
  load();
  // The CPU list arguments must be 0 (this CPU only).
  CHECK(f.fast(fn::MMU_DEMAP_PAGE, 1, 0, 0x400000, 0, 3).status == HV_ENOTSUPPORTED);
  CHECK(f.fast(fn::MMU_DEMAP_PAGE, 0, kRa0, 0x400000, 0, 3).status == HV_ENOTSUPPORTED);
  CHECK(f.fast(fn::MMU_DEMAP_CTX, 1, 0, 0, 3).status == HV_ENOTSUPPORTED);
  CHECK(f.fast(fn::MMU_DEMAP_ALL, 0, 1, 3).status == HV_ENOTSUPPORTED);
  // Flags, context and VA.
  CHECK(f.fast(fn::MMU_DEMAP_PAGE, 0, 0, 0x400000, 0, 0).status == HV_EINVAL);
  CHECK(f.fast(fn::MMU_DEMAP_PAGE, 0, 0, 0x400000, 0, 4).status == HV_EINVAL);
  CHECK(f.fast(fn::MMU_DEMAP_PAGE, 0, 0, 0x400000, 0x2000, 3).status == HV_EINVAL);
  CHECK(f.fast(fn::MMU_DEMAP_PAGE, 0, 0, 0x0000800000000000ul, 0, 3).status == HV_EINVAL);
  CHECK(f.fast(fn::MMU_DEMAP_CTX, 0, 0, 0, 0).status == HV_EINVAL);
  CHECK(f.fast(fn::MMU_DEMAP_CTX, 0, 0, 0x2000, 3).status == HV_EINVAL);
  CHECK(f.fast(fn::MMU_DEMAP_ALL, 0, 0, 0).status == HV_EINVAL);
  CHECK(f.fast(fn::MMU_DEMAP_ALL, 0, 0, 7).status == HV_EINVAL);
  CHECK(f.vcpu().tlb.size() == 3);

  SECTION("demap_page removes one page of one context") {
    Result r = f.fast(fn::MMU_DEMAP_PAGE, 0, 0, 0x400000, 0, 3);
    CHECK(r.status == HV_EOK);
    CHECK(r.returned());
    REQUIRE(f.vcpu().tlb.size() == 2);
    CHECK(f.vcpu().tlb[0].va == 0x402000);
    CHECK(f.vcpu().tlb[1].ctx == 9);
    // One TLB at a time.
    CHECK(f.fast(fn::MMU_DEMAP_PAGE, 0, 0, 0x400000, 9, MAP_DTLB).status == HV_EOK);
    REQUIRE(f.vcpu().tlb.size() == 2);
    CHECK(f.vcpu().tlb[1].flags == MAP_ITLB);
  }
  SECTION("demap_ctx removes one context") {
    CHECK(f.fast(fn::MMU_DEMAP_CTX, 0, 0, 0, 3).status == HV_EOK);
    REQUIRE(f.vcpu().tlb.size() == 1);
    CHECK(f.vcpu().tlb[0].ctx == 9);
    CHECK(f.fast(fn::MMU_DEMAP_CTX, 0, 0, 9, 3).status == HV_EOK);
    CHECK(f.vcpu().tlb.empty());
  }
  SECTION("demap_all removes every context but not the permanent mappings") {
    CHECK(f.fast(fn::MMU_DEMAP_ALL, 0, 0, 3).status == HV_EOK);
    CHECK(f.vcpu().tlb.empty());
    CHECK(f.guest().perm.size() == 1);
    load();
    CHECK(f.fast(fn::MMU_DEMAP_ALL, 0, 0, MAP_ITLB).status == HV_EOK);
    REQUIRE(f.vcpu().tlb.size() == 3);
    for (const TlbEntry& e : f.vcpu().tlb) CHECK(e.flags == MAP_DTLB);
  }
}

TEST_CASE("mmu_fault_area_conf returns the previous area; mmu_fault_area_info the current one", "[hcall]") {
  HvFixture f;
  Result r = f.fast(fn::MMU_FAULT_AREA_INFO);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 0);
  r = f.fast(fn::MMU_FAULT_AREA_CONF, kRa0 + 0x3000);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 0);
  r = f.fast(fn::MMU_FAULT_AREA_CONF, kRa1 + 0x40);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == kRa0 + 0x3000);
  CHECK(f.fast(fn::MMU_FAULT_AREA_INFO).r[0] == kRa1 + 0x40);
  for (uint64_t ra : {kRa0 + 0x20, kRa0 + 8, kRa0 + 1})
    CHECK(f.fast(fn::MMU_FAULT_AREA_CONF, ra).status == HV_EBADALIGN);
  for (uint64_t ra : {kHoleRa, kHoleRa - 0x40, kRa1 + (16ul << 20) - 0x40, kGuestPaBase})
    CHECK(f.fast(fn::MMU_FAULT_AREA_CONF, ra).status == HV_ENORADDR);   // 128 bytes must fit
  CHECK(f.fast(fn::MMU_FAULT_AREA_INFO).r[0] == kRa1 + 0x40);
  // The area is per vCPU.
  start_vcpu(f, 1);
  CHECK(f.fast_on(0, 1, fn::MMU_FAULT_AREA_INFO).r[0] == 0);
}

TEST_CASE("mmu_enable jumps to the target with translation on or off; errors return", "[hcall]") {
  HvFixture f;
  Result r = f.fast(fn::MMU_ENABLE, 1, 0x400000);
  CHECK(r.status == HV_EOK);
  CHECK(r.running);
  CHECK(r.pc == 0x400000);
  CHECK(r.npc == 0x400004);
  CHECK(f.vcpu().mmu_enabled);
  r = f.fast(fn::MMU_ENABLE, 0, kRa1 + 0x100);
  CHECK(r.status == HV_EOK);
  CHECK(r.pc == kRa1 + 0x100);
  CHECK(r.npc == kRa1 + 0x104);
  CHECK_FALSE(f.vcpu().mmu_enabled);
  // Errors come back to the caller, MMU state unchanged.
  r = f.fast(fn::MMU_ENABLE, 2, 0x400000);
  CHECK(r.status == HV_EINVAL);
  CHECK(r.returned());
  CHECK(f.fast(fn::MMU_ENABLE, ~0ul, 0x400000).status == HV_EINVAL);
  CHECK(f.fast(fn::MMU_ENABLE, 1, 0x400002).status == HV_EBADALIGN);
  CHECK(f.fast(fn::MMU_ENABLE, 0, kRa0 + 1).status == HV_EBADALIGN);
  CHECK(f.fast(fn::MMU_ENABLE, 0, kHoleRa).status == HV_ENORADDR);
  CHECK(f.fast(fn::MMU_ENABLE, 0, 0).status == HV_ENORADDR);
  CHECK_FALSE(f.vcpu().mmu_enabled);
}

// ---------------------------------------------------------------------------------------
// Memory, time of day, console, soft state
// ---------------------------------------------------------------------------------------

TEST_CASE("mem_scrub zeroes 8K-aligned ranges; mem_sync checks the same rules", "[hcall]") {
  HvFixture f;
  f.fill(kRa0 + 0x10000, 0xee, 0x6000);
  f.fill(kRa1, 0xee, 0x2000);
  Result r = f.fast(fn::MEM_SCRUB, kRa0 + 0x10000, 0x4000);
  CHECK(r.status == HV_EOK);
  CHECK(r.returned());
  CHECK(r.r[0] == 0x4000);
  CHECK(f.bytes(kRa0 + 0x10000, 0x4000) == std::vector<uint8_t>(0x4000, 0));
  CHECK(f.bytes(kRa0 + 0x14000, 0x2000) == std::vector<uint8_t>(0x2000, 0xee));
  r = f.fast(fn::MEM_SYNC, kRa0 + 0x14000, 0x2000);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 0x2000);
  CHECK(f.bytes(kRa0 + 0x14000, 0x2000) == std::vector<uint8_t>(0x2000, 0xee));
  for (uint64_t call : {uint64_t(fn::MEM_SCRUB), uint64_t(fn::MEM_SYNC)}) {
    INFO("function " << call);
    CHECK(f.fast(call, kRa0 + 0x14100, 0x2000).status == HV_EBADALIGN);
    CHECK(f.fast(call, kRa0 + 0x14000, 0x100).status == HV_EBADALIGN);
    CHECK(f.fast(call, kRa0 + 0x14000, 0x2001).status == HV_EBADALIGN);
    CHECK(f.fast(call, kHoleRa, 0x2000).status == HV_ENORADDR);
    CHECK(f.fast(call, kHoleRa - 0x2000, 0x4000).status == HV_ENORADDR);   // runs into the hole
    CHECK(f.fast(call, kRa0, 128ul << 20).status == HV_ENORADDR);          // spans both mblocks
    CHECK(f.fast(call, 0, 0x2000).status == HV_ENORADDR);
    CHECK(f.fast(call, kGuestPaBase, 0x2000).status == HV_ENORADDR);
    CHECK(f.fast(call, kRa1, ~0ul << 13).status == HV_ENORADDR);
  }
  CHECK(f.bytes(kRa0 + 0x14000, 0x2000) == std::vector<uint8_t>(0x2000, 0xee));
  CHECK(f.bytes(kRa1, 0x2000) == std::vector<uint8_t>(0x2000, 0xee));
  // The whole of the second mblock in one call.
  CHECK(f.fast(fn::MEM_SCRUB, kRa1, 16ul << 20).status == HV_EOK);
  CHECK(f.bytes(kRa1, 0x2000) == std::vector<uint8_t>(0x2000, 0));
}

TEST_CASE("tod_get and tod_set keep the time of day per domain", "[hcall]") {
  HvFixture f({default_guest(), guest_config("b", 1, {64ul << 20})});
  Result r = f.fast(fn::TOD_GET);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == f.h->tod_base);
  CHECK(f.fast(fn::TOD_SET, 2000000000).status == HV_EOK);
  CHECK(f.fast(fn::TOD_GET).r[0] == 2000000000);
  CHECK(f.fast_on(1, 0, fn::TOD_GET).r[0] == f.h->tod_base);
  CHECK(f.fast(fn::TOD_SET, 1000).status == HV_EOK);   // backwards is allowed
  CHECK(f.fast(fn::TOD_GET).r[0] == 1000);
}

TEST_CASE("cons_getchar and cons_read take the console input; EWOULDBLOCK when there is none", "[hcall]") {
  HvFixture f;
  CHECK(f.fast(fn::CONS_GETCHAR).status == HV_EWOULDBLOCK);
  CHECK(f.fast(fn::CONS_READ, kRa0 + 0x100, 16).status == HV_EWOULDBLOCK);
  f.guest().console_input = "ok\xfe" "hello";
  Result r = f.fast(fn::CONS_GETCHAR);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 'o');
  CHECK(f.fast(fn::CONS_GETCHAR).r[0] == 'k');
  CHECK(f.fast(fn::CONS_GETCHAR).r[0] == 0xfe);   // characters are unsigned
  r = f.fast(fn::CONS_READ, kRa0 + 0x100, 3);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 3);
  CHECK(f.bytes(kRa0 + 0x100, 3) == std::vector<uint8_t>{'h', 'e', 'l'});
  // A bad buffer loses nothing.
  CHECK(f.fast(fn::CONS_READ, kHoleRa, 3).status == HV_ENORADDR);
  CHECK(f.fast(fn::CONS_READ, kHoleRa - 1, 2).status == HV_ENORADDR);
  r = f.fast(fn::CONS_READ, kRa1 + 0x200, 100);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 2);
  CHECK(f.bytes(kRa1 + 0x200, 3) == std::vector<uint8_t>{'l', 'o', 0});
  CHECK(f.fast(fn::CONS_GETCHAR).status == HV_EWOULDBLOCK);
  CHECK(f.fast(fn::CONS_READ, kRa0 + 0x100, 16).status == HV_EWOULDBLOCK);
}

TEST_CASE("cons_write writes guest memory to the console; ENORADDR for a buffer that is not the guest's",
          "[hcall]") {
  HvFixture f;
  f.st_string(kRa0 + 0x100, "hello\n");
  Result r = f.fast(fn::CONS_WRITE, kRa0 + 0x100, 6);
  CHECK(r.status == HV_EOK);
  CHECK(r.returned());
  CHECK(r.r[0] == 6);
  CHECK(f.guest().console == "hello\n");
  f.st_string(kHoleRa - 3, "ab");
  CHECK(f.fast(fn::CONS_WRITE, kHoleRa - 3, 3).status == HV_EOK);
  CHECK(f.guest().console == std::string("hello\nab\0", 9));
  CHECK(f.fast(fn::CONS_WRITE, kHoleRa - 3, 4).status == HV_ENORADDR);
  CHECK(f.fast(fn::CONS_WRITE, kHoleRa, 1).status == HV_ENORADDR);
  CHECK(f.fast(fn::CONS_WRITE, 0, 1).status == HV_ENORADDR);
  // Huge lengths are a bad range, not an allocation of the hypervisor's.
  CHECK(f.fast(fn::CONS_WRITE, kRa0, 1ul << 40).status == HV_ENORADDR);
  CHECK(f.fast(fn::CONS_WRITE, kRa0, ~0ul).status == HV_ENORADDR);
  CHECK(f.guest().console == std::string("hello\nab\0", 9));
}

TEST_CASE("soft_state_set and soft_state_get: states 1 and 2 with a 32-byte NUL-terminated description",
          "[hcall]") {
  HvFixture f;
  const uint64_t s = kRa0 + 0x700, out = kRa0 + 0x800;
  f.st_string(s, "Solaris running");
  Result r = f.fast(fn::SOFT_STATE_SET, 1, s);
  CHECK(r.status == HV_EOK);
  CHECK(r.returned());
  CHECK(f.guest().soft_state == 1);
  CHECK(f.guest().soft_state_desc == "Solaris running");
  f.fill(out, 0xff, 32);
  r = f.fast(fn::SOFT_STATE_GET, out);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 1);
  std::vector<uint8_t> expect(32, 0);
  std::memcpy(expect.data(), "Solaris running", 15);
  CHECK(f.bytes(out, 32) == expect);
  f.st_string(s + 32, "0123456789012345678901234567890");   // 31 characters: the maximum
  CHECK(f.fast(fn::SOFT_STATE_SET, 2, s + 32).status == HV_EOK);
  CHECK(f.fast(fn::SOFT_STATE_GET, out).r[0] == 2);
  CHECK(f.guest().soft_state_desc.size() == 31);
  // Invalid arguments leave the state alone.
  f.st_string(s, "x");
  CHECK(f.fast(fn::SOFT_STATE_SET, 0, s).status == HV_EINVAL);
  CHECK(f.fast(fn::SOFT_STATE_SET, 3, s).status == HV_EINVAL);
  CHECK(f.fast(fn::SOFT_STATE_SET, 1ul << 32 | 1, s).status == HV_EINVAL);
  CHECK(f.fast(fn::SOFT_STATE_SET, 1, s + 16).status == HV_EBADALIGN);
  CHECK(f.fast(fn::SOFT_STATE_SET, 1, s + 1).status == HV_EBADALIGN);
  CHECK(f.fast(fn::SOFT_STATE_SET, 1, kHoleRa).status == HV_ENORADDR);
  CHECK(f.fast(fn::SOFT_STATE_SET, 1, kHoleRa - 32 + 0).status == HV_EOK);   // zeros: ""
  CHECK(f.fast(fn::SOFT_STATE_SET, 2, s + 32).status == HV_EOK);
  f.fill(s, 'a', 32);   // no NUL in 32 bytes
  CHECK(f.fast(fn::SOFT_STATE_SET, 1, s).status == HV_EINVAL);
  CHECK(f.guest().soft_state == 2);
  CHECK(f.guest().soft_state_desc.size() == 31);
  CHECK(f.fast(fn::SOFT_STATE_GET, out + 8).status == HV_EBADALIGN);
  CHECK(f.fast(fn::SOFT_STATE_GET, kHoleRa).status == HV_ENORADDR);
  CHECK(f.fast(fn::SOFT_STATE_GET, kHoleRa - 16).status == HV_EBADALIGN);
}

// ---------------------------------------------------------------------------------------
// Interrupts and performance registers
// ---------------------------------------------------------------------------------------

TEST_CASE("INTR 1.0 sysino calls on the console's interrupt source", "[hcall]") {
  HvFixture f;
  Result r = f.fast(fn::INTR_DEVINO2SYSINO, 0x100, 0x11);
  CHECK(r.status == HV_EOK);
  const uint64_t sysino = r.r[0];
  CHECK(f.fast(fn::INTR_DEVINO2SYSINO, 0x100, 0x12).status == HV_EINVAL);
  CHECK(f.fast(fn::INTR_DEVINO2SYSINO, 0x101, 0x11).status == HV_EINVAL);

  CHECK(f.fast(fn::INTR_GETENABLED, sysino).r[0] == 0);
  CHECK(f.fast(fn::INTR_SETENABLED, sysino, 1).status == HV_EOK);
  r = f.fast(fn::INTR_GETENABLED, sysino);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 1);
  CHECK(f.fast(fn::INTR_SETENABLED, sysino, 2).status == HV_EINVAL);
  CHECK(f.fast(fn::INTR_GETENABLED, sysino).r[0] == 1);

  CHECK(f.fast(fn::INTR_GETSTATE, sysino).r[0] == 0);
  CHECK(f.fast(fn::INTR_SETSTATE, sysino, 2).status == HV_EOK);
  r = f.fast(fn::INTR_GETSTATE, sysino);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 2);
  CHECK(f.fast(fn::INTR_SETSTATE, sysino, 3).status == HV_EINVAL);
  CHECK(f.fast(fn::INTR_GETSTATE, sysino).r[0] == 2);

  CHECK(f.fast(fn::INTR_GETTARGET, sysino).r[0] == 0);
  CHECK(f.fast(fn::INTR_SETTARGET, sysino, 3).status == HV_EOK);
  r = f.fast(fn::INTR_GETTARGET, sysino);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 3);
  CHECK(f.fast(fn::INTR_SETTARGET, sysino, 4).status == HV_ENOCPU);
  CHECK(f.fast(fn::INTR_SETTARGET, sysino, ~0ul).status == HV_ENOCPU);
  CHECK(f.fast(fn::INTR_GETTARGET, sysino).r[0] == 3);

  // An unknown sysino is ENOINTR for every call.
  for (uint64_t bad : {sysino + 1, 0ul, ~0ul}) {
    INFO("sysino " << bad);
    CHECK(f.fast(fn::INTR_GETENABLED, bad).status == HV_ENOINTR);
    CHECK(f.fast(fn::INTR_SETENABLED, bad, 1).status == HV_ENOINTR);
    CHECK(f.fast(fn::INTR_GETSTATE, bad).status == HV_ENOINTR);
    CHECK(f.fast(fn::INTR_SETSTATE, bad, 0).status == HV_ENOINTR);
    CHECK(f.fast(fn::INTR_GETTARGET, bad).status == HV_ENOINTR);
    CHECK(f.fast(fn::INTR_SETTARGET, bad, 0).status == HV_ENOINTR);
  }
}

TEST_CASE("vintr calls by (devhandle, devino): cookie, valid, state, target", "[hcall]") {
  HvFixture f;
  CHECK(f.fast(fn::VINTR_GETCOOKIE, 0x100, 0x11).r[0] == 0);
  CHECK(f.fast(fn::VINTR_SETCOOKIE, 0x100, 0x11, 0x8000123456789abcul).status == HV_EOK);
  Result r = f.fast(fn::VINTR_GETCOOKIE, 0x100, 0x11);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 0x8000123456789abcul);

  CHECK(f.fast(fn::VINTR_SETVALID, 0x100, 0x11, 1).status == HV_EOK);
  r = f.fast(fn::VINTR_GETVALID, 0x100, 0x11);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 1);
  CHECK(f.fast(fn::VINTR_SETVALID, 0x100, 0x11, 2).status == HV_EINVAL);
  CHECK(f.fast(fn::VINTR_SETVALID, 0x100, 0x11, 0).status == HV_EOK);
  CHECK(f.fast(fn::VINTR_GETVALID, 0x100, 0x11).r[0] == 0);

  CHECK(f.fast(fn::VINTR_SETSTATE, 0x100, 0x11, 1).status == HV_EOK);
  r = f.fast(fn::VINTR_GETSTATE, 0x100, 0x11);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 1);
  CHECK(f.fast(fn::VINTR_SETSTATE, 0x100, 0x11, 3).status == HV_EINVAL);
  CHECK(f.fast(fn::VINTR_GETSTATE, 0x100, 0x11).r[0] == 1);

  CHECK(f.fast(fn::VINTR_SETTARGET, 0x100, 0x11, 2).status == HV_EOK);
  r = f.fast(fn::VINTR_GETTARGET, 0x100, 0x11);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 2);
  CHECK(f.fast(fn::VINTR_SETTARGET, 0x100, 0x11, 4).status == HV_ENOCPU);
  CHECK(f.fast(fn::VINTR_GETTARGET, 0x100, 0x11).r[0] == 2);

  // The sysino view is the same source.
  uint64_t sysino = f.fast(fn::INTR_DEVINO2SYSINO, 0x100, 0x11).r[0];
  CHECK(f.fast(fn::INTR_GETTARGET, sysino).r[0] == 2);
  CHECK(f.fast(fn::INTR_GETSTATE, sysino).r[0] == 1);

  for (auto [dh, ino] : {std::pair<uint64_t, uint64_t>{0x100, 0x12}, {0x200, 0x11}, {0, 0}}) {
    INFO("devhandle " << dh << " devino " << ino);
    CHECK(f.fast(fn::VINTR_GETCOOKIE, dh, ino).status == HV_ENOINTR);
    CHECK(f.fast(fn::VINTR_SETCOOKIE, dh, ino, 1).status == HV_ENOINTR);
    CHECK(f.fast(fn::VINTR_GETVALID, dh, ino).status == HV_ENOINTR);
    CHECK(f.fast(fn::VINTR_SETVALID, dh, ino, 1).status == HV_ENOINTR);
    CHECK(f.fast(fn::VINTR_GETSTATE, dh, ino).status == HV_ENOINTR);
    CHECK(f.fast(fn::VINTR_SETSTATE, dh, ino, 0).status == HV_ENOINTR);
    CHECK(f.fast(fn::VINTR_GETTARGET, dh, ino).status == HV_ENOINTR);
    CHECK(f.fast(fn::VINTR_SETTARGET, dh, ino, 0).status == HV_ENOINTR);
  }
}

TEST_CASE("with INTR 2.0 the sysino calls are ENOTSUPPORTED and the vintr calls work", "[hcall]") {
  HvFixture f;
  f.negotiate(0, GROUP_INTR, 2, 0);
  const uint64_t sysino = kConsoleSysino;
  CHECK(f.fast(fn::INTR_DEVINO2SYSINO, 0x100, 0x11).status == HV_ENOTSUPPORTED);
  CHECK(f.fast(fn::INTR_GETENABLED, sysino).status == HV_ENOTSUPPORTED);
  CHECK(f.fast(fn::INTR_SETENABLED, sysino, 1).status == HV_ENOTSUPPORTED);
  CHECK(f.fast(fn::INTR_GETSTATE, sysino).status == HV_ENOTSUPPORTED);
  CHECK(f.fast(fn::INTR_SETSTATE, sysino, 0).status == HV_ENOTSUPPORTED);
  CHECK(f.fast(fn::INTR_GETTARGET, sysino).status == HV_ENOTSUPPORTED);
  CHECK(f.fast(fn::INTR_SETTARGET, sysino, 0).status == HV_ENOTSUPPORTED);
  CHECK_FALSE(f.guest().intr[0].valid);
  CHECK(f.fast(fn::VINTR_SETVALID, 0x100, 0x11, 1).status == HV_EOK);
  CHECK(f.fast(fn::VINTR_GETVALID, 0x100, 0x11).r[0] == 1);
  // Back to 1.0: the sysino calls return.
  f.negotiate(0, GROUP_INTR, 1, 0);
  CHECK(f.fast(fn::INTR_GETENABLED, sysino).r[0] == 1);
}

TEST_CASE("niagara2 and vfalls performance registers: ids 0..8 and 0..0x59, separate sets", "[hcall]") {
  HvFixture f;
  CHECK(f.fast(fn::NIAGARA2_SETPERF, 0, 0x1234).status == HV_EOK);
  CHECK(f.fast(fn::NIAGARA2_SETPERF, 8, 0x88).status == HV_EOK);
  Result r = f.fast(fn::NIAGARA2_GETPERF, 0);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 0x1234);
  CHECK(f.fast(fn::NIAGARA2_GETPERF, 8).r[0] == 0x88);
  CHECK(f.fast(fn::NIAGARA2_GETPERF, 9).status == HV_EINVAL);
  CHECK(f.fast(fn::NIAGARA2_SETPERF, 9, 1).status == HV_EINVAL);
  CHECK(f.fast(fn::NIAGARA2_GETPERF, ~0ul).status == HV_EINVAL);
  CHECK(f.fast(fn::VFALLS_GETPERF, 0).r[0] == 0);   // not the N2 register 0
  CHECK(f.fast(fn::VFALLS_SETPERF, 0x59, 0x5959).status == HV_EOK);
  CHECK(f.fast(fn::VFALLS_SETPERF, 0x10, 0x1010).status == HV_EOK);
  r = f.fast(fn::VFALLS_GETPERF, 0x59);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 0x5959);
  CHECK(f.fast(fn::VFALLS_GETPERF, 0x10).r[0] == 0x1010);
  CHECK(f.fast(fn::VFALLS_GETPERF, 0x5a).status == HV_EINVAL);
  CHECK(f.fast(fn::VFALLS_SETPERF, 0x5a, 1).status == HV_EINVAL);
  CHECK(f.fast(fn::NIAGARA2_GETPERF, 0).r[0] == 0x1234);
}

// ---------------------------------------------------------------------------------------
// Isolation: a guest never reaches another guest's memory or vCPUs
// ---------------------------------------------------------------------------------------

namespace {

// Guest A: 2 vCPUs, 64 MB at RA 0x8000000. Guest B: 2 vCPUs, 64 MB at RA 0x8000000 and 64 MB
// at RA 0x10000000 (valid only for B); B's first mblock sits at physical 0x44000000.
struct TwoGuests : HvFixture {
  TwoGuests() : HvFixture({guest_config("a", 2, {64ul << 20}), guest_config("b", 2, {64ul << 20, 64ul << 20})}) {
    for (uint64_t ra : {kRa0, kBOnly}) {
      std::vector<uint8_t> pattern(kSpan);
      for (size_t i = 0; i < pattern.size(); ++i) pattern[i] = uint8_t(0xb0 ^ i ^ (i >> 8));
      write(ra, pattern.data(), pattern.size(), 1);
    }
    snapshot_b = snapshot();
  }
  std::vector<uint8_t> snapshot() {
    std::vector<uint8_t> s = bytes(kRa0, kSpan, 1), t = bytes(kBOnly, kSpan, 1);
    s.insert(s.end(), t.begin(), t.end());
    return s;
  }
  static constexpr uint64_t kBOnly = 0x10000000, kSpan = 0x10000;
  uint64_t b_pa() { return guest(1).memory[0].pa; }   // B's memory as a physical address
  std::vector<uint8_t> snapshot_b;
};

}  // namespace

TEST_CASE("two guests: the second's memory follows the first's physically, at the same RAs", "[hcall][isolation]") {
  TwoGuests f;
  REQUIRE(f.guest(0).memory.size() == 1);
  REQUIRE(f.guest(1).memory.size() == 2);
  CHECK(f.guest(0).memory[0].ra == kRa0);
  CHECK(f.guest(1).memory[0].ra == kRa0);
  CHECK(f.guest(1).memory[1].ra == TwoGuests::kBOnly);
  CHECK(f.b_pa() == kGuestPaBase + (64ul << 20));
  CHECK_FALSE(f.guest(0).ra_ok(TwoGuests::kBOnly, 1));
  CHECK_FALSE(f.guest(0).ra_ok(f.b_pa(), 1));
}

TEST_CASE("a guest passing another guest's real or physical addresses gets ENORADDR and changes nothing",
          "[hcall][isolation]") {
  TwoGuests f;
  const std::vector<uint64_t> foreign = {TwoGuests::kBOnly, TwoGuests::kBOnly + 0x2000, f.b_pa(),
                                         f.b_pa() + 0x2000, f.guest(1).memory[1].pa};
  // A's own descriptors and lists, pointing at B.
  const uint64_t desc = kRa0 + 0x5000, list = kRa0 + 0x6000, data = kRa0 + 0x6040;
  f.st16(list, 1);
  for (uint64_t ra : foreign) {
    INFO("foreign address " << ra);
    CHECK(f.fast(fn::MACH_DESC, ra, 0x10000).status == HV_ENORADDR);
    CHECK(f.fast(fn::CONS_WRITE, ra, 16).status == HV_ENORADDR);
    f.guest(0).console_input = "secret";
    CHECK(f.fast(fn::CONS_READ, ra, 6).status == HV_ENORADDR);
    CHECK(f.fast(fn::CPU_QCONF, Q_CPU_MONDO, ra, 16).status == HV_ENORADDR);
    CHECK(f.fast(fn::CPU_QCONF, Q_NONRESUMABLE, ra, 4).status == HV_ENORADDR);
    CHECK(f.map_addr(0x400000, 0, tte(ra), 3).status == HV_ENORADDR);
    CHECK(f.map_addr(0x400000, 0, tte(ra & ~0x3ffffful, 3), 3).status == HV_ENORADDR);
    CHECK(f.fast(fn::MMU_MAP_PERM_ADDR, 0x400000, 0, tte(ra), 3).status == HV_ENORADDR);
    CHECK(f.fast(fn::MMU_TSB_CTX0, 1, ra).status == HV_ENORADDR);
    f.tsb_descriptor(desc, 0, 1, 512, 0, 0x1, ra);
    CHECK(f.fast(fn::MMU_TSB_CTX0, 1, desc).status == HV_ENORADDR);
    CHECK(f.fast(fn::MMU_TSB_CTXNON0, 1, desc).status == HV_ENORADDR);
    CHECK(f.fast(fn::MMU_FAULT_AREA_CONF, ra).status == HV_ENORADDR);
    CHECK(f.fast(fn::MEM_SCRUB, ra, 0x2000).status == HV_ENORADDR);
    CHECK(f.fast(fn::MEM_SYNC, ra, 0x2000).status == HV_ENORADDR);
    CHECK(f.fast(fn::SOFT_STATE_GET, ra).status == HV_ENORADDR);
    CHECK(f.fast(fn::SOFT_STATE_SET, 1, ra).status == HV_ENORADDR);
    CHECK(f.fast(fn::CPU_SET_RTBA, ra).status == HV_ENORADDR);
    CHECK(f.fast(fn::CPU_START, 1, ra, kRa0, 0).status == HV_ENORADDR);
    CHECK(f.fast(fn::CPU_START, 1, kRa0, ra, 0).status == HV_ENORADDR);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 1, ra, data).status == HV_ENORADDR);
    CHECK(f.fast(fn::CPU_MONDO_SEND, 1, list, ra).status == HV_ENORADDR);
    CHECK(f.fast(fn::MMU_ENABLE, 0, ra).status == HV_ENORADDR);
  }
  // _info calls writing into B.
  f.tsb_descriptor(desc, 0, 1, 512, 0, 0x1, kRa0 + 0x200000);
  REQUIRE(f.fast(fn::MMU_TSB_CTX0, 1, desc).status == HV_EOK);
  for (uint64_t ra : foreign) CHECK(f.fast(fn::MMU_TSB_CTX0_INFO, 1, ra).status == HV_ENORADDR);
  // Nothing of B changed, and A got nothing of B's.
  CHECK(f.snapshot() == f.snapshot_b);
  CHECK(f.guest(0).console.empty());
  CHECK(f.guest(0).console_input == "secret");
  CHECK(f.guest(0).perm.empty());
  CHECK(f.vcpu(0, 0).tlb.empty());
  CHECK(f.vcpu(0, 0).fault_area == 0);
  CHECK(f.vcpu(0, 1).state == CPU_STATE_STOPPED);
  for (const InterruptQueue& q : f.vcpu(0, 0).queues) CHECK(q.entries == 0);
  CHECK(f.guest(1).console.empty());
}

TEST_CASE("the same RA in two guests is two different memories", "[hcall][isolation]") {
  TwoGuests f;
  f.fill(kRa0, 0xaa, 0x4000, 0);
  REQUIRE(f.fast(fn::MEM_SCRUB, kRa0, 0x2000).status == HV_EOK);
  CHECK(f.bytes(kRa0, 0x2000, 0) == std::vector<uint8_t>(0x2000, 0));
  CHECK(f.snapshot() == f.snapshot_b);
  // mach_desc into A's buffer gives A's MD, not B's.
  Result r = f.fast(fn::MACH_DESC, kRa0 + 0x8000, 0x10000);
  REQUIRE(r.status == HV_EOK);
  CHECK(f.bytes(kRa0 + 0x8000, r.r[0], 0) == f.guest(0).md);
  CHECK(f.guest(0).md != f.guest(1).md);
  CHECK(f.snapshot() == f.snapshot_b);
  // cons_write from B goes to B's console.
  f.st_string(kRa0 + 0x100, "from b", 1);
  REQUIRE(f.fast_on(1, 0, fn::CONS_WRITE, kRa0 + 0x100, 6).status == HV_EOK);
  CHECK(f.guest(1).console == "from b");
  CHECK(f.guest(0).console.empty());
}

TEST_CASE("ASI_REAL and real-mode accesses of a guest cannot reach another guest's memory", "[hcall][isolation]") {
  TwoGuests f;
  isa::StrandState& st = f.state(0, 0);
  REQUIRE(f.fast(fn::MMU_FAULT_AREA_CONF, kRa0 + 0x3000).status == HV_EOK);
  for (uint64_t ra : {TwoGuests::kBOnly, f.b_pa(), f.b_pa() + 0x1008}) {
    INFO("foreign address " << ra);
    for (uint8_t asi : {ASI_REAL, ASI_REAL_LITTLE}) {
      CHECK(st.mem->asi_store(st, asi, ra, 8, 0x0123456789abcdeful) == isa::TT_DATA_ACCESS_EXCEPTION);
      CHECK(f.ld64(kRa0 + 0x3000 + MMFSA_D_TYPE) == FT_INVALID_RA);
      CHECK(f.ld64(kRa0 + 0x3000 + MMFSA_D_ADDR) == ra);
      uint64_t out = 0x77;
      CHECK(st.mem->asi_load(st, asi, ra, 8, out) == isa::TT_DATA_ACCESS_EXCEPTION);
      CHECK(out == 0x77);
    }
    isa::Translation t = st.mem->translate(st, ra, isa::Access::Write, 0x80);
    CHECK(t.page == nullptr);
    CHECK(t.fault == isa::TT_DATA_ACCESS_EXCEPTION);
  }
  // With the MMU on, a TSB entry (guest-written) naming B's memory is refused at use.
  const uint64_t desc = kRa0 + 0x5000, tsb = kRa0 + 0x200000, va = 0x6004000;
  f.tsb_descriptor(desc, 0, 1, 512, 0, 0x1, tsb);
  REQUIRE(f.fast(fn::MMU_TSB_CTX0, 1, desc).status == HV_EOK);
  f.st64(tsb + 16 * ((va >> 13) & 511), va >> 22);
  f.st64(tsb + 16 * ((va >> 13) & 511) + 8, tte(TwoGuests::kBOnly));
  REQUIRE(f.fast(fn::MMU_ENABLE, 1, 0x400000).status == HV_EOK);
  isa::Translation t = st.mem->translate(st, va, isa::Access::Write, 0x80);
  CHECK(t.page == nullptr);
  CHECK(t.fault == isa::TT_DATA_ACCESS_EXCEPTION);
  CHECK(f.ld64(kRa0 + 0x3000 + MMFSA_D_TYPE) == FT_INVALID_RA);
  // ASI_REAL on A's own memory works and lands in A's physical memory only.
  CHECK(st.mem->asi_store(st, ASI_REAL, kRa0 + 0x10, 8, 0x0123456789abcdeful) == isa::TT_NONE);
  CHECK(f.ld64(kRa0 + 0x10, 0) == 0x0123456789abcdeful);
  CHECK(f.snapshot() == f.snapshot_b);
}

TEST_CASE("a guest's vCPU ids are its own: the other guest's are ENOCPU", "[hcall][isolation]") {
  TwoGuests f;
  // B's vCPUs are numbered from 0 on their own strands.
  Result r = f.fast_on(1, 0, fn::CPU_MYID);
  CHECK(r.status == HV_EOK);
  CHECK(r.r[0] == 0);
  CHECK(f.vcpu(1, 0).strand == 2);
  const uint64_t b_strands[] = {f.vcpu(1, 0).strand, f.vcpu(1, 1).strand};
  uint64_t sysino = kConsoleSysino;
  const uint64_t list = kRa0 + 0x6000, data = kRa0 + 0x6040;
  uint64_t b_pc = f.state(1, 0).pc;
  for (uint64_t id : b_strands) {
    INFO("id " << id);
    CHECK(f.fast(fn::CPU_STATE, id).status == HV_ENOCPU);
    CHECK(f.fast(fn::CPU_START, id, kRa0, kRa0, 0).status == HV_ENOCPU);
    CHECK(f.fast(fn::CPU_STOP, id).status == HV_ENOCPU);
    f.st16(list, uint16_t(id));
    CHECK(f.fast(fn::CPU_MONDO_SEND, 1, list, data).status == HV_ENOCPU);
    CHECK(f.fast(fn::INTR_SETTARGET, sysino, id).status == HV_ENOCPU);
    CHECK(f.fast(fn::VINTR_SETTARGET, 0x100, 0x11, id).status == HV_ENOCPU);
  }
  CHECK(f.vcpu(1, 0).state == CPU_STATE_RUNNING);
  CHECK(f.vcpu(1, 1).state == CPU_STATE_STOPPED);
  CHECK(f.core_running(1, 0));
  CHECK_FALSE(f.core_running(1, 1));
  CHECK(f.state(1, 0).pc == b_pc);
  // A's exit leaves B running.
  CHECK(f.fast(fn::MACH_EXIT, 0).status == HV_EOK);
  CHECK(f.guest(0).exited);
  CHECK_FALSE(f.guest(1).exited);
  CHECK(f.vcpu(1, 0).state == CPU_STATE_RUNNING);
  CHECK(f.core_running(1, 0));
}
