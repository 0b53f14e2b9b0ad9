#include "ldm/migration_link.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <stdexcept>

#include "ldm/openssl_errors.h"

namespace vfsim::ldm::link {

namespace {

constexpr int64_t kForever = INT64_MAX;
// Waits are cut in slices this long: a state change made by the other thread's OpenSSL call
// (one thread sends while another receives) is seen within a slice even if the socket is quiet.
constexpr int64_t kSliceMs = 250;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
int64_t deadline_after(int timeout_ms) { return timeout_ms < 0 ? kForever : now_ms() + timeout_ms; }

// ---- the socket under TLS ----------------------------------------------------------------
// OpenSSL's socket BIO writes with write(2): a peer that has gone away would raise SIGPIPE
// and kill a process that does not ignore it. This one sends with MSG_NOSIGNAL.

int bio_fd(BIO* b) { return int(reinterpret_cast<intptr_t>(BIO_get_data(b))); }

int bio_write(BIO* b, const char* p, int n) {
  BIO_clear_retry_flags(b);
  ssize_t r = ::send(bio_fd(b), p, size_t(n), MSG_NOSIGNAL);
  if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) BIO_set_retry_write(b);
  return int(r);
}

int bio_read(BIO* b, char* p, int n) {
  BIO_clear_retry_flags(b);
  ssize_t r = ::recv(bio_fd(b), p, size_t(n), 0);
  if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) BIO_set_retry_read(b);
  return int(r);
}

long bio_ctrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }

int bio_create(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}

BIO_METHOD* socket_method() {
  static BIO_METHOD* m = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "vfsim migration socket");
    if (m) {
      BIO_meth_set_write(m, bio_write);
      BIO_meth_set_read(m, bio_read);
      BIO_meth_set_ctrl(m, bio_ctrl);
      BIO_meth_set_create(m, bio_create);
    }
    return m;
  }();
  return m;
}

// ---- waiting --------------------------------------------------------------------------------

enum class Wait { ready, again, timeout, woken };

// Waits (at most one slice) for `events` on fd; woken when wake_fd (>= 0) becomes readable.
Wait wait_fd(int fd, short events, int64_t deadline, int wake_fd) {
  int64_t left = deadline == kForever ? kSliceMs : deadline - now_ms();
  if (left <= 0) return Wait::timeout;
  pollfd p[2] = {{fd, events, 0}, {wake_fd, POLLIN, 0}};
  int n = ::poll(p, wake_fd >= 0 ? 2 : 1, int(std::min(left, kSliceMs)));
  if (n > 0 && wake_fd >= 0 && p[1].revents) return Wait::woken;
  if (n > 0) return Wait::ready;   // (POLLHUP and POLLERR too: the next call reports them)
  return Wait::again;
}

// What a failed OpenSSL call on `ssl` means, as the SSL_get_error code and one line in err.
int describe(SSL* ssl, int ret, std::string& err) {
  int saved = errno;
  int e = SSL_get_error(ssl, ret);
  if (e == SSL_ERROR_NONE || e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return e;
  if (e == SSL_ERROR_ZERO_RETURN) {
    err = "the peer closed the connection";
  } else if (e == SSL_ERROR_SYSCALL) {
    std::string q = openssl_errors("");
    err = !q.empty() ? q : saved ? std::strerror(saved) : "the peer closed the connection";
  } else {
    err = openssl_errors();
    long v = SSL_get_verify_result(ssl);
    if (v != X509_V_OK) err += std::string(" (") + X509_verify_cert_error_string(v) + ")";
    if (err.find("unexpected eof") != std::string::npos) err = "the peer closed the connection";
  }
  return e;
}

// Runs `op` (one non-blocking OpenSSL call: SSL_ERROR_NONE when done, else describe()'s code)
// until it is done, fails, the deadline passes, `shut` is set or wake_fd wakes.
template <class Op>
bool drive(int fd, Op op, int64_t deadline, int wake_fd, const std::atomic<bool>* shut, std::string& why) {
  for (;;) {
    if (shut && *shut) {
      why = "connection shut down";
      return false;
    }
    std::string err;
    int e = op(err);
    if (e == SSL_ERROR_NONE) return true;
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
      why = err;
      return false;
    }
    Wait w = wait_fd(fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline, wake_fd);
    if (w == Wait::timeout) {
      why = "timeout";
      return false;
    }
    if (w == Wait::woken) {
      why = "listener closed";
      return false;
    }
  }
}

// ---- contexts -------------------------------------------------------------------------------

struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using Ctx = std::unique_ptr<SSL_CTX, CtxFree>;

