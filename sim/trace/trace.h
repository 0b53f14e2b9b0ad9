// One trace interface for the whole simulator (docs/tracing.md). Trace points test a category
// with on(), a load and a bit test when it is off, and only then build an Event and emit() it.
// Events carry simulated time in picoseconds, the emitting core's own clock, so events from
// cores that run their quanta one after another still land at their true time; the tracer
// holds them back until every core has passed them and writes each output in time order.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace vfsim::trace {

enum class Category : unsigned {
#define X(id, name, in_all, what) id,
#include "sim/trace/categories.def"
#undef X
  count
};
static_assert(unsigned(Category::count) <= 64, "categories are bits of one word");

struct CategoryInfo {
  const char* name;
  bool in_all;
  const char* what;
};
const CategoryInfo& info(Category c);

namespace detail {
extern uint64_t g_mask;   // union of everything enabled, globally and for any domain
}
// Is c on, for the whole host or for at least one domain? The only cost of a trace point
// whose category is off.
inline bool on(Category c) { return (detail::g_mask >> unsigned(c)) & 1; }

// Where an event is drawn: one track per host, domain, vCPU, channel, service and strand.
// owner names the domain (Domain, Vcpu, Channel), the service (Service: "vds0@primary"), or
// nothing (Host, Strand); id is the vCPU, channel or strand number.
enum class TrackKind : uint8_t { Host, Domain, Vcpu, Channel, Service, Strand };
struct Track {
  TrackKind kind = TrackKind::Host;
  std::string owner;
  uint64_t id = 0;
  static Track host() { return {}; }
  static Track domain(std::string d) { return {TrackKind::Domain, std::move(d), 0}; }
  static Track vcpu(std::string d, uint64_t v) { return {TrackKind::Vcpu, std::move(d), v}; }
  static Track channel(std::string d, uint64_t ch) { return {TrackKind::Channel, std::move(d), ch}; }
  static Track service(std::string s) { return {TrackKind::Service, std::move(s), 0}; }
  static Track strand(uint64_t cpuid) { return {TrackKind::Strand, {}, cpuid}; }
};

// Instant: a point. Begin/End: a slice opened and closed on one track (they nest). Complete:
// a slice whose duration is known when it is emitted. Counter: a value over time (queue
// depth, utilisation); the VCD output draws these.
enum class Phase : uint8_t { Instant, Begin, End, Complete, Counter };

struct Arg {
  std::string key;
  std::string str;   // used when !is_num
  uint64_t num = 0;
  bool is_num = false;
};

struct Event {
  Event() = default;
  // The fields every trace point sets; the rest by name.
  Event(Category c, Phase p, uint64_t at, Track t, std::string dom, std::string nm)
      : ps(at), cat(c), phase(p), track(std::move(t)), domain(std::move(dom)), name(std::move(nm)) {}

  uint64_t ps = 0;            // simulated time
  Category cat = Category::hcall;
  Phase phase = Phase::Instant;
  Track track;
  std::string domain;         // the domain it concerns, for per-domain filters ("" = host)
  std::string name;           // slice, instant or counter name
  uint64_t dur_ps = 0;        // Complete
  double value = 0;           // Counter
  uint64_t flow_out = 0;      // nonzero: starts flow N here (e.g. an LDC send)
  uint64_t flow_in = 0;       // nonzero: ends flow N here (e.g. that packet's receive)
  std::vector<Arg> args;
  std::string text;           // the line of the text output after its time ("" = none)
  uint64_t seq = 0;           // emission order, set by emit(): ties in time keep it

  Event& arg(std::string k, std::string v) { args.push_back({std::move(k), std::move(v), 0, false}); return *this; }
  Event& arg(std::string k, uint64_t v) { args.push_back({std::move(k), {}, v, true}); return *this; }
};

// Hand an event to the tracer (only after on(e.cat)): it is dropped if its category is on
// neither for the host nor for e.domain, else held until time has passed it everywhere.
void emit(Event e);
// An instant with its text line: a trace point with nothing to nest or link.
void instant(Category c, uint64_t ps, Track track, std::string domain, std::string name, std::string text);
// A fresh flow id, to link two events (send -> receive, request -> completion).
uint64_t new_flow();

// Simulated time of a core clock. The machine sets the cycle time before anything runs.
void set_cycle_ns(double ns);
uint64_t cycles_to_ps(uint64_t cycles);
// The machine's quantum: cores run at most this far apart, so an event older than now minus
// one quantum will not be preceded by another one (tracer.cpp).
void set_skew_ps(uint64_t ps);

// An output: gets events in time order, once each.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void write(const Event& e) = 0;
  virtual void finish() = 0;   // complete the file (JSON's closing bracket, ...)
  std::string path;
};
// Outputs by file name: "-" is text on stderr, *.json Chrome trace / Perfetto JSON, *.vcd a
// value change dump, anything else text. false and why when it cannot be opened.
bool add_output(const std::string& path, std::string& err);
std::unique_ptr<Sink> make_text_sink(const std::string& path, std::string& err);
std::unique_ptr<Sink> make_chrome_json_sink(const std::string& path, std::string& err);
std::unique_ptr<Sink> make_vcd_sink(const std::string& path, std::string& err);

// Turn categories on or off, for the host (domain "") or one domain. spec: names and groups
// separated by commas, or "all" (off all: every category, insn too). false and why for an unknown name (nothing changes).
bool set(const std::string& spec, const std::string& domain, bool enable, std::string& err);
// "--trace SPEC" form: CATEGORIES[@DOMAIN[,DOMAIN...]].
bool enable_option(const std::string& option, std::string& err);
bool any_output();
bool valid(const std::string& spec, std::string& err);   // would set() take spec?
bool any_on();                                            // anything on, anywhere
std::vector<std::string> outputs();
// Write out what time has passed everywhere (call between simulation slices and at quantum
// ends); finish() writes everything and completes and closes every output.
void sync();
void finish();
// A readable account: categories with where they are on, outputs, events written and late.
std::string status();
// After finish(): "trace: N events to FILE, FILE (M late)" for the programs' last words, or
// "" when nothing was traced.
std::string summary();
// The categories table, for --trace help.
std::string categories_help();

// The programs' options: --trace SPEC... (help: the caller prints categories_help()),
// --trace-file FILE... and --hv-trace FILE ("" = not given). Without a file, text goes to
// stderr; a file without categories is refused. false and why, with nothing half set up
// beyond what reset() undoes.
bool configure(const std::vector<std::string>& specs, const std::vector<std::string>& files, const std::string& hv_trace_file,
               std::string& err);
// A sentence for --help: what --trace takes.
inline const char* option_help() {
  return "trace CATEGORIES[@DOMAIN,...] (comma-separated; 'help' lists them) to the --trace-file outputs";
}

// For tests: forget every setting and output (outputs are finished first).
void reset();

}  // namespace vfsim::trace
