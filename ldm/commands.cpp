// The command table (with the real aliases) and the domain, resource, variable, spconfig
// and reconfiguration commands. Listings are in list.cpp, virtual I/O in commands_vio.cpp.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <map>

#include <fmt/format.h>

#include "ldm/command_table.h"
#include "ldm/manager.h"
#include "ldm/service_path.h"
#include "ldm/units.h"

namespace vfsim::ldm {

namespace {

// The usage of a subcommand as a failed Reply (its text ends the line itself).
Reply usage_of(const std::string& cmd) {
  Reply r;
  const CommandSpec* c = find_command(cmd);
  r.err = c ? command_usage(*c) : ldm_help();
  r.code = 1;
  return r;
}

}  // namespace

Reply Manager::run(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    Reply r;
    answer_locally(args, r.out, r.err, r.code);
    return r;
  }
  if (args[0] == "-V") return cmd_version();
  // The configuration is saved as JSON, which holds UTF-8 text only: a value in another
  // encoding (set-var boot-file=\xff) made every later save throw, the command's change kept.
  for (const std::string& w : args)
    if (!valid_utf8(w)) return fail(fmt::format("Invalid argument: {}: not UTF-8 text", w));
  std::string cmd = canonical_command(args[0]);
  const CommandSpec* spec = find_command(cmd);
  if (!spec) {
    Reply r;
    r.err = unknown_command(args[0]);
    r.code = 1;
    return r;
  }
  // Every word is checked against the subcommand's row before anything happens.
  CommandLine line;
  if (std::string why = parse_command_line(*spec, Args(args.begin() + 1, args.end()), line); !why.empty()) {
    Reply r;
    r.err = why;
    r.code = 1;
    return r;
  }
  const Args& rest = line.operands;
  if (!powered_ && cmd != "list-spconfig") return fail("The system is powered off: power it on with 'vfctl sp poweron'");
  bool listing = cmd.rfind("list", 0) == 0;
  bool cancel_migration = cmd == "cancel-operation" && !rest.empty() && rest[0] == "migration";
  // While a domain migrates (either side), nothing may change what the hypervisor holds on
  // this host: its MD, other domains' bindings and stops, delayed reconfiguration (seed 001).
  if (!listing && !cancel_migration)
    for (const Domain& d : m_.domains)
      if (d.migration.role != Domain::Migration::Role::None && !d.migration.error)
        return fail(fmt::format("Domain Migration of LDom {} is in progress: the operation is not permitted until it "
                                "ends (ldm list -o status {})", d.name, d.name));
  // One change at a time: a running Operation holds its domain as it found it.
  if (auto op = running_operation(); op && !listing && !cancel_migration)
    return op->refusal();
  Reply r = dispatch(line);
  if (r.pending && !listing)
    r.pending->on_finish([this](Reply& done) {
      if (done.code == 0) save();
    });
  else if (r.code == 0 && !listing)
    save();
  return r;
}

// Each row of the command table (command_table.cpp) to the Manager's handler. The table has
// checked the options, the properties and their values, and the operand count: handlers
// check what needs the configuration.
Reply Manager::dispatch(const CommandLine& c) {
  using H = Reply (*)(Manager&, const CommandLine&);
  static const std::map<std::string, H> kHandlers = {
      {"add-domain", [](Manager& m, const CommandLine& c) { return m.cmd_add_domain(c); }},
      {"set-domain", [](Manager& m, const CommandLine& c) { return m.cmd_set_domain(c); }},
      {"remove-domain", [](Manager& m, const CommandLine& c) { return m.cmd_remove_domain(c); }},
      {"bind-domain", [](Manager& m, const CommandLine& c) { return m.cmd_bind(c); }},
      {"unbind-domain", [](Manager& m, const CommandLine& c) { return m.cmd_unbind(c); }},
      {"start-domain", [](Manager& m, const CommandLine& c) { return m.cmd_start(c); }},
      {"stop-domain", [](Manager& m, const CommandLine& c) { return m.cmd_stop(c); }},
      {"panic-domain", [](Manager& m, const CommandLine& c) { return m.cmd_panic(c); }},
      {"list-domain", [](Manager& m, const CommandLine& c) { return m.cmd_list(c); }},
      {"list-bindings", [](Manager& m, const CommandLine& c) { return m.cmd_list_bindings(c); }},
      {"list-constraints", [](Manager& m, const CommandLine& c) { return m.cmd_list_constraints(c); }},
      {"list-devices", [](Manager& m, const CommandLine& c) { return m.cmd_list_devices(c); }},
      {"list-services", [](Manager& m, const CommandLine& c) { return m.cmd_list_services(c); }},
      {"list-variable", [](Manager& m, const CommandLine& c) { return m.cmd_list_variable(c.operands); }},
      {"cancel-operation", [](Manager& m, const CommandLine& c) { return m.cmd_cancel(c.operands); }},
      {"migrate-domain", [](Manager& m, const CommandLine& c) { return m.cmd_migrate(c); }},
  };
  const std::string name = c.spec->name;
  if (auto it = kHandlers.find(name); it != kHandlers.end()) return it->second(*this, c);
  const std::string verb = name.substr(0, name.find('-')), noun = name.substr(name.find('-') + 1);
  if (noun == "vcpu") return cmd_vcpu(verb, c);
  if (noun == "mau") return cmd_mau(verb, c);
  if (noun == "memory") return cmd_memory(verb, c);
  if (noun == "io") return cmd_io(verb, c);
  if (noun == "variable") return cmd_variable(verb, c.operands);
  if (noun == "spconfig") return cmd_spconfig(verb, c.operands);
  return cmd_vio(verb, noun, c);   // vcc, vds, vdsdev, vsw, vnet, vdisk, vcons
}

