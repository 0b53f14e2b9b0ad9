#include "ldm/stats_sample.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace vfsim::ldm {

using json = nlohmann::json;

namespace {

// The vCPU's counters by JSON name, one table for writing and reading.
struct Field {
  const char* name;
  uint64_t VcpuCounters::*member;
};
const Field kVcpuFields[] = {
    {"cycles", &VcpuCounters::cycles},
    {"idle_cycles", &VcpuCounters::idle_cycles},
    {"instructions", &VcpuCounters::instructions},
    {"stall_cycles", &VcpuCounters::stall_cycles},
    {"wait_fetch", &VcpuCounters::wait_fetch},
    {"wait_load", &VcpuCounters::wait_load},
    {"wait_long_op", &VcpuCounters::wait_long_op},
    {"wait_store_buffer", &VcpuCounters::wait_store_buffer},
    {"wait_tlb", &VcpuCounters::wait_tlb},
    {"unit_conflicts", &VcpuCounters::unit_conflicts},
    {"l1d_misses", &VcpuCounters::l1d_misses},
    {"l1i_misses", &VcpuCounters::l1i_misses},
    {"l2_misses", &VcpuCounters::l2_misses},
    {"hypercalls", &VcpuCounters::hypercalls},
};

// b - a of a counter that only grows; 0 if it went back (the strand was reset meanwhile).
double delta(uint64_t a, uint64_t b) { return b >= a ? double(b - a) : 0.0; }

// Differences of one vCPU between two samples, and what the rows are made of.
struct Deltas {
  double cycles = 0, busy = 0, instructions = 0, waits[6] = {}, l1 = 0, l2 = 0, hcalls = 0;
};

Deltas vcpu_deltas(const VcpuCounters& a, const VcpuCounters& b) {
  Deltas d;
  d.cycles = delta(a.cycles, b.cycles);
  // A sleep is charged when it starts, so idle time may run ahead of the core's cycles.
  double idle = std::min(d.cycles, delta(a.idle_cycles, b.idle_cycles));
  d.busy = b.running ? d.cycles - idle : 0;
  d.instructions = delta(a.instructions, b.instructions);
  d.waits[0] = delta(a.wait_fetch, b.wait_fetch);
  d.waits[1] = delta(a.wait_load, b.wait_load);
  d.waits[2] = delta(a.wait_long_op, b.wait_long_op);
  d.waits[3] = delta(a.wait_store_buffer, b.wait_store_buffer);
  d.waits[4] = delta(a.wait_tlb, b.wait_tlb);
  d.waits[5] = delta(a.unit_conflicts, b.unit_conflicts);
  d.l1 = delta(a.l1d_misses, b.l1d_misses) + delta(a.l1i_misses, b.l1i_misses);
  d.l2 = delta(a.l2_misses, b.l2_misses);
  d.hcalls = delta(a.hypercalls, b.hypercalls);
  return d;
}

// Fills the ratios of a row from summed deltas (busy: non-idle cycles).
void fill(Row& r, const Deltas& d, double sim_dt) {
  r.ipc = d.busy > 0 ? d.instructions / d.busy : 0;
  for (int k = 0; k < 6; ++k) r.stall_pct[k] = d.busy > 0 ? std::min(100.0, 100.0 * d.waits[k] / d.busy) : 0;
  r.l1_miss_s = sim_dt > 0 ? d.l1 / sim_dt : 0;
  r.l2_miss_s = sim_dt > 0 ? d.l2 / sim_dt : 0;
  r.hcall_s = sim_dt > 0 ? d.hcalls / sim_dt : 0;
}

}  // namespace

std::string to_json(const StatsSample& s) {
  json doc = {{"platform", s.platform},
              {"clock_hz", s.clock_hz},
              {"simulated_seconds", s.sim_seconds},
              {"wall_seconds", s.wall_seconds},
              {"domains", json::array()}};
  for (const DomainCounters& d : s.domains) {
    json jd = {{"name", d.name},
               {"state", d.state},
               {"ldc",
                {{"tx_packets", d.ldc_tx_packets},
                 {"rx_packets", d.ldc_rx_packets},
                 {"tx_bytes", d.ldc_tx_bytes},
                 {"rx_bytes", d.ldc_rx_bytes}}},
               {"vcpus", json::array()}};
    for (const VcpuCounters& v : d.vcpus) {
      json jv = {{"vid", v.vid}, {"strand", v.strand}, {"running", v.running}};
      for (const Field& f : kVcpuFields) jv[f.name] = v.*f.member;
      jd["vcpus"].push_back(jv);
    }
    doc["domains"].push_back(jd);
  }
  return doc.dump(1) + "\n";
}

