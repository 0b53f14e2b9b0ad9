// HvHost's virtual I/O: each vdisk of a bound domain has a channel to its vds, served from
// the volume's backend file; each vnet a channel to its vsw, a port of the switch. Devices
// added to or removed from a bound or active domain get or lose their channel at once
// (ldm add/rm-vdisk, add/rm-vnet), and an active guest is told with md-update.

#include <fmt/format.h>

#include "ldm/hv_host.h"
#include "ldm/service_path.h"
#include "sim/state/codec.h"

namespace vfsim::ldm {

models::VirtualDiskServer& HvHost::vds(const std::string& name) {
  auto& s = vds_[name];
  if (!s) s = std::make_unique<models::VirtualDiskServer>(name);
  return *s;
}

models::VirtualSwitch& HvHost::vsw(const std::string& name) {
  auto& s = vsw_[name];
  if (!s) {
    s = std::make_unique<models::VirtualSwitch>(name);
    if (!pcap_dir.empty() && !valid_name(name))   // (a name from an old state file)
      fmt::print(stderr, "ldmd: switch {} is not a plain name: it captures nothing\n", name);
    else if (!pcap_dir.empty() && !s->capture(pcap_dir + "/" + name + ".pcap"))
      fmt::print(stderr, "ldmd: cannot write {}/{}.pcap: switch {} captures nothing\n", pcap_dir, name, name);
  }
  return *s;
}

namespace {
const VdsVolume* find_volume(const Model& m, const Vdisk& v) {
  for (const Domain& s : m.domains)
    if (s.name == v.vds_domain)
      for (const Vds& x : s.vdss)
        if (x.name == v.vds)
          for (const VdsVolume& y : x.volumes)
            if (y.name == v.volume) return &y;
  return nullptr;
}
}  // namespace

// The backend is opened at bind (the guides: it is exported when the guest is bound), so a
// missing or unreadable file fails the bind [U: wording after later ldm versions' path
// check]. Devices that already have their channel keep it.
// What the domain's devices are now, keyed as channels_ keys them: "disk NAME" -> {vds,
// volume}, "net NAME" -> {vsw, MAC}.
std::map<std::string, HvHost::DeviceChannel> HvHost::wanted(const Domain& d) {
  std::map<std::string, DeviceChannel> want;
  for (const Vdisk& v : d.vdisks) want["disk " + v.name] = {v.vds, v.volume, 0};
  for (const Vnet& n : d.vnets) want["net " + n.name] = {n.vsw, fmt::format("{:x}", n.mac), 0};
  return want;
}

std::string HvHost::bind_vio(const Domain& d, const Model& m, hv::Guest& g) {
  const std::map<std::string, DeviceChannel> want = wanted(d);
  auto& have = channels_[d.name];
  for (auto it = have.begin(); it != have.end();) {   // gone, or now on another volume / MAC
    auto w = want.find(it->first);
    if (w != want.end() && w->second.service == it->second.service && w->second.what == it->second.what) {
      ++it;
      continue;
    }
    if (it->first.rfind("disk ", 0) == 0) vds(it->second.service).detach(g, it->second.channel);
    else vsw(it->second.service).remove_port(g, it->second.channel);
    hv_.disconnect(g, it->second.channel);
    it = have.erase(it);
  }
  for (const Vdisk& v : d.vdisks) {
    if (have.count("disk " + v.name)) continue;
    const VdsVolume* vol = find_volume(m, v);
    if (!vol) return fmt::format("Volume {}@{} of vdisk {} does not exist", v.volume, v.vds, v.name);
    std::shared_ptr<models::DiskImage> image;
    std::string why, file = service_host_path(service_root_, vol->backend, why);
    if (file.empty()) return fmt::format("Path {} is not valid on service domain {} ({})", vol->backend, v.vds_domain, why);
    try {
      image = std::make_shared<models::DiskImage>(file, vol->options.find("ro") != std::string::npos);
    } catch (const std::exception& e) {
      return fmt::format("Path {} is not valid on service domain {} ({})", vol->backend, v.vds_domain, e.what());
    }
    hv::VirtualDevice dev;
    dev.kind = hv::VirtualDevice::Disk;
    dev.handle = v.id;
    models::VirtualDiskServer& server = vds(v.vds);
    uint64_t ch = hv_.connect_service(g, server, dev, preset_channel(d.name, "disk " + v.name));
    server.attach(g, ch, image);
    have["disk " + v.name] = {v.vds, v.volume, ch};
  }
  for (const Vnet& n : d.vnets) {
    if (have.count("net " + n.name)) continue;
    hv::VirtualDevice dev;
    dev.kind = hv::VirtualDevice::Network;
    dev.handle = n.id;
    dev.mac = n.mac;
    dev.mtu = n.mtu;
    models::VirtualSwitch& sw = vsw(n.vsw);
    uint64_t ch = hv_.connect_service(g, sw, dev, preset_channel(d.name, "net " + n.name));
    sw.add_port(d.name + "/" + n.name, g, ch, n.mac);
    have["net " + n.name] = {n.vsw, want.at("net " + n.name).what, ch};
  }
  return "";
}

// A device the running guest has opened is not pulled from under it.
std::string HvHost::vio_changed(const Domain& d, const Model& m) {
  hv::Guest* g = hv_.find_guest(d.name);
  if (!g) return "";
  const std::map<std::string, DeviceChannel> want = wanted(d);
  for (const auto& [key, c] : channels_[d.name]) {
    auto w = want.find(key);
    bool still = w != want.end() && w->second.service == c.service && w->second.what == c.what;
    hv::LdcEndpoint* ep = g->channel(c.channel);
    if (!still && running(d) && ep && ep->rx.entries)
      return fmt::format("LDom {} is using {} {}: stop the domain before changing it", d.name,
                         key.rfind("disk ", 0) == 0 ? "vdisk" : "vnet", key.substr(key.find(' ') + 1));
  }
  std::vector<std::pair<std::string, uint64_t>> before, after;
  for (const auto& [key, c] : channels_[d.name]) before.emplace_back(key, c.channel);
  std::string err = bind_vio(d, m, *g);
  for (const auto& [key, c] : channels_[d.name]) after.emplace_back(key, c.channel);
  if (running(d) && before != after) notify_md_update(d);   // its MD changed
  return err;
}

}  // namespace vfsim::ldm

