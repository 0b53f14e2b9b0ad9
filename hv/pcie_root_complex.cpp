// The root complex: config routing, memory windows, IOMMU translation for DMA, MSI to event
// queues to dev mondos, and the link's bandwidth (docs/pcie.md).
#include "hv/pcie_root_complex.h"
#include "sim/trace/trace.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "hv/hypervisor.h"
#include "sim/state/codec.h"

namespace vfsim::hv {

namespace {
constexpr uint64_t kAttrRead = 1, kAttrWrite = 2;
constexpr uint64_t kMem64BusBase = 0x100000000ull;   // MEM64 window's bus addresses start at 4 GB [U]
}  // namespace

// The root port (type-1 header, PCI-to-PCI Bridge 1.2 §3.2): config space only. It forwards
// config cycles to the buses between its secondary and subordinate numbers, which firmware
// programs (0 at reset: nothing behind it answers until then).
RootComplex::RootComplex(Hypervisor& hv, std::string n, unsigned idx)
    : name(std::move(n)), devhandle(pcie::devhandle_of(name)), index(idx), win(pcie::windows(idx)), hv_(hv),
      port_(name + " root port") {
  using A = dev::RegAccess;
  port_.add({"VENDOR_ID", 0x00, 2, A::RO, 0x108e});   // Sun
  port_.add({"DEVICE_ID", 0x02, 2, A::RO, 0x0a0f});   // [U: our own id]
  port_command_ = port_.add({"COMMAND", 0x04, 2, A::RW, 0, 0x0546});
  port_.add({"STATUS", 0x06, 2, A::RW1C, 0, 0xf900});
  port_.add({"REVISION_CLASS", 0x08, 4, A::RO, 0x06040000});   // PCI-to-PCI bridge
  port_.add({"CACHE_LINE_SIZE", 0x0c, 1, A::RW, 0});
  port_.add({"HEADER_TYPE", 0x0e, 1, A::RO, 0x01});
  port_.add({"PRIMARY_BUS", 0x18, 1, A::RW, 0});
  port_secondary_ = port_.add({"SECONDARY_BUS", 0x19, 1, A::RW, 0});
  port_subordinate_ = port_.add({"SUBORDINATE_BUS", 0x1a, 1, A::RW, 0});
  port_.add({"MEMORY_BASE", 0x20, 2, A::RW, 0, 0xfff0});
  port_.add({"MEMORY_LIMIT", 0x22, 2, A::RW, 0, 0xfff0});
  port_.add({"PREF_MEMORY_BASE", 0x24, 2, A::RW, 0x1, 0xfff0});    // bit 0: 64-bit capable
  port_.add({"PREF_MEMORY_LIMIT", 0x26, 2, A::RW, 0x1, 0xfff0});
  port_.add({"PREF_BASE_UPPER", 0x28, 4, A::RW, 0});
  port_.add({"PREF_LIMIT_UPPER", 0x2c, 4, A::RW, 0});
  port_.add({"INTERRUPT_LINE", 0x3c, 1, A::RW, 0});
  port_.add({"BRIDGE_CONTROL", 0x3e, 2, A::RW, 0, 0x0fff});
}

RootComplex::~RootComplex() = default;

void RootComplex::attach(std::unique_ptr<dev::PciFunction> f) {
  ep_ = std::move(f);
  if (ep_) {
    ep_->attach(this);
    ep_->reset();
  }
}

void RootComplex::set_owner(Guest* g) {
  if (owner && owner != g) {   // the old owner loses the bus's interrupt sources
    auto& v = owner->intr;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const InterruptSource& s) { return s.devhandle == devhandle; }), v.end());
  }
  owner = g;
  iommu.clear();
  eqs = {};
  msis = {};
  msgs = {};
  intx_ = 0;
  port_.reset();
  if (ep_) ep_->reset();
  if (!g) return;
  auto add = [&](uint64_t devino) {
    if (!g->source(devhandle, devino)) g->intr.push_back(InterruptSource{devhandle, devino, 0, 0, false, 0});
  };
  for (unsigned i = 0; i < 4; ++i) add(pcie::kIntxDevino + i);
  for (unsigned n = 0; n < pcie::kMsiEqs; ++n) add(pcie::kEqDevino + n);
  add(pcie::kDmuDevino);
  add(pcie::kPeuDevino);
  for (InterruptSource& s : g->intr)   // a rebind starts them over
    if (s.devhandle == devhandle) s.valid = false, s.state = 0, s.cookie = 0, s.target = 0;
}

