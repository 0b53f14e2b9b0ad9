// The LDoms XML interface's requests and responses (LDoms 1.2/1.3 Administration Guide,
// "Using the XML Interface With the Logical Domains Manager"; reference §8.3/§8.4): an
// <LDM_interface> document of <cmd>s, each one <action>, its <option>s and <data> sections
// naming domains (<Content id="NAME">), answered by the same document with a
// <response><status>success|failure</status>[<resp_msg>...]</response> in every <data>, every
// <cmd> and the document. ldmd serves it on its own socket when started with
// --xml-interface (`vfctl xml FILE` sends one); the guide's XMPP transport is future work
// (docs/ldm.md, section 9).
#pragma once
#include <string>

#include "ldm/operation.h"

namespace vfsim::ldm {

class Manager;

// The response document in Reply::out (code 0 when every command succeeded, else 1). A
// stop-domain that waits for its guest makes the Reply pending; its response is written when
// it ends, and commands after it in the same document are not run (their data say so).
Reply serve_xml_request(Manager& m, const std::string& document);

}  // namespace vfsim::ldm
