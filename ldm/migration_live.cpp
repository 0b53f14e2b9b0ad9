// The source side of a live (pre-copy) migration, the capture both modes end with, and the
// dry run's prediction (docs/migration.md "Live migration", "Prediction").
//
// Round 0 sends every non-zero page while the guest runs; round k the pages the dirty log
// (hv/dirty_log.h) saw written during round k-1. Each round's contents are copied at once on
// the main thread, when it starts (nothing of the guest runs meanwhile), and take their
// modelled time on this host's clock while the guest runs on and dirties more. After each
// round live_verdict (migration_model.h) decides: another round, or suspend and send the
// rest, or fail when it cannot converge and the policy says so. The same function plans the
// rounds of `ldm migrate-domain -n` from a dirty rate measured over a short window.
#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "ldm/migration_internal.h"
#include "ldm/units.h"
#include "sim/state/codec.h"

namespace vfsim::ldm {

using json = nlohmann::json;
using namespace mig;

namespace {
constexpr double kPageBytes = double(kPage);

std::string ms3(double s) { return fmt::format("{:.3f}", s * 1e3); }
}  // namespace

// ---- live rounds ---------------------------------------------------------------------------
void Migrator::source_live_start(std::shared_ptr<Source> s) {
  Domain* d = mgr_.m_.find(s->domain);
  hv::Hypervisor& hv = host_.hypervisor();
  hv::Guest* g = hv.find_guest(d->name);
  if (!g) return source_fail(s, fmt::format("LDom {} has no guest running", d->name));
  // Prepare: the target has bound its receiving domain (in the checks); here the log starts.
  s->op->set_progress("prepare");
  s->trace->phase("prepare");
  d->migration.progress = unsigned(kPreparePct);
  d->migration.live = true;
  hv.dirty_log_start(*g);
  s->t_prepared = mgr_.now();
  s->trace->phase("transfer");
  s->op->set_progress("transfer");
  {
    std::lock_guard<std::mutex> l(s->mu);
    if (s->next == Source::Next::Wait) s->next = Source::Next::Transfer;
  }
  s->cv.notify_all();
  source_capture(s);   // (its test hooks for the prepare phase, then round 0)
}

// The progress of a live migration: the share of the bytes sent so far in what is known to
// be still to send (the rest of this round and what the guest has dirtied since it began),
// so it neither reaches the handoff early nor goes back when a round ends.
void Migrator::live_progress(Source& s, double round_fraction) {
  Domain* d = mgr_.m_.find(s.domain);
  hv::Guest* g = host_.hypervisor().find_guest(s.domain);
  if (!d || !g || s.rounds.empty()) return;
  const Source::Round& r = s.rounds.back();
  double done = double(s.total_bytes - r.bytes) + round_fraction * double(r.bytes);
  double dirty = double(host_.hypervisor().dirty_log_count(*g)) * kPageBytes;
  double rest = (1 - round_fraction) * double(r.bytes) + dirty;
  double share = done + rest > 0 ? done / (done + rest) : 0;
  unsigned pct = unsigned(kPreparePct + (kHandoffPct - 1 - kPreparePct) * share);
  s.progress_floor = std::max(s.progress_floor, pct);
  s.shown = s.progress_floor;
  d->migration.progress = s.progress_floor;
  d->migration.elapsed = mgr_.now() - s.t0;
  double since = mgr_.now() - r.start;
  if (since > 0 && round_fraction > 0) d->migration.dirty_rate = dirty / since;
  d->migration.expected_downtime = (dirty + double(s.runtime_estimate)) / s.rate + cfg_.timing.handoff_s;
}

// One round while the guest runs: copy the pages, hand them to the worker, let the modelled
// time pass, wait for the real send, then decide.
void Migrator::live_round(std::shared_ptr<Source> s) {
  Domain* d = mgr_.m_.find(s->domain);
  hv::Hypervisor& hv = host_.hypervisor();
  hv::Guest* g = hv.find_guest(s->domain);
  if (!d || !g) return source_fail(s, fmt::format("LDom {} is gone", s->domain));
  Source::Batch b;
  b.round = unsigned(s->rounds.size());
  if (b.round == 0) {
    hv.dirty_log_read_and_clear(*g);   // (nothing ran since the start; the copy below is the state)
    hv.resident_pages(*g, [&](uint64_t ra, const uint8_t* p) {
      if (all_zero(p)) return;   // the target's memory starts zero
      b.ras.push_back(ra);
    });
    s->touched_pages = b.ras.size();
    s->touched_bytes = s->touched_pages * kPage;
  } else {
    b.ras = hv.dirty_log_read_and_clear(*g);   // zero or not: each is sent, it may have been non-zero before
  }
  copy_pages(*g, b);
  Source::Round r;
  r.pages = b.ras.size();
  r.bytes = r.pages * kPage;
  r.start = mgr_.now();
  r.seconds = double(r.bytes) / s->rate;
  s->total_bytes += r.bytes;
  s->rounds.push_back(r);
  d->migration.round_bytes.push_back(r.bytes);
  s->trace->round_begin(fmt::format("round {}", b.round),
                        {{"round", {}, b.round, true}, {"pages", {}, r.pages, true}, {"bytes", {}, r.bytes, true}});
  b.from_pct = s->progress_floor;
  b.to_pct = b.from_pct;   // (the target shows the progress the source passes on: PROGRESS)
  size_t pages = b.ras.size();
  {
    std::lock_guard<std::mutex> l(s->mu);
    s->batches.push_back(std::move(b));
  }
  s->cv.notify_all();
  live_progress(*s, 0);
  double until = r.start + r.seconds;
  unsigned index = unsigned(s->rounds.size());
  s->op->set_step_seconds(std::clamp(r.seconds / 200, Operation::kStepSeconds, 1e-3));
  auto fraction = [this, s, pages, r] {
    double sim = r.seconds > 0 ? std::min(1.0, (mgr_.now() - r.start) / r.seconds) : 1.0;
    double real = pages ? std::min(1.0, double(s->sent) / double(pages)) : 1.0;
    if (s->batches_sent >= s->rounds.size()) real = 1.0;
    return std::min(sim, real);
  };
  s->op->wait(
      [this, s, until, fraction] {
        if (!s->finished) live_progress(*s, fraction());
        return s->finished || s->cancel || mgr_.now() >= until - 1e-12;
      },
      r.seconds * 2 + 1, [this, s, index, fraction](bool) {
        s->op->set_step_seconds(0);   // the modelled time has passed: now only the real send
        s->op->wait(
            [this, s, index, fraction] {
              if (!s->finished) live_progress(*s, fraction());
              return s->finished || s->cancel || s->worker_done || s->batches_sent >= index;
            },
            1e9, [this, s](bool) { live_round_done(s); });
      });
}

void Migrator::live_round_done(std::shared_ptr<Source> s) {
  if (s->finished) return;
  if (s->cancel) return source_fail(s, "The migration was cancelled (ldm cancel-operation)");
  if (s->worker_done)   // (its own report, posted, says the same if it comes first)
    return source_fail(s, fmt::format("The connection to ldmd on {} was lost during the transfer", s->host));
  hv::Hypervisor& hv = host_.hypervisor();
  hv::Guest* g = hv.find_guest(s->domain);
  Domain* d = mgr_.m_.find(s->domain);
  if (!g || !d) return source_fail(s, fmt::format("LDom {} is gone", s->domain));
  Source::Round& r = s->rounds.back();
  r.dirtied = hv.dirty_log_count(*g);
  s->trace->round_end({{"dirtied_pages", {}, r.dirtied, true}});
  uint64_t remaining = r.dirtied * kPage;
  if (r.seconds > 0) d->migration.dirty_rate = double(remaining) / r.seconds;
  d->migration.expected_downtime = double(remaining + s->runtime_estimate) / s->rate + cfg_.timing.handoff_s;
  s->verdict = live_verdict(s->policy, unsigned(s->rounds.size()), remaining, r.bytes, s->rate);
  if (s->verdict == LiveVerdict::Continue) return live_round(s);
  if (s->verdict != LiveVerdict::Converged && s->policy.no_converge == LivePolicy::OnNoConverge::Fail) {
    hv.dirty_log_stop(*g);
    return source_fail(s, fmt::format("Live migration of LDom {} did not converge ({}): after {} rounds {} was dirty "
                                      "again (dirty rate {:.1f} MB/s, copy rate {:.1f} MB/s); sending it suspended would "
                                      "take {} ms, over the downtime limit of {} ms. {} runs on here",
                                      s->domain, verdict_name(s->verdict), s->rounds.size(), format_size(remaining),
                                      d->migration.dirty_rate / 1e6, s->rate / 1e6,
                                      ms3(double(remaining) / s->rate), ms3(s->policy.downtime_limit_s), s->domain));
  }
  // Stop and copy: the guest is asked to suspend (it runs, and writes, until it does).
  s->op->set_progress("transfer");
  s->op->set_step_seconds(Operation::kStepSeconds);
  double asked = mgr_.now();
  host_.suspend_domain(*d, *s->op, [this, s, asked](const std::string& err) {
    if (!err.empty()) {
      if (hv::Guest* g = host_.hypervisor().find_guest(s->domain)) host_.hypervisor().dirty_log_stop(*g);
      return source_fail(s, err);
    }
    Domain* d = mgr_.m_.find(s->domain);
    s->suspended = true;
    d->migration.suspended = true;
    s->t_suspended = mgr_.now();
    s->suspend_asked = asked;
    if (s->cancel) return source_fail(s, "The migration was cancelled (ldm cancel-operation)");
    capture_final(s);
  });
}

// ---- the capture both modes end with -------------------------------------------------------
void Migrator::copy_pages(hv::Guest& g, Source::Batch& b) {
  b.pages.resize(b.ras.size() * kPage);
  size_t i = 0;
  hv::Hypervisor& hv = host_.hypervisor();
  // resident_pages walks in real-address order, as the list is: one pass fills the copy.
  hv.resident_pages(g, [&](uint64_t ra, const uint8_t* p) {
    while (i < b.ras.size() && b.ras[i] < ra) ++i;   // (not resident: it stays zero)
    if (i < b.ras.size() && b.ras[i] == ra) std::memcpy(&b.pages[i * kPage], p, kPage);
  });
}

// The suspended guest's state, captured at once: nothing of it runs any more, and its
// services start over (what they had in flight would otherwise still write its memory).
// Warm: every non-zero page; live: the pages dirtied since the last round.
void Migrator::capture_final(std::shared_ptr<Source> s) {
  Domain* d = mgr_.m_.find(s->domain);
  hv::Hypervisor& hv = host_.hypervisor();
  hv::Guest* g = hv.find_guest(d->name);
  hv.reset_service_channels(*g);
  state::Encoder e;
  hv.save_migration(*g, e);
  Source::Batch b;
  b.last = true;
  b.round = unsigned(s->rounds.size());
  if (s->live) {
    b.ras = hv.dirty_log_read_and_clear(*g);
    hv.dirty_log_stop(*g);
  } else {
    hv.resident_pages(*g, [&](uint64_t ra, const uint8_t* p) {
      if (!all_zero(p)) b.ras.push_back(ra);   // zero pages are elided: the target's memory starts zero
    });
    s->touched_pages = b.ras.size();
    s->touched_bytes = s->touched_pages * kPage;
  }
  copy_pages(*g, b);
  s->crc = hv.memory_checksum(*g, &s->nonzero_at_suspend);
  Source::Round r;
  r.pages = b.ras.size();
  r.bytes = r.pages * kPage;
  r.start = mgr_.now();
  r.seconds = double(r.bytes + e.buf.size()) / s->rate;
  r.suspended = true;
  s->total_bytes += r.bytes;
  s->rounds.push_back(r);
  s->last_pages = r.pages;
  s->trace->round_begin(s->live ? "final round" : "copy", {{"round", {}, b.round, true}, {"pages", {}, r.pages, true},
                                                          {"bytes", {}, r.bytes, true}, {"suspended", {}, 1, true}});
  if (s->live) d->migration.round_bytes.push_back(r.bytes);
  // The transfer phase: warm, the copy; live, the rounds, the suspend and the last round.
  s->modelled_transfer = s->live ? (r.start - s->t_prepared) + r.seconds : r.seconds;
  b.from_pct = s->live ? s->progress_floor : unsigned(kPreparePct);
  b.to_pct = unsigned(kHandoffPct);
  json end = {{"pages", r.pages},
              {"crc", s->crc},
              {"checks_us", whole_us(s->t_checked - s->t0)},
              {"prepare_us", whole_us(s->t_prepared - s->t_checked)},
              {"transfer_us", whole_us(s->modelled_transfer)},
              {"handoff_us", whole_us(s->handoff_s)}};
  if (s->live) {
    end["rounds"] = s->rounds.size();
    end["downtime_us"] = whole_us(r.seconds + s->handoff_s);
  }
  {
    std::lock_guard<std::mutex> l(s->mu);
    s->runtime.assign(e.buf.begin(), e.buf.end());
    s->done_body = end.dump();
    if (s->next == Source::Next::Wait) s->next = Source::Next::Transfer;
    s->batches.push_back(std::move(b));
  }
  s->cv.notify_all();
  s->op->set_progress("transfer");
  source_transfer_wait(s);
}

// ---- the dry run: measure, then plan -------------------------------------------------------
// The guest's dirty rate over a short window of simulated time: the log's distinct pages at
// sixteen points (without clearing it), the curve predict() reads each round's dirty set from.
void Migrator::source_predict(std::shared_ptr<Source> s) {
  s->trace->phase("predict");   // -n: what it would take (the dirty rate measured first)
  Domain* d = mgr_.m_.find(s->domain);
  hv::Hypervisor& hv = host_.hypervisor();
  hv::Guest* g = d ? hv.find_guest(d->name) : nullptr;
  if (!d || d->state != State::Active || !g || !s->live) return source_plan(s, {});
  // The window: as long as round 0 would take (every later round is shorter while it
  // converges, so each is read inside the measured curve), within [50 ms, --migration-sample-ms].
  uint64_t touched = 0;
  hv.resident_pages(*g, [&](uint64_t, const uint8_t* p) { touched += !all_zero(p); });
  double window = std::clamp(double(touched) * kPageBytes / s->rate, 0.05, std::max(0.05, cfg_.sample_s));
  hv.dirty_log_start(*g);
  auto curve = std::make_shared<DirtyCurve>();
  for (const hv::Mblock& m : g->memory) curve->cap += m.size / kPage;
  double start = mgr_.now();
  s->sampled_s = window;
  s->op->set_progress("measuring the dirty rate");
  s->op->set_step_seconds(std::clamp(window / 400, Operation::kStepSeconds, 1e-3));
  auto next_sample = std::make_shared<int>(1);
  s->op->wait(
      [this, s, start, window, curve, next_sample] {
        hv::Guest* g = host_.hypervisor().find_guest(s->domain);
        if (!g) return true;
        double at = start + window * *next_sample / 16;
        if (mgr_.now() >= at - 1e-12) {
          curve->samples.push_back({mgr_.now() - start, host_.hypervisor().dirty_log_count(*g)});
          ++*next_sample;
        }
        return *next_sample > 16;
      },
      window * 2 + 1, [this, s, curve](bool) {
        s->op->set_step_seconds(0);
        if (hv::Guest* g = host_.hypervisor().find_guest(s->domain)) host_.hypervisor().dirty_log_stop(*g);
        source_plan(s, *curve);
      });
}

void Migrator::source_plan(std::shared_ptr<Source> s, const DirtyCurve& curve) {
  Domain* d = mgr_.m_.find(s->domain);
  hv::Hypervisor& hv = host_.hypervisor();
  hv::Guest* g = d ? hv.find_guest(d->name) : nullptr;
  PredictInput in;
  in.kind = s->kind;
  in.live = s->live;
  in.timing = cfg_.timing;
  in.policy = s->policy;
  in.rate = s->rate;
  in.dirty = curve;
  in.vcpus_removed = d && d->vcpus > 1 ? d->vcpus - 1 : 0;
  if (g && s->kind == "active") {
    hv.resident_pages(*g, [&](uint64_t, const uint8_t* p) { in.touched_pages += !all_zero(p); });
    state::Encoder e;
    hv.save_migration(*g, e);
    in.runtime_bytes = e.buf.size();
  }
  Prediction p = predict(in);
  Reply r;
  std::string what = s->kind == "active" ? fmt::format("{}, {}", s->kind, s->live ? "live" : "warm") : s->kind;
  if (p.fails)
    r.out = fmt::format("Migration of LDom {} to {} ({}) would fail: it would not converge ({}) in {} rounds\n", s->domain,
                        s->host, what, verdict_name(p.verdict), p.rounds.size());
  else
    r.out = fmt::format("Migration of LDom {} to {} as {} ({}): predicted {} s of simulated time\n", s->domain, s->host,
                        s->target_name, what, fmt::format("{:.3f}", p.total()));
  auto line = [](const char* name, double sec) { return fmt::format("    {:<9}{:>12} ms\n", name, ms3(sec)); };
  r.out += line("checks", p.checks) + line("prepare", p.prepare) + line("transfer", p.transfer) + line("handoff", p.handoff);
  if (s->kind == "active") r.out += line("downtime", p.downtime);
  if (s->kind == "active") {
    r.out += fmt::format("Memory: {} non-zero pages ({}); pipeline {:.1f} MB/s", in.touched_pages,
                         format_size(in.touched_pages * kPage), s->rate / 1e6);
    if (s->live)
      r.out += fmt::format("; dirty rate {:.1f} MB/s measured over {} ms", curve.rate() * kPageBytes / 1e6,
                           ms3(s->sampled_s));
    r.out += "\n";
    for (size_t i = 0; i < p.rounds.size(); ++i)
      r.out += fmt::format("    {:<16}{:>9} pages {:>12} ms\n",
                           p.rounds[i].suspended ? (s->live ? std::string("last (suspended)") : std::string("copy (suspended)"))
                                                 : fmt::format("round {}", i),
                           p.rounds[i].pages, ms3(p.rounds[i].seconds));
  }
  s->trace->end({{"outcome", "dry run", 0, false}});
  s->finished = true;
  if (p.fails) r.code = 1;   // (as the real migration would)
  s->op->finish(r);
}

// ---- the timeline --------------------------------------------------------------------------
// A Chrome/Perfetto trace of the migration as this host saw it (trace=FILE): a track for the
// source host (phases, rounds), the target (what it received, modelled on the same clock),
// the guest's vCPUs (running, parked, suspended); counters of the bytes sent and the pages
// dirty. Times in microseconds of the source's simulated time since the migration began.
std::string Migrator::write_trace(const Source& s, double t_end, bool ok) {
  if (s.trace_file.empty()) return "";
  auto us = [&](double t) { return std::max(0.0, (t - s.t0) * 1e6); };
  json ev = json::array();
  auto meta = [&](const char* what, int pid, int tid, const std::string& name) {
    json m = {{"ph", "M"}, {"name", what}, {"pid", pid}, {"args", {{"name", name}}}};
    if (tid) m["tid"] = tid;
    ev.push_back(m);
  };
  auto slice = [&](const char* cat, const std::string& name, int pid, int tid, double a, double b, json args) {
    if (b < a) return;
    ev.push_back({{"ph", "X"}, {"cat", cat}, {"name", name}, {"pid", pid}, {"tid", tid}, {"ts", us(a)},
                  {"dur", us(b) - us(a)}, {"args", args.is_null() ? json::object() : args}});
  };
  unsigned vcpus = std::max(1u, s.shrunk_from ? s.shrunk_from : s.vcpus_at_start);
  meta("process_name", 1, 0, s.source_host + " (source)");
  meta("process_name", 2, 0, s.host + " (target)");
  meta("process_name", 3, 0, s.domain + " vCPUs");
  meta("thread_name", 1, 1, "phases");
  meta("thread_name", 1, 2, "rounds");
  meta("thread_name", 2, 1, "receive");
  for (unsigned v = 0; v < vcpus; ++v) meta("thread_name", 3, int(v + 1), fmt::format("vcpu{}", v));
  double checked = s.t_checked > 0 ? s.t_checked : t_end;
  double prepared = s.t_prepared > 0 ? s.t_prepared : checked;
  double transferred = s.t_transfer_end > 0 ? s.t_transfer_end : t_end;
  slice("phase", "checks", 1, 1, s.t0, checked, {});
  if (s.t_prepared > 0) slice("phase", "prepare", 1, 1, checked, prepared, {});
  if (!s.rounds.empty()) slice("phase", "transfer", 1, 1, prepared, transferred, {});
  if (ok) slice("phase", "handoff", 1, 1, transferred, t_end, {});
  uint64_t sent = 0;
  ev.push_back({{"ph", "C"}, {"name", "bytes sent"}, {"pid", 1}, {"ts", us(prepared)}, {"args", {{"bytes", 0}}}});
  for (size_t i = 0; i < s.rounds.size(); ++i) {
    const Source::Round& r = s.rounds[i];
    std::string name = r.suspended ? (s.live ? "final round" : "copy") : fmt::format("round {}", i);
    double end = std::min(r.start + r.seconds, transferred);
    json args = {{"pages", r.pages}, {"bytes", r.bytes}};
    if (!r.suspended) args["dirtied_pages"] = r.dirtied;
    slice("round", name, 1, 2, r.start, end, args);
    slice("receive", "receive " + name, 2, 1, r.start, end, {{"pages", r.pages}});
    for (int k = 1; k <= 8; ++k)   // (a ramp: the round's bytes go out at the pipeline's rate)
      ev.push_back({{"ph", "C"}, {"name", "bytes sent"}, {"pid", 1}, {"ts", us(r.start + (end - r.start) * k / 8)},
                    {"args", {{"bytes", sent + r.bytes * uint64_t(k) / 8}}}});
    sent += r.bytes;
    if (!r.suspended)
      ev.push_back({{"ph", "C"}, {"name", "dirty pages"}, {"pid", 1}, {"ts", us(end)}, {"args", {{"pages", r.dirtied}}}});
  }
  if (ok) slice("receive", "install and resume", 2, 1, transferred, t_end, {});
  // The guest: vCPU 0 runs until it suspends, then (on the target) again; the others are
  // parked by the prepare phase (warm: CPU DR) or by the guest itself before it suspends.
  double susp = s.t_suspended > 0 ? s.t_suspended : t_end;
  slice("guest", "running", 3, 1, s.t0, susp, {});
  if (s.t_suspended > 0) slice("guest", "suspended", 3, 1, susp, ok ? t_end : transferred, {});
  if (ok) slice("guest", "running", 3, 1, t_end, t_end + std::max(1e-3, (t_end - s.t0) * 0.02), {{"host", s.host}});
  for (unsigned v = 1; v < vcpus; ++v) {
    double parked = s.live ? (s.suspend_asked > 0 ? s.suspend_asked : susp) : checked;
    slice("guest", "running", 3, int(v + 1), s.t0, parked, {});
    if (s.t_suspended > 0) slice("guest", "parked", 3, int(v + 1), parked, ok ? t_end : transferred, {});
  }
  json doc = {{"displayTimeUnit", "ms"},
              {"metadata",
               {{"domain", s.domain},
                {"mode", s.kind != "active" ? s.kind : s.live ? "live" : "warm"},
                {"source", s.source_host},
                {"target", s.host},
                {"outcome", ok ? "migrated" : "failed"},
                {"rounds", s.rounds.size()}}},
              {"traceEvents", ev}};
  // Written whole beside the file, then renamed over it (never half a file; no symbolic
  // link followed for the temporary).
  std::string tmp = s.trace_file + ".tmp", text = doc.dump(1) + "\n";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return fmt::format("Unable to write the timeline {}: {}", s.trace_file, std::strerror(errno));
  bool good = ::write(fd, text.data(), text.size()) == ssize_t(text.size());
  good &= ::close(fd) == 0;
  if (!good || std::rename(tmp.c_str(), s.trace_file.c_str()) != 0) {
    std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return fmt::format("Unable to write the timeline {}: {}", s.trace_file, why);
  }
  return "";
}

}  // namespace vfsim::ldm
