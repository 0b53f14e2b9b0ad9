// What ldm needs from whatever runs the domains: the hypervisor on the simulated machine
// (hv_host.h), or nothing at all in tests of the manager alone.
#pragma once
#include <string>

#include "ldm/model.h"

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
  virtual double now_seconds() = 0;                  // simulated time
  // What the guest's OS last said of itself with soft_state_set ("" if nothing).
  virtual std::string soft_state(const Domain&) { return ""; }
};

}  // namespace vfsim::ldm
