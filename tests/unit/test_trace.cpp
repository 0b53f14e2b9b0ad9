// The trace interface (sim/trace/trace.h) on its own: categories and per-domain filters,
// time ordering, the option parsing the programs share, and what each output writes, read back
// exactly (text), with nlohmann::json (Chrome/Perfetto JSON) and with a small VCD parser.
// No SystemC simulation runs here (SystemC time stays 0, so sync() writes only time 0 and
// finish() writes the rest); tests/unit/test_trace_sim.cpp runs one for the held-back horizon.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <systemc>

#include "sim/trace/trace.h"
#include "tests/unit/trace_files.h"

namespace tr = vfsim::trace;
using tr::Category;
using tr::Phase;
using tr::Track;

// libsystemc wants the program's sc_main; Catch2 provides main and nothing starts SystemC.
int sc_main(int, char**) { return 0; }

namespace {

tr::Event ev(uint64_t ps, Category c, Track t, std::string dom, std::string name, std::string text = "") {
  tr::Event e;
  e.ps = ps;
  e.cat = c;
  e.track = std::move(t);
  e.domain = std::move(dom);
  e.name = std::move(name);
  e.text = std::move(text);
  return e;
}

// Every category's on() as a string of 0/1 in table order, to compare before and after.
std::string mask_bits() {
  std::string s;
  for (unsigned c = 0; c < unsigned(Category::count); ++c) s += tr::on(Category(c)) ? '1' : '0';
  return s;
}

}  // namespace

TEST_CASE("events emitted out of time order are written in time order", "[trace]") {
  TraceDir d;
  std::string err;
  REQUIRE(tr::set("hcall", "", true, err));
  REQUIRE(tr::add_output(d.path("t.txt"), err));
  for (uint64_t ps : {5000000u, 1000000u, 3000000u, 2000000u, 4000000u})
    tr::emit(ev(ps, Category::hcall, Track::vcpu("a", 0), "a", "x", "at " + std::to_string(ps / 1000000)));
  tr::finish();
  CHECK(read_file(d.path("t.txt")) ==
        "       1.000 us  at 1\n"
        "       2.000 us  at 2\n"
        "       3.000 us  at 3\n"
        "       4.000 us  at 4\n"
        "       5.000 us  at 5\n");
  tr::reset();
}

TEST_CASE("events at equal times keep their emission order", "[trace]") {
  TraceDir d;
  std::string err;
  REQUIRE(tr::set("hcall,ldc", "", true, err));
  REQUIRE(tr::add_output(d.path("t.txt"), err));
  tr::emit(ev(2000, Category::ldc, Track::channel("b", 1), "b", "p", "later"));
  for (const char* s : {"first", "second", "third", "fourth"})
    tr::emit(ev(1000, Category::hcall, Track::vcpu("a", 0), "a", "x", s));
  tr::emit(ev(1000, Category::ldc, Track::channel("b", 1), "b", "p", "fifth"));
  tr::finish();
  CHECK(read_file(d.path("t.txt")) ==
        "       0.001 us  first\n"
        "       0.001 us  second\n"
        "       0.001 us  third\n"
        "       0.001 us  fourth\n"
        "       0.001 us  fifth\n"
        "       0.002 us  later\n");
  tr::reset();
}

