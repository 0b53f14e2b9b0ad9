// sparc64-run: run a static sparc64 Linux ELF on one simulated UltraSPARC T2 strand.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "sim/user/linux_process.h"

extern char** environ;
namespace po = boost::program_options;

int main(int argc, char** argv) {
  po::options_description opts("Usage: sparc64-run [--stats] PROG [ARGS...]\nOptions");
  opts.add_options()
      ("help,h", "show this help")
      ("stats", "print instruction count, time and MIPS (and unknown syscalls) on stderr")
      ("stack-size", po::value<uint64_t>()->default_value(64), "stack size limit in MB")
      ("trace", po::value<std::string>(), "write an instruction trace (count, pc, word, disassembly, traps) to FILE ('-' for stderr)")
      ("trace-limit", po::value<uint64_t>()->default_value(1000000), "trace at most N instructions");
  po::options_description hidden;
  hidden.add_options()("prog", po::value<std::vector<std::string>>());
  po::positional_options_description pos;
  pos.add("prog", -1);
  po::options_description all;
  all.add(opts).add(hidden);
  po::variables_map vm;
  try {
    // Options end at the program name: everything after it belongs to the guest.
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos)
                  .style(po::command_line_style::default_style | po::command_line_style::allow_long_disguise)
                  .extra_style_parser([](std::vector<std::string>& args) {
                    std::vector<po::option> result;
                    if (!args.empty() && (args[0].empty() || args[0][0] != '-')) {
                      po::option o;
                      o.string_key = "prog";
                      o.value = args;
                      o.original_tokens = args;
                      result.push_back(o);
                      args.clear();
                    }
                    return result;
                  })
                  .run(),
              vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    fmt::print(stderr, "sparc64-run: {}\n", e.what());
    return 127;
  }
  if (vm.count("help") || !vm.count("prog")) {
    std::cerr << opts;
    return vm.count("help") ? 0 : 127;
  }
  vfsim::user::ProcessOptions p;
  p.argv = vm["prog"].as<std::vector<std::string>>();
  p.path = p.argv[0];
  for (char** e = environ; *e; ++e) p.envp.emplace_back(*e);
  p.stack_size = vm["stack-size"].as<uint64_t>() << 20;
  bool stats = vm.count("stats");
  std::FILE* trace = nullptr;
  if (vm.count("trace")) {
    std::string t = vm["trace"].as<std::string>();
    trace = t == "-" ? stderr : std::fopen(t.c_str(), "w");
    if (!trace) {
      fmt::print(stderr, "sparc64-run: cannot write trace file {}\n", t);
      return 127;
    }
    p.trace = trace;
    p.trace_limit = vm["trace-limit"].as<uint64_t>();
  }
  try {
    auto t0 = std::chrono::steady_clock::now();
    vfsim::user::LinuxProcess proc(p);
    int status = proc.run();
    std::fflush(stdout);
    if (trace && trace != stderr) std::fclose(trace);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (stats) {
      for (const auto& [name, count] : proc.unknown_syscalls())
        fmt::print(stderr, "sparc64-run: unknown syscall {} returned ENOSYS {} time(s)\n", name, count);
      fmt::print(stderr, "instructions={} seconds={:.3f} mips={:.1f}\n", proc.instructions(), secs,
                 secs > 0 ? proc.instructions() / secs / 1e6 : 0.0);
    }
    return status;
  } catch (const vfsim::user::LoadError& e) {
    fmt::print(stderr, "sparc64-run: {}\n", e.what());
    return 127;
  }
}
