// A usrsctp endpoint with native RFC 6951 UDP encapsulation, for the stream
// tests: the server accepts one association and hashes what it receives; the
// client sends N pseudo-random bytes and hashes what it sent. Both print one
// line of figures (bytes, SHA-256, retransmissions, seconds).
//
//   sctp_transfer server --encaps-port E --sctp-port S [--mtu M]
//   sctp_transfer client --encaps-port E --remote-encaps-port R --sctp-port S --bytes N [--mtu M]
//
// The client talks to 127.0.0.1:R over UDP (a local UDP proxy port), which is
// how SCTP crosses the overlay unchanged.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <usrsctp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "sctp_transfer: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

std::string hex(const unsigned char* p, std::size_t n) {
  std::string s;
  char b[3];
  for (std::size_t i = 0; i < n; ++i) {
    std::snprintf(b, sizeof b, "%02x", p[i]);
    s += b;
  }
  return s;
}

// Before connect: the default for new associations; after: for the peer `to`.
void limit_mtu(struct socket* s, std::uint32_t mtu, const sockaddr_in* to = nullptr) {
  sctp_paddrparams p{};
  if (to) std::memcpy(&p.spp_address, to, sizeof *to);
  p.spp_flags = SPP_PMTUD_DISABLE;
  p.spp_pathmtu = mtu;
  if (usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &p, sizeof p) < 0) die("SCTP_PEER_ADDR_PARAMS");
}

// usrsctp_recvv writes the flags, the info type and lengths: none may be null.
ssize_t receive(struct socket* s, void* buf, std::size_t len) {
  sctp_rcvinfo info{};
  socklen_t infolen = sizeof info;
  socklen_t fromlen = sizeof(sockaddr_in6);
  sockaddr_in6 from{};
  unsigned int infotype = 0;
  int flags = 0;
  return usrsctp_recvv(s, buf, len, reinterpret_cast<sockaddr*>(&from), &fromlen, &info, &infolen, &infotype, &flags);
}

std::uint32_t retransmissions() {
  sctpstat st{};
  usrsctp_get_stat(&st);
  return st.sctps_sendretransdata + st.sctps_sendfastretrans;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::string mode = argv[1];
  std::map<std::string, unsigned long> opt{{"--mtu", 1200}};
  for (int i = 2; i + 1 < argc; i += 2) opt[argv[i]] = std::strtoul(argv[i + 1], nullptr, 10);
  if (sodium_init() < 0) die("sodium_init");

  usrsctp_init(static_cast<std::uint16_t>(opt["--encaps-port"]), nullptr, nullptr);
  usrsctp_sysctl_set_sctp_blackhole(2);
  auto* s = usrsctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP, nullptr, nullptr, 0, nullptr);
  if (!s) die("usrsctp_socket");
  limit_mtu(s, static_cast<std::uint32_t>(opt["--mtu"]));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(opt["--sctp-port"]));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  crypto_hash_sha256_state sha;
  crypto_hash_sha256_init(&sha);
  std::uint64_t total = 0;
  auto start = std::chrono::steady_clock::now();

  if (mode == "server") {
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (usrsctp_bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) die("bind");
    if (usrsctp_listen(s, 1) < 0) die("listen");
    std::printf("listening\n");
    std::fflush(stdout);
    sockaddr_in peer{};
    socklen_t peer_len = sizeof peer;
    auto* conn = usrsctp_accept(s, reinterpret_cast<sockaddr*>(&peer), &peer_len);
    if (!conn) die("accept");
    limit_mtu(conn, static_cast<std::uint32_t>(opt["--mtu"]), &peer);
    start = std::chrono::steady_clock::now();
    std::vector<char> buf(1 << 16);
    for (;;) {
      auto n = receive(conn, buf.data(), buf.size());
      if (n < 0) die("recv");
      if (n == 0) break;  // the peer shut the association down: all data arrived
      crypto_hash_sha256_update(&sha, reinterpret_cast<unsigned char*>(buf.data()), static_cast<unsigned long long>(n));
      total += static_cast<std::uint64_t>(n);
    }
    usrsctp_close(conn);
  } else {
    sctp_udpencaps encaps{};
    auto* remote = reinterpret_cast<sockaddr_in*>(&encaps.sue_address);
    remote->sin_family = AF_INET;
    encaps.sue_port = htons(static_cast<std::uint16_t>(opt["--remote-encaps-port"]));
    if (usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &encaps, sizeof encaps) < 0)
      die("SCTP_REMOTE_UDP_ENCAPS_PORT");
    if (usrsctp_connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) die("connect");
    // The default set before connect does not reach the association: set it again.
    limit_mtu(s, static_cast<std::uint32_t>(opt["--mtu"]), &addr);
    std::vector<unsigned char> chunk(64 * 1024);
    unsigned char seed[randombytes_SEEDBYTES] = {42};
    std::uint64_t want = opt["--bytes"];
    for (std::uint64_t block = 0; total < want; ++block) {
      seed[1] = static_cast<unsigned char>(block);
      seed[2] = static_cast<unsigned char>(block >> 8);
      randombytes_buf_deterministic(chunk.data(), chunk.size(), seed);
      auto n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), want - total));
      for (std::size_t off = 0; off < n;) {
        auto sent = usrsctp_sendv(s, chunk.data() + off, n - off, nullptr, 0, nullptr, 0, SCTP_SENDV_NOINFO, 0);
        if (sent < 0) die("send");
        off += static_cast<std::size_t>(sent);
      }
      crypto_hash_sha256_update(&sha, chunk.data(), n);
      total += n;
    }
    usrsctp_shutdown(s, SHUT_WR);
    // Wait for the server's side of the shutdown: recv returns 0 when it completes.
    char dummy[16];
    while (receive(s, dummy, sizeof dummy) > 0) {
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&sha, digest);
  std::printf("%s bytes %llu sha256 %s retransmissions %u seconds %.3f MB/s %.2f\n",
              mode == "server" ? "received" : "sent", static_cast<unsigned long long>(total),
              hex(digest, sizeof digest).c_str(), retransmissions(), seconds,
              seconds > 0 ? static_cast<double>(total) / seconds / 1e6 : 0.0);
  std::fflush(stdout);
  usrsctp_close(s);
  while (usrsctp_finish() != 0) usrsctp_sysctl_set_sctp_blackhole(2), std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return 0;
}
