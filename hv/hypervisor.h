// The sun4v hypervisor: partitions the timed machine into guests, serves their hypercalls
// (hcall_table.def), runs their sun4v MMU (sun4v_mmu.h) and delivers their traps and
// interrupts to their own trap tables. It is C++ beside the cores, not SPARC code on them:
// the cores hand it every trap and pending interrupt through cmt::StrandHost.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "hv/dirty_log.h"
#include "hv/guest.h"
#include "hv/guest_md.h"
#include "hv/sun4v_mmu.h"
#include "sim/cmt/bare_machine.h"

namespace vfsim::hv {

struct HvError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What a guest is given (ldmd will fill this from a domain's bindings).
struct GuestConfig {
  std::string name = "primary";
  unsigned vcpus = 1;                          // taken from the lowest free strands...
  std::vector<unsigned> strands;               // ...unless given explicitly
  std::vector<uint64_t> mblocks = {64ull << 20};   // sizes; RAs from kGuestRaBase, with holes
  std::vector<Mblock> layout;                  // or exactly these (RA, size, PA), as ldmd binds them
  std::map<std::string, std::string> variables;    // MD openboot/variables (boot-file ...)
  std::vector<unsigned> crypto_units;          // cores whose crypto unit (MAU + CWQ) it owns
  std::vector<std::string> pcie_buses;         // root complexes it owns, e.g. pci@400
  std::vector<std::string> pcie_bypass;        // ...of them, those whose IOMMU it may bypass (add-io bypass=on)
};

// Where guest real addresses start (as LDoms guests see theirs) and where the hypervisor
// begins handing out physical memory; both are named parameters, not measured facts.
constexpr uint64_t kGuestRaBase = 0x8000000;
constexpr uint64_t kGuestPaBase = 0x40000000;
constexpr uint64_t kMblockAlign = 4ull << 20;
constexpr uint64_t kAnyChannel = ~0ull;   // connect_service: the lowest free channel id

struct Call;   // one hypercall in progress (hcall.h)
class RootComplex;   // pcie_root_complex.h
class DeviceEvents;   // device_events.h
}  // namespace vfsim::hv

namespace vfsim::state {
class StreamWriter;
class Encoder;
class Decoder;
class StreamReader;
template <class T> class Description;
}

namespace vfsim::hv {

class Hypervisor : public cmt::StrandHost {
 public:
  explicit Hypervisor(cmt::BareMachine& m);
  ~Hypervisor() override;

