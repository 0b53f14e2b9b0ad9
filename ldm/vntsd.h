// Guest consoles on TCP, as vntsd serves them from the vcc's port range: every bound guest
// with a console port listens on 127.0.0.1:<port>; a client first gets what the guest wrote
// before it connected (the last kBacklog bytes, nothing lost in between), then its output
// as it comes; what the client types goes to the guest's console input (cons_getchar).
// The guest's console output is taken from the hypervisor directly: the console LDC between
// the hypervisor and the vcc of the real machines is not modelled.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio.hpp>

#include "hv/hypervisor.h"
#include "ldm/manager.h"

namespace vfsim::ldm {

class ConsoleServer {
 public:
  static constexpr size_t kBacklog = 64 * 1024;
  ConsoleServer(boost::asio::io_context& io, hv::Hypervisor& hv) : io_(io), hv_(hv) {}
  // Open and close listeners to follow the bindings, accept clients, move bytes both ways.
  void poll(const Model& m);

 private:
  struct Client {
    boost::asio::ip::tcp::socket sock;
    size_t sent;   // bytes of the guest's console already written to this client
  };
  struct Port {
    std::string domain;
    std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;
    std::vector<std::unique_ptr<Client>> clients;
  };
  boost::asio::io_context& io_;
  hv::Hypervisor& hv_;
  std::map<int, Port> ports_;
};

}  // namespace vfsim::ldm
