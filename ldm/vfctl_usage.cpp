#include "ldm/vfctl_usage.h"

namespace vfsim::ldm {
std::string vfctl_usage() {
  return "Usage:\n    vfctl reboot primary\n    vfctl sp poweron|poweroff|powercycle|showhost\n"
         "    vfctl sp bootmode config=NAME\n    vfctl console [-f] DOMAIN\n"
         "    vfctl clock advance DURATION (e.g. 10ms)\n    vfctl clock show [DOMAIN]\n"
         "    vfctl mkfile [-n] SIZE[k|m|g] PATH\n    vfctl snapshot save FILE\n    vfctl checksum DOMAIN\n    vfctl pcie\n"
         "    vfctl suspend|resume DOMAIN\n    vfctl xml FILE|-   (an LDM_interface request; ldmd --xml-interface)\n"
         "    vfctl trace [help | on CATEGORIES [DOMAIN] [file=FILE] | off CATEGORIES [DOMAIN]]\n"
         "    vfctl stats [--json]\n    vfctl top [-d SECONDS] [-b] [-n COUNT]\n"
         "    vfctl layout [--plan FILE] [--svg FILE | --png FILE | --json]   (docs/layout.md)\n"
         "    vfctl shutdown\n";
}
}  // namespace vfsim::ldm