Reply Manager::cmd_version() {
  Reply r;
  r.out = "\nLogical Domain Manager (v 1.2)\n"
          "   Hypervisor control protocol v 1.3\n"
          "   Using Hypervisor MD v 0.1\n\n"
          "System PROM:\n"
          "   Hypervisor  v. 1.7.0.    @(#)Hypervisor 1.7.0. vfsim sun4v hypervisor\n"
          "   OpenBoot    v. 4.30.0.   @(#)OBP 4.30.0. vfsim guest runtime\n";
  return r;
}

// ---- domains ----------------------------------------------------------------------------
// The masters named in master=a,b (checked names, at most 4: the table): each must exist.
std::string Manager::masters_of(const std::string& list, const std::string& self, std::vector<std::string>& out) const {
  out.clear();
  size_t pos = 0;
  while (!list.empty()) {
    size_t c = list.find(',', pos);
    std::string m = list.substr(pos, c == std::string::npos ? std::string::npos : c - pos);
    if (m == self) return fmt::format("LDom {} cannot be its own master", self);
    if (!m_.find(m)) return fmt::format("LDom {} not found", m);
    out.push_back(m);
    if (c == std::string::npos) break;
    pos = c + 1;
  }
  return "";
}

Reply Manager::cmd_add_domain(const CommandLine& p) {
  if (p.has_value("-i")) return cmd_add_domain_xml(p.value("-i"));
  auto prop = [&](const char* k) { return p.props.count(k) ? p.props.at(k) : std::string(); };
  Reply r;
  // All or nothing: a refused name (the second of two, or a MAC the first one took) leaves
  // none of them added, as a failed command leaves the configuration (it is not saved).
  const size_t had = m_.domains.size();
  const uint64_t next_mac = m_.next_mac;
  auto refuse = [&](Reply f) {
    m_.domains.erase(m_.domains.begin() + long(had), m_.domains.end());
    m_.next_mac = next_mac;
    return f;
  };
  for (const std::string& name : p.operands) {
    if (!valid_name(name)) return refuse(fail(fmt::format("Invalid LDom name: {}", name)));
    if (m_.find(name)) return refuse(fail(fmt::format("LDom {} already exists", name)));
    if (m_.domains.size() >= kMaxDomains)
      return refuse(fail(fmt::format("The maximum number of LDoms ({}) has been reached", kMaxDomains)));
    if (other_changes_blocked(name, r)) return refuse(r);
    Domain d;
    d.name = name;
    if (p.props.count("mac-addr")) {
      if (std::string why = take_mac(prop("mac-addr"), d.mac, nullptr); !why.empty()) return refuse(fail(why));
    } else {
      d.mac = alloc_mac();
    }
    d.hostid = p.props.count("hostid") ? std::stoull(prop("hostid"), nullptr, 0) : 0x84000000ull | (d.mac & 0xffffff);
    if (p.props.count("failure-policy")) d.failure_policy = prop("failure-policy");
    if (p.props.count("master"))
      if (std::string why = masters_of(prop("master"), name, d.masters); !why.empty()) return refuse(fail(why));
    m_.domains.push_back(d);
  }
  return r;
}

