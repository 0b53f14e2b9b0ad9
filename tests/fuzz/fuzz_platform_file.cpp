// libFuzzer target: arbitrary text as a platform file (sim/platform/platform.h:
// load_platform_file, TOML through toml++; it takes a path: each input is written to one
// temporary file made at start-up). Whatever the text: it returns a platform or throws its
// PlatformError; any other exception, or a crash, is a finding. A platform it returns is
// one the simulator can build: at least one socket, core and strand, a nonzero clock.
//
// VFSIM_FUZZ_WRITE_SEED=DIR: write small valid platform files to DIR and exit (run_fuzz.sh's
// seeds; examples/platforms/t5440-4core.toml is in tests/fuzz/corpus/platform_file/).
#include "tests/fuzz/fuzz_seed.h"
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "sim/platform/platform.h"

using namespace vfsim::platform;

namespace {

std::string g_path;

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_platform_file: %s\n", what);
  std::abort();
}

void remove_temp() {
  if (!g_path.empty()) ::unlink(g_path.c_str());
}

void run(const uint8_t* data, size_t size) {
  fuzz_seed::write(g_path, data, size);   // (the reader takes a path)
  Platform p;
  try {
    p = load_platform_file(g_path);
  } catch (const PlatformError&) {
    return;   // rejected with its own error: fine
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_platform_file: %s\n", e.what());
    finding("an exception other than PlatformError");
  }
  if (p.sockets == 0 || p.cores() == 0 || p.strands() == 0) finding("a platform with no socket, core or strand");
  if (p.clock_hz == 0) finding("a platform with a zero clock");
}

void write_seeds(const char* dir) {
  const char* seeds[][2] = {
      {"minimal.toml", "name = \"fuzz\"\n"},
      {"t5140.toml", "name = \"small\"\nbase = \"T5140\"\ncores_per_socket = 2\nclock_mhz = 1200\nmemory_gb = 8\n"},
      {"latency.toml",
       "name = \"lat\"\nbase = \"T5240\"\n\n[latency]\nlocal_memory_ns = 140\nremote_memory_extra_ns = 80\n"},
  };
  for (auto& s : seeds) {
    fuzz_seed::write(std::string(dir) + "/" + s[0], std::string(s[1]));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz_seed::write_if_asked([](const std::string& dir) { write_seeds(dir.c_str()); });
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/fuzz_platform.XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = ::mkstemp(buf.data());
  if (fd < 0) finding("cannot create the temporary file");
  ::close(fd);
  g_path = buf.data();
  std::atexit(remove_temp);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  run(data, size);
  return 0;
}
