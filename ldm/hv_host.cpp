#include "ldm/hv_host.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/isa/elf_image.h"

namespace vfsim::ldm {

// The MD's OpenBoot variables; with no boot-file the runtime idles, as a domain sitting at
// its boot prompt would.
std::map<std::string, std::string> HvHost::variables(const Domain& d) const {
  std::map<std::string, std::string> v(d.variables.begin(), d.variables.end());
  if (!v.count("boot-file")) v["boot-file"] = "idle";
  return v;
}

std::string HvHost::bind(const Domain& d, const Model& m) {
  hv::GuestConfig c;
  c.name = d.name;
  c.strands = d.strands;
  c.vcpus = unsigned(d.strands.size());
  for (const MemRange& m : d.mem) c.layout.push_back({m.ra, m.size, m.pa});
  c.crypto_units = d.mau_cores;
  c.pcie_buses = d.io;
  c.pcie_bypass = d.io_bypass;
  c.variables = variables(d);
  hv::Guest* g = nullptr;
  try {
    g = &hv_.create_guest(c);
    vcc_.attach(*g);
    connect_domain_services(*g, d);
  } catch (const hv::HvError& e) {
    if (g) hv_.destroy_guest(*g);   // all or nothing
    return e.what();
  }
  std::string err = bind_vio(d, m, *g);
  if (!err.empty()) unbind(d);
  return err;
}

void HvHost::unbind(const Domain& d) {
  channels_.erase(d.name);
  if (hv::Guest* g = hv_.find_guest(d.name)) hv_.destroy_guest(*g);   // services (ds_ too) forget it
}

std::string HvHost::start(const Domain& d) {
  hv::Guest* g = hv_.find_guest(d.name);
  if (!g) return "not bound in the hypervisor";
  auto vars = variables(d);
  hv_.set_variables(*g, vars);
  std::string image = vars.count("vfsim-image") ? vars["vfsim-image"] : image_;
  try {
    hv_.load_image(*g, image);
  } catch (const std::exception& e) {
    return e.what();
  }
  hv_.boot(*g);
  return "";
}

void HvHost::stop(const Domain& d) {
  if (hv::Guest* g = hv_.find_guest(d.name)) {
    ds_.forget(*g);   // its OS is gone with its registrations
    hv_.stop_guest(*g);
  }
}

// A suspended guest runs too: its vCPU is in guest_suspend, not exited.
bool HvHost::running(const Domain& d) {
  hv::Guest* g = hv_.find_guest(d.name);
  if (!g || g->exited) return false;
  for (const hv::Vcpu& v : g->vcpus)
    if (v.state == hv::CPU_STATE_RUNNING) return true;
  return false;
}

// Utilisation of a vCPU since the last listing: the share of its core's cycles it did not
// spend asleep in cpu_yield (what Solaris calls non-idle time).
double HvHost::utilization(const Domain& d) {
  hv::Guest* g = hv_.find_guest(d.name);
  if (!g || g->vcpus.empty()) return 0;
  double sum = 0;
  for (const hv::Vcpu& v : g->vcpus) {
    cmt::Core& core = hv_.machine.core_of(v.strand);
    const cmt::Strand& s = hv_.machine.strand(v.strand);
    Sample& sm = samples_[v.strand];
    uint64_t dc = core.cycles - sm.cycles, dy = s.stats.yield_cycles - sm.yielded;
    if (dc > 0) sm.util = 100.0 * (1.0 - std::min(1.0, double(dy) / double(dc)));
    if (!v.runs()) sm.util = 0;   // stopped, or suspended (it still counts as running)
    sm.cycles = core.cycles;
    sm.yielded = s.stats.yield_cycles;
    sum += sm.util;
  }
  return sum / double(g->vcpus.size());
}

// The sample utilization(d) took of this vCPU's strand (no new sample: the listing's vCPU
// rows then average to its UTIL).
double HvHost::strand_utilization(const Domain& d, unsigned vid) {
  hv::Guest* g = hv_.find_guest(d.name);
  if (!g || vid >= g->vcpus.size()) return 0;
  auto it = samples_.find(g->vcpus[vid].strand);
  return it == samples_.end() ? 0 : it->second.util;
}

std::string HvHost::soft_state(const Domain& d) {
  hv::Guest* g = hv_.find_guest(d.name);
  return g && g->soft_state ? g->soft_state_desc : "";
}

double HvHost::now_seconds() { return sc_core::sc_time_stamp().to_seconds(); }

}  // namespace vfsim::ldm