Reply Manager::cmd_set_domain(const CommandLine& p) {
  auto prop = [&](const char* k) { return p.props.count(k) ? p.props.at(k) : std::string(); };
  Domain* d = m_.find(p.operands[0]);
  if (!d) return fail(fmt::format("LDom {} not found", p.operands[0]));
  // Everything is checked before anything changes: a refused set-domain leaves the domain as it was.
  Domain next = *d;
  if (p.props.count("failure-policy")) next.failure_policy = prop("failure-policy");
  if ((p.props.count("mac-addr") || p.props.count("hostid")) && d->state != State::Inactive)
    return fail(fmt::format("LDom {} must be stopped and unbound to change its MAC address or hostid", d->name));
  if (p.props.count("mac-addr"))
    if (std::string why = take_mac(prop("mac-addr"), next.mac, &d->mac); !why.empty()) return fail(why);
  if (p.props.count("hostid")) next.hostid = std::stoull(prop("hostid"), nullptr, 0);
  if (p.props.count("master"))
    if (std::string why = masters_of(prop("master"), d->name, next.masters); !why.empty()) return fail(why);
  *d = next;
  return {};
}

Reply Manager::cmd_remove_domain(const CommandLine& p) {
  std::vector<std::string> names = p.operands;
  if (p.has("-a")) {
    names.clear();
    for (const Domain& d : m_.domains)
      if (!d.control) names.push_back(d.name);
  }
  Reply r;
  // All or nothing, as add-domain: ldg1 went when `remove-domain ldg1 primary` was refused.
  std::vector<Domain> before = m_.domains;
  auto refuse = [&](Reply f) {
    m_.domains = std::move(before);
    return f;
  };
  for (const std::string& n : names) {
    Domain* d = m_.find(n);
    if (!d) return refuse(fail(fmt::format("LDom {} not found", n)));
    if (d->control) return refuse(fail(fmt::format("LDom {} is the control domain and cannot be removed", n)));
    if (d->state != State::Inactive)
      return refuse(fail(fmt::format("LDom {} must be unbound before it can be removed", n)));
    if (other_changes_blocked(n, r)) return refuse(r);
    for (const Domain& o : m_.domains) {
      bool uses = false;
      for (const Vnet& v : o.vnets) uses |= v.vsw_domain == n;
      for (const Vdpcc& c : o.vdpccs) uses |= c.service_domain == n;
      if (uses && o.name != n) return refuse(fail(fmt::format("LDom {} provides services used by LDom {}", n, o.name)));
    }
    m_.domains.erase(std::find_if(m_.domains.begin(), m_.domains.end(), [&](const Domain& x) { return x.name == n; }));
  }
  return r;
}

Reply Manager::cmd_bind(const CommandLine& p) {
  Domain* d = m_.find(p.operands[0]);
  if (!d) return fail(fmt::format("LDom {} not found", p.operands[0]));
  if (d->state == State::Bound) return fail(fmt::format("LDom {} is already bound", d->name));
  if (d->state == State::Active) return fail(fmt::format("LDom {} is active", d->name));
  Reply r;
  if (other_changes_blocked(d->name, r)) return r;
  std::string err = bind(*d);
  if (!err.empty()) return fail(err);
  return r;
}

Reply Manager::cmd_unbind(const CommandLine& p) {
  Domain* d = m_.find(p.operands[0]);
  if (!d) return fail(fmt::format("LDom {} not found", p.operands[0]));
  if (d->control) return fail("LDom primary is the control domain and cannot be unbound");
  if (d->state == State::Active) return fail(fmt::format("LDom {} must be stopped before it can be unbound", d->name));
  if (d->state == State::Inactive) return fail(fmt::format("LDom {} is not bound", d->name));
  Reply r;
  if (other_changes_blocked(d->name, r)) return r;
  unbind(*d);
  return r;
}

Reply Manager::cmd_start(const CommandLine& p) {
  std::vector<std::string> names = p.operands;
  if (p.has("-a")) {
    names.clear();
    for (const Domain& d : m_.domains)
      if (!d.control && d.state == State::Bound) names.push_back(d.name);
  }
  Reply r;
  for (const std::string& n : names) {
    Domain* d = m_.find(n);
    if (!d) return fail(fmt::format("LDom {} not found", n));
    if (d->state == State::Active) return fail(fmt::format("LDom {} is already active", n));
    if (d->state == State::Inactive) return fail(fmt::format("LDom {} must be bound before it can be started", n));
    if (host_) {
      std::string err = host_->start(*d);
      if (!err.empty()) return fail(fmt::format("LDom {} failed to start: {}", n, err));
    }
    d->state = State::Active;
    d->started_at = now();
    d->migrated = false;   // a fresh boot: CPU DR works again
    r.out += fmt::format("LDom {} started\n", n);
  }
  return r;
}

