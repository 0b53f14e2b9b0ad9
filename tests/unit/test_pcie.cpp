// The PCIe root complex and the PCI/MSI hypercalls (hv/pcie_root_complex.cpp, hv/hcall_pci.cpp,
// hv/hcall_msi.cpp) as a guest driver uses them, with a small endpoint of our own behind the
// root port: config space through the root port's bus numbers, BARs through peek/poke, DMA
// through the IOMMU the guest programs, MSIs through event queues to dev mondos, and every
// refusal (docs/pcie.md). Function numbers come from the research notes' tables, not from
// hv/hcall_table.def, so the table is under test too.
#include <cstring>
#include <string>
#include <vector>

#include "hv/pcie_root_complex.h"
#include "hv_fixture.h"
#include "sim/state/codec.h"

using namespace hvtest;
namespace dev = vfsim::dev;
namespace pcie = vfsim::hv::pcie;

namespace {

enum : uint64_t {
  IOMMU_MAP = 0xb0, IOMMU_DEMAP = 0xb1, IOMMU_GETMAP = 0xb2, IOMMU_GETBYPASS = 0xb3, CONFIG_GET = 0xb4,
  CONFIG_PUT = 0xb5, PEEK = 0xb6, POKE = 0xb7, DMA_SYNC = 0xb8, MSIQ_CONF = 0xc0, MSIQ_INFO = 0xc1,
  MSIQ_GETVALID = 0xc2, MSIQ_SETVALID = 0xc3, MSIQ_GETSTATE = 0xc4, MSIQ_SETSTATE = 0xc5, MSIQ_GETHEAD = 0xc6,
  MSIQ_SETHEAD = 0xc7, MSIQ_GETTAIL = 0xc8, MSI_GETVALID = 0xc9, MSI_SETVALID = 0xca, MSI_GETMSIQ = 0xcb,
  MSI_SETMSIQ = 0xcc, MSI_GETSTATE = 0xcd, MSI_SETSTATE = 0xce, MSG_GETMSIQ = 0xd0, MSG_SETMSIQ = 0xd1,
  MSG_GETVALID = 0xd2, MSG_SETVALID = 0xd3,
};
constexpr uint64_t kBus = 0x400;
constexpr uint64_t kPort = uint64_t(pcie::kRootPortBus) << 16, kEp = uint64_t(pcie::kEndpointBus) << 16;

// A test endpoint: one 64-bit 4 KB BAR with three registers: ADDR (a bus address), LEN and
// GO (write 1: DMA LEN bytes from ADDR into the device's buffer; 2: from the buffer to ADDR;
// 3: send the MSI of vector 0; 4/5: assert/deassert INTA). STATUS reads the last DmaStatus.
class TestDevice : public dev::PciFunction {
 public:
  TestDevice() : PciFunction("testdev", {0x108e, 0x7e57, 0, 0, 0xff0000, 1, 1}, {{4096, true}, {0, false}}), regs_("testdev bar0") {
    using A = dev::RegAccess;
    addr_ = regs_.add({"ADDR", 0x00, 8, A::RW});
    len_ = regs_.add({"LEN", 0x08, 4, A::RW});
    status_ = regs_.add({"STATUS", 0x0c, 4, A::RO});
    regs_.add({"GO", 0x10, 4, A::WO}, nullptr, [this](unsigned, uint64_t, uint64_t v) { go(v); });
    regs_.add({"MSI_ADDR", 0x18, 8, A::RW, pcie::kMsi32Addr});
    msi_data_ = regs_.add({"MSI_DATA", 0x20, 4, A::RW});
  }
  bool bar_read(unsigned bar, uint64_t off, unsigned size, uint64_t& v) override { return bar == 0 && regs_.read(off, size, v); }
  bool bar_write(unsigned bar, uint64_t off, unsigned size, uint64_t v) override { return bar == 0 && regs_.write(off, size, v); }
  std::vector<uint8_t> buf = std::vector<uint8_t>(32768);