bool readable(const std::string& file, const char* what, std::string& why) {
  if (::access(file.c_str(), R_OK) == 0) return true;
  why = std::string("cannot read ") + what + " " + file + ": " + std::strerror(errno);
  return false;
}

Ctx make_ctx(const TlsIdentity& id, bool server, std::string& why) {
  ERR_clear_error();
  Ctx ctx(SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()));
  if (!ctx) {
    why = "cannot make a TLS context: " + openssl_errors();
    return nullptr;
  }
  SSL_CTX* c = ctx.get();
  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  // Renegotiation is a way for a peer to make us read while we write; tickets and a session
  // cache are for resuming, which a migration never does.
  SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (server && (id.cert_file.empty() || id.key_file.empty())) {
    why = "a listener needs a certificate and its key";
    return nullptr;
  }
  if (id.cert_file.empty() != id.key_file.empty()) {
    why = "a certificate needs its key, and a key its certificate";
    return nullptr;
  }
  if (!id.cert_file.empty()) {
    if (!readable(id.cert_file, "certificate", why) || !readable(id.key_file, "key", why)) return nullptr;
    if (SSL_CTX_use_certificate_chain_file(c, id.cert_file.c_str()) != 1) {
      why = "cannot load the certificate " + id.cert_file + ": " + openssl_errors();
      return nullptr;
    }
    bool loaded = SSL_CTX_use_PrivateKey_file(c, id.key_file.c_str(), SSL_FILETYPE_PEM) == 1;
    bool mismatch = !loaded && ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH;
    if (!loaded && !mismatch) {
      why = "cannot load the key " + id.key_file + ": " + openssl_errors();
      return nullptr;
    }
    if (mismatch || SSL_CTX_check_private_key(c) != 1) {
      ERR_clear_error();
      why = "the key " + id.key_file + " does not belong to the certificate " + id.cert_file;
      return nullptr;
    }
  }
  if (id.ca_file.empty()) {
    SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
    return ctx;
  }
  // Only this CA: not the system's trusted ones.
  if (!readable(id.ca_file, "CA certificate", why)) return nullptr;
  if (SSL_CTX_load_verify_locations(c, id.ca_file.c_str(), nullptr) != 1) {
    why = "cannot load the CA certificate " + id.ca_file + ": " + openssl_errors();
    return nullptr;
  }
  if (server) {
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(id.ca_file.c_str())) SSL_CTX_set_client_CA_list(c, names);
    static const unsigned char sid[] = "vfsim-ldmd-migration";
    SSL_CTX_set_session_id_context(c, sid, sizeof sid - 1);
  }
  SSL_CTX_set_verify(c, SSL_VERIFY_PEER | (server ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), nullptr);
  ERR_clear_error();
  return ctx;
}

// The subject CN of a certificate the peer presented and we verified, else "".
std::string verified_cn(SSL* ssl) {
  if (!(SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER)) return "";
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (!cert || SSL_get_verify_result(ssl) != X509_V_OK) return "";
  X509_NAME* name = X509_get_subject_name(cert);
  int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (i < 0) return "";
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
  if (len < 0) return "";
  std::string cn(reinterpret_cast<char*>(utf8), size_t(std::min(len, 256)));
  OPENSSL_free(utf8);
  // (it ends up in logs and messages: no control characters)
  std::replace_if(cn.begin(), cn.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }, '?');
  return cn;
}

std::string numeric_host(const sockaddr* a, socklen_t len) {
  char host[NI_MAXHOST];
  return getnameinfo(a, len, host, sizeof host, nullptr, 0, NI_NUMERICHOST) == 0 ? host : "?";
}

void set_nodelay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);   // frames are messages: no Nagle delay
}

}  // namespace

// ---- Channel ----------------------------------------------------------------------------------

// Makes the Channel around a connected socket and runs the handshake on it.
struct Handshake {
  static std::unique_ptr<Channel> run(int fd, SSL_CTX* ctx, bool server, int64_t deadline, int wake_fd,
                                      const std::string& peer, std::string& why) {
    ERR_clear_error();
    SSL* ssl = SSL_new(ctx);
    BIO* bio = ssl && socket_method() ? BIO_new(socket_method()) : nullptr;
    if (!bio) {
      why = "cannot start TLS: " + openssl_errors();
      SSL_free(ssl);
      ::close(fd);
      return nullptr;
    }
    BIO_set_data(bio, reinterpret_cast<void*>(intptr_t(fd)));
    SSL_set_bio(ssl, bio, bio);
    if (server) SSL_set_accept_state(ssl);
    else SSL_set_connect_state(ssl);
    std::unique_ptr<Channel> ch(new Channel(fd, ssl, peer));   // owns fd and ssl from here
    bool ok = drive(
        fd,
        [&](std::string& err) {
          ERR_clear_error();
          errno = 0;
          int r = SSL_do_handshake(ssl);
          return r == 1 ? SSL_ERROR_NONE : describe(ssl, r, err);
        },
        deadline, wake_fd, nullptr, why);
    if (!ok) {
      ch->broken_ = true;   // no TLS close after a failed handshake
      return nullptr;
    }
    ch->peer_name_ = verified_cn(ssl);
    return ch;
  }
};