namespace vfsim::ldm {

void HvHost::save_disk_servers(state::Encoder& e) const {
  e.u32(uint32_t(vds_.size()));
  for (const auto& [name, server] : vds_) {
    e.str(name);
    server->save_state(e);
  }
}

void HvHost::load_disk_servers(state::Decoder& d) {
  for (uint32_t i = 0, n = d.count(8); i < n; ++i) {
    std::string name = d.str();
    auto it = vds_.find(name);
    if (it == vds_.end()) d.fail("no disk server " + name + " is bound here");
    it->second->load_state(d, hv_);
  }
}

}  // namespace vfsim::ldm

namespace vfsim::ldm {

std::map<std::string, std::map<std::string, uint64_t>> HvHost::device_channels() const {
  std::map<std::string, std::map<std::string, uint64_t>> out;
  for (const auto& [domain, devices] : channels_)
    for (const auto& [key, c] : devices) out[domain][key] = c.channel;
  for (const auto& g : hv_.guests)
    for (const hv::LdcEndpoint& e : g->ldc)
      if (e.service == &ds_) out[g->name]["ds"] = e.id;
  return out;
}

uint64_t HvHost::preset_channel(const std::string& domain, const std::string& device) const {
  auto d = preset_.find(domain);
  if (d == preset_.end()) return hv::kAnyChannel;
  auto c = d->second.find(device);
  return c == d->second.end() ? hv::kAnyChannel : c->second;
}

}  // namespace vfsim::ldm