TEST_CASE("a per-domain filter passes that domain's events of that category only", "[trace]") {
  TraceDir d;
  std::string err;
  REQUIRE(tr::set("ldc", "ldg1", true, err));
  CHECK(tr::on(Category::ldc));        // on somewhere: trace points build their events
  CHECK_FALSE(tr::on(Category::hcall));
  REQUIRE(tr::add_output(d.path("t.txt"), err));
  tr::emit(ev(1000, Category::ldc, Track::channel("ldg1", 0), "ldg1", "p", "ldg1 ldc"));
  tr::emit(ev(2000, Category::ldc, Track::channel("ldg2", 0), "ldg2", "p", "ldg2 ldc"));
  tr::emit(ev(3000, Category::ldc, Track::host(), "", "p", "host ldc"));
  tr::emit(ev(4000, Category::hcall, Track::vcpu("ldg1", 0), "ldg1", "x", "ldg1 hcall"));
  tr::emit(ev(5000, Category::ldc, Track::channel("ldg1", 2), "ldg1", "p", "ldg1 ldc again"));
  CHECK_THAT(tr::status(), Catch::Contains("ldc        off   ldg1\n"));
  tr::finish();
  CHECK(read_file(d.path("t.txt")) == "       0.001 us  ldg1 ldc\n       0.005 us  ldg1 ldc again\n");

  // --trace CATS@D1,D2 sets the same filter for both; the host's setting passes everyone.
  tr::reset();
  REQUIRE(tr::enable_option("ldc,hcall@ldg1,ldg2", err));
  CHECK_THAT(tr::status(), Catch::Contains("hcall      off   ldg1,ldg2\n") && Catch::Contains("ldc        off   ldg1,ldg2\n"));
  REQUIRE(tr::set("ldc", "", true, err));
  REQUIRE(tr::add_output(d.path("u.txt"), err));
  tr::emit(ev(1000, Category::ldc, Track::channel("ldg3", 0), "ldg3", "p", "ldg3 ldc, host-wide"));
  tr::emit(ev(2000, Category::hcall, Track::vcpu("ldg3", 0), "ldg3", "x", "ldg3 hcall"));
  tr::emit(ev(3000, Category::hcall, Track::vcpu("ldg2", 0), "ldg2", "x", "ldg2 hcall"));
  // Turning one domain's categories off leaves the other domain's as they were.
  REQUIRE(tr::set("hcall", "ldg2", false, err));
  tr::emit(ev(4000, Category::hcall, Track::vcpu("ldg2", 0), "ldg2", "x", "ldg2 hcall after off"));
  tr::emit(ev(5000, Category::hcall, Track::vcpu("ldg1", 0), "ldg1", "x", "ldg1 hcall"));
  tr::finish();
  CHECK(read_file(d.path("u.txt")) ==
        "       0.001 us  ldg3 ldc, host-wide\n       0.003 us  ldg2 hcall\n       0.005 us  ldg1 hcall\n");
  tr::reset();
}

TEST_CASE("an unknown category or an empty name is refused and nothing changes", "[trace]") {
  std::string err;
  REQUIRE(tr::set("hcall", "", true, err));
  REQUIRE(tr::set("vio", "ldg1", true, err));
  const std::string bits = mask_bits(), status = tr::status();

  CHECK_FALSE(tr::set("ldc,nosuch", "", true, err));
  CHECK(err == "unknown trace category 'nosuch' (`--trace help` lists them)");
  CHECK_FALSE(tr::set("nosuch", "ldg1", false, err));
  CHECK_FALSE(tr::set("hcall,", "", false, err));   // a trailing comma names "" (unknown)
  CHECK(err == "unknown trace category '' (`--trace help` lists them)");
  err.clear();
  CHECK_FALSE(tr::set("", "", true, err));          // nothing named is not "nothing to do"
  CHECK_FALSE(err.empty());
  CHECK_FALSE(tr::valid("", err));
  CHECK_FALSE(tr::valid("ldc,INSN", err));          // names are exact
  CHECK(err == "unknown trace category 'INSN' (`--trace help` lists them)");
  CHECK_FALSE(tr::enable_option("ldc,bogus@ldg2", err));
  CHECK(err == "unknown trace category 'bogus' (`--trace help` lists them)");
  CHECK_FALSE(tr::enable_option("ldc@ldg2,", err));
  CHECK(err == "--trace ldc@ldg2,: empty domain name after '@'");
  CHECK_FALSE(tr::enable_option("@ldg2", err));
  CHECK(err == "--trace @ldg2: no categories");
  CHECK(mask_bits() == bits);
  CHECK(tr::status() == status);

  CHECK(tr::valid("hcall,channels,timing", err));
  tr::reset();
}

