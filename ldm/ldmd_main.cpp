// ldmd: one simulated host. Owns the timed machine (SystemC cores), the hypervisor and the
// Logical Domains Manager; serves ldm and vfctl on a Unix socket between slices of
// simulated time (the socket: request_server.h; commands that wait for a guest: Operations,
// operation.h, advanced here in small steps). With --deterministic, simulated time only
// advances on `vfctl clock advance` and for running Operations, so a script's output is the
// same on every run.
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <algorithm>
#include <sstream>

#include <boost/asio.hpp>
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hv/hypervisor.h"
#include "hv/pcie_root_complex.h"
#include "sim/cmt/main_stack.h"
#include "ldm/hv_host.h"
#include "models/pci_slots.h"
#include "ldm/manager.h"
#include "ldm/manager_trace.h"
#include "ldm/migration.h"
#include "ldm/password.h"
#include "ldm/protocol.h"
#include "ldm/request_server.h"
#include "ldm/service_path.h"
#include "ldm/snapshot.h"
#include "ldm/state_file.h"
#include "ldm/state_lock.h"
#include "ldm/vfctl_commands.h"
#include "ldm/vntsd.h"
#include "sim/state/stream.h"
#include "sim/trace/trace.h"

namespace po = boost::program_options;
namespace local = boost::asio::local;
using namespace vfsim;

namespace {

volatile std::sig_atomic_t g_quit = 0;   // the signal that stops ldmd, or -1 for vfctl shutdown
void on_signal(int sig) { g_quit = sig; }

// ADDR:PORT with a numeric address and a port 1..65535 ("" when it is one, else why not).
std::string check_endpoint(const std::string& v) {
  size_t colon = v.rfind(':');
  boost::system::error_code ec;
  if (colon != std::string::npos) boost::asio::ip::make_address(v.substr(0, colon), ec);
  unsigned long port = 0;
  try {
    size_t used = 0;
    if (colon != std::string::npos) port = std::stoul(v.substr(colon + 1), &used);
    if (colon == std::string::npos || used != v.size() - colon - 1) port = 0;
  } catch (...) {
    port = 0;
  }
  return colon == std::string::npos || ec || port == 0 || port > 65535 ? "not ADDR:PORT (e.g. 127.0.0.1:8101)" : "";
}

// The migration options are checked at start-up (ldm/migration.h uses them).
std::string check_migration_options(const po::variables_map& vm) {
  if (vm.count("migration-listen")) {
    std::string why = check_endpoint(vm["migration-listen"].as<std::string>());
    if (!why.empty()) return "--migration-listen " + vm["migration-listen"].as<std::string>() + ": " + why;
  }
  if (vm.count("peer"))
    for (const std::string& p : vm["peer"].as<std::vector<std::string>>()) {
      size_t eq = p.find('=');
      std::string why = eq == std::string::npos || eq == 0 ? "not NAME=ADDR:PORT" : check_endpoint(p.substr(eq + 1));
      if (!why.empty()) return "--peer " + p + ": " + why;
    }
  if (vm.count("auth-file")) {
    ldm::auth::AuthFile users;
    if (std::string why; !ldm::auth::AuthFile::load(vm["auth-file"].as<std::string>(), users, why))
      return "--auth-file " + vm["auth-file"].as<std::string>() + ": " + why;
  }
  if (vm.count("migration-fault"))
    if (std::string why = ldm::Migrator::check_fault(vm["migration-fault"].as<std::string>()); !why.empty())
      return "--migration-fault " + vm["migration-fault"].as<std::string>() + ": " + why;
  if (vm.count("migration-cert") != vm.count("migration-key")) return "--migration-cert and --migration-key go together";
  for (const char* o : {"migration-ca", "migration-cert", "migration-key"})   // else -c fails only at migrate time
    if (vm.count(o) && !std::ifstream(vm[o].as<std::string>()))
      return std::string("--") + o + " " + vm[o].as<std::string>() + ": cannot be read";
  if (vm["migration-compat"].as<std::string>() != "1.2" && vm["migration-compat"].as<std::string>() != "2.0")
    return "--migration-compat " + vm["migration-compat"].as<std::string>() + ": 1.2 or 2.0";
  double mbit = vm["migration-link-mbit"].as<double>();
  if (!(mbit > 0 && mbit <= 1e6)) return "--migration-link-mbit must be more than 0 and at most 1000000";
  const std::string& mode = vm["migration-mode"].as<std::string>();
  if (mode != "warm" && mode != "live") return "--migration-mode " + mode + ": warm or live";
  double down = vm["migration-downtime-ms"].as<double>();
  if (!(down > 0 && down <= 600000)) return "--migration-downtime-ms must be more than 0 and at most 600000";
  unsigned rounds = vm["migration-max-rounds"].as<unsigned>();
  if (rounds < 1 || rounds > 999) return "--migration-max-rounds must be 1 to 999";
  const std::string& conv = vm["migration-converge"].as<std::string>();
  if (conv != "suspend" && conv != "fail") return "--migration-converge " + conv + ": suspend or fail";
  double sample = vm["migration-sample-ms"].as<double>();
  if (!(sample >= 50 && sample <= 60000)) return "--migration-sample-ms must be 50 to 60000";
  return "";
}

// ldmd --hash-password: one password line from stdin to the hash an --auth-file line holds.
// A pipe is read as is; on a terminal the password is not echoed.
int hash_password_command() {
  bool tty = ::isatty(STDIN_FILENO);
  termios saved{};
  if (tty && ::tcgetattr(STDIN_FILENO, &saved) == 0) {
    termios quiet = saved;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    std::cerr << "Password: " << std::flush;
  } else {
    tty = false;
  }
  std::string password;
  std::getline(std::cin, password);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << "\n";
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) {
    std::cerr << "ldmd: --hash-password: an empty password is refused\n";
    return 2;
  }
  std::cout << ldm::auth::hash_password(password) << "\n";
  return 0;
}