 private:
  void go(uint64_t op) {
    uint64_t a = regs_.get(addr_), n = std::min<uint64_t>(regs_.get(len_), buf.size());
    dev::DmaStatus st = dev::DmaStatus::Ok;
    if (!bus_master()) return;
    if (op == 1) st = bus()->dma_read(a, buf.data(), n);
    if (op == 2) st = bus()->dma_write(a, buf.data(), n);
    if (op == 3) bus()->msi(regs_.get(4), uint32_t(regs_.get(msi_data_)));
    if (op == 4 || op == 5) bus()->intx(1, op == 4);   // INTA asserted / deasserted
    regs_.set(status_, uint64_t(st));
  }
  dev::RegisterBank regs_;
  unsigned addr_, len_, status_, msi_data_;
};

hv::GuestConfig io_guest() {
  hv::GuestConfig c = guest_config("io", 2, {64ull << 20});
  c.pcie_buses = {"pci@400"};
  return c;
}

struct Pcie {
  HvFixture f{{io_guest(), guest_config("other", 1, {16ull << 20})}};
  hv::RootComplex* rc = nullptr;
  TestDevice* ep = nullptr;
  uint64_t mem32 = pcie::windows(0).mem32_ra;
  Pcie() {
    f.negotiate(0, hv::GROUP_PCI, 1, 0);
    f.negotiate(1, hv::GROUP_PCI, 1, 0);
    rc = f.h->root("pci@400");
    REQUIRE(rc);
    auto d = std::make_unique<TestDevice>();
    ep = d.get();
    rc->attach(std::move(d));
  }
  uint64_t cfg_get(uint64_t bdf, uint64_t off, uint64_t size, uint64_t* flag = nullptr) {
    Result r = f.fast(CONFIG_GET, kBus, bdf, off, size);
    REQUIRE(r.status == hv::HV_EOK);
    if (flag) *flag = r.r[0];
    return r.r[1];
  }
  void cfg_put(uint64_t bdf, uint64_t off, uint64_t size, uint64_t v) {
    Result r = f.fast(CONFIG_PUT, kBus, bdf, off, size, v);
    REQUIRE(r.status == hv::HV_EOK);
    REQUIRE(r.r[0] == 0);
  }
  // Firmware's part: bus numbers on the root port, BAR0 at bus address 0x100000, decode on.
  void bring_up() {
    cfg_put(kPort, 0x18, 1, 2);
    cfg_put(kPort, 0x19, 1, 3);
    cfg_put(kPort, 0x1a, 1, 3);
    cfg_put(kPort, 0x04, 2, dev::kPciCmdMemory | dev::kPciCmdBusMaster);
    cfg_put(kEp, 0x10, 4, 0x100000);
    cfg_put(kEp, 0x14, 4, 0);
    cfg_put(kEp, 0x04, 2, dev::kPciCmdMemory | dev::kPciCmdBusMaster);
  }
  void poke(uint64_t off, uint64_t size, uint64_t v) {
    Result r = f.fast(POKE, kBus, mem32 + 0x100000 + off, size, v, kEp);
    REQUIRE(r.status == hv::HV_EOK);
    REQUIRE(r.r[0] == 0);
  }
  uint64_t peek(uint64_t off, uint64_t size) {
    Result r = f.fast(PEEK, kBus, mem32 + 0x100000 + off, size);
    REQUIRE(r.status == hv::HV_EOK);
    REQUIRE(r.r[0] == 0);
    return r.r[1];
  }
  // Map n pages starting at real address ra into TSB entries from index.
  uint64_t map(uint64_t index, uint64_t ra, uint64_t n, uint64_t attrs, uint64_t list = kRa0 + 0x10000) {
    for (uint64_t i = 0; i < n; ++i) f.st64(list + 8 * i, ra + i * 8192);
    Result r = f.fast(IOMMU_MAP, kBus, index, n, attrs, list);
    REQUIRE(r.status == hv::HV_EOK);
    return r.r[0];
  }
};

}  // namespace

TEST_CASE("pcie: a domain without the bus gets EINVAL from every PCI and MSI call", "[pcie]") {
  Pcie p;
  const uint64_t calls[] = {IOMMU_MAP, IOMMU_DEMAP, IOMMU_GETMAP, IOMMU_GETBYPASS, CONFIG_GET, CONFIG_PUT, PEEK, POKE,
                            DMA_SYNC, MSIQ_CONF, MSIQ_INFO, MSIQ_GETVALID, MSIQ_SETVALID, MSIQ_GETSTATE, MSIQ_SETSTATE,
                            MSIQ_GETHEAD, MSIQ_SETHEAD, MSIQ_GETTAIL, MSI_GETVALID, MSI_SETVALID, MSI_GETMSIQ,
                            MSI_SETMSIQ, MSI_GETSTATE, MSI_SETSTATE, MSG_GETMSIQ, MSG_SETMSIQ, MSG_GETVALID, MSG_SETVALID};
  for (uint64_t fnum : calls) {
    INFO("function " << std::hex << fnum);
    // well-formed arguments otherwise: the owner would get EOK or a lookup answer
    CHECK(p.f.fast_on(1, 0, fnum, kBus, 0, 4, 0, 0).status == hv::HV_EINVAL);
    CHECK(p.f.fast_on(1, 0, fnum, 0x500, 0, 4, 0, 0).status == hv::HV_EINVAL);   // nobody's bus
    CHECK(p.f.fast(fnum, 0x999, 0, 4, 0, 0).status == hv::HV_EINVAL);            // no such bus
  }
  // and nothing changed on the owner's bus
  CHECK(p.rc->iommu.empty());
  CHECK(p.rc->counters.config_accesses == 0);
}

