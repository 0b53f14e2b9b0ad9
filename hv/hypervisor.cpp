#include "hv/hypervisor.h"
#include "sim/trace/trace.h"
#include "hv/pcie_root_complex.h"

#include "hv/console_link.h"
#include "hv/device_events.h"
#include "hv/ldc_service.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "hv/guest_md.h"
#include "hv/hcall.h"
#include "sim/isa/elf_image.h"
#include "sim/isa/disasm.h"
#include "sim/state/codec.h"

namespace vfsim::hv {

using namespace isa;

const char* status_name(uint64_t s) {
  static const char* const kNames[] = {"EOK", "ENOCPU", "ENORADDR", "ENOINTR", "EBADPGSZ", "EBADTSB",
                                       "EINVAL", "EBADTRAP", "EBADALIGN", "EWOULDBLOCK", "ENOACCESS",
                                       "EIO", "ECPUERROR", "ENOTSUPPORTED", "ENOMAP", "ETOOMANY",
                                       "ECHANNEL", "EBUSY"};
  return s < sizeof kNames / sizeof kNames[0] ? kNames[s] : "E?";
}

namespace {

struct HcallSpec {
  const char* name;
  unsigned trap, fn, group, major, minor, nargs, nres;
  uint64_t (*handler)(Call&);
};
const HcallSpec kHcalls[] = {
#define HCALL(name, trap, fn, group, major, minor, nargs, nres) \
  {#name, trap, fn, group, major, minor, nargs, nres, hc_##name},
#include "hv/hcall_table.def"
#undef HCALL
};

const HcallSpec* find_hcall(unsigned trap, uint64_t fn) {
  for (const HcallSpec& h : kHcalls)
    if (h.trap == trap && (trap == TRAP_MMU_MAP_ADDR || trap == TRAP_MMU_UNMAP_ADDR || h.fn == fn)) return &h;
  return nullptr;
}

}  // namespace

// A vCPU's registers as the sun4v boot convention leaves them (docs/hypervisor.md): MMU off,
// TL 0, PSTATE = PRIV, timers disarmed, no translations cached.
void Hypervisor::reset_vcpu(Vcpu& v, uint64_t pc, uint64_t tba, uint64_t o0, uint64_t o1) {
  cmt::Strand& s = machine.strand(v.strand);
  StrandState& st = s.state;
  std::memset(st.reg, 0, sizeof st.reg);
  std::memset(st.win, 0, sizeof st.win);
  std::memset(st.globals, 0, sizeof st.globals);
  std::memset(st.f, 0, sizeof st.f);
  std::memset(st.scratchpad, 0, sizeof st.scratchpad);
  st.cwp = 0; st.cansave = kNWindows - 2; st.canrestore = 0; st.otherwin = 0;
  st.cleanwin = kNWindows - 2; st.wstate = 0; st.gl = 0; st.tl = 0;
  st.pstate = PSTATE_PRIV; st.fprs = 0; st.fsr = 0; st.gsr = 0; st.y = 0; st.ccr = 0; st.asi = 0;
  st.pil = 0; st.softint = 0; st.tba = tba;
  st.tick_cmpr = st.stick_cmpr = 1ull << 63;   // INT_DIS: no timer interrupt until armed
  st.pc = pc;
  st.npc = pc + 4;
  st.set_r(8, o0);
  st.set_r(9, o1);
  st.tlb.flush();
  s.interp.invalidate_all();
  s.queue_pending = false;
  s.stick_fired = ~0ull;
  v.rtba = tba;
  v.mmu_enabled = false;
  v.tlb.clear();
  update_queue_pending(v);
}

Hypervisor::Hypervisor(cmt::BareMachine& m) : machine(m), owners_(m.plat.strands()), mmus_(m.plat.strands()) {
  events_ = std::make_unique<DeviceEvents>(sc_core::sc_gen_unique_name("hv_device_events"), *this);
  machine.host = this;
  machine.model_tlbs = true;   // guests run translated: charge ITLB/DTLB misses
  for (size_t i = 0; i < m.plat.pcie_roots.size(); ++i)
    roots.push_back(std::make_unique<RootComplex>(*this, m.plat.pcie_roots[i], unsigned(i)));
  // Guest loads and stores to device space (sun4v_mmu.cpp) reach the buses the guest owns.
  io_claims = [this](Guest& g, uint64_t ra) { return owned_window(g, ra, 1) != nullptr; };
  io_handler = [this](Guest& g, uint64_t ra, unsigned size, bool write, uint64_t& v) { return pcie_io(g, ra, size, write, v); };
}

Hypervisor::~Hypervisor() {
  if (machine.host == this) machine.host = nullptr;
}

Guest& Hypervisor::create_guest(const GuestConfig& c) {
  const platform::Platform& p = machine.plat;
  for (const auto& g : guests)
    if (g->name == c.name) throw HvError(fmt::format("a guest named '{}' exists already", c.name));
  std::vector<unsigned> strands = c.strands;
  if (strands.empty()) {
    for (unsigned s = 0; s < p.strands() && strands.size() < c.vcpus; ++s)
      if (!owners_[s].guest) strands.push_back(s);
    if (strands.size() < c.vcpus)
      throw HvError(fmt::format("guest '{}': {} vCPUs requested, only {} strands free on {}", c.name, c.vcpus,
                                strands.size(), p.name));
  }
  if (strands.empty()) throw HvError(fmt::format("guest '{}': no vCPUs", c.name));
  for (size_t i = 0; i < strands.size(); ++i) {
    if (strands[i] >= p.strands())
      throw HvError(fmt::format("guest '{}': strand {} does not exist on {} (0..{})", c.name, strands[i], p.name,
                                p.strands() - 1));
    if (owners_[strands[i]].guest || std::count(strands.begin(), strands.end(), strands[i]) > 1)
      throw HvError(fmt::format("guest '{}': strand {} is already bound", c.name, strands[i]));
  }
  if (c.mblocks.empty() && c.layout.empty()) throw HvError(fmt::format("guest '{}': no memory", c.name));
  // A crypto unit serves the strands of its own core: a guest may only own one on a core
  // where it has a vCPU (the rule ldm enforces), and each unit and bus has one owner.
  for (unsigned core : c.crypto_units) {
    if (!p.crypto_unit_per_core || core >= p.cores())
      throw HvError(fmt::format("guest '{}': no crypto unit {} on {}", c.name, core, p.name));
    if (std::none_of(strands.begin(), strands.end(), [&](unsigned s) { return s / p.strands_per_core == core; }))
      throw HvError(fmt::format("guest '{}': crypto unit {} needs a vCPU on core {}", c.name, core, core));
    for (const auto& g : guests)
      if (std::count(g->crypto_units.begin(), g->crypto_units.end(), core))
        throw HvError(fmt::format("guest '{}': crypto unit {} is already bound to '{}'", c.name, core, g->name));
  }
  for (const std::string& bus : c.pcie_buses) {
    if (std::find(p.pcie_roots.begin(), p.pcie_roots.end(), bus) == p.pcie_roots.end())
      throw HvError(fmt::format("guest '{}': no PCIe root complex {} on {}", c.name, bus, p.name));
    for (const auto& g : guests)
      if (std::count(g->pcie_buses.begin(), g->pcie_buses.end(), bus))
        throw HvError(fmt::format("guest '{}': {} is already bound to '{}'", c.name, bus, g->name));
  }
  auto g = std::make_unique<Guest>();
  g->id = unsigned(guests.size());
  g->name = c.name;
  g->crypto_units = c.crypto_units;
  g->pcie_buses = c.pcie_buses;
  for (const Mblock& m : c.layout) {   // explicit placement: must not overlap anyone's memory
    if (m.size == 0 || m.size % kMblockAlign || m.ra % kMblockAlign || m.pa % kMblockAlign ||
        m.size > p.memory_bytes || m.pa > p.memory_bytes - m.size)   // (no wrap-around)
      throw HvError(fmt::format("guest '{}': memory block RA {:#x} PA {:#x} size {:#x} is not 4 MB aligned "
                                "or outside memory", c.name, m.ra, m.pa, m.size));
    for (const auto& other : guests)
      for (const Mblock& o : other->memory)
        if (m.pa < o.pa + o.size && o.pa < m.pa + m.size)
          throw HvError(fmt::format("guest '{}': memory at PA {:#x} belongs to '{}'", c.name, m.pa, other->name));
    g->memory.push_back(m);
  }
  uint64_t ra = kGuestRaBase, pa = next_pa_;
  for (uint64_t size : c.layout.empty() ? c.mblocks : std::vector<uint64_t>{}) {
    if (size == 0 || size % kMblockAlign)
      throw HvError(fmt::format("guest '{}': memory block of {:#x} bytes is not a multiple of 4 MB", c.name, size));
    if (size > p.memory_bytes || pa > p.memory_bytes - size)   // (no wrap-around)
      throw HvError(fmt::format("guest '{}': not enough free memory for {} MB more on {}", c.name, size >> 20, p.name));
    for (const auto& other : guests)   // a domain placed with explicit PAs may lie ahead
      for (const Mblock& o : other->memory)
        if (pa < o.pa + o.size && o.pa < pa + size)
          throw HvError(fmt::format("guest '{}': the next free memory at PA {:#x} belongs to '{}' (placed there)",
                                    c.name, pa, other->name));
    g->memory.push_back({ra, size, pa});
    pa += size;
    // The next block starts at the next 256 MB boundary past a hole, so blocks are never
    // contiguous in real address space (guests must use the MD, not assume one range).
    ra = (ra + size + (256ull << 20)) & ~((256ull << 20) - 1);
  }
  next_pa_ = pa;
  // Room for every strand of the machine: live DR adds vCPUs without moving the others,
  // whose addresses the strands' MMUs and owners_ keep.
  g->vcpus.reserve(p.strands());
  for (size_t i = 0; i < strands.size(); ++i) {
    Vcpu v;
    v.id = unsigned(i);
    v.strand = strands[i];
    g->vcpus.push_back(v);
  }
  GuestResources res;
  res.domain = c.name;
  res.strands = strands;
  for (const Mblock& m : g->memory) res.memory.push_back({m.ra, m.size});
  res.variables = c.variables;
  res.crypto_units = c.crypto_units;
  res.pcie_buses = c.pcie_buses;
  g->md = md::encode(build_guest_md(p, res));
  g->md_inputs = res;
  // The console is interrupt source (0x100, 0x11) as its MD node says.
  InterruptSource cons;
  cons.devhandle = 0x100;
  cons.devino = 0x11;
  g->intr.push_back(cons);
  // Its crypto units: their queues, and an interrupt source for each (docs/crypto.md).
  for (unsigned core : c.crypto_units) {
    CryptoUnit u;
    u.core = core;
    u.cwq_intr.devhandle = kNcsCwqDevhandle;
    u.mau_intr.devhandle = kNcsMauDevhandle;
    u.cwq_intr.devino = u.mau_intr.devino = core;
    g->spu.push_back(u);
  }
  Guest& ref = *g;
  guests.push_back(std::move(g));
  for (Vcpu& v : ref.vcpus) attach_vcpu(ref, v);
  for (const std::string& bus : c.pcie_buses) {   // its interrupt sources too
    root(bus)->bypass = std::count(c.pcie_bypass.begin(), c.pcie_bypass.end(), bus) > 0;
    root(bus)->set_owner(&ref);
  }
  return ref;
}

void Hypervisor::attach_vcpu(Guest& g, Vcpu& v) {
  owners_[v.strand] = {&g, &v};
  cmt::Strand& s = machine.strand(v.strand);
  mmus_[v.strand] = std::make_unique<GuestMmu>(*this, g, v, s, machine.mem);
  s.state.mem = mmus_[v.strand].get();
  s.state.stick_offset = g.stick_offset;   // the strand shows the guest's time
}

void Hypervisor::detach_vcpu(const Vcpu& v) {   // the strand is nobody's again
  owners_[v.strand] = {};
  machine.strand(v.strand).state.mem = &machine.port;
  machine.strand(v.strand).state.stick_offset = 0;
  mmus_[v.strand].reset();
}

void Hypervisor::rebuild_md(Guest& g) {
  GuestResources& res = g.md_inputs;
  ++res.md_generation;
  g.md = md::encode(build_guest_md(machine.plat, res));
  if (trace::on(trace::Category::md)) {
    trace::Event e(trace::Category::md, trace::Phase::Instant, trace_ps(), trace::Track::domain(g.name), g.name, "md rebuilt");
    e.arg("generation", res.md_generation).arg("bytes", uint64_t(g.md.size()));
    e.text = fmt::format("md   {}  rebuilt: generation {}, {} bytes", g.name, res.md_generation, g.md.size());
    trace::emit(std::move(e));
  }
}

void Hypervisor::load_image(Guest& g, const std::string& path) {
  ElfFile e = read_elf(path, "vfsim-hv");
  for (const ElfSegment& sg : e.segments) {
    uint64_t pa;
    if (!g.ra_to_pa(sg.paddr, sg.memsz, pa))
      throw HvError(fmt::format("{}: segment at real address {:#x} (+{:#x}) is outside guest '{}' memory", path,
                                sg.paddr, sg.memsz, g.name));
    machine.mem.write(pa, sg.data, sg.filesz);
    std::vector<uint8_t> zero(sg.memsz - sg.filesz);
    machine.mem.write(pa + sg.filesz, zero.data(), zero.size());
  }
  if (!g.ra_ok(e.entry, 4))
    throw HvError(fmt::format("{}: entry point {:#x} is outside guest '{}' memory", path, e.entry, g.name));
  g.boot_entry = e.entry;
}

void Hypervisor::boot(Guest& g) {
  stop_guest(g);
  g.exited = false;
  g.exit_code = 0;
  g.api.clear();
  g.perm.clear();
  for (Vcpu& x : g.vcpus) {   // a fresh boot: no queues, TSBs or fault area from before
    x.queues = {};
    x.tsb_ctx0.clear();
    x.tsb_ctxnon0.clear();
    x.fault_area = 0;
    x.primary_ctx = x.secondary_ctx = 0;
  }
  for (auto& r : roots)   // a boot resets the domain's buses: IOMMU, queues, devices
    if (r->owner == &g) r->set_owner(&g);
  Vcpu& v = g.vcpus[0];
  reset_vcpu(v, g.boot_entry, 0, g.memory[0].ra, g.memory_bytes());
  v.state = CPU_STATE_RUNNING;
  machine.core_of(v.strand).start(v.strand % machine.plat.strands_per_core);
  events_->rearm();   // what its services still hold falls due again
}

void Hypervisor::stop_guest(Guest& g) {
  for (Vcpu& v : g.vcpus)
    if (v.state != CPU_STATE_STOPPED) stop_vcpu(g, v, CPU_STATE_STOPPED);
  events_->rearm();
}

void Hypervisor::destroy_guest(Guest& g) {
  stop_guest(g);
  dirty_log_stop(g);
  for (auto& other : guests)   // channels to this guest go down for good on the other side
    for (LdcEndpoint& e : other->ldc)
      if (e.peer == &g) e.peer = nullptr;
  for (LdcEndpoint& e : g.ldc)   // services drop what they kept for this guest
    if (e.service) e.service->forget(g);
  for (auto& other : guests) {   // pages of ours mapped in elsewhere go away
    size_t before = other->mapins.size();
    for (auto it = other->mapins.begin(); it != other->mapins.end();)
      it = it->second.exporter == &g ? other->mapins.erase(it) : std::next(it);
    if (other->mapins.size() != before)
      for (Vcpu& v : other->vcpus) flush_translations(v);
  }
  for (Vcpu& v : g.vcpus) detach_vcpu(v);
  for (auto& r : roots)   // its buses are free again; their devices stay in the slots
    if (r->owner == &g) r->set_owner(nullptr);
  // Its memory is scrubbed before anyone else can be given it: a domain bound later to the
  // same physical memory must not read this one's data (and the pages cost nothing again).
  for (const Mblock& m : g.memory) machine.mem.discard(m.pa, m.size);
  for (size_t i = 0; i < guests.size(); ++i)
    if (guests[i].get() == &g) {
      guests.erase(guests.begin() + long(i));
      break;
    }
}

void Hypervisor::set_variables(Guest& g, const std::map<std::string, std::string>& vars) {
  GuestResources& res = g.md_inputs;
  res.variables = vars;
  rebuild_md(g);
}

RootComplex* Hypervisor::root(const std::string& name) const {
  for (const auto& r : roots)
    if (r->name == name) return r.get();
  return nullptr;
}

RootComplex* Hypervisor::root_by_handle(uint64_t devhandle) const {
  for (const auto& r : roots)
    if (r->devhandle == devhandle) return r.get();
  return nullptr;
}

RootComplex* Hypervisor::owned_window(const Guest& g, uint64_t ra, unsigned size) const {
  for (const auto& r : roots)
    if (r->owner == &g && r->in_windows(ra, size)) return r.get();
  return nullptr;
}

bool Hypervisor::pcie_io(Guest& g, uint64_t ra, unsigned size, bool write, uint64_t& v) {
  RootComplex* r = owned_window(g, ra, size);
  return r && (write ? r->mmio_write(ra, size, v) : r->mmio_read(ra, size, v));
}

Guest* Hypervisor::find_guest(const std::string& name) {
  for (auto& g : guests)
    if (g->name == name) return g.get();
  return nullptr;
}

uint64_t Hypervisor::trace_ps() const {
  return std::max<uint64_t>(trace::cycles_to_ps(call_cycles), sc_core::sc_time_stamp().value());
}

uint64_t Hypervisor::now_cycles(const Vcpu& v) { return machine.core_of(v.strand).cycles; }
double Hypervisor::now_seconds() const { return sc_core::sc_time_stamp().to_seconds(); }

namespace {
std::string printable(const uint8_t* p, unsigned n) {
  std::string s;
  for (unsigned i = 0; i < n; ++i)
    s += p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\' ? std::string(1, char(p[i])) : fmt::format("\\x{:02x}", p[i]);
  return s;
}
void trace_console(const Hypervisor& hv, const Guest& g, bool to_vcc, const uint8_t* p) {
  trace::Event e(trace::Category::console, trace::Phase::Instant, hv.trace_ps(),
                 trace::Track::domain(g.name), g.name, to_vcc ? "console out" : "console in");
  std::string text = printable(p + 8, std::min<unsigned>(p[1], kConsPayload));
  e.arg("type", p[0] == CONS_PKT_DATA ? "DATA" : "CONTROL").arg("size", uint64_t(p[1])).arg("text", text);
  std::string hv_side = g.name + "/hv";
  e.text = fmt::format("cons {} -> {}  {} size={} \"{}\"", to_vcc ? hv_side : "vcc", to_vcc ? "vcc" : hv_side,
                       p[0] == CONS_PKT_DATA ? "DATA" : "CONTROL", p[1], text);
  trace::emit(std::move(e));
}
}  // namespace

void Hypervisor::console_write(Guest& g, const std::string& text) {
  if (g.console_link) {   // to the vcc, in console packets
    for (size_t at = 0; at < text.size(); at += kConsPayload) {
      uint8_t pkt[64] = {CONS_PKT_DATA, uint8_t(std::min<size_t>(kConsPayload, text.size() - at))};
      std::memcpy(pkt + 8, text.data() + at, pkt[1]);
      if (trace::on(trace::Category::console)) trace_console(*this, g, true, pkt);
      g.console_link->from_guest(*this, g, pkt);
    }
  } else {
    g.console += text;
  }
  if (!console_out) return;
  std::string& buf = g.console_line;
  buf += text;
  size_t nl;
  while ((nl = buf.find('\n')) != std::string::npos) {
    if (prefix_console) *console_out << '[' << g.name << "] ";
    *console_out << buf.substr(0, nl + 1) << std::flush;
    buf.erase(0, nl + 1);
  }
}

uint64_t Hypervisor::read_be64(uint64_t pa) {
  uint8_t b[8] = {};
  machine.mem.read(pa, b, 8);
  return state::be64(b);
}

void Hypervisor::write_be64(uint64_t pa, uint64_t v) {
  uint8_t b[8];
  state::put_be(b, 8, v);
  machine.mem.write(pa, b, 8);
}

void Hypervisor::flush_translations(Vcpu& v) {
  cmt::Strand& s = machine.strand(v.strand);
  s.state.tlb.flush();
  s.interp.invalidate_all();
}

void Hypervisor::stop_vcpu(Guest& g, Vcpu& v, uint64_t state) {
  (void)g;
  v.state = state;
  v.suspended = false;   // a stopped guest is not suspended any more
  machine.core_of(v.strand).stop(v.strand % machine.plat.strands_per_core);
}

void Hypervisor::exit_guest(Guest& g, uint64_t code) {
  if (!g.exited) {
    g.exited = true;
    g.exit_code = code;
  }
  for (Vcpu& v : g.vcpus)
    if (v.state == CPU_STATE_RUNNING) stop_vcpu(g, v, CPU_STATE_STOPPED);
  events_->rearm();   // its pending device events must not keep the simulation going
  if (!machine.exit_code && code) machine.exit_code = int(code & 0xff) ? int(code & 0xff) : 1;
}

void Hypervisor::update_queue_pending(Vcpu& v) {
  bool pending = false;
  for (unsigned q = 0; q < 3; ++q)   // the non-resumable queue is not watched by hardware
    pending |= v.queues[q].entries && v.queues[q].head != v.queues[q].tail;
  machine.strand(v.strand).queue_pending = pending;
}

bool Hypervisor::enqueue(Guest& g, Vcpu& v, unsigned queue, const uint8_t entry[64], uint64_t flow) {
  InterruptQueue& q = v.queue(queue);
  uint64_t pa;
  if (!q.entries || q.full() || !g.ra_to_pa(q.base_ra + q.tail, kQueueEntryBytes, pa)) return false;
  machine.mem.write(pa, entry, kQueueEntryBytes);
  if (flow && queue <= Q_DEV_MONDO) v.mondo_flows[queue - Q_CPU_MONDO].at[q.tail] = flow;
  q.tail = (q.tail + kQueueEntryBytes) & (q.entries * kQueueEntryBytes - 1);
  update_queue_pending(v);
  if (v.runs()) machine.core_of(v.strand).wake(v.strand % machine.plat.strands_per_core);   // not a suspended one
  return true;
}

void Hypervisor::deliver_trap(cmt::Core& core, unsigned slot, unsigned tt) {
  cmt::Strand& s = *core.strands[slot];
  StrandState& st = s.state;
  Owner o = owner(s.id);
  // Guests own trap levels 1..2 (sun4v MAXPTL); a trap beyond that, or before the guest
  // has a trap table, is what real firmware turns into a guest watchdog reset: here the vCPU
  // goes to the error state with a message on the guest's console.
  if (st.tl >= 2 || st.tba == 0) {
    uint32_t word = 0;
    uint64_t pa;
    if (!o.vcpu->mmu_enabled && o.guest->ra_to_pa(st.pc, 4, pa)) {
      machine.mem.read(pa, &word, 4);
      word = __builtin_bswap32(word);
    }
    console_write(*o.guest, fmt::format("[hv: vcpu {} {} at pc {:#x}{} with {}; vcpu stopped in error state]\n",
                                        o.vcpu->id, trap_name(Trap(tt)), st.pc,
                                        word ? fmt::format(" ({})", disassemble(word, st.pc)) : "",
                                        st.tba == 0 ? "no trap table (TBA 0)" : "TL already 2"));
    stop_vcpu(*o.guest, *o.vcpu, CPU_STATE_ERROR);
    bool any = false;
    for (const Vcpu& v : o.guest->vcpus) any |= v.state == CPU_STATE_RUNNING;
    if (!any) exit_guest(*o.guest, 128 + 4);
    return;
  }
  st.enter_trap(tt);
}

bool Hypervisor::on_trap(cmt::Core& core, unsigned slot, Trap t) {
  cmt::Strand& s = *core.strands[slot];
  Owner o = owner(s.id);
  if (!o.guest) return false;
  if (t >= TT_TRAP_INSTRUCTION + 0x80 && t <= TT_TRAP_INSTRUCTION + 0xff && s.state.privileged()) {
    dispatch(core, slot, t - TT_TRAP_INSTRUCTION);
  } else {
    if (t == TT_MEM_ADDRESS_NOT_ALIGNED || t == TT_LDDF_MEM_ADDRESS_NOT_ALIGNED ||
        t == TT_STDF_MEM_ADDRESS_NOT_ALIGNED) {
      // sun4v reports the misaligned address in the D-side fault area (guests read it from
      // there): recompute it from the trapping load/store.
      const StrandState& st = s.state;
      if (const Insn* in = s.interp.insn_at(st.pc)) {
        uint64_t ea = st.r(in->rs1);
        if (in->spec->fmt != Fmt::Cas) ea += in->use_imm ? uint64_t(in->imm) : st.r(in->rs2);
        mmus_[s.id]->record_fault(false, FT_UNALIGNED, ea, st.tl > 0 ? 0 : o.vcpu->primary_ctx);
      }
    }
    deliver_trap(core, slot, t);
  }
  return core.running[slot];
}

void Hypervisor::console_packet(Guest& g, const uint8_t pkt[64]) {
  if (trace::on(trace::Category::console)) trace_console(*this, g, false, pkt);
  if (pkt[0] == CONS_PKT_DATA && pkt[1] <= kConsPayload)
    console_input(g, std::string(reinterpret_cast<const char*>(pkt + 8), pkt[1]));
  // CONTROL (BREAK, HUP): nothing the runtime acts on
}

void Hypervisor::console_input(Guest& g, const std::string& text) {
  g.console_input += text;
  raise_interrupt(g, g.intr[0]);   // the console is the guest's first source
}

// A device interrupt: when the source is valid and idle, its cookie (or sysino) goes to the
// target vCPU's device mondo queue and the source waits in "delivered" until the guest
// sets it idle again (the sun4v end-of-interrupt).
bool Hypervisor::raise_interrupt(Guest& g, InterruptSource& src) {
  if (!src.valid || src.state != 0) return false;
  Vcpu* v = g.vcpu(src.target);
  if (!v) return false;
  uint8_t entry[64] = {};
  uint64_t word0 = src.cookie ? src.cookie : (src.devhandle << 16 | src.devino);
  for (unsigned i = 0; i < 8; ++i) entry[i] = uint8_t(word0 >> (56 - 8 * i));
  uint64_t flow = trace::on(trace::Category::intr) ? trace::new_flow() : 0;
  if (!enqueue(g, *v, Q_DEV_MONDO, entry, flow)) return false;
  src.state = 2;
  if (flow) {   // on the channel's track for a channel's interrupt, else the domain's
    trace::Event e(trace::Category::intr, trace::Phase::Instant, trace_ps(),
                   src.devhandle == kChannelDevhandle ? trace::Track::channel(g.name, src.devino / 2) : trace::Track::domain(g.name),
                   g.name, "dev mondo");
    e.flow_out = flow;
    e.arg("devhandle", src.devhandle).arg("devino", src.devino).arg("cookie", src.cookie).arg("target", uint64_t(v->id));
    e.text = fmt::format("intr {}  dev mondo devhandle={:#x} devino={:#x} cookie={:#x} -> vcpu{}", g.name, src.devhandle, src.devino,
                         src.cookie, v->id);
    trace::emit(std::move(e));
  }
  return true;
}

// The vCPU takes a mondo trap: one event per traced mondo waiting in the queue, each ending
// the flow its send began (their flows are forgotten: a second trap before the guest moves
// its head does not end them again); one plain event when none of them was traced.
void Hypervisor::trace_take(const cmt::Core& core, Guest& g, Vcpu& v, unsigned q, unsigned tt) {
  const InterruptQueue& iq = v.queues[q];
  uint64_t size = iq.entries * kQueueEntryBytes, waiting = ((iq.tail - iq.head) & (size - 1)) / kQueueEntryBytes;
  static const char* const kNames[3] = {"cpu mondo", "dev mondo", "resumable error"};
  bool any = false;
  auto emit = [&](uint64_t offset, uint64_t flow) {
    trace::Event e(trace::Category::intr, trace::Phase::Instant, trace::cycles_to_ps(core.cycles),
                   trace::Track::vcpu(g.name, v.id), g.name, fmt::format("take {}", kNames[q]));
    e.flow_in = flow;
    e.arg("tt", uint64_t(tt)).arg("offset", offset).arg("waiting", waiting);
    if (!any)
      e.text = fmt::format("intr {}/vcpu{}  takes {} (TT {:#x}), {} waiting", g.name, v.id, kNames[q], tt, waiting);
    any = true;
    trace::emit(std::move(e));
  };
  if (q < 2) v.mondo_flows[q].take(iq.head, iq.tail, size, emit);
  if (!any) emit(iq.head, 0);
}

// An error report (64 bytes, reference §3.2) for a vCPU: resumable errors go to the
// resumable queue, which the core watches; non-resumable ones are queued and the
// hypervisor vectors the vCPU to TT 0x7f itself.
bool Hypervisor::report_error(Guest& g, Vcpu& v, bool resumable, uint8_t type, uint32_t attrs, uint64_t ra,
                              uint32_t size) {
  uint8_t e[64] = {};
  auto put = [&](unsigned off, unsigned bytes, uint64_t val) {
    for (unsigned i = 0; i < bytes; ++i) e[off + i] = uint8_t(val >> (8 * (bytes - 1 - i)));
  };
  put(0x00, 8, next_error_handle_++);
  put(0x08, 8, now_cycles(v) + g.stick_offset);   // %stick at the error: the guest's time
  put(0x13, 1, type);
  put(0x14, 4, attrs);
  put(0x18, 8, ra);
  put(0x20, 4, size);
  put(0x24, 2, v.id);
  if (!enqueue(g, v, resumable ? Q_RESUMABLE : Q_NONRESUMABLE, e)) return false;
  if (!resumable && v.runs()) {   // a suspended vCPU is not vectored: the entry waits in its queue
    cmt::Core& core = machine.core_of(v.strand);
    deliver_trap(core, v.strand % machine.plat.strands_per_core, TT_NONRESUMABLE_ERROR);
  }
  return true;
}

// The timing model's translation questions go to the strand's sun4v MMU (a strand no guest
// owns runs nothing that reaches memory).
bool Hypervisor::timing_translate(cmt::Core& core, unsigned slot, uint64_t va, isa::Access acc, uint8_t asi,
                                  uint64_t& pa, unsigned& page_shift) {
  cmt::Strand& s = *core.strands[slot];
  const GuestMmu* mmu = mmus_[s.id].get();
  return mmu && mmu->peek(s.state, va, acc, asi, pa, page_shift);
}

unsigned Hypervisor::tablewalk(cmt::Core& core, unsigned slot, uint64_t va, bool fetch, uint64_t* pas, unsigned max) {
  cmt::Strand& s = *core.strands[slot];
  const GuestMmu* mmu = mmus_[s.id].get();
  return mmu ? mmu->walk_probes(s.state, va, fetch, pas, max) : 0;
}

void Hypervisor::on_interrupt(cmt::Core& core, unsigned slot) {
  cmt::Strand& s = *core.strands[slot];
  StrandState& st = s.state;
  Owner o = owner(s.id);
  if (!o.vcpu) return;
  // Mondo and error queues first (sun4v priority 16), then SOFTINT levels above PIL.
  static const unsigned kQueueTrap[3] = {TT_CPU_MONDO, TT_DEV_MONDO, TT_RESUMABLE_ERROR};
  for (unsigned q = 0; q < 3; ++q) {
    const InterruptQueue& iq = o.vcpu->queues[q];
    if (iq.entries && iq.head != iq.tail) {
      if (trace::on(trace::Category::intr)) trace_take(core, *o.guest, *o.vcpu, q, kQueueTrap[q]);
      deliver_trap(core, slot, kQueueTrap[q]);
      return;
    }
  }
  uint32_t levels = st.softint_levels();
  for (unsigned level = 15; level > st.pil; --level)
    if (levels & (1u << level)) {
      if (trace::on(trace::Category::intr)) {
        trace::Event e(trace::Category::intr, trace::Phase::Instant, trace::cycles_to_ps(core.cycles),
                       trace::Track::vcpu(o.guest->name, o.vcpu->id), o.guest->name, fmt::format("interrupt level {}", level));
        e.arg("level", uint64_t(level)).arg("pil", uint64_t(st.pil)).arg("softint", uint64_t(st.softint));
        e.text = fmt::format("intr {}/vcpu{}  takes interrupt_level_{} (pil {}, softint {:#x})", o.guest->name, o.vcpu->id, level,
                             st.pil, st.softint);
        trace::emit(std::move(e));
      }
      deliver_trap(core, slot, TT_INTERRUPT_LEVEL_1 + level - 1);
      return;
    }
}

void Hypervisor::dispatch(cmt::Core& core, unsigned slot, unsigned trap) {
  cmt::Strand& s = *core.strands[slot];
  StrandState& st = s.state;
  Owner o = owner(s.id);
  Call c{*this, *o.guest, *o.vcpu, core, slot, st, *mmus_[s.id]};
  call_cycles = core.cycles;
  uint64_t fn = trap == TRAP_FAST || trap == TRAP_CORE ? st.r(13) : 0;
  const HcallSpec* h = find_hcall(trap, fn);
  uint64_t args[5] = {st.r(8), st.r(9), st.r(10), st.r(11), st.r(12)};
  uint64_t status;
  // Nothing but the CORE_TRAP calls works before the guest negotiated the call's API group.
  if (!h) {
    status = HV_EBADTRAP;
  } else if (h->trap != TRAP_CORE && !o.guest->negotiated(h->group, h->major, h->minor)) {
    status = HV_EBADTRAP;
  } else {
    status = h->handler(c);
  }
  ++o.vcpu->hypercalls;
  if (trace::on(trace::Category::hcall)) {
    std::string a;
    unsigned nargs = h ? h->nargs : 5;
    for (unsigned i = 0; i < nargs; ++i) a += fmt::format("{}{:#x}", i ? ", " : "", args[i]);
    std::string r;
    for (unsigned i = 1; i <= 4; ++i)   // the results the call set, also with an error status
      if (c.results & (1u << i)) r += fmt::format(" {:#x}", st.r(8 + i));
    std::string name = h ? h->name : fmt::format("{}_{:#x}", trap == TRAP_FAST ? "fast_trap" : "trap", trap == TRAP_FAST ? fn : trap);
    // The calling core's own clock: SystemC time only advances once per quantum. The slice
    // lasts the call's trip through the hypervisor.
    trace::Event e(trace::Category::hcall, trace::Phase::Complete, trace::cycles_to_ps(core.cycles),
                   trace::Track::vcpu(o.guest->name, o.vcpu->id), o.guest->name, name);
    // A call that does not return (mmu_enable, cpu_stop ...) sets the strand going at once.
    e.dur_ps = c.returns ? trace::cycles_to_ps(hcall_cycles) : 0;
    e.arg("args", a).arg("status", status_name(status));
    if (!r.empty()) e.arg("results", r.substr(1));
    e.text = fmt::format("{}/vcpu{}  {}({}) -> {}{}", o.guest->name, o.vcpu->id, name, a, status_name(status), r);
    trace::emit(std::move(e));
  }
  if (!c.returns) return;
  st.set_r(8, status);
  st.pc = st.npc;
  st.npc += 4;
  core.delay(slot, hcall_cycles);
}

bool Call::read(uint64_t ra, void* dst, uint64_t len) {
  uint64_t pa;
  return len == 0 || (g.ra_to_pa(ra, len, pa) && hv.machine.mem.read(pa, dst, len));
}
bool Call::write(uint64_t ra, const void* src, uint64_t len) {
  uint64_t pa;
  return len == 0 || (g.ra_to_pa(ra, len, pa) && hv.machine.mem.write(pa, src, len));
}

}  // namespace vfsim::hv