  // Bind strands and memory, build the MD. Throws HvError naming what is wrong.
  Guest& create_guest(const GuestConfig& c);
  // Load an ELF's PT_LOAD segments at their physical-address fields as guest real addresses.
  void load_image(Guest& g, const std::string& path);
  // Start the boot vCPU at the image's entry (sun4v boot convention, docs/hypervisor.md).
  void boot(Guest& g);
  // Stop every vCPU (a domain stop), or free the guest's strands and memory (unbind).
  void stop_guest(Guest& g);
  // Guest suspend (guest_suspend.cpp): the guest's last running vCPU made guest_suspend and
  // sits in it. guest_suspended: every vCPU is stopped or suspended, and at least one is
  // suspended. resume_guest: the suspended vCPUs run again, their call returning EOK at the
  // next instruction (a no-op when none is suspended).
  bool guest_suspended(const Guest& g) const;
  void resume_guest(Guest& g);
  void destroy_guest(Guest& g);
  // New OpenBoot variables: the MD the guest gets at its next boot carries them.
  void set_variables(Guest& g, const std::map<std::string, std::string>& vars);
  // Live vCPU reconfiguration (vcpu_dr.cpp): new vCPUs on free strands join a guest,
  // stopped, with ids after its last one; or its highest vCPUs leave it, which must be
  // stopped. Either rebuilds the guest's MD (new generation). Throws HvError, changing nothing.
  void add_vcpus(Guest& g, const std::vector<unsigned>& strands);
  void remove_vcpus(Guest& g, const std::vector<unsigned>& ids);
  Guest* find_guest(const std::string& name);
  // A Logical Domain Channel between two guests (ldc.cpp): each gets an endpoint with the
  // lowest free id, its two interrupt sources and an MD channel-endpoint node.
  std::pair<uint64_t, uint64_t> connect(Guest& a, Guest& b);
  // A channel from a guest to a service in the simulator (virtual I/O, domain services):
  // returns the guest's endpoint id. The service sees every packet the guest sends.
  // With a device, the guest's MD also gets its virtual-device node on that channel
  // (dev.channel is filled in).
  uint64_t connect_service(Guest& g, LdcService& svc);
  // want_id: that channel id if it is free (a restore gives each device the id it had), else
  // the lowest free one.
  uint64_t connect_service(Guest& g, LdcService& svc, VirtualDevice dev, uint64_t want_id = kAnyChannel);
  // Take a channel endpoint (and its device node) out of a guest: a service forgets the
  // session, a guest peer sees its link go down for good.
  void disconnect(Guest& g, uint64_t channel);
  // A service's packet to the guest: into its RX queue now, or as soon as there is room
  // (never dropped); raises the rx interrupt.
  // delay_cycles: the service's own time (a disk's latency): the packet arrives that many
  // core cycles after the hypercall that caused it, and cpu_yield wakes the guest then.
  void ldc_send(Guest& g, LdcEndpoint& ep, const uint8_t pkt[64], uint64_t delay_cycles = 0);
  // A service's work that completes later (a disk request): delay_cycles after the current
  // hypercall the service's on_timer gets args back, when simulated time gets there or
  // earlier if the guest looks at the channel first (its cpu_yield ends then too). Dropped
  // when the guest resets the channel or goes away.
  void ldc_at(LdcEndpoint& ep, uint64_t delay_cycles, const TimerArgs& args);
  // The earliest cycle a service packet or timer for g is due, or UINT64_MAX.
  uint64_t ldc_next_due(const Guest& g) const;
  // Device events (device_events.h): services' timers and packets fall due in simulated time
  // whether or not the guest makes a hypercall. run_device_events does what is due by core
  // cycle `now` (each at its own due cycle) for g, or every guest with a running vCPU;
  // next_device_event is the earliest due after `after` (UINT64_MAX: none).
  void run_device_events(uint64_t now);
  void run_device_events(Guest& g, uint64_t now);
  uint64_t next_device_event(uint64_t after) const;
  uint64_t next_device_event(const Guest& g, uint64_t after) const;
  // Crypto units (hcall_ncs.cpp): what their queues have completed by core cycle `now`
  // (the head moves, status and interrupts), and the earliest still to complete.
  void ncs_progress(Guest& g, uint64_t now);
  uint64_t ncs_next_due(const Guest& g) const;
  void rearm_at(uint64_t due);   // a device event falls due at this core cycle
  void mau_run(struct Call& c, CryptoUnit& u, NcsQueue& q, uint64_t tail);   // ncs_settail on a MAU queue
  // Pending timers or packets were put in place from outside (a snapshot restored): arm the
  // event clock for them. Their due cycles are host core cycles.
  void rearm_device_events();
  void ldc_flush_outbox(Guest& g, LdcEndpoint& ep);
  // Fill the endpoint's RX queue with what waits for it: the peer's TX queue or the
  // service's outbox (when it got room, or is asked for its state).
  void ldc_fill_rx(Guest& g, LdcEndpoint& ep);
  // Move what the sender's TX queue holds into the receiver's RX queue, as far as it fits;
  // raises the receiver's rx interrupt when packets arrived.
  void ldc_deliver(Guest& from, LdcEndpoint& ep);
  void ldc_trace_read(Guest& g, LdcEndpoint& ep, uint64_t old_head);   // ends traced packets' flows
  void ldc_trace_rx_depth(const Guest& g, const LdcEndpoint& ep) const;   // the "rx queue" counter
  void ldc_notify_reset(Guest& g, LdcEndpoint& ep);   // our RX queue changed: the peer sees RESET
  // What `owner` exported through `ep`'s map table under `cookie` (8 KB pages only): the
  // physical address and how many of len bytes lie in that page. Checks the slot's copy
  // permission (CW when the other side writes, CR when it reads): HV_EOK, ENOMAP, EBADPGSZ,
  // ENOACCESS or ENORADDR (reference §4.6).
  uint64_t ldc_exported(Guest& owner, LdcEndpoint& ep, bool write, uint64_t cookie, uint64_t len, uint64_t& pa,
                        uint64_t& n);
  // A service's ldc_copy: len bytes between buf and what guest g exported on ep, across as
  // many pages as the cookie range spans. Checks every page first: on an error nothing moved.
  uint64_t ldc_service_copy(Guest& g, LdcEndpoint& ep, bool to_guest, uint64_t cookie, uint8_t* buf, uint64_t len);

