// libFuzzer target: requests to ldmd as its socket receives them, through ldmd's own
// decoding (ldm/protocol.h: decode_request) and its own handler (ldm/vfctl_commands.h:
// handle_request: ldm's words to the Manager, vfctl's to VfctlCommands) on a T5240.
//
// The input is up to 64 requests, one per line ('\n' ends each, as on the socket). A line
// that decode_request takes is that request; any other line is split at NUL bytes into
// TOOL, ARG... ("ldm\0add-domain\0ldg1"): arguments hold any byte but '\n'. (ldmd refuses
// a line over kMaxRequestBytes, 1 MB, before decoding it; inputs here are at most 8 KB.)
// Each input starts from factory-default in an empty state directory, with a fake machine: the
// DomainHost binds and starts whatever the binder chose, and a guest answers its Domain
// Services at once when its name ends in a digit (ldg1), never otherwise (the other paths);
// vfctl's machine (consoles, clock, checksums) is a map. The state directory and the service
// root (vfctl mkfile's files) are in a temporary directory, a new one every 1000 inputs.
//
// Oracles besides ASan/UBSan, each an abort naming the request:
//   - decode_request never throws; what it takes re-encodes (encode_request) to a line it
//     decodes to the same tool and argv, and so does every NUL-split request (bytes 0x80-0xff
//     and NULs included);
//   - no exception leaves the handler (ldmd would answer "ldmd: internal error"), and no reply
//     says "ldmd: internal error" (an Operation that caught one);
//   - the reply: code 0..255, a non-zero code with a non-empty error message; encode_reply and
//     decode_reply give back the same out, err and code;
//   - a failing command leaves the model as it was (model_to_json, the state file's text),
//     but for the domains' states after start-, stop- and panic-domain (those act on the
//     machine domain by domain: the ones before the failure did start or stop);
//   - after the input, a Manager started on the state directory has the same model, unless
//     the chassis was left powered off (the configuration survives an ldmd restart);
//   - nothing but the state directory and the service root appears in the temporary
//     directory (mkfile's paths stay inside the service root; state files in the state dir).
// Not reached: migrate-domain's own parsing (Migrator needs the machine and the network: the
// Manager here has none, and says so), what the real machine does (HvHost), and snapshot
// save's file (the fake writes none; ldmd's goes where the user says).
//
// VFSIM_FUZZ_WRITE_SEED=DIR: write valid request sequences (docs/ldm.md's command set) to DIR
// and exit. VFSIM_FUZZ_VERBOSE=1: print each request with its reply.
#include "tests/fuzz/fuzz_seed.h"
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ldm/manager.h"
#include "ldm/protocol.h"
#include "ldm/state_file.h"
#include "ldm/vfctl_commands.h"
#include "sim/platform/platform.h"

namespace fs = std::filesystem;
using namespace vfsim;

// libsystemc (linked for vfctl trace's clock) wants the program's sc_main; libFuzzer provides
// main and nothing starts SystemC.
extern "C" int sc_main(int, char**) { return 0; }
using namespace vfsim::ldm;

namespace {

std::string printable(const std::string& tool, const std::vector<std::string>& argv) {
  std::string s = tool;
  for (const std::string& a : argv) {
    s += " '";
    for (unsigned char c : a) {
      if (c >= 0x20 && c < 0x7f && c != '\\') s += char(c);
      else s += "\\x" + std::string(1, "0123456789abcdef"[c >> 4]) + "0123456789abcdef"[c & 15];
    }
    s += "'";
  }
  return s;
}

std::string g_request;   // the request running, for reports
bool g_verbose = false;  // VFSIM_FUZZ_VERBOSE=1: each request and its reply on stderr (seeds)

void remove_dir();

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_ldm_request: %s\n  request: %s\n", what.c_str(), g_request.c_str());
  remove_dir();   // (abort runs no atexit handler)
  std::abort();
}