Channel::Channel(int fd, ssl_st* ssl, std::string peer_address)
    : fd_(fd), ssl_(ssl), peer_address_(std::move(peer_address)) {}

Channel::~Channel() {
  shutdown();
  SSL_free(ssl_);
  ::close(fd_);
}

void Channel::shutdown() {
  if (shut_.exchange(true)) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // A close alert if the socket takes it now (never after a fatal error: OpenSSL forbids it).
    if (!broken_) {
      ERR_clear_error();
      SSL_shutdown(ssl_);
      ERR_clear_error();
    }
  }
  ::shutdown(fd_, SHUT_RDWR);   // wakes a poll() in another thread; the descriptor stays until ~Channel
}

bool Channel::usable(std::string& why) const {
  if (shut_) {
    why = "connection shut down";
    return false;
  }
  if (broken_) {
    std::lock_guard<std::mutex> lock(mu_);
    why = broken_why_;
    return false;
  }
  return true;
}

bool Channel::fail(std::string& why) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shut_) why = "connection shut down";
  if (!broken_) {
    broken_why_ = why;
    broken_ = true;
  }
  return false;
}

size_t Channel::read_some(char* p, size_t n, int64_t deadline, std::string& why) {
  size_t got = 0;
  bool ok = drive(
      fd_,
      [&](std::string& err) {
        std::lock_guard<std::mutex> lock(mu_);
        ERR_clear_error();
        errno = 0;
        return SSL_read_ex(ssl_, p, n, &got) == 1 ? SSL_ERROR_NONE : describe(ssl_, 0, err);
      },
      deadline, -1, &shut_, why);
  return ok ? got : 0;
}

bool Channel::send(uint8_t type, const std::string& payload, std::string& why, int timeout_ms) {
  if (payload.size() > kMaxFrame) {
    why = "a frame of " + std::to_string(payload.size()) + " bytes is longer than the limit (" +
          std::to_string(kMaxFrame) + ")";
    return false;
  }
  if (!usable(why)) return false;
  int64_t deadline = deadline_after(timeout_ms);
  auto write_all = [&](const char* p, size_t n) {
    while (n) {
      size_t done = 0;
      bool ok = drive(
          fd_,
          [&](std::string& err) {
            std::lock_guard<std::mutex> lock(mu_);
            ERR_clear_error();
            errno = 0;
            return SSL_write_ex(ssl_, p, n, &done) == 1 ? SSL_ERROR_NONE : describe(ssl_, 0, err);
          },
          deadline, -1, &shut_, why);
      if (!ok) return false;
      p += done;
      n -= done;
      sent_ += done;
    }
    return true;
  };
  uint32_t len = uint32_t(payload.size());
  const char head[5] = {char(type), char(len >> 24), char(len >> 16), char(len >> 8), char(len)};
  bool ok;
  if (payload.size() <= 16384) {   // one TLS record for a small frame
    std::string frame(head, sizeof head);
    frame += payload;
    ok = write_all(frame.data(), frame.size());
  } else {
    ok = write_all(head, sizeof head) && write_all(payload.data(), payload.size());
  }
  return ok || fail(why);
}

bool Channel::recv(uint8_t& type, std::string& payload, int timeout_ms, std::string& why) {
  if (!usable(why)) return false;
  int64_t deadline = deadline_after(timeout_ms);
  while (head_got_ < sizeof head_) {
    size_t n = read_some(reinterpret_cast<char*>(head_) + head_got_, sizeof head_ - head_got_, deadline, why);
    if (!n) return why == "timeout" ? false : fail(why);
    head_got_ += n;
    received_ += n;
  }
  uint32_t len = uint32_t(head_[1]) << 24 | uint32_t(head_[2]) << 16 | uint32_t(head_[3]) << 8 | head_[4];
  if (len > kMaxFrame) {
    why = "the peer announced a frame of " + std::to_string(len) + " bytes (the limit is " + std::to_string(kMaxFrame) + ")";
    return fail(why);
  }
  while (body_got_ < len) {
    // Memory grows with what arrives, not with what the header claims.
    if (body_.size() <= body_got_) body_.resize(std::min<size_t>(len, body_got_ + (1 << 20)));
    size_t n = read_some(&body_[body_got_], body_.size() - body_got_, deadline, why);
    if (!n) return why == "timeout" ? false : fail(why);
    body_got_ += n;
    received_ += n;
  }
  type = head_[0];
  body_.resize(len);
  payload.swap(body_);
  body_ = std::string();
  head_got_ = body_got_ = 0;
  return true;
}

