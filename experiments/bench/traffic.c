/* Traffic for the benchmarks (issue 8): paced senders and sequence-counting
 * receivers, over the overlay (transport datagrams on a locator's group,
 * addressed through routers) or over plain UDP on 127.0.0.1 (the proxy's
 * side), and a ping-pong pair for latency. Each mode prints one JSON line.
 *
 *   traffic send  IFACE PORT UID FROM_LOC FROM_NID TO_LOC TO_NID RATE SECONDS SIZE
 *   traffic count IFACE PORT UID LOC NID IDLE_S MAX_S
 *   traffic udpsend FROM_PORT TO_PORT RATE SECONDS SIZE
 *   traffic udpcount PORT IDLE_S MAX_S
 *   traffic pong  IFACE PORT UID LOC NID
 *   traffic ping  IFACE PORT UID LOC NID PEER_LOC PEER_NID COUNT INTERVAL_US SIZE
 *
 * Locators and NIDs are written like 0:0:0:a. RATE is datagrams per second
 * (0: as fast as the socket takes them); SIZE counts every byte of the
 * datagram (header included for the overlay). Datagrams carry a sequence
 * number from 1 (first 8 bytes of the transport data, or of the UDP payload);
 * a counter reports unique and duplicate sequence numbers, and ends IDLE_S
 * after the last datagram, MAX_S after it started, or on SIGTERM. A counter
 * and pong say "ready" on stderr once they have joined. */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "overlay.h"

enum { BATCH = 32, DATA_OFFSET = OV_HEADER_SIZE + OV_TRANSPORT_HEADER_SIZE, SEEN_BITS = 1 << 25 };
static const uint8_t kHopLimit = 8;  /* enough for the longest line of routers */

static volatile sig_atomic_t stop;
static void on_signal(int signal) { stop = signal; }

static void usage(void) {
  fprintf(stderr,
          "usage: traffic send IFACE PORT UID FROM_LOC FROM_NID TO_LOC TO_NID RATE SECONDS SIZE\n"
          "       traffic count IFACE PORT UID LOC NID IDLE_S MAX_S\n"
          "       traffic udpsend FROM_PORT TO_PORT RATE SECONDS SIZE\n"
          "       traffic udpcount PORT IDLE_S MAX_S\n"
          "       traffic pong IFACE PORT UID LOC NID\n"
          "       traffic ping IFACE PORT UID LOC NID PEER_LOC PEER_NID COUNT INTERVAL_US SIZE\n");
  exit(2);
}

static double seconds_since(int64_t t0) { return (double)(ov_now_ns() - t0) / 1e9; }

static void sleep_ns(int64_t ns) {
  struct timespec t = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
  nanosleep(&t, NULL);
}

/* Sends copies of `datagram` with sequence numbers 1, 2, ... at `offset` on
 * the connected socket `fd`, at `rate` per second for `seconds`. */
static void paced_send(int fd, const uint8_t *datagram, size_t size, size_t offset, double rate, double seconds) {
  static uint8_t buffers[BATCH][OV_MAX_DATAGRAM];
  struct iovec iov[BATCH];
  struct mmsghdr msgs[BATCH];
  for (int i = 0; i < BATCH; ++i) {
    memcpy(buffers[i], datagram, size);
    iov[i] = (struct iovec){buffers[i], size};
    memset(&msgs[i], 0, sizeof msgs[i]);
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  uint64_t sent = 0, errors = 0;
  int64_t t0 = ov_now_ns(), end = t0 + (int64_t)(seconds * 1e9);
  for (;;) {
    int64_t now = ov_now_ns();
    if (now >= end || stop) break;
    uint64_t due = rate > 0 ? (uint64_t)((double)(now - t0) * rate / 1e9) + 1 : sent + BATCH;
    if (due <= sent) {
      /* Sleep to the next datagram's time, in steps of at most 100 us. */
      int64_t next = t0 + (int64_t)((double)sent * 1e9 / rate);
      sleep_ns(next - now < 100000 ? next - now : 100000);
      continue;
    }
    unsigned n = due - sent < BATCH ? (unsigned)(due - sent) : BATCH;
    for (unsigned i = 0; i < n; ++i) ov_put_u64(buffers[i] + offset, sent + 1 + i);
    int k = sendmmsg(fd, msgs, n, 0);
    if (k < 0) {
      if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR) ov_die("sendmmsg");
      ++errors;
      continue;
    }
    sent += (uint64_t)k;
  }
  double elapsed = seconds_since(t0);
  printf("{\"sent\":%llu,\"seconds\":%.4f,\"rate\":%.1f,\"send_errors\":%llu}\n", (unsigned long long)sent,
         elapsed, (double)sent / elapsed, (unsigned long long)errors);
}