TEST_CASE("all turns on every category but insn -- off all turns everything off", "[trace]") {
  std::string err;
  REQUIRE(tr::set("all", "", true, err));
  for (unsigned c = 0; c < unsigned(Category::count); ++c) {
    INFO(tr::info(Category(c)).name);
    CHECK(tr::on(Category(c)) == (Category(c) != Category::insn));
  }
  CHECK_FALSE(tr::info(Category::insn).in_all);
  REQUIRE(tr::set("insn", "", true, err));
  CHECK(tr::on(Category::insn));
  REQUIRE(tr::set("timing,hcall", "ldg1", true, err));
  REQUIRE(tr::set("timing,ldc", "ldg2", true, err));
  REQUIRE(tr::set("all", "ldg1", false, err));   // one domain's: the rest stays
  CHECK(tr::on(Category::insn));
  CHECK_THAT(tr::status(), Catch::Contains("strand     on    ldg2\n") && Catch::Contains("hcall      on    -\n"));
  REQUIRE(tr::set("timing,hcall", "ldg1", true, err));
  REQUIRE(tr::set("hcall,strand", "", false, err));   // no domain: off for the host and every domain
  CHECK_THAT(tr::status(), Catch::Contains("strand     off   -\n") && Catch::Contains("hcall      off   -\n") &&
                               Catch::Contains("cache      on    ldg1,ldg2\n") && Catch::Contains("ldc        on    ldg2\n"));
  REQUIRE(tr::set("all", "", false, err));   // everything, everywhere, insn too
  CHECK_FALSE(tr::any_on());
  CHECK(mask_bits() == std::string(unsigned(Category::count), '0'));
  CHECK_THAT(tr::status(), !Catch::Contains(" on ") && !Catch::Contains("ldg1"));

  // A group turns on exactly its members.
  REQUIRE(tr::set("hv-trace", "", true, err));
  std::set<std::string> on;
  for (unsigned c = 0; c < unsigned(Category::count); ++c)
    if (tr::on(Category(c))) on.insert(tr::info(Category(c)).name);
  CHECK(on == std::set<std::string>{"hcall", "ldc", "vio", "console", "crypto", "pcie", "nvme"});
  tr::reset();
}

TEST_CASE("configure: the programs' --trace, --trace-file and --hv-trace", "[trace]") {
  TraceDir d;
  std::string err;
  // A file without categories would trace nothing.
  CHECK_FALSE(tr::configure({}, {d.path("a.json")}, "", err));
  CHECK(err == "--trace-file " + d.path("a.json") + ": nothing to trace; add --trace CATEGORIES (--trace help lists them)");
  CHECK_FALSE(tr::any_output());
  CHECK_FALSE(tr::any_on());
  CHECK_FALSE(std::filesystem::exists(d.path("a.json")));

  CHECK_FALSE(tr::configure({"hcall,nope"}, {d.path("a.json")}, "", err));
  CHECK(err == "unknown trace category 'nope' (`--trace help` lists them)");
  CHECK_FALSE(tr::any_output());
  CHECK_FALSE(tr::any_on());

  CHECK_FALSE(tr::configure({"hcall"}, {d.path("no/such/dir/a.json")}, "", err));
  CHECK_THAT(err, Catch::StartsWith("cannot write trace file " + d.path("no/such/dir/a.json") + ": "));
  tr::reset();

  // The same file twice would interleave two writers.
  CHECK_FALSE(tr::configure({"hcall"}, {d.path("a.txt"), d.path("a.txt")}, "", err));
  CHECK(err == "trace output " + d.path("a.txt") + " is already open");
  tr::reset();

  // No file: text on stderr.
  REQUIRE(tr::configure({"hcall"}, {}, "", err));
  CHECK(tr::outputs() == std::vector<std::string>{"-"});
  tr::reset();

  // --hv-trace FILE is the hv-trace group to FILE, beside any other outputs.
  REQUIRE(tr::configure({"mmu@ldg1"}, {d.path("b.json")}, d.path("old.txt"), err));
  CHECK(tr::outputs() == std::vector<std::string>{d.path("old.txt"), d.path("b.json")});
  CHECK(tr::on(Category::hcall));
  CHECK(tr::on(Category::nvme));
  CHECK(tr::on(Category::mmu));
  CHECK_FALSE(tr::on(Category::ds));
  CHECK_THAT(tr::status(), Catch::Contains("mmu        off   ldg1\n") && Catch::Contains("hcall      on    -\n"));
  tr::reset();
}