Reply Manager::cmd_stop(const CommandLine& p) {
  std::vector<std::string> names = p.operands;
  Reply r;
  if (p.has("-a")) {
    if (other_changes_blocked(m_.domains.size() > 1 ? m_.domains[1].name : "", r)) return r;
    names.clear();
    for (const Domain& d : m_.domains)
      if (!d.control && d.state == State::Active) names.push_back(d.name);
  }
  // Names are checked first: a typo stops nothing.
  for (const std::string& n : names)
    if (!m_.find(n)) return fail(fmt::format("LDom {} not found", n));
  auto op = new_operation("stop-domain " + fmt::format("{}", fmt::join(names, " ")));
  stop_from(op, r, names, 0, p.has("-f"));
  return settle(op);
}

// The domains in turn; a graceful stop waits (a step of op) and goes on with the next. A
// domain that fails to stop does not stop the others (stop-domain -a on a cluster node
// must stop every domain it can): its error is reported at the end, with exit code 1.
void Manager::stop_from(std::shared_ptr<Operation> op, Reply r, std::vector<std::string> names, size_t i, bool force) {
  auto failed = [&r](const std::string& why) {
    r.err += why + "\n";
    r.code = 1;
  };
  for (; i < names.size(); ++i) {
    const std::string& n = names[i];
    Domain* d = m_.find(n);
    if (!d) { failed(fmt::format("LDom {} not found", n)); continue; }
    if (d->control) { failed("LDom primary is the control domain: reboot it with 'vfctl reboot primary'"); continue; }
    if (d->state != State::Active) { failed(fmt::format("LDom {} is not active", n)); continue; }
    // Without -f the guest's OS is asked to shut down (Domain Services domain-shutdown) and
    // the command waits until it has stopped; a guest without the service (no OS running,
    // or one without the agent) is stopped at once. A failed request exits non-zero, so
    // scripts fall back to stop-domain -f (seed 003).
    if (host_ && !force && host_->has_domain_service(*d, "domain-shutdown")) {
      host_->shutdown_domain(*d, *op, [this, op, r, names, i, force](const std::string& err) {
        Reply rr = r;
        if (!err.empty()) {
          rr.err += err + "\n";
          rr.code = 1;
        } else {
          m_.find(names[i])->state = State::Bound;
          rr.out += fmt::format("LDom {} stopped\n", names[i]);
        }
        stop_from(op, rr, names, i + 1, force);
      });
      return;
    }
    if (host_) host_->stop(*d);
    d->state = State::Bound;
    r.out += fmt::format("LDom {} stopped\n", n);
  }
  // A failed stop-domain is not saved by run(): the domains it did stop are saved here.
  if (r.code != 0) save();
  op->finish(r);
}

// The guest panics: its OS goes down and comes back (stop, then boot again).
Reply Manager::cmd_panic(const CommandLine& p) {
  Domain* d = m_.find(p.operands[0]);
  if (!d) return fail(fmt::format("LDom {} not found", p.operands[0]));
  if (d->control) return fail("LDom primary is the control domain and cannot be panicked");
  if (d->state != State::Active) return fail(fmt::format("LDom {} is not active", d->name));
  if (host_) {
    host_->stop(*d);
    std::string err = host_->start(*d);
    if (!err.empty()) { d->state = State::Bound; return fail(err); }
  }
  d->started_at = now();
  d->migrated = false;
  return {};
}

// ---- CPUs, crypto units, memory ----------------------------------------------------------
namespace {
bool parse_count(const std::string& s, unsigned& n) {
  if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return false;
  n = unsigned(std::stoul(s));
  return true;
}
}  // namespace

// A change of a resource count: primary goes through delayed reconfiguration, an inactive
// domain just changes its constraint, a bound one is re-bound (all or nothing), an active
// guest's CPUs change live through its DR agent (vcpu_live).
// A new constraint for a guest: a bound one is bound again with it, all or nothing (on
// failure the old constraint and binding come back).
std::string Manager::change_constraint(Domain& d, const std::function<void()>& apply,
                                       const std::function<void()>& revert) {
  apply();
  if (d.state != State::Bound) return "";
  unbind(d);
  std::string err = bind(d);
  if (!err.empty()) {
    revert();
    bind(d);
  }
  return err;
}