// The machine under the Manager: binds and starts whatever it is given.
struct FakeHost : DomainHost {
  std::set<std::string> bound, running_;
  double t = 0;
  std::string bind(const Domain& d, const Model&) override {
    bound.insert(d.name);
    return "";
  }
  void unbind(const Domain& d) override { bound.erase(d.name); }
  std::string start(const Domain& d) override {
    running_.insert(d.name);
    return "";
  }
  void stop(const Domain& d) override { running_.erase(d.name); }
  bool running(const Domain& d) override { return running_.count(d.name) > 0; }
  double utilization(const Domain&) override { return 12.5; }
  double now_seconds() override { return t; }
  static bool agent(const Domain& d) { return !d.name.empty() && d.name.back() >= '0' && d.name.back() <= '9'; }
  bool has_domain_service(const Domain& d, const std::string&) override { return agent(d); }
  void shutdown_domain(const Domain& d, Operation& op, Done done) override {
    if (!agent(d)) return DomainHost::shutdown_domain(d, op, done);
    running_.erase(d.name);
    done("");
  }
  void add_vcpus_live(const Domain& d, const std::vector<unsigned>& s, Operation& op, Done done) override {
    if (!agent(d)) return DomainHost::add_vcpus_live(d, s, op, done);
    done("");
  }
  void remove_vcpus_live(const Domain& d, unsigned count, Operation& op,
                         std::function<void(const std::string&, const std::vector<unsigned>&)> done) override {
    if (!agent(d)) return DomainHost::remove_vcpus_live(d, count, op, done);
    std::vector<unsigned> removed;
    for (size_t i = d.strands.size() - std::min<size_t>(count, d.strands.size()); i < d.strands.size(); ++i)
      removed.push_back(d.strands[i]);
    done("", removed);
  }
  std::set<std::string> suspended_;
  void suspend_domain(const Domain& d, Operation& op, Done done) override {
    if (!agent(d)) return DomainHost::suspend_domain(d, op, done);
    suspended_.insert(d.name);
    done("");
  }
  void resume_domain(const Domain& d) override { suspended_.erase(d.name); }
  bool suspended(const Domain& d) override { return suspended_.count(d.name) > 0; }
};

struct FakeMachine : VfctlMachine {
  FakeHost& host;
  std::string root;
  std::map<std::string, std::string> console;
  double t = 0;
  FakeMachine(FakeHost& h, std::string r) : host(h), root(std::move(r)) {}
  bool bound(const std::string& d) override { return host.bound.count(d) > 0; }
  std::string console_read(const std::string& d, uint64_t from) override {
    const std::string& c = console[d];
    return from < c.size() ? c.substr(from) : "";
  }
  void console_type(const std::string& d, const std::string& text) override { console[d] += text; }
  void advance(const Duration& d) override {
    using U = Duration::Unit;
    host.t += d.value * (d.unit == U::Ns ? 1e-9 : d.unit == U::Us ? 1e-6 : d.unit == U::Ms ? 1e-3 : d.unit == U::Min ? 60 : 1);
  }
  std::string time_stamp() override { return std::to_string(host.t) + " s"; }
  void guest_clock(const std::string&, uint64_t& stick, uint64_t& tod) override {
    stick = uint64_t(host.t * 1e6);
    tod = 1234567890;
  }
  uint32_t memory_checksum(const std::string&, uint64_t& pages) override {
    pages = 0;
    return 0;
  }
  const std::string& service_root() const override { return root; }
  // (ldmd's writes the file the user named, anywhere: not here)
  std::string snapshot(const std::string& file) override { return "Snapshot " + file + "\n"; }
  void shutdown() override {}
};

const platform::Platform& t5240() {
  static const platform::Platform p = platform::load_platform("T5240");
  return p;
}

std::string g_dir;   // the temporary directory: state/ and service-root/
unsigned g_inputs = 0;

void new_dir() {
  if (!g_dir.empty()) {
    std::error_code ec;
    fs::remove_all(g_dir, ec);
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/fuzz_ldm_request.XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) finding("cannot create the temporary directory");
  g_dir = buf.data();
}

void remove_dir() {
  std::error_code ec;
  if (!g_dir.empty()) fs::remove_all(g_dir, ec);
}