TEST_CASE("the text output: time in microseconds, then the line -- insn lines as they are", "[trace]") {
  TraceDir d;
  std::string err;
  REQUIRE(tr::set("hcall,insn,ldc", "", true, err));
  REQUIRE(tr::add_output(d.path("t.log"), err));
  tr::emit(ev(272317000, Category::hcall, Track::vcpu("a", 0), "a", "ldc_tx_qconf",
              "a/vcpu0  ldc_tx_qconf(0x0, 0x4000e000, 0x40) -> EOK"));
  tr::emit(ev(272317400, Category::insn, Track::strand(3), "", "insn", "      1234  s3  0x40000000  add %g1, 1, %g1"));
  tr::emit(ev(272317900, Category::ldc, Track::channel("a", 0), "a", "pkt", ""));   // no text: no line
  tr::emit(ev(123456789012345678ull, Category::hcall, Track::vcpu("a", 0), "a", "x", "far"));
  tr::emit(ev(0, Category::hcall, Track::vcpu("a", 0), "a", "x", "zero"));
  tr::emit(ev(999, Category::hcall, Track::vcpu("a", 0), "a", "x", "rounds"));
  tr::finish();
  CHECK(read_file(d.path("t.log")) ==
        "       0.000 us  zero\n"
        "       0.001 us  rounds\n"
        "     272.317 us  a/vcpu0  ldc_tx_qconf(0x0, 0x4000e000, 0x40) -> EOK\n"
        "      1234  s3  0x40000000  add %g1, 1, %g1\n"
        "123456789012.346 us  far\n");
  tr::reset();
}