Reply Manager::cmd_vcpu(const std::string& verb, const CommandLine& p) {
  unsigned n = 0;
  if (!parse_count(p.operands[0], n)) return usage_of(verb + "-vcpu");
  // Adding or removing none is a mistake in the script that asked, not a change: refused.
  if (n == 0 && verb != "set") return fail(fmt::format("Invalid number of vcpus: {} (at least 1 to {})", p.operands[0], verb));
  Domain* d = m_.find(p.operands[1]);
  if (!d) return fail(fmt::format("LDom {} not found", p.operands[1]));
  // -c: the number counts whole cores, and the domain gets only cores of its own.
  bool cores = p.has("-c");
  if (cores && d->control) return fail("Whole-core allocation is not supported for the control domain");
  if (cores && !d->whole_cores && d->vcpus && verb != "set")
    return fail(fmt::format("LDom {} has vcpus that are not whole cores: use set-vcpu -c", d->name));
  if (!cores && d->whole_cores && verb != "set")
    return fail(fmt::format("LDom {} has whole cores: use {}-vcpu -c", d->name, verb));
  if (cores) n *= p_.strands_per_core;
  unsigned have = d->delayed ? d->pending_vcpus : d->vcpus;
  unsigned want = verb == "add" ? have + n : verb == "set" ? n : have - std::min(have, n);
  if (verb == "remove" && n > have) return fail(fmt::format("LDom {} has only {} vcpus", d->name, have));
  if (want == 0 && d->state != State::Inactive) return fail(fmt::format("LDom {} must keep at least one vcpu", d->name));
  // The machine's real bound, for every domain: a constraint no binding can ever meet is refused
  // now (an inactive domain took add-vcpu 999999 and only failed at bind).
  if (want > p_.strands()) return fail(fmt::format("Only {} vcpus exist on this system", p_.strands()));
  if (d->control) {
    return reconfigure_control([&](Domain& x) { x.pending_vcpus = want; });
  }
  Reply r;
  if (other_changes_blocked(d->name, r)) return r;
  // Crypto units serve their own core's strands: reduce crypto before CPUs (guide).
  if (d->maus > 0 && want < d->vcpus && d->state != State::Inactive)
    return fail(fmt::format("LDom {} has crypto units bound: remove them (set-mau) before removing vcpus", d->name));
  if (d->state == State::Active) return vcpu_live(*d, want, cores);
  unsigned old = d->vcpus;
  bool old_cores = d->whole_cores;
  std::string err = change_constraint(
      *d, [&] { d->vcpus = want; d->whole_cores = cores; }, [&] { d->vcpus = old; d->whole_cores = old_cores; });
  return err.empty() ? r : fail(err);
}

// Dynamic reconfiguration of an active guest's CPUs (the guides: the domain must run the
// DR daemon drd; here its runtime's dr-cpu service). Like the real ldm, success prints
// nothing; the strands come from the lowest free ones, and the highest vCPUs leave.
Reply Manager::vcpu_live(Domain& d, unsigned want, bool cores) {
  // LDoms 1.2: CPU DR stays disabled in a migrated domain until it reboots (seed 001 era guide).
  if (d.migrated)
    return fail(fmt::format("Dynamic reconfiguration of vcpus is disabled on LDom {}: it was migrated and has not "
                            "rebooted since\nStop and start the domain before changing its vcpus", d.name));
  if (host_ && host_->suspended(d)) return fail(fmt::format("LDom {} is suspended: resume it first", d.name));
  if (!host_ || !host_->has_domain_service(d, "dr-cpu"))
    return fail(fmt::format("LDom {} does not support dynamic reconfiguration of vcpus: it does not run the DR "
                            "daemon (drd)\nStop the domain before changing its vcpus",
                            d.name));
  if (cores || d.whole_cores) return fail("Dynamic reconfiguration of whole cores is not supported");
  if (want == d.vcpus) return {};
  if (want > d.vcpus) {
    std::vector<unsigned> free = free_strands();
    if (free.size() < want - d.vcpus)
      return fail(fmt::format("Insufficient vcpus available to add to LDom {}: {} requested, {} free", d.name,
                              want - d.vcpus, free.size()));
    free.resize(want - d.vcpus);
    auto op = new_operation(fmt::format("add vcpus to {}", d.name));
    std::string name = d.name;
    host_->add_vcpus_live(d, free, *op, [this, op, name, free, want](const std::string& err) {
      if (!err.empty()) return op->finish(fail(err));
      Domain& x = *m_.find(name);
      x.strands.insert(x.strands.end(), free.begin(), free.end());
      x.vcpus = want;
      op->finish({});
    });
    return settle(op);
  }
  auto op = new_operation(fmt::format("remove vcpus from {}", d.name));
  std::string name = d.name;
  host_->remove_vcpus_live(d, d.vcpus - want, *op, [this, op, name](const std::string& err, const std::vector<unsigned>& removed) {
    Domain& x = *m_.find(name);
    for (unsigned s : removed) x.strands.erase(std::find(x.strands.begin(), x.strands.end(), s));
    x.vcpus = unsigned(x.strands.size());   // what the guest gave back, also after a partial failure
    if (!err.empty()) {
      save();
      return op->finish(fail(err));
    }
    op->finish({});
  });
  return settle(op);
}

