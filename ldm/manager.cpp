// Construction, factory-default, the command table, the binder, persistence and power.
#include "ldm/manager.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <unistd.h>

#include "ldm/state_file.h"
#include "ldm/units.h"

namespace vfsim::ldm {

const char* state_name(State s) {
  switch (s) {
    case State::Inactive: return "inactive";
    case State::Bound: return "bound";
    case State::Active: return "active";
  }
  return "?";
}

const std::vector<SysRange>& sys_memory() {
  static const std::vector<SysRange> kSys = {
      {0x0, 512ull << 10}, {0x80000, 1536ull << 10}, {0x200000, 94ull << 20},
      {0x6000000, 32ull << 20}, {0x8000000, 96ull << 20}};
  return kSys;
}

Manager::Manager(const platform::Platform& p, DomainHost* host, std::string state_dir, std::string hostname,
                 const Model* restored)
    : p_(p), host_(host), state_dir_(std::move(state_dir)) {
  m_.hostname = std::move(hostname);
  // Automatic MACs come from the LDoms range every ldmd on a network shares (the lower 256K
  // of 00:14:4f:f8:00:00-ff:ff:ff). A real ldmd picks at random and asks its neighbours;
  // here each host starts at a place its name decides (FNV-1a), so domains migrated between
  // two hosts keep MACs that do not collide. The default host name keeps the first address.
  uint32_t h = 2166136261u;
  for (unsigned char c : m_.hostname) h = (h ^ c) * 16777619u;
  m_.next_mac = kMacBase + (m_.hostname == "vfsim" ? 0 : (h % 0x3f000) & ~0xfffu);
  if (!state_dir_.empty()) std::filesystem::create_directories(state_dir_);
  if (restored) m_ = *restored;
  else if (!state_dir_.empty() && std::filesystem::exists(state_dir_ + "/ldmd.json")) load();
  else factory_default();
  // Guests that were bound or active when ldmd last stopped get their resources again.
  for (Domain& d : m_.domains) {
    if (d.control || d.state == State::Inactive || !host_) continue;
    State was = d.state;
    // A saved binding that no longer fits is the file's problem, not a reason to quietly
    // make the domain inactive (and save that over the file with the next command).
    if (std::string err = host_->bind(d, m_); !err.empty()) {
      for (char& c : err) c = c == '\n' ? ' ' : c;
      if (restored) throw StateError("LDom " + d.name + " of the snapshot cannot be bound: " + err);
      throw StateError(fmt::format("{}/ldmd.json: LDom {} cannot be bound again: {}", state_dir_, d.name, err));
    }
    if (restored) continue;   // bound or active as saved; the snapshot brings the rest
    d.state = State::Bound;
    if (was == State::Active && host_->start(d).empty()) {
      d.state = State::Active;
      d.started_at = now();
    }
  }
}

// The control domain owns every strand, all memory above the hypervisor's, every crypto unit
// and every PCIe root complex, and is active.
void Manager::factory_default() {
  m_.domains.clear();
  Domain d;
  d.name = "primary";
  d.control = true;
  d.state = State::Active;
  for (unsigned s = 0; s < p_.strands(); ++s) d.strands.push_back(s);
  d.vcpus = p_.strands();
  d.mem.push_back({kSysTop, kSysTop, p_.memory_bytes - kSysTop});
  d.memory = p_.memory_bytes - kSysTop;
  if (p_.crypto_unit_per_core)
    for (unsigned c = 0; c < p_.cores(); ++c) d.mau_cores.push_back(c);
  d.maus = unsigned(d.mau_cores.size());
  d.io = p_.pcie_roots;
  d.mac = alloc_mac();
  d.hostid = 0x84000000ull | (d.mac & 0xffffff);
  m_.domains.push_back(d);
}

uint64_t Manager::alloc_mac() {
  std::set<uint64_t> used;
  for (const Domain& d : m_.domains) {
    used.insert(d.mac);
    for (const Vnet& v : d.vnets) used.insert(v.mac);
    for (const Vsw& v : d.vsws) used.insert(v.mac);
  }
  while (used.count(m_.next_mac)) ++m_.next_mac;
  return m_.next_mac++;
}

// A MAC given by the user: well formed, a unicast address other than zero, and not held by
// another domain or device (the real ldm's collision check, within this host). `self` is the
// MAC being replaced, which may keep its value. On success `mac` takes the value.
std::string Manager::take_mac(const std::string& text, uint64_t& mac, const uint64_t* self) const {
  uint64_t v = 0;
  if (!parse_mac(text, v) || v == 0 || (v >> 40 & 1)) return "Invalid MAC address: " + text;
  for (const Domain& d : m_.domains) {
    bool taken = &d.mac != self && d.mac == v;
    for (const Vnet& n : d.vnets) taken |= &n.mac != self && n.mac == v;
    for (const Vsw& n : d.vsws) taken |= &n.mac != self && n.mac == v;
    if (taken) return fmt::format("MAC address {} is already in use.", format_mac(v));
  }
  mac = v;
  return "";
}

// ---- who holds what -------------------------------------------------------------------
const Domain* Manager::owner_of_strand(unsigned s) const {
  for (const Domain& d : m_.domains)
    if (std::count(d.strands.begin(), d.strands.end(), s)) return &d;
  return nullptr;
}
const Domain* Manager::owner_of_io(const std::string& bus) const {
  for (const Domain& d : m_.domains)
    if ((d.control || d.state != State::Inactive) && std::count(d.io.begin(), d.io.end(), bus)) return &d;
  return nullptr;
}
const Domain* Manager::owner_of_mau(unsigned core) const {
  for (const Domain& d : m_.domains)
    if (std::count(d.mau_cores.begin(), d.mau_cores.end(), core)) return &d;
  return nullptr;
}
std::vector<unsigned> Manager::free_strands() const {
  std::vector<unsigned> out;
  for (unsigned s = 0; s < p_.strands(); ++s)
    if (!owner_of_strand(s)) out.push_back(s);
  return out;
}
std::vector<unsigned> Manager::free_mau_cores() const {
  std::vector<unsigned> out;
  if (!p_.crypto_unit_per_core) return out;
  for (unsigned c = 0; c < p_.cores(); ++c)
    if (!owner_of_mau(c)) out.push_back(c);
  return out;
}
std::vector<SysRange> Manager::free_memory() const {
  std::vector<SysRange> held;
  for (const Domain& d : m_.domains)
    for (const MemRange& r : d.mem) held.push_back({r.pa, r.size});
  std::sort(held.begin(), held.end(), [](const SysRange& a, const SysRange& b) { return a.pa < b.pa; });
  std::vector<SysRange> out;
  uint64_t at = kSysTop;
  for (const SysRange& h : held) {
    if (h.pa > at) out.push_back({at, h.pa - at});
    at = std::max(at, h.pa + h.size);
  }
  if (at < p_.memory_bytes) out.push_back({at, p_.memory_bytes - at});
  return out;
}

std::string Manager::check_placement(const std::vector<Mblock>& blocks, const Domain& self) const {
  auto overlap = [](uint64_t a, uint64_t as, uint64_t b, uint64_t bs) { return a < b + bs && b < a + as; };
  for (size_t i = 0; i < blocks.size(); ++i) {
    const Mblock& b = blocks[i];
    std::string shown = format_mblock(b.pa, b.size);
    if (b.pa + b.size > p_.memory_bytes || b.pa + b.size < b.pa)
      return fmt::format("Memory {} is outside this system's memory (0x0 to {:#x})", shown, p_.memory_bytes);
    if (b.pa < kSysTop)
      return fmt::format("Memory {} overlaps the hypervisor's memory (below {:#x})", shown, kSysTop);
    for (size_t j = 0; j < i; ++j)
      if (overlap(b.pa, b.size, blocks[j].pa, blocks[j].size))
        return fmt::format("Memory {} overlaps {} of the same list", shown, format_mblock(blocks[j].pa, blocks[j].size));
    for (const Domain& o : m_.domains) {
      if (&o == &self) continue;
      for (const MemRange& r : o.mem)
        if (overlap(b.pa, b.size, r.pa, r.size))
          return fmt::format("Memory {} overlaps memory bound to LDom {} ({})", shown, o.name, format_mblock(r.pa, r.size));
      for (const Mblock& r : o.mblocks)
        if (overlap(b.pa, b.size, r.pa, r.size))
          return fmt::format("Memory {} overlaps memory placed for LDom {} ({})", shown, o.name, format_mblock(r.pa, r.size));
    }
  }
  return "";
}

// ---- binding ----------------------------------------------------------------------------
// Strands: the lowest free ones. Memory: 4 MB multiples, first fit over the free ranges
// (several blocks if no single range is large enough), real addresses contiguous from
// 0x8000000. Crypto units: free units of cores where the domain has strands. Buses must be
// free. The console port: the lowest free port of the vcc's range. All or nothing.
std::string Manager::bind(Domain& d, const std::vector<MemRange>* layout) {
  if (d.vcpus == 0) return fmt::format("LDom {} has no vcpus: add-vcpu first", d.name);
  if (d.memory == 0) return fmt::format("LDom {} has no memory: add-memory first", d.name);
  for (const Vdpcc& c : d.vdpccs) {   // (its service may have gone with remove-vdpcs -f)
    const Domain* s = m_.find(c.service_domain);
    if (!s || std::none_of(s->vdpcss.begin(), s->vdpcss.end(), [&](const Vdpcs& v) { return v.name == c.service; }))
      return fmt::format("Service {}@{} for vdpcc {} does not exist", c.service, c.service_domain, c.name);
  }
  std::vector<unsigned> strands = free_strands();
  if (d.whole_cores) {   // only cores whose every strand is free
    std::vector<unsigned> whole;
    for (unsigned c = 0; c < p_.cores(); ++c) {
      unsigned first = c * p_.strands_per_core, n = 0;
      for (unsigned s = first; s < first + p_.strands_per_core; ++s) n += !owner_of_strand(s);
      if (n == p_.strands_per_core)
        for (unsigned s = first; s < first + p_.strands_per_core; ++s) whole.push_back(s);
    }
    if (whole.size() < d.vcpus)
      return fmt::format("Insufficient cores available to bind LDom {}: {} requested, {} free", d.name,
                         d.vcpus / p_.strands_per_core, whole.size() / p_.strands_per_core);
    strands = whole;
  }
  if (strands.size() < d.vcpus)
    return fmt::format("Insufficient vcpus available to bind LDom {}: {} requested, {} free", d.name, d.vcpus,
                       strands.size());
  strands.resize(d.vcpus);
  uint64_t need = (d.memory + (4ull << 20) - 1) & ~((4ull << 20) - 1);
  std::vector<MemRange> mem;
  uint64_t ra = kRaBase, left = need;
  for (const SysRange& f : free_memory()) {
    uint64_t start = (f.pa + (4ull << 20) - 1) & ~((4ull << 20) - 1);
    if (start >= f.pa + f.size) continue;
    uint64_t avail = (f.pa + f.size - start) & ~((4ull << 20) - 1);
    uint64_t take = std::min(avail, left);
    if (!take) continue;
    mem.push_back({ra, start, take});
    ra += take;
    left -= take;
    if (!left) break;
  }
  if (!d.mblocks.empty() && !layout) {   // placed (mblock=): exactly those ranges, RAs in order
    if (std::string err = check_placement(d.mblocks, d); !err.empty())
      return fmt::format("Unable to bind LDom {}: {}", d.name, err);
    mem.clear();
    ra = kRaBase;
    for (const Mblock& b : d.mblocks) {
      mem.push_back({ra, b.pa, b.size});
      ra += b.size;
    }
    left = 0;
  }
  if (left)
    return fmt::format("Insufficient memory available to bind LDom {}: {} requested, {} free", d.name,
                       format_size(need), format_size(need - left));
  if (layout) {   // a migrated domain keeps its real addresses: each block in one free range
    mem.clear();
    std::vector<SysRange> free = free_memory();
    for (const MemRange& want : *layout) {
      bool placed = false;
      for (SysRange& f : free) {
        uint64_t start = (f.pa + (4ull << 20) - 1) & ~((4ull << 20) - 1);
        if (start >= f.pa + f.size || f.pa + f.size - start < want.size) continue;
        mem.push_back({want.ra, start, want.size});
        f.size -= start + want.size - f.pa;
        f.pa = start + want.size;
        placed = true;
        break;
      }
      if (!placed) return fmt::format("Unable to bind {} memory region at real address {:#x}", format_size(want.size), want.ra);
    }
  }
  std::vector<unsigned> maus;
  for (unsigned core : free_mau_cores()) {
    if (maus.size() == d.maus) break;
    if (std::any_of(strands.begin(), strands.end(), [&](unsigned s) { return s / p_.strands_per_core == core; }))
      maus.push_back(core);
  }
  if (maus.size() < d.maus)
    return fmt::format("Insufficient crypto units available to bind LDom {}: {} requested, {} free on its cores",
                       d.name, d.maus, maus.size());
  for (const std::string& bus : d.io)
    if (const Domain* o = owner_of_io(bus); o && o != &d)
      return fmt::format("Device {} is bound to LDom {}", bus, o->name);
  int port = d.vcons_port;
  const Vcc* vcc = nullptr;
  for (const Domain& x : m_.domains)
    for (const Vcc& v : x.vccs)
      if (!vcc && (d.vcons_service.empty() || d.vcons_service == v.name)) vcc = &v;
  auto held = [&](int p) { return console_port_free && !console_port_free(p); };
  if (vcc && port < 0) {
    std::set<int> used;
    for (const Domain& x : m_.domains)
      if (x.cons_port >= 0) used.insert(x.cons_port);
    bool skipped = false;
    for (unsigned p = vcc->port_lo; p <= vcc->port_hi && port < 0; ++p)
      if (!used.count(int(p))) {
        if (held(int(p))) skipped = true;
        else port = int(p);
      }
    if (port < 0)
      return fmt::format("No free console port in the range of {}{}", vcc->name,
                         skipped ? " (other processes hold the ports ldmd could use)" : "");
  } else if (vcc && held(port)) {
    return fmt::format("Console port {} of LDom {} is in use by another process: free it or choose another with "
                       "set-vcons port=", port, d.name);
  }
  d.strands = strands;
  d.mem = mem;
  d.mau_cores = maus;
  d.cons_port = port;
  if (host_) {
    std::string err = host_->bind(d, m_);
    if (!err.empty()) {
      d.strands.clear(); d.mem.clear(); d.mau_cores.clear(); d.cons_port = -1;
      return err;
    }
  }
  d.state = State::Bound;
  return "";
}

void Manager::unbind(Domain& d) {
  if (host_) host_->unbind(d);
  d.migration = {};   // (the recovery of a failed migration ends here: the source copy is gone)
  d.strands.clear();
  d.mem.clear();
  d.mau_cores.clear();
  d.cons_port = -1;
  d.state = State::Inactive;
}

void Manager::poll() {
  if (!host_) return;
  for (Domain& d : m_.domains)
    if (!d.control && d.state == State::Active && !host_->running(d)) d.state = State::Bound;
}

// ---- delayed reconfiguration ------------------------------------------------------------
std::string Manager::delayed_notice() const {
  return "------------------------------------------------------------------------------\n"
         "Notice: LDom primary is in the process of a delayed reconfiguration.\n"
         "Any changes made to primary will only take effect after it reboots.\n"
         "------------------------------------------------------------------------------\n";
}

bool Manager::other_changes_blocked(const std::string& domain, Reply& r) const {
  const Domain& p = m_.domains.front();
  if (!p.delayed || domain == p.name) return false;
  r.out += delayed_notice();
  r.err += fmt::format("Delayed reconfiguration of LDom {} is not permitted\n", domain);
  r.code = 1;
  return true;
}

// Changes to the control domain's CPUs, crypto units and memory are queued until it reboots
// (LDoms 1.2 guide): the first one starts the delayed reconfiguration with a notice.
Reply Manager::reconfigure_control(const std::function<void(Domain&)>& change) {
  Reply r;
  Domain& p = primary();
  if (!p.delayed) {
    p.delayed = true;
    p.pending_vcpus = p.vcpus;
    p.pending_maus = p.maus;
    p.pending_memory = p.memory;
    p.io_before = p.io;
    p.io_bypass_before = p.io_bypass;
    r.out = "Initiating delayed reconfigure operation on LDom primary.  All configuration\n"
            "changes for other LDoms are disabled until the LDom reboots, at which time\n"
            "the new configuration for LDom primary will also take effect.\n";
  } else {
    r.out = delayed_notice();
  }
  change(p);   // Manager::run saves after every successful change
  return r;
}

// The control domain boots with these constraints (at its reboot after a delayed
// reconfiguration, and at power-on): strands from the lowest of its own (or free ones),
// memory from the start of its range (below other domains' memory), crypto units on its cores.
void Manager::fit_control(Domain& p, unsigned vcpus, uint64_t memory, unsigned maus) {
  std::vector<unsigned> mine = p.strands;
  std::vector<unsigned> fresh = free_strands();
  mine.insert(mine.end(), fresh.begin(), fresh.end());
  std::sort(mine.begin(), mine.end());
  mine.resize(std::min<size_t>(vcpus, mine.size()));
  p.strands = mine;
  p.vcpus = unsigned(mine.size());
  uint64_t size = (memory + (4ull << 20) - 1) & ~((4ull << 20) - 1);
  uint64_t limit = p_.memory_bytes - kSysTop;
  for (const Domain& d : m_.domains)
    if (!d.control)
      for (const MemRange& mr : d.mem) limit = std::min(limit, mr.pa - kSysTop);
  size = std::min(size, limit);
  p.mem = {{kSysTop, kSysTop, size}};
  p.memory = size;
  std::vector<unsigned> units;
  for (unsigned c = 0; c < p_.cores() && units.size() < maus; ++c)
    if ((!owner_of_mau(c) || owner_of_mau(c) == &p) &&
        std::any_of(p.strands.begin(), p.strands.end(), [&](unsigned s) { return s / p_.strands_per_core == c; }))
      units.push_back(c);
  p.mau_cores = units;
  p.maus = unsigned(units.size());
}

Reply Manager::reboot_control() {
  Reply r;
  Domain& p = primary();
  if (p.delayed) {
    fit_control(p, p.pending_vcpus, p.pending_memory, p.pending_maus);
    p.pending_vcpus = p.vcpus;
    p.delayed = false;
    m_.next_config.clear();
  }
  p.started_at = now();
  save();
  r.out = "primary rebooted\n";
  return r;
}

// ---- power and the SP ------------------------------------------------------------------
Reply Manager::poweroff() {
  Reply r;
  if (!powered_) {
    r.err = "Chassis is already powered off\n";
    r.code = 1;
    return r;
  }
  for (Domain& d : m_.domains)
    if (!d.control && d.state != State::Inactive && host_) {
      if (d.state == State::Active) host_->stop(d);
      host_->unbind(d);
    }
  powered_ = false;
  r.out = "Chassis is powered off\n";
  return r;
}

Reply Manager::poweron() {
  Reply r;
  if (powered_) {
    r.err = "Chassis is already powered on\n";
    r.code = 1;
    return r;
  }
  // The configuration chosen for this power-on replaces the running one.
  std::string cfg = m_.next_config.empty() ? m_.current_config : m_.next_config;
  if (cfg == "factory-default") {
    std::vector<SpConfig> keep = m_.spconfigs;
    factory_default();
    m_.spconfigs = keep;
  } else {
    for (const SpConfig& c : m_.spconfigs)
      if (c.name == cfg) m_.domains = c.domains;
  }
  m_.current_config = cfg;
  m_.next_config.clear();
  powered_ = true;
  // The saved bindings are handed out again from scratch: clear every guest's first, so that
  // a saved console port does not look taken (ldg1 came back on 5003 instead of 5000).
  for (Domain& d : m_.domains)
    if (!d.control) { d.strands.clear(); d.mem.clear(); d.mau_cores.clear(); d.cons_port = -1; }
  for (Domain& d : m_.domains) {
    d.delayed = false;
    if (d.control) {
      // (a configuration saved during a delayed reconfiguration holds the new constraints
      // with the old bindings: 8 vcpus on 128 strands, which no restart would load)
      fit_control(d, d.vcpus, d.memory, d.maus);
      d.state = State::Active;
      d.started_at = now();
      continue;
    }
    // Bound and active domains come back as they were saved.
    State want = d.state;
    d.state = State::Inactive;
    if (want == State::Inactive) continue;
    if (!bind(d).empty()) continue;
    if (want == State::Active && host_ && host_->start(d).empty()) {
      d.state = State::Active;
      d.started_at = now();
    }
  }
  save();
  r.out = fmt::format("Chassis is powered on with configuration {}\n", cfg);
  return r;
}

Reply Manager::bootmode(const std::string& config) {
  Reply r;
  if (config != "factory-default" &&
      std::none_of(m_.spconfigs.begin(), m_.spconfigs.end(), [&](const SpConfig& c) { return c.name == config; })) {
    r.err = fmt::format("No configuration named {} on the service processor\n", config);
    r.code = 1;
    return r;
  }
  m_.next_config = config == m_.current_config ? "" : config;
  save();
  return r;
}

// ---- operations ------------------------------------------------------------------------
std::shared_ptr<Operation> Manager::new_operation(const std::string& what) {
  auto op = std::make_shared<Operation>(what, [this] { return now(); });
  op_ = op;
  return op;
}

Reply Manager::settle(const std::shared_ptr<Operation>& op) {
  if (op->done()) return op->reply();
  Reply r;
  r.pending = op;
  return r;
}

std::shared_ptr<Operation> Manager::running_operation() const {
  auto op = op_.lock();
  return op && !op->done() ? op : nullptr;
}

// ---- persistence -------------------------------------------------------------------------
void Manager::save() {
  if (state_dir_.empty()) return;
  write_state_atomically(state_dir_ + "/ldmd.json", m_);
}

// read_state checked the file's shape; here its bindings are checked against this platform:
// every held strand, memory range, crypto unit and bus must exist and be held once.
void Manager::load() {
  std::string path = state_dir_ + "/ldmd.json";
  read_state(path, m_);
  auto bad = [&](const std::string& why) { throw StateError(path + ": " + why); };
  std::set<unsigned> strands, maus;
  std::vector<SysRange> mem;
  std::set<std::string> io;
  for (const Domain& d : m_.domains) {
    // Placed memory (mblock=): whole blocks inside the machine, the domain's size, and held
    // where placed (a bound domain of a migration keeps its source's layout instead).
    if (!d.mblocks.empty()) {
      uint64_t total = 0;
      for (const Mblock& b : d.mblocks) {
        if (b.size == 0 || b.size % kMemoryBlock || b.pa % kMemoryBlock || b.pa < kSysTop || b.pa + b.size > p_.memory_bytes ||
            b.pa + b.size < b.pa)
          bad(fmt::format("LDom {} has mblock {}, which is not whole 4 MB blocks of this machine's domain memory", d.name,
                          format_mblock(b.pa, b.size)));
        total += b.size;
      }
      if (d.control) bad("the control domain has mblocks");
      if (total != d.memory) bad(fmt::format("LDom {} has mblocks of {} bytes but asks for {}", d.name, total, d.memory));
    }
    bool holds = d.control || d.state != State::Inactive;
    if (!holds && (!d.strands.empty() || !d.mem.empty() || !d.mau_cores.empty()))
      bad(fmt::format("LDom {} is inactive but holds resources", d.name));
    if (!holds) continue;
    if (d.strands.size() != d.vcpus)
      bad(fmt::format("LDom {} has {} vcpus but holds {} strands", d.name, d.vcpus, d.strands.size()));
    for (unsigned s : d.strands) {
      if (s >= p_.strands()) bad(fmt::format("LDom {} holds strand {}, which {} does not have", d.name, s, p_.name));
      if (!strands.insert(s).second) bad(fmt::format("strand {} is held twice (LDom {})", s, d.name));
    }
    for (unsigned c : d.mau_cores) {
      if (c >= p_.cores()) bad(fmt::format("LDom {} holds the crypto unit of core {}, which {} does not have", d.name, c, p_.name));
      if (!maus.insert(c).second) bad(fmt::format("the crypto unit of core {} is held twice (LDom {})", c, d.name));
    }
    uint64_t total = 0;
    for (const MemRange& r : d.mem) {
      if (r.size == 0 || r.pa < kSysTop || r.pa + r.size > p_.memory_bytes || r.pa + r.size < r.pa)
        bad(fmt::format("LDom {} holds memory 0x{:x}+0x{:x} outside this machine's", d.name, r.pa, r.size));
      for (const SysRange& o : mem)
        if (r.pa < o.pa + o.size && o.pa < r.pa + r.size)
          bad(fmt::format("memory 0x{:x}+0x{:x} is held twice (LDom {})", r.pa, r.size, d.name));
      mem.push_back({r.pa, r.size});
      total += r.size;
    }
    if (!d.control && total < d.memory)
      bad(fmt::format("LDom {} holds {} bytes of memory but asks for {}", d.name, total, d.memory));
    for (const std::string& b : d.io) {
      if (!std::count(p_.pcie_roots.begin(), p_.pcie_roots.end(), b)) bad(fmt::format("LDom {} has bus {}, which {} does not have", d.name, b, p_.name));
      if (!io.insert(b).second) bad(fmt::format("bus {} is held twice (LDom {})", b, d.name));
    }
  }
}

}  // namespace vfsim::ldm