// vfctl's view of the running machine (vfctl_commands.h): the hypervisor and SystemC's clock.
struct HvMachine : ldm::VfctlMachine {
  ldm::Manager& mgr;
  ldm::HvHost& host;
  HvMachine(ldm::Manager& m, ldm::HvHost& h) : mgr(m), host(h) {}
  bool bound(const std::string& d) override { return host.hypervisor().find_guest(d) != nullptr; }
  std::string console_read(const std::string& d, uint64_t from) override { return host.vcc().read(d, from); }
  void console_type(const std::string& d, const std::string& text) override {
    if (hv::Guest* g = host.hypervisor().find_guest(d)) host.vcc().type(host.hypervisor(), *g, text);
  }
  void advance(const ldm::Duration& d) override {
    using U = ldm::Duration::Unit;
    // (in the unit given, so that 10ms is exactly 10 ms of SystemC time)
    sc_core::sc_time t = d.unit == U::Ns ? sc_core::sc_time(d.value, sc_core::SC_NS)
                         : d.unit == U::Us ? sc_core::sc_time(d.value, sc_core::SC_US)
                         : d.unit == U::Ms ? sc_core::sc_time(d.value, sc_core::SC_MS)
                         : d.unit == U::Min ? sc_core::sc_time(d.value * 60, sc_core::SC_SEC)
                                            : sc_core::sc_time(d.value, sc_core::SC_SEC);
    vfsim::cmt::sc_start_main(t);
  }
  std::string time_stamp() override { return sc_core::sc_time_stamp().to_string(); }
  void guest_clock(const std::string& d, uint64_t& stick, uint64_t& tod) override {
    hv::Guest* g = host.hypervisor().find_guest(d);
    stick = host.hypervisor().guest_time(*g);
    tod = host.hypervisor().guest_tod(*g);
  }
  uint32_t memory_checksum(const std::string& d, uint64_t& pages) override {
    return host.hypervisor().memory_checksum(*host.hypervisor().find_guest(d), &pages);
  }
  const std::string& service_root() const override { return host.service_root(); }
  std::string snapshot(const std::string& file) override {
    ldm::SnapshotInfo i = ldm::save_snapshot(file, mgr, host);
    return fmt::format("Snapshot {}: {} domain(s), {:.1f} MB of guest memory touched, {:.1f} MB written in {:.2f} s "
                       "at simulated time {}\n",
                       file, i.guests, double(i.pages) * 8192 / (1 << 20), double(i.bytes) / (1 << 20), i.wall_seconds,
                       sc_core::sc_time_stamp().to_string());
  }
  void shutdown() override { g_quit = -1; }
  std::string pcie_status() override { return hv::pcie_table(host.hypervisor()); }
  bool stats(ldm::StatsSample& s) override {
    s = host.sample_stats(mgr.model(), std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return true;
  }
  const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::map<std::string, std::map<std::string, uint64_t>> device_channels() override { return host.device_channels(); }
};
}  // namespace