// Where a config cycle goes: the root port (bus 2, device 0), the endpoint (device 0 of the
// port's secondary bus, once firmware gave the port its bus numbers), or nowhere.
RootComplex::ConfigTarget RootComplex::route(uint32_t bdf) const {
  unsigned bus = bdf >> 8, devfn = bdf & 0xff;
  if (devfn != 0) return ConfigTarget::None;
  if (bus == pcie::kRootPortBus) return ConfigTarget::Port;
  unsigned sec = unsigned(port_.get(port_secondary_)), sub = unsigned(port_.get(port_subordinate_));
  return sec && bus == sec && bus <= sub && ep_ ? ConfigTarget::Endpoint : ConfigTarget::None;
}

bool RootComplex::config_read(uint32_t bdf, uint32_t offset, unsigned size, uint64_t& v) {
  ++counters.config_accesses;
  v = dev::RegisterBank::mask(size);   // a master abort reads all-ones
  switch (route(bdf)) {
    case ConfigTarget::Port: port_.read(offset, size, v); return true;
    case ConfigTarget::Endpoint: return ep_->config_read(offset, size, v) || (v = dev::RegisterBank::mask(size), false);
    case ConfigTarget::None: break;
  }
  return false;
}

bool RootComplex::config_write(uint32_t bdf, uint32_t offset, unsigned size, uint64_t v) {
  ++counters.config_accesses;
  switch (route(bdf)) {
    case ConfigTarget::Port: port_.write(offset, size, v); return true;
    case ConfigTarget::Endpoint: return ep_->config_write(offset, size, v);
    case ConfigTarget::None: break;
  }
  return false;
}

bool RootComplex::in_windows(uint64_t ra, unsigned size) const {
  auto in = [&](uint64_t base, uint64_t len) { return ra >= base && size <= len && ra - base <= len - size; };
  return in(win.io_ra, win.io_size) || in(win.mem32_ra, win.mem32_size) || in(win.mem64_ra, win.mem64_size);
}

// The endpoint BAR that decodes [ra, ra+size), and the offset in it. The root port forwards
// memory to its secondary side only while its memory space is on; I/O space has no BARs.
bool RootComplex::decode(uint64_t ra, unsigned size, unsigned& bar, uint64_t& offset) const {
  uint64_t bus;
  if (ra >= win.mem32_ra && ra - win.mem32_ra < win.mem32_size) bus = ra - win.mem32_ra;
  else if (ra >= win.mem64_ra && ra - win.mem64_ra < win.mem64_size) bus = kMem64BusBase + (ra - win.mem64_ra);
  else return false;
  if (!ep_ || !(port_.get(port_command_) & dev::kPciCmdMemory)) return false;
  for (unsigned n = 0; n < ep_->bar_count(); ++n) {
    uint64_t base = ep_->bar_address(n), len = ep_->bar_size(n);
    if (base && bus >= base && bus - base < len && size <= len - (bus - base)) {
      bar = n, offset = bus - base;
      return true;
    }
  }
  return false;
}

bool RootComplex::mmio_read(uint64_t ra, unsigned size, uint64_t& v) {
  ++counters.mmio_accesses;
  v = dev::RegisterBank::mask(size);
  unsigned bar;
  uint64_t off;
  return decode(ra, size, bar, off) && (ep_->bar_read(bar, off, size, v) || (v = dev::RegisterBank::mask(size), false));
}

bool RootComplex::mmio_write(uint64_t ra, unsigned size, uint64_t v) {
  ++counters.mmio_accesses;
  unsigned bar;
  uint64_t off;
  return decode(ra, size, bar, off) && ep_->bar_write(bar, off, size, v);
}

dev::DmaStatus RootComplex::translate(uint64_t bus_addr, bool device_writes, uint64_t& pa) const {
  if (owner && bus_addr >= kBypassBase)   // the bypass window: the owner's real addresses, no TSB
    return bypass && owner->ra_to_pa(bus_addr - kBypassBase, 1, pa) ? dev::DmaStatus::Ok : dev::DmaStatus::Unmapped;
  if (!owner || bus_addr < pcie::kDvmaBase || bus_addr - pcie::kDvmaBase >= pcie::kDvmaSize) return dev::DmaStatus::Unmapped;
  auto it = iommu.find((bus_addr - pcie::kDvmaBase) >> pcie::kIoPageShift);
  if (it == iommu.end()) return dev::DmaStatus::Unmapped;
  // READ lets the device read memory, WRITE lets it write (the sun4v attribute sense).
  if (!(it->second.attrs & (device_writes ? kAttrWrite : kAttrRead))) return dev::DmaStatus::NoAccess;
  uint64_t ra = it->second.ra + (bus_addr & (pcie::kIoPageSize - 1));
  return owner->ra_to_pa(ra, 1, pa) ? dev::DmaStatus::Ok : dev::DmaStatus::BadMemory;
}

