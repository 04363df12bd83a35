/* The overlay's wire facts that the benchmark tools need, in plain C: the
 * group of a locator (ff12:0:U:0:L), the 40-byte header and the transport
 * segment (proto/README.md). Benchmark code only; the router never uses it. */
#ifndef ILNP_BENCH_OVERLAY_H
#define ILNP_BENCH_OVERLAY_H

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

enum {
  OV_HEADER_SIZE = 40,
  OV_TRANSPORT_HEADER_SIZE = 4,
  OV_HOP_LIMIT_OFFSET = 7,
  OV_NH_TRANSPORT = 42,
  OV_NH_DISCOVERY = 43,
  OV_MAX_DATAGRAM = 65536,
};
static const uint64_t OV_ALL_NODES = 0xff02000000000001ULL;

static inline void ov_die(const char *what) {
  fprintf(stderr, "%s: %s\n", what, strerror(errno));
  exit(1);
}

/* "0:0:0:a" (four 16-bit hex groups, as ilnp prints locators and NIDs). */
static inline uint64_t ov_parse_id(const char *text) {
  uint64_t value = 0;
  const char *p = text;
  for (int group = 0; group < 4; ++group) {
    char *end;
    unsigned long g = strtoul(p, &end, 16);
    if (end == p || g > 0xffff || (group < 3 ? *end != ':' : *end != '\0')) {
      fprintf(stderr, "not a locator or NID (like 0:0:0:a): %s\n", text);
      exit(2);
    }
    value = (value << 16) | g;
    p = end + 1;
  }
  return value;
}

static inline void ov_put_u64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = (uint8_t)(v >> (56 - 8 * i));
}
static inline uint64_t ov_get_u64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

static inline struct in6_addr ov_group(uint64_t locator, unsigned uid) {
  struct in6_addr a;
  memset(&a, 0, sizeof a);
  a.s6_addr[0] = 0xff;
  a.s6_addr[1] = 0x12;
  a.s6_addr[4] = (uint8_t)(uid >> 8);
  a.s6_addr[5] = (uint8_t)uid;
  ov_put_u64(&a.s6_addr[8], locator);
  return a;
}

static inline struct sockaddr_in6 ov_group_address(uint64_t locator, unsigned uid, uint16_t port, unsigned if_index) {
  struct sockaddr_in6 a;
  memset(&a, 0, sizeof a);
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(port);
  a.sin6_addr = ov_group(locator, uid);
  a.sin6_scope_id = if_index;
  return a;
}

/* The 40-byte header; payload_length from `payload_length`. */
static inline void ov_put_header(uint8_t *p, uint8_t next_header, uint8_t hop_limit, uint64_t src_loc,
                                 uint64_t src_nid, uint64_t dst_loc, uint64_t dst_nid, size_t payload_length) {
  memset(p, 0, 4);
  p[4] = (uint8_t)(payload_length >> 8);
  p[5] = (uint8_t)payload_length;
  p[6] = next_header;
  p[7] = hop_limit;
  ov_put_u64(p + 8, src_loc);
  ov_put_u64(p + 16, src_nid);
  ov_put_u64(p + 24, dst_loc);
  ov_put_u64(p + 32, dst_nid);
}

/* A transport datagram of `size` bytes in all (header included); the data
 * starts after byte OV_HEADER_SIZE + OV_TRANSPORT_HEADER_SIZE. */
static inline void ov_put_transport(uint8_t *p, size_t size, uint8_t hop_limit, uint64_t src_loc, uint64_t src_nid,
                                    uint64_t dst_loc, uint64_t dst_nid, uint16_t port) {
  ov_put_header(p, OV_NH_TRANSPORT, hop_limit, src_loc, src_nid, dst_loc, dst_nid, size - OV_HEADER_SIZE);
  p[40] = p[42] = (uint8_t)(port >> 8);
  p[41] = p[43] = (uint8_t)port;
}

/* A discovery advertisement (next header 43) to all nodes: it floods through
 * ilnp routers, which learn the way back to `locator` from it. */
static inline size_t ov_put_advertisement(uint8_t *p, uint8_t hop_limit, uint64_t locator, uint64_t nid,
                                          const char *hostname) {
  size_t name = strlen(hostname), payload = 17 + name;
  ov_put_header(p, OV_NH_DISCOVERY, hop_limit, locator, nid, OV_ALL_NODES, 0, payload);
  ov_put_u64(p + 40, nid);
  ov_put_u64(p + 48, locator);
  p[56] = 0;
  memcpy(p + 57, hostname, name);
  return OV_HEADER_SIZE + payload;
}

static inline unsigned ov_if_index(const char *interface) {
  unsigned index = if_nametoindex(interface);
  if (index == 0) ov_die(interface);
  return index;
}

/* A UDP socket bound to [::]:port that hears only the groups it joins. */
static inline int ov_bound_socket(uint16_t port, int want_pktinfo) {
  int fd = socket(AF_INET6, SOCK_DGRAM, 0), one = 1, zero = 0, big = 4 << 20;
  if (fd < 0) ov_die("socket");
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (want_pktinfo && setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) != 0) ov_die("IPV6_RECVPKTINFO");
  if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, &zero, sizeof zero) != 0) ov_die("IPV6_MULTICAST_ALL");
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  struct sockaddr_in6 a;
  memset(&a, 0, sizeof a);
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(port);
  a.sin6_addr = in6addr_any;
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) ov_die("bind");
  return fd;
}

static inline void ov_join(int fd, uint64_t locator, unsigned uid, unsigned if_index) {
  struct ipv6_mreq req;
  req.ipv6mr_multiaddr = ov_group(locator, uid);
  req.ipv6mr_interface = if_index;
  if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &req, sizeof req) != 0) ov_die("IPV6_JOIN_GROUP");
}

/* Sends on the interface's groups, one link hop, never to itself. */
static inline void ov_set_multicast_sender(int fd, unsigned if_index) {
  int hops = 1, loop = 0, index = (int)if_index, big = 4 << 20;
  if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index) != 0) ov_die("IPV6_MULTICAST_IF");
  if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops) != 0) ov_die("IPV6_MULTICAST_HOPS");
  if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop, sizeof loop) != 0) ov_die("IPV6_MULTICAST_LOOP");
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
}

static inline int64_t ov_now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

#endif
