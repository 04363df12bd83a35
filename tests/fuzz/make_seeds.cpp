// Writes the seed corpus of one fuzz target from proto/vectors/*.vec, so the
// seeds follow the vectors when they are regenerated. Usage:
//   ilnp_fuzz_seeds <header|discovery|locator_update|transport|node|
//                    secure_discovery|secure_update|sealed_transport|hub|tun_packet> <out_dir>
// Decoder targets get every vector of their layer, accepted and refused (the
// secure ones from secure.vec, which holds all three of their layers).
// The node target gets each header vector as a one-record input (as sent,
// and readdressed to the router), plus one story through forwarding,
// delivery, a locator update, an application send and the timers. The hub
// target gets each hub vector as one record in each direction.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

#include "ilnp/core/wire/constants.hpp"
#include "node_setup.hpp"
#include "vectors.hpp"

namespace {

using ilnp::wire::Buffer;
namespace fuzz = ilnp::fuzz;
namespace fs = std::filesystem;

void write_file(const fs::path& path, const Buffer& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void put_be(Buffer& out, std::uint64_t value, std::size_t width) {
  for (std::size_t i = width; i-- > 0;) out.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xff));
}

// One record of fuzz_node's input (node_setup.hpp).
void append_record(Buffer& out, std::uint16_t delta_ms, std::uint8_t control, const Buffer& body) {
  put_be(out, delta_ms, 2);
  out.push_back(static_cast<std::byte>(control));
  put_be(out, body.size(), 2);
  out.insert(out.end(), body.begin(), body.end());
}

// The same datagram with the router's NID as destination NID.
Buffer to_router(Buffer datagram) {
  constexpr std::size_t kDestinationNidOffset = 32;
  Buffer nid;
  put_be(nid, fuzz::kRouterNid.value, 8);
  std::copy(nid.begin(), nid.end(), datagram.begin() + kDestinationNidOffset);
  return datagram;
}

std::uint8_t arrival(std::size_t index) { return static_cast<std::uint8_t>(index); }

std::size_t node_seeds(const fs::path& dir) {
  std::map<std::string, Buffer> header;
  std::size_t written = 0;
  for (const auto& v : ilnp::test::load_vectors("header.vec")) {
    header[v.at("name")] = v.bytes;
    Buffer one;
    append_record(one, 0, arrival(0), v.bytes);
    write_file(dir / ("one_" + v.at("name")), one);
    ++written;
    if (v.bytes.size() >= ilnp::wire::kHeaderSize) {
      Buffer readdressed;
      append_record(readdressed, 0, arrival(0), to_router(v.bytes));
      write_file(dir / ("to_router_" + v.at("name")), readdressed);
      ++written;
    }
  }
  auto vector = [&](const std::string& name) -> const Buffer& {
    auto it = header.find(name);
    if (it == header.end()) throw std::runtime_error("header.vec has no vector " + name + "; update make_seeds.cpp");
    return it->second;
  };
  // Arrival indexes: 0 = 0:0:0:a, 1 = 0:0:0:c, 2 = 0:0:0:e (joined), 3 = 0:0:0:b (not joined).
  Buffer story;
  // bob's ack (source 0:0:0:b) on c: learns 0:0:0:b via c.
  append_record(story, 0, arrival(1), vector("hdr_bob_locator_update_ack"));
  // alice's heartbeat to bob, on a: forwarded to c with hop limit 2.
  append_record(story, 100, arrival(0), vector("hdr_alice_heartbeat_to_bob"));
  // alice solicits on e: answered on every link, re-flooded on a and c.
  append_record(story, 100, arrival(2), vector("hdr_alice_solicitation"));
  // alice's locator update, readdressed to the router: rebinds and acks.
  append_record(story, 100, arrival(0), to_router(vector("hdr_alice_locator_update_to_bob")));
  // the heartbeat readdressed to the router: delivered to port 1000.
  append_record(story, 100, arrival(0), to_router(vector("hdr_alice_heartbeat_to_bob")));
  // the application sends to bob (0:0:0:b) along the learned route.
  Buffer send;
  put_be(send, 0xb, 8);
  put_be(send, 0xffff00000000000bULL, 8);
  put_be(send, 1000, 2);
  for (char c : std::string("hello")) send.push_back(static_cast<std::byte>(c));
  append_record(story, 100, fuzz::kSendFlag, send);
  // the heartbeat on bob's link, which the router never joined: ignored.
  append_record(story, 100, arrival(3), vector("hdr_alice_heartbeat_to_bob"));
  // time passes: solicitations, route refresh and expiry, name expiry.
  append_record(story, 65535, arrival(0), {});
  append_record(story, 65535, fuzz::kLateTimersFlag, {});
  append_record(story, 65535, arrival(0), {});
  write_file(dir / "story", story);
  return written + 1;
}