/* Receives until idle, the deadline or a signal; counts sequence numbers read
 * at `offset` of datagrams that `accept` takes. */
static void count(int fd, size_t offset, int (*accept)(const uint8_t *, size_t, uint64_t), uint64_t nid,
                  double idle, double max_seconds) {
  static uint8_t buffers[BATCH][OV_MAX_DATAGRAM];
  uint8_t *seen = calloc(SEEN_BITS / 8, 1);
  if (!seen) ov_die("calloc");
  struct iovec iov[BATCH];
  struct mmsghdr msgs[BATCH];
  uint64_t unique = 0, duplicates = 0, max_sequence = 0, other = 0;
  int64_t t0 = ov_now_ns(), first = 0, last = 0;
  fprintf(stderr, "ready\n");
  while (!stop) {
    int64_t now = ov_now_ns();
    double left = max_seconds - (double)(now - t0) / 1e9;
    if (last) {
      double quiet = idle - (double)(now - last) / 1e9;
      if (quiet < left) left = quiet;
    }
    if (left <= 0) break;
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, (int)(left * 1000) + 1) <= 0) continue;
    for (int i = 0; i < BATCH; ++i) {
      iov[i] = (struct iovec){buffers[i], sizeof buffers[i]};
      memset(&msgs[i], 0, sizeof msgs[i]);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) continue;
    last = ov_now_ns();
    if (!first) first = last;
    for (int i = 0; i < n; ++i) {
      size_t len = msgs[i].msg_len;
      if (len < offset + 8 || !accept(buffers[i], len, nid)) {
        ++other;
        continue;
      }
      uint64_t s = ov_get_u64(buffers[i] + offset);
      if (s > max_sequence) max_sequence = s;
      if (s < SEEN_BITS && (seen[s / 8] >> (s % 8) & 1)) {
        ++duplicates;
        continue;
      }
      if (s < SEEN_BITS) seen[s / 8] |= (uint8_t)(1 << (s % 8));
      ++unique;
    }
  }
  printf("{\"received\":%llu,\"duplicates\":%llu,\"max_sequence\":%llu,\"other\":%llu,\"span_s\":%.4f}\n",
         (unsigned long long)unique, (unsigned long long)duplicates, (unsigned long long)max_sequence,
         (unsigned long long)other, first ? (double)(last - first) / 1e9 : 0.0);
}

static int is_transport_for(const uint8_t *d, size_t len, uint64_t nid) {
  return len >= DATA_OFFSET && d[6] == OV_NH_TRANSPORT && ov_get_u64(d + 32) == nid;
}
static int any_datagram(const uint8_t *d, size_t len, uint64_t nid) {
  (void)d, (void)len, (void)nid;
  return 1;
}

static int multicast_sender(const char *interface, uint16_t port, unsigned uid, uint64_t locator) {
  unsigned if_index = ov_if_index(interface);
  int fd = socket(AF_INET6, SOCK_DGRAM, 0);
  if (fd < 0) ov_die("socket");
  ov_set_multicast_sender(fd, if_index);
  struct sockaddr_in6 to = ov_group_address(locator, uid, port, if_index);
  if (connect(fd, (struct sockaddr *)&to, sizeof to) != 0) ov_die("connect to the group");
  return fd;
}

static int multicast_receiver(const char *interface, uint16_t port, unsigned uid, uint64_t locator) {
  int fd = ov_bound_socket(port, 0);
  ov_join(fd, locator, uid, ov_if_index(interface));
  return fd;
}