Reply Manager::cmd_mau(const std::string& verb, const CommandLine& p) {
  unsigned n = 0;
  if (!parse_count(p.operands[0], n)) return usage_of(verb + "-mau");
  if (n == 0 && verb != "set")
    return fail(fmt::format("Invalid number of crypto units: {} (at least 1 to {})", p.operands[0], verb));
  Domain* d = m_.find(p.operands[1]);
  if (!d) return fail(fmt::format("LDom {} not found", p.operands[1]));
  unsigned have = d->delayed ? d->pending_maus : d->maus;
  if (verb == "remove" && n > have) return fail(fmt::format("LDom {} has only {} crypto units", d->name, have));
  unsigned want = verb == "add" ? have + n : verb == "set" ? n : have - n;
  unsigned units = unsigned(p_.strands() / p_.strands_per_core);   // one per core
  if (want > units) return fail(fmt::format("Only {} crypto units exist on this system", units));
  if (d->control) return reconfigure_control([&](Domain& x) { x.pending_maus = want; });
  Reply r;
  if (other_changes_blocked(d->name, r)) return r;
  if (d->state == State::Active)
    return fail(fmt::format("LDom {} is active: crypto units can only be changed while it is stopped", d->name));
  unsigned old = d->maus;
  std::string err = change_constraint(*d, [&] { d->maus = want; }, [&] { d->maus = old; });
  return err.empty() ? r : fail(err);
}

Reply Manager::cmd_memory(const std::string& verb, const CommandLine& p) {
  if (p.props.count("mblock")) {
    Domain* d = m_.find(p.operands.back());
    if (!d) return fail(fmt::format("LDom {} not found", p.operands.back()));
    return cmd_mblock(verb, *d, p.props.at("mblock"));
  }
  uint64_t bytes = 0;
  std::string unit = p.operands.size() == 3 ? p.operands[1] : "";
  if (!parse_size(p.operands[0], unit, bytes) || bytes == 0)
    return fail(fmt::format("Invalid memory size: {}{}", p.operands[0], unit));
  bytes = (bytes + 8191) & ~uint64_t(8191);   // whole 8 KB pages
  Domain* d = m_.find(p.operands.back());
  if (!d) return fail(fmt::format("LDom {} not found", p.operands.back()));
  uint64_t have = d->delayed ? d->pending_memory : d->memory;
  if (verb == "remove" && bytes > have)
    return fail(fmt::format("LDom {} has only {} of memory", d->name, format_size(have)));
  uint64_t want = verb == "add" ? have + bytes : verb == "set" ? bytes : have - bytes;
  if (verb == "add" && want < have) want = ~uint64_t(0);   // wrapped: more than any machine
  if (want > p_.memory_bytes - kSysTop)
    return fail(fmt::format("Insufficient memory available: {} requested, this system has {} for domains",
                            format_size(want), format_size(p_.memory_bytes - kSysTop)));
  if (d->control) {
    return reconfigure_control([&](Domain& x) { x.pending_memory = want; });
  }
  Reply r;
  if (other_changes_blocked(d->name, r)) return r;
  if (d->state == State::Active)
    return fail(fmt::format("LDom {} is active: memory can only be changed while it is stopped", d->name));
  // Placed memory grows or shrinks by place only; set-memory SIZE goes back to first fit.
  if (!d->mblocks.empty() && verb != "set")
    return fail(fmt::format("LDom {} has its memory placed with mblock=: use {}-memory mblock=... (or set-memory SIZE)",
                            d->name, verb == "add" ? "add" : "set"));
  uint64_t old = d->memory;
  std::vector<Mblock> old_blocks = d->mblocks;
  std::string err = change_constraint(*d, [&] { d->memory = want; d->mblocks.clear(); },
                                      [&] { d->memory = old; d->mblocks = old_blocks; });
  return err.empty() ? r : fail(err);
}

// add-memory / set-memory mblock=PA:SIZE,... (the 2.2+ syntax): the domain's memory at
// exactly these physical addresses, for NUMA placement (on a T5x40 a PA's home socket is
// fixed by the interleave: platform::Platform::home_socket). The list was checked for shape
// and 4 MB alignment by the command table; here against the machine and the other domains.
// add appends to blocks placed before (a domain with memory by size must use set).
Reply Manager::cmd_mblock(const std::string& verb, Domain& d, const std::string& list) {
  std::vector<Mblock> blocks;
  if (std::string err = parse_mblocks(list, kMemoryBlock, blocks); !err.empty()) return fail(err);
  if (d.control) return fail("mblock= is not supported for the control domain");
  Reply r;
  if (other_changes_blocked(d.name, r)) return r;
  if (d.state == State::Active)
    return fail(fmt::format("LDom {} is active: memory can only be changed while it is stopped", d.name));
  if (verb == "add" && d.memory && d.mblocks.empty())
    return fail(fmt::format("LDom {} has memory given by size: use set-memory mblock=... to place all of it", d.name));
  if (verb == "add") blocks.insert(blocks.begin(), d.mblocks.begin(), d.mblocks.end());
  if (std::string err = check_placement(blocks, d); !err.empty()) return fail(err);
  uint64_t total = 0;
  for (const Mblock& b : blocks) total += b.size;
  uint64_t old = d.memory;
  std::vector<Mblock> old_blocks = d.mblocks;
  std::string err = change_constraint(d, [&] { d.memory = total; d.mblocks = blocks; },
                                      [&] { d.memory = old; d.mblocks = old_blocks; });
  return err.empty() ? r : fail(err);
}