TEST_CASE("pcie: the PCI group must be negotiated first", "[pcie]") {
  HvFixture f{{io_guest()}};
  CHECK(f.fast(CONFIG_GET, kBus, kPort, 0, 2).status == hv::HV_EBADTRAP);
  f.negotiate(0, hv::GROUP_PCI, 1, 0);
  CHECK(f.fast(CONFIG_GET, kBus, kPort, 0, 2).status == hv::HV_EOK);
  CHECK(f.core(fn::API_SET_VERSION, hv::GROUP_PCI, 2, 0).status == hv::HV_ENOTSUPPORTED);   // only 1.0 offered
}

TEST_CASE("pcie: config space through the root port", "[pcie]") {
  Pcie p;
  uint64_t flag = 9;
  CHECK(p.cfg_get(kPort, 0, 2, &flag) == 0x108e);
  CHECK(flag == 0);
  CHECK(p.cfg_get(kPort, 0x08, 4) >> 8 == 0x060400);   // a PCI-to-PCI bridge
  CHECK(p.cfg_get(kPort, 0x0e, 1) == 1);               // type-1 header
  // Behind the root port nothing answers until firmware gives it bus numbers.
  CHECK(p.cfg_get(kEp, 0, 4, &flag) == 0xffffffff);
  CHECK(flag == 1);
  CHECK(p.cfg_get(uint64_t(2) << 16 | 1 << 11, 0, 2, &flag) == 0xffff);   // 2:01.0: no such function
  CHECK(flag == 1);
  p.bring_up();
  CHECK(p.cfg_get(kEp, 0, 4, &flag) == 0x7e57108e);
  CHECK(flag == 0);
  CHECK(p.cfg_get(kEp, 0x02, 2) == 0x7e57);
  CHECK(p.cfg_get(kEp | 1 << 11, 0, 2, &flag) == 0xffff);   // device 1 on bus 3: absent
  CHECK(flag == 1);
  CHECK(p.cfg_get(uint64_t(4) << 16, 0, 2, &flag) == 0xffff);   // bus 4: past subordinate
  CHECK(flag == 1);
  // BAR sizing: all-ones reads back the size mask and the 64-bit type
  p.cfg_put(kEp, 0x10, 4, 0xffffffff);
  CHECK(p.cfg_get(kEp, 0x10, 4) == 0xfffff004);
  // argument checks in the spec's order
  CHECK(p.f.fast(CONFIG_GET, kBus, kEp | 1, 0, 4).status == hv::HV_EINVAL);         // bits outside the BDF
  CHECK(p.f.fast(CONFIG_GET, kBus, kEp, 4096, 4).status == hv::HV_EINVAL);
  CHECK(p.f.fast(CONFIG_GET, kBus, kEp, 0, 3).status == hv::HV_EINVAL);
  CHECK(p.f.fast(CONFIG_GET, kBus, kEp, 0, 8).status == hv::HV_EINVAL);
  CHECK(p.f.fast(CONFIG_GET, kBus, kEp, 2, 4).status == hv::HV_EBADALIGN);
  CHECK(p.f.fast(CONFIG_PUT, kBus, kEp, 1, 2, 0).status == hv::HV_EBADALIGN);
}

TEST_CASE("pcie: peek and poke reach the BAR's registers, little-endian numbers", "[pcie]") {
  Pcie p;
  p.bring_up();
  p.poke(0x00, 8, 0x1122334455667788ull);
  CHECK(p.peek(0x00, 8) == 0x1122334455667788ull);
  CHECK(p.peek(0x00, 4) == 0x55667788);   // the low half first: little-endian register
  CHECK(p.peek(0x04, 4) == 0x11223344);
  CHECK(p.peek(0x01, 1) == 0x77);
  // Outside every window: ENORADDR; in the window but no BAR there: the access fails (error_flag).
  CHECK(p.f.fast(PEEK, kBus, kRa0, 8).status == hv::HV_ENORADDR);
  Result r = p.f.fast(PEEK, kBus, p.mem32 + 0x200000, 4);
  CHECK(r.status == hv::HV_EOK);
  CHECK(r.r[0] == 1);
  CHECK(r.r[1] == 0xffffffff);
  CHECK(p.f.fast(PEEK, kBus, p.mem32 + 0x100004, 8).status == hv::HV_EBADALIGN);
  CHECK(p.f.fast(PEEK, kBus, p.mem32 + 0x100000, 16).status == hv::HV_EINVAL);
  CHECK(p.f.fast(POKE, kBus, p.mem32 + 0x100000, 4, 0, kEp | 0xff).status == hv::HV_EINVAL);
  // memory decode off: the BAR no longer answers
  p.cfg_put(kEp, 0x04, 2, 0);
  r = p.f.fast(PEEK, kBus, p.mem32 + 0x100000, 8);
  CHECK(r.r[0] == 1);
}

