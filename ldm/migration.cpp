// Domain migration: the source's Operation, the target's receiver, the wire between them.
// See migration.h for the threads, docs/migration.md for the phases and their outputs.
#include "ldm/migration.h"

#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <future>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ldm/migration_internal.h"
#include "ldm/migration_wire.h"
#include "ldm/password.h"
#include "ldm/service_path.h"
#include "ldm/state_file.h"
#include "ldm/units.h"
#include "sim/state/codec.h"
#include "sim/state/stream.h"

namespace vfsim::ldm {

using json = nlohmann::json;

using namespace mig;

struct Migrator::Threads {
  std::thread listener;
  std::atomic<bool> stop{false};
  auth::Throttle throttle;
};

// ---- set-up --------------------------------------------------------------------------------
std::string Migrator::check_fault(const std::string& spec) {
  size_t at = spec.find('@');
  if (at == std::string::npos) return "expected KIND@PHASE[:PERCENT]";
  std::string kind = spec.substr(0, at), rest = spec.substr(at + 1);
  if (kind != "cut-link" && kind != "hold" && kind != "exit" && kind != "out-of-memory")
    return "KIND is cut-link or hold (on the source), exit or out-of-memory (on the target)";
  std::string phase = rest.substr(0, rest.find(':'));
  if (phase != "checks" && phase != "prepare" && phase != "transfer" && phase != "handoff" && phase != "round")
    return "PHASE is checks, prepare, transfer or handoff (or round:K, a live migration's round K)";
  if (phase == "round" && (kind != "hold" && kind != "cut-link"))
    return "round:K takes hold or cut-link (on the source)";
  if (rest.find(':') != std::string::npos) {
    std::string pct = rest.substr(rest.find(':') + 1);
    if (pct.empty() || pct.size() > 3 || !std::all_of(pct.begin(), pct.end(), ::isdigit) || std::stoi(pct) > 100)
      return phase == "round" ? "K is 1 to 100" : "PERCENT is 0 to 100";
    if (phase == "round" && std::stoi(pct) == 0) return "K is 1 to 100 (round 0: transfer:PERCENT)";
  } else if (phase == "round") {
    return "round:K needs K";
  }
  return "";
}

Migrator::Migrator(Manager& mgr, HvHost& host, Config c)
    : mgr_(mgr), host_(host), cfg_(std::move(c)), threads_(std::make_unique<Threads>()) {
  if (!cfg_.fault.empty()) {
    if (std::string why = check_fault(cfg_.fault); !why.empty()) throw std::runtime_error("--migration-fault: " + why);
    size_t at = cfg_.fault.find('@');
    fault_.kind = cfg_.fault.substr(0, at);
    std::string rest = cfg_.fault.substr(at + 1);
    fault_.phase = rest.substr(0, rest.find(':'));
    if (rest.find(':') != std::string::npos) fault_.percent = unsigned(std::stoi(rest.substr(rest.find(':') + 1)));
  }
  if (cfg_.tls.cert_file.empty()) {   // this ldmd's own identity, made once
    cfg_.tls.cert_file = cfg_.state_dir + "/migration-cert.pem";
    cfg_.tls.key_file = cfg_.state_dir + "/migration-key.pem";
    if (std::string why = link::ensure_self_signed(cfg_.tls.cert_file, cfg_.tls.key_file, mgr_.model().hostname);
        !why.empty())
      throw std::runtime_error("migration identity: " + why);
  }
  if (!cfg_.auth_file.empty()) {
    auth_ = std::make_unique<auth::AuthFile>();
    std::string why;
    if (!auth::AuthFile::load(cfg_.auth_file, *auth_, why)) throw std::runtime_error("--auth-file " + cfg_.auth_file + ": " + why);
  }
  if (!cfg_.listen.empty()) {
    size_t colon = cfg_.listen.rfind(':');
    listener_ = std::make_unique<link::Listener>(cfg_.listen.substr(0, colon),
                                                 uint16_t(std::stoul(cfg_.listen.substr(colon + 1))), cfg_.tls);
  }
}

void Migrator::start() {
  if (listener_ && !threads_->listener.joinable()) threads_->listener = std::thread([this] { listen_loop(); });
}

Migrator::~Migrator() {
  threads_->stop = true;
  if (listener_) listener_->close();
  if (threads_->listener.joinable()) threads_->listener.join();
  for (auto& s : sources_) {
    {
      std::lock_guard<std::mutex> l(s->mu);
      s->next = Source::Next::Abort;
      if (s->ch) s->ch->shutdown();
    }
    s->cv.notify_all();
    if (s->th.joinable()) s->th.join();
  }
  std::vector<std::shared_ptr<Incoming>> in;
  {
    std::lock_guard<std::mutex> l(mu_);
    in = incoming_;
  }
  for (auto& i : in) {
    if (i->ch) i->ch->shutdown();
    if (i->th.joinable()) i->th.join();
  }
}

void Migrator::post(std::function<void()> f) {
  std::lock_guard<std::mutex> l(mu_);
  posted_.push_back(std::move(f));
}

bool Migrator::busy() const {
  for (const Domain& d : mgr_.model().domains)
    if (d.migration.role != Role::None && !d.migration.error) return true;
  return !sources_.empty();
}

void Migrator::poll() {
  std::vector<std::function<void()>> run;
  {
    std::lock_guard<std::mutex> l(mu_);
    run.swap(posted_);
  }
  for (auto& f : run) f();
  // Progress of the target side: the share of the announced pages that has arrived.
  std::lock_guard<std::mutex> l(mu_);
  for (auto& in : incoming_)
    if (in->shell && in->expected)
      if (Domain* d = mgr_.m_.find(in->name); d && d->migration.role == Role::Target)
        d->migration.progress = std::max({d->migration.progress, unsigned(in->mirrored),
                                          unsigned(std::min<uint64_t>(in->to_pct, in->from_pct + (in->to_pct - in->from_pct) *
                                                                                      in->received / in->expected))});
  sources_.erase(std::remove_if(sources_.begin(), sources_.end(),
                                [](const auto& s) {
                                  if (!s->finished || !s->worker_done) return false;
                                  if (s->th.joinable()) s->th.join();
                                  return true;
                                }),
                 sources_.end());
  incoming_.erase(std::remove_if(incoming_.begin(), incoming_.end(),
                                 [](const auto& i) {
                                   if (!i->done) return false;
                                   if (i->th.joinable()) i->th.join();
                                   return true;
                                 }),
                  incoming_.end());
}

// ---- the source: ldm migrate-domain ---------------------------------------------------------
Reply Migrator::migrate(const CommandLine& c) {
  // The command table checked the options, the property names and the two operands.
  auto usage = [&c] {
    Reply u;
    u.err = command_usage(*c.spec);
    u.code = 1;
    return u;
  };
  auto s = std::make_shared<Source>();
  s->dry = c.has("-n");
  s->cert = c.has("-c");
  const std::string password_file = c.value("-p");
  bool have_password = c.has_value("--target-password");   // from ldm's "Target Password:" prompt
  s->password = c.value("--target-password");
  const std::vector<std::string>& ops = c.operands;
  // Properties of this migration (docs/migration.md "Live migration"): the table let only
  // these through, each once; their values are checked here, before anything happens.
  s->live = cfg_.live;
  s->policy = cfg_.policy;
  for (const auto& [k, v] : c.prop_list) {
    if (k == "mode") {
      if (v != "warm" && v != "live") return fail(fmt::format("Invalid mode: {} (warm or live)", v));
      s->live = v == "live";
    } else if (k == "downtime") {
      char* end = nullptr;
      double ms = v.empty() || !(std::isdigit(static_cast<unsigned char>(v[0]))) ? -1 : std::strtod(v.c_str(), &end);
      if (end && *end) ms = -1;
      if (!(ms > 0 && ms <= 600000)) return fail(fmt::format("Invalid downtime: {} (milliseconds, e.g. downtime=300)", v));
      s->policy.downtime_limit_s = ms / 1e3;
    } else if (k == "rounds") {
      if (v.empty() || v.size() > 3 || !std::all_of(v.begin(), v.end(), ::isdigit) || std::stoi(v) < 1)
        return fail(fmt::format("Invalid rounds: {} (1 to 999 rounds while the guest runs)", v));
      s->policy.max_rounds = unsigned(std::stoi(v));
    } else if (k == "converge") {
      if (v != "suspend" && v != "fail") return fail(fmt::format("Invalid converge: {} (suspend or fail)", v));
      s->policy.no_converge = v == "fail" ? LivePolicy::OnNoConverge::Fail : LivePolicy::OnNoConverge::Suspend;
    } else if (k == "trace") {
      if (v.empty() || v[0] != '/') return fail(fmt::format("Invalid trace file: {} (an absolute path)", v));
      std::string dir = v.substr(0, v.rfind('/'));
      if (::access(dir.empty() ? "/" : dir.c_str(), W_OK) != 0)
        return fail(fmt::format("Unable to write the timeline {}: {}", v, std::strerror(errno)));
      s->trace_file = v;
    }
  }
  if (s->dry && !s->trace_file.empty()) return fail("trace= records a migration; a dry run (-n) makes none");
  if (!s->live && (c.props.count("downtime") || c.props.count("rounds") || c.props.count("converge")))
    return fail("downtime, rounds and converge apply to a live migration (mode=live)");
  s->domain = ops[0];
  std::string target = ops[1];
  size_t at = target.find('@');
  s->user = at == std::string::npos ? "" : target.substr(0, at);
  target = at == std::string::npos ? target : target.substr(at + 1);
  size_t colon = target.find(':');
  s->host = target.substr(0, colon);
  s->target_name = colon == std::string::npos ? s->domain : target.substr(colon + 1);
  if (s->host.empty() || (at != std::string::npos && s->user.empty())) return usage();
  if (!valid_name(s->target_name)) return fail(fmt::format("Invalid LDom name: {}", s->target_name));
  if (s->user.empty()) s->user = "root";   // ldm passes its user first (ldm_main.cpp)
  if (!password_file.empty()) {
    std::ifstream f(password_file);
    if (!f) return fail(fmt::format("Unable to read the password file {}", password_file));
    std::getline(f, s->password);
    have_password = true;
  }
  if (!s->cert && !have_password) return fail("A target password is needed: give -p <password_file>, or -c for certificates");
  if (s->cert && cfg_.tls.ca_file.empty())
    return fail("Certificate mode (-c) needs ldmd started with --migration-ca, --migration-cert and --migration-key "
                "(docs/migration.md)");
  Domain* d = mgr_.m_.find(s->domain);
  if (!d) return fail(fmt::format("LDom {} not found", s->domain));
  auto failed = [&](std::vector<std::string> lines) {
    std::string msg;
    for (auto& l : lines) msg += l + "\n";
    return fail(msg + fmt::format("Domain Migration of LDom {} failed", s->domain));
  };
  if (d->control) return failed({fmt::format("LDom {} is the control domain: it cannot be migrated", d->name)});
  if (d->migration.role != Role::None)
    return failed({fmt::format("LDom {} is already migrating (ldm list -o status {})", d->name, d->name)});
  auto peer = cfg_.peers.find(s->host);
  if (peer == cfg_.peers.end()) return fail(fmt::format(kUnreachable, s->host));
  s->addr = peer->second;
  s->kind = kind_of(*d);
  s->source_host = mgr_.model().hostname;
  s->tls = cfg_.tls;
  s->fault = fault_;
  s->continue_file = cfg_.state_dir + "/migration-continue";
  s->handoff_s = cfg_.timing.handoff_s + (s->kind == "active" ? 0 : cfg_.timing.shell_s);
  // What the source itself can tell (seed 001): each unmet requirement on its own line.
  std::vector<std::string> problems;
  if (!d->io.empty())
    problems.push_back(fmt::format("LDom {} has physical I/O ({}): a domain with a PCIe bus cannot be migrated", d->name, d->io.front()));
  if (cfg_.compat == "1.2" && d->state != State::Inactive && d->maus > 0 && d->vcpus > 1)
    problems.push_back(fmt::format("LDom {} has crypto units and more than one vcpu: it cannot be migrated", d->name));
  if (mgr_.primary().delayed)
    problems.push_back("A delayed reconfiguration of LDom primary is in progress on the source machine");
  if (d->state == State::Active && d->vcpus > 1 && !host_.has_domain_service(*d, "dr-cpu"))
    problems.push_back(fmt::format("LDom {} cannot reduce its vcpus to one: it does not run the DR daemon (drd)", d->name));
  if (d->state == State::Active && !host_.has_domain_service(*d, "domain-suspend"))
    problems.push_back(fmt::format("LDom {} does not support suspend (domain-suspend)", d->name));
  if (!problems.empty()) return failed(problems);

  // The offer: the domain as the target must create it, and what the checks need.
  Domain copy = *d;
  copy.name = s->target_name;
  copy.migration = {};
  // Placed memory (mblock=) names this machine's PAs: on the target the domain has memory by
  // size (the real-address layout below is what it keeps; 3.x's mblockmap= is not modelled).
  copy.mblocks.clear();
  Model one;
  one.domains.push_back(copy);
  json layout = json::array();
  for (const MemRange& r : d->mem) layout.push_back({r.ra, r.size});
  json channels = json::object();
  auto all = host_.device_channels();
  if (all.count(d->name))
    for (const auto& [k, v] : all.at(d->name)) channels[k] = v;
  s->offer = json{{"v", kProtocol},
                  {"domain", json::parse(model_to_json(one))},
                  {"source_name", d->name},
                  {"kind", s->kind},
                  {"dry_run", s->dry},
                  {"cpu", mgr_.platform().chip},
                  {"stick_hz", mgr_.platform().stick_hz},
                  {"layout", layout},
                  {"channels", channels},
                  {"crypto_units", mgr_.primary().mau_cores.size()},
                  {"compat", cfg_.compat},
                  {"mode", s->kind == "active" && s->live ? "live" : "warm"}}
                 .dump();
  s->op = mgr_.new_operation(fmt::format("migrate-domain {}", d->name));
  s->t0 = mgr_.now();
  s->vcpus_at_start = d->vcpus;
  if (s->kind != "active") s->live = false;   // (only a running guest's memory moves)
  s->trace->begin(d->name, fmt::format("migrate {} to {}", d->name, s->host),
                  {{"mode", s->kind != "active" ? s->kind : s->live ? "live" : "warm", 0, false}, {"target", s->host, 0, false}});
  s->trace->phase("checks");
  sources_.push_back(s);
  Migrator* self = this;
  s->op->on_cancel([self, s] {   // ldmd stops: the worker ends, the guest is left as it is
    std::lock_guard<std::mutex> l(s->mu);
    s->next = Source::Next::Abort;
    if (s->ch) s->ch->shutdown();
    s->cv.notify_all();
    (void)self;
  });
  s->op->set_progress("checks");
  s->op->set_step_seconds(0);   // waiting for the target: no simulated time of its own
  // The worker: connect, authenticate, offer; then what the main thread decides.
  s->th = std::thread([self, s] {
    struct Done {
      Source& s;
      ~Done() { s.worker_done = true; }
    } done{*s};
    std::string why;
    auto report = [&](std::function<void()> f) { self->post(std::move(f)); };
    std::unique_ptr<link::Channel> ch = link::connect(s->addr.first, s->addr.second, s->tls, kConnectMs, why);
    if (!ch) {
      report([self, s] { self->source_checked(s, {}, fmt::format(kUnreachable, s->host)); });
      return;
    }
    {
      std::lock_guard<std::mutex> l(s->mu);
      s->ch = std::move(ch);
    }
    link::Channel& c = *s->ch;
    uint8_t type = 0;
    std::string in;
    json hello = {{"v", kProtocol}, {"user", s->user}, {"source", s->source_host}};
    if (!s->cert) hello["password"] = s->password;
    if (!c.send(kHello, hello.dump(), why) || !c.recv(type, in, kReplyMs, why)) {
      report([self, s] { self->source_checked(s, {}, fmt::format(kUnreachable, s->host)); });
      return;
    }
    if (type == kAuthFail) {
      report([self, s, in] { self->source_checked(s, {in}, ""); });
      return;
    }
    bool began = false;   // a BEGIN went: the target holds memory to scrub on a cancel
    // Live: the target hears the source's progress (its own cannot know how many rounds are
    // left) whenever it changed, between frames and rounds.
    unsigned told = 0;
    auto tell_progress = [&] {
      if (!s->live || s->shown == told) return true;
      told = s->shown;
      return c.send(kProgress, std::to_string(told), why);
    };
    // A cancel once the target holds memory: it scrubs what it received and says how much.
    auto cancel_and_scrub = [&] {
      c.send(kCancel, "", why);
      uint8_t t = 0;
      std::string body;
      if (began && c.recv(t, body, kReplyMs, why) && t == kScrubbed) {
        try {
          wire::Scrubbed sc = wire::parse_scrubbed(body);
          s->scrub_bytes = sc.bytes;
          s->scrub_us = sc.scrub_us;
        } catch (const std::exception&) {
        }
      }
      s->scrub_done = true;
    };
    // Test hooks (--migration-fault): hold here until cancelled, or cut the link here.
    // hold: wait for a cancel (true: the migration ends), or until the test creates the file
    // STATE-DIR/migration-continue (false: it goes on from here; the file is removed).
    auto held = [&](const std::string& phase, unsigned pct) {
      if (s->fault.kind != "hold" || !s->fault.at(phase, pct) || s->held) return false;
      s->held = true;
      while (!s->cancel && s->next != Source::Next::Abort) {
        if (std::remove(s->continue_file.c_str()) == 0) return false;
        tell_progress();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      cancel_and_scrub();
      return true;
    };
    auto cut = [&](const std::string& phase, unsigned pct) {
      if (s->fault.kind != "cut-link" || !s->fault.at(phase, pct)) return false;
      c.shutdown();
      return true;
    };
    if (type == kHelloOk && (held("checks", 0) || cut("checks", 0))) {
      std::string err = fmt::format("The connection to ldmd on {} was lost during the checks", s->host);
      report([self, s, err] { self->source_checked(s, {}, err); });
      return;
    }
    if (type != kHelloOk || !c.send(kOffer, s->offer, why) || !c.recv(type, in, kReplyMs, why) || type != kChecked) {
      std::string err = fmt::format("The connection to ldmd on {} was lost during the checks", s->host);
      report([self, s, err] { self->source_checked(s, {}, err); });
      return;
    }
    std::vector<std::string> problems;
    try {
      json answer = json::parse(in);   // (not iterated as a temporary: the loop would read a dead object)
      for (const auto& p : answer.at("problems")) problems.push_back(p.get<std::string>());
      s->target_maus = answer.value("maus", -1);
      s->target_maus_primary = answer.value("primary_maus", -1);
      s->target_vcpus_primary = answer.value("primary_vcpus", 0);
    } catch (const std::exception&) {
      problems.push_back(fmt::format("ldmd on {} sent a malformed answer to the checks", s->host));
    }
    report([self, s, problems] { self->source_checked(s, problems, ""); });
    // Wait for the main thread: abort, commit (bound, inactive) or transfer (active).
    Source::Next next;
    {
      std::unique_lock<std::mutex> l(s->mu);
      s->cv.wait(l, [&] { return s->next != Source::Next::Wait; });
      next = s->next;
    }
    if (next == Source::Next::Abort) {
      c.send(kCancel, "", why);
      return;
    }
    auto lost = [&](const std::string& what) {
      bool after = s->all_sent;
      std::string e = fmt::format("The connection to ldmd on {} was lost {}", s->host, what);
      report([self, s, e, after] { self->source_finished(s, false, after ? "handoff:" + e : e); });
    };
    if (next == Source::Next::Commit) {
      if (held("transfer", 0) || held("handoff", 0)) return;
      if (cut("transfer", 0)) return lost("during the transfer");
      json times = {{"checks_us", whole_us(s->t_checked - s->t0)}, {"prepare_us", 0}, {"transfer_us", 0},
                    {"handoff_us", whole_us(s->handoff_s)}};
      if (!c.send(kCommit, times.dump(), why)) return lost("during the transfer");
      if (cut("handoff", 0)) {
        s->all_sent = true;
        return lost("after all state was sent, before it confirmed the migration");
      }
      s->all_sent = true;
      if (!c.recv(type, in, kReplyMs, why) || type != kCommitted) {
        if (type == kFailed) {
          report([self, s, in] { self->source_finished(s, false, in); });
          return;
        }
        return lost("before it confirmed the migration");
      }
      report([self, s] { self->source_finished(s, true, ""); });
      return;
    }
    // Whether the target has given up meanwhile: it said FAILED (out of memory, say) and reads
    // nothing more, or its end is closed (its ldmd died). Otherwise the source would read
    // nothing until after the last round, and suspend a guest for a target that is gone.
    auto target_gave_up = [&] {
      uint8_t t = 0;
      std::string body, w;
      if (!c.recv(t, body, 0, w)) {
        if (w == "timeout") return false;   // (nothing said: it goes on)
        lost("during the transfer");
        return true;
      }
      if (t == kFailed) report([self, s, body] { self->source_finished(s, false, body); });
      else lost("during the transfer");
      return true;
    };
    // Transfer: the rounds of memory in compressed frames (warm: one, zero pages never
    // captured), each announced by BEGIN; the last is followed by the runtime state and DONE;
    // the target installs it all, resumes the guest and says RESUMED.
    for (;;) {
      Source::Batch b;
      {
        std::unique_lock<std::mutex> l(s->mu);
        auto ready = [&] { return !s->batches.empty() || s->cancel || s->next == Source::Next::Abort; };
        while (!s->cv.wait_for(l, std::chrono::milliseconds(20), ready)) {   // (between live rounds)
          l.unlock();
          if (!tell_progress()) return lost("during the transfer");
          if (began && target_gave_up()) return;
          l.lock();
        }
        if (s->batches.empty()) {
          l.unlock();
          return cancel_and_scrub();
        }
        b = std::move(s->batches.front());
        s->batches.pop_front();
      }
      size_t n = b.ras.size();
      s->sent = 0;
      tell_progress();
      if (b.round && !b.last && held("round", b.round)) return;   // (a live round's start, before its BEGIN)
      if (b.round && !b.last && cut("round", b.round)) return lost("during the transfer");
      if (target_gave_up()) return;   // (e.g. its ldmd died after the checks: it has closed by now)
      json begin = {{"pages", n}, {"round", b.round}, {"from", b.from_pct}, {"to", b.to_pct}};
      if (!c.send(kBegin, begin.dump(), why)) return lost("during the transfer");   // (the target's progress)
      began = true;
      for (size_t i = 0; i < n; i += kPagesPerFrame) {
        if (s->cancel) return cancel_and_scrub();
        size_t k = std::min(kPagesPerFrame, n - i);
        unsigned pct = unsigned(100 * i / std::max<size_t>(n, 1));
        if (held("transfer", pct)) return;   // (live: in the first round that has pages)
        if (cut("transfer", pct)) return lost("during the transfer");
        if (i && i % (16 * kPagesPerFrame) == 0 && target_gave_up()) return;   // (every 16 MB)
        std::string z = wire::memory_frame(&b.ras[i], &b.pages[i * kPage], k);
        if (!c.send(kMemory, z, why)) return lost("during the transfer");
        s->wire += z.size();
        s->sent += k;
      }
      if (n == 0 && (held("transfer", 0) || cut("transfer", 0))) return s->cancel ? void() : lost("during the transfer");
      ++s->batches_sent;
      if (b.last) break;
    }
    if (held("handoff", 0)) return;
    if (cut("handoff", 0)) {
      s->all_sent = true;   // (the runtime state would have been the last thing sent)
      return lost("after all state was sent, before it confirmed the migration");
    }
    std::string runtime, end;
    {
      std::lock_guard<std::mutex> l(s->mu);
      runtime = s->runtime;
      end = s->done_body;
    }
    if (!c.send(kRuntime, runtime, why) || !c.send(kDone, end, why)) return lost("during the transfer");
    s->all_sent = true;
    if (!c.recv(type, in, kReplyMs, why)) return lost("after all state was sent, before it confirmed the migration");
    if (type == kFailed) {
      report([self, s, in] { self->source_finished(s, false, in); });
      return;
    }
    if (type != kResumed) return lost("after all state was sent, before it confirmed the migration");
    report([self, s] { self->source_finished(s, true, ""); });
  });
  return mgr_.settle(s->op);
}

// Main thread: the checks' answer (or a connection failure).
void Migrator::source_checked(std::shared_ptr<Source> s, std::vector<std::string> problems, std::string err) {
  if (s->finished) return;
  // The checks' round trips take their modelled time on this clock, whatever they took here.
  sim_wait(*s->op, [this] { return mgr_.now(); }, cfg_.timing.check_s,
           [this, s, problems, err] { source_checks_done(s, problems, err); });
}

void Migrator::source_checks_done(std::shared_ptr<Source> s, std::vector<std::string> problems, std::string err) {
  if (s->finished) return;
  s->t_checked = mgr_.now();
  auto decide = [&](Source::Next n) {
    std::lock_guard<std::mutex> l(s->mu);
    if (s->next == Source::Next::Wait) s->next = n;
    s->cv.notify_all();
  };
  if (!err.empty()) {
    decide(Source::Next::Abort);
    s->finished = true;
    s->trace->end({{"outcome", "failed", 0, false}, {"error", err.substr(0, err.find('\n')), 0, false}});
    // An unreachable target is said exactly as the seed does, without the "failed" line.
    s->op->finish(fail(err));
    return;
  }
  if (!problems.empty()) {
    decide(Source::Next::Abort);
    source_fail(s, fmt::format("{}", fmt::join(problems, "\n")));
    return;
  }
  // The pipeline's rate: both control domains take part, the smaller one's crypto units and
  // vCPUs set it. Compression is multi-threaded from 1.3: in 2.0 compatibility and live.
  unsigned units = unsigned(mgr_.primary().mau_cores.size()), vcpus = mgr_.primary().vcpus;
  if (s->target_maus_primary >= 0) units = std::min(units, unsigned(s->target_maus_primary));
  if (s->target_vcpus_primary > 0) vcpus = std::min(vcpus, unsigned(s->target_vcpus_primary));
  s->rate = cfg_.timing.rate(units, vcpus, cfg_.compat == "2.0" || s->live);
  if (s->dry) {   // -n: the checks passed; what the migration would take
    decide(Source::Next::Abort);
    return source_predict(s);
  }
  Domain* d = mgr_.m_.find(s->domain);
  if (!d) {   // (nothing else may change it while the operation runs; kept for safety)
    decide(Source::Next::Abort);
    source_fail(s, fmt::format("LDom {} is gone", s->domain));
    return;
  }
  d->migration.role = Role::Source;
  d->migration.peer = s->host;
  d->migration.progress = unsigned(kCheckPct);
  if (cfg_.compat == "2.0" && d->state == State::Active && !d->mau_cores.empty()) {
    s->removed_maus = d->mau_cores;   // OVM 2.0: the units leave at the start
    d->mau_cores.clear();
  }
  if (s->kind != "active") {
    s->op->set_progress("transfer");
    s->trace->phase("transfer");   // (the configuration, with the commit)
    decide(Source::Next::Commit);
    return;
  }
  if (s->live) {
    if (hv::Guest* g = host_.hypervisor().find_guest(d->name)) {
      state::Encoder e;
      host_.hypervisor().save_migration(*g, e);
      s->runtime_estimate = e.buf.size();
    }
    return source_live_start(s);
  }
  source_prepare(s);
}

// Prepare (active): shrink to one vCPU with CPU DR, then suspend through the guest.
void Migrator::source_prepare(std::shared_ptr<Source> s) {
  Domain* d = mgr_.m_.find(s->domain);
  s->op->set_progress("prepare");
  s->trace->phase("prepare");
  s->op->set_step_seconds(Operation::kStepSeconds);   // the guest answers as simulated time runs
  d->migration.progress = unsigned(kPreparePct);
  s->shrunk_from = d->vcpus;
  auto suspend = [this, s] {
    Domain* d = mgr_.m_.find(s->domain);
    if (s->cancel) return source_fail(s, "cancelled");
    host_.suspend_domain(*d, *s->op, [this, s](const std::string& err) {
      if (!err.empty()) return source_fail(s, err);
      Domain* d = mgr_.m_.find(s->domain);
      s->suspended = true;
      d->migration.suspended = true;
      s->t_prepared = s->t_suspended = mgr_.now();
      s->trace->phase("transfer");
      if (s->cancel) return source_fail(s, "cancelled");
      source_capture(s);
    });
  };
  if (d->vcpus <= 1) return suspend();
  host_.remove_vcpus_live(*d, d->vcpus - 1, *s->op,
                          [this, s, suspend](const std::string& err, const std::vector<unsigned>& removed) {
                            Domain* d = mgr_.m_.find(s->domain);
                            for (unsigned st : removed) d->strands.erase(std::find(d->strands.begin(), d->strands.end(), st));
                            d->vcpus = unsigned(d->strands.size());
                            if (!err.empty()) return source_fail(s, err);
                            suspend();
                          });
}

// The suspended guest's state, captured at once: nothing of it runs any more, and its
// services start over (what they had in flight would otherwise still write its memory).
void Migrator::source_capture(std::shared_ptr<Source> s) {
  if (s->fault.kind == "hold" && s->fault.phase == "prepare" && !s->held) {   // test hook, as in the worker
    s->held = true;
    s->op->set_step_seconds(0);
    s->op->wait([s] { return s->finished || std::remove(s->continue_file.c_str()) == 0; }, 1e9, [this, s](bool) {
      if (!s->finished) source_capture(s);
    });
    return;
  }
  if (s->fault.kind == "cut-link" && s->fault.phase == "prepare") {
    std::lock_guard<std::mutex> l(s->mu);
    if (s->ch) s->ch->shutdown();
  }
  if (s->live) return live_round(s);   // round 0, the guest running
  capture_final(s);
}

// The transfer takes its modelled simulated time (the guest is suspended, the others run),
// then as long as the real copy still takes (no simulated time: that is the host's speed).
void Migrator::source_transfer_wait(std::shared_ptr<Source> s) {
  double start = mgr_.now(), last = s->rounds.back().seconds;   // (the last batch: warm, the whole copy)
  double until = start + last;
  double from = s->live ? s->progress_floor : kPreparePct;
  auto progress = [this, s, start, last, from] {
    Domain* d = mgr_.m_.find(s->domain);
    double sim = last > 0 ? std::min(1.0, (mgr_.now() - start) / last) : 1.0;
    double real = s->last_pages == 0 || s->all_sent ? 1.0 : double(s->sent) / double(s->last_pages);
    if (d && !s->finished) {
      d->migration.progress = std::max(d->migration.progress, unsigned(from + (kHandoffPct - from) * std::min(sim, real)));
      d->migration.elapsed = mgr_.now() - s->t0;
    }
  };
  s->op->set_step_seconds(std::clamp(last / 200, Operation::kStepSeconds, 1e-3));
  s->op->wait(
      [this, s, until, progress] {
        progress();
        return s->finished || mgr_.now() >= until - 1e-12;
      },
      last * 2 + 1, [this, s, progress](bool) {
        s->op->set_step_seconds(0);
        s->op->wait([s, progress] { progress(); return s->finished || s->all_sent.load(); }, 1e9, [this, s](bool) {
          if (s->finished) return;
          if (Domain* d = mgr_.m_.find(s->domain)) d->migration.progress = unsigned(kHandoffPct);
          s->op->set_progress("handoff");
          s->transfer_done = true;
          s->t_transfer_end = s->t_prepared + s->modelled_transfer;
          s->trace->phase("handoff");
          if (s->confirmed) source_finished(s, true, "");
        });
      });
}

void Migrator::source_fail(std::shared_ptr<Source> s, const std::string& why) {
  if (s->finished) return;
  s->finished = true;
  {
    std::lock_guard<std::mutex> l(s->mu);
    if (s->next == Source::Next::Wait) s->next = Source::Next::Abort;
    s->cancel = true;
  }
  s->cv.notify_all();
  Reply r = fail(why + fmt::format("\nDomain Migration of LDom {} failed", s->domain));
  s->trace->end({{"outcome", "failed", 0, false}, {"error", why.substr(0, why.find('\n')), 0, false}});
  Domain* d = mgr_.m_.find(s->domain);
  if (std::string why = write_trace(*s, mgr_.now(), false); !why.empty()) r.err = why + "\n" + r.err;
  if (!d) return s->op->finish(r);
  if (hv::Guest* g = host_.hypervisor().find_guest(d->name)) host_.hypervisor().dirty_log_stop(*g);
  if (s->suspended) host_.resume_domain(*d);   // the source runs on
  d->migration = {};
  if (!s->removed_maus.empty()) d->mau_cores = s->removed_maus;   // (nobody could bind them meanwhile)
  if (s->rounds.empty()) return give_back_vcpus(s->op, s->domain, s->shrunk_from, r);
  // The target held memory of the guest: it scrubs it before it answers, in its modelled
  // time (reference ldoms-migration-timing.md §7: received bytes over the scrub rate), and
  // this command ends once that has passed.
  s->op->set_step_seconds(0);
  s->op->wait([s] { return s->scrub_done || s->worker_done; }, 1e9, [this, s, r](bool) {
    Reply out = r;
    double scrub = double(s->scrub_us) / 1e6;
    if (!s->scrub_done || !s->scrub_bytes) return give_back_vcpus(s->op, s->domain, s->shrunk_from, out);
    out.err = fmt::format("{} of LDom {}'s memory received by {} was scrubbed there in {:.3f} ms of simulated time\n",
                          format_size(s->scrub_bytes), s->domain, s->host, scrub * 1e3) + out.err;
    sim_wait(*s->op, [this] { return mgr_.now(); }, scrub,
             [this, s, out] { give_back_vcpus(s->op, s->domain, s->shrunk_from, out); });
  });
}

// The vCPUs the prepare phase took away come back, through the guest as they left, once its
// domain services are up again after the resume; then op ends with r (plus a line if not).
void Migrator::give_back_vcpus(std::shared_ptr<Operation> op, const std::string& name, unsigned want, Reply r) {
  Domain* d = mgr_.m_.find(name);
  std::vector<unsigned> free = mgr_.free_strands();
  if (!d || d->state != State::Active || !want || d->vcpus >= want || free.size() < want - d->vcpus)
    return op->finish(r);
  free.resize(want - d->vcpus);
  op->set_step_seconds(Operation::kStepSeconds);
  // Wait until it has registered again, and a little longer (it may still be finishing its
  // post-suspend reply), then ask.
  op->wait([this, name] {
    Domain* x = mgr_.m_.find(name);
    return x && host_.has_domain_service(*x, "dr-cpu") && host_.has_domain_service(*x, "md-update");
  }, 0.5, [this, op, r, name, free, want](bool ready) {
    if (!ready) {
      Reply out = r;
      out.err += fmt::format("LDom {} keeps one vcpu: its domain services did not come back\n", name);
      return op->finish(out);
    }
    double until = mgr_.now() + 0.02;
    op->wait([this, until] { return mgr_.now() >= until; }, 0.1, [this, op, r, name, free, want](bool) {
      Domain* d = mgr_.m_.find(name);
      if (!d) return op->finish(r);
      host_.add_vcpus_live(*d, free, *op, [this, op, r, name, free, want](const std::string& err) {
        Reply out = r;
        if (Domain* x = mgr_.m_.find(name); x && err.empty()) {
          x->strands.insert(x->strands.end(), free.begin(), free.end());
          x->vcpus = want;
        } else if (!err.empty()) {
          out.err += fmt::format("LDom {} keeps one vcpu: {}\n", name, err);
        }
        op->finish(out);
      });
    });
  });
}

void Migrator::source_finished(std::shared_ptr<Source> s, bool ok, std::string err) {
  if (s->finished) return;
  Domain* d = mgr_.m_.find(s->domain);
  if (!ok && err.rfind("handoff:", 0) == 0) {
    // All state was sent, the target never confirmed: only the operator can tell which copy
    // runs (docs/migration.md "Recovery"). The source stays suspended, in the error state.
    s->finished = true;
    vcpus_before_[s->domain] = s->shrunk_from;   // for a restore by cancel-operation
    s->trace->end({{"outcome", "handoff error", 0, false}});
    if (d) {
      d->migration.error = true;
      d->migration.progress = unsigned(kHandoffPct);
    }
    s->op->finish(fail(fmt::format(
        "{}\nCheck LDom {} on {}. If it runs there, destroy this copy (ldm stop -f {}; ldm unbind {}; "
        "ldm remove-domain {}); if not, restore this one (ldm cancel-operation migration {})\nDomain Migration of LDom {} failed",
        err.substr(8), s->target_name, s->host, s->domain, s->domain, s->domain, s->domain, s->domain)));
    return;
  }
  if (!ok) return source_fail(s, err);
  s->confirmed = true;
  if (s->kind == "active" && !s->transfer_done) return;   // the modelled copy is still passing: it goes on from there
  // Handoff: the target runs the only copy from now on.
  s->trace->phase("handoff");
  auto finish = [this, s] {
    if (s->finished) return;
    s->finished = true;
    {
      std::vector<trace::Arg> a{{"outcome", "migrated", 0, false}, {"bytes", {}, s->total_bytes, true},
                                {"rounds", {}, s->rounds.size(), true}};
      if (s->kind == "active")
        a.push_back({"downtime_us", {}, whole_us(s->rounds.back().seconds) + whole_us(s->handoff_s), true});
      s->trace->end(std::move(a));
    }
    if (Domain* d = mgr_.m_.find(s->domain)) {
      if (d->state == State::Active) host_.stop(*d);
      if (d->state != State::Inactive) mgr_.unbind(*d);
      mgr_.m_.domains.erase(std::find_if(mgr_.m_.domains.begin(), mgr_.m_.domains.end(),
                                         [&](const Domain& x) { return x.name == s->domain; }));
    }
    Reply r;
    // The phases as the target records them (ldm list -o status there): whole microseconds of
    // the modelled durations (the clock itself moves in steps and may pass them by a little).
    uint64_t checks = whole_us(s->t_checked - s->t0), prepare = s->kind == "active" ? whole_us(s->t_prepared - s->t_checked) : 0,
             transfer = s->kind == "active" ? whole_us(s->modelled_transfer) : 0, handoff = whole_us(s->handoff_s);
    std::string what = s->kind == "active" ? fmt::format("active, {}", s->live ? "live" : "warm") : s->kind;
    r.out = fmt::format("Migration of LDom {} to {} as {} ({}): {} in {} of simulated time\n", s->domain, s->host,
                        s->target_name, what,
                        s->kind == "active" ? fmt::format("{} of touched memory sent", format_size(s->touched_bytes))
                                            : std::string("configuration sent"),
                        seconds(double(checks + prepare + transfer + handoff) / 1e6));
    auto ms = [](uint64_t t) { return fmt::format("{:10.3f} ms", double(t) / 1e3); };
    r.out += fmt::format("    checks   {}\n    prepare  {}\n    transfer {}\n    handoff  {}\n", ms(checks), ms(prepare),
                         ms(transfer), ms(handoff));
    if (s->kind == "active")   // the guest ran nowhere: from its suspend to its resume on the target
      r.out += fmt::format("    downtime {}\n", ms(whole_us(s->rounds.back().seconds) + handoff));
    if (s->live) {
      r.out += fmt::format("Live rounds ({}):\n",
                           s->verdict == LiveVerdict::Converged
                               ? fmt::format("converged: the rest fit the {:.0f} ms downtime limit", s->policy.downtime_limit_s * 1e3)
                               : fmt::format("did not converge ({}): suspended with the rest", verdict_name(s->verdict)));
      for (size_t i = 0; i < s->rounds.size(); ++i) {
        const Source::Round& x = s->rounds[i];
        r.out += fmt::format("    {:<16}{:>9} pages {:>13}", x.suspended ? std::string("last (suspended)") : fmt::format("round {}", i),
                             x.pages, ms(whole_us(x.seconds)));
        if (!x.suspended)
          r.out += fmt::format("   dirtied meanwhile {} pages ({:.1f} MB/s)", x.dirtied,
                               x.seconds > 0 ? double(x.dirtied * kPage) / x.seconds / 1e6 : 0.0);
        r.out += "\n";
      }
      r.out += fmt::format("    {} sent in {} rounds\n", format_size(s->total_bytes), s->rounds.size());
    }
    if (!s->removed_maus.empty())
      r.out += fmt::format("Crypto units: {} taken away at the start, {} bound on the target (OVM 2.0)\n",
                           s->removed_maus.size(), std::max(0, s->target_maus));
    size_t frames = 0;
    for (const Source::Round& x : s->rounds) frames += (x.pages + kPagesPerFrame - 1) / kPagesPerFrame;
    if (s->kind == "active")   // the proof a script can compare with vfctl checksum on the target
      r.out += fmt::format("Memory at suspend: {} non-zero pages, crc32 {:08x} (the same on the target before it resumed); {} sent as {} (compressed, in {} frames)\n",
                           s->nonzero_at_suspend, s->crc, format_size(s->total_bytes), s->wire < (1u << 20) ? fmt::format("{:.0f}K", double(s->wire) / 1024)
                                                  : fmt::format("{:.1f}M", double(s->wire) / 1048576),
                           frames);
    if (std::string why = write_trace(*s, mgr_.now(), true); !why.empty()) {
      r.err = why + "\n";   // (the migration itself is done: the file asked for is not)
      r.code = 1;
    } else if (!s->trace_file.empty()) {
      r.out += fmt::format("Timeline: {}\n", s->trace_file);
    }
    s->op->finish(r);
  };
  // The handoff's own modelled time (the target resumes and confirms) passes on this clock too.
  sim_wait(*s->op, [this] { return mgr_.now(); }, cfg_.timing.handoff_s + (s->kind == "active" ? 0 : cfg_.timing.shell_s), finish);
}

Reply Migrator::cancel(const std::string& name) {
  Domain* d = mgr_.m_.find(name);
  if (d->migration.role == Role::Target)
    return fail(fmt::format("LDom {} is the target of a migration: cancel it on the source machine ({})", name,
                            d->migration.peer));
  for (auto& s : sources_)
    if (s->domain == name && !s->finished) {
      if (s->all_sent) return fail(fmt::format("The migration of LDom {} is in its handoff: it can no longer be cancelled", name));
      source_fail(s, "The migration was cancelled (ldm cancel-operation)");
      return {};
    }
  if (d->migration.error) {   // recovery: the target did not take over; this copy runs on
    host_.resume_domain(*d);
    d->migration = {};
    unsigned want = vcpus_before_.count(name) ? vcpus_before_[name] : 0;
    vcpus_before_.erase(name);
    if (d->state != State::Active || want <= d->vcpus) return {};
    auto op = mgr_.new_operation(fmt::format("cancel-operation migration {}", name));
    give_back_vcpus(op, name, want, Reply{});
    return mgr_.settle(op);
  }
  return fail(fmt::format("No migration of LDom {} is in progress", name));
}

// ---- the target ----------------------------------------------------------------------------
void Migrator::listen_loop() {
  while (!threads_->stop) {
    std::string why;
    std::unique_ptr<link::Channel> ch = listener_->accept(1000, why);
    if (threads_->stop) break;
    if (!ch) continue;
    auto in = std::make_shared<Incoming>();
    in->ch = std::move(ch);
    std::lock_guard<std::mutex> l(mu_);
    incoming_.push_back(in);
    in->th = std::thread([this, in] {
      serve(in);
      in->done = true;
    });
  }
}

// One incoming migration, on its own thread; the main thread does what touches the host.
void Migrator::serve(std::shared_ptr<Incoming> in) {
  link::Channel& c = *in->ch;
  std::string why, body;
  uint8_t type = 0;
  // Runs f on the main thread and waits for its result (bounded: ldmd may be stopping).
  auto on_main = [this](std::function<std::string()> f) -> std::optional<std::string> {
    auto p = std::make_shared<std::promise<std::string>>();
    auto fut = p->get_future();
    post([p, f] { p->set_value(f()); });
    while (fut.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready)
      if (threads_->stop) return std::nullopt;
    return fut.get();
  };
  if (!c.recv(type, body, 10000, why) || type != kHello) return;
  wire::Hello hello;
  try {
    hello = wire::parse_hello(body);
    in->user = hello.user;
    in->source_host = hello.source;
  } catch (const std::exception&) {
    c.send(kAuthFail, "Malformed migration request", why);
    return;
  }
  // Authentication: a certificate from our CA (-c), or a password from the auth file;
  // repeated failures from one user and peer wait longer and longer.
  bool ok = false;
  if (!cfg_.tls.ca_file.empty() && !c.peer_name().empty()) ok = true;
  else if (auth_ && hello.has_password) {
    std::string key = in->user + "@" + c.peer_address();
    std::this_thread::sleep_for(threads_->throttle.delay(key));
    ok = auth_->check(in->user, hello.password);
    if (ok) threads_->throttle.succeeded(key);
    else threads_->throttle.failed(key);
  }
  if (!ok) {
    c.send(kAuthFail, fmt::format("Authentication of user {} failed on the target machine: check the password (or "
                                  "the certificates with -c)", in->user), why);
    return;
  }
  if (!c.send(kHelloOk, json{{"target", mgr_.model().hostname}}.dump(), why)) return;
  if (!c.recv(type, body, kReplyMs, why) || type != kOffer) return;
  auto die = [this](const std::string& phase, unsigned pct) {   // test hook: the target ldmd is killed here
    if (fault_.kind != "exit" || !fault_.at(phase, pct)) return;
    std::fprintf(stderr, "ldmd: --migration-fault %s: exiting\n", cfg_.fault.c_str());
    _exit(137);
  };
  die("checks", 0);
  try {   // read whole before anything is done with it
    in->offer = wire::parse_offer(body);
  } catch (const std::exception& e) {
    in->malformed = e.what();
  }
  auto checked = on_main([this, in]() -> std::string {
    std::vector<std::string> problems;
    try {
      if (!in->malformed.empty()) throw std::runtime_error(in->malformed);
      problems = target_check(*in);
    } catch (const std::exception& e) {
      problems = {std::string("The migration request is malformed: ") + e.what()};
    }
    // The target's side: checks, then receive until the install (or the abort).
    std::string name = in->name.empty() ? std::string("?") : in->name;
    in->trace->begin(name, fmt::format("receive {} from {}", name, in->source_host), {{"kind", in->kind, 0, false}});
    in->trace->phase("checks");
    if (!problems.empty() || in->dry || (!in->shell && in->kind != "inactive"))
      in->trace->end({{"outcome", !problems.empty() ? "refused" : in->dry ? "dry run" : "checked", 0, false}});
    else
      in->trace->phase("receive");
    return json{{"problems", problems},
                {"maus", in->maus},
                {"primary_maus", mgr_.primary().mau_cores.size()},
                {"primary_vcpus", mgr_.primary().vcpus}}
        .dump();
  });
  if (!checked || !c.send(kChecked, *checked, why)) {
    if (checked) on_main([this, in] { target_abort(*in, "lost"); return std::string(); });
    return;
  }
  if (in->dry || (!in->shell && in->kind != "inactive")) return;
  bool failed_check = false;
  try {
    failed_check = !json::parse(*checked).at("problems").empty();
  } catch (...) {
  }
  if (failed_check) return;
  die("prepare", 0);
  // The transfer.
  auto abort = [&](const std::string& why) { on_main([this, in, why] { target_abort(*in, why); return std::string(); }); };
  for (;;) {
    if (!c.recv(type, body, kReplyMs, why)) return abort("the connection to the source was lost");
    if (type == kCancel) {
      // What arrived is zeroed before the memory goes back to the free pool: modelled on the
      // received pages (each once, however many rounds sent it).
      uint64_t bytes = in->memory.pages() * kPage;
      c.send(kScrubbed, json{{"bytes", bytes}, {"scrub_us", whole_us(double(bytes) / (cfg_.timing.scrub_mb_s * 1e6))}}.dump(),
             why);
      return abort("cancelled by the source");
    }
    if (type == kMemory) {
      wire::MemoryFrame f;
      if (!wire::parse_memory_frame(body, f)) return abort("a malformed memory frame");
      in->received += f.count;
      in->memory.take(std::move(f));
      unsigned pct = unsigned(in->expected ? 100 * in->received / in->expected : 100);
      die("transfer", pct);
      if (fault_.kind == "out-of-memory" && fault_.at("transfer", pct)) {
        c.send(kFailed, fmt::format("The target machine ran out of memory receiving LDom {}", in->name), why);
        return abort("out of memory");
      }
      continue;
    }
    if (type == kProgress) {   // (live) the source's progress: at most 100, only up
      if (body.size() <= 3 && !body.empty() && std::all_of(body.begin(), body.end(), ::isdigit))
        in->mirrored = std::max<unsigned>(in->mirrored, std::min(100u, unsigned(std::stoul(body))));
      continue;
    }
    if (type == kRuntime) {
      in->runtime = std::move(body);
      continue;
    }
    if (type == kBegin) {
      try {
        wire::Begin b = wire::parse_begin(body);
        std::lock_guard<std::mutex> l(mu_);   // (poll() reads them for the progress)
        in->expected = std::max<uint64_t>(1, b.pages);
        in->received = 0;
        in->from_pct = b.from_pct;
        in->to_pct = b.to_pct;
      } catch (const std::exception&) {
        return abort("a malformed start of transfer");
      }
      continue;
    }
    if (type == kDone || type == kCommit) {
      try {
        in->times = wire::parse_phase_times(body);
      } catch (const std::exception&) {
        return abort("malformed phase times");
      }
      if (type == kDone) {
        try {
          in->crc = wire::parse_done(body);
          in->verify = true;
        } catch (const std::exception&) {
          return abort("a malformed end of transfer");
        }
      }
      die("handoff", 0);
      auto err = on_main([this, in] {
        in->trace->phase("install");
        std::string e = target_install(*in);
        std::vector<trace::Arg> a{{"outcome", e.empty() ? "installed" : "failed", 0, false}};
        if (in->times.present)
          for (auto [k, v] : {std::pair<const char*, uint64_t>{"checks_us", in->times.checks_us}, {"prepare_us", in->times.prepare_us},
                              {"transfer_us", in->times.transfer_us}, {"handoff_us", in->times.handoff_us},
                              {"rounds", in->times.rounds}, {"downtime_us", in->times.downtime_us}})
            a.push_back({k, {}, v, true});
        if (!e.empty()) a.push_back({"error", e, 0, false});
        in->trace->end(std::move(a));
        return e;
      });
      if (!err) return;
      if (!err->empty()) {
        c.send(kFailed, *err, why);
        return;
      }
      c.send(type == kDone ? kResumed : kCommitted, "{}", why);
      return;
    }
    return abort("an unexpected message");
  }
}

// Phase 1 on the target: every requirement the offer does not meet, one line each; with
// none (and no dry run), the receiving domain is created and bound ('t' in the flags).
std::vector<std::string> Migrator::target_check(Incoming& in) {
  const wire::Offer& o = in.offer;
  in.kind = o.kind;
  in.dry = o.dry_run;
  Domain d = offered_domain(o);
  in.name = d.name;
  std::vector<std::string> p;
  if (!valid_name(d.name)) p.push_back(fmt::format("Invalid LDom name: {}", d.name));
  if (mgr_.m_.find(d.name)) p.push_back(fmt::format("LDom {} already exists on the target machine", d.name));
  if (mgr_.primary().delayed)
    p.push_back("A delayed reconfiguration of LDom primary is in progress on the target machine");
  for (const Domain& x : mgr_.m_.domains)
    if (x.migration.role != Role::None) p.push_back(fmt::format("A migration of LDom {} is in progress on the target machine", x.name));
  for (const Domain& x : mgr_.m_.domains) {
    bool taken = x.mac == d.mac;
    for (const Vnet& n : x.vnets)
      for (const Vnet& m : d.vnets) taken |= n.mac == m.mac;
    if (taken) p.push_back(fmt::format("MAC address {} is already in use.", format_mac(d.mac)));
  }
  if (in.kind != "inactive") {
    // Every virtual I/O service the domain uses must be here (seed 001): vds volumes, vsws.
    for (const Vdisk& v : d.vdisks) {
      const Vds* vds = nullptr;
      for (const Domain& x : mgr_.m_.domains)
        for (const Vds& s : x.vdss)
          if (s.name == v.vds && x.name == v.vds_domain) vds = &s;
      if (!vds) p.push_back(fmt::format("Service {}@{} for vdisk {} does not exist on the target machine", v.vds, v.vds_domain, v.name));
      else if (std::none_of(vds->volumes.begin(), vds->volumes.end(), [&](const VdsVolume& x) { return x.name == v.volume; }))
        p.push_back(fmt::format("Volume {}@{} for vdisk {} does not exist on the target machine", v.volume, v.vds, v.name));
    }
    for (const Vdpcc& c : d.vdpccs) {
      bool found = false;
      for (const Domain& x : mgr_.m_.domains)
        for (const Vdpcs& s : x.vdpcss) found |= s.name == c.service && x.name == c.service_domain;
      if (!found)
        p.push_back(fmt::format("Service {}@{} for vdpcc {} does not exist on the target machine", c.service, c.service_domain, c.name));
    }
    for (const Vnet& n : d.vnets) {
      bool found = false;
      for (const Domain& x : mgr_.m_.domains)
        for (const Vsw& s : x.vsws) found |= s.name == n.vsw && x.name == n.vsw_domain;
      if (!found) p.push_back(fmt::format("Service {}@{} for vnet {} does not exist on the target machine", n.vsw, n.vsw_domain, n.name));
    }
  }
  if (in.kind == "active") {
    if (o.cpu != mgr_.platform().chip || o.stick_hz != mgr_.platform().stick_hz)
      p.push_back(fmt::format("The target machine's CPU type or %stick frequency ({} Hz) differs from the source's ({} Hz)",
                              mgr_.platform().stick_hz, o.stick_hz));
    // Whole cores (LDoms 1.2): the domain's strand count rounded up to cores.
    unsigned per = mgr_.platform().strands_per_core, cores = (d.vcpus + per - 1) / per, free_cores = 0;
    for (unsigned c = 0; c < mgr_.platform().cores(); ++c) {
      bool all = true;
      for (unsigned st = c * per; st < (c + 1) * per; ++st) all &= !mgr_.owner_of_strand(st);
      free_cores += all;
    }
    if (free_cores < cores)
      p.push_back(fmt::format("Insufficient whole cores on the target machine: {} needed for {} vcpus, {} free", cores,
                              d.vcpus, free_cores));
  }
  if (fault_.kind == "out-of-memory" && fault_.phase == "checks")
    p.push_back(fmt::format("Unable to bind {} memory region at real address {:#x}", format_size(d.memory), kRaBase));
  if (!p.empty() || in.dry || in.kind == "inactive") {
    in.expected = 0;
    return p;
  }
  // The receiving domain: its constraints and devices as on the source, bound with the same
  // real-address blocks and the same channel ids.
  std::vector<MemRange> layout;
  for (const auto& [ra, size] : o.layout) layout.push_back({ra, 0, size});
  host_.preset_device_channels({{d.name, o.channels}});
  mgr_.m_.domains.push_back(d);
  Domain& shell = mgr_.m_.domains.back();
  std::string err = mgr_.bind(shell, &layout);
  // OVM 2.0: crypto units are added back at the end, as many as the target has free.
  while (!err.empty() && o.compat == "2.0" && shell.maus > 0 &&
         err.rfind("Insufficient crypto units", 0) == 0) {
    --shell.maus;
    err = mgr_.bind(shell, &layout);
  }
  in.maus = shell.maus;
  host_.preset_device_channels({});
  if (err.empty() && fault_.kind == "out-of-memory" && fault_.phase == "prepare")
    err = fmt::format("Unable to bind {} memory region at real address {:#x}", format_size(layout.front().size), layout.front().ra);
  if (!err.empty()) {
    if (shell.state == State::Bound) mgr_.unbind(shell);
    mgr_.m_.domains.pop_back();
    return {err};
  }
  shell.migration.role = Role::Target;
  shell.migration.peer = in.source_host;
  shell.migration.progress = unsigned(kPreparePct);
  in.shell = true;
  in.expected = std::max<uint64_t>(1, o.pages);
  return {};
}

// Handoff on the target: install what came, resume the guest (active), or take the domain
// as it is (bound, inactive). "" or why not (then the receiving domain is gone).
std::string Migrator::target_install(Incoming& in) {
  auto record = [&in](Domain& d) {   // the source's phase times, for ldm list -o status
    d.migrated_in.clear();
    if (in.times.present)
      d.migrated_in.push_back({in.source_host, in.times.checks_us, in.times.prepare_us, in.times.transfer_us,
                               in.times.handoff_us, in.times.live, in.times.rounds, in.times.downtime_us});
  };
  if (in.kind == "inactive") {
    Domain d = offered_domain(in.offer);
    if (mgr_.m_.find(d.name)) return fmt::format("LDom {} already exists on the target machine", d.name);
    record(d);
    mgr_.m_.domains.push_back(d);
    mgr_.save();
    return "";
  }
  Domain* d = mgr_.m_.find(in.name);
  if (!d || !in.shell) return "The receiving domain is gone on the target machine";
  if (in.kind == "bound") {
    d->migration = {};
    record(*d);
    mgr_.save();
    return "";
  }
  if (fault_.kind == "out-of-memory" && fault_.phase == "handoff") {
    target_abort(in, "out of memory");
    return fmt::format("Unable to install the memory of LDom {} on the target machine: out of memory", in.name);
  }
  hv::Hypervisor& hv = host_.hypervisor();
  hv::Guest* g = hv.find_guest(d->name);
  std::vector<std::pair<uint64_t, const uint8_t*>> pages;
  pages.reserve(in.memory.pages());
  in.memory.for_each([&](uint64_t ra, const uint8_t* p) { pages.emplace_back(ra, p); });
  std::string why;
  try {
    if (!g) throw std::runtime_error("no guest");
    if (!hv.install_migrated_pages(*g, pages, why)) throw std::runtime_error(why);
    // The memory as it arrived must be the memory the source suspended: checked before the
    // guest runs here (a channel's reset then writes its interrupt into the guest's queue).
    uint64_t n = 0;
    uint32_t crc = hv.memory_checksum(*g, &n);
    if (in.verify && crc != in.crc)
      throw std::runtime_error(fmt::format("its memory arrived different from the source's (crc32 {:08x}, the source "
                                           "sent {:08x})", crc, in.crc));
    state::Decoder dec(reinterpret_cast<const uint8_t*>(in.runtime.data()), in.runtime.size(), "migration runtime state");
    hv.load_migration(*g, dec, uint64_t(cfg_.timing.suspend_skew_s * double(mgr_.platform().stick_hz)));
  } catch (const std::exception& e) {
    std::string err = fmt::format("Unable to install LDom {} on the target machine: {}", in.name, e.what());
    target_abort(in, err);
    return err;
  }
  in.memory.clear();
  d->state = State::Active;
  d->started_at = mgr_.now();
  d->migration = {};
  d->migrated = true;   // CPU DR stays disabled until it reboots (LDoms 1.2)
  record(*d);
  host_.resume_domain(*d);
  mgr_.save();
  return "";
}

// The migration will not complete here: the receiving domain goes away (its memory was
// never anybody else's).
void Migrator::target_abort(Incoming& in, const std::string& why) {
  in.trace->end({{"outcome", "aborted", 0, false}, {"error", why, 0, false}});
  if (!in.shell) return;
  in.shell = false;
  Domain* d = mgr_.m_.find(in.name);
  if (!d || d->migration.role != Role::Target) return;
  if (d->state == State::Active) host_.stop(*d);
  if (d->state != State::Inactive) mgr_.unbind(*d);
  mgr_.m_.domains.erase(std::find_if(mgr_.m_.domains.begin(), mgr_.m_.domains.end(),
                                     [&](const Domain& x) { return x.name == in.name; }));
}

}  // namespace vfsim::ldm
