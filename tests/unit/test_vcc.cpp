// The vcc: a guest's console output reaches it as console packets (not Guest::console), is
// kept up to a bound with absolute offsets, and typed input goes back to the guest.
#include "tests/unit/hv_fixture.h"

#include "models/vcc.h"

using namespace hvtest;
namespace models = vfsim::models;

TEST_CASE("console output goes to the vcc in packets, bounded, read from any offset", "[vcc]") {
  HvFixture f{{guest_config("ldg1", 1, {64ull << 20})}};
  models::VirtualConsoleConcentrator vcc;
  hv::Guest& g = f.guest();
  vcc.attach(g);
  CHECK(g.console_link == &vcc);
  f.h->console_write(g, "hello\n");
  std::string line(100, 'x');   // 100 bytes: two packets (56 + 44)
  f.h->console_write(g, line);
  CHECK(g.console.empty());     // it went to the vcc
  CHECK(vcc.written("ldg1") == 106);
  CHECK(vcc.read("ldg1", 0) == "hello\n" + line);
  uint64_t start = 0;
  CHECK(vcc.read("ldg1", 3, &start) == "lo\n" + line);
  CHECK(start == 3);
  CHECK(vcc.read("ldg1", 106).empty());
  CHECK(vcc.read("nosuch", 0).empty());

  // 3 MB more: the oldest output is dropped, the offsets stay absolute
  std::string block(1 << 20, 'y');
  for (int i = 0; i < 3; ++i) f.h->console_write(g, block);
  uint64_t total = 106 + (3ull << 20);
  CHECK(vcc.written("ldg1") == total);
  CHECK(vcc.dropped("ldg1") > 0);
  std::string kept = vcc.read("ldg1", 0, &start);
  CHECK(start == vcc.dropped("ldg1"));
  CHECK(start + kept.size() == total);
  CHECK(kept.size() >= models::VirtualConsoleConcentrator::kKeep);
  CHECK(kept.size() <= models::VirtualConsoleConcentrator::kKeep * 5 / 4);

  // typed input arrives in the guest's console input (cons_getchar's queue)
  std::string typed(70, 'k');
  vcc.type(*f.h, g, typed + "\n");
  CHECK(g.console_input == typed + "\n");
}