TEST_CASE("the Chrome/Perfetto JSON output", "[trace]") {
  TraceDir d;
  std::string err;
  REQUIRE(tr::set("all", "", true, err));
  REQUIRE(tr::add_output(d.path("t.json"), err));

  tr::Event b = ev(1000000, Category::hcall, Track::vcpu("ldg1", 2), "ldg1", "ldc_tx_set_qtail");
  b.phase = Phase::Begin;
  b.arg("channel", uint64_t(3)).arg("status", "EOK");
  tr::emit(b);
  uint64_t flow = tr::new_flow();
  tr::Event send = ev(1250000, Category::ldc, Track::channel("ldg1", 3), "ldg1", "send");
  send.flow_out = flow;
  tr::emit(send);
  tr::Event e = ev(2000000, Category::hcall, Track::vcpu("ldg1", 2), "ldg1", "");
  e.phase = Phase::End;
  tr::emit(e);
  tr::Event x = ev(3000000, Category::vio, Track::service("vds@primary"), "primary", "read");
  x.phase = Phase::Complete;
  x.dur_ps = 1500500;
  x.flow_in = flow;
  tr::emit(x);
  tr::Event c = ev(3500000, Category::ldc, Track::channel("ldg1", 3), "ldg1", "rx_queue");
  c.phase = Phase::Counter;
  c.value = 5;
  tr::emit(c);
  c.ps = 3600000;
  c.value = 2.5;
  tr::emit(c);
  c.ps = 3700000;   // a trace point's arithmetic gone wrong must still leave a file that parses
  c.value = std::numeric_limits<double>::quiet_NaN();
  tr::emit(c);
  tr::emit(ev(4000000, Category::domain, Track::domain("ldg1"), "ldg1", "active"));
  tr::emit(ev(4000001, Category::ldm, Track::host(), "", "add-domain \"q\""));
  tr::emit(ev(4000002, Category::strand, Track::strand(17), "", "parked"));
  tr::finish();

  nlohmann::json j;
  {
    std::ifstream in(d.path("t.json"));
    REQUIRE_NOTHROW(j = nlohmann::json::parse(in));
  }
  CHECK(j["displayTimeUnit"] == "ns");
  const auto& evs = j["traceEvents"];
  REQUIRE(evs.is_array());

  // Metadata: process names by pid, thread names by (pid, tid).
  std::map<int, std::string> procs;
  std::map<std::pair<int, int>, std::string> threads;
  std::vector<nlohmann::json> rest;
  for (const auto& v : evs) {
    if (v["ph"] == "M") {
      if (v["name"] == "process_name") procs[v["pid"]] = v["args"]["name"];
      else if (v["name"] == "thread_name") threads[{v["pid"], v["tid"]}] = v["args"]["name"];
      else CHECK(v["name"] == "process_sort_index");
    } else {
      rest.push_back(v);
    }
  }
  std::map<std::string, int> pid;
  for (auto& [p, n] : procs) pid[n] = p;
  CHECK(procs.size() == 4);   // a service's track is in "services", whoever it serves
  CHECK(pid.at("host") == 1);
  for (const char* n : {"ldg1", "services", "strands"}) CHECK(pid.count(n) == 1);
  CHECK(threads.at({pid["ldg1"], 102}) == "vcpu2");
  CHECK(threads.at({pid["ldg1"], 100003}) == "channel3");
  CHECK(threads.at({pid["ldg1"], 1}) == "domain");
  CHECK(threads.at({pid["services"], 1}) == "vds@primary");
  CHECK(threads.at({pid["strands"], 18}) == "strand17");
  CHECK(threads.at({1, 1}) == "host");
  CHECK(threads.size() == 6);

  // The events, in time order, each with its phase and exact fields.
  std::vector<std::string> phases;
  for (const auto& v : rest) phases.push_back(v["ph"]);
  CHECK(phases == std::vector<std::string>{"B", "X", "s", "E", "X", "f", "C", "C", "C", "i", "i", "i"});
  CHECK(rest[0] == nlohmann::json::parse(R"({"ph":"B","cat":"hcall","name":"ldc_tx_set_qtail","pid":)" +
                                         std::to_string(pid["ldg1"]) +
                                         R"(,"tid":102,"ts":1.0,"args":{"channel":3,"status":"EOK"}})"));
  // An instant that starts a flow is a zero-length slice the flow can bind to.
  CHECK(rest[1]["name"] == "send");
  CHECK(rest[1]["dur"] == 0);
  CHECK(rest[1]["ts"] == 1.25);
  CHECK(rest[2]["id"] == flow);
  CHECK(rest[2]["tid"] == 100003);
  CHECK(rest[2]["ts"] == 1.25);
  CHECK(rest[3]["ts"] == 2.0);
  CHECK(rest[3]["tid"] == 102);
  CHECK(rest[4]["dur"] == 1.5005);
  CHECK(rest[4]["ts"] == 3.0);
  CHECK(rest[4]["cat"] == "vio");
  CHECK(rest[5]["id"] == flow);
  CHECK(rest[5]["bp"] == "e");
  CHECK(rest[5]["pid"] == pid["services"]);
  CHECK(rest[6]["name"] == "channel3 rx_queue");
  CHECK(rest[6]["args"]["value"] == 5);
  CHECK(rest[7]["args"]["value"] == 2.5);
  CHECK(rest[8]["args"]["value"].is_null());
  CHECK(rest[9]["s"] == "t");
  CHECK(rest[9]["name"] == "active");
  CHECK(rest[10]["name"] == "add-domain \"q\"");
  CHECK(rest[10]["ts"] == 4.000001);
  CHECK(rest[11]["pid"] == pid["strands"]);
  CHECK(rest[11]["tid"] == 18);
  tr::reset();
}

