// A guest domain as the hypervisor sees it: the strands it was given (its vCPUs), its memory
// as real-address ranges backed by physical mblocks, and the per-vCPU sun4v state that lives
// outside the strand's registers (interrupt queues, MMU configuration and TLB, RTBA).
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hv/cwq.h"
#include "hv/mau.h"
#include "hv/guest_md.h"
#include "hv/sun4v.h"

namespace vfsim::hv {

struct Mblock {
  uint64_t ra, size, pa;   // guest real range [ra, ra+size) lives at physical [pa, pa+size)
};

// One TLB entry as the sun4v MMU keeps it: a translation of one page of one context.
struct TlbEntry {
  uint64_t va = 0;         // page-aligned virtual address
  uint64_t ctx = 0;
  uint64_t tte = 0;        // sun4v TTE data word
  uint64_t flags = 0;      // MAP_DTLB | MAP_ITLB
  unsigned shift() const { return pgsz_shift(unsigned(tte & TTE_SZ_MASK)); }
  bool covers(uint64_t a, uint64_t c) const { return c == ctx && ((a ^ va) >> shift()) == 0; }
};

// A TSB the guest gave with mmu_tsb_ctx0/ctxnon0 (32-byte descriptor).
struct TsbDescriptor {
  uint16_t idx_pgsz = 0, assoc = 0;
  uint32_t entries = 0, ctx_index = 0, pgsz_mask = 0;
  uint64_t base_ra = 0;
};

struct InterruptQueue {
  uint64_t base_ra = 0, entries = 0;   // entries == 0: not configured
  uint64_t head = 0, tail = 0;         // byte offsets, multiples of 64
  bool full() const { return entries && ((tail + kQueueEntryBytes) & (entries * kQueueEntryBytes - 1)) == head; }
};

// Tracing only, not state: the flow id (sim/trace) of each traced entry in a queue of 64-byte
// entries (an LDC RX queue, a mondo queue), by its byte offset, so that whatever takes the
// entry off ends the flow its arrival began.
struct QueueFlows {
  std::map<uint64_t, uint64_t> at;
  // fn(offset, flow) for each traced entry from offset `from` up to `to` in a queue of `size`
  // bytes; each is then forgotten (taking the same entries again ends nothing).
  template <class Fn>
  void take(uint64_t from, uint64_t to, uint64_t size, Fn fn) {
    for (uint64_t off = from; off != to && !at.empty(); off = (off + kQueueEntryBytes) & (size - 1)) {
      auto it = at.find(off);
      if (it == at.end()) continue;
      uint64_t flow = it->second;
      at.erase(it);
      fn(off, flow);
    }
  }
};

struct Vcpu {
  unsigned id = 0;          // vCPU id inside the guest
  unsigned strand = 0;      // physical strand (cpuid of the machine)
  uint64_t state = CPU_STATE_STOPPED;
  // In guest_suspend: state stays RUNNING (cpu_state, ldm see a running guest) but the
  // strand is stopped and nothing wakes it until Hypervisor::resume_guest.
  bool suspended = false;
  bool runs() const { return state == CPU_STATE_RUNNING && !suspended; }   // issues instructions
  uint64_t rtba = 0;
  std::array<InterruptQueue, 4> queues;   // cpu mondo, dev mondo, resumable, non-resumable
  InterruptQueue& queue(unsigned id) { return queues[id - Q_CPU_MONDO]; }
  uint64_t fault_area = 0;  // RA of the MMU fault status area (0: none)
  std::vector<TsbDescriptor> tsb_ctx0, tsb_ctxnon0;
  bool mmu_enabled = false;
  uint64_t primary_ctx = 0, secondary_ctx = 0;
  std::vector<TlbEntry> tlb;   // entries loaded by mmu_map_addr and by TSB walks
  // Counters for statistics and students.
  uint64_t hypercalls = 0, tsb_hits = 0, mmu_miss_traps = 0;
  // Tracing only: the traced mondos in the cpu and dev mondo queues; the trap ends their flows.
  std::array<QueueFlows, 2> mondo_flows;
};

struct InterruptSource {   // a virtual interrupt (devhandle, devino), e.g. the console
  uint64_t devhandle = 0, devino = 0, cookie = 0, target = 0;
  bool valid = false;
  uint64_t state = 0;      // 0 idle, 1 received, 2 delivered
};

// A queue of an SPU (NCS API, hcall_ncs.cpp): 64-byte entries in the guest's memory; head
// and tail are byte offsets from its base. Work accepted by ncs_settail completes entry by
// entry at modelled core cycles: jobs, in order; the head moves past each when it is due.
struct NcsQueue {
  unsigned type = 0;                   // 0 not configured, NCS_QTYPE_MAU or NCS_QTYPE_CWQ
  uint64_t base = 0, entries = 0;      // real address, number of entries
  uint64_t head = 0, tail = 0, marker = 0;
  bool marker_set = false;
  bool v1 = false;                     // configured through NCS 1.0's ncs_request (32-byte MAU entries, indices)
  struct Job {
    uint64_t end = 0;                  // the head's offset once this entry is done
    uint64_t due = 0;                  // core cycle it is done at
    uint64_t status_ra = 0, status = 0;   // 0, or a request's end: its initial entry and status bits
    bool intr = false;                 // the request asked for an interrupt
    std::vector<uint8_t> image;        // MAU: the whole descriptor to write back at status_ra instead
  };
  std::vector<Job> jobs;
};

// One core's SPU the guest owns (its crypto unit: MAU + CWQ, which run in parallel).
struct CryptoUnit {
  unsigned core = 0;
  NcsQueue cwq, mau;
  CwqChain chain;                      // the CWQ request in progress
  MaUnit ma;                           // the MAU's memory and last register image
  bool mau_job_failed = false;         // a descriptor of the current MAU job failed: the rest of it is not run
  uint64_t cwq_free_at = 0, mau_free_at = 0;   // core cycle each sub-unit is free again
  InterruptSource cwq_intr, mau_intr;  // (devhandle kNcsCwqDevhandle / kNcsMauDevhandle, devino = core)
  uint64_t requests = 0, bytes = 0;    // what the CWQ has done (vfctl, tests)
};

// One end of a Logical Domain Channel: the guest's own TX and RX queues (64-byte entries in
// its memory), the map table it exports to the peer, and the peer endpoint.
struct LdcService;

// A service's work that completes later, as plain data (a snapshot can hold it): at core
// cycle `due` the hypervisor hands `args` back to the endpoint's service (LdcService::
// on_timer), which alone knows what the integers mean.
using TimerArgs = std::array<uint64_t, 6>;
struct Timer {
  uint64_t due = 0;
  TimerArgs args{};
};

struct LdcEndpoint {
  uint64_t id = 0;                 // channel id in this guest (its MD channel-endpoint id)
  struct Guest* peer = nullptr;    // the other end: a guest's endpoint...
  LdcService* service = nullptr;   // ...or a service in the simulator (ldc_service.h)
  struct Queued { std::array<uint8_t, 64> pkt; uint64_t due; };   // due: core cycle it may arrive at
  std::vector<Queued> outbox;      // a service's packets waiting for their time and RX room
  uint64_t outbox_dropped = 0;     // dropped because the guest does not read its RX queue
  std::vector<Timer> timers;       // a service's work that completes later (Hypervisor::ldc_at), by due
  bool in_timers = false;
  uint64_t peer_id = 0;
  InterruptQueue tx, rx;           // head/tail byte offsets as the queue registers give them
  // Tracing only: the traced packets in our RX queue; the guest's read ends their flows.
  QueueFlows rx_flows;
  bool reset_seen = true;          // the peer reconfigured its RX queue since our last look
  uint64_t map_ra = 0, map_entries = 0;
  uint64_t tx_ino() const { return 2 * id; }      // OpenBSD's numbering: tx 2n, rx 2n+1
  uint64_t rx_ino() const { return 2 * id + 1; }
};
constexpr size_t kMaxOutbox = 1024;      // a service's packets kept for a guest that does not read
constexpr unsigned kMaxChannels = 768;   // per domain on T2 Plus (LDoms 1.3)
// ldc_mapin's real-address window (OpenSPARC's default ldc_mapinrabase, 4096 8 KB slots)
constexpr uint64_t kMapinBase = 0x10ull << 34;
constexpr unsigned kMapinSlots = 4096;
constexpr uint64_t kChannelDevhandle = 0x200;   // the MD channel-devices cfg-handle

struct Guest {
  unsigned id = 0;
  std::string name;
  std::vector<Mblock> memory;
  std::vector<Vcpu> vcpus;
  std::vector<uint8_t> md;                   // the binary machine description
  std::map<unsigned, std::pair<uint64_t, uint64_t>> api;   // negotiated group -> major, minor
  std::vector<TlbEntry> perm;                // mmu_map_perm_addr mappings (at most 8)
  std::vector<InterruptSource> intr;
  std::vector<LdcEndpoint> ldc;
  LdcEndpoint* channel(uint64_t id) {
    for (LdcEndpoint& e : ldc)
      if (e.id == id) return &e;
    return nullptr;
  }
  InterruptSource* source(uint64_t devhandle, uint64_t devino) {
    for (InterruptSource& s : intr)
      if (s.devhandle == devhandle && s.devino == devino) return &s;
    return nullptr;
  }
  std::vector<unsigned> crypto_units;        // core ids: one crypto unit per core
  std::vector<CryptoUnit> spu;               // their state, in the order of crypto_units
  std::vector<std::string> pcie_buses;       // root complexes (pci@400 ...)
  std::string console;                       // all the guest wrote to its console (no console_link)
  struct ConsoleLink* console_link = nullptr;  // the vcc serving it, if any (console_link.h)
  std::string console_input;                 // what cons_getchar/cons_read will return
  std::string console_line;                  // the part of a console line not yet passed on
  GuestResources md_inputs;                  // what its machine description is built from
  // LDC traffic of all its channels, for vfctl stats (not state: a restore starts them at 0):
  // 64-byte packets, and bytes (the packets' and what ldc_copy and the services copied).
  uint64_t ldc_tx_packets = 0, ldc_rx_packets = 0, ldc_tx_bytes = 0, ldc_rx_bytes = 0;
  uint64_t soft_state = 0;
  std::string soft_state_desc;
  // Virtual time (docs/hypervisor.md): the guest's %tick/%stick read host core cycles +
  // stick_offset (mod 2^64), on whichever strands it runs; its TOD is tod_base + tod_offset +
  // its time in seconds. Both are what a snapshot or a migration carries to the next host.
  uint64_t stick_offset = 0;
  int64_t tod_offset = 0;                    // tod_set minus (tod_base + the guest's clock)
  std::map<uint64_t, uint64_t> perf_regs;    // N2 / VF performance registers by id
  bool exited = false;
  uint64_t exit_code = 0;
  uint64_t boot_entry = 0;