TEST_CASE("pcie: the owner's loads and stores to its windows reach the BAR (device space)", "[pcie]") {
  Pcie p;
  p.bring_up();
  const uint64_t reg = p.mem32 + 0x100000;
  CHECK(p.f.h->io_claims(p.f.guest(0), reg));
  CHECK_FALSE(p.f.h->io_claims(p.f.guest(1), reg));                 // not its bus
  CHECK_FALSE(p.f.h->io_claims(p.f.guest(0), kRa0));                // memory is not device space
  uint64_t v = 0xfeedface12345678ull;
  REQUIRE(p.f.h->io_handler(p.f.guest(0), reg, 8, true, v));
  CHECK(p.peek(0x00, 8) == 0xfeedface12345678ull);
  uint64_t r = 0;
  REQUIRE(p.f.h->io_handler(p.f.guest(0), reg + 4, 4, false, r));
  CHECK(r == 0xfeedface);
  CHECK_FALSE(p.f.h->io_handler(p.f.guest(1), reg, 8, false, r));   // the other domain: refused
  CHECK_FALSE(p.f.h->io_handler(p.f.guest(0), p.mem32 + 0x300000, 8, false, r));   // no BAR there
}

TEST_CASE("pcie: IOMMU map, getmap, demap and their refusals", "[pcie]") {
  Pcie p;
  CHECK(p.map(10, kRa0 + 0x200000, 3, 3) == 3);
  Result r = p.f.fast(IOMMU_GETMAP, kBus, 11);
  CHECK(r.status == hv::HV_EOK);
  CHECK(r.r[0] == 3);
  CHECK(r.r[1] == kRa0 + 0x202000);
  CHECK(p.f.fast(IOMMU_GETMAP, kBus, 13).status == hv::HV_ENOMAP);
  // at most 64 per call
  CHECK(p.map(1000, kRa0 + 0x400000, 100, 1) == 64);
  CHECK(p.f.fast(IOMMU_GETMAP, kBus, 1063).status == hv::HV_EOK);
  CHECK(p.f.fast(IOMMU_GETMAP, kBus, 1064).status == hv::HV_ENOMAP);
  // refusals
  const uint64_t list = kRa0 + 0x20000;
  p.f.st64(list, kRa0 + 0x300000);
  p.f.st64(list + 8, kRa0 + 0x300001);   // a misaligned second page: the call ends short
  r = p.f.fast(IOMMU_MAP, kBus, 50, 2, 3, list);
  CHECK(r.status == hv::HV_EOK);
  CHECK(r.r[0] == 1);
  CHECK(p.f.fast(IOMMU_MAP, kBus, 60, 1, 3, list + 8).status == hv::HV_EBADALIGN);   // first page bad
  p.f.st64(list + 16, 0x7000000000ull);
  CHECK(p.f.fast(IOMMU_MAP, kBus, 60, 1, 3, list + 16).status == hv::HV_ENORADDR);  // not the guest's
  CHECK(p.f.fast(IOMMU_MAP, kBus, 60, 1, 3, list + 4).status == hv::HV_EBADALIGN);   // list misaligned
  CHECK(p.f.fast(IOMMU_MAP, kBus, 60, 1, 3, 0x7000000000ull).status == hv::HV_ENORADDR);
  CHECK(p.f.fast(IOMMU_MAP, kBus, 60, 1, 4, list).status == hv::HV_EINVAL);           // relaxed ordering: not in 1.0
  CHECK(p.f.fast(IOMMU_MAP, kBus, 1ull << 32 | 60, 1, 3, list).status == hv::HV_EINVAL);   // tsbnum 1
  CHECK(p.f.fast(IOMMU_MAP, kBus, pcie::kTsbEntries - 1, 2, 3, list).status == hv::HV_EINVAL);   // past the end
  CHECK(p.f.fast(IOMMU_MAP, kBus, 60, 0, 3, list).status == hv::HV_EINVAL);
  CHECK(p.f.fast(IOMMU_GETBYPASS, kBus, kRa0, 3).status == hv::HV_ENOTSUPPORTED);
  // demap needs no mapping and clamps to 64
  r = p.f.fast(IOMMU_DEMAP, kBus, 1000, 100);
  CHECK(r.status == hv::HV_EOK);
  CHECK(r.r[0] == 64);
  CHECK(p.f.fast(IOMMU_GETMAP, kBus, 1000).status == hv::HV_ENOMAP);
  CHECK(p.rc->iommu.size() == 4);   // 10..12 and 50
  // dma_sync: a range check
  r = p.f.fast(DMA_SYNC, kBus, kRa0, 8192, 1);
  CHECK(r.status == hv::HV_EOK);
  CHECK(r.r[0] == 8192);
  CHECK(p.f.fast(DMA_SYNC, kBus, kRa0, 8192, 4).status == hv::HV_EINVAL);
  CHECK(p.f.fast(DMA_SYNC, kBus, kHoleRa, 8192, 1).status == hv::HV_ENORADDR);
}