bool from_json(const std::string& text, StatsSample& s, std::string& why) {
  try {
    json doc = json::parse(text);
    StatsSample out;
    out.platform = doc.at("platform").get<std::string>();
    out.clock_hz = doc.at("clock_hz").get<uint64_t>();
    out.sim_seconds = doc.at("simulated_seconds").get<double>();
    out.wall_seconds = doc.at("wall_seconds").get<double>();
    for (const json& jd : doc.at("domains")) {
      DomainCounters d;
      d.name = jd.at("name").get<std::string>();
      d.state = jd.at("state").get<std::string>();
      const json& ldc = jd.at("ldc");
      d.ldc_tx_packets = ldc.at("tx_packets").get<uint64_t>();
      d.ldc_rx_packets = ldc.at("rx_packets").get<uint64_t>();
      d.ldc_tx_bytes = ldc.at("tx_bytes").get<uint64_t>();
      d.ldc_rx_bytes = ldc.at("rx_bytes").get<uint64_t>();
      for (const json& jv : jd.at("vcpus")) {
        VcpuCounters v;
        v.vid = jv.at("vid").get<unsigned>();
        v.strand = jv.at("strand").get<unsigned>();
        v.running = jv.at("running").get<bool>();
        for (const Field& f : kVcpuFields) v.*f.member = jv.at(f.name).get<uint64_t>();
        d.vcpus.push_back(v);
      }
      out.domains.push_back(std::move(d));
    }
    s = std::move(out);
    return true;
  } catch (const std::exception& e) {
    why = e.what();
    return false;
  }
}

std::string format_counters(const StatsSample& s) {
  std::string out = fmt::format("{}: simulated {:.6f} s, wall {:.1f} s since ldmd started\n", s.platform, s.sim_seconds,
                                s.wall_seconds);
  out += fmt::format("{:<16} {:>4} {:>6} {:>14} {:>14} {:>14} {:>10} {:>10} {:>10} {:>10}\n", "DOMAIN", "VID", "STRAND",
                     "CYCLES", "IDLE", "INSTRUCTIONS", "L1D MISS", "L1I MISS", "L2 MISS", "HCALLS");
  for (const DomainCounters& d : s.domains) {
    for (const VcpuCounters& v : d.vcpus)
      out += fmt::format("{:<16} {:>4} {:>6} {:>14} {:>14} {:>14} {:>10} {:>10} {:>10} {:>10}\n", d.name, v.vid,
                         v.strand, v.cycles, v.idle_cycles, v.instructions, v.l1d_misses, v.l1i_misses, v.l2_misses,
                         v.hypercalls);
    out += fmt::format("{:<16} LDC sent {} packets {} bytes, received {} packets {} bytes\n", d.name, d.ldc_tx_packets,
                       d.ldc_tx_bytes, d.ldc_rx_packets, d.ldc_rx_bytes);
  }
  return out;
}

