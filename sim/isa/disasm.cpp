#include "sim/isa/disasm.h"

#include <fmt/format.h>

#include "sim/isa/decoder.h"

namespace vfsim::isa {
namespace {

const char* const kRegNames[32] = {
    "%g0", "%g1", "%g2", "%g3", "%g4", "%g5", "%g6", "%g7", "%o0", "%o1", "%o2",
    "%o3", "%o4", "%o5", "%sp", "%o7", "%l0", "%l1", "%l2", "%l3", "%l4", "%l5",
    "%l6", "%l7", "%i0", "%i1", "%i2", "%i3", "%i4", "%i5", "%fp", "%i7"};
const char* const kIcond[16] = {"n", "e", "le", "l", "leu", "cs", "neg", "vs",
                                "a", "ne", "g", "ge", "gu", "cc", "pos", "vc"};
const char* const kFcond[16] = {"n", "ne", "lg", "ul", "l", "ug", "g", "u",
                                "a", "e", "ue", "ge", "uge", "le", "ule", "o"};
const char* const kRcond[8] = {"?", "z", "lez", "lz", "?", "nz", "gz", "gez"};
const char* const kAsr[32] = {"%y", "%asr1", "%ccr", "%asi", "%tick", "%pc", "%fprs", "%asr7",
    "%asr8", "%asr9", "%asr10", "%asr11", "%asr12", "%asr13", "%asr14", "%asr15", "%pcr", "%pic",
    "%asr18", "%gsr", "%set_softint", "%clear_softint", "%softint", "%tick_cmpr", "%stick",
    "%stick_cmpr", "%asr26", "%asr27", "%asr28", "%asr29", "%asr30", "%asr31"};
const char* const kPr[17] = {"%tpc", "%tnpc", "%tstate", "%tt", "%tick", "%tba", "%pstate",
    "%tl", "%pil", "%cwp", "%cansave", "%canrestore", "%cleanwin", "%otherwin", "%wstate",
    "%fq", "%gl"};

std::string reg(unsigned r) { return kRegNames[r & 31]; }
std::string freg(unsigned field, bool dbl) {
  return fmt::format("%f{}", dbl ? dreg(field) : field);
}
std::string simm(int64_t v) { return v < 0 ? fmt::format("-{:#x}", -v) : fmt::format("{:#x}", v); }
std::string op2(const Insn& d) { return d.use_imm ? simm(d.imm) : reg(d.rs2); }
std::string address(const Insn& d) {
  if (d.use_imm) {
    if (d.imm == 0) return fmt::format("[{}]", reg(d.rs1));
    if (d.rs1 == 0) return fmt::format("[{}]", simm(d.imm));
    return d.imm < 0 ? fmt::format("[{} - {:#x}]", reg(d.rs1), -d.imm)
                     : fmt::format("[{} + {:#x}]", reg(d.rs1), d.imm);
  }
  if (d.rs2 == 0) return fmt::format("[{}]", reg(d.rs1));
  return fmt::format("[{} + {}]", reg(d.rs1), reg(d.rs2));
}
std::string asi_suffix(const Insn& d) {
  return d.use_imm ? " %asi" : fmt::format(" {:#x}", f_imm_asi(d.word));
}
bool is_fp_mem(const InsnSpec& s) {
  unsigned op3 = f_op3(s.match);
  return f_op(s.match) == 3 && (op3 & 0x20) && op3 != 0x2d && op3 != 0x3d && op3 != 0x3c &&
         op3 != 0x3e;
}
std::string mem_reg(const InsnSpec& s, const Insn& d) {
  unsigned op3 = f_op3(s.match);
  if (is_fp_mem(s)) {
    if (op3 == 0x21 || op3 == 0x25) return "%fsr";
    return freg(d.rd, s.regflags & RD_D);
  }
  return reg(d.rd);
}

}  // namespace

std::string disassemble(uint32_t w, uint64_t pc) {
  Insn d;
  decode(w, d);
  const InsnSpec& s = *d.spec;
  std::string m = s.mnemonic;
  bool annul = f_a(w);
  switch (s.fmt) {
    case Fmt::None: return m;
    case Fmt::Illtrap: return fmt::format("illtrap {:#x}", d.imm);
    case Fmt::Sethi:
      if (d.rd == 0 && d.imm == 0) return "nop";
      return fmt::format("sethi %hi({:#x}), {}", d.imm, reg(d.rd));
    case Fmt::Call: return fmt::format("call {:#x}", pc + d.imm);
    case Fmt::Branch22: {
      bool fp = f_op2(w) == 6;
      return fmt::format("{}b{}{} {:#x}", fp ? "f" : "", fp ? kFcond[f_cond(w)] : kIcond[f_cond(w)],
                         annul ? ",a" : "", pc + d.imm);
    }
    case Fmt::Branch19: {
      bool fp = f_op2(w) == 5;
      std::string cc = fp ? fmt::format("%fcc{}", f_bpcc(w)) : (f_bpcc(w) ? "%xcc" : "%icc");
      return fmt::format("{}b{}{}{} {}, {:#x}", fp ? "f" : "",
                         fp ? kFcond[f_cond(w)] : kIcond[f_cond(w)], annul ? ",a" : "",
                         (w >> 19) & 1 ? ",pt" : ",pn", cc, pc + d.imm);
    }
    case Fmt::BranchR:
      return fmt::format("br{}{}{} {}, {:#x}", kRcond[f_brcond(w)], annul ? ",a" : "",
                         (w >> 19) & 1 ? ",pt" : ",pn", reg(d.rs1), pc + d.imm);
    case Fmt::Arith:
      if (m == "or" && d.rs1 == 0) return fmt::format("mov {}, {}", op2(d), reg(d.rd));
      if (m == "subcc" && d.rd == 0) return fmt::format("cmp {}, {}", reg(d.rs1), op2(d));
      if ((m == "restore" || m == "save") && d.rs1 == 0 && d.rd == 0 && !d.use_imm && d.rs2 == 0)
        return m;
      return fmt::format("{} {}, {}, {}", m, reg(d.rs1), op2(d), reg(d.rd));
    case Fmt::Shift:
      return fmt::format("{} {}, {}, {}", m, reg(d.rs1), d.use_imm ? fmt::format("{}", d.imm) : reg(d.rs2), reg(d.rd));
    case Fmt::Unary: return fmt::format("{} {}, {}", m, op2(d), reg(d.rd));
    case Fmt::Load: return fmt::format("{} {}, {}", m, address(d), mem_reg(s, d));
    case Fmt::Store: return fmt::format("{} {}, {}", m, mem_reg(s, d), address(d));
    case Fmt::LoadA: return fmt::format("{} {}{}, {}", m, address(d), asi_suffix(d), mem_reg(s, d));
    case Fmt::StoreA: return fmt::format("{} {}, {}{}", m, mem_reg(s, d), address(d), asi_suffix(d));
    case Fmt::Cas:
      return fmt::format("{} [{}]{}, {}, {}", m, reg(d.rs1), asi_suffix(d), reg(d.rs2), reg(d.rd));
    case Fmt::MemNoRd:
      if (m == "prefetch" || m == "prefetcha") return fmt::format("{} {}, {}", m, address(d), d.rd);
      return fmt::format("{} {}", m, address(d));
    case Fmt::Jmpl:
      if (d.rd == 0 && d.use_imm && d.imm == 8 && d.rs1 == 31) return "ret";
      if (d.rd == 0 && d.use_imm && d.imm == 8 && d.rs1 == 15) return "retl";
      return fmt::format("jmpl {}, {}", address(d).substr(1, address(d).size() - 2), reg(d.rd));
    case Fmt::Return: return fmt::format("return {}", address(d).substr(1, address(d).size() - 2));
    case Fmt::Tcc:
      return fmt::format("t{} {}, {}", kIcond[f_cond(w)], (w >> 11) & 2 ? "%xcc" : "%icc",
                         d.use_imm ? fmt::format("{:#x}", d.imm) : reg(d.rs2));
    case Fmt::MovCC: {
      unsigned cc = f_movcc(w), cond = (w >> 14) & 15;
      std::string ccs = cc < 4 ? fmt::format("%fcc{}", cc) : cc == 4 ? "%icc" : "%xcc";
      return fmt::format("mov{} {}, {}, {}", cc < 4 ? kFcond[cond] : kIcond[cond], ccs,
                         d.use_imm ? simm(d.imm) : reg(d.rs2), reg(d.rd));
    }
    case Fmt::MovR:
      return fmt::format("movr{} {}, {}, {}", kRcond[f_rcond(w)], reg(d.rs1),
                         d.use_imm ? simm(d.imm) : reg(d.rs2), reg(d.rd));
    case Fmt::RdAsr: return fmt::format("rd {}, {}", kAsr[d.rs1], reg(d.rd));
    case Fmt::WrAsr: return fmt::format("wr {}, {}, {}", reg(d.rs1), op2(d), kAsr[d.rd]);
    case Fmt::RdPr: return fmt::format("rdpr {}, {}", d.rs1 <= 16 ? kPr[d.rs1] : "%pr?", reg(d.rd));
    case Fmt::WrPr: return fmt::format("wrpr {}, {}, {}", reg(d.rs1), op2(d), d.rd <= 16 ? kPr[d.rd] : "%pr?");
    case Fmt::Membar: return fmt::format("membar {:#x}", w & 0x7f);
    case Fmt::Fp3s: case Fmt::Fp3d: case Fmt::Vis3:
      return fmt::format("{} {}, {}, {}", m, freg(d.rs1, s.regflags & RS1_D),
                         freg(d.rs2, s.regflags & RS2_D),
                         (s.regflags & RD_INT) ? reg(d.rd) : freg(d.rd, s.regflags & RD_D));
    case Fmt::VisRs1:
      return fmt::format("{} {}, {}", m, freg(d.rs1, s.regflags & RS1_D), freg(d.rd, s.regflags & RD_D));
    case Fmt::Siam: return fmt::format("siam {}", w & 7);
    case Fmt::Fp2s: case Fmt::Fp2d: case Fmt::FpConv:
      return fmt::format("{} {}, {}", m, freg(d.rs2, s.regflags & RS2_D), freg(d.rd, s.regflags & RD_D));
    case Fmt::FpCmp:
      return fmt::format("{} %fcc{}, {}, {}", m, f_fcmp_cc(w), freg(d.rs1, s.regflags & RS1_D),
                         freg(d.rs2, s.regflags & RS2_D));
    case Fmt::FMovCC: {
      unsigned cc = (w >> 11) & 7, cond = (w >> 14) & 15;
      std::string ccs = cc < 4 ? fmt::format("%fcc{}", cc) : cc == 4 ? "%icc" : "%xcc";
      return fmt::format("{}{} {}, {}, {}", m, cc < 4 ? kFcond[cond] : kIcond[cond], ccs,
                         freg(d.rs2, s.regflags & RS2_D), freg(d.rd, s.regflags & RD_D));
    }
    case Fmt::FMovR:
      return fmt::format("{}{} {}, {}, {}", m, kRcond[f_rcond(w)],
                         reg(d.rs1), freg(d.rs2, s.regflags & RS2_D), freg(d.rd, s.regflags & RD_D));
    case Fmt::VisInt: return fmt::format("{} {}, {}, {}", m, reg(d.rs1), reg(d.rs2), reg(d.rd));
    case Fmt::Vis1d: return fmt::format("{} {}", m, freg(d.rd, s.regflags & RD_D));
  }
  return m;
}

}  // namespace vfsim::isa
