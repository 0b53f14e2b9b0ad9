// The Logical Domains Manager: ldm's subcommands on the model, the binder that gives bound
// domains their strands, memory, crypto units, buses and console ports, the state machine,
// delayed reconfiguration of the control domain, and the SP configurations. ldmd wraps it in
// a socket server; tests drive it directly. Messages follow the real ldm
// (../shared/reference/ldm-cli-reference.md); docs/ldm.md lists them.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ldm/command_table.h"
#include "ldm/domain_host.h"
#include "ldm/model.h"
#include "ldm/operation.h"
#include "sim/platform/platform.h"

namespace vfsim::ldm {


// Memory the hypervisor keeps for itself, listed as _sys_ (the layout real T5x40s show).
struct SysRange { uint64_t pa, size; };
const std::vector<SysRange>& sys_memory();
constexpr uint64_t kSysTop = 0xe000000;        // the control domain's memory starts here
constexpr uint64_t kRaBase = 0x8000000;        // guests' first real address
constexpr unsigned kMaxDomains = 128;          // T2 Plus
constexpr unsigned kMaxSpConfigs = 8;          // factory-default included [R]
constexpr uint64_t kMacBase = 0x00144ff80000ull;   // automatic MACs: 00:14:4f:f8:00:00 ...

class Manager {
 public:
  // state_dir: where the configuration lives (empty: nothing persisted).
  // restored: a snapshot's model (ldm/snapshot.h): its bound and active domains are bound
  // again without booting (the snapshot brings their running state); it replaces the
  // configuration in state_dir once the caller saves it (after the restore succeeded).
  // Throws StateError when one cannot be bound.
  Manager(const platform::Platform& p, DomainHost* host, std::string state_dir, std::string hostname,
          const Model* restored = nullptr);

  // One ldm command line (the words after "ldm"). A command that waits for a guest returns
  // a Reply with `pending` set: its Operation (operation.h) gives the final Reply.
  Reply run(const std::vector<std::string>& args);
  // The Operation still running (nullptr when none): while it runs, commands that change
  // anything are refused (listings are served).
  std::shared_ptr<Operation> running_operation() const;
  // vfctl: reboot the control domain (applies a delayed reconfiguration); power the SP's
  // machine off and on with the configuration chosen for the next power-on.
  Reply reboot_control();
  Reply poweroff();
  Reply poweron();
  Reply bootmode(const std::string& config);
  // vfctl suspend / resume (commands_suspend.cpp), debugging aids for migration: ask an
  // active guest to suspend (DomainHost::suspend_domain; the reply may be pending), or let a
  // suspended one return from its suspend call.
  Reply suspend_domain(const std::string& name);
  Reply resume_domain(const std::string& name);
  // Domains whose guest stopped by itself go back to bound (called by ldmd as time passes).
  void poll();

  Model& model() { return m_; }
  const Model& model() const { return m_; }
  const platform::Platform& platform() const { return p_; }
  bool powered_on() const { return powered_; }
  // Write the configuration to the state directory (atomically; nothing without one).
  void save();
  // Whether a console port can be listened on (ldmd asks its console server). A bind skips
  // ports another process holds and refuses one set with set-vcons that is held, so nobody
  // else hears what is typed to a guest. Unset: every port is free (tests without sockets).
  std::function<bool(int)> console_port_free;
  // Domain migration (ldm/migration.h): ldmd's, when it can migrate; else migrate-domain says
  // it cannot.
  struct MigrationService {
    virtual ~MigrationService() = default;
    virtual Reply migrate(const CommandLine& c) = 0;   // ldm migrate-domain ..., checked by the table
    virtual Reply cancel(const std::string& domain) = 0;               // cancel-operation migration NAME
  };
  MigrationService* migrator = nullptr;
  // ldmd --xml-interface: LDM_interface requests are served (xml_interface.h).
  bool xml_interface = false;

  // Free resources (for listings and binding).
  std::vector<unsigned> free_strands() const;
  std::vector<SysRange> free_memory() const;   // PA ranges nobody holds
  std::vector<unsigned> free_mau_cores() const;
  const Domain* owner_of_strand(unsigned strand) const;
  const Domain* owner_of_io(const std::string& bus) const;
  const Domain* owner_of_mau(unsigned core) const;

