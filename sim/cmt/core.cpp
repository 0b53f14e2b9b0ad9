#include "sim/cmt/core.h"
#include "sim/trace/trace.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "sim/cmt/bare_machine.h"
#include "sim/isa/decoder.h"
#include "sim/isa/disasm.h"
#include "sim/isa/window_traps.h"

namespace vfsim::cmt {

using namespace isa;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace {
constexpr Trap kFastTrap = TT_TRAP_INSTRUCTION + 0x80;   // ta 0x80: sun4v FAST_TRAP
enum : uint64_t { HV_EOK = 0, HV_ENORADDR = 2, HV_EBADTRAP = 7 };
enum : uint64_t { FT_MACH_EXIT = 0x00, FT_CPU_MYID = 0x16, FT_CONS_PUTCHAR = 0x61, FT_CONS_WRITE = 0x63 };

// Cycles a strand waits after issuing this instruction before it may issue again. Loads
// block until their data returns (exact for dependent chains such as pointer chasing,
// pessimistic for independent code); long-latency ops block for their latency.
unsigned op_latency(const InsnSpec& sp, const platform::Latencies& l) {
  switch (sp.id) {
    case ID_mulx: case ID_umul: case ID_smul: case ID_umulcc: case ID_smulcc: case ID_mulscc:
      return l.mul_cycles;
    case ID_udivx: case ID_sdivx: case ID_udiv: case ID_sdiv: case ID_udivcc: case ID_sdivcc:
      return l.div_cycles;
    case ID_fdivs: case ID_fsqrts: return l.fdivs_cycles;
    case ID_fdivd: case ID_fsqrtd: return l.fdivd_cycles;
    default: break;
  }
  unsigned op = sp.match >> 30, op3 = (sp.match >> 19) & 0x3f;
  if (op == 2 && (op3 == 0x34 || op3 == 0x35)) return l.fp_cycles;   // FPop1/FPop2
  return 1;
}

bool is_load(const InsnSpec& sp) {
  return sp.fmt == Fmt::Load || sp.fmt == Fmt::LoadA || sp.fmt == Fmt::Cas;
}
bool is_store(const InsnSpec& sp) { return sp.fmt == Fmt::Store || sp.fmt == Fmt::StoreA; }
bool is_prefetch(const InsnSpec& sp) { return sp.id == ID_prefetch || sp.id == ID_prefetcha; }
// Atomics (cas, ldstub, swap) are performed at the L2, never in the L1.
bool is_atomic(const InsnSpec& sp) {
  return sp.fmt == Fmt::Cas || sp.id == ID_ldstub || sp.id == ID_swap || sp.id == ID_ldstuba || sp.id == ID_swapa;
}

// The shared units an instruction needs: one load/store unit and one FGU per core.
enum Unit : unsigned { UNIT_NONE = 0, UNIT_LSU = 1, UNIT_FGU = 2 };
unsigned unit_of(const Insn* in) {
  if (!in) return UNIT_NONE;
  const InsnSpec& sp = *in->spec;
  if (is_load(sp) || is_store(sp) || sp.fmt == Fmt::MemNoRd) return UNIT_LSU;
  unsigned op = sp.match >> 30, op3 = (sp.match >> 19) & 0x3f;
  if (op == 2 && (op3 == 0x34 || op3 == 0x35 || op3 == 0x36)) return UNIT_FGU;
  return UNIT_NONE;
}
}  // namespace

// ---------------------------------------------------------------------------------------
Core::Core(sc_core::sc_module_name name, BareMachine& m, unsigned sock, unsigned idx)
    : sc_module(name), socket(sock), index(idx), l1i(m.plat.l1i), l1d(m.plat.l1d),
      itlb(make_tlb(m.plat.itlb_entries)), dtlb(make_tlb(m.plat.dtlb_entries)), m_(m) {
  for (unsigned i = 0; i < m.plat.strands_per_core; ++i) {
    auto s = std::make_unique<Strand>();
    s->id = (sock * m.plat.cores_per_socket + idx) * m.plat.strands_per_core + i;
    s->state.mem = &m.port;
    s->state.pstate = PSTATE_PRIV | PSTATE_PEF;   // bare metal: privileged, FPU on
    s->state.fprs = 4;
    strands.push_back(std::move(s));
  }
  if (trace::on(trace::Category::strand) || trace::on(trace::Category::cache)) start_samples(false);
  SC_HAS_PROCESS(Core);
  SC_THREAD(run);
}

// One SystemC thread per core. Each cycle each thread group (strands 0-3, 4-7) issues one
// instruction from its least recently picked ready strand; a quantum of cycles runs between
// synchronisations with the SystemC kernel; idle stretches are skipped, not simulated.
void Core::run() {
  const double cycle_ns = m_.plat.cycle_ns();
  while (true) {
    bool any = std::any_of(std::begin(running), std::end(running), [](bool r) { return r; });
    if (!any) {
      // Parked strands cost nothing; a host's cpu_start wakes the core at the current time.
      resume_ps_ = 0;
      wait(wake_event_);
      if (restored_) {   // a restored core: its cycle count is the saved one, and it sleeps
        restored_ = false;   // until its saved quantum ends, as the saved core did (a strand
        uint64_t now = sc_core::sc_time_stamp().value();   // start meanwhile does not wake it)
        if (resume_ps_ > now) wait(sc_time::from_value(resume_ps_ - now));
        continue;
      }
      cycles = std::max(cycles, uint64_t(sc_core::sc_time_stamp().to_seconds() * 1e9 / cycle_ns));
      continue;
    }
    const uint64_t start = cycles, end = cycles + m_.quantum_cycles;
    q_start_cycles_ = cycles;
    q_start_ns_ = sc_core::sc_time_stamp().to_seconds() * 1e9;
    bool was_running[8];
    std::copy(std::begin(running), std::end(running), was_running);
    while (cycles < end) {
      bool issued = false;
      unsigned units = UNIT_NONE;
      // The favoured thread group picks first; if both want the LSU or the FGU in the same
      // cycle, the other is held and the favour flips (as the T2's decode stage does).
      for (unsigned n = 0; n < 2; ++n) {
        unsigned tg = n ^ unsigned(favor_tg1_);
        for (unsigned k = 0; k < 4; ++k) {
          unsigned slot = lru_[tg][k], i = tg * 4 + slot;
          if (!running[i] || ready_at[i] > cycles) continue;
          const Insn* in = strands[i]->interp.insn_at(strands[i]->state.pc);
          unsigned u = unit_of(in);
          if (u & units) {
            ++strands[i]->stats.unit_conflicts;
            favor_tg1_ = !favor_tg1_;
            break;   // this group loses the cycle
          }
          units |= u;
          step(i, in);
          issued = true;
          // least recently picked order: move the picked strand to the back
          std::rotate(&lru_[tg][k], &lru_[tg][k + 1], &lru_[tg][4]);
          break;
        }
      }
      if (issued) {
        ++busy_cycles;
        ++cycles;
        continue;
      }
      // Nobody could issue: jump to the next cycle at which a strand becomes ready.
      uint64_t next = UINT64_MAX;
      for (unsigned i = 0; i < strands.size(); ++i)
        if (running[i]) next = std::min(next, ready_at[i]);
      if (next == UINT64_MAX) break;
      for (unsigned i = 0; i < strands.size(); ++i)
        if (running[i] && ready_at[i] > cycles) strands[i]->stats.stall_cycles += std::min(next, end) - cycles;
      cycles = std::max(cycles + 1, std::min(next, end));
    }
    // When both categories are off this costs a test of the trace mask per quantum.
    if (trace::on(trace::Category::strand) || trace::on(trace::Category::cache)) trace_quantum(start, was_running);
    sc_time q(double(cycles - start) * cycle_ns, SC_NS);
    resume_ps_ = (sc_core::sc_time_stamp() + q).value();
    wait(q);
  }
}

void Core::start(unsigned slot) {
  if (running[slot]) return;
  running[slot] = true;
  ready_at[slot] = cycles;
  ++m_.running;
  wake_event_.notify(sc_core::SC_ZERO_TIME);
}

void Core::stop(unsigned slot) {
  if (!running[slot]) return;
  running[slot] = false;
  --m_.running;
}

void Core::sleep_until(unsigned slot, uint64_t cycle) {
  if (cycle > ready_at[slot]) {
    strands[slot]->stats.yield_cycles += cycle - std::max(ready_at[slot], cycles);
    ready_at[slot] = cycle;
    sleep_end_[slot] = cycle;
  }
}

void Core::wake(unsigned slot) {
  if (ready_at[slot] > cycles) {
    strands[slot]->stats.yield_cycles -= std::min(strands[slot]->stats.yield_cycles, ready_at[slot] - cycles);
    ready_at[slot] = cycles;
  }
  sleep_end_[slot] = std::min(sleep_end_[slot], cycles);
}

// Before each issue of a host-managed strand: a %stick_cmpr match sets SOFTINT.SM (bit 16);
// then, with PSTATE.IE set, a queue with entries or a SOFTINT level above PIL is an
// interrupt for the host to deliver. Returns true if the strand's pc moved.
bool Core::check_interrupts(unsigned i) {
  Strand& s = *strands[i];
  StrandState& st = s.state;
  uint64_t cmpr = st.stick_cmpr;
  if (!(cmpr >> 63) && cycles + st.stick_offset >= cmpr && s.stick_fired != cmpr) {   // in guest time
    st.softint |= 1u << 16;
    s.stick_fired = cmpr;
  }
  if (!(st.pstate & PSTATE_IE)) return false;
  if (!s.queue_pending && !(st.softint_levels() >> (st.pil + 1))) return false;
  uint64_t pc = st.pc;
  m_.host->on_interrupt(*this, i);
  return st.pc != pc;
}

double Core::now_ns() const {
  return q_start_ns_ + double(cycles - q_start_cycles_) * m_.plat.cycle_ns();
}

bool Core::step(unsigned i, const Insn* in) {
  Strand& s = *strands[i];
  StrandState& st = s.state;
  const platform::Platform& p = m_.plat;
  if (m_.host && check_interrupts(i)) {
    ++s.stats.interrupts;
    in = s.interp.insn_at(st.pc);
  }
  unsigned lat = 1;
  // Instruction fetch: the shared I-cache is looked up once per 32-byte line; a miss stalls
  // the strand for the L2 (or memory) latency before the instruction issues. Caches, banks,
  // controllers and home sockets are found by physical address (timing_pa).
  unsigned fetch_stall = 0, tlb_wait = 0;
  if (m_.model_tlbs) tlb_wait += tlb_lookup(i, st.pc, true);
  uint64_t fline = st.pc / p.l1i.line_bytes, pa = 0;
  if (fline != s.fetch_line) {
    s.fetch_line = fline;
    if (timing_pa(i, st.pc, Access::Fetch, in, pa) && !l1i.access(pa)) {
      ++s.stats.l1i_misses;
      fetch_stall += l2_read(pa, s);
    }
  }
  unsigned sb_stall = 0;
  if (in) {
    const InsnSpec& sp = *in->spec;
    lat = op_latency(sp, p.lat);
    bool pf = is_prefetch(sp);
    if (is_load(sp) || is_store(sp) || pf) {
      uint64_t ea = st.r(in->rs1);
      if (sp.fmt != Fmt::Cas) ea += in->use_imm ? uint64_t(in->imm) : st.r(in->rs2);
      Access acc = is_load(sp) || pf ? Access::Read : Access::Write;
      unsigned walk = m_.model_tlbs ? tlb_lookup(i, ea, false) : 0;
      if (pf) {
        // A weak prefetch that misses the DTLB is dropped; a strong one waits for the walk.
        if (timing_pa(i, ea, acc, in, pa) && (!walk || prefetch_is_strong(in->rd))) {
          tlb_wait += walk;
          prefetch(i, pa, in->rd);
        }
      } else {
        tlb_wait += walk;
        if (!timing_pa(i, ea, acc, in, pa)) {
          // no memory access: it traps (the trap handler's own accesses are timed) or it is
          // device space (timed by the device)
        } else if (is_load(sp)) {
          lat = load_latency(i, pa, is_atomic(sp));
        } else {
          sb_stall = store_access(i, pa);
        }
      }
    }
  }
  ready_at[i] = cycles + fetch_stall + tlb_wait + sb_stall + lat;
  if (trace::on(trace::Category::insn) && m_.traced < m_.trace_limit) {
    ++m_.traced;
    trace::Event e(trace::Category::insn, trace::Phase::Instant, trace::cycles_to_ps(cycles),
                   trace::Track::strand(s.id), "", in ? disassemble(in->word, st.pc) : std::string("?"));
    e.arg("pc", st.pc).arg("cycles", ready_at[i] - cycles);
    e.text = fmt::format("{:>10} s{}c{}t{} {:#012x} {:08x}  {:<36} +{}", cycles, socket, index, i, st.pc, in ? in->word : 0u,
                         e.name, ready_at[i] - cycles);
    trace::emit(std::move(e));
  }
  s.stats.wait_fetch += fetch_stall;
  s.stats.wait_tlb += tlb_wait;
  s.stats.wait_store_buffer += sb_stall;
  if (in && lat > 1) (is_load(*in->spec) ? s.stats.wait_load : s.stats.wait_long_op) += lat - 1;
  // %tick and %stick read the core's cycle count (STICK runs at the core clock on T2 Plus),
  // moved by the guest's offset when a hypervisor gives it its own time (0 on bare metal).
  st.tick = st.stick = cycles + st.stick_offset - st.icount;
  RunResult r = in ? s.interp.exec(*in) : s.interp.run(1);   // run(1) reports fetch faults
  s.stats.instructions += r.executed;
  if (s.translations_changed) {   // after the instruction: its decoded page may be dropped
    s.translations_changed = false;
    st.tlb.flush();
    s.interp.invalidate_all();
  }
  if (r.trap == TT_NONE) return true;
  ++s.stats.traps;
  if (m_.host) return m_.host->on_trap(*this, i, r.trap);

  // Without a host, the bare harness's own small set of traps.
  Trap t = r.trap;
  auto skip = [&] { st.pc = st.npc; st.npc += 4; };
  if (t == kFastTrap) {
    uint64_t fn = st.r(13), status = HV_EOK;
    switch (fn) {
      case FT_MACH_EXIT:
        if (!m_.exit_code) m_.exit_code = int(st.r(8) & 0xff);
        stop(i);
        skip();
        return false;
      case FT_CPU_MYID: st.set_r(9, s.id); break;
      case FT_CONS_PUTCHAR: m_.console.push_back(char(st.r(8))); break;
      case FT_CONS_WRITE: {
        std::string buf(st.r(9), '\0');
        if (m_.mem.read(st.r(8), buf.data(), buf.size())) {
          m_.console += buf;
        } else {
          status = HV_ENORADDR;
        }
        break;
      }
      default: status = HV_EBADTRAP; break;
    }
    st.set_r(8, status);
    skip();
    return true;
  }
  if (is_spill(t) && !spill_window_to_stack(st)) return true;
  if (is_fill(t) && !fill_window_from_stack(st)) return true;
  if (t == TT_CLEAN_WINDOW) { clean_window(st); return true; }
  if (t == TT_FP_DISABLED && !st.fpu_enabled()) { st.fprs |= 4; st.pstate |= PSTATE_PEF; return true; }
  uint32_t word = 0;
  m_.mem.read(st.pc, &word, 4);
  word = __builtin_bswap32(word);
  m_.console += fmt::format("[strand {}: {} at pc {:#x} (insn {:#010x}: {}); strand stopped]\n",
                            s.id, trap_name(t), st.pc, word, disassemble(word, st.pc));
  if (!m_.exit_code) m_.exit_code = 128 + 4;
  stop(i);
  return false;
}

}  // namespace vfsim::cmt
