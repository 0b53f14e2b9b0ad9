// Listings: list-domain (short, -l, -e, -p, -l -p, -o), list-bindings, list-constraints,
// list-devices and list-services, in the layouts of LDoms 1.2 (docs/ldm.md; the short list
// uses the column widths of the seed documents). Each listing is built once as rows
// (listing_rows.h) and printed as text, -p records or --json from them.
#include <algorithm>

#include <fmt/format.h>

#include "ldm/constraints_xml.h"
#include "ldm/listing_rows.h"
#include "ldm/manager.h"
#include "ldm/units.h"

namespace vfsim::ldm {

namespace {

using listing::Cell;
using listing::Col;
using listing::Listing;
using listing::Record;
using listing::Row;
using listing::Show;
using listing::Table;
using listing::col;
using listing::rstrip;

// A live migration in progress, after the seed's STATUS line (ldm list -o status -p): the
// rounds so far (bytes sent in each), the dirty rate, the downtime if it stopped now, and
// the simulated time so far.
std::vector<listing::Field> live_p(const Domain::Migration& m) {
  std::string bytes;
  for (uint64_t b : m.round_bytes) bytes += (bytes.empty() ? "" : ",") + std::to_string(b);
  return {{"mode", "live"},
          {"rounds", std::to_string(m.round_bytes.size())},
          {"round_bytes", bytes},
          {"dirty_mb_s", fmt::format("{:.3f}", m.dirty_rate / 1e6)},
          {"expected_downtime_ms", fmt::format("{:.3f}", m.expected_downtime * 1e3)},
          {"elapsed_ms", fmt::format("{:.3f}", m.elapsed * 1e3)}};
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
  bool json = false;   // --json: the -p records as JSON (a vfsim addition)
  std::string o;
  std::vector<std::string> names;
};
// The options as the command table (command_table.cpp) checked them.
Opts opts_of(const CommandLine& c) {
  Opts o;
  o.json = c.has("--json");
  o.l = c.has("-l") || c.has("-e");   // -e: -l and more
  o.e = c.has("-e");
  o.p = c.has("-p");
  o.a = c.has("-a");
  o.x = c.has("-x");
  o.o = c.value("-o");
  o.names = c.operands;
  return o;
}

// The reply's text in the form asked for.
std::string render(const Listing& l, const Opts& o) {
  if (o.json) return listing::render_json(l);
  return o.p ? listing::render_p(l) : listing::render_text(l);
}

// -p prints util as the text does, without the '%' (util=0.4, util=23).
std::string util_p(const std::string& text) { return text.empty() ? "" : text.substr(0, text.size() - 1); }

bool bound_or_active(const Domain& d) { return d.state != State::Inactive; }

}  // namespace

// ---- the pieces of a domain listing -----------------------------------------------------
namespace {

struct View {   // what one domain's line shows
  const Manager& m;
  const Domain& d;
  double util, now;
  std::string soft;   // the guest OS's soft state ("vfsim-runtime running")
  std::vector<double> vcpu_util;   // each vCPU's own, while active