  // Snapshots (hypervisor_state.cpp): every guest's hypervisor state, channels and resident
  // memory as sections "hypervisor", "guest NAME" and "memory NAME N". load_state needs the
  // same guests already bound (same names, memory, vCPUs and channels); it refuses, with the
  // section and offset, a stream that does not fit them.
  void save_state(state::StreamWriter& w);
  void load_state(const state::StreamReader& r);
  uint64_t saved_pages() const { return saved_pages_; }   // memory pages the last save wrote
  // Channels to services start over, as on a migrated domain: what was in flight is
  // dropped, the service forgets the session and the guest sees RESET and reconnects.
  void reset_service_channels(Guest& g);
  // Migration (guest_migration.cpp): a guest's runtime state without this host's layout —
  // its vCPUs by id (registers and sun4v state), negotiated API versions, interrupt sources,
  // permanent mappings, soft state, console input and its clocks as guest time. Memory goes
  // separately, page by page by real address (resident_pages / install_migrated_pages).
  // load_migration takes it into a guest bound on another host with the same vCPU count and
  // real-address blocks (any strands and physical addresses): channels stay the binding's
  // and start over (the guest sees RESET), the strands of running or suspended vCPUs are
  // started where the saved registers say, and its %stick continues from the saved value
  // plus skew_ticks (Solaris allows 2 ms), its TOD likewise. Throws state::StateError.
  void save_migration(const Guest& g, state::Encoder& e) const;
  void load_migration(Guest& g, state::Decoder& d, uint64_t skew_ticks);
  // Target side: the guest's memory from zero, then these pages (real address, 8 KB each).
  // false and why if a page is not the guest's.
  bool install_migrated_pages(Guest& g, const std::vector<std::pair<uint64_t, const uint8_t*>>& pages,
                              std::string& why);
  // A guest's hypervisor state, declared once (hypervisor_state.cpp): built here because
  // some fields name other guests or reach the strands' MMUs.
  state::Description<Guest> guest_state();
  // A guest's memory page by page, for snapshots and live migration (guest_memory.cpp,
  // dirty_log.cpp; docs/hypervisor.md "Guest memory: resident pages and the dirty log").
  // Call them between instructions: outside sc_start, or from a hypercall or service.
  //
  // fn(ra, const uint8_t* page) for every resident 8 KB page of the guest's mblocks, by
  // ascending real address; a page never touched is zero and is not visited.
  template <class F> void resident_pages(const Guest& g, F fn) const;
  // The guest's memory as one number (vfctl checksum, migration's integrity check): CRC-32
  // over each non-zero 8 KB page with its real address, by ascending real address.
  uint32_t memory_checksum(const Guest& g, uint64_t* pages = nullptr) const;
  // Restore: the page at page-aligned ra gets these 8 KB (false if ra is not the guest's).
  bool write_guest_page(Guest& g, uint64_t ra, const uint8_t* page);
  void reserve_guest_pages(uint64_t pages);   // before many write_guest_page: no rehashing
  // Every mblock reads as zero again and costs nothing (a restore into reused memory starts
  // clean); the guest's strands lose their cached translations.
  void clear_guest_memory(Guest& g);
  // The dirty-page log (dirty_log.h): start with every page clean; read_and_clear returns the
  // real addresses of the 8 KB pages written since start or the last call, ascending, and
  // they are clean again: the next write to each is logged again, whoever makes it (the
  // guest's strands, fast path included; the hypervisor; a peer through ldc_mapin; a virtual
  // I/O server). Empty when the log is off. stop frees it; destroy_guest stops it.
  void dirty_log_start(Guest& g);
  std::vector<uint64_t> dirty_log_read_and_clear(Guest& g);
  // How many pages are dirty now, leaving them so (a dirty-rate sample: ldm migrate-domain -n).
  uint64_t dirty_log_count(const Guest& g) const;
  void dirty_log_stop(Guest& g);