 private:
  friend class Migrator;
  using Args = std::vector<std::string>;
  Reply dispatch(const CommandLine& c);
  void factory_default();
  // The control domain's bindings for these constraints (as it boots with them).
  void fit_control(Domain& p, unsigned vcpus, uint64_t memory, unsigned maus);
  // "" or the error. layout: the real-address blocks a migrated domain must keep (ldm/migration.h).
  std::string bind(Domain& d, const std::vector<MemRange>* layout = nullptr);
  void unbind(Domain& d);
  void load();
  // A command that may wait for guests: an Operation on the simulated clock.
  std::shared_ptr<Operation> new_operation(const std::string& what);
  // The reply of a command that ran `op`: op's own when it is already done, else pending.
  Reply settle(const std::shared_ptr<Operation>& op);
  // stop-domain's loop over its domains from the i-th, going on when a graceful stop ends.
  void stop_from(std::shared_ptr<Operation> op, Reply r, std::vector<std::string> names, size_t i, bool force);
  double now() const { return host_ ? host_->now_seconds() : 0; }
  uint64_t alloc_mac();
  std::string take_mac(const std::string& text, uint64_t& mac, const uint64_t* self) const;
  Domain& primary() { return m_.domains.front(); }
  // The named domains (all of them when none is named); false and the error if one is unknown.
  bool select(const std::vector<std::string>& names, std::vector<const Domain*>& out, Reply& err) const;

  // Commands (commands_*.cpp).
  Reply cmd_add_domain(const CommandLine& c);
  Reply cmd_add_domain_xml(const std::string& xml);   // add-domain -i (commands_xml.cpp)
  std::string masters_of(const std::string& list, const std::string& self, std::vector<std::string>& out) const;
  Reply cmd_set_domain(const CommandLine& c);
  Reply cmd_remove_domain(const CommandLine& c);
  Reply cmd_bind(const CommandLine& c);
  Reply cmd_unbind(const CommandLine& c);
  Reply cmd_start(const CommandLine& c);
  Reply cmd_stop(const CommandLine& c);
  Reply cmd_panic(const CommandLine& c);
  Reply cmd_vcpu(const std::string& verb, const CommandLine& c);
  Reply vcpu_live(Domain& d, unsigned want, bool cores);   // may be pending
  Reply cmd_mau(const std::string& verb, const CommandLine& c);
  Reply cmd_memory(const std::string& verb, const CommandLine& c);
  Reply cmd_mblock(const std::string& verb, Domain& d, const std::string& list);   // add/set-memory mblock=
  // "" or why `blocks` cannot be d's memory: outside the platform's memory, in the
  // hypervisor's, overlapping each other or memory another domain holds or has placed.
  std::string check_placement(const std::vector<Mblock>& blocks, const Domain& d) const;
  Reply cmd_io(const std::string& verb, const CommandLine& c);
  Reply cmd_variable(const std::string& verb, const Args& a);
  Reply cmd_list_variable(const Args& a);
  Reply cmd_spconfig(const std::string& verb, const Args& a);
  Reply cmd_cancel(const Args& a);
  Reply cmd_migrate(const CommandLine& c);     // migration.cpp
  Reply cmd_cancel_migration(const Args& a);   // migration.cpp
  Reply cmd_vio(const std::string& verb, const std::string& noun, const CommandLine& c);
  Reply cmd_list(const CommandLine& c);
  Reply cmd_list_bindings(const CommandLine& c);
  Reply cmd_list_constraints(const CommandLine& c);
  Reply cmd_list_devices(const CommandLine& c);
  Reply cmd_list_services(const CommandLine& c);
  Reply cmd_version();

  std::string change_constraint(Domain& d, const std::function<void()>& apply, const std::function<void()>& revert);
  // Delayed reconfiguration: changing the control domain's resources.
  Reply reconfigure_control(const std::function<void(Domain&)>& change);
  std::string delayed_notice() const;
  bool other_changes_blocked(const std::string& domain, Reply& r) const;
  Reply apply_vio_change(Domain& d, Reply r, const std::function<void()>& undo);

  const platform::Platform& p_;
  DomainHost* host_;
  std::string state_dir_;
  Model m_;
  bool powered_ = true;
  std::weak_ptr<Operation> op_;   // the one running, if any
};

}  // namespace vfsim::ldm