// A DMA fault: counted, named for vfctl and the trace, and signalled on the DMU's error
// devino (62) when the guest enabled it. The device reports its own error to its driver.
void RootComplex::fault(uint64_t bus_addr, bool device_writes, dev::DmaStatus why) {
  ++counters.dma_faults;
  counters.last_fault_addr = bus_addr;
  counters.last_fault = fmt::format("{} DVMA {:#x} (device {})", dev::to_string(why), bus_addr, device_writes ? "write" : "read");
  if (trace::on(trace::Category::pcie))
    trace::instant(trace::Category::pcie, hv_.trace_ps(), trace::Track::service(name), owner ? owner->name : "", "DMA fault",
                   fmt::format("pcie {}: DMA fault: {}", name, counters.last_fault));
  if (owner)
    if (InterruptSource* s = owner->source(devhandle, pcie::kDmuDevino)) hv_.raise_interrupt(*owner, *s);
}

// A DMA page by page through the IOMMU: a bad page stops it there (what came before it has
// moved), counted as a fault and refused to the device.
dev::DmaStatus RootComplex::walk(uint64_t bus_addr, size_t len, bool device_writes,
                                 const std::function<bool(uint64_t pa, size_t at, size_t n)>& copy) {
  for (size_t done = 0; done < len;) {
    uint64_t a = bus_addr + done, pa;
    size_t n = std::min<size_t>(len - done, pcie::kIoPageSize - (a & (pcie::kIoPageSize - 1)));
    dev::DmaStatus st = translate(a, device_writes, pa);
    if (st == dev::DmaStatus::Ok && !copy(pa, done, n)) st = dev::DmaStatus::BadMemory;
    if (st != dev::DmaStatus::Ok) {
      fault(a, device_writes, st);
      return st;
    }
    done += n;
  }
  (device_writes ? counters.dma_write_bytes : counters.dma_read_bytes) += len;
  return dev::DmaStatus::Ok;
}

dev::DmaStatus RootComplex::dma_read(uint64_t bus_addr, void* dst, size_t len) {
  auto* out = static_cast<uint8_t*>(dst);
  return walk(bus_addr, len, false, [&](uint64_t pa, size_t at, size_t n) { return hv_.machine.mem.read(pa, out + at, n); });
}

dev::DmaStatus RootComplex::dma_write(uint64_t bus_addr, const void* src, size_t len) {
  auto* in = static_cast<const uint8_t*>(src);
  return walk(bus_addr, len, true, [&](uint64_t pa, size_t at, size_t n) { return hv_.machine.mem.write(pa, in + at, n); });
}

// An MSI: the root complex takes the MSI number from the data, and if that MSI is valid,
// bound and idle, appends a 64-byte record to its event queue (research §2: version/type,
// requester, address, data), marks the MSI delivered and raises the queue's devino. A full
// queue goes to the error state and the MSI is lost, as on the hardware.
void RootComplex::msi(uint64_t addr, uint32_t data) {
  bool is32 = addr >= pcie::kMsi32Addr && addr - pcie::kMsi32Addr < pcie::kMsiWindow;
  bool is64 = addr >= pcie::kMsi64Addr && addr - pcie::kMsi64Addr < pcie::kMsiWindow;
  if (!owner || (!is32 && !is64)) {   // an ordinary memory write then: through the IOMMU
    uint8_t b[4] = {uint8_t(data), uint8_t(data >> 8), uint8_t(data >> 16), uint8_t(data >> 24)};
    dma_write(addr, b, 4);
    return;
  }
  unsigned num = unsigned(data & pcie::kMsiDataMask);
  MsiVector& m = msis[num];
  if (!m.valid || !m.bound || m.state != 0) { ++counters.msis_dropped; return; }
  MsiEq& q = eqs[m.msiq];
  uint64_t size = q.entries * pcie::kMsiRecordBytes;
  if (!q.entries || q.state != 0) { ++counters.msis_dropped; return; }
  if ((q.tail + pcie::kMsiRecordBytes) % size == q.head) {
    q.state = 1;   // overflow
    ++counters.msis_dropped;
    return;
  }
  uint64_t words[8] = {is64 ? 3ull : 2ull, 0, 0, 0, uint64_t(pcie::kEndpointBus) << 8, addr, data, 0};
  uint8_t rec[64];
  for (unsigned w = 0; w < 8; ++w)
    for (unsigned i = 0; i < 8; ++i) rec[8 * w + i] = uint8_t(words[w] >> (56 - 8 * i));
  uint64_t pa;
  if (!owner->ra_to_pa(q.ra + q.tail, 64, pa) || !hv_.machine.mem.write(pa, rec, 64)) {
    q.state = 1;
    ++counters.msis_dropped;
    return;
  }
  q.tail = (q.tail + pcie::kMsiRecordBytes) % size;
  m.state = 1;
  ++counters.msis;
  if (trace::on(trace::Category::pcie))
    trace::instant(trace::Category::pcie, hv_.trace_ps(), trace::Track::service(name), owner ? owner->name : "", "MSI",
                   fmt::format("pcie {}: MSI {} -> event queue {} (tail {:#x})", name, num, m.msiq, q.tail));
  if (q.valid) eq_interrupt(unsigned(m.msiq));
}