  using Role = Domain::Migration::Role;
  std::string flags() const {
    std::string f = "------";
    if (d.state == State::Active) f[1] = 'n';
    if (d.delayed) f[2] = 'd';
    if (d.control) f[3] = 'c';
    if (!d.vccs.empty() || !d.vdss.empty() || !d.vsws.empty() || !d.vdpcss.empty()) f[4] = 'v';
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
    if (!d.vccs.empty() || !d.vdss.empty() || !d.vsws.empty() || !d.vdpcss.empty()) w.push_back("vio-service");
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
  std::string util_text() const { return d.state == State::Active ? format_util(util) : ""; }

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
      std::string u = util_text();
      s += col(u.size() < 4 ? std::string(4 - u.size(), ' ') + u : u, 6) + format_uptime(uptime());
    }
    return rstrip(s);
  }
  // The DOMAIN record: letter flags in plain -p, spelled out with -l (and the soft state).
  Record record(bool l) const {
    bool inactive = d.state == State::Inactive;
    Record r{"DOMAIN",
             {{"name", d.name},
              {"state", state()},
              {"flags", inactive ? "" : (l ? flags_words() : flags())},
              {"cons", cons()},
              {"ncpu", ncpu() ? std::to_string(ncpu()) : ""},
              {"mem", mem() ? std::to_string(mem()) : ""},
              {"util", util_p(util_text())},
              {"uptime", d.state == State::Active ? std::to_string(uptime()) : ""}},
             {}};
    if (l) r.fields.push_back({"softstate", soft});
    return r;
  }
};

const char* kHeader = "NAME       STATE      FLAGS   CONS    VCPU  MEMORY   UTIL  UPTIME\n";

std::string pseudonym(const Manager& m, const std::string& bus) {
  const auto& roots = m.platform().pcie_roots;
  for (size_t i = 0; i < roots.size(); ++i)
    if (roots[i] == bus) return fmt::format("pci_{}", i);
  return "";
}

// The vcc a guest's console uses (the one set-vcons named, else the first one) and its domain.
std::pair<const Vcc*, const Domain*> console_vcc(const Model& m, const Domain& d) {
  for (const Domain& o : m.domains)
    for (const Vcc& c : o.vccs)
      if (d.vcons_service.empty() || c.name == d.vcons_service) return {&c, &o};
  return {nullptr, nullptr};
}

// nclients of a service: the bound and active domains whose devices (or console) use it.
unsigned vcc_clients(const Model& m, const Vcc& c) {
  unsigned n = 0;
  for (const Domain& d : m.domains)
    if (!d.control && bound_or_active(d) && console_vcc(m, d).first == &c) ++n;
  return n;
}
unsigned vsw_clients(const Model& m, const Domain& owner, const Vsw& s) {
  unsigned n = 0;
  for (const Domain& d : m.domains)
    if (bound_or_active(d))
      for (const Vnet& v : d.vnets) n += v.vsw == s.name && v.vsw_domain == owner.name;
  return n;
}
unsigned vds_clients(const Model& m, const Domain& owner, const Vds& s) {
  unsigned n = 0;
  for (const Domain& d : m.domains)
    if (bound_or_active(d))
      for (const Vdisk& k : d.vdisks) n += k.vds == s.name && k.vds_domain == owner.name;
  return n;
}
const VdsVolume* volume_of(const Model& m, const Vdisk& k) {
  if (const Domain* o = m.find(k.vds_domain))
    for (const Vds& s : o->vdss)
      if (s.name == k.vds)
        for (const VdsVolume& v : s.volumes)
          if (v.name == k.volume) return &v;
  return nullptr;
}

// ---- the tables, each built once for text, -p and --json ----

Table vcc_table(const Manager& m, const Domain& d, bool nclients) {
  Table t{"VCC", "VCC"};
  t.cols = {{"NAME", "name", 17}, {"", "nclients", 0, Show::P}, {"PORT-RANGE", "port-range"}};
  if (!nclients) t.cols.erase(t.cols.begin() + 1);
  for (const Vcc& c : d.vccs) {
    Row r{{c.name, std::to_string(vcc_clients(m.model(), c)), fmt::format("{}-{}", c.port_lo, c.port_hi)}};
    if (!nclients) r.cells.erase(r.cells.begin() + 1);
    t.rows.push_back(std::move(r));
  }
  return t;
}

// A bus's OPTIONS column: bypass=on when it was added so (C08).
std::string bus_options(const Domain& d, const std::string& bus) {
  return std::count(d.io_bypass.begin(), d.io_bypass.end(), bus) ? "bypass=on" : "";
}

// A bound vsw's MODE as the switch runs (C08): on a physical device it is programmed and
// promiscuous ("prog,promisc"), without one it routes ("routed"); mode=sc adds ",sc" [R].
std::string vsw_mode(const Vsw& s) {
  return std::string(s.net_dev.empty() ? "routed" : "prog,promisc") + (s.mode == "sc" ? ",sc" : "");
}

// VDPCS and VDPCC (C08, C19): the data plane channel services and their clients.
Table vdpcs_table(const Domain& d) {
  Table t{"VDPCS", "VDPCS"};
  t.cols = {{"NAME", "name"}};
  for (const Vdpcs& v : d.vdpcss) t.rows.push_back({{v.name}});
  return t;
}
Table vdpcc_table(const Domain& d) {
  Table t{"VDPCC", "VDPCC"};
  t.cols = {{"NAME", "name", 17}, {"SERVICE", "service"}};
  for (const Vdpcc& c : d.vdpccs) t.rows.push_back({{c.name, c.service + "@" + c.service_domain}});
  return t;
}

Table vsw_table(const Manager& m, const Domain& d, bool bindings) {
  Table t{"VSW", "VSW"};
  if (!bindings) {   // list-constraints -p (C21): name, mac-addr, net-dev, dev
    t.cols = {{"NAME", "name", 17}, {"MAC", "mac-addr", 18}, {"NET-DEV", "net-dev", 10}, {"DEVICE", "dev", 10},
              {"MODE", "mode", 0, Show::Text}};
    for (const Vsw& s : d.vsws)
      t.rows.push_back({{s.name, format_mac(s.mac), s.net_dev, fmt::format("switch@{}", s.id), s.mode}});
    return t;
  }
  t.cols = {{"NAME", "name", 17},           {"", "nclients", 0, Show::P},
            {"MAC", "mac-addr", 18},        {"NET-DEV", "net-dev", 10},
            {"DEVICE", "dev", 10},          {"MODE", "mode"},
            {"", "default-vlan-id", 0, Show::P}, {"", "pvid", 0, Show::P},
            {"", "vid", 0, Show::P},        {"", "mtu", 0, Show::P},
            {"", "id", 0, Show::P}};
  for (const Vsw& s : d.vsws)
    t.rows.push_back({{s.name, std::to_string(vsw_clients(m.model(), d, s)), format_mac(s.mac), s.net_dev,
                       fmt::format("switch@{}", s.id), vsw_mode(s), std::to_string(s.default_vlan_id),
                       std::to_string(s.pvid), s.vid, std::to_string(s.mtu), std::to_string(s.id)}});
  return t;
}

// VDS: the volumes under their server's name, the first on its line (C08).
Table vds_table(const Manager& m, const Domain& d, bool bindings) {
  Table t{"VDS", "VDS"};
  t.layout = Table::Layout::Merged;
  t.cols = {{"NAME", "name", 17}, {"", "nclients", 0, Show::P}};
  if (!bindings) t.cols.pop_back();
  t.sub_cols = {{"VOLUME", "vol", 15}, {"OPTIONS", "opts", 17}, {"DEVICE", "dev"}, {"", "mpgroup", 0, Show::P}};
  for (const Vds& s : d.vdss) {
    Row r{{s.name}};
    if (bindings) r.cells.push_back(std::to_string(vds_clients(m.model(), d, s)));
    for (const VdsVolume& v : s.volumes) {
      Row vr{{v.name, v.options, v.backend, v.mpgroup}};
      // list-constraints -p prints mpgroup only when one is set (C21 has none).
      vr.cells[3].omit_p = !bindings && v.mpgroup.empty();
      r.subs.push_back(std::move(vr));
    }
    t.rows.push_back(std::move(r));
  }
  return t;
}

// NETWORK: with its bindings, each vnet's peers on its switch (the switch, then the other
// vnets of bound and active domains) under it, each vnet with its own header (1.2).
Table network_table(const Manager& m, const Domain& d) {
  Table t{"NETWORK", "VNET"};
  bool peers = bound_or_active(d);
  if (peers) t.layout = Table::Layout::Nested;
  t.cols = {{"NAME", "name", 17},   {"SERVICE", "service", 28}, {"DEVICE", "dev", 13},
            {"MAC", "mac-addr"},      {"", "mode", 0, Show::P},   {"", "pvid", 0, Show::P},
            {"", "vid", 0, Show::P},  {"", "mtu", 0, Show::P},    {"", "id", 0, Show::P}};
  t.p_order = {0, 2, 1, 3, 4, 5, 6, 7, 8};   // VNET|name|dev|service|mac-addr (C21)
  t.sub_cols = {{"PEER", "peer", 28}, {"MAC", "mac-addr"}};
  for (const Vnet& n : d.vnets) {
    Row r{{n.name, n.vsw + "@" + n.vsw_domain, fmt::format("network@{}", n.id), format_mac(n.mac), n.mode,
           std::to_string(n.pvid), n.vid, std::to_string(n.mtu), std::to_string(n.id)}};
    if (peers) {
      if (const Domain* sd = m.model().find(n.vsw_domain))
        for (const Vsw& s : sd->vsws)
          if (s.name == n.vsw) r.subs.push_back({{s.name + "@" + sd->name, format_mac(s.mac)}});
      for (const Domain& o : m.model().domains) {
        if (!bound_or_active(o)) continue;
        for (const Vnet& v : o.vnets)
          if (v.vsw == n.vsw && v.vsw_domain == n.vsw_domain && !(&o == &d && v.name == n.name))
            r.subs.push_back({{v.name + "@" + o.name, format_mac(v.mac)}});
      }
    }
    t.rows.push_back(std::move(r));
  }
  return t;
}

Table disk_table(const Manager& m, const Domain& d) {
  Table t{"DISK", "VDISK"};
  t.cols = {{"NAME", "name", 17},       {"VOLUME", "vol", 28},         {"", "timeout", 0, Show::P},
            {"DEVICE", "dev", 8},       {"SERVER", "server"},          {"", "mpgroup", 0, Show::P},
            {"", "id", 0, Show::P}};
  for (const Vdisk& k : d.vdisks) {
    const VdsVolume* v = volume_of(m.model(), k);
    t.rows.push_back({{k.name, k.volume + "@" + k.vds, k.timeout ? std::to_string(k.timeout) : "",
                       fmt::format("disk@{}", k.id), k.vds_domain, v ? v->mpgroup : "", std::to_string(k.id)}});
  }
  return t;
}

// VCONS: the control domain's console is the SP's (C12); a guest's names its group, its
// vcc and its port.
Table vcons_table(const Manager& m, const View& v) {
  Table t{"VCONS", "VCONS"};
  if (v.d.control) {
    t.cols = {{"NAME", "type", 17}, {"SERVICE", "", 28, Show::Text}, {"PORT", "", 0, Show::Text}};
    t.rows.push_back({{"SP", "", ""}});
    return t;
  }
  auto [c, owner] = console_vcc(m.model(), v.d);
  t.cols = {{"NAME", "group", 17}, {"SERVICE", "service", 28}, {"PORT", "port"}};
  t.rows.push_back({{v.d.vcons_group.empty() ? v.d.name : v.d.vcons_group,
                     Cell(c ? c->name + "@" + owner->name : "", c ? c->name : ""), v.cons()}});
  return t;
}

// -e (and -o domain): the domain's identity.
void identity(Listing& l, const Domain& d) {
  Table mac{"MAC", "MAC"};
  mac.cols = {{"", "mac-addr"}};
  mac.rows.push_back({{format_mac(d.mac)}});
  l.table(mac);
  Table host{"HOSTID", "HOSTID"};
  host.cols = {{"", "hostid"}};
  host.rows.push_back({{fmt::format("{:#x}", d.hostid)}});
  l.table(host);
  Table ctl{"CONTROL", "CONTROL"};
  ctl.cols = {{"", "failure-policy", 0, Show::Both, true}};
  ctl.rows.push_back({{d.failure_policy}});
  l.table(ctl);
  std::string masters;
  for (const std::string& m : d.masters) masters += (masters.empty() ? "" : ",") + m;
  Table dep{"DEPENDENCY", "DEPENDENCY"};
  dep.cols = {{"", "master", 0, Show::Both, true}};
  dep.rows.push_back({{masters}});
  l.table(dep);
}

Table variables_table(const Domain& d) {
  Table t{"VARIABLES", "VARIABLES"};
  t.row_kw = false;
  t.cols = {{"", "", 0, Show::Both, true}};
  for (const auto& [k, val] : d.variables) {
    Cell c(val);
    c.key = k;
    t.rows.push_back({{c}});
  }
  return t;
}

// The sections of -l / list-bindings / -o (only: the formats asked for, "" for all).
void sections(Listing& l, const Manager& m, const View& v, const std::string& only) {
  const Domain& d = v.d;
  auto want = [&](const char* s) { return only.empty() || only.find(s) != std::string::npos; };
  if (want("domain") && !only.empty()) identity(l, d);
  // A migration in progress: the seed's table and parseable line, exactly (seed 001, 8-1, 8-5, 8-6).
  if (!only.empty() && want("status") && d.migration.role != Domain::Migration::Role::None) {
    bool source = d.migration.role == Domain::Migration::Role::Source;
    Record r{"STATUS", {}, {{{"op", "migration"}, {"progress", std::to_string(d.migration.progress)},
                             {"error", d.migration.error ? "yes" : "no"}, {source ? "target" : "source", d.migration.peer}}}};
    if (d.migration.live) r.rows.push_back(live_p(d.migration));
    std::string text = " \nSTATUS\n";
    text += source ? "    OPERATION    PROGRESS    TARGET \n" : "    OPERATION    PROGRESS    SOURCE\n";
    text += "    " + col("migration", 13) + col(std::to_string(d.migration.progress) + "%", 12) + d.migration.peer + "\n";
    if (d.migration.live) text += live_text(d.migration);
    l.text(text, {r});
  }
  // The migration that brought the domain here: the phases' simulated durations on the
  // source (a section of its own: STATUS, which pollers wait to see go, stays the seed's).
  if (!only.empty() && want("status") && !d.migrated_in.empty()) {
    const Domain::MigratedIn& mi = d.migrated_in.front();
    auto ms = [](uint64_t us) { return fmt::format("{:.3f}", double(us) / 1e3); };
    uint64_t total = mi.checks_us + mi.prepare_us + mi.transfer_us + mi.handoff_us;
    std::vector<listing::Field> f{{"source", mi.source},           {"checks_ms", ms(mi.checks_us)},
                                  {"prepare_ms", ms(mi.prepare_us)}, {"transfer_ms", ms(mi.transfer_us)},
                                  {"handoff_ms", ms(mi.handoff_us)}, {"total_ms", ms(total)}};
    if (mi.live) {
      f.push_back({"mode", "live"});
      f.push_back({"rounds", std::to_string(mi.rounds)});
      f.push_back({"downtime_ms", ms(mi.downtime_us)});
    }
    std::string text = "\nMIGRATION\n";
    text += "    SOURCE          CHECKS      PREPARE     TRANSFER    HANDOFF     TOTAL (ms of simulated time)\n";
    text += "    " + col(mi.source, 16) + col(ms(mi.checks_us), 12) + col(ms(mi.prepare_us), 12) +
            col(ms(mi.transfer_us), 12) + col(ms(mi.handoff_us), 12) + ms(total) + "\n";
    if (mi.live) text += fmt::format("    live: {} rounds, downtime {} ms\n", mi.rounds, ms(mi.downtime_us));
    l.text(text, {Record{"MIGRATION", {}, {f}}});
  }
  if (want("cpu") && !d.strands.empty()) {
    Table t{"VCPU", "VCPU"};
    t.row_kw = false;
    // STRAND is right-aligned (`  100%`, C08).
    t.cols = {{"VID", "vid", 7}, {"PID", "pid", 7}, {"UTIL", "util", 5}, {"STRAND", "strand"}};
    for (size_t i = 0; i < d.strands.size(); ++i) {
      std::string u = i < v.vcpu_util.size() ? format_util(v.vcpu_util[i]) : "";
      // UTIL right-aligned in 4, as in the domain's line (` 23%`, C02).
      std::string ut = u.empty() || u.size() >= 4 ? u : std::string(4 - u.size(), ' ') + u;
      t.rows.push_back({{std::to_string(i), std::to_string(d.strands[i]), Cell(ut, util_p(u)), Cell("  100%", "100")}});
    }
    l.table(t);
  }
  if (want("crypto") && !d.mau_cores.empty()) {
    Table t{"MAU", "MAU"};
    t.row_kw = false;
    t.cols = {{"ID", "id", 7}, {"CPUSET", "cpuset"}};   // the VCPU table's stride (C12)
    for (unsigned c : d.mau_cores) {
      std::vector<unsigned> set;
      for (unsigned s = c * m.platform().strands_per_core; s < (c + 1) * m.platform().strands_per_core; ++s)
        set.push_back(s);
      t.rows.push_back({{std::to_string(c), cpuset(set)}});
    }
    l.table(t);
  }
  if (want("memory") && !d.mem.empty()) {
    Table t{"MEMORY", "MEMORY"};
    t.row_kw = false;
    t.cols = {{"RA", "ra", 17}, {"PA", "pa", 17}, {"SIZE", "size"}};
    for (const MemRange& r : d.mem)
      t.rows.push_back({{fmt::format("{:#x}", r.ra), fmt::format("{:#x}", r.pa), Cell(format_size(r.size), std::to_string(r.size))}});
    l.table(t);
  }
  if (want("domain") && !d.variables.empty()) l.table(variables_table(d));
  if (want("physio") && !d.io.empty()) {
    Table t{"IO", "IO"};
    t.row_kw = false;
    t.cols = {{"DEVICE", "dev", 17}, {"PSEUDONYM", "alias", 17}, {"OPTIONS", "", 0, Show::Text}};
    for (const std::string& b : d.io) t.rows.push_back({{b, pseudonym(m, b), bus_options(d, b)}});
    l.table(t);
  }
  if ((want("serial") || want("console")) && !d.vccs.empty()) l.table(vcc_table(m, d, true));
  if (want("network") && !d.vsws.empty()) l.table(vsw_table(m, d, true));
  if (want("disk") && !d.vdss.empty()) l.table(vds_table(m, d, true));
  if (want("network") && !d.vdpcss.empty()) l.table(vdpcs_table(d));
  if (want("network") && !d.vnets.empty()) l.table(network_table(m, d));
  if (want("disk") && !d.vdisks.empty()) l.table(disk_table(m, d));
  if (want("network") && !d.vdpccs.empty()) l.table(vdpcc_table(d));
  if ((want("console") || want("serial")) && (d.control || d.state != State::Inactive)) l.table(vcons_table(m, v));
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
Reply Manager::cmd_list(const CommandLine& c) {
  Opts o = opts_of(c);
  Reply r;
  std::vector<const Domain*> doms;
  if (!select(o.names, doms, r)) return r;
  auto view = [&](const Domain& d) {
    bool live = host_ && d.state == State::Active;
    double u = d.control ? 0.1 : (live ? host_->utilization(d) : 0);
    std::string soft = d.control ? "Solaris running" : (live ? host_->soft_state(d) : "");
    View v{*this, d, u, now(), soft, {}};
    // Each vCPU's own utilisation (asked after utilization(d), which samples them all).
    if (d.state == State::Active)
      for (unsigned i = 0; i < d.strands.size(); ++i)
        v.vcpu_util.push_back(d.control ? u : (live ? host_->strand_utilization(d, i) : 0));
    return v;
  };
  if (!o.o.empty()) {
    // The formats of the LDoms 1.2 guide (list -o).
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
  Listing l;
  for (size_t i = 0; i < doms.size(); ++i) {
    View v = view(*doms[i]);
    if (!o.o.empty()) {
      Record dom{"DOMAIN", {{"name", doms[i]->name}}, {}, true};
      l.text(std::string(i ? "\n" : "") + "NAME\n" + doms[i]->name + "\n", {dom});   // a blank line between domains
      sections(l, *this, v, o.o);
      continue;
    }
    if (o.l && i) l.text(std::string(78, '-') + "\n");
    if (o.l || i == 0) l.text(kHeader);
    l.text(v.line() + "\n", {v.record(o.l)});
    if (o.e) {   // -e: the domain's identity first; SOFTSTATE's value is not indented (C08)
      Table soft{"SOFTSTATE", "SOFTSTATE"};
      soft.indent = 0;
      soft.show = Show::Text;   // -p carries it in DOMAIN's softstate=
      soft.cols = {{"", "softstate"}};
      soft.rows.push_back({{v.soft}});
      l.table(soft);
      identity(l, *doms[i]);
    }
    if (o.l) {
      sections(l, *this, v, "");
      l.text("\n");
    }
  }
  r.out = render(l, o);
  return r;
}

Reply Manager::cmd_list_bindings(const CommandLine& c) {
  CommandLine b = c;
  b.flags.push_back("-l");
  return cmd_list(b);
}

Reply Manager::cmd_list_constraints(const CommandLine& c) {
  Opts o = opts_of(c);
  Reply r;
  std::vector<const Domain*> doms;
  if (!select(o.names, doms, r)) return r;
  if (o.x) {
    r.out = write_constraints_xml(doms, p_.strands_per_core);
    return r;
  }
  // The constraints (pending ones during a delayed reconfiguration), in the order of the
  // 1.2 guide's -p example (C21) and text example (C19).
  Listing l;
  for (const Domain* d : doms) {
    unsigned vcpus = d->delayed ? d->pending_vcpus : d->vcpus;
    uint64_t mem = d->delayed ? d->pending_memory : d->memory;
    unsigned maus = d->delayed ? d->pending_maus : d->maus;   // pending too (was the bound count)
    l.text("DOMAIN\n" + d->name + "\n", {Record{"DOMAIN", {{"name", d->name}}, {}},
                                          Record{"MAC", {{"mac-addr", format_mac(d->mac)}}, {}}});
    auto count = [&](const char* title, Cell c, const char* head, const char* key) {
      Table t{title, title};
      t.cols = {{head, key}};
      t.rows.push_back({{std::move(c)}});
      l.table(t);
    };
    count("VCPU", std::to_string(vcpus), "COUNT", "count");
    if (d->mblocks.empty() || d->delayed) {
      count("MEMORY", Cell(format_size(mem), std::to_string(mem)), "SIZE", "size");
    } else {   // placed with mblock=: where, block by block (what set-memory mblock= takes back)
      Table t{"MEMORY", "MEMORY"};
      t.cols = {{"PA", "pa", 17}, {"SIZE", "size"}};
      for (const Mblock& b : d->mblocks)
        t.rows.push_back({{fmt::format("{:#x}", b.pa), Cell(format_size(b.size), std::to_string(b.size))}});
      l.table(t);
    }
    if (maus) count("MAU", std::to_string(maus), "COUNT", "count");
    if (!d->io.empty()) {
      Table t{"IO", "IO"};
      t.row_kw = false;
      t.cols = {{"DEVICE", "dev", 17}, {"PSEUDONYM", "alias"}};
      for (const std::string& b : d->io) t.rows.push_back({{b, pseudonym(*this, b)}});
      l.table(t);
    }
    if (!d->variables.empty()) l.table(variables_table(*d));
    if (!d->vdss.empty()) l.table(vds_table(*this, *d, false));
    if (!d->vccs.empty()) l.table(vcc_table(*this, *d, false));
    if (!d->vsws.empty()) l.table(vsw_table(*this, *d, false));
    if (!d->vdpcss.empty()) l.table(vdpcs_table(*d));
    if (!d->vnets.empty()) {
      Table t{"NETWORK", "VNET"};
      t.cols = {{"NAME", "name", 17}, {"SERVICE", "service", 28}, {"DEVICE", "dev", 13}, {"MAC", "mac-addr"}};
      for (const Vnet& n : d->vnets)
        t.rows.push_back({{n.name, n.vsw, fmt::format("network@{}", n.id), format_mac(n.mac)}});
      t.p_order = {0, 2, 1, 3};
      l.table(t);
    }
    if (!d->vdisks.empty()) {
      Table t{"DISK", "VDISK"};
      t.cols = {{"NAME", "name", 17}, {"VOLUME", "vol"}, {"", "mpgroup", 0, Show::P}};
      for (const Vdisk& k : d->vdisks) {
        const VdsVolume* v = volume_of(m_, k);
        Row row{{k.name, k.volume + "@" + k.vds, v ? v->mpgroup : ""}};
        row.cells[2].omit_p = row.cells[2].p.empty();   // C21: no mpgroup= when none is set
        t.rows.push_back(std::move(row));
      }
      l.table(t);
    }
    if (!d->vdpccs.empty()) l.table(vdpcc_table(*d));
    // The console constraints, when any was set (C19: NAME SERVICE; PORT when one was asked).
    if (!d->control && (!d->vcons_group.empty() || !d->vcons_service.empty() || d->vcons_port >= 0)) {
      Table t{"VCONS", "VCONS"};
      t.cols = {{"NAME", "group", 17}, {"SERVICE", "service", 28}, {"PORT", "port"}};
      if (d->vcons_port < 0) t.cols[1].width = 0, t.cols.pop_back();
      Row row{{d->vcons_group, d->vcons_service}};
      if (d->vcons_port >= 0) row.cells.push_back(std::to_string(d->vcons_port));
      t.rows.push_back(std::move(row));
      l.table(t);
    }
    l.text("\n");
  }
  r.out = render(l, o);
  return r;
}

// ---- list-devices -----------------------------------------------------------------------
Reply Manager::cmd_list_devices(const CommandLine& c) {
  Opts o = opts_of(c);
  bool all = o.names.empty();
  auto want = [&](const char* k) {
    return all || std::any_of(o.names.begin(), o.names.end(), [&](const std::string& n) {
             return n == k || (std::string(k) == "memory" && n == "mem") || (std::string(k) == "mau" && n == "crypto");
           });
  };
  for (const std::string& n : o.names)
    if (n != "cpu" && n != "mau" && n != "crypto" && n != "memory" && n != "mem" && n != "io")
      return fail(fmt::format("Invalid device type: {}", n));
  Listing l;
  const platform::Platform& pl = p_;
  // The BOUND column is in the text with -a only; -p always carries bound=.
  Show bound = o.a ? Show::Both : Show::P;
  if (want("cpu")) {
    Table t{"VCPU", "VCPU"};
    t.row_kw = false;
    t.cols = {{"PID", "pid", 8}, {"%FREE", "free", 8}, {"PM", "pm"}};
    for (unsigned s = 0; s < pl.strands(); ++s) {
      bool b = owner_of_strand(s) != nullptr;
      if (b && !o.a) continue;
      // Free strands: `---` in the table, an empty pm= (C17).
      t.rows.push_back({{std::to_string(s), b ? "0" : "100", b ? Cell("no") : Cell("---", "")}});
    }
    l.table(t, "");
    l.text("\n");
  }
  if (want("mau") && pl.crypto_unit_per_core) {
    Table t{"MAU", "MAU"};
    t.row_kw = false;
    t.cols = {{"ID", "id", 8}, {"CPUSET", "cpuset", size_t(o.a ? 40 : 0)}, {"BOUND", "bound", 0, bound}};
    for (unsigned c = 0; c < pl.cores(); ++c) {
      const Domain* d = owner_of_mau(c);
      if (d && !o.a) continue;
      std::vector<unsigned> set;
      for (unsigned s = c * pl.strands_per_core; s < (c + 1) * pl.strands_per_core; ++s) set.push_back(s);
      t.rows.push_back({{std::to_string(c), cpuset(set), d ? d->name : ""}});
    }
    l.table(t, "");
    l.text("\n");
  }
  if (want("memory")) {
    Table t{"MEMORY", "MEMORY"};
    t.row_kw = false;
    t.cols = {{"PA", "pa", 21}, {"SIZE", "size", size_t(o.a ? 16 : 0)}, {"BOUND", "bound", 0, bound}};
    struct Mem { uint64_t pa, size; std::string who; };
    std::vector<Mem> rows;
    if (o.a) {
      for (const SysRange& s : sys_memory()) rows.push_back({s.pa, s.size, "_sys_"});
      for (const Domain& d : m_.domains)
        for (const MemRange& mr : d.mem) rows.push_back({mr.pa, mr.size, d.name});
    }
    for (const SysRange& f : free_memory()) rows.push_back({f.pa, f.size, ""});
    std::sort(rows.begin(), rows.end(), [](const Mem& x, const Mem& y) { return x.pa < y.pa; });
    for (const Mem& m : rows)
      t.rows.push_back({{fmt::format("{:#x}", m.pa), Cell(format_size(m.size), std::to_string(m.size)), m.who}});
    l.table(t, "");
    l.text("\n");
  }
  if (want("io")) {
    Table t{"IO", "IO"};
    t.row_kw = false;
    t.cols = {{"DEVICE", "dev", 17}, {"PSEUDONYM", "alias", 17}, {"BOUND", "bound", 8, bound},
              {"OPTIONS", "", 0, o.a ? Show::Text : Show::P}};
    if (!o.a) t.cols.pop_back();
    for (const std::string& b : pl.pcie_roots) {
      const Domain* d = owner_of_io(b);
      if (d && !o.a) continue;
      // BOUND says yes/no in the table (C15) and names the domain in -p.
      Row row{{b, pseudonym(*this, b), Cell(d ? "yes" : "no", d ? d->name : "")}};
      if (o.a) row.cells.push_back(d ? bus_options(*d, b) : "");
      t.rows.push_back(std::move(row));
    }
    l.table(t, "");
  }
  Reply r;
  r.out = render(l, o);
  return r;
}

// ---- list-services: each service domain's VCC, VSW and VDS, each title once -------------
Reply Manager::cmd_list_services(const CommandLine& c) {
  Opts o = opts_of(c);
  Reply r;
  Listing l;
  for (const Domain& d : m_.domains) {
    if (!o.names.empty() && std::find(o.names.begin(), o.names.end(), d.name) == o.names.end()) continue;
    if (d.vccs.empty() && d.vdss.empty() && d.vsws.empty() && d.vdpcss.empty()) continue;
    l.text(d.name + "\n");
    if (!d.vccs.empty()) l.table(vcc_table(*this, d, true));
    if (!d.vsws.empty()) l.table(vsw_table(*this, d, true));
    if (!d.vdss.empty()) l.table(vds_table(*this, d, true));
    if (!d.vdpcss.empty()) l.table(vdpcs_table(d));
    l.text("\n");
  }
  r.out = render(l, o);
  return r;
}

}  // namespace vfsim::ldm