  bool on_trap(cmt::Core& core, unsigned slot, isa::Trap t) override;
  void on_interrupt(cmt::Core& core, unsigned slot) override;
  bool timing_translate(cmt::Core& core, unsigned slot, uint64_t va, isa::Access acc, uint8_t asi, uint64_t& pa,
                        unsigned& page_shift) override;
  unsigned tablewalk(cmt::Core& core, unsigned slot, uint64_t va, bool fetch, uint64_t* pas, unsigned max) override;

  // Deliver trap tt to the guest's trap table (TL+1); a trap at the guest's maximum TL or
  // without a trap table puts the vCPU in error and stops it.
  void deliver_trap(cmt::Core& core, unsigned slot, unsigned tt);
  void reset_vcpu(Vcpu& v, uint64_t pc, uint64_t tba, uint64_t o0, uint64_t o1 = 0);
  void stop_vcpu(Guest& g, Vcpu& v, uint64_t state);
  void exit_guest(Guest& g, uint64_t code);
  // Append 64 bytes to a vCPU's interrupt queue; false if the queue is absent or full.
  // flow: a trace flow (sim/trace) the trap that takes this mondo ends (0: none).
  bool enqueue(Guest& g, Vcpu& v, unsigned queue, const uint8_t entry[64], uint64_t flow = 0);
  void update_queue_pending(Vcpu& v);
  // The intr trace of a vCPU taking the mondo or error trap of queue q (0..2).
  void trace_take(const cmt::Core& core, Guest& g, Vcpu& v, unsigned q, unsigned tt);
  // Devices and errors: typed console input (raises the console's interrupt), a device
  // interrupt from a source, an error report into a vCPU's error queues (reference §3.2).
  void console_input(Guest& g, const std::string& text);
  bool raise_interrupt(Guest& g, InterruptSource& src);
  bool report_error(Guest& g, Vcpu& v, bool resumable, uint8_t type, uint32_t attrs, uint64_t ra, uint32_t size);
  void console_write(Guest& g, const std::string& text);
  // A console packet from the guest's vcc (console_link.h): typed characters go to the
  // guest's console input.
  void console_packet(Guest& g, const uint8_t pkt[64]);
  void flush_translations(Vcpu& v);   // after MMU changes from a hypercall
  uint64_t read_be64(uint64_t pa);     // guest memory is big-endian
  void write_be64(uint64_t pa, uint64_t v);
  uint64_t now_cycles(const Vcpu& v);
  // Virtual time (virtual_time.cpp). Host "now" for a guest is the latest clock among the
  // cores its vCPUs run on (cores run up to a quantum apart) or SystemC time, if later.
  uint64_t host_cycles(const Guest& g) const;
  uint64_t guest_time(const Guest& g) const { return host_cycles(g) + g.stick_offset; }
  // The guest's %stick reads `ticks` now and runs on from there (snapshot restore, migration):
  // moves the offset of every strand it runs on; a %stick_cmpr still ahead may fire again.
  void set_guest_time(Guest& g, uint64_t ticks);
  // The guest's time of day in seconds (tod_get) and setting it (tod_set, restore).
  uint64_t guest_tod(const Guest& g) const;
  void set_guest_tod(Guest& g, uint64_t seconds);
  uint64_t call_cycles = 0;   // the core clock of the hypercall being served (services read it)
  // The simulated time of a trace event (sim/trace) a service or the hypervisor emits: the
  // hypercall's core clock, or SystemC time when that is later (work outside a hypercall).
  uint64_t trace_ps() const;
  double now_seconds() const;