void RootComplex::eq_interrupt(unsigned n) {
  if (!owner) return;
  if (InterruptSource* s = owner->source(devhandle, pcie::kEqDevino + n))
    if (hv_.raise_interrupt(*owner, *s) && trace::on(trace::Category::pcie))
      trace::instant(trace::Category::pcie, hv_.trace_ps(), trace::Track::service(name), owner->name, "dev mondo",
                     fmt::format("pcie {}: event queue {} -> dev mondo {:#x} to {}/vcpu{}", name, n,
                                 s->cookie ? s->cookie : (devhandle << 16 | s->devino), owner->name, s->target));
}

// A source of this bus set idle (and valid) again: records still in its queue, or an INTx
// still asserted, interrupt again at once (level semantics).
void RootComplex::rearm(InterruptSource& s) {
  if (!owner || s.devhandle != devhandle || !s.valid || s.state != 0) return;
  if (s.devino >= pcie::kEqDevino && s.devino < pcie::kEqDevino + pcie::kMsiEqs) {
    const MsiEq& q = eqs[s.devino - pcie::kEqDevino];
    if (q.entries && q.valid && q.head != q.tail) hv_.raise_interrupt(*owner, s);
  } else if (s.devino >= pcie::kIntxDevino && s.devino < pcie::kIntxDevino + 4) {
    if (intx_ & (1u << (s.devino - pcie::kIntxDevino))) hv_.raise_interrupt(*owner, s);
  }
}

void RootComplex::intx(unsigned pin, bool asserted) {
  if (pin < 1 || pin > 4) return;
  unsigned bit = 1u << (pin - 1);
  bool was = intx_ & bit;
  intx_ = asserted ? intx_ | bit : intx_ & ~bit;
  if (asserted && !was && owner)
    if (InterruptSource* s = owner->source(devhandle, pcie::kIntxDevino + pin - 1)) hv_.raise_interrupt(*owner, *s);
}

uint64_t RootComplex::now() const { return hv_.call_cycles; }
double RootComplex::cycles_per_ns() const { return double(hv_.machine.plat.clock_hz) / 1e9; }
void RootComplex::wake_at(uint64_t cycle) { hv_.rearm_at(cycle); }

// Each direction of the link carries one transfer after another: bytes plus the per-TLP
// overhead at the raw rate.
uint64_t RootComplex::link_transfer(uint64_t start, uint64_t bytes, bool upstream) {
  uint64_t tlps = (bytes + timing.max_payload - 1) / timing.max_payload;
  double ns = double(bytes + tlps * timing.tlp_overhead) / timing.raw_bytes_per_ns;
  uint64_t& free = upstream ? link_free_up_ : link_free_down_;
  uint64_t begin = std::max(start, free);
  free = begin + uint64_t(std::ceil(ns * cycles_per_ns()));
  return free;
}

// What the device behind the bus says (the NVMe model's commands and completions).
bool RootComplex::tracing() const { return trace::on(trace::Category::nvme); }
void RootComplex::trace(const std::string& line) {
  if (trace::on(trace::Category::nvme))
    trace::instant(trace::Category::nvme, hv_.trace_ps(), trace::Track::service(name), owner ? owner->name : "",
                   line.substr(0, line.find(':')), fmt::format("pcie {}: {}", name, line));
}

void RootComplex::run(uint64_t now) {
  if (ep_ && owner) ep_->run(now);
}

