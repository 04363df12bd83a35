// libnss_ilnp.so.2: glibc's "ilnp" hosts source (`hosts: files ilnp dns` in
// /etc/nsswitch.conf). It answers HOSTNAME.ilnp with the identifier address
// a local node with [tun] enable knows for HOSTNAME, asked over the node's
// names socket (every *.sock in /run/ilnp-names, or $ILNP_NAMES_DIR for a
// program that is not setuid). Everything else is NOTFOUND at once, and no
// node answering is UNAVAIL, so the next source is asked. Never blocks more
// than kTimeout per socket; the node answers from memory.
#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "names_reply.hpp"

namespace {

using ilnp::nss::kMaxAddresses;

constexpr const char* kDefaultDir = "/run/ilnp-names";
constexpr timeval kTimeout{1, 0};
constexpr std::int32_t kTtlSeconds = 60;  // an identifier address does not change when its node moves
constexpr std::size_t kMaxReply = 4096;

enum class Asked { answered, unknown, no_node };

// Only a directory the caller or root owns, that nobody else can write, may
// hold the socket we believe.
bool trusted_dir(const char* dir) {
  struct stat st{};
  return ::lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0 &&
         (st.st_uid == 0 || st.st_uid == ::getuid());
}

// One request on one socket; the answer's length, or -1 when none came.
ssize_t ask_socket(const char* path, const char* name, char* reply, std::size_t size) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (std::strlen(path) >= sizeof address.sun_path) return -1;
  std::strcpy(address.sun_path, path);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &kTimeout, sizeof kTimeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &kTimeout, sizeof kTimeout);
  char request[ilnp::nss::kMaxNameLength + 16];
  int request_length = std::snprintf(request, sizeof request, "resolve %s\n", name);
  ssize_t got = -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
      ::send(fd, request, static_cast<std::size_t>(request_length), MSG_NOSIGNAL) == request_length) {
    got = 0;
    while (static_cast<std::size_t>(got) < size) {
      ssize_t n = ::recv(fd, reply + got, size - static_cast<std::size_t>(got), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += n;
    }
    if (got == 0) got = -1;
  }
  ::close(fd);
  return got;
}

// Asks the first node that answers; `addresses` gets what it knows of `name`.
Asked ask_nodes(const char* name, in6_addr* addresses, int* count) {
  const char* dir = ::secure_getenv("ILNP_NAMES_DIR");
  if (!dir || !*dir) dir = kDefaultDir;
  if (!trusted_dir(dir)) return Asked::no_node;
  DIR* listing = ::opendir(dir);
  if (!listing) return Asked::no_node;
  Asked result = Asked::no_node;
  while (dirent* entry = ::readdir(listing)) {
    auto length = std::strlen(entry->d_name);
    if (length < 6 || std::strcmp(entry->d_name + length - 5, ".sock") != 0) continue;
    char path[sizeof(sockaddr_un{}.sun_path)];
    if (std::snprintf(path, sizeof path, "%s/%s", dir, entry->d_name) >= static_cast<int>(sizeof path)) continue;
    char reply[kMaxReply];
    ssize_t got = ask_socket(path, name, reply, sizeof reply);
    if (got < 0) continue;  // a socket left by a stopped node
    *count = ilnp::nss::parse_addresses(reply, static_cast<std::size_t>(got), addresses, kMaxAddresses);
    result = *count > 0 ? Asked::answered : Asked::unknown;
    break;
  }
  ::closedir(listing);
  return result;
}

nss_status not_ours(int* errnop, int* h_errnop) {
  *errnop = ENOENT;
  *h_errnop = HOST_NOT_FOUND;
  return NSS_STATUS_NOTFOUND;
}

// Looks `name` up; NSS_STATUS_SUCCESS leaves the addresses in `addresses`.
nss_status look_up(const char* name, in6_addr* addresses, int* count, int* errnop, int* h_errnop) {
  if (!ilnp::nss::is_overlay_name(name)) return not_ours(errnop, h_errnop);
  switch (ask_nodes(name, addresses, count)) {
    case Asked::answered: return NSS_STATUS_SUCCESS;
    case Asked::unknown: return not_ours(errnop, h_errnop);
    case Asked::no_node: break;
  }
  *errnop = ECONNREFUSED;
  *h_errnop = NO_RECOVERY;
  return NSS_STATUS_UNAVAIL;
}