TEST_CASE("the VCD output: counters declared once in group and track scopes, changes in time order", "[trace]") {
  TraceDir d;
  std::string err;
  REQUIRE(tr::set("strand,ldc,hcall", "", true, err));
  REQUIRE(tr::add_output(d.path("t.vcd"), err));
  auto counter = [](uint64_t ps, Track t, std::string dom, std::string name, double v) {
    tr::Event e = ev(ps, Category::strand, std::move(t), std::move(dom), std::move(name));
    e.phase = Phase::Counter;
    e.value = v;
    tr::emit(e);
  };
  counter(3000, Track::strand(8), "", "state", 2);
  counter(1000, Track::strand(8), "", "state", 1);
  counter(1000, Track::strand(9), "", "state", 1);
  counter(2000, Track::strand(8), "", "state", 1);   // unchanged: no change written
  counter(2000, Track::channel("ldg1", 3), "ldg1", "rx_queue", 0.25);
  counter(5000, Track::service("ds@primary"), "primary", "queue", 7);
  tr::emit(ev(4000, Category::hcall, Track::vcpu("ldg1", 0), "ldg1", "x", "not a counter"));
  tr::finish();

  const std::string text = read_file(d.path("t.vcd"));
  Vcd v;
  REQUIRE(parse_vcd(text, v, err));
  INFO(text);
  CHECK(v.timescale == "1ps");
  // Each counter once, under its group and track.
  std::multiset<std::string> names;
  for (auto& [id, n] : v.vars) names.insert(n);
  CHECK(names == std::multiset<std::string>{"strands.strand8.state", "strands.strand9.state", "ldg1.channel3.rx_queue",
                                            "services.ds_primary.queue"});
  std::map<std::string, std::string> id;
  for (auto& [i, n] : v.vars) id[n] = i;
  // The value changes, as (time, variable, value), in order.
  std::vector<std::tuple<uint64_t, std::string, double>> want = {
      {1000, "strands.strand8.state", 1}, {1000, "strands.strand9.state", 1}, {2000, "ldg1.channel3.rx_queue", 0.25},
      {3000, "strands.strand8.state", 2}, {5000, "services.ds_primary.queue", 7}};
  std::vector<std::tuple<uint64_t, std::string, double>> got;
  for (auto& c : v.changes) got.emplace_back(c.time, v.vars.at(c.id), c.value);
  CHECK(got == want);
  CHECK(v.times == std::vector<uint64_t>{1000, 2000, 3000, 5000});
  tr::reset();
}

TEST_CASE("the VCD parser of these tests refuses what a reader would", "[trace]") {
  Vcd v;
  std::string err;
  const std::string head = "$timescale 1ps $end\n$scope module g $end\n$var real 64 ! x $end\n$upscope $end\n";
  CHECK(parse_vcd(head + "$enddefinitions $end\n#1\nr1 !\n#2\nr2 !\n", v, err));
  CHECK_FALSE(parse_vcd(head + "$enddefinitions $end\n#2\nr1 !\n#2\nr2 !\n", v, err));
  CHECK(err == "time 2 after 2");
  CHECK_FALSE(parse_vcd(head + "$enddefinitions $end\n#1\nr1 \"\n", v, err));
  CHECK(err == "change of undeclared \"");
  CHECK_FALSE(parse_vcd(head + "#1\nr1 !\n", v, err));
  CHECK(err == "no $enddefinitions");
  CHECK_FALSE(parse_vcd("$scope module g $end\n$var real 64 ! x $end\n$var real 64 ! y $end\n$upscope $end\n"
                        "$enddefinitions $end\n", v, err));
  CHECK(err == "! declared twice");
  CHECK_FALSE(parse_vcd(head + "$upscope $end\n$enddefinitions $end\n", v, err));
  CHECK(err == "$upscope without $scope");
  CHECK_FALSE(parse_vcd("$var real 64 ! x $end\n$enddefinitions $end\n", v, err));
  CHECK(err == "$var outside a scope");
}

