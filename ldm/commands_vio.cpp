// Virtual I/O services (vcc, vds, vsw) and devices (vdsdev volumes, vdisk, vnet, vcons):
// stored, checked and listed. A bound domain's vdisks have their channels to the vds
// (DomainHost::bind / vio_changed).
#include <algorithm>

#include <fmt/format.h>

#include "ldm/manager.h"
#include "ldm/service_path.h"
#include "ldm/units.h"

namespace vfsim::ldm {

namespace {


// The checked command line as the handlers below read it (values are checked by the table,
// command_table.cpp; what needs the model, such as a service's existence, is checked here).
struct Words {
  std::map<std::string, std::string> props;
  std::vector<std::string> operands;
  bool force = false;
};
Words words_of(const CommandLine& c) { return {c.props, c.operands, c.has("-f")}; }

bool parse_uint(const std::string& s, unsigned& v) {
  if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), ::isdigit)) return false;
  v = unsigned(std::stoul(s));
  return true;
}

}  // namespace

// A device change on a bound or active domain takes effect at once; when the host cannot
// make it, undo() puts the configuration back and the command fails with its reason.
Reply Manager::apply_vio_change(Domain& d, Reply r, const std::function<void()>& undo) {
  if (d.state == State::Inactive || !host_) return r;
  std::string err = host_->vio_changed(d, m_);
  if (err.empty()) return r;
  undo();
  return fail(err);
}

