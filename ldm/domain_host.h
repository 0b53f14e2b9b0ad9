// What ldm needs from whatever runs the domains: the hypervisor on the simulated machine
// (hv_host.h), or nothing at all in tests of the manager alone.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "ldm/model.h"
#include "ldm/operation.h"

namespace vfsim::ldm {

struct DomainHost {
  virtual ~DomainHost() = default;
  // Give a newly bound domain its strands, memory, crypto units and buses, and its virtual
  // devices their channels to the services (found in m). Returns "" or why not.
  virtual std::string bind(const Domain& d, const Model& m) = 0;
  virtual void unbind(const Domain& d) = 0;
  // The virtual devices of a bound or active domain changed (add/set/remove-vdisk): give new
  // ones their channels, take removed ones away. "" or why not (nothing changed then).
  virtual std::string vio_changed(const Domain&, const Model&) { return ""; }
  // Boot the domain's image; "" or why not.
  virtual std::string start(const Domain& d) = 0;
  virtual void stop(const Domain& d) = 0;
  // false once the guest has stopped by itself (mach_exit): the domain is then bound again.
  virtual bool running(const Domain& d) = 0;
  virtual double utilization(const Domain& d) = 0;   // percent, average of its vCPUs
  // One vCPU's utilisation (percent) as the last utilization(d) measured it; a host that
  // cannot tell them apart gives the domain's.
  virtual double strand_utilization(const Domain& d, unsigned /*vid*/) { return utilization(d); }
  virtual double now_seconds() = 0;                  // simulated time
  // What the guest's OS last said of itself with soft_state_set ("" if nothing).
  virtual std::string soft_state(const Domain&) { return ""; }

  // Domain Services with the guest's OS (models/ds.h; HvHost: hv_host_ds.cpp). A call that
  // asks the guest waits for its answer as a step of `op` (operation.h: ldmd runs simulated
  // time meanwhile, at most a bounded simulated time), then calls done with "" or the error
  // ldm prints. A host that answers at once calls done before returning.
  using Done = std::function<void(const std::string& err)>;
  // The guest registered this service (md-update, domain-shutdown, dr-cpu).
  virtual bool has_domain_service(const Domain&, const std::string&) { return false; }
  // Graceful stop: domain-shutdown, then wait until the guest has stopped.
  virtual void shutdown_domain(const Domain& d, Operation&, Done done) { done("LDom " + d.name + " has no domain services"); }
  // Live CPU DR: these free strands join the running guest as new vCPUs (md-update, dr-cpu
  // configure); or its `count` highest vCPUs leave it (dr-cpu unconfigure, md-update), and
  // done gets their strands (also on a partial failure).
  virtual void add_vcpus_live(const Domain& d, const std::vector<unsigned>&, Operation&, Done done) {
    done("LDom " + d.name + " has no domain services");
  }
  virtual void remove_vcpus_live(const Domain& d, unsigned, Operation&,
                                 std::function<void(const std::string& err, const std::vector<unsigned>& removed)> done) {
    done("LDom " + d.name + " has no domain services", {});
  }
  // Migration: ask the guest to suspend (domain-suspend) and wait (a step of op) until it
  // sits in its suspend call; done("") or the error ldm prints.
  virtual void suspend_domain(const Domain& d, Operation&, Done done) { done("LDom " + d.name + " has no domain services"); }
  // The suspended guest returns from its suspend call and runs on.
  virtual void resume_domain(const Domain&) {}
  virtual bool suspended(const Domain&) { return false; }
};

}  // namespace vfsim::ldm
