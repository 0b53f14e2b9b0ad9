// ldm's domains on the simulated machine: each bound domain is a hypervisor guest with
// exactly the strands, memory (RA -> PA), crypto units and buses the binder chose; start
// boots its image (the guest runtime unless the variable vfsim-image names another).
#pragma once
#include <map>
#include <memory>
#include <string>

#include "hv/hypervisor.h"
#include "ldm/domain_host.h"
#include "models/vds.h"

namespace vfsim::ldm {

class HvHost : public DomainHost {
 public:
  // service_root: where the service domain's files are on the host ("" = the host's own paths).
  HvHost(hv::Hypervisor& h, std::string default_image, std::string service_root = "")
      : hv_(h), image_(std::move(default_image)), service_root_(std::move(service_root)) {}
  std::string bind(const Domain& d, const Model& m) override;
  void unbind(const Domain& d) override;
  std::string start(const Domain& d) override;
  void stop(const Domain& d) override;
  bool running(const Domain& d) override;
  double utilization(const Domain& d) override;
  double now_seconds() override;
  std::string soft_state(const Domain& d) override;
  hv::Hypervisor& hypervisor() { return hv_; }
  // The virtual disk server of a vds (made when a guest first binds a vdisk of it).
  models::VirtualDiskServer& vds(const std::string& name);

 private:
  std::map<std::string, std::string> variables(const Domain& d) const;
  std::string bind_vdisks(const Domain& d, const Model& m, hv::Guest& g);
  std::string vio_changed(const Domain& d, const Model& m) override;
  hv::Hypervisor& hv_;
  std::string image_, service_root_;
  struct Sample { uint64_t cycles = 0, yielded = 0; double util = 0; };
  std::map<unsigned, Sample> samples_;   // per strand, for utilisation between listings
  std::map<std::string, std::unique_ptr<models::VirtualDiskServer>> vds_;   // by vds name
  // The channel each bound vdisk has: domain -> vdisk name -> where it is served from.
  struct VdiskChannel { std::string vds, volume; uint64_t channel; };
  std::map<std::string, std::map<std::string, VdiskChannel>> vdisk_channels_;
};

}  // namespace vfsim::ldm
