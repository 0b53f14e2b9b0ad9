#include "ldm/vntsd.h"

#include <algorithm>
#include <iostream>

namespace vfsim::ldm {

using boost::asio::ip::tcp;

bool ConsoleServer::port_free(int port) {
  if (ports_.count(port)) return true;
  boost::system::error_code ec;
  tcp::acceptor probe(io_);
  probe.open(tcp::v4(), ec);
  if (!ec) probe.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) probe.bind(tcp::endpoint(boost::asio::ip::address_v4::loopback(), uint16_t(port)), ec);
  return !ec;
}

void ConsoleServer::poll(const Model& m) {
  // Listeners follow the bindings: a port per bound or active guest that has one.
  std::map<int, std::string> want;
  for (const Domain& d : m.domains)
    if (!d.control && d.state != State::Inactive && d.cons_port > 0) want[d.cons_port] = d.name;
  for (auto it = ports_.begin(); it != ports_.end();)
    if (!want.count(it->first) || want[it->first] != it->second.domain) it = ports_.erase(it);
    else ++it;
  for (const auto& [port, name] : want) {
    if (ports_.count(port)) continue;
    Port p;
    p.domain = name;
    boost::system::error_code ec;
    auto acc = std::make_unique<tcp::acceptor>(io_);
    acc->open(tcp::v4(), ec);
    if (!ec) acc->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acc->bind(tcp::endpoint(boost::asio::ip::address_v4::loopback(), uint16_t(port)), ec);
    if (!ec) acc->listen(8, ec);
    if (!ec) acc->non_blocking(true, ec);
    if (ec) {   // a port in use stays closed and is retried next time; said once
      if (failed_[port] != name)
        std::cerr << "ldmd: console port " << port << " of LDom " << name << " cannot be opened: " << ec.message()
                  << " (another process holds it): the console is not reachable there until it is free\n";
      failed_[port] = name;
      continue;
    }
    if (failed_.erase(port)) std::cerr << "ldmd: console port " << port << " of LDom " << name << " is open now\n";
    p.acceptor = std::move(acc);
    ports_.emplace(port, std::move(p));
  }
  for (auto it = failed_.begin(); it != failed_.end();) it = want.count(it->first) ? std::next(it) : failed_.erase(it);
  for (auto& [port, p] : ports_) {
    hv::Guest* g = hv_.find_guest(p.domain);
    if (!g) continue;
    for (;;) {
      boost::system::error_code ec;
      tcp::socket s(io_);
      p.acceptor->accept(s, ec);
      if (ec) break;
      s.non_blocking(true, ec);
      uint64_t written = vcc_.written(p.domain);
      p.clients.push_back(std::make_unique<Client>(Client{std::move(s), written > kBacklog ? written - kBacklog : 0}));
    }
    for (auto& c : p.clients) {
      boost::system::error_code ec;
      char buf[512];
      size_t n = c->sock.read_some(boost::asio::buffer(buf), ec);
      if (!ec && n) {
        std::string in(buf, n);
        in.erase(std::remove(in.begin(), in.end(), '\0'), in.end());
        vcc_.type(hv_, *g, in);
      } else if (ec && ec != boost::asio::error::would_block) {
        c->sock.close();
        continue;
      }
      uint64_t start;
      std::string out = vcc_.read(p.domain, c->sent, &start);
      c->sent = start;   // output the vcc no longer keeps is skipped
      if (!out.empty()) {
        size_t w = c->sock.write_some(boost::asio::buffer(out), ec);
        if (!ec) c->sent += w;
        else if (ec != boost::asio::error::would_block) c->sock.close();
      }
    }
    p.clients.erase(std::remove_if(p.clients.begin(), p.clients.end(), [](const auto& c) { return !c->sock.is_open(); }),
                    p.clients.end());
  }
}

}  // namespace vfsim::ldm
