// Listings: list-domain (short, -l, -p, -l -p, -o), list-bindings, list-constraints,
// list-devices and list-services, in the layouts of the real ldm (docs/ldm.md; the short
// list uses the LDoms 1.2 column widths of the seed documents).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "ldm/constraints_xml.h"
#include "ldm/manager.h"
#include "ldm/units.h"

namespace vfsim::ldm {

namespace {


std::string rstrip(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// Pads to width, or one space past a value that fills it.
std::string col(const std::string& v, size_t w) { return v.size() >= w ? v + " " : v + std::string(w - v.size(), ' '); }

// A live migration in progress, after the seed's STATUS line (ldm list -o status -p): the
// rounds so far (bytes sent in each), the dirty rate, the downtime if it stopped now, and
// the simulated time so far.
std::string live_p(const Domain::Migration& m) {
  std::string bytes;
  for (uint64_t b : m.round_bytes) bytes += (bytes.empty() ? "" : ",") + std::to_string(b);
  return fmt::format("|mode=live|rounds={}|round_bytes={}|dirty_mb_s={:.3f}|expected_downtime_ms={:.3f}|elapsed_ms={:.3f}\n",
                     m.round_bytes.size(), bytes, m.dirty_rate / 1e6, m.expected_downtime * 1e3, m.elapsed * 1e3);
}
std::string live_text(const Domain::Migration& m) {
  std::string out = fmt::format("    live: round {}, dirty rate {:.1f} MB/s, downtime now {:.3f} ms, {:.3f} s so far\n",
                                m.round_bytes.empty() ? 0 : m.round_bytes.size() - 1, m.dirty_rate / 1e6,
                                m.expected_downtime * 1e3, m.elapsed);
  for (size_t i = 0; i < m.round_bytes.size(); ++i)
    out += fmt::format("      round {:<3} {}\n", i, format_size(m.round_bytes[i]));
  return out;
}

std::string cpuset(const std::vector<unsigned>& s) {
  std::string out = "(";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + ")";
}

struct Opts {
  bool l = false, p = false, e = false, a = false, x = false;
  std::string o;
  std::vector<std::string> names;
};
Opts parse(const std::vector<std::string>& args) {
  Opts o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& w = args[i];
    if (w == "-o" && i + 1 < args.size()) { o.o = args[++i]; continue; }
    if (w.size() > 1 && w[0] == '-') {
      for (char c : w.substr(1)) {
        if (c == 'l') o.l = true;
        if (c == 'p') o.p = true;
        if (c == 'e') o.e = o.l = true;
        if (c == 'a') o.a = true;
        if (c == 'x') o.x = true;
      }
      continue;
    }
    o.names.push_back(w);
  }
  return o;
}

}  // namespace

// ---- the pieces of a domain listing -----------------------------------------------------
namespace {

struct View {   // what one domain's line shows
  const Manager& m;
  const Domain& d;
  double util, now;
  std::string soft;   // the guest OS's soft state ("vfsim-runtime running")

  using Role = Domain::Migration::Role;
  std::string flags() const {
    std::string f = "------";
    if (d.state == State::Active) f[1] = 'n';
    if (d.delayed) f[2] = 'd';
    if (d.control) f[3] = 'c';
    if (!d.vccs.empty() || !d.vdss.empty() || !d.vsws.empty()) f[4] = 'v';
    // The sixth column: s source, t target of a migration, e error (seed 001).
    if (d.migration.error) f[5] = 'e';
    else if (d.migration.role == Role::Source) f[5] = 's';
    else if (d.migration.role == Role::Target) f[5] = 't';
    return f;
  }
  std::string flags_words() const {
    std::vector<std::string> w;
    if (d.state == State::Active) w.push_back("normal");
    if (d.delayed) w.push_back("delayed-reconfig");
    if (d.control) w.push_back("control");
    if (!d.vccs.empty() || !d.vdss.empty() || !d.vsws.empty()) w.push_back("vio-service");
    if (d.migration.error) w.push_back("error");
    else if (d.migration.role == Role::Source) w.push_back("source");
    else if (d.migration.role == Role::Target) w.push_back("target");
    std::string s;
    for (size_t i = 0; i < w.size(); ++i) s += (i ? "," : "") + w[i];
    return s;
  }
  std::string cons() const {
    if (d.control) return "SP";
    return d.cons_port >= 0 && d.state != State::Inactive ? std::to_string(d.cons_port) : "";
  }
  unsigned ncpu() const { return d.state == State::Inactive ? d.vcpus : unsigned(d.strands.size()); }
  uint64_t mem() const {
    if (d.state == State::Inactive) return d.memory;
    uint64_t n = 0;
    for (const MemRange& r : d.mem) n += r.size;
    return n;
  }
  uint64_t uptime() const { return d.state == State::Active ? uint64_t(std::max(0.0, now - d.started_at)) : 0; }

