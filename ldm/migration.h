// Domain migration between two ldmds (LDoms 1.2, seed 001; docs/migration.md): `ldm
// migrate-domain` on the source host checks, prepares, transfers and hands a domain over to
// the ldmd of the target host, which listens with --migration-listen.
//
// Threads: the network (TLS, migration_link.h) runs on worker threads, one per migration
// and per incoming connection, which never touch the manager or the machine. What they need
// of either is posted to the main loop (poll()), which runs it between slices of simulated
// time and answers through the session. The source side of a migration is an Operation
// (operation.h): the `ldm` client waits for it while ldmd serves others.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ldm/hv_host.h"
#include "ldm/manager.h"
#include "ldm/migration_link.h"
#include "ldm/migration_model.h"
#include "ldm/password.h"

namespace vfsim::ldm {

class Migrator : public Manager::MigrationService {
 public:
  struct Config {
    std::string listen;                                   // ADDR:PORT, "" = incoming migration disabled
    std::map<std::string, std::pair<std::string, uint16_t>> peers;   // --peer NAME=ADDR:PORT
    std::string auth_file;                                // users allowed in (target)
    std::string state_dir;                                // where the TLS identity lives
    link::TlsIdentity tls;                                // certificate mode (-c) when ca_file is set
    std::string fault;                                    // --migration-fault KIND@PHASE[:PERCENT]
    // --migration-compat: "1.2" refuses a domain with crypto units and more than one vCPU;
    // "2.0" (OVM Server for SPARC 2.0) takes its units away at the start and binds as many
    // as the target has free on the domain's cores at the end, possibly fewer.
    std::string compat = "1.2";
    MigrationTiming timing;
    // Live migration (docs/migration.md "Live migration"): the default mode of an active
    // domain's migration (mode=warm|live on the command line overrides it), the policy's
    // defaults (downtime=MS rounds=N converge=suspend|fail override them), and the window
    // over which `migrate-domain -n` measures the guest's dirty rate.
    bool live = false;
    LivePolicy policy;
    double sample_s = 2.0;
  };
  // Binds the listener (throws std::runtime_error when it cannot, or an option is malformed);
  // start() then serves it: after ldmd has detached, since a fork keeps no threads.
  Migrator(Manager& mgr, HvHost& host, Config c);
  ~Migrator();
  void start();

  Reply migrate(const CommandLine& c) override;   // ldm migrate-domain ...
  Reply cancel(const std::string& domain) override;               // ldm cancel-operation migration NAME
  // Main loop: run what the workers posted, move progress into the model.
  void poll();
  bool busy() const;   // a migration runs (either side): the loop should not sleep long
  // "" or why a --migration-fault value is not one (for ldmd's start-up checks).
  static std::string check_fault(const std::string& spec);

  struct Source;
  struct Batch;   // a round of memory for the source's worker to send
  struct Incoming;
  struct Fault {
    std::string kind, phase;   // cut-link|exit|out-of-memory @ checks|prepare|transfer|handoff
    unsigned percent = 0;
    bool at(const std::string& p, unsigned pct) const { return !kind.empty() && p == phase && pct >= percent; }
  };

 private:
  void post(std::function<void()> f);
  void listen_loop();
  void serve(std::shared_ptr<Incoming> in);
  // Target side, on the main thread.
  std::vector<std::string> target_check(Incoming& in);
  std::string target_install(Incoming& in);
  void target_abort(Incoming& in, const std::string& why);
  // Source side, on the main thread.
  void source_checked(std::shared_ptr<Source> s, std::vector<std::string> problems, std::string err);
  void source_checks_done(std::shared_ptr<Source> s, std::vector<std::string> problems, std::string err);
  void source_prepare(std::shared_ptr<Source> s);
  void source_capture(std::shared_ptr<Source> s);
  void source_transfer_wait(std::shared_ptr<Source> s);
  void source_finished(std::shared_ptr<Source> s, bool ok, std::string err);
  void source_fail(std::shared_ptr<Source> s, const std::string& why);
  void give_back_vcpus(std::shared_ptr<Operation> op, const std::string& name, unsigned want, Reply r);
  // migration_live.cpp: the live rounds, the capture both modes end with, the dry run's
  // prediction, the timeline.
  void source_live_start(std::shared_ptr<Source> s);
  void live_round(std::shared_ptr<Source> s);
  void live_round_done(std::shared_ptr<Source> s);
  void live_progress(Source& s, double round_fraction);
  void copy_pages(hv::Guest& g, Batch& b);
  void capture_final(std::shared_ptr<Source> s);
  void source_predict(std::shared_ptr<Source> s);
  void source_plan(std::shared_ptr<Source> s, const DirtyCurve& curve);
  std::string write_trace(const Source& s, double t_end, bool ok);   // "" or why not

  Manager& mgr_;
  HvHost& host_;
  Config cfg_;
  Fault fault_;
  std::unique_ptr<link::Listener> listener_;
  std::unique_ptr<auth::AuthFile> auth_;
  std::mutex mu_;
  std::vector<std::function<void()>> posted_;
  std::vector<std::shared_ptr<Source>> sources_;
  std::vector<std::shared_ptr<Incoming>> incoming_;
  std::map<std::string, unsigned> vcpus_before_;   // domains in the error state: their vCPUs before the prepare
  struct Threads;
  std::unique_ptr<Threads> threads_;
};

}  // namespace vfsim::ldm
