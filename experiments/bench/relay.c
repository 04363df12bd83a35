/* The reference for the forwarding benchmarks (issue 8): a minimal C relay
 * between two overlay links. It joins the groups of locators A and B on one
 * interface, reads batches with recvmmsg, lowers the hop limit byte as an
 * ilnp router does, and sends each batch to the other group with sendmmsg.
 * No routing table, no discovery: only what any router must do per datagram.
 *
 * usage: relay INTERFACE PORT UID LOCATOR_A LOCATOR_B   (e.g. eth0 10000 0 0:0:0:a 0:0:0:b)
 * Runs until SIGTERM or SIGINT, then prints {"received":N,"forwarded":N,"dropped":N}. */
#define _GNU_SOURCE
#include <signal.h>
#include <unistd.h>

#include "overlay.h"

enum { BATCH = 32, BUFFER = 1441 };

static volatile sig_atomic_t stop;
static void on_signal(int signal) { stop = signal; }

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s INTERFACE PORT UID LOCATOR_A LOCATOR_B\n", argv[0]);
    return 2;
  }
  unsigned if_index = ov_if_index(argv[1]);
  uint16_t port = (uint16_t)atoi(argv[2]);
  unsigned uid = (unsigned)atoi(argv[3]) % 65536;
  uint64_t locators[2] = {ov_parse_id(argv[4]), ov_parse_id(argv[5])};

  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;  /* no SA_RESTART: recvmmsg returns EINTR */
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);

  int fd = ov_bound_socket(port, 1);
  ov_set_multicast_sender(fd, if_index);
  struct in6_addr groups[2];
  struct sockaddr_in6 destinations[2];
  for (int i = 0; i < 2; ++i) {
    ov_join(fd, locators[i], uid, if_index);
    groups[i] = ov_group(locators[i], uid);
    destinations[i] = ov_group_address(locators[i], uid, port, if_index);
  }

  static uint8_t buffers[BATCH][BUFFER];
  static char control[BATCH][CMSG_SPACE(sizeof(struct in6_pktinfo))];
  struct iovec in_iov[BATCH], out_iov[BATCH];
  struct mmsghdr in[BATCH], out[BATCH];
  uint64_t received = 0, forwarded = 0, dropped = 0;
  fprintf(stderr, "relay ready\n");
  while (!stop) {
    for (int i = 0; i < BATCH; ++i) {
      in_iov[i] = (struct iovec){buffers[i], BUFFER};
      memset(&in[i].msg_hdr, 0, sizeof in[i].msg_hdr);
      in[i].msg_hdr.msg_iov = &in_iov[i];
      in[i].msg_hdr.msg_iovlen = 1;
      in[i].msg_hdr.msg_control = control[i];
      in[i].msg_hdr.msg_controllen = sizeof control[i];
    }
    int n = recvmmsg(fd, in, BATCH, MSG_WAITFORONE, NULL);
    if (n < 0) {
      if (errno == EINTR) continue;
      ov_die("recvmmsg");
    }
    int m = 0;
    for (int i = 0; i < n; ++i) {
      ++received;
      int arrival = -1;
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&in[i].msg_hdr); c; c = CMSG_NXTHDR(&in[i].msg_hdr, c)) {
        if (c->cmsg_level != IPPROTO_IPV6 || c->cmsg_type != IPV6_PKTINFO) continue;
        struct in6_pktinfo info;
        memcpy(&info, CMSG_DATA(c), sizeof info);
        for (int g = 0; g < 2; ++g)
          if (memcmp(&info.ipi6_addr, &groups[g], sizeof groups[g]) == 0) arrival = g;
      }
      uint8_t *d = buffers[i];
      unsigned len = in[i].msg_len;
      if (arrival < 0 || len < OV_HEADER_SIZE || len >= BUFFER || d[OV_HOP_LIMIT_OFFSET] == 0) {
        ++dropped;
        continue;
      }
      --d[OV_HOP_LIMIT_OFFSET];
      out_iov[m] = (struct iovec){d, len};
      memset(&out[m].msg_hdr, 0, sizeof out[m].msg_hdr);
      out[m].msg_hdr.msg_name = &destinations[1 - arrival];
      out[m].msg_hdr.msg_namelen = sizeof destinations[0];
      out[m].msg_hdr.msg_iov = &out_iov[m];
      out[m].msg_hdr.msg_iovlen = 1;
      ++m;
    }
    for (int sent = 0; sent < m;) {
      int k = sendmmsg(fd, out + sent, (unsigned)(m - sent), 0);
      if (k < 0) {
        if (errno == EINTR) continue;
        dropped += (uint64_t)(m - sent);  /* e.g. ENOBUFS: the rest of the batch is lost */
        break;
      }
      sent += k;
      forwarded += (uint64_t)k;
    }
  }
  printf("{\"received\":%llu,\"forwarded\":%llu,\"dropped\":%llu}\n", (unsigned long long)received,
         (unsigned long long)forwarded, (unsigned long long)dropped);
  return 0;
}