Reply Manager::cmd_vio(const std::string& verb, const std::string& noun, const CommandLine& c) {
  Words w = words_of(c);
  auto bad_usage = [&]() {
    Reply u;
    u.err = command_usage(*c.spec);
    u.code = 1;
    return u;
  };
  // Find a service by name anywhere.
  auto find_vds = [&](const std::string& n, Domain** owner) -> Vds* {
    for (Domain& d : m_.domains)
      for (Vds& v : d.vdss)
        if (v.name == n) { if (owner) *owner = &d; return &v; }
    return nullptr;
  };
  auto find_vsw = [&](const std::string& n, Domain** owner) -> Vsw* {
    for (Domain& d : m_.domains)
      for (Vsw& v : d.vsws)
        if (v.name == n) { if (owner) *owner = &d; return &v; }
    return nullptr;
  };
  auto find_vcc = [&](const std::string& n, Domain** owner) -> Vcc* {
    for (Domain& d : m_.domains)
      for (Vcc& v : d.vccs)
        if (v.name == n) { if (owner) *owner = &d; return &v; }
    return nullptr;
  };
  auto find_vdpcs = [&](const std::string& n, Domain** owner) -> Vdpcs* {
    for (Domain& d : m_.domains)
      for (Vdpcs& v : d.vdpcss)
        if (v.name == n) { if (owner) *owner = &d; return &v; }
    return nullptr;
  };
  auto service_exists = [&](const std::string& n) {
    return find_vds(n, nullptr) || find_vsw(n, nullptr) || find_vcc(n, nullptr) || find_vdpcs(n, nullptr);
  };
  Reply r;
  // A new service's name becomes a file name (a vsw's pcap): a plain name only.
  if (verb == "add" && (noun == "vcc" || noun == "vds" || noun == "vsw" || noun == "vdpcs" || noun == "vdpcc") &&
      !w.operands.empty() &&
      !valid_name(w.operands[0]))
    return fail(fmt::format("Invalid service name: {}", w.operands[0]));

  if (noun == "vcc") {
    if (verb == "add") {
      if (!w.props.count("port-range")) return bad_usage();   // (the one property add-vcc needs)
      Domain* d = m_.find(w.operands[1]);
      if (!d) return fail(fmt::format("LDom {} not found", w.operands[1]));
      if (service_exists(w.operands[0])) return fail(fmt::format("Service {} already exists", w.operands[0]));
      Vcc v;
      v.name = w.operands[0];
      std::sscanf(w.props["port-range"].c_str(), "%u-%u", &v.port_lo, &v.port_hi);   // (checked by the table)
      d->vccs.push_back(v);
      return r;
    }
    Domain* owner = nullptr;
    Vcc* v = find_vcc(w.operands[0], &owner);
    if (!v) return fail(fmt::format("Service {} does not exist", w.operands[0]));
    if (verb == "set") {
      if (!w.props.count("port-range")) return bad_usage();
      std::sscanf(w.props["port-range"].c_str(), "%u-%u", &v->port_lo, &v->port_hi);
      return r;
    }
    for (const Domain& d : m_.domains)
      if (d.cons_port >= 0 && d.state != State::Inactive && !w.force)
        return fail(fmt::format("Service {} is in use by LDom {}", v->name, d.name));
    owner->vccs.erase(owner->vccs.begin() + (v - owner->vccs.data()));
    return r;
  }

  // Virtual data plane channel services and clients: configured and listed (model.h).
  if (noun == "vdpcs") {
    if (verb == "add") {
      Domain* d = m_.find(w.operands[1]);
      if (!d) return fail(fmt::format("LDom {} not found", w.operands[1]));
      if (service_exists(w.operands[0])) return fail(fmt::format("Service {} already exists", w.operands[0]));
      d->vdpcss.push_back({w.operands[0]});
      return r;
    }
    Domain* owner = nullptr;
    Vdpcs* v = find_vdpcs(w.operands[0], &owner);
    if (!v) return fail(fmt::format("Service {} does not exist", w.operands[0]));
    for (const Domain& d : m_.domains)
      for (const Vdpcc& c : d.vdpccs)
        if (c.service == v->name && !w.force)
          return fail(fmt::format("Service {} is in use by vdpcc {} of LDom {}", v->name, c.name, d.name));
    owner->vdpcss.erase(owner->vdpcss.begin() + (v - owner->vdpcss.data()));
    return r;
  }
  if (noun == "vdpcc") {
    Domain* d = m_.find(w.operands.back());
    if (!d) return fail(fmt::format("LDom {} not found", w.operands.back()));
    if (other_changes_blocked(d->name, r)) return r;   // as for vdisk and vnet
    auto it = std::find_if(d->vdpccs.begin(), d->vdpccs.end(), [&](const Vdpcc& c) { return c.name == w.operands[0]; });
    if (verb == "add") {
      if (it != d->vdpccs.end()) return fail(fmt::format("Vdpcc {} already exists in LDom {}", w.operands[0], d->name));
      Domain* owner = nullptr;
      Vdpcs* s = find_vdpcs(w.operands[1], &owner);
      if (!s) return fail(fmt::format("Service {} does not exist", w.operands[1]));
      d->vdpccs.push_back({w.operands[0], s->name, owner->name});
      return r;
    }
    if (it == d->vdpccs.end()) return fail(fmt::format("Vdpcc {} does not exist in LDom {}", w.operands[0], d->name));
    d->vdpccs.erase(it);
    return r;
  }

  if (noun == "vds") {
    if (verb == "add") {
      Domain* d = m_.find(w.operands[1]);
      if (!d) return fail(fmt::format("LDom {} not found", w.operands[1]));
      if (service_exists(w.operands[0])) return fail(fmt::format("Service {} already exists", w.operands[0]));
      d->vdss.push_back({w.operands[0], {}});
      return r;
    }
    Domain* owner = nullptr;
    Vds* v = find_vds(w.operands[0], &owner);
    if (!v) return fail(fmt::format("Service {} does not exist", w.operands[0]));
    if (!v->volumes.empty() && !w.force) return fail(fmt::format("Service {} has volumes: remove them first", v->name));
    owner->vdss.erase(owner->vdss.begin() + (v - owner->vdss.data()));
    return r;
  }

  if (noun == "vdsdev") {
    // volume@service names the volume.
    const std::string& spec = w.operands[verb == "add" ? 1 : 0];
    size_t at = spec.find('@');
    if (at == std::string::npos) return bad_usage();
    std::string vol = spec.substr(0, at), svc = spec.substr(at + 1);
    Vds* v = find_vds(svc, nullptr);
    if (!v) return fail(fmt::format("Service {} does not exist", svc));
    auto it = std::find_if(v->volumes.begin(), v->volumes.end(), [&](const VdsVolume& x) { return x.name == vol; });
    if (verb == "add") {
      if (!valid_name(vol)) return fail(fmt::format("Invalid volume name: {}", vol));
      // The backend is a path of the service domain, kept under ldmd's --service-root.
      if (std::string why = service_path_problem(w.operands[0]); !why.empty())
        return fail(fmt::format("Invalid backend path {}: {}", w.operands[0], why));
      if (it != v->volumes.end()) return fail(fmt::format("Volume {} already exists in service {}", vol, svc));
      v->volumes.push_back({vol, w.operands[0], w.props["options"], w.props["mpgroup"]});
      return r;
    }
    if (it == v->volumes.end()) return fail(fmt::format("Volume {} does not exist in service {}", vol, svc));
    if (verb == "set") {
      if (w.props.empty()) return bad_usage();   // nothing to set
      if (w.props.count("options")) it->options = w.props["options"];
      if (w.props.count("mpgroup")) it->mpgroup = w.props["mpgroup"];
      return r;
    }
    for (const Domain& d : m_.domains)
      for (const Vdisk& k : d.vdisks)
        if (k.volume == vol && k.vds == svc && !w.force)
          return fail(fmt::format("Volume {}@{} is attached to vdisk {} of LDom {}", vol, svc, k.name, d.name));
    v->volumes.erase(it);
    return r;
  }

  if (noun == "vdisk") {
    Domain* d = m_.find(w.operands.back());
    if (!d) return fail(fmt::format("LDom {} not found", w.operands.back()));
    // A device of another domain is a reconfiguration of it: refused while the control
    // domain has a delayed reconfiguration outstanding (seed 000), like add-vcpu or bind.
    if (other_changes_blocked(d->name, r)) return r;
    auto it = std::find_if(d->vdisks.begin(), d->vdisks.end(), [&](const Vdisk& k) { return k.name == w.operands[0]; });
    // On a bound or active domain the change is live: the vdisk's channel comes or goes now.
    const std::vector<Vdisk> before = d->vdisks;
    auto live = [&]() { return apply_vio_change(*d, r, [&] { d->vdisks = before; }); };
    auto volume_of = [&](const std::string& spec, Vdisk& k) -> std::string {
      size_t at = spec.find('@');
      if (at == std::string::npos) return fmt::format("Invalid volume: {}", spec);
      Domain* owner = nullptr;
      Vds* v = find_vds(spec.substr(at + 1), &owner);
      if (!v) return fmt::format("Service {} does not exist", spec.substr(at + 1));
      std::string vol = spec.substr(0, at);
      if (std::none_of(v->volumes.begin(), v->volumes.end(), [&](const VdsVolume& x) { return x.name == vol; }))
        return fmt::format("Volume {} does not exist in service {}", vol, v->name);
      k.volume = vol;
      k.vds = v->name;
      k.vds_domain = owner->name;
      return "";
    };
    if (verb == "add") {
      if (it != d->vdisks.end()) return fail(fmt::format("Disk {} already exists in LDom {}", w.operands[0], d->name));
      Vdisk k;
      k.name = w.operands[0];
      std::string err = volume_of(w.operands[1], k);
      if (!err.empty()) return fail(err);
      unsigned id = 0;
      while (std::any_of(d->vdisks.begin(), d->vdisks.end(), [&](const Vdisk& x) { return x.id == id; })) ++id;
      if (w.props.count("id")) {
        parse_uint(w.props["id"], id);
        if (std::any_of(d->vdisks.begin(), d->vdisks.end(), [&](const Vdisk& x) { return x.id == id; }))
          return fail(fmt::format("Disk id {} is already used in LDom {}", id, d->name));
      }
      if (w.props.count("timeout")) parse_uint(w.props["timeout"], k.timeout);
      k.id = id;
      d->vdisks.push_back(k);
      return live();
    }
    if (it == d->vdisks.end()) return fail(fmt::format("Disk {} does not exist in LDom {}", w.operands[0], d->name));
    if (verb == "set") {
      if (w.props.empty()) return bad_usage();   // nothing to set
      if (w.props.count("volume")) {
        std::string err = volume_of(w.props["volume"], *it);
        if (!err.empty()) return fail(err);
      }
      if (w.props.count("timeout")) parse_uint(w.props["timeout"], it->timeout);
      return live();
    }
    d->vdisks.erase(it);
    return live();
  }

  if (noun == "vsw") {
    if (verb == "add") {
      Domain* d = m_.find(w.operands[1]);
      if (!d) return fail(fmt::format("LDom {} not found", w.operands[1]));
      if (service_exists(w.operands[0])) return fail(fmt::format("Service {} already exists", w.operands[0]));
      Vsw v;
      v.name = w.operands[0];
      v.net_dev = w.props["net-dev"];
      v.mode = w.props["mode"];
      if (w.props.count("mac-addr")) {
        if (std::string why = take_mac(w.props["mac-addr"], v.mac, nullptr); !why.empty()) return fail(why);
      } else {
        v.mac = alloc_mac();
      }
      if (w.props.count("mtu")) parse_uint(w.props["mtu"], v.mtu);
      if (w.props.count("default-vlan-id")) parse_uint(w.props["default-vlan-id"], v.default_vlan_id);
      if (w.props.count("pvid")) parse_uint(w.props["pvid"], v.pvid);
      v.vid = w.props["vid"];
      unsigned id = 0;
      for (const Domain& x : m_.domains)
        for (const Vsw& s : x.vsws) id = std::max(id, s.id + 1);
      v.id = id;
      if (w.props.count("id")) {
        parse_uint(w.props["id"], v.id);
        for (const Domain& x : m_.domains)
          for (const Vsw& s : x.vsws)
            if (s.id == v.id) return fail(fmt::format("Virtual switch id {} is already used by {}", v.id, s.name));
      }
      d->vsws.push_back(v);
      return r;
    }
    Domain* owner = nullptr;
    Vsw* v = find_vsw(w.operands[0], &owner);
    if (!v) return fail(fmt::format("Service {} does not exist", w.operands[0]));
    if (verb == "set") {
      if (w.props.empty()) return bad_usage();   // nothing to set
      Vsw next = *v;
      if (w.props.count("mac-addr"))
        if (std::string why = take_mac(w.props["mac-addr"], next.mac, &v->mac); !why.empty()) return fail(why);
      if (w.props.count("net-dev")) next.net_dev = w.props["net-dev"];
      if (w.props.count("mode")) next.mode = w.props["mode"];
      if (w.props.count("mtu")) parse_uint(w.props["mtu"], next.mtu);
      if (w.props.count("pvid")) parse_uint(w.props["pvid"], next.pvid);
      if (w.props.count("vid")) next.vid = w.props["vid"];
      *v = next;
      return r;
    }
    for (const Domain& d : m_.domains)
      for (const Vnet& n : d.vnets)
        if (n.vsw == v->name && !w.force)
          return fail(fmt::format("Service {} is in use by vnet {} of LDom {}", v->name, n.name, d.name));
    owner->vsws.erase(owner->vsws.begin() + (v - owner->vsws.data()));
    return r;
  }

  if (noun == "vnet") {
    Domain* d = m_.find(w.operands.back());
    if (!d) return fail(fmt::format("LDom {} not found", w.operands.back()));
    // A device of another domain is a reconfiguration of it: refused while the control
    // domain has a delayed reconfiguration outstanding (seed 000), like add-vcpu or bind.
    if (other_changes_blocked(d->name, r)) return r;
    auto it = std::find_if(d->vnets.begin(), d->vnets.end(), [&](const Vnet& n) { return n.name == w.operands[0]; });
    const std::vector<Vnet> before = d->vnets;   // as for vdisks: live on a bound or active domain
    auto live = [&]() { return apply_vio_change(*d, r, [&] { d->vnets = before; }); };
    if (verb == "add") {
      if (it != d->vnets.end()) return fail(fmt::format("Network {} already exists in LDom {}", w.operands[0], d->name));
      Domain* owner = nullptr;
      Vsw* s = find_vsw(w.operands[1], &owner);
      if (!s) return fail(fmt::format("Service {} does not exist", w.operands[1]));
      Vnet n;
      n.name = w.operands[0];
      n.vsw = s->name;
      n.vsw_domain = owner->name;
      n.mode = w.props["mode"];
      n.vid = w.props["vid"];
      if (w.props.count("mac-addr")) {
        if (std::string why = take_mac(w.props["mac-addr"], n.mac, nullptr); !why.empty()) return fail(why);
      } else {
        n.mac = alloc_mac();
      }
      if (w.props.count("pvid")) parse_uint(w.props["pvid"], n.pvid);
      if (w.props.count("mtu")) parse_uint(w.props["mtu"], n.mtu);
      unsigned id = 0;
      while (std::any_of(d->vnets.begin(), d->vnets.end(), [&](const Vnet& x) { return x.id == id; })) ++id;
      if (w.props.count("id")) {
        parse_uint(w.props["id"], id);
        if (std::any_of(d->vnets.begin(), d->vnets.end(), [&](const Vnet& x) { return x.id == id; }))
          return fail(fmt::format("Network id {} is already used in LDom {}", id, d->name));
      }
      n.id = id;
      d->vnets.push_back(n);
      return live();
    }
    if (it == d->vnets.end()) return fail(fmt::format("Network {} does not exist in LDom {}", w.operands[0], d->name));
    if (verb == "set") {
      if (w.props.empty()) return bad_usage();   // nothing to set
      // Checked before anything changes: a refused MAC leaves the vswitch as it was.
      if (w.props.count("mac-addr"))
        if (std::string why = take_mac(w.props["mac-addr"], it->mac, &it->mac); !why.empty()) return fail(why);
      if (w.props.count("vswitch")) {
        Domain* owner = nullptr;
        Vsw* s = find_vsw(w.props["vswitch"], &owner);
        if (!s) {
          d->vnets = before;
          return fail(fmt::format("Service {} does not exist", w.props["vswitch"]));
        }
        it->vsw = s->name;
        it->vsw_domain = owner->name;
      }
      if (w.props.count("mode")) it->mode = w.props["mode"];
      if (w.props.count("pvid")) parse_uint(w.props["pvid"], it->pvid);
      if (w.props.count("vid")) it->vid = w.props["vid"];
      if (w.props.count("mtu")) parse_uint(w.props["mtu"], it->mtu);
      return live();
    }
    d->vnets.erase(it);
    return live();
  }

  // set-vcons [port=N] [group=G] [service=vcc] ldom
  if (noun == "vcons" && verb == "set") {
    Domain* d = m_.find(w.operands[0]);
    if (!d) return fail(fmt::format("LDom {} not found", w.operands[0]));
    if (d->control) return fail("The console of the control domain is on the service processor");
    if (other_changes_blocked(d->name, r)) return r;   // as for vdisk and vnet
    if (d->state != State::Inactive) return fail(fmt::format("LDom {} must be inactive to change its console", d->name));
    if (w.props.count("service") && !w.props["service"].empty() && !find_vcc(w.props["service"], nullptr))
      return fail(fmt::format("Service {} does not exist", w.props["service"]));
    if (w.props.count("port")) {
      unsigned port = 0;
      if (w.props["port"].empty()) d->vcons_port = -1;
      else d->vcons_port = parse_uint(w.props["port"], port) ? int(port) : -1;   // (checked by the table)
    }
    if (w.props.count("group")) d->vcons_group = w.props["group"];
    if (w.props.count("service")) d->vcons_service = w.props["service"];
    return r;
  }
  return bad_usage();
}

}  // namespace vfsim::ldm