  // A migrating source whose guest is suspended shows so (seed 001), else the state.
  std::string state() const {
    if (d.migration.role == Role::Source && d.migration.suspended) return "suspended";
    return state_name(d.state);
  }
  std::string line() const {
    std::string s = col(d.name, 11) + col(state(), 11) + col(flags(), 8);
    bool bare = d.state == State::Inactive && !d.vcpus && !d.memory;
    if (bare) return rstrip(s);
    s += col(cons(), 8) + col(ncpu() ? std::to_string(ncpu()) : "", 6) + col(mem() ? format_size(mem()) : "", 9);
    if (d.state == State::Active) {
      std::string u = format_util(util);
      s += col(u.size() < 4 ? std::string(4 - u.size(), ' ') + u : u, 6) + format_uptime(uptime());
    }
    return rstrip(s);
  }
  std::string parseable(bool words) const {
    bool inactive = d.state == State::Inactive;
    return fmt::format("DOMAIN|name={}|state={}|flags={}|cons={}|ncpu={}|mem={}|util={}|uptime={}", d.name,
                       state(), inactive ? "" : (words ? flags_words() : flags()), cons(),
                       ncpu() ? std::to_string(ncpu()) : "", mem() ? std::to_string(mem()) : "",
                       d.state == State::Active ? fmt::format("{:.1f}", util) : "",
                       d.state == State::Active ? std::to_string(uptime()) : "");
  }
};

const char* kHeader = "NAME       STATE      FLAGS   CONS    VCPU  MEMORY   UTIL  UPTIME\n";

std::string pseudonym(const Manager& m, const std::string& bus) {
  const auto& roots = m.platform().pcie_roots;
  for (size_t i = 0; i < roots.size(); ++i)
    if (roots[i] == bus) return fmt::format("pci_{}", i);
  return "";
}

// The sections of -l / list-bindings, text or parseable.
std::string sections(const Manager& m, const View& v, bool p, const std::string& only) {
  const Domain& d = v.d;
  auto want = [&](const char* s) { return only.empty() || only.find(s) != std::string::npos; };
  std::string out;
  auto section = [&](const std::string& title, const std::string& header, const std::vector<std::string>& rows) {
    if (p) {
      for (const std::string& r : rows) out += r + "\n";
      return;
    }
    out += "\n" + title + "\n";
    if (!header.empty()) out += "    " + rstrip(header) + "\n";
    for (const std::string& r : rows) out += "    " + rstrip(r) + "\n";
  };
  if (want("domain") && p) {
    out += fmt::format("MAC|mac-addr={}\n", format_mac(d.mac));
    out += fmt::format("HOSTID|hostid={:#x}\n", d.hostid);
  } else if (want("domain") && !only.empty()) {
    section("MAC", "", {format_mac(d.mac)});
    section("HOSTID", "", {fmt::format("{:#x}", d.hostid)});
    section("CONTROL", "", {"failure-policy=" + d.failure_policy});
  }
  // A migration in progress: the seed's table and parseable line, exactly (seed 001, 8-1, 8-5, 8-6).
  if (!only.empty() && want("status") && d.migration.role != Domain::Migration::Role::None) {
    bool source = d.migration.role == Domain::Migration::Role::Source;
    if (p) {
      out += "STATUS\n";
      out += fmt::format("|op=migration|progress={}|error={}|{}={}\n", d.migration.progress,
                         d.migration.error ? "yes" : "no", source ? "target" : "source", d.migration.peer);
      if (d.migration.live) out += live_p(d.migration);
    } else {
      out += " \nSTATUS\n";
      out += source ? "    OPERATION    PROGRESS    TARGET \n" : "    OPERATION    PROGRESS    SOURCE\n";
      out += "    " + col("migration", 13) + col(std::to_string(d.migration.progress) + "%", 12) + d.migration.peer + "\n";
      if (d.migration.live) out += live_text(d.migration);
    }
  }
  // The migration that brought the domain here: the phases' simulated durations on the
  // source (a section of its own: STATUS, which pollers wait to see go, stays the seed's).
  if (!only.empty() && want("status") && !d.migrated_in.empty()) {
    const Domain::MigratedIn& m = d.migrated_in.front();
    auto ms = [](uint64_t us) { return fmt::format("{:.3f}", double(us) / 1e3); };
    uint64_t total = m.checks_us + m.prepare_us + m.transfer_us + m.handoff_us;
    if (p) {
      out += "MIGRATION\n";
      out += fmt::format("|source={}|checks_ms={}|prepare_ms={}|transfer_ms={}|handoff_ms={}|total_ms={}{}\n", m.source,
                         ms(m.checks_us), ms(m.prepare_us), ms(m.transfer_us), ms(m.handoff_us), ms(total),
                         m.live ? fmt::format("|mode=live|rounds={}|downtime_ms={}", m.rounds, ms(m.downtime_us)) : "");
    } else {
      out += "\nMIGRATION\n";
      out += "    SOURCE          CHECKS      PREPARE     TRANSFER    HANDOFF     TOTAL (ms of simulated time)\n";
      out += "    " + col(m.source, 16) + col(ms(m.checks_us), 12) + col(ms(m.prepare_us), 12) +
             col(ms(m.transfer_us), 12) + col(ms(m.handoff_us), 12) + ms(total) + "\n";
      if (m.live)
        out += fmt::format("    live: {} rounds, downtime {} ms\n", m.rounds, ms(m.downtime_us));
    }
  }
  if (want("cpu") && !d.strands.empty()) {
    std::vector<std::string> rows;
    if (p) rows.push_back("VCPU");
    for (size_t i = 0; i < d.strands.size(); ++i) {
      std::string u = d.state == State::Active ? format_util(v.util) : "";
      rows.push_back(p ? fmt::format("|vid={}|pid={}|util={}|strand=100", i, d.strands[i],
                                     d.state == State::Active ? fmt::format("{:.1f}", v.util) : "")
                       : col(std::to_string(i), 7) + col(std::to_string(d.strands[i]), 7) + col(u, 5) +
                             fmt::format("{:>6}", "100%"));
    }
    section("VCPU", "VID    PID    UTIL STRAND", rows);
  }
  if (want("crypto") && !d.mau_cores.empty()) {
    std::vector<std::string> rows;
    if (p) rows.push_back("MAU");
    for (unsigned c : d.mau_cores) {
      std::vector<unsigned> set;
      for (unsigned s = c * m.platform().strands_per_core; s < (c + 1) * m.platform().strands_per_core; ++s)
        set.push_back(s);
      rows.push_back(p ? fmt::format("|id={}|cpuset={}", c, cpuset(set)) : col(std::to_string(c), 8) + cpuset(set));
    }
    section("MAU", "ID      CPUSET", rows);
  }
  if (want("memory") && !d.mem.empty()) {
    std::vector<std::string> rows;
    if (p) rows.push_back("MEMORY");
    for (const MemRange& r : d.mem)
      rows.push_back(p ? fmt::format("|ra={:#x}|pa={:#x}|size={}", r.ra, r.pa, r.size)
                       : col(fmt::format("{:#x}", r.ra), 17) + col(fmt::format("{:#x}", r.pa), 17) + format_size(r.size));
    section("MEMORY", "RA               PA               SIZE", rows);
  }
  if (want("domain") && !d.variables.empty()) {
    std::vector<std::string> rows;
    if (p) rows.push_back("VARIABLES");
    for (const auto& [k, val] : d.variables) rows.push_back(p ? "|" + k + "=" + val : k + "=" + val);
    section("VARIABLES", "", rows);
  }
  if (want("physio") && !d.io.empty()) {
    std::vector<std::string> rows;
    if (p) rows.push_back("IO");
    for (const std::string& b : d.io)
      rows.push_back(p ? fmt::format("|dev={}|alias={}", b, pseudonym(m, b)) : col(b, 17) + pseudonym(m, b));
    section("IO", "DEVICE           PSEUDONYM        OPTIONS", rows);
  }
  if (want("serial") || want("console")) {
    for (const Vcc& c : d.vccs) {
      if (p) out += fmt::format("VCC|name={}|port-range={}-{}\n", c.name, c.port_lo, c.port_hi);
      else section("VCC", "NAME             PORT-RANGE", {col(c.name, 17) + fmt::format("{}-{}", c.port_lo, c.port_hi)});
    }
  }
  if (want("network")) {
    for (const Vsw& s : d.vsws) {
      if (p)
        out += fmt::format("VSW|name={}|mac-addr={}|net-dev={}|dev=switch@{}|default-vlan-id={}|pvid={}|vid={}|mtu={}|id={}\n",
                           s.name, format_mac(s.mac), s.net_dev, s.id, s.default_vlan_id, s.pvid, s.vid, s.mtu, s.id);
      else
        section("VSW", "NAME             MAC               NET-DEV   DEVICE    MODE",
                {col(s.name, 17) + col(format_mac(s.mac), 18) + col(s.net_dev, 10) + col(fmt::format("switch@{}", s.id), 10) + s.mode});
    }
  }
  if (want("disk")) {
    for (const Vds& s : d.vdss) {
      if (p) {
        out += fmt::format("VDS|name={}\n", s.name);
        for (const VdsVolume& vol : s.volumes)
          out += fmt::format("|vol={}|opts={}|dev={}|mpgroup={}\n", vol.name, vol.options, vol.backend, vol.mpgroup);
        continue;
      }
      std::vector<std::string> rows;
      if (s.volumes.empty()) rows.push_back(s.name);
      for (size_t i = 0; i < s.volumes.size(); ++i)
        rows.push_back(col(i ? "" : s.name, 17) + col(s.volumes[i].name, 15) + col(s.volumes[i].options, 17) +
                       s.volumes[i].backend);
      section("VDS", "NAME             VOLUME         OPTIONS          DEVICE", rows);
    }
  }
  if (want("network") && !d.vnets.empty()) {
    std::vector<std::string> rows;
    for (const Vnet& n : d.vnets)
      rows.push_back(p ? fmt::format("VNET|name={}|dev=network@{}|service={}@{}|mac-addr={}|pvid={}|vid={}|mtu={}|id={}",
                                     n.name, n.id, n.vsw, n.vsw_domain, format_mac(n.mac), n.pvid, n.vid, n.mtu, n.id)
                       : col(n.name, 17) + col(n.vsw + "@" + n.vsw_domain, 28) + col(fmt::format("network@{}", n.id), 13) +
                             format_mac(n.mac));
    section("NETWORK", "NAME             SERVICE                     DEVICE       MAC", rows);
  }
  if (want("disk") && !d.vdisks.empty()) {
    std::vector<std::string> rows;
    for (const Vdisk& k : d.vdisks)
      rows.push_back(p ? fmt::format("VDISK|name={}|vol={}@{}|timeout={}|dev=disk@{}|server={}|id={}", k.name, k.volume,
                                     k.vds, k.timeout ? std::to_string(k.timeout) : "", k.id, k.vds_domain, k.id)
                       : col(k.name, 17) + col(k.volume + "@" + k.vds, 28) + col(fmt::format("disk@{}", k.id), 8) +
                             k.vds_domain);
    section("DISK", "NAME             VOLUME                      DEVICE  SERVER", rows);
  }
  if ((want("console") || want("serial")) && !d.control && d.state != State::Inactive) {
    std::string svc;
    for (const Domain& o : m.model().domains)
      for (const Vcc& c : o.vccs)
        if (svc.empty() && (d.vcons_service.empty() || c.name == d.vcons_service)) svc = c.name + "@" + o.name;
    std::string group = d.vcons_group.empty() ? d.name : d.vcons_group;
    if (p) out += fmt::format("VCONS|type=SP|group={}|service={}|port={}\n", group, svc, v.cons());
    else section("VCONS", "NAME             SERVICE                     PORT", {col(group, 17) + col(svc, 28) + v.cons()});
  }
  return out;
}

}  // namespace

bool Manager::select(const std::vector<std::string>& names, std::vector<const Domain*>& out, Reply& err) const {
  for (const std::string& n : names) {
    const Domain* d = m_.find(n);
    if (!d) {
      err = fail(fmt::format("LDom {} not found", n));
      return false;
    }
    out.push_back(d);
  }
  if (names.empty())
    for (const Domain& d : m_.domains) out.push_back(&d);
  return true;
}

// ---- list-domain ------------------------------------------------------------------------
Reply Manager::cmd_list(const Args& a) {
  Opts o = parse(a);
  Reply r;
  std::vector<const Domain*> doms;
  if (!select(o.names, doms, r)) return r;
  auto view = [&](const Domain& d) {
    double u = d.control ? 0.1 : (host_ && d.state == State::Active ? host_->utilization(d) : 0);
    std::string soft = d.control ? "Solaris running" : (host_ && d.state == State::Active ? host_->soft_state(d) : "");
    return View{*this, d, u, now(), soft};
  };
  if (!o.o.empty()) {
    static const char* kFormats[] = {"console", "cpu", "crypto", "disk", "domain", "memory", "network",
                                     "physio", "serial", "status"};
    size_t pos = 0;
    while (pos <= o.o.size()) {
      size_t c = o.o.find(',', pos);
      std::string f = o.o.substr(pos, c == std::string::npos ? std::string::npos : c - pos);
      if (std::find(std::begin(kFormats), std::end(kFormats), f) == std::end(kFormats))
        return fail(fmt::format("Invalid format: {}", f));
      if (c == std::string::npos) break;
      pos = c + 1;
    }
  }
  if (o.p) r.out += "VERSION 1.3\n";
  for (size_t i = 0; i < doms.size(); ++i) {
    View v = view(*doms[i]);
    if (!o.o.empty()) {
      if (o.p) r.out += fmt::format("DOMAIN|name={}|\n", doms[i]->name) + sections(*this, v, true, o.o);
      else r.out += "NAME\n" + doms[i]->name + "\n" + sections(*this, v, false, o.o);
      continue;
    }
    if (o.p) {
      r.out += v.parseable(o.l) + (o.l ? "|softstate=" + v.soft : "") + "\n";
      if (o.l) r.out += sections(*this, v, true, "");
      continue;
    }
    if (o.l && i) r.out += std::string(78, '-') + "\n";
    if (o.l || i == 0) r.out += kHeader;
    r.out += v.line() + "\n";
    if (o.e) {   // -e: the domain's identity first; SOFTSTATE's value is not indented (C08)
      r.out += "\nSOFTSTATE\n" + v.soft + "\n";
      r.out += "\nMAC\n    " + format_mac(doms[i]->mac) + "\n";
      r.out += fmt::format("\nHOSTID\n    {:#x}\n", doms[i]->hostid);
      r.out += "\nCONTROL\n    failure-policy=" + doms[i]->failure_policy + "\n";
      std::string masters;
      for (const std::string& m : doms[i]->masters) masters += (masters.empty() ? "" : ",") + m;
      r.out += "\nDEPENDENCY\n    master=" + masters + "\n";
    }
    if (o.l) r.out += sections(*this, v, false, "") + "\n";
  }
  return r;
}

Reply Manager::cmd_list_bindings(const Args& a) {
  Args b = a;
  b.push_back("-l");
  return cmd_list(b);
}

Reply Manager::cmd_list_constraints(const Args& a) {
  Opts o = parse(a);
  Reply r;
  std::vector<const Domain*> doms;
  if (!select(o.names, doms, r)) return r;
  if (o.x) {
    r.out = write_constraints_xml(doms, p_.strands_per_core);
    return r;
  }
  if (o.p) r.out += "VERSION 1.0\n";
  for (const Domain* d : doms) {
    unsigned vcpus = d->delayed ? d->pending_vcpus : d->vcpus;
    uint64_t mem = d->delayed ? d->pending_memory : d->memory;
    unsigned maus = d->delayed ? d->pending_maus : d->maus;   // pending too (was the bound count)
    if (o.p) {
      r.out += fmt::format("DOMAIN|name={}\nMAC|mac-addr={}\nVCPU|count={}\nMEMORY|size={}\n", d->name,
                           format_mac(d->mac), vcpus, mem);
      if (maus) r.out += fmt::format("MAU|count={}\n", maus);
      for (const std::string& b : d->io) r.out += fmt::format("IO\n|dev={}|alias={}\n", b, pseudonym(*this, b));
      if (!d->variables.empty()) {
        r.out += "VARIABLES\n";
        for (const auto& [k, v] : d->variables) r.out += "|" + k + "=" + v + "\n";
      }
      for (const Vnet& n : d->vnets)
        r.out += fmt::format("VNET|name={}|dev=network@{}|service={}|mac-addr={}\n", n.name, n.id, n.vsw, format_mac(n.mac));
      for (const Vdisk& k : d->vdisks) r.out += fmt::format("VDISK|name={}|vol={}@{}\n", k.name, k.volume, k.vds);
      continue;
    }
    r.out += "DOMAIN\n" + d->name + "\n\nVCPU\n    COUNT\n    " + std::to_string(vcpus) + "\n\nMEMORY\n    SIZE\n    " +
             format_size(mem) + "\n";
    if (maus) r.out += "\nMAU\n    COUNT\n    " + std::to_string(maus) + "\n";
    if (!d->io.empty()) {
      r.out += "\nIO\n    DEVICE           PSEUDONYM\n";
      for (const std::string& b : d->io) r.out += "    " + col(b, 17) + pseudonym(*this, b) + "\n";
    }
    if (!d->vnets.empty()) {
      r.out += "\nNETWORK\n    NAME             SERVICE                     DEVICE       MAC\n";
      for (const Vnet& n : d->vnets)
        r.out += "    " + col(n.name, 17) + col(n.vsw, 28) + col(fmt::format("network@{}", n.id), 13) + format_mac(n.mac) + "\n";
    }
    if (!d->vdisks.empty()) {
      r.out += "\nDISK\n    NAME             VOLUME\n";
      for (const Vdisk& k : d->vdisks) r.out += "    " + col(k.name, 17) + k.volume + "@" + k.vds + "\n";
    }
    r.out += "\n";
  }
  return r;
}

// ---- list-devices -----------------------------------------------------------------------
Reply Manager::cmd_list_devices(const Args& a) {
  Opts o = parse(a);
  bool all = o.names.empty();
  auto want = [&](const char* k) {
    return all || std::any_of(o.names.begin(), o.names.end(), [&](const std::string& n) {
             return n == k || (std::string(k) == "memory" && n == "mem") || (std::string(k) == "mau" && n == "crypto");
           });
  };
  for (const std::string& n : o.names)
    if (n != "cpu" && n != "mau" && n != "crypto" && n != "memory" && n != "mem" && n != "io")
      return fail(fmt::format("Invalid device type: {}", n));
  Reply r;
  std::string& out = r.out;
  if (o.p) out += "VERSION 1.4\n";
  const platform::Platform& pl = p_;
  if (want("cpu")) {
    out += o.p ? "VCPU\n" : "VCPU\n    PID     %FREE   PM\n";
    for (unsigned s = 0; s < pl.strands(); ++s) {
      bool bound = owner_of_strand(s) != nullptr;
      if (bound && !o.a) continue;
      out += o.p ? fmt::format("|pid={}|free={}|pm={}\n", s, bound ? 0 : 100, bound ? "no" : "")
                 : "    " + col(std::to_string(s), 8) + col(bound ? "0" : "100", 8) + (bound ? "no" : "---") + "\n";
    }
    if (!o.p) out += "\n";
  }
  if (want("mau") && pl.crypto_unit_per_core) {
    out += o.p ? "MAU\n" : (o.a ? "MAU\n    ID      CPUSET                                  BOUND\n" : "MAU\n    ID      CPUSET\n");
    for (unsigned c = 0; c < pl.cores(); ++c) {
      const Domain* d = owner_of_mau(c);
      if (d && !o.a) continue;
      std::vector<unsigned> set;
      for (unsigned s = c * pl.strands_per_core; s < (c + 1) * pl.strands_per_core; ++s) set.push_back(s);
      out += o.p ? fmt::format("|id={}|cpuset={}|bound={}\n", c, cpuset(set), d ? d->name : "")
                 : "    " + rstrip(col(std::to_string(c), 8) + (o.a ? col(cpuset(set), 40) + (d ? d->name : "") : cpuset(set))) + "\n";
    }
    if (!o.p) out += "\n";
  }
  if (want("memory")) {
    out += o.p ? "MEMORY\n" : (o.a ? "MEMORY\n    PA                   SIZE            BOUND\n" : "MEMORY\n    PA                   SIZE\n");
    struct Row { uint64_t pa, size; std::string who; };
    std::vector<Row> rows;
    if (o.a) {
      for (const SysRange& s : sys_memory()) rows.push_back({s.pa, s.size, "_sys_"});
      for (const Domain& d : m_.domains)
        for (const MemRange& mr : d.mem) rows.push_back({mr.pa, mr.size, d.name});
    }
    for (const SysRange& f : free_memory()) rows.push_back({f.pa, f.size, ""});
    std::sort(rows.begin(), rows.end(), [](const Row& x, const Row& y) { return x.pa < y.pa; });
    for (const Row& row : rows)
      out += o.p ? fmt::format("|pa={:#x}|size={}|bound={}\n", row.pa, row.size, row.who)
                 : "    " + rstrip(col(fmt::format("{:#x}", row.pa), 21) + (o.a ? col(format_size(row.size), 16) + row.who
                                                                                : format_size(row.size))) + "\n";
    if (!o.p) out += "\n";
  }
  if (want("io")) {
    out += o.p ? "IO\n" : (o.a ? "IO\n    DEVICE           PSEUDONYM        BOUND   OPTIONS\n" : "IO\n    DEVICE           PSEUDONYM\n");
    for (const std::string& b : pl.pcie_roots) {
      const Domain* d = owner_of_io(b);
      if (d && !o.a) continue;
      out += o.p ? fmt::format("|dev={}|alias={}|bound={}\n", b, pseudonym(*this, b), d ? d->name : "")
                 : "    " + rstrip(col(b, 17) + (o.a ? col(pseudonym(*this, b), 17) + (d ? "yes" : "no") : pseudonym(*this, b))) + "\n";
    }
  }
  return r;
}

Reply Manager::cmd_list_services(const Args& a) {
  Opts o = parse(a);
  Reply r;
  if (o.p) r.out += "VERSION 1.3\n";
  for (const Domain& d : m_.domains) {
    if (!o.names.empty() && std::find(o.names.begin(), o.names.end(), d.name) == o.names.end()) continue;
    View v{*this, d, 0, now(), ""};
    std::string s = sections(*this, v, o.p, "serial,disk,network");
    // services only: drop the client-side sections
    if (d.vccs.empty() && d.vdss.empty() && d.vsws.empty()) continue;
    std::string keep;
    size_t pos = 0;
    bool skipping = false;
    while (pos < s.size()) {
      size_t nl = s.find('\n', pos);
      std::string line = s.substr(pos, nl - pos);
      pos = nl + 1;
      if (line == "NETWORK" || line == "DISK" || line.rfind("VNET|", 0) == 0 || line.rfind("VDISK|", 0) == 0) {
        skipping = !o.p;
        continue;
      }
      if (line == "VCC" || line == "VSW" || line == "VDS") skipping = false;
      if (!skipping) keep += line + "\n";
    }
    r.out += o.p ? keep : d.name + "\n" + keep + "\n";
  }
  return r;
}

}  // namespace vfsim::ldm