std::size_t decoder_seeds(const std::string& layer, const fs::path& dir) {
  std::size_t written = 0;
  for (const auto& v : ilnp::test::load_vectors(layer + ".vec")) {
    write_file(dir / v.at("name"), v.bytes);
    ++written;
  }
  return written;
}

// fuzz_hub's input (fuzz_hub.cpp): a mode byte, then one record of each hub
// vector, to the hub (as sent, and with the cookie made valid) and to the member.
std::size_t hub_seeds(const fs::path& dir) {
  std::size_t written = 0;
  for (const auto& v : ilnp::test::load_vectors("hub.vec")) {
    if (v.bytes.size() > 255) continue;
    for (std::uint8_t control : {std::uint8_t{0x00}, std::uint8_t{0x02}, std::uint8_t{0x01}}) {
      for (std::uint8_t mode : {std::uint8_t{0}, std::uint8_t{1}}) {
        Buffer one{static_cast<std::byte>(mode), static_cast<std::byte>(control),
                   static_cast<std::byte>(v.bytes.size())};
        one.insert(one.end(), v.bytes.begin(), v.bytes.end());
        write_file(dir / (v.at("name") + "_" + std::to_string(control) + "_" + std::to_string(mode)), one);
        ++written;
      }
    }
  }
  return written;
}
// fuzz_tun_packet: the packets of ip.vec as the kernel writes them into the TUN.
std::size_t tun_packet_seeds(const fs::path& dir) {
  std::size_t written = 0;
  for (const auto& v : ilnp::test::load_vectors("ip.vec")) {
    if (v.at("layer") != "ip_send") continue;
    write_file(dir / v.at("name"), v.bytes);
    ++written;
  }
  return written;
}

std::size_t secure_seeds(const std::string& layer, const fs::path& dir) {
  std::size_t written = 0;
  for (const auto& v : ilnp::test::load_vectors("secure.vec")) {
    if (v.at("layer") != layer) continue;
    write_file(dir / v.at("name"), v.bytes);
    ++written;
  }
  if (written == 0) throw std::runtime_error("secure.vec has no vector of layer " + layer);
  return written;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr,
                 "usage: %s <header|discovery|locator_update|transport|node|secure_discovery|secure_update|"
                 "sealed_transport|hub|tun_packet> <out_dir>\n",
                 argv[0]);
    return 2;
  }
  std::string target = argv[1];
  fs::path dir = argv[2];
  try {
    fs::create_directories(dir);
    std::size_t written = 0;
    if (target == "node") {
      written = node_seeds(dir);
    } else if (target == "header" || target == "discovery" || target == "locator_update" || target == "transport") {
      written = decoder_seeds(target, dir);
    } else if (target == "hub") {
      written = hub_seeds(dir);
    } else if (target == "tun_packet") {
      written = tun_packet_seeds(dir);
    } else if (target == "secure_discovery" || target == "secure_update" || target == "sealed_transport") {
      written = secure_seeds(target, dir);
    } else {
      std::fprintf(stderr, "unknown fuzz target '%s'\n", target.c_str());
      return 2;
    }
    std::printf("wrote %zu seeds for fuzz_%s to %s\n", written, target.c_str(), dir.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ilnp_fuzz_seeds: %s\n", e.what());
    return 1;
  }
  return 0;
}