TEST_CASE("pcie: DMA goes through the IOMMU, and a bad one is refused, not done", "[pcie]") {
  Pcie p;
  p.bring_up();
  const uint64_t ra = kRa0 + 0x600000;
  p.f.fill(ra, 0xab, 16384);
  REQUIRE(p.map(0, ra, 2, 1) == 2);          // READ only: the device may read, not write
  p.poke(0x00, 8, pcie::kDvmaBase + 100);
  p.poke(0x08, 4, 10000);                     // crosses into the second page
  p.poke(0x10, 4, 1);                         // device reads memory
  CHECK(p.peek(0x0c, 4) == uint64_t(dev::DmaStatus::Ok));
  CHECK(p.ep->buf[0] == 0xab);
  CHECK(p.ep->buf[9999] == 0xab);
  CHECK(p.rc->counters.dma_read_bytes == 10000);
  // the device writes a read-only page: refused, memory unchanged, the fault counted
  std::fill(p.ep->buf.begin(), p.ep->buf.end(), 0x11);
  p.poke(0x10, 4, 2);
  CHECK(p.peek(0x0c, 4) == uint64_t(dev::DmaStatus::NoAccess));
  CHECK(p.f.bytes(ra + 100, 1)[0] == 0xab);
  CHECK(p.rc->counters.dma_faults == 1);
  CHECK(p.rc->counters.last_fault == "no access DVMA 0x80000064 (device write)");
  // an unmapped page, and an address outside the DVMA window
  p.poke(0x00, 8, pcie::kDvmaBase + 5 * 8192);
  p.poke(0x10, 4, 1);
  CHECK(p.peek(0x0c, 4) == uint64_t(dev::DmaStatus::Unmapped));
  p.poke(0x00, 8, 0x1000);
  p.poke(0x10, 4, 2);
  CHECK(p.peek(0x0c, 4) == uint64_t(dev::DmaStatus::Unmapped));
  CHECK(p.rc->counters.dma_faults == 3);
  // R|W now: the device's write lands
  REQUIRE(p.f.fast(IOMMU_DEMAP, kBus, 0, 2).status == hv::HV_EOK);
  REQUIRE(p.map(0, ra, 2, 3) == 2);
  p.poke(0x00, 8, pcie::kDvmaBase + 8000);
  p.poke(0x08, 4, 400);
  p.poke(0x10, 4, 2);
  CHECK(p.peek(0x0c, 4) == 0);
  CHECK(p.f.bytes(ra + 8000, 400) == std::vector<uint8_t>(400, 0x11));
  CHECK(p.f.bytes(ra + 8400, 1)[0] == 0xab);
  // bus mastering off: the device does nothing
  p.cfg_put(kEp, 0x04, 2, dev::kPciCmdMemory);
  uint64_t before = p.rc->counters.dma_write_bytes;
  p.poke(0x10, 4, 2);
  CHECK(p.rc->counters.dma_write_bytes == before);
}