  // The dirty-page log (dirty_log.h) while it is on: bits[i] has one bit per 8 KB page of
  // memory[i] (bit n: the page at memory[i].ra + n * 8 KB), set when the page is written.
  // Migration state, not machine state: a snapshot need not keep it.
  struct DirtyLog {
    bool on = false;
    std::vector<std::vector<uint64_t>> bits;
  };
  DirtyLog dirty_log;

  // Pages of a channel peer mapped in with ldc_mapin, by real address (in the window at
  // kMapinBase): where they are, what the exporter allowed, and which slot they came from.
  struct Mapin {
    uint64_t pa = 0, perms = 0;   // perms: 1 R, 2 W, 4 X
    Guest* exporter = nullptr;
    uint64_t channel = 0, index = 0;   // the exporter's endpoint and map-table slot
  };
  std::map<uint64_t, Mapin> mapins;
  const Mapin* mapin_at(uint64_t ra) const {
    auto it = mapins.find(ra & ~uint64_t(8191));
    return it == mapins.end() ? nullptr : &it->second;
  }

  // Physical address of [ra, ra+len) if the whole range lies in one of the guest's mblocks
  // or in one page it mapped in from a channel peer.
  bool ra_to_pa(uint64_t ra, uint64_t len, uint64_t& pa) const {
    for (const Mblock& m : memory)
      if (ra >= m.ra && len <= m.size && ra - m.ra <= m.size - len) {
        pa = m.pa + (ra - m.ra);
        return true;
      }
    if (const Mapin* mi = mapins.empty() ? nullptr : mapin_at(ra))
      if ((ra & 8191) + len <= 8192) {
        pa = mi->pa + (ra & 8191);
        return true;
      }
    return false;
  }
  bool ra_ok(uint64_t ra, uint64_t len) const {
    uint64_t pa;
    return ra_to_pa(ra, len, pa);
  }
  uint64_t memory_bytes() const {
    uint64_t n = 0;
    for (const Mblock& m : memory) n += m.size;
    return n;
  }
  Vcpu* vcpu(uint64_t id) { return id < vcpus.size() ? &vcpus[id] : nullptr; }
  bool negotiated(unsigned group, uint64_t major = 1, uint64_t minor = 0) const {
    auto it = api.find(group);
    return it != api.end() && (it->second.first > major || (it->second.first == major && it->second.second >= minor));
  }
};

}  // namespace vfsim::hv
