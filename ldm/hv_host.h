// ldm's domains on the simulated machine: each bound domain is a hypervisor guest with
// exactly the strands, memory (RA -> PA), crypto units and buses the binder chose; start
// boots its image (the guest runtime unless the variable vfsim-image names another).
#pragma once
#include <map>
#include <string>

#include "hv/hypervisor.h"
#include "ldm/domain_host.h"

namespace vfsim::ldm {

class HvHost : public DomainHost {
 public:
  HvHost(hv::Hypervisor& h, std::string default_image) : hv_(h), image_(std::move(default_image)) {}
  std::string bind(const Domain& d) override;
  void unbind(const Domain& d) override;
  std::string start(const Domain& d) override;
  void stop(const Domain& d) override;
  bool running(const Domain& d) override;
  double utilization(const Domain& d) override;
  double now_seconds() override;
  std::string soft_state(const Domain& d) override;
  hv::Hypervisor& hypervisor() { return hv_; }

 private:
  std::map<std::string, std::string> variables(const Domain& d) const;
  hv::Hypervisor& hv_;
  std::string image_;
  struct Sample { uint64_t cycles = 0, yielded = 0; double util = 0; };
  std::map<unsigned, Sample> samples_;   // per strand, for utilisation between listings
};

}  // namespace vfsim::ldm
