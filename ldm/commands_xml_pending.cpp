// Placeholder until the XML reader lands (it replaces this file): add-domain -i is refused.
#include "ldm/manager.h"

namespace vfsim::ldm {
Reply Manager::cmd_add_domain_xml(const std::string&) { return fail("add-domain -i is not available in this build"); }
}  // namespace vfsim::ldm