TEST_CASE("a flow's end is written only with its start", "[trace]") {
  TraceDir d;
  std::string err;
  REQUIRE(tr::set("ldc", "ldg1", true, err));
  REQUIRE(tr::add_output(d.path("a.json"), err));
  auto packet = [](uint64_t ps, const char* dom, uint64_t out, uint64_t in) {
    tr::Event e = ev(ps, Category::ldc, Track::channel(dom, 0), dom, in ? "ldc read" : "ldc send");
    e.flow_out = out;
    e.flow_in = in;
    tr::emit(e);
  };
  uint64_t f1 = tr::new_flow(), f2 = tr::new_flow(), f3 = tr::new_flow();
  packet(1000, "ldg2", f1, 0);   // filtered out: its read in ldg1 has nothing to link to
  packet(2000, "ldg1", 0, f1);
  packet(3000, "ldg1", f2, 0);   // ldg1 to ldg1: both ends written
  packet(4000, "ldg1", 0, f2);
  packet(5000, "ldg1", f3, 0);   // still unread when the file is closed
  tr::finish();
  REQUIRE(tr::add_output(d.path("b.json"), err));
  packet(6000, "ldg1", 0, f3);   // read later: its start is in a.json, not here
  tr::finish();

  auto phases = [](const std::string& path) {
    std::string s;
    const nlohmann::json doc = nlohmann::json::parse(read_file(path));
    for (const auto& v : doc["traceEvents"])
      if (v["ph"] != "M") s += v["ph"].get<std::string>() + (v.contains("id") ? std::to_string(v["id"].get<uint64_t>()) : "") + " ";
    return s;
  };
  CHECK(phases(d.path("a.json")) == fmt::format("i X s{0} X f{0} X s{1} ", f2, f3));
  CHECK(phases(d.path("b.json")) == "i ");
}

TEST_CASE("the JSON output stays balanced: stray Ends dropped, open Begins ended at finish", "[trace]") {
  TraceDir d;
  std::string err;
  REQUIRE(tr::set("all", "", true, err));
  REQUIRE(tr::add_output(d.path("b.json"), err));
  // An End whose Begin went out before this file was opened (the category was off then).
  tr::Event stray = ev(1000000, Category::domain, Track::domain("ldg1"), "ldg1", "bound");
  stray.phase = Phase::End;
  tr::emit(stray);
  tr::Event b = ev(2000000, Category::domain, Track::domain("ldg1"), "ldg1", "active");
  b.phase = Phase::Begin;
  tr::emit(b);
  tr::emit(ev(5000000, Category::ldm, Track::host(), "", "ldm list"));
  tr::finish();
  nlohmann::json j;
  {
    std::ifstream in(d.path("b.json"));
    REQUIRE_NOTHROW(j = nlohmann::json::parse(in));
  }
  std::vector<nlohmann::json> be;
  for (const auto& v : j["traceEvents"])
    if (v["ph"] == "B" || v["ph"] == "E") be.push_back(v);
  REQUIRE(be.size() == 2);
  CHECK(be[0]["ph"] == "B");
  CHECK(be[0]["ts"].get<double>() == Approx(2.0));
  CHECK(be[1]["ph"] == "E");   // ended at the last event's time, marked as such
  CHECK(be[1]["ts"].get<double>() == Approx(5.0));
  CHECK(be[1]["args"]["unfinished"] == 1);
  CHECK(be[1]["pid"] == be[0]["pid"]);
  CHECK(be[1]["tid"] == be[0]["tid"]);
}
