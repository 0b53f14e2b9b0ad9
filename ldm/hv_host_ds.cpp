// HvHost's Domain Services: every guest domain gets a channel to the manager's DS end at
// bind; graceful stop and live CPU DR ask the guest's runtime over it and wait for its
// answers while simulated time runs: each wait is a step of the command's Operation
// (operation.h), which ldmd's main loop advances in small steps of simulated time (ldm
// waits for the command to finish, as the real one does; in --deterministic mode too, so
// a script's output stays the same on every run).
#include <fmt/format.h>

#include "ldm/hv_host.h"

namespace vfsim::ldm {

using models::DomainServices;
namespace ds = models::ds;

void HvHost::connect_domain_services(hv::Guest& g, const Domain& d) {
  if (d.control) return;
  hv::VirtualDevice dev;
  dev.kind = hv::VirtualDevice::DomainServices;
  hv_.connect_service(g, ds_, dev, preset_channel(d.name, "ds"));
}

uint64_t HvHost::ds_call(Operation& op, hv::Guest& g, const std::string& service, const std::vector<uint8_t>& payload,
                         std::function<void(bool, const DomainServices::Answer&)> next) {
  auto answer = std::make_shared<DomainServices::Answer>();
  auto settled = std::make_shared<bool>(false);   // answered, timed out or cancelled
  uint64_t req = ds_.request(hv_, g, service, payload, [answer, settled](const DomainServices::Answer& a) {
    *answer = a;
    *settled = true;
  });
  if (!req) {
    answer->error = "the domain has not registered " + service;
    next(false, *answer);
    return 0;
  }
  hv::Guest* gp = &g;
  // The answer is not wanted any more: the guest's late one must not be matched later.
  auto forget = [this, gp, req, settled] {
    if (!*settled) ds_.cancel(*gp, req);
    *settled = true;
  };
  op.on_cancel(forget);
  op.set_progress(fmt::format("waiting for {} to answer {}", g.name, service));
  op.wait([answer, settled] { return *settled; }, ds_timeout_s, [=](bool met) {
    if (!met) {
      forget();
      answer->error = fmt::format("no answer to {} within {:g} ms of simulated time", service, ds_timeout_s * 1e3);
      return next(false, *answer);
    }
    next(answer->ok, *answer);
  });
  return req;
}

// A suspended guest answers nothing until it is resumed.
bool HvHost::has_domain_service(const Domain& d, const std::string& service) {
  hv::Guest* g = hv_.find_guest(d.name);
  return g && running(d) && !hv_.guest_suspended(*g) && ds_.has(*g, service);
}

void HvHost::notify_md_update(const Domain& d) {
  if (hv::Guest* g = hv_.find_guest(d.name); g && ds_.has(*g, "md-update"))
    ds_.request(hv_, *g, "md-update", {}, nullptr);
}

// domain-shutdown {req_num, u32 delay ms} -> {req_num, u32 result, reason}; then the guest
// stops by itself (the runtime exits with mach_exit).
void HvHost::shutdown_domain(const Domain& d, Operation& op, Done done) {
  hv::Guest* g = hv_.find_guest(d.name);
  if (!g) return done(fmt::format("LDom {} is not bound", d.name));
  Domain dom = d;   // the model does not change while an Operation runs; a copy is simplest
  ds_call(op, *g, "domain-shutdown", ds::Writer().u32(0).b, [this, &op, g, dom, done](bool ok, const DomainServices::Answer& a) {
    if (!ok) return done(fmt::format("LDom {} did not answer the shutdown request: {}", dom.name, a.error));
    ds::Reader r(a.data.data(), a.data.size());
    uint32_t result = r.u32();
    std::string reason = r.left() ? r.cstr() : "";
    if (!r.ok || result != 0)
      return done(fmt::format("LDom {} refused to shut down{}", dom.name, reason.empty() ? "" : ": " + reason));
    op.set_progress(fmt::format("waiting for {} to stop", dom.name));
    op.wait([this, dom] { return !running(dom); }, ds_timeout_s, [this, g, dom, done](bool stopped) {
      if (!stopped)
        return done(fmt::format("LDom {} accepted the shutdown request but did not stop within {:g} ms of simulated time",
                                dom.name, ds_timeout_s * 1e3));
      ds_.forget(*g);
      hv_.stop_guest(*g);
      done("");
    });
  });
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

void HvHost::add_vcpus_live(const Domain& d, const std::vector<unsigned>& strands, Operation& op, Done done) {
  hv::Guest* g = hv_.find_guest(d.name);
  if (!g) return done(fmt::format("LDom {} is not bound", d.name));
  unsigned first = unsigned(g->vcpus.size());
  try {
    hv_.add_vcpus(*g, strands);
  } catch (const hv::HvError& e) {
    return done(e.what());
  }
  // Utilisation of the new vCPUs counts from now, not from the strands' earlier life.
  for (unsigned s : strands)
    samples_[s] = {hv_.machine.core_of(s).cycles, hv_.machine.strand(s).stats.yield_cycles, 0};
  std::vector<uint32_t> ids;
  for (unsigned i = 0; i < strands.size(); ++i) ids.push_back(first + i);
  Domain dom = d;
  // On failure the new vCPUs leave again (stopped first if the guest started some).
  auto rollback = [this, g, ids, dom] {
    std::vector<unsigned> gone(ids.begin(), ids.end());
    for (unsigned id : gone)
      if (g->vcpus[id].state != hv::CPU_STATE_STOPPED) hv_.stop_vcpu(*g, g->vcpus[id], hv::CPU_STATE_STOPPED);
    try {
      hv_.remove_vcpus(*g, gone);
    } catch (const hv::HvError&) {   // cannot happen once they are stopped; never take ldmd down
    }
    notify_md_update(dom);
  };
  ds_call(op, *g, "md-update", {}, [this, &op, g, ids, dom, rollback, done](bool ok, const DomainServices::Answer& a) {
    if (!ok || !md_update_ok(a)) {
      rollback();
      return done(fmt::format("LDom {} did not take its new machine description (md-update): {}", dom.name,
                              a.error.empty() ? "it reported a failure" : a.error));
    }
    ds_call(op, *g, "dr-cpu", ds::dr_cpu_request(ds::DR_CONFIGURE, ids),
            [ids, dom, rollback, done](bool ok, const DomainServices::Answer& a) {
              if (!ok) {
                rollback();
                return done(fmt::format("LDom {} did not answer the dr-cpu configure request: {}", dom.name, a.error));
              }
              ds::DrCpuReply rep;
              std::string err = dr_cpu_errors(dom.name, a, "Addition", rep);
              if (err.empty() && rep.records.size() != ids.size())
                err = fmt::format("LDom {} answered for {} of {} cpus\n", dom.name, rep.records.size(), ids.size());
              if (!err.empty()) {
                rollback();
                return done(err + fmt::format("Domain {} didn't allow addition of any VCPU\nResource modification failed", dom.name));
              }
              done("");
            });
  });
}

void HvHost::remove_vcpus_live(const Domain& d, unsigned count, Operation& op,
                               std::function<void(const std::string&, const std::vector<unsigned>&)> done) {
  hv::Guest* g = hv_.find_guest(d.name);
  if (!g) return done(fmt::format("LDom {} is not bound", d.name), {});
  if (count == 0 || count >= g->vcpus.size()) return done(fmt::format("LDom {} must keep at least one vcpu", d.name), {});
  std::vector<uint32_t> ids;
  for (unsigned id = unsigned(g->vcpus.size()) - count; id < g->vcpus.size(); ++id) ids.push_back(id);
  std::string name = d.name;
  ds_call(op, *g, "dr-cpu", ds::dr_cpu_request(ds::DR_UNCONFIGURE, ids),
          [this, &op, g, ids, name, count, done](bool ok, const DomainServices::Answer& a) {
    if (!ok) return done(fmt::format("LDom {} did not answer the dr-cpu unconfigure request: {}", name, a.error), {});
    ds::DrCpuReply rep;
    std::string err = dr_cpu_errors(name, a, "Removal", rep);
    // What the guest stopped can go, from the top down (vCPU ids stay dense).
    std::vector<unsigned> gone, removed;
    for (unsigned id = unsigned(g->vcpus.size()); id-- > ids.front();) {
      if (g->vcpus[id].state == hv::CPU_STATE_RUNNING) break;
      gone.push_back(id);
    }
    for (unsigned id : gone) removed.push_back(g->vcpus[id].strand);
    // The end, once the new MD is in (or there is nothing to tell the guest).
    auto finish = [name, count, gone, removed, done](std::string err) {
      if (gone.size() < count) {
        if (err.empty()) err = fmt::format("LDom {} did not stop {} of its vcpus\n", name, count - gone.size());
        return done(err + (gone.empty() ? fmt::format("Domain {} didn't allow removal of any VCPU\n", name) : "") +
                        "Resource modification failed",
                    removed);
      }
      done(err.empty() ? "" : err + "Resource modification failed", removed);
    };
    if (gone.empty()) return finish(err);
    try {
      hv_.remove_vcpus(*g, gone);
    } catch (const hv::HvError& e) {
      return done(fmt::format("{}\nResource modification failed", e.what()), {});
    }
    ds_call(op, *g, "md-update", {}, [name, err, finish](bool ok, const DomainServices::Answer& u) {
      std::string e = err;
      if (!ok || !md_update_ok(u))
        e += fmt::format("LDom {} did not take its new machine description (md-update): {}\n", name, u.error);
      finish(e);
    });
  });
}

// domain-suspend {req_num, u64 0 (suspend)} -> {req_num, u32 result, u32 rec_result, reason}:
// result 0 and the guest goes on to suspend, which is done when it sits in guest_suspend
// (Hypervisor::guest_suspended). If its call fails instead, the guest says so in a second
// reply under the same req_num (DomainServices::late_reply), which ends the wait early.
void HvHost::suspend_domain(const Domain& d, Operation& op, Done done) {
  hv::Guest* g = hv_.find_guest(d.name);
  if (!g) return done(fmt::format("LDom {} is not bound", d.name));
  if (hv_.guest_suspended(*g)) return done(fmt::format("LDom {} is already suspended", d.name));
  if (!running(d)) return done(fmt::format("LDom {} is not running", d.name));
  if (!ds_.has(*g, "domain-suspend"))
    return done(fmt::format("LDom {} does not support suspend: it does not run the domain services agent", d.name));
  std::string name = d.name;
  auto req = std::make_shared<uint64_t>(0);
  *req = ds_call(op, *g, "domain-suspend", ds::Writer().u64(0).b,
                 [this, &op, g, name, req, done](bool ok, const DomainServices::Answer& a) {
    if (!ok) return done(fmt::format("LDom {} did not answer the suspend request: {}", name, a.error));
    ds::Reader r(a.data.data(), a.data.size());
    uint32_t result = r.u32();
    r.u32();   // rec_result: what the guest recovered, nothing to act on here
    std::string reason = r.ok && r.left() ? r.cstr() : "";
    if (!r.ok || result != ds::SUSPEND_PRE_OK)
      return done(fmt::format("LDom {} refused to suspend{}", name, reason.empty() ? "" : ": " + reason));
    // The guest's report that its suspend call failed (its req_num is ours): the reason.
    auto failure = [this, g, req]() -> std::string {
      const DomainServices::Late* l = ds_.late_reply(*g, "domain-suspend");
      if (!l || l->req_num != *req) return "";
      ds::Reader lr(l->data.data(), l->data.size());
      if (lr.u32() != ds::SUSPEND_FAILURE) return "";
      lr.u32();
      std::string why = lr.ok && lr.left() ? lr.cstr() : "";
      return why.empty() ? "its suspend call failed" : why;
    };
    op.set_progress(fmt::format("waiting for {} to suspend", name));
    op.wait([this, g, failure] { return hv_.guest_suspended(*g) || !failure().empty(); }, suspend_timeout_s,
            [this, g, name, failure, done](bool) {
              if (hv_.guest_suspended(*g)) return done("");
              std::string why = failure();
              if (!why.empty()) return done(fmt::format("LDom {} did not suspend: {}", name, why));
              done(fmt::format("LDom {} accepted the suspend request but did not suspend within {:g} ms of simulated time",
                               name, suspend_timeout_s * 1e3));
            });
  });
}

void HvHost::resume_domain(const Domain& d) {
  if (hv::Guest* g = hv_.find_guest(d.name)) hv_.resume_guest(*g);
}

bool HvHost::suspended(const Domain& d) {
  hv::Guest* g = hv_.find_guest(d.name);
  return g && hv_.guest_suspended(*g);
}

}  // namespace vfsim::ldm