// ---- connect ----------------------------------------------------------------------------------

std::unique_ptr<Channel> connect(const std::string& host, uint16_t port, const TlsIdentity& id, int timeout_ms,
                                 std::string& why) {
  const std::string target = host + ":" + std::to_string(port);
  int64_t deadline = deadline_after(timeout_ms);
  Ctx ctx = make_ctx(id, false, why);
  if (!ctx) return nullptr;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0) {
    why = "connect to " + target + ": " + gai_strerror(rc);
    return nullptr;
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> list(found, freeaddrinfo);
  std::string err = "no address";
  for (addrinfo* a = found; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      err = std::strerror(errno);
      continue;
    }
    int e = ::connect(fd, a->ai_addr, a->ai_addrlen) == 0 ? 0 : errno;
    if (e == EINPROGRESS) {
      Wait w;
      while ((w = wait_fd(fd, POLLOUT, deadline, -1)) == Wait::again) {}
      socklen_t len = sizeof e;
      if (w == Wait::timeout) e = ETIMEDOUT;
      else if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0) e = errno;
    }
    if (e != 0) {
      err = e == ETIMEDOUT ? "timeout" : std::strerror(e);
      ::close(fd);
      if (e == ETIMEDOUT) break;   // the time is spent for every other address too
      continue;
    }
    set_nodelay(fd);
    std::unique_ptr<Channel> ch =
        Handshake::run(fd, ctx.get(), false, deadline, -1, numeric_host(a->ai_addr, a->ai_addrlen), why);
    if (!ch) why = "TLS handshake with " + target + ": " + why;
    return ch;
  }
  why = "connect to " + target + ": " + err;
  return nullptr;
}

// ---- Listener ---------------------------------------------------------------------------------

Listener::Listener(const std::string& addr, uint16_t port, const TlsIdentity& id) {
  const std::string where = addr + ":" + std::to_string(port);
  std::string why;
  Ctx ctx = make_ctx(id, true, why);
  if (!ctx) throw std::runtime_error("cannot listen for migrations on " + where + ": " + why);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  if (::inet_pton(AF_INET, addr == "localhost" ? "127.0.0.1" : addr.c_str(), &sa.sin_addr) != 1)
    throw std::runtime_error("cannot listen for migrations on " + where + ": " + addr +
                             " is not a numeric IPv4 address (nor localhost)");
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd_ < 0 || ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      ::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(fd_, 16) != 0 ||
      ::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) {
    std::string e = std::strerror(errno);
    release();
    throw std::runtime_error("cannot listen for migrations on " + where + ": " + e);
  }
  socklen_t len = sizeof sa;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len);
  port_ = ntohs(sa.sin_port);
  ctx_ = ctx.release();
}

void Listener::release() {
  for (int* fd : {&fd_, &wake_[0], &wake_[1]})
    if (*fd >= 0) {
      ::close(*fd);
      *fd = -1;
    }
  SSL_CTX_free(ctx_);
  ctx_ = nullptr;
}

Listener::~Listener() { release(); }

void Listener::close() {
  closed_ = true;
  // The pipe stays readable: this accept() and every later one see it.
  if (wake_[1] >= 0 && ::write(wake_[1], "x", 1) < 0) {}
}

std::unique_ptr<Channel> Listener::accept(int timeout_ms, std::string& why) {
  int64_t deadline = deadline_after(timeout_ms);
  sockaddr_storage peer{};
  socklen_t len = 0;
  int fd = -1;
  while (fd < 0) {
    if (closed_) {
      why = "listener closed";
      return nullptr;
    }
    len = sizeof peer;
    fd = ::accept4(fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) break;
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
      why = std::string("accept: ") + std::strerror(errno);   // e.g. out of descriptors: the caller decides
      return nullptr;
    }
    Wait w = wait_fd(fd_, POLLIN, deadline, wake_[0]);
    if (w == Wait::timeout) {
      why = "timeout";
      return nullptr;
    }
  }
  set_nodelay(fd);
  std::string addr = numeric_host(reinterpret_cast<sockaddr*>(&peer), len);
  std::unique_ptr<Channel> ch = Handshake::run(fd, ctx_, true, deadline_after(handshake_ms_), wake_[0], addr, why);
  if (!ch) why = "TLS handshake with " + addr + ": " + why;
  return ch;
}

}  // namespace vfsim::ldm::link
