#include "ldm/xml_interface.h"

#include <memory>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "ldm/constraints_xml.h"
#include "ldm/manager.h"

namespace vfsim::ldm {

namespace {

// The actions served: the listings of domains and their life cycle. Other actions of the
// guide's list (reference §8.5) are answered with a failure naming them.
bool served(const std::string& a) {
  static const char* kActions[] = {"list-domain", "list-constraints", "add-domain", "remove-domain", "bind-domain",
                                   "unbind-domain", "start-domain", "stop-domain", "panic-domain"};
  for (const char* k : kActions)
    if (a == k) return true;
  return false;
}

void respond(pugi::xml_node at, bool ok, const std::string& msg) {
  pugi::xml_node r = at.append_child("response");
  r.append_child("status").text().set(ok ? "success" : "failure");
  // One resp_msg per line of the error (ldm's messages may have two).
  std::istringstream lines(msg);
  for (std::string l; std::getline(lines, l);)
    if (!l.empty()) r.append_child("resp_msg").text().set(l.c_str());
}

std::string text_of(const pugi::xml_document& d) {
  std::ostringstream o;
  d.save(o, "  ", pugi::format_indent, pugi::encoding_utf8);
  return o.str();
}

// A document-level failure: what was wrong with the document itself.
Reply malformed(const std::string& why) {
  pugi::xml_document d;
  d.append_child(pugi::node_declaration).append_attribute("version") = "1.0";
  pugi::xml_node root = d.append_child("LDM_interface");
  root.append_attribute("version") = "1.0";
  respond(root, false, why);
  Reply r;
  r.out = text_of(d);
  r.code = 1;
  return r;
}

// The domain a <data> names: its <Content id=...> (empty when it names none).
std::string domain_of(pugi::xml_node data) {
  pugi::xpath_node c = data.select_node(".//Content[@id]");
  return c ? c.node().attribute("id").value() : "";
}

// One unit of work: a <data> of a <cmd> (or the <cmd> itself for -a), with what to run.
struct Work {
  pugi::xml_node data;     // where its response goes
  pugi::xml_node cmd;
  std::string action, domain;
  std::vector<std::string> options;
};

// The state shared by a request whose stop-domain waits: the response is finished when it ends.
struct Pending {
  pugi::xml_document doc;
  std::vector<Work> work;
  size_t at = 0;
};

// list-domain's answer for one domain: its ldom_info as ldm list -l -p shows it.
void list_domain(Manager& m, pugi::xml_node data, const std::string& name) {
  Reply r = m.run({"list-domain", "-l", "-p", name});
  pugi::xml_node content = data.append_child("Envelope").append_child("Content");
  content.append_attribute("xsi:type") = "ovf:VirtualSystem_Type";
  content.append_attribute("id") = name.c_str();
  pugi::xml_node sec = content.append_child("Section");
  sec.append_attribute("xsi:type") = "ovf:ResourceAllocationSection_type";
  pugi::xml_node item = sec.append_child("Item");
  item.append_child("rasd:OtherResourceType").text().set("ldom_info");
  std::istringstream lines(r.out);
  for (std::string l; std::getline(lines, l);) {
    if (l.rfind("DOMAIN|", 0) != 0) continue;
    std::istringstream fields(l.substr(7));
    for (std::string f; std::getline(fields, f, '|');) {
      size_t eq = f.find('=');
      if (eq == std::string::npos) continue;
      pugi::xml_node g = item.append_child("gprop:GenericProperty");
      g.append_attribute("key") = f.substr(0, eq).c_str();
      g.text().set(f.substr(eq + 1).c_str());
    }
  }
}

// Runs w; false when it waits (its Reply is pending: the caller finishes the response later).
bool run_one(Manager& m, Work& w, Reply& last) {
  auto done = [&](const Reply& r) {
    respond(w.data, r.code == 0, r.code == 0 ? "" : r.err);
    last = r;
    return true;
  };
  if (w.action == "list-domain" || w.action == "list-constraints") {
    std::vector<std::string> names;
    if (!w.domain.empty()) names.push_back(w.domain);
    else
      for (const Domain& d : m.model().domains) names.push_back(d.name);
    // The answer replaces what the request's data named.
    while (w.data.first_child()) w.data.remove_child(w.data.first_child());
    for (const std::string& n : names) {
      const Domain* d = m.model().find(n);
      if (!d) return done(fail(fmt::format("LDom {} not found", n)));
      if (w.action == "list-domain") {
        list_domain(m, w.data, n);
        continue;
      }
      pugi::xml_document one;
      one.load_string(write_constraints_xml({d}, m.platform().strands_per_core).c_str());
      for (pugi::xml_node c : one.child("LDM_interface").child("data").children()) w.data.append_copy(c);
    }
    return done(Reply{});
  }
  if (w.action == "add-domain") {
    // The <data> as list-constraints -x writes one domain: add-domain -i's reader takes it.
    pugi::xml_document d;
    pugi::xml_node root = d.append_child("LDM_interface");
    root.append_attribute("version") = "1.0";
    pugi::xml_node data = root.append_copy(w.data);
    std::ostringstream o;
    d.save(o);
    return done(m.run({"add-domain", "-i", o.str()}));
  }
  std::vector<std::string> args = {w.action};
  args.insert(args.end(), w.options.begin(), w.options.end());
  if (!w.domain.empty()) args.push_back(w.domain);
  Reply r = m.run(args);
  if (r.pending) {
    last = r;
    return false;
  }
  return done(r);
}

// The <cmd> and document responses, once every <data> has its own.
std::string finish_document(pugi::xml_document& doc, bool& all_ok) {
  all_ok = true;
  pugi::xml_node root = doc.child("LDM_interface");
  for (pugi::xml_node cmd : root.children("cmd")) {
    if (cmd.child("response")) {   // (answered already: a malformed cmd)
      all_ok = false;
      continue;
    }
    bool ok = true;
    for (pugi::xml_node data : cmd.children("data"))
      ok &= std::string(data.child("response").child_value("status")) == "success";
    respond(cmd, ok, "");
    all_ok &= ok;
  }
  respond(root, all_ok, "");
  return text_of(doc);
}

}  // namespace

Reply serve_xml_request(Manager& m, const std::string& document) {
  auto p = std::make_shared<Pending>();
  pugi::xml_parse_result res = p->doc.load_string(document.c_str());
  if (!res)
    return malformed(fmt::format("Invalid XML: offset {}: {}", res.offset, res.description()));
  pugi::xml_node root = p->doc.child("LDM_interface");
  if (!root || (p->doc.first_child() != root && p->doc.first_child().type() != pugi::node_declaration))
    return malformed("Invalid request: the document is not an <LDM_interface>");
  if (!root.attribute("version")) return malformed("Invalid request: <LDM_interface> has no version");
  if (!root.child("cmd")) return malformed("Invalid request: <LDM_interface> has no <cmd>");
  // A response sent back as a request (a listing's answer as add-domain's data): the old
  // statuses go, the new ones are written where they were.
  auto drop_responses = [](pugi::xml_node n) {
    while (n.remove_child("response")) {}
  };
  drop_responses(root);
  declare_interface_namespaces(root);   // (the answer's Items use them)
  for (pugi::xml_node cmd : root.children("cmd")) {
    drop_responses(cmd);
    for (pugi::xml_node data : cmd.children("data")) drop_responses(data);
  }
  for (pugi::xml_node cmd : root.children("cmd")) {
    size_t actions = 0;
    for (pugi::xml_node a : cmd.children("action")) (void)a, ++actions;
    std::string action = cmd.child_value("action");
    std::string why = actions != 1            ? "Invalid request: a <cmd> has exactly one <action>"
                      : !cmd.child("data")    ? "Invalid request: a <cmd> has at least one <data>"
                      : !served(action)       ? fmt::format("Action {} is not served by vfsim's XML interface", action)
                                              : "";
    if (!why.empty()) {
      respond(cmd, false, why);
      continue;
    }
    std::vector<std::string> options;
    for (pugi::xml_node o : cmd.children("option")) options.push_back(o.child_value());
    for (pugi::xml_node data : cmd.children("data"))
      p->work.push_back({data, cmd, action, domain_of(data), options});
  }
  // In order; a command that waits ends the synchronous part.
  Reply last;
  for (; p->at < p->work.size(); ++p->at) {
    if (run_one(m, p->work[p->at], last)) continue;
    std::shared_ptr<Operation> op = last.pending;
    for (size_t i = p->at + 1; i < p->work.size(); ++i)
      respond(p->work[i].data, false, "Not run: it follows a stop-domain that waits for its guest (send it alone)");
    op->on_finish([p](Reply& r) {
      respond(p->work[p->at].data, r.code == 0, r.code == 0 ? "" : r.err);
      bool ok = false;
      std::string out = finish_document(p->doc, ok);
      r.out = out;
      r.err.clear();
      r.code = ok ? 0 : 1;
    });
    Reply waiting;
    waiting.pending = op;
    return waiting;
  }
  bool ok = false;
  Reply r;
  r.out = finish_document(p->doc, ok);
  r.code = ok ? 0 : 1;
  return r;
}

}  // namespace vfsim::ldm
