// vfctl top's options (ldm/top_view.h): in the client library, for unit tests.
#include <cctype>
#include <cstdlib>

#include "ldm/top_view.h"

namespace vfsim::ldm {

namespace {
const char* kTopUsage = "Usage: vfctl top [-d SECONDS] [-b] [-n COUNT]\n";
}

bool parse_top_options(const std::vector<std::string>& args, TopOptions& o, std::string& err) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-b") {
      o.batch = true;
    } else if (a == "-d" || a == "-n") {
      if (i + 1 == args.size()) {
        err = "vfctl top: " + a + " needs a value\n" + kTopUsage;
        return false;
      }
      const std::string& v = args[++i];
      char* end = nullptr;
      if (a == "-d") {
        double d = std::strtod(v.c_str(), &end);
        // (a floor keeps ldmd's request loop from being flooded)
        if (v.empty() || !(std::isdigit(static_cast<unsigned char>(v[0])) || v[0] == '.') || end != v.c_str() + v.size() ||
            !(d >= 0.1 && d <= 3600)) {
          err = "vfctl top: -d " + v + ": seconds from 0.1 to 3600\n" + kTopUsage;
          return false;
        }
        o.delay_s = d;
      } else {
        unsigned long n = v.empty() || !std::isdigit(static_cast<unsigned char>(v[0])) ? 0 : std::strtoul(v.c_str(), &end, 10);
        if (v.empty() || end != v.c_str() + v.size() || n == 0 || n > 1000000) {
          err = "vfctl top: -n " + v + ": a count from 1 to 1000000\n" + kTopUsage;
          return false;
        }
        o.count = unsigned(n);
      }
    } else {
      err = "vfctl top: unknown option " + a + "\n" + kTopUsage;
      return false;
    }
  }
  return true;
}

}  // namespace vfsim::ldm