TEST_CASE("pcie: an MSI becomes an event-queue record and a dev mondo", "[pcie]") {
  Pcie p;
  p.bring_up();
  const uint64_t eq = kRa0 + 0x800000, mondo = kRa0 + 0x900000;
  // refusals of msiq_conf
  CHECK(p.f.fast(MSIQ_CONF, kBus, 36, eq, 128).status == hv::HV_EINVAL);
  CHECK(p.f.fast(MSIQ_CONF, kBus, 3, eq, 64).status == hv::HV_EINVAL);
  CHECK(p.f.fast(MSIQ_CONF, kBus, 3, eq + 64, 128).status == hv::HV_EBADALIGN);
  CHECK(p.f.fast(MSIQ_CONF, kBus, 3, kHoleRa, 128).status == hv::HV_ENORADDR);
  CHECK(p.f.fast(MSIQ_SETVALID, kBus, 3, 1).status == hv::HV_EINVAL);   // not configured yet
  REQUIRE(p.f.fast(MSIQ_CONF, kBus, 3, eq, 128).status == hv::HV_EOK);
  Result r = p.f.fast(MSIQ_INFO, kBus, 3);
  CHECK(r.r[0] == eq);
  CHECK(r.r[1] == 128);
  REQUIRE(p.f.fast(MSIQ_SETVALID, kBus, 3, 1).status == hv::HV_EOK);
  REQUIRE(p.f.fast(MSIQ_SETSTATE, kBus, 3, 0).status == hv::HV_EOK);
  CHECK(p.f.fast(MSI_GETMSIQ, kBus, 17).status == hv::HV_EINVAL);   // unbound
  CHECK(p.f.fast(MSI_SETMSIQ, kBus, 17, 36, 0).status == hv::HV_EINVAL);
  CHECK(p.f.fast(MSI_SETMSIQ, kBus, 17, 3, 2).status == hv::HV_EINVAL);
  CHECK(p.f.fast(MSI_SETMSIQ, kBus, 256, 3, 0).status == hv::HV_EINVAL);
  REQUIRE(p.f.fast(MSI_SETMSIQ, kBus, 17, 3, 0).status == hv::HV_EOK);   // o2 queue, o3 type
  CHECK(p.f.fast(MSI_GETMSIQ, kBus, 17).r[0] == 3);
  REQUIRE(p.f.fast(MSI_SETVALID, kBus, 17, 1).status == hv::HV_EOK);
  // the queue's devino 24+3 to vCPU 0's dev mondo queue, with a cookie
  REQUIRE(p.f.negotiate(0, hv::GROUP_INTR, 2, 0) == 0);
  REQUIRE(p.f.fast(fn::CPU_QCONF, hv::Q_DEV_MONDO, mondo, 16).status == hv::HV_EOK);
  REQUIRE(p.f.fast(fn::VINTR_SETCOOKIE, kBus, 27, 0xc0de0000).status == hv::HV_EOK);
  REQUIRE(p.f.fast(fn::VINTR_SETTARGET, kBus, 27, 0).status == hv::HV_EOK);
  REQUIRE(p.f.fast(fn::VINTR_SETSTATE, kBus, 27, 0).status == hv::HV_EOK);
  REQUIRE(p.f.fast(fn::VINTR_SETVALID, kBus, 27, 1).status == hv::HV_EOK);
  p.poke(0x20, 4, 0x1100 | 17);   // data: the MSI number in the low byte (mask 0xff)
  p.poke(0x10, 4, 3);
  // the record: type MSI32, requester 3:00.0, address, data
  CHECK(p.f.ld64(eq) == 2);
  CHECK(p.f.ld64(eq + 32) == 0x300);
  CHECK(p.f.ld64(eq + 40) == pcie::kMsi32Addr);
  CHECK(p.f.ld64(eq + 48) == (0x1100 | 17));
  CHECK(p.f.fast(MSIQ_GETTAIL, kBus, 3).r[0] == 64);
  CHECK(p.f.fast(MSI_GETSTATE, kBus, 17).r[0] == 1);   // delivered
  CHECK(p.f.ld64(mondo) == 0xc0de0000);
  CHECK(p.f.vcpu().queue(hv::Q_DEV_MONDO).tail == 64);
  // delivered: a second MSI is not queued until the guest sets the MSI idle
  p.poke(0x10, 4, 3);
  CHECK(p.f.fast(MSIQ_GETTAIL, kBus, 3).r[0] == 64);
  CHECK(p.rc->counters.msis_dropped == 1);
  REQUIRE(p.f.fast(MSI_SETSTATE, kBus, 17, 0).status == hv::HV_EOK);
  p.poke(0x10, 4, 3);
  CHECK(p.f.fast(MSIQ_GETTAIL, kBus, 3).r[0] == 128);
  // the source is still delivered: no second mondo until the guest re-arms it; then, with
  // records still in the queue, it interrupts again at once
  CHECK(p.f.vcpu().queue(hv::Q_DEV_MONDO).tail == 64);
  REQUIRE(p.f.fast(MSIQ_SETHEAD, kBus, 3, 64).status == hv::HV_EOK);
  REQUIRE(p.f.fast(fn::VINTR_SETSTATE, kBus, 27, 0).status == hv::HV_EOK);
  CHECK(p.f.vcpu().queue(hv::Q_DEV_MONDO).tail == 128);
  CHECK(p.f.fast(MSIQ_SETHEAD, kBus, 3, 65).status == hv::HV_EINVAL);
  CHECK(p.f.fast(MSIQ_SETHEAD, kBus, 3, 128 * 64).status == hv::HV_EINVAL);
  // a full queue goes to the error state
  REQUIRE(p.f.fast(MSIQ_SETHEAD, kBus, 3, 128).status == hv::HV_EOK);
  for (int i = 0; i < 130; ++i) {
    REQUIRE(p.f.fast(MSI_SETSTATE, kBus, 17, 0).status == hv::HV_EOK);
    p.poke(0x10, 4, 3);
  }
  CHECK(p.f.fast(MSIQ_GETSTATE, kBus, 3).r[0] == 1);
  CHECK(p.rc->counters.msis == 2 + 127);
  // message routes
  CHECK(p.f.fast(MSG_SETMSIQ, kBus, 0x30, 3).status == hv::HV_EOK);
  CHECK(p.f.fast(MSG_GETMSIQ, kBus, 0x30).r[0] == 3);
  CHECK(p.f.fast(MSG_SETMSIQ, kBus, 0x31, 3).status == hv::HV_EOK);
  CHECK(p.f.fast(MSG_SETVALID, kBus, 0x99, 1).status == hv::HV_EINVAL);
  CHECK(p.f.fast(MSG_GETMSIQ, kBus, 0x33).status == hv::HV_EINVAL);
}

