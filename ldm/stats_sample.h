// What `vfctl stats` returns and `vfctl top` shows: one sample of cumulative counters per
// domain and per vCPU (with the simulated and wall time it was taken at), and the rates
// between two samples as the rows of the view. The same structs fill the JSON and the
// screen; ldmd fills a sample (HvHost::sample_stats), the client computes the rates.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vfsim::ldm {

// A vCPU's counters since its strand was reset (they keep counting across bindings: only
// differences between two samples of the same binding mean anything).
struct VcpuCounters {
  unsigned vid = 0, strand = 0;
  bool running = false;        // issues instructions (not stopped, not suspended)
  uint64_t cycles = 0;         // its core's cycle counter
  uint64_t idle_cycles = 0;    // asleep in cpu_yield
  uint64_t instructions = 0;
  uint64_t stall_cycles = 0;   // the core had nothing to issue while this strand waited
  // Cycles of waiting charged to an instruction by cause (the CMT model's StrandStats).
  uint64_t wait_fetch = 0, wait_load = 0, wait_long_op = 0, wait_store_buffer = 0, wait_tlb = 0;
  uint64_t unit_conflicts = 0;   // cycles lost to the other thread group for the LSU/FGU
  uint64_t l1d_misses = 0, l1i_misses = 0, l2_misses = 0;   // l2: loads' and stores' misses
  uint64_t hypercalls = 0;
};

struct DomainCounters {
  std::string name, state;     // state as ldm list shows it (active, bound)
  std::vector<VcpuCounters> vcpus;
  // LDC traffic of all its channels: 64-byte packets, and bytes (packets plus ldc_copy data).
  uint64_t ldc_tx_packets = 0, ldc_rx_packets = 0, ldc_tx_bytes = 0, ldc_rx_bytes = 0;
};

struct StatsSample {
  std::string platform;
  uint64_t clock_hz = 0;
  double sim_seconds = 0;      // the host's simulated time
  double wall_seconds = 0;     // wall time since ldmd started
  std::vector<DomainCounters> domains;   // the simulated domains (not the control domain)
};

std::string to_json(const StatsSample& s);
// false (and why) on malformed text or missing fields.
bool from_json(const std::string& text, StatsSample& s, std::string& why);

// `vfctl stats` without --json: the sample's counters as a table, one line per vCPU.
std::string format_counters(const StatsSample& s);

// One line of the view: rates between two samples.
struct Row {
  std::string name;            // domain, or "vcpu N" under its domain
  bool vcpu = false;
  std::string state;           // domains only
  unsigned strand = 0;         // vCPUs only
  bool valid = true;           // false: no time passed, or the vCPU moved to another strand
  double util_pct = 0;         // non-idle cycles over elapsed cycles (0 when not running)
  double ipc = 0;              // instructions per non-idle cycle
  // Share of the non-idle cycles spent waiting: fetch, load, long op, store buffer, TLB, LSU/FGU.
  double stall_pct[6] = {};
  double l1_miss_s = 0, l2_miss_s = 0, hcall_s = 0;   // per simulated second
  double ldc_pkt_s = 0, ldc_byte_s = 0;               // sent + received, domains only
};

struct Frame {
  double sim_seconds = 0, wall_seconds = 0;   // of the later sample
  double sim_interval = 0, wall_interval = 0;
  std::string platform;
  std::vector<Row> rows;       // each domain, followed by its vCPUs
};

// Rates from sample a to the later sample b (domains and vCPUs matched by name and vid).
Frame compute_frame(const StatsSample& a, const StatsSample& b);

// The view as text lines: header, column titles, rows (vCPU rows only with per_vcpu).
std::string header_line(const Frame& f);
std::string column_titles();
std::string format_row(const Row& r);
std::vector<std::string> format_frame(const Frame& f, bool per_vcpu);

// 1234567 -> "1.23M": three significant digits with k/M/G/T (values below 1000 as integers).
std::string si(double v);

}  // namespace vfsim::ldm
