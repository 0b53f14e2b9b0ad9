// vfctl layout: asks ldmd for the layout document (of the host, or of a plan file read here,
// as the user) and prints it as text or JSON, or draws it (layout_graph.h).
#include "ldm/layout_client.h"

#include <fstream>
#include <iostream>
#include <iterator>

#include "ldm/layout_doc.h"
#include "ldm/layout_graph.h"
#include "ldm/protocol.h"
#include "ldm/vfctl_usage.h"

namespace vfsim::ldm {

int layout_main(const std::vector<std::string>& args) {
  auto usage = [](const std::string& why) {
    std::cerr << "vfctl layout: " << why << "\n" << vfctl_usage();
    return 1;
  };
  std::string format, file, plan;
  bool json = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--svg" || a == "--png" || a == "--plan") {
      if (i + 1 >= args.size() || args[i + 1].empty()) return usage(a + " needs a FILE");
      if (a == "--plan") {
        if (!plan.empty()) return usage("one --plan only");
        plan = args[++i];
        continue;
      }
      if (!format.empty() || json) return usage("one of --svg, --png and --json only");
      format = a.substr(2);
      file = args[++i];
    } else if (a == "--json") {
      if (!format.empty() || json) return usage("one of --svg, --png and --json only");
      json = true;
    } else {
      return usage("unknown option or operand: " + a);
    }
  }
  std::vector<std::string> req = {"layout"};
  if (!plan.empty()) {
    std::ifstream f(plan, std::ios::binary);
    if (!f) {
      std::cerr << "vfctl layout: cannot read " << plan << "\n";
      return 1;
    }
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    req = {"layout", "--plan", plan, text};
  }
  Answer a = request("vfctl", req);
  if (a.code != 0) {
    std::cerr << a.err;
    return a.code;
  }
  layout::Document doc;
  try {
    doc = nlohmann::json::parse(a.out).get<layout::Document>();
  } catch (const std::exception& e) {
    std::cerr << "vfctl layout: ldmd's layout document cannot be read: " << e.what() << "\n";
    return 1;
  }
  if (json) {
    std::cout << a.out << std::flush;
    return 0;
  }
  if (format.empty()) {
    std::cout << layout::summary(doc) << std::flush;
    return 0;
  }
  if (std::string err = layout::render(doc, format, file); !err.empty()) {
    std::cerr << "vfctl layout: " << err << "\n";
    return 1;
  }
  // A plan's findings are its point: they are printed beside the picture.
  for (const std::string& w : doc.warnings) std::cout << "Warning: " << w << "\n";
  return 0;
}

}  // namespace vfsim::ldm