TEST_CASE("pcie: IOMMU bypass only for a bus added with bypass=on, and only to the owner's memory", "[pcie]") {
  hv::GuestConfig c = io_guest();
  c.pcie_bypass = {"pci@400"};
  HvFixture f{{c}};
  f.negotiate(0, hv::GROUP_PCI, 1, 0);
  hv::RootComplex* rc = f.h->root("pci@400");
  CHECK(rc->bypass);
  Result r = f.fast(IOMMU_GETBYPASS, kBus, kRa0 + 0x4000, 3);
  REQUIRE(r.status == hv::HV_EOK);
  CHECK(r.r[0] == 0xfffc000000000000ull + kRa0 + 0x4000);
  CHECK(f.fast(IOMMU_GETBYPASS, kBus, kHoleRa, 3).status == hv::HV_ENORADDR);
  CHECK(f.fast(IOMMU_GETBYPASS, kBus, kRa0, 4).status == hv::HV_EINVAL);
  // a device reaches the page through it without a TSB entry; outside the owner's memory, not
  uint8_t b[16] = {1, 2, 3};
  CHECK(rc->dma_write(r.r[0], b, 16) == dev::DmaStatus::Ok);
  CHECK(f.bytes(kRa0 + 0x4000, 3) == std::vector<uint8_t>{1, 2, 3});
  CHECK(rc->dma_write(0xfffc000000000000ull + kHoleRa, b, 16) == dev::DmaStatus::Unmapped);
  CHECK(rc->dma_read(0xfffc000000000000ull + 0x40000000ull, b, 16) == dev::DmaStatus::Unmapped);   // another guest's PA range
  // the same bus bound without bypass: ENOTSUPPORTED, and the window refuses
  f.h->destroy_guest(f.guest(0));
  HvFixture g{{io_guest()}};
  g.negotiate(0, hv::GROUP_PCI, 1, 0);
  CHECK(g.fast(IOMMU_GETBYPASS, kBus, kRa0, 3).status == hv::HV_ENOTSUPPORTED);
  CHECK(g.h->root("pci@400")->dma_write(0xfffc000000000000ull + kRa0, b, 16) == dev::DmaStatus::Unmapped);
}

TEST_CASE("pcie: INTx is a level interrupt on devinos 20-23", "[pcie]") {
  Pcie p;
  p.bring_up();
  const uint64_t mondo = kRa0 + 0x900000;
  REQUIRE(p.f.negotiate(0, hv::GROUP_INTR, 2, 0) == 0);
  REQUIRE(p.f.fast(fn::CPU_QCONF, hv::Q_DEV_MONDO, mondo, 16).status == hv::HV_EOK);
  REQUIRE(p.f.fast(fn::VINTR_SETCOOKIE, kBus, 20, 0x1a).status == hv::HV_EOK);
  REQUIRE(p.f.fast(fn::VINTR_SETTARGET, kBus, 20, 1).status == hv::HV_EOK);   // vCPU 1
  REQUIRE(p.f.fast(fn::VINTR_SETVALID, kBus, 20, 1).status == hv::HV_EOK);
  p.poke(0x10, 4, 4);   // INTA asserted
  CHECK(p.f.vcpu(0, 1).queue(hv::Q_DEV_MONDO).tail == 0);   // (vCPU 1 has no queue yet: not delivered)
  CHECK(p.f.fast(fn::VINTR_GETSTATE, kBus, 20).r[0] == 0);
  REQUIRE(p.f.fast_on(0, 1, fn::CPU_QCONF, hv::Q_DEV_MONDO, mondo + 0x1000, 16).status == hv::HV_EOK);
  REQUIRE(p.f.fast(fn::VINTR_SETSTATE, kBus, 20, 0).status == hv::HV_EOK);   // re-armed: still asserted
  CHECK(p.f.vcpu(0, 1).queue(hv::Q_DEV_MONDO).tail == 64);
  CHECK(p.f.ld64(mondo + 0x1000) == 0x1a);
  CHECK(p.f.fast(fn::VINTR_GETSTATE, kBus, 20).r[0] == 2);
  // the device deasserts: the next end-of-interrupt raises nothing
  p.poke(0x10, 4, 5);
  REQUIRE(p.f.fast(fn::VINTR_SETSTATE, kBus, 20, 0).status == hv::HV_EOK);
  CHECK(p.f.vcpu(0, 1).queue(hv::Q_DEV_MONDO).tail == 64);
  // asserted again: an edge while idle delivers at once
  p.poke(0x10, 4, 4);
  CHECK(p.f.vcpu(0, 1).queue(hv::Q_DEV_MONDO).tail == 128);
}