// A bus joins (with its options) or leaves a domain.
static void set_bus(Domain& d, const std::string& bus, bool add, bool bypass) {
  auto& b = d.io_bypass;
  b.erase(std::remove(b.begin(), b.end(), bus), b.end());
  if (add) {
    d.io.push_back(bus);
    if (bypass) b.push_back(bus);   // bypass=on: the IOMMU is bypassed (listed in OPTIONS)
  } else {
    d.io.erase(std::find(d.io.begin(), d.io.end(), bus));
  }
}

Reply Manager::cmd_io(const std::string& verb, const CommandLine& p) {
  const bool bypass = p.props.count("bypass") > 0;   // (the table accepts bypass=on only)
  std::string bus = p.operands[0];
  // pseudonyms: pci_0 / bus_a name the first root complex, and so on
  for (size_t i = 0; i < p_.pcie_roots.size(); ++i)
    if (bus == fmt::format("pci_{}", i) || bus == std::string("bus_") + char('a' + i)) bus = p_.pcie_roots[i];
  if (std::find(p_.pcie_roots.begin(), p_.pcie_roots.end(), bus) == p_.pcie_roots.end())
    return fail(fmt::format("Invalid device: {}", p.operands[0]));
  Domain* d = m_.find(p.operands[1]);
  if (!d) return fail(fmt::format("LDom {} not found", p.operands[1]));
  bool has = std::count(d->io.begin(), d->io.end(), bus) > 0;
  if (verb == "add" && has) return fail(fmt::format("Device {} is already bound to LDom {}", bus, d->name));
  if (verb == "remove" && !has) return fail(fmt::format("Device {} is not bound to LDom {}", bus, d->name));
  if (verb == "add")
    if (const Domain* o = owner_of_io(bus); o && o != d)
      return fail(fmt::format("Device {} is bound to LDom {}", bus, o->name));
  if (d->control) {
    // Buses leave and join the control domain at its reboot; the change shows at once in
    // the listings, as the guide's examples do.
    Reply r = reconfigure_control([&](Domain& x) {
      set_bus(x, bus, verb == "add", bypass);
    });
    return r;
  }
  Reply r;
  if (other_changes_blocked(d->name, r)) return r;
  if (d->state != State::Inactive)
    return fail(fmt::format("LDom {} must be inactive to change its I/O devices", d->name));
  set_bus(*d, bus, verb == "add", bypass);
  return r;
}

// ---- variables ---------------------------------------------------------------------------
Reply Manager::cmd_variable(const std::string& verb, const Args& a) {
  Domain* d = m_.find(a.back());
  if (!d) return fail(fmt::format("LDom {} not found", a.back()));
  // All or nothing: `set-var a=1 b ldg1` set a, then refused b.
  auto before = d->variables;
  auto refuse = [&](Reply f) {
    d->variables = std::move(before);
    return f;
  };
  for (size_t i = 0; i + 1 < a.size(); ++i) {
    const std::string& w = a[i];
    auto it = [&](const std::string& name) {
      return std::find_if(d->variables.begin(), d->variables.end(), [&](const auto& v) { return v.first == name; });
    };
    if (verb == "remove") {
      auto v = it(w);
      if (v == d->variables.end()) return refuse(fail(fmt::format("Variable {} not found", w)));
      d->variables.erase(v);
      continue;
    }
    size_t eq = w.find('=');
    if (eq == std::string::npos || eq == 0) return refuse(usage_of(verb + "-variable"));
    std::string name = w.substr(0, eq), value = w.substr(eq + 1);
    auto v = it(name);
    if (verb == "add" && v != d->variables.end()) return refuse(fail(fmt::format("Variable {} already exists", name)));
    if (v != d->variables.end()) v->second = value;
    else d->variables.push_back({name, value});
  }
  return {};
}