  // PCIe root complexes (pcie_root_complex.h, docs/pcie.md), one per platform root (pci@400
  // ...), made with the hypervisor; a guest config's pcie_buses makes it their owner.
  std::vector<std::unique_ptr<RootComplex>> roots;
  RootComplex* root(const std::string& name) const;
  RootComplex* root_by_handle(uint64_t devhandle) const;
  // The root complex g owns whose windows hold [ra, ra+size), or nullptr.
  RootComplex* owned_window(const Guest& g, uint64_t ra, unsigned size) const;
  // A load or store of a guest to real address ra that is not memory: the root complex whose
  // window holds it, if the guest owns it, does it (false: nobody claims it).
  bool pcie_io(Guest& g, uint64_t ra, unsigned size, bool write, uint64_t& v);

  struct Owner { Guest* guest = nullptr; Vcpu* vcpu = nullptr; };
  Owner owner(unsigned strand) const { return strand < owners_.size() ? owners_[strand] : Owner{}; }

  cmt::BareMachine& machine;
  std::vector<std::unique_ptr<Guest>> guests;
  std::ostream* console_out = nullptr;         // guests' console lines as they are written
  bool prefix_console = false;                 // "[name] " before each line (several guests)
  // Named parameters [U: not measured on real hardware].
  uint64_t hcall_cycles = 60;                  // cost of a hypercall's trip through the HV
  CwqTiming cwq_timing;                        // what the crypto units' CWQ work costs (cwq.h)
  MauTiming mau_timing;                        // ... and their MAU work (mau.h)
  uint64_t yield_max_cycles = 140000;          // cpu_yield sleeps at most ~100 us
  uint64_t tod_base = 1798761600;              // tod_get at power-on: 2027-01-01 UTC
  unsigned max_perm_mappings = 8;              // mmu_map_perm_addr limit (ETOOMANY)
  unsigned tlb_entries = 128;                  // functional TLB per vCPU (T2 DTLB size)
  // Device space (docs/hypervisor.md "Device space"): guest loads and stores that reach a
  // device. io_claims: does ra lie in a window of a root complex g owns (RootComplex::
  // in_windows)? io_handler: do one access of size 1/2/4/8 there (v a little-endian number,
  // in for a write, out for a read); false when no owned root complex claims it, and the
  // guest gets the access exception of an invalid RA. Unset: a guest has no device space.
  std::function<bool(Guest& g, uint64_t ra)> io_claims;
  std::function<bool(Guest& g, uint64_t ra, unsigned size, bool write, uint64_t& v)> io_handler;

 private:
  void dispatch(cmt::Core& core, unsigned slot, unsigned trap);
  LdcEndpoint& add_endpoint(Guest& g, VirtualDevice* dev = nullptr, uint64_t want_id = kAnyChannel);
  void attach_vcpu(Guest& g, Vcpu& v);   // the strand runs the vCPU through its MMU
  void detach_vcpu(const Vcpu& v);
  void rebuild_md(Guest& g);
  std::unique_ptr<DeviceEvents> events_;   // the SystemC side of run_device_events
  void drop_store_translations(Guest& g);   // the SoftTlb write entries of g's strands
  std::vector<Owner> owners_;
  std::vector<std::unique_ptr<GuestMmu>> mmus_;   // per strand, for guests' strands
  uint64_t next_pa_ = kGuestPaBase;
  uint64_t next_error_handle_ = 1;
  uint64_t saved_pages_ = 0;
  DirtyLogs dirty_logs_{machine.mem};
};

template <class F> void Hypervisor::resident_pages(const Guest& g, F fn) const {
  std::vector<const Mblock*> blocks;
  for (const Mblock& m : g.memory) blocks.push_back(&m);
  std::sort(blocks.begin(), blocks.end(), [](const Mblock* a, const Mblock* b) { return a->ra < b->ra; });
  for (const Mblock* m : blocks)
    machine.mem.for_each_resident(m->pa, m->size, [&](uint64_t pa, const uint8_t* page) { fn(m->ra + (pa - m->pa), page); });
}

}  // namespace vfsim::hv