std::string model_text(const Manager& m) {
  try {
    return model_to_json(m.model());
  } catch (const std::exception& e) {
    finding(std::string("the model does not serialize (its state file could not be written): ") + e.what());
  }
}

std::string without_states(const std::string& model) {
  nlohmann::json j = nlohmann::json::parse(model);
  for (nlohmann::json& d : j["domains"]) d.erase("state");
  return j.dump();
}

void check_reply(const Reply& r) {
  if (r.code < 0 || r.code > 255) finding("exit code " + std::to_string(r.code) + " out of 0..255");
  if (r.code != 0 && r.err.empty()) finding("a failure (code " + std::to_string(r.code) + ") with no error message");
  if (r.err.find("ldmd: internal error") != std::string::npos) finding("an internal error: " + r.err);
  std::string out, err, why;
  int code = -1;
  std::string line = encode_reply(r.out, r.err, r.code);
  if (line.empty() || line.back() != '\n' || line.find('\n') != line.size() - 1) finding("encode_reply: not one line");
  if (!decode_reply(line, out, err, code, why)) finding("decode_reply refuses encode_reply's line: " + why);
  if (out != r.out || err != r.err || code != r.code) finding("the reply changed through encode_reply/decode_reply");
}

// One request through ldmd's handler, as RequestServer::run_queued runs it.
void handle(Manager& mgr, VfctlCommands& vfctl, FakeHost& host, const std::string& tool,
            const std::vector<std::string>& argv) {
  g_request = printable(tool, argv);
  std::string before = model_text(mgr);
  Reply r;
  try {
    r = handle_request(mgr, vfctl, tool, argv);
    // ldmd runs simulated time while a command waits for a guest (this host answers at once)
    for (int i = 0; i < 100000 && r.pending && !r.pending->done(); ++i) {
      host.t += r.pending->step_seconds() > 0 ? r.pending->step_seconds() : 1e-3;
      r.pending->pump();
    }
    if (r.pending && !r.pending->done()) finding("a command that never ends");
    if (r.pending) r = r.pending->reply();
  } catch (const std::exception& e) {
    finding(std::string("an exception left the handler (ldmd: \"internal error\"): ") + e.what());
  } catch (...) {
    finding("a non-std exception left the handler");
  }
  if (g_verbose) {
    std::string said = r.code ? r.err : r.out;
    said = said.substr(0, said.find('\n'));
    std::fprintf(stderr, "%s -> %d %s\n", g_request.c_str(), r.code, said.c_str());
  }
  check_reply(r);
  if (r.code == 0) return;
  std::string after = model_text(mgr);
  // start-domain, stop-domain and panic-domain act on the machine domain by domain: those
  // done before the one that failed did start or stop (or a panicked guest failed to boot),
  // and the model says so. Only the domains' states may differ.
  static const std::set<std::string> kStepwise = {"start-domain", "start", "start-dom", "stop-domain", "stop",
                                                  "stop-dom", "panic-domain", "panic", "panic-dom"};
  if (tool == "ldm" && !argv.empty() && kStepwise.count(argv[0])) {
    before = without_states(before);
    after = without_states(after);
  }
  if (after != before) finding("a failing command changed the model: " + r.err);
}

void check_files() {
  for (const fs::directory_entry& e : fs::directory_iterator(g_dir)) {
    std::string n = e.path().filename().string();
    if (n != "state" && n != "service-root") finding("a file written outside the state directory and service root: " + n);
  }
}