Reply Manager::cmd_list_variable(const Args& a) {
  Domain* d = m_.find(a.back());
  if (!d) return fail(fmt::format("LDom {} not found", a.back()));
  Reply r;
  if (a.size() == 1) {
    for (const auto& [k, v] : d->variables) r.out += k + "=" + v + "\n";
    return r;
  }
  for (size_t i = 0; i + 1 < a.size(); ++i) {
    auto v = std::find_if(d->variables.begin(), d->variables.end(), [&](const auto& x) { return x.first == a[i]; });
    if (v == d->variables.end()) return fail(fmt::format("Variable {} not found", a[i]));
    r.out += v->first + "=" + v->second + "\n";
  }
  return r;
}

// ---- SP configurations -------------------------------------------------------------------
Reply Manager::cmd_spconfig(const std::string& verb, const Args& a) {
  Reply r;
  if (verb == "list") {
    // factory-default first; the running one [current], or the one chosen for the next
    // power-on [next poweron].
    std::vector<std::string> names = {"factory-default"};
    for (const SpConfig& c : m_.spconfigs) names.push_back(c.name);
    for (const std::string& n : names) {
      std::string tag;
      if (!m_.next_config.empty() ? n == m_.next_config : n == m_.current_config)
        tag = !m_.next_config.empty() ? " [next poweron]" : " [current]";
      r.out += n + tag + "\n";
    }
    return r;
  }
  const std::string& name = a[0];
  auto it = std::find_if(m_.spconfigs.begin(), m_.spconfigs.end(), [&](const SpConfig& c) { return c.name == name; });
  if (verb == "add") {
    // SP configuration names may start with a digit: the LDoms 1.2 guide's list-config
    // example has one named 3guests (valid_name wants a letter first, as domain names do).
    if (name.size() > 64 || !valid_name(std::isdigit(static_cast<unsigned char>(name[0])) ? "c" + name : name))
      return fail(fmt::format("Invalid configuration name: {}", name));
    if (name == "factory-default" || it != m_.spconfigs.end())
      return fail(fmt::format("A configuration named {} already exists", name));
    if (m_.spconfigs.size() + 1 >= kMaxSpConfigs)
      return fail(fmt::format("The service processor holds at most {} configurations", kMaxSpConfigs));
    SpConfig c;
    c.name = name;
    c.domains = m_.domains;
    // A pending delayed reconfiguration is saved as it will be after the reboot.
    for (Domain& d : c.domains)
      if (d.delayed) { d.vcpus = d.pending_vcpus; d.maus = d.pending_maus; d.memory = d.pending_memory; d.delayed = false; }
    m_.spconfigs.push_back(c);
    m_.current_config = name;
    m_.next_config.clear();
    return r;
  }
  if (name != "factory-default" && it == m_.spconfigs.end())
    return fail(fmt::format("No configuration named {} exists", name));
  if (verb == "set") {
    m_.next_config = name == m_.current_config ? "" : name;
    return r;
  }
  // remove
  if (name == "factory-default") return fail("The factory-default configuration cannot be removed");
  m_.spconfigs.erase(it);
  if (m_.next_config == name) m_.next_config.clear();
  if (m_.current_config == name) m_.current_config = "factory-default";
  return r;
}

Reply Manager::cmd_migrate(const CommandLine& a) {
  if (!migrator)
    return fail("Domain migration is not available on this host: ldmd runs without a migration setup");
  return migrator->migrate(a);
}

Reply Manager::cmd_cancel_migration(const Args& a) {
  if (a.size() != 2) return usage_of("cancel-operation");
  const Domain* d = m_.find(a[1]);
  if (!d) return fail(fmt::format("LDom {} not found", a[1]));
  // (the Migrator knows a migration from its start: the role is only set once the checks pass)
  if (!migrator) return fail(fmt::format("No migration of LDom {} is in progress", a[1]));
  return migrator->cancel(a[1]);
}

Reply Manager::cmd_cancel(const Args& a) {
  if (a[0] != "reconf" && a[0] != "migration") return usage_of("cancel-operation");
  if (a[0] == "migration") return cmd_cancel_migration(a);
  Domain& p = primary();
  if (a.size() > 1 && a[1] != p.name) {
    if (!m_.find(a[1])) return fail(fmt::format("LDom {} not found", a[1]));
    return fail(fmt::format("LDom {} does not have a delayed reconfiguration in progress", a[1]));
  }
  if (!p.delayed) return fail("LDom primary does not have a delayed reconfiguration in progress");
  p.delayed = false;
  p.pending_vcpus = p.vcpus;
  p.pending_maus = p.maus;
  p.pending_memory = p.memory;
  p.io = p.io_before;   // buses added or removed during the reconfiguration go back
  p.io_bypass = p.io_bypass_before;
  return {};
}

}  // namespace vfsim::ldm
