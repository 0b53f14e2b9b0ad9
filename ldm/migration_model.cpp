// The migration timing model and live policy (migration_model.h).
#include "ldm/migration_model.h"

#include <algorithm>
#include <cmath>

namespace vfsim::ldm {

namespace {
constexpr double kPage = 8192;
}

double MigrationTiming::rate(unsigned crypto_units, unsigned vcpus, bool multi_thread) const {
  double mb = 1e6;
  double net = link_mbit_s * 1e6 / 8 * link_efficiency;
  double enc = crypto_units ? cu_encrypt_mb_s * mb * crypto_units : sw_encrypt_mb_s * mb;
  double cmp = compress_mb_s * mb * (multi_thread ? std::max(1u, vcpus) : 1);
  return std::min({hv_read_mb_s * mb, cmp, enc, net, install_mb_s * mb});
}

LiveVerdict live_verdict(const LivePolicy& p, unsigned rounds_done, uint64_t remaining, uint64_t previous, double rate) {
  if (double(remaining) / rate <= p.downtime_limit_s) return LiveVerdict::Converged;
  if (rounds_done >= p.max_rounds) return LiveVerdict::RoundLimit;
  // Round 0 sent all of memory: only from round 1 on does the dirty set compare with a round
  // of dirty pages. Hardly smaller than what the last round sent: another round cannot win.
  if (rounds_done >= 2 && double(remaining) >= double(previous) * (1 - p.min_shrink)) return LiveVerdict::NotShrinking;
  return LiveVerdict::Continue;
}

const char* verdict_name(LiveVerdict v) {
  switch (v) {
    case LiveVerdict::Continue: return "continue";
    case LiveVerdict::Converged: return "converged";
    case LiveVerdict::RoundLimit: return "round limit";
    case LiveVerdict::NotShrinking: return "not shrinking";
  }
  return "?";
}

double DirtyCurve::pages_in(double t) const {
  if (t <= 0 || samples.empty()) return 0;
  double pt = 0, pp = 0, v = 0;
  bool inside = false;
  for (const auto& [st, sp] : samples) {
    if (t <= st) {
      v = st > pt ? pp + (double(sp) - pp) * (t - pt) / (st - pt) : double(sp);
      inside = true;
      break;
    }
    pt = st;
    pp = double(sp);
  }
  if (!inside) {
    // Past the window: the rate of its last quarter (a writer that has gone round its working
    // set already shows no growth there).
    double end = samples.back().first, from = end * 0.75;
    double at = pages_in(from);
    double tail = end > from ? (double(samples.back().second) - at) / (end - from) : 0;
    v = double(samples.back().second) + std::max(0.0, tail) * (t - end);
  }
  return cap ? std::min(v, double(cap)) : v;
}

double DirtyCurve::rate() const {
  if (samples.empty() || samples.back().first <= 0) return 0;
  return double(samples.back().second) / samples.back().first;
}

Prediction predict(const PredictInput& in) {
  Prediction p;
  const MigrationTiming& t = in.timing;
  p.checks = t.check_s;
  if (in.kind != "active") {   // configuration only: the target binds (bound) and confirms
    p.handoff = t.handoff_s + t.shell_s;
    return p;
  }
  p.handoff = t.handoff_s;
  double page_s = kPage / in.rate;
  if (!in.live) {
    p.prepare = in.vcpus_removed * t.dr_vcpu_s + t.suspend_s;
    p.transfer = (double(in.touched_pages) * kPage + double(in.runtime_bytes)) / in.rate;
    p.rounds.push_back({in.touched_pages, p.transfer, true});
    p.downtime = p.transfer + p.handoff;
    return p;
  }
  // Live: the rounds as the Migrator runs them (migration_live.cpp), with the dirty set of
  // each round read off the curve instead of the guest's log.
  double pages = double(in.touched_pages), previous = 0;
  for (;;) {
    PlannedRound r{uint64_t(std::llround(pages)), pages * page_s, false};
    p.rounds.push_back(r);
    p.transfer += r.seconds;
    double dirtied = in.dirty.pages_in(r.seconds);
    p.verdict = live_verdict(in.policy, unsigned(p.rounds.size()), uint64_t(std::llround(dirtied * kPage)),
                             uint64_t(std::llround(previous * kPage)), in.rate);
    previous = pages;
    if (p.verdict != LiveVerdict::Continue) {
      if (p.verdict != LiveVerdict::Converged && in.policy.no_converge == LivePolicy::OnNoConverge::Fail) {
        p.fails = true;
        return p;
      }
      // Suspend: the guest still writes while it is asked; then the rest goes.
      p.transfer += t.suspend_s;
      double last = in.dirty.pages_in(r.seconds + t.suspend_s);
      double s = (last * kPage + double(in.runtime_bytes)) / in.rate;
      p.rounds.push_back({uint64_t(std::llround(last)), s, true});
      p.transfer += s;
      p.downtime = s + p.handoff;
      return p;
    }
    pages = dirtied;
  }
}

}  // namespace vfsim::ldm