void run(const uint8_t* data, size_t size) {
  if (++g_inputs % 1000 == 0) new_dir();
  std::string state = g_dir + "/state", root = g_dir + "/service-root";
  std::error_code ec;
  fs::remove_all(state, ec);
  fs::remove_all(root, ec);
  fs::create_directories(root);
  FakeHost host;
  FakeMachine machine(host, root);
  std::string text(reinterpret_cast<const char*>(data), size);
  {
    Manager mgr(t5240(), &host, state, "fuzz");
    mgr.xml_interface = true;   // (the tool "xml": LDM_interface requests, xml_interface.h)
    VfctlCommands vfctl(mgr, machine);
    size_t at = 0;
    for (int n = 0; n < 64 && at < text.size(); ++n) {
      size_t nl = text.find('\n', at);
      std::string line = text.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
      at = nl == std::string::npos ? text.size() : nl + 1;
      std::string tool, why;
      std::vector<std::string> argv;
      bool decoded = false;
      g_request = "(the line as JSON)";
      try {
        decoded = decode_request(line + "\n", tool, argv, why);
      } catch (const std::exception& e) {
        finding(std::string("decode_request threw: ") + e.what());
      }
      if (!decoded) {
        if (why.empty()) finding("decode_request refused a line without saying why");
        argv.clear();
        size_t f = 0;
        for (;;) {
          size_t z = line.find('\0', f);
          argv.push_back(line.substr(f, z == std::string::npos ? std::string::npos : z - f));
          if (z == std::string::npos) break;
          f = z + 1;
        }
        tool = argv.front();
        argv.erase(argv.begin());
      }
      // What a client sends for this request decodes to the same request.
      std::string t2;
      std::vector<std::string> a2;
      g_request = printable(tool, argv);
      if (!decode_request(encode_request(tool, argv), t2, a2, why)) finding("encode_request's line does not decode: " + why);
      if (t2 != tool || a2 != argv) finding("the request changed through encode_request/decode_request");
      handle(mgr, vfctl, host, tool, argv);
    }
    // ldmd restarted on this state directory has the same configuration.
    g_request = "(a Manager restarted on the state directory)";
    if (fs::exists(state + "/ldmd.json")) {
      FakeHost host2;
      try {
        Manager again(t5240(), &host2, state, "fuzz");
        if (mgr.powered_on() && model_text(again) != model_text(mgr))
          finding("the configuration read back differs from the one running");
      } catch (const std::exception& e) {
        finding(std::string("the state file written does not load: ") + e.what());
      }
    }
  }
  check_files();
}