TEST_CASE("pcie: a T5220 has one root complex, pci@0 (devhandle 0), and a T2's CPU group", "[pcie]") {
  hv::GuestConfig c = guest_config("io", 1, {64ull << 20});
  c.pcie_buses = {"pci@0"};
  HvFixture f{{c}, true, "T5220"};
  f.negotiate(0, hv::GROUP_PCI, 1, 0);
  hv::RootComplex* rc = f.h->root("pci@0");
  REQUIRE(rc);
  CHECK(rc->devhandle == 0);
  CHECK(rc->owner == &f.guest(0));
  CHECK(f.h->roots.size() == 1);
  Result r = f.fast(CONFIG_GET, 0, kPort, 0, 2);
  CHECK(r.status == hv::HV_EOK);
  CHECK(r.r[1] == 0x108e);
  CHECK(f.fast(CONFIG_GET, 0x400, kPort, 0, 2).status == hv::HV_EINVAL);   // no pci@400 here
  CHECK(f.core(fn::API_SET_VERSION, hv::GROUP_VF_CPU, 1, 0).status == hv::HV_EINVAL);   // not a T2 Plus
  CHECK(f.core(fn::API_SET_VERSION, hv::GROUP_N2_CPU, 1, 0).status == hv::HV_EOK);
  const std::vector<uint8_t>& md = f.guest(0).md;
  const std::string t2 = "SUNW,UltraSPARC-T2", t2p = "SUNW,UltraSPARC-T2+";
  CHECK(std::search(md.begin(), md.end(), t2.begin(), t2.end()) != md.end());
  CHECK(std::search(md.begin(), md.end(), t2p.begin(), t2p.end()) == md.end());
}

TEST_CASE("pcie: the MD names the bus with its windows and MSI resources", "[pcie]") {
  Pcie p;
  const std::vector<uint8_t>& md = p.f.guest(0).md;
  auto has = [&](const std::string& s) { return std::search(md.begin(), md.end(), s.begin(), s.end()) != md.end(); };
  for (const char* name : {"phys_io", "iodevice", "SUNW,sun4v-pci", "pciex", "address-ranges", "virtual-dma", "bus-ranges",
                           "msi-eq-to-devino", "msi-address-ranges", "#msi-eqs", "msi-data-mask", "msix-data-width"})
    CHECK(has(name));
  const std::vector<uint8_t>& other = p.f.guest(1).md;
  const std::string io = "iodevice";
  CHECK(std::search(other.begin(), other.end(), io.begin(), io.end()) == other.end());
}

TEST_CASE("pcie: declared state round-trips, and a new owner starts clean", "[pcie]") {
  Pcie p;
  p.bring_up();
  REQUIRE(p.map(7, kRa0 + 0x200000, 2, 3) == 2);
  REQUIRE(p.f.fast(MSIQ_CONF, kBus, 5, kRa0 + 0x800000, 128).status == hv::HV_EOK);
  REQUIRE(p.f.fast(MSI_SETMSIQ, kBus, 9, 5, 1).status == hv::HV_EOK);
  vfsim::state::Encoder e;
  p.rc->save(e);
  const std::vector<uint8_t> saved = e.buf;
  // change everything, then load: back as saved, byte for byte
  p.rc->iommu.clear();
  p.rc->eqs = {};
  p.cfg_put(kEp, 0x10, 4, 0x200000);
  vfsim::state::Decoder d(saved.data(), saved.size(), "test");
  p.rc->load(d);
  CHECK(d.done());
  vfsim::state::Encoder again;
  p.rc->save(again);
  CHECK(again.buf == saved);
  CHECK(p.peek(0x00, 8) == 0);   // BAR0 back at 0x100000
  // a truncated stream is refused
  vfsim::state::Decoder cut(saved.data(), saved.size() - 3, "test");
  CHECK_THROWS(p.rc->load(cut));
  // unbinding the owner frees the bus: no owner, no sources, nothing mapped
  p.f.h->destroy_guest(p.f.guest(0));
  CHECK(p.rc->owner == nullptr);
  CHECK(p.rc->iommu.empty());
}
