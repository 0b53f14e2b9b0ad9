// The text output: one line per event that has one, after its simulated time in
// microseconds, the format --hv-trace has always written ("    272.317 us  a/vcpu0  ...").
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "sim/trace/trace.h"

namespace vfsim::trace {

namespace {
class TextSink : public Sink {
 public:
  explicit TextSink(std::FILE* f) : f_(f) {}
  ~TextSink() override { finish(); }
  void write(const Event& e) override {
    if (e.text.empty() || !f_) return;
    if (e.cat == Category::insn)   // cycle-level lines start with the core's cycle instead
      fmt::print(f_, "{}\n", e.text);
    else
      fmt::print(f_, "{:>12.3f} us  {}\n", double(e.ps) / 1e6, e.text);
  }
  void finish() override {
    if (!f_) return;
    if (f_ == stderr) std::fflush(f_);
    else std::fclose(f_);
    f_ = nullptr;
  }

 private:
  std::FILE* f_;
};
}  // namespace

std::unique_ptr<Sink> make_text_sink(const std::string& path, std::string& err) {
  std::FILE* f = path == "-" ? stderr : std::fopen(path.c_str(), "w");
  if (!f) {
    err = fmt::format("cannot write trace file {}: {}", path, std::strerror(errno));
    return nullptr;
  }
  return std::make_unique<TextSink>(f);
}

}  // namespace vfsim::trace