// Seeds: what docs/ldm.md and tests/ldm/*.sh do, as request sequences (NUL-split words, and
// one line as the JSON ldm sends).
void write_seeds(const char* dir) {
  auto req = [](std::initializer_list<std::string> words) {
    std::string s;
    for (const std::string& w : words) s += (s.empty() ? "" : std::string(1, '\0')) + w;
    return s + "\n";
  };
  std::string carve = req({"ldm", "set-vcpu", "8", "primary"}) + req({"ldm", "set-mau", "1", "primary"}) +
                      req({"ldm", "set-memory", "4G", "primary"}) + req({"vfctl", "reboot", "primary"});
  std::string vio = req({"ldm", "add-vdiskserver", "primary-vds0", "primary"}) +
                    req({"ldm", "add-vconscon", "port-range=5000-5100", "primary-vcc0", "primary"}) +
                    req({"ldm", "add-vswitch", "net-dev=e1000g0", "primary-vsw0", "primary"}) +
                    req({"vfctl", "mkfile", "-n", "10g", "/ldoms/ldg1/disk0.img"}) +
                    req({"ldm", "add-vdiskserverdevice", "/ldoms/ldg1/disk0.img", "vol1@primary-vds0"});
  std::string guest = req({"ldm", "add-domain", "ldg1"}) + req({"ldm", "add-vcpu", "4", "ldg1"}) +
                      req({"ldm", "add-mau", "1", "ldg1"}) + req({"ldm", "add-memory", "1G", "ldg1"}) +
                      req({"ldm", "add-vdisk", "vdisk0", "vol1@primary-vds0", "ldg1"}) +
                      req({"ldm", "add-vnet", "vnet0", "primary-vsw0", "ldg1"}) +
                      req({"ldm", "set-vcons", "port=5009", "ldg1"}) + req({"ldm", "set-var", "auto-boot?=false", "ldg1"});
  const std::pair<const char*, std::string> seeds[] = {
      {"lifecycle", carve + vio + guest + req({"ldm", "bind-domain", "ldg1"}) + req({"ldm", "start-domain", "ldg1"}) +
                        req({"ldm", "list", "-l"}) + req({"ldm", "stop-domain", "ldg1"}) + req({"ldm", "unbind-domain", "ldg1"}) +
                        req({"ldm", "remove-domain", "ldg1"})},
      {"listings", carve + vio + guest + req({"ldm", "bind", "ldg1"}) + req({"ldm", "list", "-p"}) +
                       req({"ldm", "list-bindings", "ldg1"}) + req({"ldm", "list-services"}) + req({"ldm", "list-devices", "-a"}) +
                       req({"ldm", "list-constraints", "-x", "ldg1"}) + req({"ldm", "list", "-o", "status", "ldg1"}) +
                       req({"ldm", "list-variable", "ldg1"}) + req({"ldm", "-V"})},
      {"live", carve + guest + req({"ldm", "bind", "ldg1"}) + req({"ldm", "start", "ldg1"}) + req({"ldm", "add-vcpu", "2", "ldg1"}) +
                   req({"ldm", "remove-vcpu", "3", "ldg1"}) + req({"vfctl", "suspend", "ldg1"}) + req({"vfctl", "resume", "ldg1"}) +
                   req({"ldm", "stop-domain", "-a"})},
      {"spconfig", carve + guest + req({"ldm", "add-spconfig", "cfg1"}) + req({"ldm", "list-spconfig"}) +
                       req({"vfctl", "sp", "bootmode", "config=cfg1"}) + req({"vfctl", "sp", "powercycle"}) +
                       req({"vfctl", "sp", "showhost"}) + req({"ldm", "remove-spconfig", "cfg1"})},
      {"vfctl", carve + guest + req({"ldm", "bind", "ldg1"}) + req({"vfctl", "console", "ldg1"}) +
                    req({"vfctl", "console-write", "ldg1", "date"}) + req({"vfctl", "console-read", "ldg1", "0"}) +
                    req({"vfctl", "clock", "advance", "10ms"}) + req({"vfctl", "clock", "show", "ldg1"}) +
                    req({"vfctl", "checksum", "ldg1"}) + req({"vfctl", "snapshot", "save", "/x.snap"}) +
                    req({"vfctl", "mkfile", "512m", "/ldoms/d.img"}) + req({"vfctl", "shutdown"})},
      {"layout", carve + guest + req({"ldm", "bind", "ldg1"}) + req({"vfctl", "layout"}) +
                     req({"vfctl", "layout", "--plan", "p.txt", "# plan\nldm add-domain x\nldm add-vcpu 2 x\n"
                                                                 "ldm add-memory 'mblock=0x1c0000000:256M' x\nldm bind x\n"}) +
                     req({"vfctl", "layout", "--plan", "p.xml", "<LDM_interface version=\"1.0\"/>"})},
      {"migrate", carve + guest + req({"ldm", "bind", "ldg1"}) + req({"ldm", "migrate-domain", "-n", "ldg1", "root@peer"}) +
                      req({"ldm", "cancel-operation", "migration", "ldg1"})},
      {"domain-props", req({"ldm", "add-domain", "mac-addr=00:14:4f:fc:00:01", "hostid=0x84fc0001",
                            "failure-policy=reset", "ldg2"}) +
                           req({"ldm", "set-domain", "master=primary", "ldg2"}) + req({"ldm", "add-io", "pci@500", "ldg2"}) +
                           req({"ldm", "cancel-operation", "reconf", "primary"})},
      {"json", encode_request("ldm", {"add-domain", "ldg1"}) + encode_request("ldm", {"list", "ldg1"}) +
                   encode_request("vfctl", {"console-write", "ldg1", "\xc3 \xff\x01"})},
  };
  for (const auto& [name, text] : seeds) {
    fuzz_seed::write(std::string(dir) + "/" + name, text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz_seed::write_if_asked([](const std::string& dir) { write_seeds(dir.c_str()); });
  g_verbose = std::getenv("VFSIM_FUZZ_VERBOSE") != nullptr;
  t5240();
  new_dir();
  std::atexit(remove_dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  run(data, size);
  return 0;
}