static int loopback_socket(uint16_t port) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0), big = 4 << 20;
  if (fd < 0) ov_die("socket");
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) ov_die("bind 127.0.0.1");
  return fd;
}

static size_t datagram_size(const char *text, size_t minimum) {
  long size = atol(text);
  if (size < (long)minimum || size > 65487) {
    fprintf(stderr, "size %s: must be %zu-65487\n", text, minimum);
    exit(2);
  }
  return (size_t)size;
}

static void advertise(int fd, uint64_t locator, uint64_t nid, const char *hostname) {
  uint8_t ad[OV_HEADER_SIZE + 17 + 64];
  size_t len = ov_put_advertisement(ad, kHopLimit, locator, nid, hostname);
  if (send(fd, ad, len, 0) < 0) perror("advertisement");
}

/* Answers every transport datagram for (loc, nid) with the same bytes,
 * addressed back to its source. */
static int pong(char **a) {
  uint16_t port = (uint16_t)atoi(a[1]);
  unsigned uid = (unsigned)atoi(a[2]) % 65536;
  uint64_t loc = ov_parse_id(a[3]), nid = ov_parse_id(a[4]);
  int in = multicast_receiver(a[0], port, uid, loc), out = multicast_sender(a[0], port, uid, loc);
  static uint8_t d[OV_MAX_DATAGRAM];
  int64_t next_ad = 0;
  uint64_t answered = 0;
  fprintf(stderr, "ready\n");
  while (!stop) {
    if (ov_now_ns() >= next_ad) {
      advertise(out, loc, nid, "pong");
      next_ad = ov_now_ns() + 1000000000;
    }
    struct pollfd p = {in, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    ssize_t len = recv(in, d, sizeof d, MSG_DONTWAIT);
    if (len < 0 || !is_transport_for(d, (size_t)len, nid)) continue;
    uint64_t src_loc = ov_get_u64(d + 8), src_nid = ov_get_u64(d + 16);
    ov_put_header(d, OV_NH_TRANSPORT, kHopLimit, loc, nid, src_loc, src_nid, (size_t)len - OV_HEADER_SIZE);
    if (send(out, d, (size_t)len, 0) >= 0) ++answered;
  }
  printf("{\"answered\":%llu}\n", (unsigned long long)answered);
  return 0;
}

static int compare_i64(const void *x, const void *y) {
  int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
  return (a > b) - (a < b);
}

/* One ping outstanding at a time; a reply later than 100 ms counts as lost.
 * Before measuring, pings until the first reply (routes learned). */
static int ping(char **a) {
  uint16_t port = (uint16_t)atoi(a[1]);
  unsigned uid = (unsigned)atoi(a[2]) % 65536;
  uint64_t loc = ov_parse_id(a[3]), nid = ov_parse_id(a[4]), peer_loc = ov_parse_id(a[5]), peer_nid = ov_parse_id(a[6]);
  long count = atol(a[7]), interval_us = atol(a[8]);
  size_t size = datagram_size(a[9], DATA_OFFSET + 16);
  if (count < 1) usage();
  int in = multicast_receiver(a[0], port, uid, loc), out = multicast_sender(a[0], port, uid, loc);
  static uint8_t d[OV_MAX_DATAGRAM], reply[OV_MAX_DATAGRAM];
  ov_put_transport(d, size, kHopLimit, loc, nid, peer_loc, peer_nid, port);
  int64_t *rtt = calloc((size_t)count, sizeof *rtt);
  if (!rtt) ov_die("calloc");
  long measured = 0, lost = 0, warmup = 0;
  int64_t next_ad = 0, t_start = ov_now_ns();
  for (uint64_t seq = 1; !stop && measured + lost < count; ++seq) {
    if (ov_now_ns() >= next_ad) {
      advertise(out, loc, nid, "ping");
      next_ad = ov_now_ns() + 1000000000;
    }
    int measuring = warmup < 0;
    ov_put_u64(d + DATA_OFFSET, seq);
    int64_t sent_at = ov_now_ns(), deadline = sent_at + 100000000;
    if (send(out, d, size, 0) < 0) ov_die("send ping");
    int answered = 0;
    while (!answered && !stop) {
      int64_t left = deadline - ov_now_ns();
      if (left <= 0) break;
      struct pollfd p = {in, POLLIN, 0};
      if (poll(&p, 1, (int)(left / 1000000) + 1) <= 0) continue;
      ssize_t len = recv(in, reply, sizeof reply, MSG_DONTWAIT);
      if (len >= DATA_OFFSET + 8 && is_transport_for(reply, (size_t)len, nid) &&
          ov_get_u64(reply + DATA_OFFSET) == seq) {
        answered = 1;
        if (measuring) rtt[measured++] = ov_now_ns() - sent_at;
      }
    }
    if (!measuring) {
      if (answered) {
        warmup = -1;  /* measure from the next ping on */
      } else if (seconds_since(t_start) > 15) {
        fprintf(stderr, "no answer from the peer within 15 s\n");
        return 1;
      }
    } else if (!answered) {
      ++lost;
    }
    if (interval_us > 0) sleep_ns(interval_us * 1000);
  }
  if (measured == 0) return 1;
  qsort(rtt, (size_t)measured, sizeof *rtt, compare_i64);
  double sum = 0;
  for (long i = 0; i < measured; ++i) sum += (double)rtt[i];
  long p99 = (long)((double)measured * 0.99);
  if (p99 >= measured) p99 = measured - 1;
  printf("{\"measured\":%ld,\"lost\":%ld,\"rtt_us\":{\"min\":%.2f,\"median\":%.2f,\"p99\":%.2f,\"max\":%.2f,"
         "\"mean\":%.2f}}\n",
         measured, lost, (double)rtt[0] / 1e3, (double)rtt[measured / 2] / 1e3, (double)rtt[p99] / 1e3,
         (double)rtt[measured - 1] / 1e3, sum / (double)measured / 1e3);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) usage();
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);
  const char *mode = argv[1];
  char **a = argv + 2;
  int n = argc - 2;
  if (strcmp(mode, "send") == 0 && n == 10) {
    uint16_t port = (uint16_t)atoi(a[1]);
    unsigned uid = (unsigned)atoi(a[2]) % 65536;
    size_t size = datagram_size(a[9], DATA_OFFSET + 8);
    static uint8_t d[OV_MAX_DATAGRAM];
    ov_put_transport(d, size, kHopLimit, ov_parse_id(a[3]), ov_parse_id(a[4]), ov_parse_id(a[5]), ov_parse_id(a[6]),
                     port);
    paced_send(multicast_sender(a[0], port, uid, ov_parse_id(a[3])), d, size, DATA_OFFSET, atof(a[7]), atof(a[8]));
  } else if (strcmp(mode, "count") == 0 && n == 7) {
    int fd = multicast_receiver(a[0], (uint16_t)atoi(a[1]), (unsigned)atoi(a[2]) % 65536, ov_parse_id(a[3]));
    count(fd, DATA_OFFSET, is_transport_for, ov_parse_id(a[4]), atof(a[5]), atof(a[6]));
  } else if (strcmp(mode, "udpsend") == 0 && n == 5) {
    int fd = loopback_socket((uint16_t)atoi(a[0]));
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons((uint16_t)atoi(a[1]));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&to, sizeof to) != 0) ov_die("connect");
    static uint8_t d[OV_MAX_DATAGRAM];
    paced_send(fd, d, datagram_size(a[4], 8), 0, atof(a[2]), atof(a[3]));
  } else if (strcmp(mode, "udpcount") == 0 && n == 3) {
    count(loopback_socket((uint16_t)atoi(a[0])), 0, any_datagram, 0, atof(a[1]), atof(a[2]));
  } else if (strcmp(mode, "pong") == 0 && n == 5) {
    return pong(a);
  } else if (strcmp(mode, "ping") == 0 && n == 10) {
    return ping(a);
  } else {
    usage();
  }
  return 0;
}