int sc_main(int argc, char** argv) {
  po::options_description opts("Usage: ldmd [options]\nOptions");
  opts.add_options()
      ("help,h", "show this help")
      ("platform", po::value<std::string>()->default_value("T5240"), "T5120, T5220, T5140, T5240, T5440 or a platform file")
      ("hostname", po::value<std::string>()->default_value("vfsim"), "this host's name")
      ("state-dir", po::value<std::string>()->default_value("/var/tmp/vfsim-ldmd"), "where the configuration and the SP's saved configurations live")
      ("service-root", po::value<std::string>(), "the service domain's file system: a vdsdev backend /PATH is the host file DIR/PATH (default: STATE-DIR/service-root; '/' for the host's own paths)")
      ("vsw-pcap", po::value<std::string>()->default_value(""), "DIR: every virtual switch writes the frames it switches to DIR/<vsw name>.pcap (for tshark -r)")
      ("socket", po::value<std::string>(), "the Unix socket ldm and vfctl connect to (default: $LDMD_SOCKET or /tmp/vfsim-ldmd.sock)")
      ("image", po::value<std::string>(), "the image domains boot (default: the guest runtime, build/firmware/vfsim-runtime)")
      ("migration-listen", po::value<std::string>(), "ADDR:PORT to accept migrations on (TLS); without it incoming migration is disabled")
      ("peer", po::value<std::vector<std::string>>(), "NAME=ADDR:PORT: how a target host name resolves (repeatable)")
      ("auth-file", po::value<std::string>(), "users allowed to migrate in: USER:HASH lines, the hash from --hash-password (checked at start-up)")
      ("hash-password", "read a password line from stdin, print its hash for --auth-file, and exit")
      ("migration-ca", po::value<std::string>(), "certificate mode (migrate-domain -c): the CA both ldmds' certificates are signed by")
      ("migration-cert", po::value<std::string>(), "this ldmd's migration certificate (default: a self-signed one made in STATE-DIR)")
      ("migration-key", po::value<std::string>(), "the key of --migration-cert")
      ("migration-compat", po::value<std::string>()->default_value("1.2"), "1.2: a domain with crypto units and more than one vCPU cannot migrate; 2.0: its units are taken away at the start and bound again on the target, as many as are free")
      ("migration-link-mbit", po::value<double>()->default_value(1000), "the network between the control domains, in Mbit/s, for the simulated transfer time")
      ("migration-mode", po::value<std::string>()->default_value("warm"), "how an active domain migrates unless mode= says: warm (LDoms 1.2: suspended for the whole copy) or live (pre-copy rounds while it runs)")
      ("migration-downtime-ms", po::value<double>()->default_value(300), "live: suspend once the rest fits this many ms at the link's rate (downtime=)")
      ("migration-max-rounds", po::value<unsigned>()->default_value(5), "live: at most this many rounds while the guest runs, round 0 included (rounds=)")
      ("migration-converge", po::value<std::string>()->default_value("suspend"), "live, when it cannot converge: suspend (and send the rest) or fail (the guest runs on) (converge=)")
      ("migration-sample-ms", po::value<double>()->default_value(2000), "migrate-domain -n measures the guest's dirty rate over as much simulated time as round 0 would take, at most this")
      ("migration-fault", po::value<std::string>(), "tests only: KIND@PHASE[:PERCENT], KIND cut-link or hold (source), exit or out-of-memory (target), PHASE checks, prepare, transfer or handoff, or round:K (a live migration's round K, source)")
      ("deterministic", "simulated time advances only with 'vfctl clock advance'")
      ("xml-interface", "serve the LDoms XML interface's requests on the socket ('vfctl xml FILE'; docs/ldm.md section 9)")
      ("restore", po::value<std::string>(), "start from a snapshot FILE (vfctl snapshot save): its domains, memory, configuration and simulated time")
      ("pci-disk", po::value<std::vector<std::string>>(), "BUS=FILE: an NVMe disk whose namespace is the host FILE, behind PCIe root complex BUS, e.g. pci@500=/var/tmp/disk.img (repeatable; docs/pcie.md)")
      ("trace", po::value<std::vector<std::string>>(), vfsim::trace::option_help())
      ("trace-file", po::value<std::vector<std::string>>(), "a trace output: FILE.json (Perfetto), FILE.vcd, FILE or - (text); repeatable; vfctl trace changes it at run time (docs/tracing.md)")
      ("hv-trace", po::value<std::string>(), "the same as --trace hv-trace --trace-file FILE: hypercalls, LDC packets, VIO messages, console and device events as text")
      ("slice-ms", po::value<double>()->default_value(1.0), "longest simulated time run between two looks at the socket")
      ("response-ms", po::value<double>()->default_value(5.0), "host time a slice may take: slices shrink on a busy machine so ldm stays responsive")
      ("client-deadline", po::value<double>()->default_value(5.0), "wall seconds a client has to send its request, and to read its reply, before it is dropped")
      ("foreground", "stay in the foreground (default: detach once the socket is ready)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "ldmd: " << e.what() << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << opts;
    return 0;
  }
  if (vm.count("trace")) {
    const auto& specs = vm["trace"].as<std::vector<std::string>>();
    if (std::find(specs.begin(), specs.end(), "help") != specs.end()) {
      std::cout << vfsim::trace::categories_help();
      return 0;
    }
  }
  if (vm.count("hash-password")) return hash_password_command();
  // (the host name is saved in the configuration, JSON: like ldm's arguments, UTF-8 only)
  if (!ldm::valid_utf8(vm["hostname"].as<std::string>())) {
    std::cerr << "ldmd: --hostname " << vm["hostname"].as<std::string>() << ": not UTF-8 text\n";
    return 2;
  }
  if (std::string why = check_migration_options(vm); !why.empty()) {
    std::cerr << "ldmd: " << why << "\n";
    return 2;
  }
  std::string sock = vm.count("socket") ? vm["socket"].as<std::string>() : ldm::socket_path();
  std::string exe = argv[0];
  std::string dir = exe.rfind('/') == std::string::npos ? "." : exe.substr(0, exe.rfind('/'));
  std::string image = vm.count("image") ? vm["image"].as<std::string>() : dir + "/../firmware/vfsim-runtime";
  std::string state_dir = vm["state-dir"].as<std::string>();
  ldm::ServerLimits limits;
  limits.deadline_s = vm["client-deadline"].as<double>();
  if (!(limits.deadline_s > 0)) {
    std::cerr << "ldmd: --client-deadline must be a positive number of seconds\n";
    return 2;
  }
  // A client's write to a connection ldmd has closed must not kill it, nor a console's.
  std::signal(SIGPIPE, SIG_IGN);
  boost::asio::io_context io;
  // A socket left by a dead ldmd is removed; a live one means another ldmd runs here.
  {
    local::stream_protocol::socket probe(io);
    boost::system::error_code ec;
    probe.connect(local::stream_protocol::endpoint(sock), ec);
    if (!ec) {
      ucred cred{};
      socklen_t len = sizeof cred;
      if (::getsockopt(probe.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid != ::geteuid())
        std::cerr << "ldmd: " << sock << " is held by a process of user " << cred.uid
                  << ", not by an ldmd of this user: choose another --socket\n";
      else
        std::cerr << "ldmd: another ldmd is already running on " << sock << "\n";
      return 1;
    }
  }
  // One ldmd per state directory, before anything in it is read or written.
  ldm::StateLock lock;
  try {
    std::filesystem::create_directories(state_dir);
  } catch (const std::exception& e) {
    std::cerr << "ldmd: cannot make the state directory " << state_dir << ": " << e.what() << "\n";
    return 2;
  }
  if (std::string why; !lock.acquire(state_dir, why)) {
    std::cerr << "ldmd: " << why << "\n";
    return 1;
  }
  try {
    // A snapshot is checked whole (every section's CRC) before anything starts.
    std::unique_ptr<ldm::SnapshotFile> snap;
    if (vm.count("restore")) snap = std::make_unique<ldm::SnapshotFile>(vm["restore"].as<std::string>());
    platform::Platform p = platform::load_platform(vm["platform"].as<std::string>());
    if (snap && snap->platform() != p.name) {
      std::cerr << "ldmd: " << vm["restore"].as<std::string>() << " was saved on a " << snap->platform()
                << " and this host is a " << p.name << " (use --platform " << snap->platform() << ")\n";
      return 2;
    }
    cmt::BareMachine machine("machine", p);
    hv::Hypervisor hyp(machine);
    if (vm.count("pci-disk"))
      if (std::string why = models::attach_pci_disks(hyp, vm["pci-disk"].as<std::vector<std::string>>()); !why.empty()) {
        std::cerr << "ldmd: " << why << "\n";
        return 2;
      }
    {
      using Strings = std::vector<std::string>;
      std::string why;
      Strings specs = vm.count("trace") ? vm["trace"].as<Strings>() : Strings{};
      Strings files = vm.count("trace-file") ? vm["trace-file"].as<Strings>() : Strings{};
      // A detached ldmd has no stderr: its text trace goes to the state directory.
      if (!specs.empty() && files.empty() && !vm.count("hv-trace")) files.push_back(state_dir + "/trace.txt");
      if (!vfsim::trace::configure(specs, files,
                                   vm.count("hv-trace") ? vm["hv-trace"].as<std::string>() : "", why)) {
        std::cerr << "ldmd: " << why << "\n";
        return 2;
      }
    }
    std::string root = vm.count("service-root") ? vm["service-root"].as<std::string>() : state_dir + "/service-root";
    while (!root.empty() && root.back() == '/') root.pop_back();   // "/": the host's own paths
    ldm::HvHost host(hyp, image, root);
    host.pcap_dir = vm["vsw-pcap"].as<std::string>();
    // A state file that does not load ends here (StateError, exit 2), untouched.
    if (snap) host.preset_device_channels(snap->channels());
    ldm::Manager mgr(p, &host, state_dir, vm["hostname"].as<std::string>(), snap ? &snap->model() : nullptr);
    if (snap) {
      snap->restore(mgr, host);
      snap.reset();   // the file's bytes are not needed any more
    }
    ldm::ConsoleServer consoles(io, hyp, host.vcc());
    mgr.console_port_free = [&consoles](int port) { return consoles.port_free(port); };
    mgr.xml_interface = vm.count("xml-interface") > 0;
    ldm::Migrator::Config mc;
    if (vm.count("migration-listen")) mc.listen = vm["migration-listen"].as<std::string>();
    if (vm.count("peer"))
      for (const std::string& peer : vm["peer"].as<std::vector<std::string>>()) {
        std::string name = peer.substr(0, peer.find('=')), ep = peer.substr(peer.find('=') + 1);
        mc.peers[name] = {ep.substr(0, ep.rfind(':')), uint16_t(std::stoul(ep.substr(ep.rfind(':') + 1)))};
      }
    if (vm.count("auth-file")) mc.auth_file = vm["auth-file"].as<std::string>();
    if (vm.count("migration-ca")) mc.tls.ca_file = vm["migration-ca"].as<std::string>();
    if (vm.count("migration-cert")) {
      mc.tls.cert_file = vm["migration-cert"].as<std::string>();
      mc.tls.key_file = vm["migration-key"].as<std::string>();
    }
    if (vm.count("migration-fault")) mc.fault = vm["migration-fault"].as<std::string>();
    mc.timing.link_mbit_s = vm["migration-link-mbit"].as<double>();
    mc.compat = vm["migration-compat"].as<std::string>();
    mc.live = vm["migration-mode"].as<std::string>() == "live";
    mc.policy.downtime_limit_s = vm["migration-downtime-ms"].as<double>() / 1e3;
    mc.policy.max_rounds = vm["migration-max-rounds"].as<unsigned>();
    mc.policy.no_converge = vm["migration-converge"].as<std::string>() == "fail" ? ldm::LivePolicy::OnNoConverge::Fail
                                                                                  : ldm::LivePolicy::OnNoConverge::Suspend;
    mc.sample_s = vm["migration-sample-ms"].as<double>() / 1e3;
    mc.state_dir = state_dir;
    ldm::Migrator migrator(mgr, host, mc);
    mgr.migrator = &migrator;
    HvMachine machine_view(mgr, host);
    ldm::VfctlCommands vfctl(mgr, machine_view);
    const bool deterministic = vm.count("deterministic") > 0;
    // Commands still running (graceful stops, live DR): advanced below, between polls.
    std::vector<std::shared_ptr<ldm::Operation>> ops;
    ldm::ManagerTrace tracing;   // domain states and commands (categories domain, ldm)
    ldm::RequestServer server(
        sock,
        [&](const std::string& tool, const std::vector<std::string>& args) {
          ldm::Reply r = ldm::handle_request(mgr, vfctl, tool, args);
          tracing.domain_states(mgr.model(), &host);
          tracing.command(tool, args, r);
          if (r.pending && !r.pending->done()) ops.push_back(r.pending);
          return r;
        },
        limits);
    if (!vm.count("foreground")) {
      if (::daemon(1, 0) != 0) {
        std::perror("ldmd: daemon");
        return 1;
      }
      lock.record_pid();   // the daemon's pid, not its parent's
    }
    migrator.start();   // (threads only now: the fork above keeps none)
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    // The slice adapts: a machine full of busy strands simulates slowly, and a 1 ms slice
    // could keep ldm waiting for seconds; each slice should take about response-ms of host time.
    const double max_slice = vm["slice-ms"].as<double>() * 1e-3, response = vm["response-ms"].as<double>() * 1e-3;
    double slice = max_slice;
    vfsim::cmt::sc_start_main(sc_core::SC_ZERO_TIME);   // elaborate: cores start, strands wait
    // Free-running, simulated time never runs ahead of the wall clock (so UPTIME reads like
    // a real machine's); a heavily loaded machine simply runs slower than real time.
    auto wall0 = std::chrono::steady_clock::now();
    double sim0 = sc_core::sc_time_stamp().to_seconds();
    while (!g_quit) {
      bool active = false;
      for (const ldm::Domain& dom : mgr.model().domains) active |= !dom.control && dom.state == ldm::State::Active;
      // Run a slice of simulated time while guests are active (not in deterministic mode);
      // otherwise wait for a client.
      double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
      bool behind = sc_core::sc_time_stamp().to_seconds() - sim0 < wall;
      bool stepping = std::any_of(ops.begin(), ops.end(), [](const auto& op) { return op->step_seconds() > 0; });
      int wait_ms = stepping ? 0 : (!deterministic && active) ? (behind ? 0 : 5) : migrator.busy() || !ops.empty() ? 2 : 50;
      consoles.poll(mgr.model());
      server.poll(wait_ms);   // accepts, reads, runs requests, writes: never blocks on a client
      vfsim::trace::sync();   // trace events every core has passed go out now
      migrator.poll();        // what the migration threads need of the host
      tracing.domain_states(mgr.model(), &host);   // (guests that stopped, migrations, Operations)
      ops.erase(std::remove_if(ops.begin(), ops.end(), [](const auto& op) { return op->done(); }), ops.end());
      // An Operation waiting for a guest runs simulated time in its small steps, in both
      // modes, exactly as the command used to run it itself; then the Operations look. One
      // waiting only for the network (a migration's peer) runs none: its simulated
      // durations are modelled, not the host's wall time.
      double step = 0;
      for (const auto& op : ops) step = std::max(step, op->step_seconds());   // (migration waits in coarser steps)
      for (const auto& op : ops)
        if (op->step_seconds() == 0) op->pump();
      if (step > 0) {
        vfsim::cmt::sc_start_main(sc_core::sc_time(step, sc_core::SC_SEC));
        for (const auto& op : ops) op->pump();
      } else if (!deterministic && active && behind) {
        auto t0 = std::chrono::steady_clock::now();
        vfsim::cmt::sc_start_main(sc_core::sc_time(slice, sc_core::SC_SEC));
        double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (took > response) slice = std::max(slice / 2, 1e-7);
        else if (took < response / 2) slice = std::min(slice * 2, max_slice);
        mgr.poll();
      } else if (!deterministic && !active) {
        // Idle machine: simulated time follows the wall clock in one step.
        double lag = wall - (sc_core::sc_time_stamp().to_seconds() - sim0);
        if (lag > 0) vfsim::cmt::sc_start_main(sc_core::sc_time(lag, sc_core::SC_SEC));
      }
    }
    if (g_quit > 0) std::cerr << "ldmd: stopping on signal " << g_quit << " (" << strsignal(g_quit) << ")\n";
    else std::cerr << "ldmd: stopping (vfctl shutdown)\n";
    for (const auto& op : ops) op->cancel("ldmd is stopping");
    server.flush(1.0);   // `vfctl shutdown` gets its answer, waiting clients theirs
    tracing.close_all();      // the states domains are left in, commands cut short: their slices end
    vfsim::trace::finish();   // complete the trace outputs (JSON's closing bracket, VCD's header)
    return 0;
  } catch (const platform::PlatformError& e) {
    std::cerr << "ldmd: " << e.what() << "\n";
    return 2;
  } catch (const ldm::StateError& e) {
    std::cerr << "ldmd: " << e.what() << "\n";
    return 2;
  } catch (const state::StateError& e) {
    std::cerr << "ldmd: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ldmd: " << e.what() << "\n";
    return 1;
  }
}

int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
