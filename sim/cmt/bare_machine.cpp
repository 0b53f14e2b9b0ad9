#include "sim/cmt/bare_machine.h"
#include "sim/trace/trace.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "sim/isa/elf_image.h"

namespace vfsim::cmt {

using namespace isa;
using sc_core::sc_time;

BareMachine::BareMachine(sc_core::sc_module_name name, const platform::Platform& p)
    : sc_module(name), plat(p), mem(p.memory_bytes), port(mem), memsys(p, p.quantum_ns) {
  quantum_cycles = std::max<uint64_t>(1, uint64_t(std::llround(p.quantum_ns / p.cycle_ns())));
  // Trace events carry core clocks; cores run up to one quantum apart (sim/trace/tracer.cpp).
  trace::set_cycle_ns(p.cycle_ns());
  trace::set_skew_ps(uint64_t(std::llround(p.quantum_ns * 1000.0)) + 1000);
  for (unsigned s = 0; s < p.sockets; ++s) {
    for (unsigned c = 0; c < p.cores_per_socket; ++c)
      cores.push_back(std::make_unique<Core>(fmt::format("socket{}_core{}", s, c).c_str(), *this, s, c));
  }
}

uint64_t BareMachine::load_elf(const std::string& path) {
  ElfFile e = read_elf(path, "vfsim-bare");
  for (const ElfSegment& sg : e.segments) {
    if (!mem.contains(sg.paddr, sg.memsz))
      throw ElfError(fmt::format("{}: segment at physical {:#x} (+{:#x}) is outside the platform's {} GB of memory",
                                 path, sg.paddr, sg.memsz, plat.memory_bytes >> 30));
    mem.write(sg.paddr, sg.data, sg.filesz);
  }
  return e.entry;
}

void BareMachine::start_strands(unsigned count, uint64_t entry, bool pack) {
  unsigned total = plat.strands();
  count = std::min(count, total);
  for (unsigned k = 0; k < count; ++k) {
    unsigned socket, core, slot;
    if (pack) {   // fill a core's strands, then the next core
      socket = k / (plat.cores_per_socket * plat.strands_per_core);
      core = (k / plat.strands_per_core) % plat.cores_per_socket;
      slot = k % plat.strands_per_core;
    } else {      // one strand per core, round robin over sockets first, then fill up
      unsigned ncores = plat.cores();
      unsigned c = k % ncores;
      socket = c % plat.sockets;
      core = c / plat.sockets;
      // alternate thread groups: slots 0,4,1,5,2,6,3,7
      unsigned round = k / ncores;
      slot = (round % 2) * 4 + round / 2;
      if (slot >= plat.strands_per_core) slot = round % plat.strands_per_core;
    }
    start_cpu((socket * plat.cores_per_socket + core) * plat.strands_per_core + slot, entry);
  }
}

bool BareMachine::start_cpu(unsigned cpuid, uint64_t entry) {
  if (cpuid >= plat.strands()) return false;
  Core& c = *cores[cpuid / plat.strands_per_core];
  unsigned slot = cpuid % plat.strands_per_core;
  if (c.running[slot]) return false;
  Strand& s = *c.strands[slot];
  s.state.pc = entry;
  s.state.npc = entry + 4;
  s.state.set_r(8, s.id);   // %o0 = own cpuid, as cpu_start hands over its argument
  for (unsigned k = 0; k < args.size() && k < kMaxArgs; ++k) s.state.set_r(9 + k, args[k]);   // %o1..%o4
  c.start(slot);
  return true;
}

int BareMachine::run(sc_time max_time) {
  sc_core::sc_start(max_time, sc_core::SC_EXIT_ON_STARVATION);   // ends when every core parks
  if (console_out) *console_out << console << std::flush;
  if (running && !exit_code) exit_code = 124;   // time limit reached with strands alive
  return exit_code;
}

void BareMachine::print_stats(std::ostream& os) const {
  uint64_t insns = 0, cycles = 0;
  fmt::print(os, "{:<18} {:>12} {:>12} {:>6} {:>9} {:>8} {:>8} {:>8} {:>8}\n", "strand", "instructions",
             "stall cyc", "IPC", "loads", "L1D miss", "L2 miss", "remote", "L1I miss");
  for (const auto& c : cores)
    for (const auto& s : c->strands) {
      if (!s->stats.instructions) continue;
      insns += s->stats.instructions;
      fmt::print(os, "{:<18} {:>12} {:>12} {:>6.3f} {:>9} {:>8} {:>8} {:>8} {:>8}\n",
                 fmt::format("{} (s{}c{}t{})", s->id, c->socket, c->index, s->id % plat.strands_per_core),
                 s->stats.instructions, s->stats.stall_cycles,
                 c->cycles ? double(s->stats.instructions) / double(c->cycles) : 0.0, s->stats.loads,
                 s->stats.l1_misses, s->stats.l2_misses, s->stats.remote_accesses, s->stats.l1i_misses);
    }
  fmt::print(os, "{:<18} {:>12} {:>12} {:>12} {:>12} {:>12} {:>9} {:>9} {:>9} {:>8} {:>8} {:>12}\n", "waits by cause",
             "fetch", "load", "long op", "store buffer", "LSU/FGU held", "TLB", "ITLB miss", "DTLB miss", "traps",
             "intr", "yielded");
  for (const auto& c : cores)
    for (const auto& s : c->strands) {
      if (!s->stats.instructions) continue;
      const StrandStats& t = s->stats;
      fmt::print(os, "{:<18} {:>12} {:>12} {:>12} {:>12} {:>12} {:>9} {:>9} {:>9} {:>8} {:>8} {:>12}\n",
                 fmt::format("{}", s->id), t.wait_fetch, t.wait_load, t.wait_long_op, t.wait_store_buffer,
                 t.unit_conflicts, t.wait_tlb, t.itlb_misses, t.dtlb_misses, t.traps, t.interrupts, t.yield_cycles);
    }
  fmt::print(os, "{:<18} {:>12} {:>12} {:>6}\n", "core", "instructions", "cycles", "IPC");
  for (const auto& c : cores) {
    uint64_t ci = 0;
    for (const auto& s : c->strands) ci += s->stats.instructions;
    if (!ci) continue;
    cycles = std::max(cycles, c->cycles);
    fmt::print(os, "{:<18} {:>12} {:>12} {:>6.3f}\n", fmt::format("s{}c{}", c->socket, c->index), ci,
               c->cycles, double(ci) / double(c->cycles));
  }
  for (unsigned s = 0; s < memsys.l2.size(); ++s) {
    const L2Cache& c = *memsys.l2[s];
    const MemoryStats& m = memsys.stats[s];
    fmt::print(os, "socket {} L2: {} hits, {} misses ({:.1f}% miss), {} write-backs; memory {} bytes read, {} written; "
                   "{} prefetches ({} dropped); {} snoops, {} cache-to-cache, {} invalidated; links {} bytes sent\n", s,
               c.hits(), c.misses(),
               c.hits() + c.misses() ? 100.0 * double(c.misses()) / double(c.hits() + c.misses()) : 0.0,
               m.writebacks, m.dram_read_bytes, m.dram_write_bytes, m.prefetches, m.prefetches_dropped, m.snoops,
               m.cache_to_cache, m.invalidations, memsys.links.bytes_sent[s]);
  }
  fmt::print(os, "total: {} instructions, {} cycles on the busiest core, simulated time {}\n", insns,
             cycles, sc_core::sc_time_stamp().to_string());
}

void BareMachine::write_stats_json(std::ostream& os) const {
  fmt::print(os, "{{\"platform\":\"{}\",\"clock_hz\":{},\"simulated_ns\":{:.1f},\"strands\":[", plat.name,
             plat.clock_hz, sc_core::sc_time_stamp().to_seconds() * 1e9);
  bool first = true;
  for (const auto& c : cores)
    for (const auto& s : c->strands) {
      if (!s->stats.instructions) continue;
      fmt::print(os, "{}{{\"id\":{},\"socket\":{},\"core\":{},\"instructions\":{},\"stall_cycles\":{},"
                     "\"loads\":{},\"l1_misses\":{},\"l2_misses\":{},\"remote\":{},\"l1i_misses\":{},"
                     "\"unit_conflicts\":{},\"store_buffer_full\":{},\"wait_fetch\":{},\"wait_load\":{},"
                     "\"wait_long_op\":{},\"wait_store_buffer\":{},\"itlb_misses\":{},\"dtlb_misses\":{},"
                     "\"wait_tlb\":{},\"store_l2_misses\":{},\"prefetches\":{},\"prefetches_dropped\":{}}}",
                 first ? "" : ",", s->id, c->socket, c->index, s->stats.instructions,
                 s->stats.stall_cycles, s->stats.loads, s->stats.l1_misses, s->stats.l2_misses,
                 s->stats.remote_accesses, s->stats.l1i_misses, s->stats.unit_conflicts,
                 s->stats.store_buffer_full, s->stats.wait_fetch, s->stats.wait_load,
                 s->stats.wait_long_op, s->stats.wait_store_buffer, s->stats.itlb_misses,
                 s->stats.dtlb_misses, s->stats.wait_tlb, s->stats.store_l2_misses, s->stats.prefetches,
                 s->stats.prefetches_dropped);
      first = false;
    }
  fmt::print(os, "],\"cores\":[");
  first = true;
  for (const auto& c : cores) {
    uint64_t ci = 0;
    for (const auto& s : c->strands) ci += s->stats.instructions;
    if (!ci) continue;
    fmt::print(os, "{}{{\"socket\":{},\"core\":{},\"instructions\":{},\"cycles\":{},\"busy_cycles\":{}}}",
               first ? "" : ",", c->socket, c->index, ci, c->cycles, c->busy_cycles);
    first = false;
  }
  fmt::print(os, "],\"l2\":[");
  // memory_bytes: everything the socket's controllers moved, reads and write-backs.
  for (unsigned s = 0; s < memsys.l2.size(); ++s) {
    const MemoryStats& m = memsys.stats[s];
    uint64_t bank_waits = 0, reads = 0, writes = 0;
    for (unsigned k = 0; k < plat.memory_controllers_per_socket; ++k) {
      const MemoryController& mc = memsys.mcus[s * plat.memory_controllers_per_socket + k];
      bank_waits += mc.bank_waits;
      reads += mc.reads;
      writes += mc.writes;
    }
    fmt::print(os, "{}{{\"socket\":{},\"hits\":{},\"misses\":{},\"memory_bytes\":{},\"dram_read_bytes\":{},"
                   "\"dram_write_bytes\":{},\"writebacks\":{},\"dram_reads\":{},\"dram_writes\":{},\"dram_bank_waits\":{},"
                   "\"fill_buffer_waits\":{},\"prefetches\":{},\"prefetches_dropped\":{},\"snoops\":{},"
                   "\"cache_to_cache\":{},\"invalidations\":{},\"link_bytes_sent\":{}}}",
               s ? "," : "", s, memsys.l2[s]->hits(), memsys.l2[s]->misses(), m.dram_read_bytes + m.dram_write_bytes,
               m.dram_read_bytes, m.dram_write_bytes, m.writebacks, reads, writes, bank_waits, m.fill_buffer_waits,
               m.prefetches, m.prefetches_dropped, m.snoops, m.cache_to_cache, m.invalidations,
               memsys.links.bytes_sent[s]);
  }
  fmt::print(os, "]}}\n");
}

}  // namespace vfsim::cmt
