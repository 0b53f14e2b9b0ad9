// ldm's domains on the simulated machine: each bound domain is a hypervisor guest with
// exactly the strands, memory (RA -> PA), crypto units and buses the binder chose; start
// boots its image (the guest runtime unless the variable vfsim-image names another).
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "hv/hypervisor.h"
#include "ldm/domain_host.h"
#include "ldm/stats_sample.h"
#include "models/vcc.h"
#include "models/vds.h"
#include "models/vsw.h"
#include "models/ds.h"

namespace vfsim::state {
class Encoder;
class Decoder;
}

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
  double strand_utilization(const Domain& d, unsigned vid) override;
  double now_seconds() override;
  std::string soft_state(const Domain& d) override;
  // vfctl stats: every simulated domain's counters now (hv_host_stats.cpp).
  StatsSample sample_stats(const Model& m, double wall_seconds);
  hv::Hypervisor& hypervisor() { return hv_; }
  const std::string& service_root() const { return service_root_; }
  // Every bound guest's console ends in the control domain's vcc (vntsd and vfctl read it).
  models::VirtualConsoleConcentrator& vcc() { return vcc_; }
  // Virtual I/O (hv_host_vio.cpp): the disk server of a vds and the switch of a vsw, made
  // when a guest first binds a device on them.
  models::VirtualDiskServer& vds(const std::string& name);
  models::VirtualSwitch& vsw(const std::string& name);
  // Each bound domain's device channels ("ds", "disk NAME", "net NAME" -> channel id), for
  // snapshots: a restore presets them before the manager binds, so every device gets the
  // channel id it had (live additions and removals make ids that binding anew would not).
  std::map<std::string, std::map<std::string, uint64_t>> device_channels() const;
  void preset_device_channels(std::map<std::string, std::map<std::string, uint64_t>> ids) { preset_ = std::move(ids); }
  // The disk servers' models (busy time, counters) for snapshots: section "vds".
  void save_disk_servers(state::Encoder& e) const;
  void load_disk_servers(state::Decoder& d);
  // Switches write every frame they switch to DIR/<vsw name>.pcap ("" = no capture).
  std::string pcap_dir;

  // Domain Services (hv_host_ds.cpp).
  bool has_domain_service(const Domain& d, const std::string& service) override;
  void shutdown_domain(const Domain& d, Operation& op, Done done) override;
  void add_vcpus_live(const Domain& d, const std::vector<unsigned>& strands, Operation& op, Done done) override;
  void remove_vcpus_live(const Domain& d, unsigned count, Operation& op,
                         std::function<void(const std::string&, const std::vector<unsigned>&)> done) override;
  // Guest suspend for migration: domain-suspend, then wait until the guest sits in its
  // guest_suspend call (at most suspend_timeout_s); resume_domain lets it return.
  void suspend_domain(const Domain& d, Operation& op, Done done) override;
  void resume_domain(const Domain& d) override;
  bool suspended(const Domain& d) override;
  // After a live change to a guest's MD: tell its OS (md-update), without waiting.
  void notify_md_update(const Domain& d);
  models::DomainServices& domain_services() { return ds_; }
  // Simulated time a request may wait for the guest's answer [U: a named parameter; the
  // runtime answers within a cpu_yield, ~0.1 ms, when it is not busy].
  double ds_timeout_s = 0.05;
  // Simulated time from the guest's domain-suspend reply to its suspend call [U: a named
  // parameter; the runtime parks its other vCPUs and calls within microseconds].
  double suspend_timeout_s = 0.05;

 private:
  // A guest domain's channel to ds_, with its MD domain-services node (at bind).
  void connect_domain_services(hv::Guest& g, const Domain& d);
  // Send a request and wait (a step of op) for the answer or ds_timeout_s: then
  // next(ok, answer), ok as the answer says, false with answer.error on no answer.
  // Returns the request's req_num (0: the guest has not registered the service).
  uint64_t ds_call(Operation& op, hv::Guest& g, const std::string& service, const std::vector<uint8_t>& payload,
                   std::function<void(bool ok, const models::DomainServices::Answer&)> next);
  models::DomainServices ds_;

  std::map<std::string, std::string> variables(const Domain& d) const;
  // Give the domain's vdisks and vnets their channels, take removed ones away.
  std::string bind_vio(const Domain& d, const Model& m, hv::Guest& g);
  std::string vio_changed(const Domain& d, const Model& m) override;
  hv::Hypervisor& hv_;
  std::string image_, service_root_;
  struct Sample { uint64_t cycles = 0, yielded = 0; double util = 0; };
  std::map<unsigned, Sample> samples_;   // per strand, for utilisation between listings
  models::VirtualConsoleConcentrator vcc_;
  std::map<std::string, std::unique_ptr<models::VirtualDiskServer>> vds_;   // by vds name
  std::map<std::string, std::unique_ptr<models::VirtualSwitch>> vsw_;       // by vsw name
  // The channel each bound vdisk or vnet has: domain -> "disk NAME" / "net NAME" -> which
  // service ("vds"/"vsw" name, the volume or MAC it was bound with) and the channel.
  struct DeviceChannel { std::string service, what; uint64_t channel; };
  std::map<std::string, std::map<std::string, DeviceChannel>> channels_;
  std::map<std::string, std::map<std::string, uint64_t>> preset_;
  uint64_t preset_channel(const std::string& domain, const std::string& device) const;
  static std::map<std::string, DeviceChannel> wanted(const Domain& d);
};

}  // namespace vfsim::ldm