Frame compute_frame(const StatsSample& a, const StatsSample& b) {
  Frame f;
  f.platform = b.platform;
  f.sim_seconds = b.sim_seconds;
  f.wall_seconds = b.wall_seconds;
  f.sim_interval = std::max(0.0, b.sim_seconds - a.sim_seconds);
  f.wall_interval = std::max(0.0, b.wall_seconds - a.wall_seconds);
  const double dt = f.sim_interval;
  for (const DomainCounters& db : b.domains) {
    auto da = std::find_if(a.domains.begin(), a.domains.end(), [&](const DomainCounters& d) { return d.name == db.name; });
    Row dom;
    dom.name = db.name;
    dom.state = db.state;
    dom.valid = da != a.domains.end() && dt > 0;
    std::vector<Row> vrows;
    Deltas sum;
    double util_sum = 0;
    for (const VcpuCounters& vb : db.vcpus) {
      Row r;
      r.name = fmt::format("vcpu {}", vb.vid);
      r.vcpu = true;
      r.strand = vb.strand;
      const VcpuCounters* va = nullptr;
      if (da != a.domains.end())
        for (const VcpuCounters& v : da->vcpus)
          if (v.vid == vb.vid && v.strand == vb.strand) va = &v;
      r.valid = va && dt > 0;
      if (r.valid) {
        Deltas d = vcpu_deltas(*va, vb);
        r.util_pct = d.cycles > 0 ? 100.0 * d.busy / d.cycles : 0;
        fill(r, d, dt);
        util_sum += r.util_pct;
        sum.cycles += d.cycles;
        sum.busy += d.busy;
        sum.instructions += d.instructions;
        for (int k = 0; k < 6; ++k) sum.waits[k] += d.waits[k];
        sum.l1 += d.l1;
        sum.l2 += d.l2;
        sum.hcalls += d.hcalls;
      }
      vrows.push_back(r);
    }
    if (dom.valid) {
      dom.util_pct = db.vcpus.empty() ? 0 : util_sum / double(db.vcpus.size());   // as ldm list's UTIL
      fill(dom, sum, dt);
      dom.ldc_pkt_s = (delta(da->ldc_tx_packets, db.ldc_tx_packets) + delta(da->ldc_rx_packets, db.ldc_rx_packets)) / dt;
      dom.ldc_byte_s = (delta(da->ldc_tx_bytes, db.ldc_tx_bytes) + delta(da->ldc_rx_bytes, db.ldc_rx_bytes)) / dt;
    }
    f.rows.push_back(dom);
    f.rows.insert(f.rows.end(), vrows.begin(), vrows.end());
  }
  return f;
}

std::string si(double v) {
  if (!std::isfinite(v)) return "-";
  const char* units[] = {"", "k", "M", "G", "T"};
  int u = 0;
  // (rounding first: 999.7 shows as 1.00k, not 1000)
  while (u < 4 && std::abs(v) >= 999.5) {
    v /= 1000;
    ++u;
  }
  if (u == 0) return fmt::format("{:.0f}", v);
  return fmt::format(std::abs(v) < 9.995 ? "{:.2f}{}" : std::abs(v) < 99.95 ? "{:.1f}{}" : "{:.0f}{}", v, units[u]);
}

std::string header_line(const Frame& f) {
  double ratio = f.wall_seconds > 0 ? f.sim_seconds / f.wall_seconds : 0;
  double now = f.wall_interval > 0 ? f.sim_interval / f.wall_interval : 0;
  return fmt::format("vfctl top - {}  simulated {:.6f} s  wall {:.1f} s  {:.6f} sim s/wall s (last {:.2f} s: {:.6f})",
                     f.platform, f.sim_seconds, f.wall_seconds, ratio, f.wall_interval, now);
}

namespace {
// The view's 15 columns, each cell already text: one layout for the titles and every row.
std::string layout(const std::vector<std::string>& c) {
  return fmt::format("{:<16} {:<8} {:>6} {:>5} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8}",
                     c[0].substr(0, 16), c[1].substr(0, 8), c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10],
                     c[11], c[12], c[13], c[14]);
}
}  // namespace

std::string column_titles() {
  return layout({"NAME", "STATE", "UTIL%", "IPC", "FETCH%", "LOAD%", "LONG%", "STBUF%", "TLB%", "UNIT%", "L1MISS/s",
                 "L2MISS/s", "HCALL/s", "LDCPKT/s", "LDCB/s"});
}

std::string format_row(const Row& r) {
  std::vector<std::string> c = {r.vcpu ? "  " + r.name : r.name, r.vcpu ? fmt::format("s{}", r.strand) : r.state};
  if (!r.valid) {
    c.resize(15, "-");
    return layout(c);
  }
  c.push_back(fmt::format("{:.1f}", r.util_pct));
  c.push_back(fmt::format("{:.2f}", r.ipc));
  for (double pct : r.stall_pct) c.push_back(fmt::format("{:.1f}", pct));
  for (double rate : {r.l1_miss_s, r.l2_miss_s, r.hcall_s}) c.push_back(si(rate));
  c.push_back(r.vcpu ? "" : si(r.ldc_pkt_s));   // (a domain's channels, not a vCPU's)
  c.push_back(r.vcpu ? "" : si(r.ldc_byte_s));
  return layout(c);
}

std::vector<std::string> format_frame(const Frame& f, bool per_vcpu) {
  std::vector<std::string> lines = {header_line(f), column_titles()};
  for (const Row& r : f.rows)
    if (per_vcpu || !r.vcpu) lines.push_back(format_row(r));
  return lines;
}

}  // namespace vfsim::ldm