// Carves aligned pieces off the caller's buffer.
struct Arena {
  char* next;
  std::size_t left;
  void* take(std::size_t size) {
    auto misalign = reinterpret_cast<std::uintptr_t>(next) % alignof(void*);
    std::size_t skip = misalign ? alignof(void*) - misalign : 0;
    if (left < skip + size) return nullptr;
    void* piece = next + skip;
    next += skip + size;
    left -= skip + size;
    return piece;
  }
  char* copy(const char* text) {
    auto size = std::strlen(text) + 1;
    auto* piece = static_cast<char*>(take(size));
    if (piece) std::memcpy(piece, text, size);
    return piece;
  }
};

nss_status too_small(int* errnop, int* h_errnop) {
  *errnop = ERANGE;
  *h_errnop = NETDB_INTERNAL;
  return NSS_STATUS_TRYAGAIN;
}

}  // namespace

extern "C" {

nss_status _nss_ilnp_gethostbyname4_r(const char* name, gaih_addrtuple** pat, char* buffer, std::size_t buflen,
                                      int* errnop, int* h_errnop, std::int32_t* ttlp) {
  in6_addr addresses[kMaxAddresses];
  int count = 0;
  if (auto status = look_up(name, addresses, &count, errnop, h_errnop); status != NSS_STATUS_SUCCESS) return status;
  Arena arena{buffer, buflen};
  char* canonical = arena.copy(name);
  gaih_addrtuple* previous = nullptr;
  for (int i = 0; i < count; ++i) {
    auto* tuple = static_cast<gaih_addrtuple*>(arena.take(sizeof(gaih_addrtuple)));
    if (!canonical || !tuple) return too_small(errnop, h_errnop);
    *tuple = gaih_addrtuple{};
    tuple->name = i == 0 ? canonical : nullptr;
    tuple->family = AF_INET6;
    std::memcpy(tuple->addr, &addresses[i], sizeof addresses[i]);
    if (previous) previous->next = tuple;
    else *pat = tuple;
    previous = tuple;
  }
  if (ttlp) *ttlp = kTtlSeconds;
  return NSS_STATUS_SUCCESS;
}

nss_status _nss_ilnp_gethostbyname3_r(const char* name, int af, hostent* host, char* buffer, std::size_t buflen,
                                      int* errnop, int* h_errnop, std::int32_t* ttlp, char** canonp) {
  if (af != AF_INET6) {  // identifier addresses are IPv6 only
    if (!ilnp::nss::is_overlay_name(name)) return not_ours(errnop, h_errnop);
    *errnop = EAFNOSUPPORT;
    *h_errnop = NO_DATA;
    return NSS_STATUS_NOTFOUND;
  }
  in6_addr addresses[kMaxAddresses];
  int count = 0;
  if (auto status = look_up(name, addresses, &count, errnop, h_errnop); status != NSS_STATUS_SUCCESS) return status;
  Arena arena{buffer, buflen};
  char* canonical = arena.copy(name);
  auto** aliases = static_cast<char**>(arena.take(sizeof(char*)));
  auto** list = static_cast<char**>(arena.take(sizeof(char*) * static_cast<std::size_t>(count + 1)));
  auto* bytes = static_cast<in6_addr*>(arena.take(sizeof(in6_addr) * static_cast<std::size_t>(count)));
  if (!canonical || !aliases || !list || !bytes) return too_small(errnop, h_errnop);
  aliases[0] = nullptr;
  for (int i = 0; i < count; ++i) {
    bytes[i] = addresses[i];
    list[i] = reinterpret_cast<char*>(&bytes[i]);
  }
  list[count] = nullptr;
  host->h_name = canonical;
  host->h_aliases = aliases;
  host->h_addrtype = AF_INET6;
  host->h_length = sizeof(in6_addr);
  host->h_addr_list = list;
  if (ttlp) *ttlp = kTtlSeconds;
  if (canonp) *canonp = canonical;
  return NSS_STATUS_SUCCESS;
}

nss_status _nss_ilnp_gethostbyname2_r(const char* name, int af, hostent* host, char* buffer, std::size_t buflen,
                                      int* errnop, int* h_errnop) {
  return _nss_ilnp_gethostbyname3_r(name, af, host, buffer, buflen, errnop, h_errnop, nullptr, nullptr);
}

nss_status _nss_ilnp_gethostbyname_r(const char* name, hostent* host, char* buffer, std::size_t buflen, int* errnop,
                                     int* h_errnop) {
  return _nss_ilnp_gethostbyname3_r(name, AF_INET, host, buffer, buflen, errnop, h_errnop, nullptr, nullptr);
}

}  // extern "C"