// Declared state (section "pcie NAME").
void RootComplex::save(state::Encoder& e) const {
  e.u32(1);   // version
  e.str(owner ? owner->name : "");
  e.u32(uint32_t(iommu.size()));
  for (const auto& [i, t] : iommu) e.u64(i), e.u64(t.ra), e.u64(t.attrs);
  for (const MsiEq& q : eqs) e.u64(q.ra), e.u64(q.entries), e.u8(q.valid), e.u64(q.state), e.u64(q.head), e.u64(q.tail);
  for (const MsiVector& m : msis) e.u8(m.valid), e.u8(m.bound), e.u64(m.state), e.u64(m.msiq), e.u64(m.type);
  for (const MsgRoute& m : msgs) e.u8(m.valid), e.u8(m.bound), e.u64(m.msiq);
  e.u32(intx_);
  e.u64(link_free_up_), e.u64(link_free_down_);
  port_.save(e);
  e.u8(ep_ ? 1 : 0);
  if (ep_) e.str(ep_->name()), ep_->save(e);
}

void RootComplex::load(state::Decoder& d) {
  uint32_t v = d.u32();
  if (v != 1) d.fail(fmt::format("{} state version {} (this vfsim reads 1)", name, v));
  std::string who = d.str();
  if (who != (owner ? owner->name : ""))
    d.fail(fmt::format("{} belonged to {} in the snapshot, to {} here", name, who.empty() ? "no domain" : who,
                       owner ? owner->name : "no domain"));
  std::map<uint64_t, IommuTte> map;
  for (uint32_t n = d.u32(); n--;) {
    uint64_t i = d.u64();
    IommuTte t{d.u64(), d.u64()};
    if (i >= pcie::kTsbEntries) d.fail(fmt::format("{}: IOMMU entry {} outside the TSB", name, i));
    map[i] = t;
  }
  decltype(eqs) q{};
  for (MsiEq& x : q) {
    x.ra = d.u64(), x.entries = d.u64(), x.valid = d.u8(), x.state = d.u64(), x.head = d.u64(), x.tail = d.u64();
    if (x.entries && x.entries != pcie::kMsiEqRecords) d.fail(name + ": an event queue of a size this root complex has not");
    if (x.head >= pcie::kMsiEqBytes || x.tail >= pcie::kMsiEqBytes || x.head % 64 || x.tail % 64) d.fail(name + ": event queue head/tail out of range");
  }
  decltype(msis) m{};
  for (MsiVector& x : m) {
    x.valid = d.u8(), x.bound = d.u8(), x.state = d.u64(), x.msiq = d.u64(), x.type = d.u64();
    if (x.msiq >= pcie::kMsiEqs) d.fail(name + ": an MSI bound to a queue this root complex has not");
  }
  decltype(msgs) g{};
  for (MsgRoute& x : g) {
    x.valid = d.u8(), x.bound = d.u8(), x.msiq = d.u64();
    if (x.msiq >= pcie::kMsiEqs) d.fail(name + ": a message routed to a queue this root complex has not");
  }
  unsigned ix = d.u32();
  uint64_t up = d.u64(), down = d.u64();
  port_.load(d);
  bool has = d.u8();
  if (has != bool(ep_)) d.fail(fmt::format("{}: the snapshot has {} device behind it, this host {}", name, has ? "a" : "no", ep_ ? "has one" : "none"));
  if (has) {
    std::string dn = d.str();
    if (dn != ep_->name()) d.fail(fmt::format("{}: device {} in the snapshot, {} here", name, dn, ep_->name()));
    ep_->load(d);
  }
  iommu = std::move(map), eqs = q, msis = m, msgs = g, intx_ = ix & 0xf, link_free_up_ = up, link_free_down_ = down;
}

std::string pcie_table(const Hypervisor& hv) {
  std::string out = fmt::format("{:<9}{:<11}{:>12}{:>12}{:>8}{:>8}  {}\n", "BUS", "OWNER", "DMA-READ", "DMA-WRITE", "MSIS",
                                "FAULTS", "DEVICE");
  for (const auto& r : hv.roots) {
    const RootComplex::Counters& c = r->counters;
    out += fmt::format("{:<9}{:<11}{:>12}{:>12}{:>8}{:>8}  {}\n", r->name, r->owner ? r->owner->name : "-", c.dma_read_bytes,
                       c.dma_write_bytes, c.msis, c.dma_faults, r->endpoint() ? r->endpoint()->describe() : "(empty slot)");
    if (!c.last_fault.empty()) out += fmt::format("    last fault: {}\n", c.last_fault);
  }
  return out;
}

}  // namespace vfsim::hv
