// HvHost's Domain Services: every guest domain gets a channel to the manager's DS end at
// bind; graceful stop and live CPU DR ask the guest's runtime over it and wait for its
// answers while simulated time runs (ldm waits for the command to finish, as the real one
// does; in --deterministic mode too, so a script's output stays the same on every run).
#include <fmt/format.h>

#include "ldm/hv_host.h"

namespace vfsim::ldm {

using models::DomainServices;
namespace ds = models::ds;

namespace {
constexpr double kStepSeconds = 50e-6;   // simulated time between two looks at the answer
}

void HvHost::connect_domain_services(hv::Guest& g, const Domain& d) {
  if (d.control) return;
  hv::VirtualDevice dev;
  dev.kind = hv::VirtualDevice::DomainServices;
  hv_.connect_service(g, ds_, dev);
}

bool HvHost::run_until(const std::function<bool()>& done) {
  double until = sc_core::sc_time_stamp().to_seconds() + ds_timeout_s;
  while (!done()) {
    if (sc_core::sc_time_stamp().to_seconds() >= until) return false;
    sc_core::sc_start(sc_core::sc_time(kStepSeconds, sc_core::SC_SEC));
  }
  return true;
}

bool HvHost::ds_call(hv::Guest& g, const std::string& service, const std::vector<uint8_t>& payload,
                     DomainServices::Answer& out) {
  bool got = false;
  uint64_t req = ds_.request(hv_, g, service, payload, [&](const DomainServices::Answer& a) {
    out = a;
    got = true;
  });
  if (!req) {
    out.error = "the domain has not registered " + service;
    return false;
  }
  if (!run_until([&] { return got; })) {
    ds_.cancel(g, req);   // the callback refers to this frame
    out.error = fmt::format("no answer to {} within {:g} ms of simulated time", service, ds_timeout_s * 1e3);
    return false;
  }
  return out.ok;
}

bool HvHost::has_domain_service(const Domain& d, const std::string& service) {
  hv::Guest* g = hv_.find_guest(d.name);
  return g && running(d) && ds_.has(*g, service);
}

void HvHost::notify_md_update(const Domain& d) {
  if (hv::Guest* g = hv_.find_guest(d.name); g && ds_.has(*g, "md-update"))
    ds_.request(hv_, *g, "md-update", {}, nullptr);
}

// domain-shutdown {req_num, u32 delay ms} -> {req_num, u32 result, reason}; then the guest
// stops by itself (the runtime exits with mach_exit).
std::string HvHost::shutdown_domain(const Domain& d) {
  hv::Guest* g = hv_.find_guest(d.name);
  if (!g) return fmt::format("LDom {} is not bound", d.name);
  DomainServices::Answer a;
  if (!ds_call(*g, "domain-shutdown", ds::Writer().u32(0).b, a))
    return fmt::format("LDom {} did not answer the shutdown request: {}", d.name, a.error);
  ds::Reader r(a.data.data(), a.data.size());
  uint32_t result = r.u32();
  std::string reason = r.left() ? r.cstr() : "";
  if (!r.ok || result != 0)
    return fmt::format("LDom {} refused to shut down{}", d.name, reason.empty() ? "" : ": " + reason);
  if (!run_until([&] { return !running(d); }))
    return fmt::format("LDom {} accepted the shutdown request but did not stop within {:g} ms of simulated time",
                       d.name, ds_timeout_s * 1e3);
  ds_.forget(*g);
  hv_.stop_guest(*g);
  return "";
}

namespace {
// md-update's reply after req_num: u32 result, 0 = the guest read the new MD.
bool md_update_ok(const DomainServices::Answer& a) {
  ds::Reader r(a.data.data(), a.data.size());
  return r.u32() == 0 && r.ok;
}
// A record's message: string offsets count from the reply's req_num (8 bytes before data).
std::string record_text(const std::vector<uint8_t>& data, const ds::DrCpuRecord& rec) {
  if (rec.str_off >= 8 && rec.str_off - 8 < data.size()) {
    ds::Reader r(data.data() + rec.str_off - 8, data.size() - (rec.str_off - 8));
    std::string s = r.cstr();
    if (r.ok && !s.empty()) return s;
  }
  return ds::dr_cpu_result_name(rec.result);
}

// The guest's dr-cpu reply: "" when it did every cpu, else a line per cpu it did not
// ("Addition of cpu 5 failed, error: ..." as OVM for SPARC words it).
std::string dr_cpu_errors(const std::string& domain, const DomainServices::Answer& a, const char* what,
                          ds::DrCpuReply& rep) {
  std::string err;
  if (!ds::parse_dr_cpu_reply(a.data, rep)) err = fmt::format("LDom {} sent a malformed dr-cpu reply\n", domain);
  for (const ds::DrCpuRecord& rec : rep.records)
    if (rec.result != ds::DRCPU_OK) err += fmt::format("{} of cpu {} failed, error: {}\n", what, rec.cpu, record_text(a.data, rec));
  return err;
}
}  // namespace

std::string HvHost::add_vcpus_live(const Domain& d, const std::vector<unsigned>& strands) {
  hv::Guest* g = hv_.find_guest(d.name);
  if (!g) return fmt::format("LDom {} is not bound", d.name);
  unsigned first = unsigned(g->vcpus.size());
  try {
    hv_.add_vcpus(*g, strands);
  } catch (const hv::HvError& e) {
    return e.what();
  }
  // Utilisation of the new vCPUs counts from now, not from the strands' earlier life.
  for (unsigned s : strands)
    samples_[s] = {hv_.machine.core_of(s).cycles, hv_.machine.strand(s).stats.yield_cycles, 0};
  std::vector<uint32_t> ids;
  for (unsigned i = 0; i < strands.size(); ++i) ids.push_back(first + i);
  // On failure the new vCPUs leave again (stopped first if the guest started some).
  auto rollback = [&] {
    std::vector<unsigned> gone(ids.begin(), ids.end());
    for (unsigned id : gone)
      if (g->vcpus[id].state != hv::CPU_STATE_STOPPED) hv_.stop_vcpu(*g, g->vcpus[id], hv::CPU_STATE_STOPPED);
    try {
      hv_.remove_vcpus(*g, gone);
    } catch (const hv::HvError&) {   // cannot happen once they are stopped; never take ldmd down
    }
    notify_md_update(d);
  };
  DomainServices::Answer a;
  if (!ds_call(*g, "md-update", {}, a) || !md_update_ok(a)) {
    rollback();
    return fmt::format("LDom {} did not take its new machine description (md-update): {}", d.name,
                       a.error.empty() ? "it reported a failure" : a.error);
  }
  if (!ds_call(*g, "dr-cpu", ds::dr_cpu_request(ds::DR_CONFIGURE, ids), a)) {
    rollback();
    return fmt::format("LDom {} did not answer the dr-cpu configure request: {}", d.name, a.error);
  }
  ds::DrCpuReply rep;
  std::string err = dr_cpu_errors(d.name, a, "Addition", rep);
  if (err.empty() && rep.records.size() != ids.size()) err = fmt::format("LDom {} answered for {} of {} cpus\n", d.name, rep.records.size(), ids.size());
  if (!err.empty()) {
    rollback();
    return err + fmt::format("Domain {} didn't allow addition of any VCPU\nResource modification failed", d.name);
  }
  return "";
}

std::string HvHost::remove_vcpus_live(const Domain& d, unsigned count, std::vector<unsigned>& removed) {
  removed.clear();
  hv::Guest* g = hv_.find_guest(d.name);
  if (!g) return fmt::format("LDom {} is not bound", d.name);
  if (count == 0 || count >= g->vcpus.size()) return fmt::format("LDom {} must keep at least one vcpu", d.name);
  std::vector<uint32_t> ids;
  for (unsigned id = unsigned(g->vcpus.size()) - count; id < g->vcpus.size(); ++id) ids.push_back(id);
  DomainServices::Answer a;
  if (!ds_call(*g, "dr-cpu", ds::dr_cpu_request(ds::DR_UNCONFIGURE, ids), a))
    return fmt::format("LDom {} did not answer the dr-cpu unconfigure request: {}", d.name, a.error);
  ds::DrCpuReply rep;
  std::string err = dr_cpu_errors(d.name, a, "Removal", rep);
  // What the guest stopped can go, from the top down (vCPU ids stay dense).
  std::vector<unsigned> gone;
  for (unsigned id = unsigned(g->vcpus.size()); id-- > ids.front();) {
    if (g->vcpus[id].state == hv::CPU_STATE_RUNNING) break;
    gone.push_back(id);
  }
  for (unsigned id : gone) removed.push_back(g->vcpus[id].strand);
  if (!gone.empty()) {
    try {
      hv_.remove_vcpus(*g, gone);
    } catch (const hv::HvError& e) {
      removed.clear();
      return fmt::format("{}\nResource modification failed", e.what());
    }
    DomainServices::Answer u;
    if (!ds_call(*g, "md-update", {}, u) || !md_update_ok(u))
      err += fmt::format("LDom {} did not take its new machine description (md-update): {}\n", d.name, u.error);
  }
  if (gone.size() < count) {
    if (err.empty()) err = fmt::format("LDom {} did not stop {} of its vcpus\n", d.name, count - gone.size());
    return err + (gone.empty() ? fmt::format("Domain {} didn't allow removal of any VCPU\n", d.name) : "") +
           "Resource modification failed";
  }
  return err.empty() ? "" : err + "Resource modification failed";
}

}  // namespace vfsim::ldm
