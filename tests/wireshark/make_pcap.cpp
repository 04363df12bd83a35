// Writes the dissector test captures: `make_pcap OUT` one packet of each
// message type, the malformed cases and SCTP-over-transport (dissector_test.sh
// knows the order); `make_pcap --robustness OUT` every prefix and many
// one-byte corruptions of valid datagrams, for the "never a Lua error" check;
// `make_pcap --vectors OUT` one packet per proto/vectors entry, printing what
// tshark should show for each (frame, name, field=value...) on stdout.
#include <array>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ilnp/core/wire/header.hpp"
#include "ilnp/core/wire/messages.hpp"
#include "ilnp/core/wire/secure_messages.hpp"
#include "ilnp/core/wire/pcap_writer.hpp"
#include "vectors.hpp"

namespace {

using namespace ilnp;  // a test program, not a header

constexpr std::uint32_t kUid = 1000;
constexpr Nid kAlice{0xa11c'0000'0000'0001ULL};
constexpr Nid kBob{0xb0b'0000'0000'0002ULL};
constexpr Locator kA{0xa};
constexpr Locator kB{0xb};
constexpr Locator kC{0xc};

wire::Header header(std::uint8_t next, Ilv from, Ilv to) {
  wire::Header h;
  h.next_header = next;
  h.source = from;
  h.destination = to;
  return h;
}

// CRC32c (Castagnoli, reflected 0x82f63b78), as SCTP uses it (RFC 9260 appendix A).
std::uint32_t crc32c(const std::vector<std::uint8_t>& data) {
  std::uint32_t crc = 0xffffffff;
  for (auto byte : data) {
    crc ^= byte;
    for (int k = 0; k < 8; ++k) crc = (crc & 1U) ? (crc >> 1) ^ 0x82f63b78U : crc >> 1;
  }
  return ~crc;
}

void put_be(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// An SCTP packet with one INIT chunk: common header (ports 5000 -> 5001,
// verification tag 0 as INIT requires), then the 20-byte INIT.
wire::Buffer sctp_init() {
  std::vector<std::uint8_t> p;
  put_be(p, 5000, 2);
  put_be(p, 5001, 2);
  put_be(p, 0, 4);  // verification tag
  put_be(p, 0, 4);  // checksum, filled below
  put_be(p, 1, 1);  // chunk type INIT
  put_be(p, 0, 1);  // flags
  put_be(p, 20, 2);
  put_be(p, 0x1234'5678, 4);  // initiate tag
  put_be(p, 65536, 4);        // a_rwnd
  put_be(p, 10, 2);           // outbound streams
  put_be(p, 10, 2);           // inbound streams
  put_be(p, 0x0102'0304, 4);  // initial TSN
  // The CRC is stored least significant byte first (RFC 9260 appendix A).
  auto crc = crc32c(p);
  for (std::size_t i = 0; i < 4; ++i) p[8 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
  wire::Buffer out;
  for (auto b : p) out.push_back(static_cast<std::byte>(b));
  return out;
}

using Emit = std::function<void(Locator link, Nid sender, const wire::Buffer& datagram)>;

const Ilv kAll{kAllNodes, Nid{0}};
const Ilv kAliceA{kA, kAlice};
const Ilv kBobA{kA, kBob};

wire::Buffer with_payload_length(wire::Buffer d, std::size_t length) {
  d[4] = static_cast<std::byte>(length >> 8 & 0xff);
  d[5] = static_cast<std::byte>(length & 0xff);
  return d;
}

template <std::size_t N>
std::array<std::byte, N> filled(std::uint8_t v) {
  std::array<std::byte, N> a;
  a.fill(std::byte{v});
  return a;
}

// Secure messages with recognisable keys and signatures (the dissector does
// not verify them): alice advertises, updates bob to 0:0:0:b and 0:0:0:c, bob
// acknowledges, then a sealed datagram (epoch 7, counter 42, 9 bytes).
wire::Buffer secure_advertisement() {
  return wire::encode_secure_discovery(
      {false, kAlice, kA, 1'700'000'000'000'000ULL, filled<32>(0x11), "alice", filled<64>(0x22)});
}
wire::Buffer secure_update() {
  wire::SecureUpdate u{false, 1'700'000'000'000'010ULL, 0, {kB, kC}, filled<32>(0x11), filled<64>(0x33)};
  return wire::encode_secure_update(u);
}
wire::Buffer secure_ack() {
  wire::SecureUpdate a{true, 1'700'000'000'000'020ULL, 1'700'000'000'000'010ULL, {}, filled<32>(0x44), filled<64>(0x55)};
  return wire::encode_secure_update(a);
}
wire::Buffer sealed(std::size_t ciphertext) {
  wire::Buffer p;
  wire::ByteWriter w(p);
  w.u32(7);
  w.u64(42);
  p.resize(p.size() + ciphertext, std::byte{0xcc});
  p.resize(p.size() + wire::kSealTagSize, std::byte{0x77});
  return p;
}

void write_cases(const Emit& emit) {
  // 1. solicitation, 2. advertisement
  emit(kA, kAlice, wire::encode_packet(header(43, kAliceA, kAll), wire::encode_discovery({kAlice, kA, true, "alice"})));
  emit(kA, kBob, wire::encode_packet(header(43, kBobA, kAll), wire::encode_discovery({kBob, kA, false, "bob"})));
  // 3. transport with heartbeat text
  const std::string text = "2023-11-14 22:13:20.5 | alice";
  emit(kA, kAlice,
       wire::encode_packet(header(42, kAliceA, kBobA), wire::encode_transport(1000, 2000, wire::as_bytes(text))));
  // 4. locator update with two locators, 5. its ack, to the first new locator
  emit(kA, kAlice, wire::encode_packet(header(44, kAliceA, kBobA), wire::encode_locator_update({false, {kB, kC}})));
  emit(kA, kBob, wire::encode_packet(header(44, kBobA, Ilv{kB, kAlice}), wire::encode_locator_update({true, {}})));
  // 6. truncated header: the first 30 bytes of a valid datagram
  auto full = wire::encode_packet(header(42, kAliceA, kBobA), wire::encode_transport(1, 2, {}));
  emit(kA, kAlice, wire::Buffer(full.begin(), full.begin() + 30));
  // 7. payload length field says 5 more bytes than there are
  auto hi = wire::encode_packet(header(42, kAliceA, kBobA), wire::encode_transport(1000, 2000, wire::as_bytes("hi")));
  emit(kA, kAlice, with_payload_length(hi, hi.size() - 40 + 5));
  // 8. discovery with flag 7
  auto bad_flag = wire::encode_discovery({kBob, kA, false, "mallory"});
  bad_flag[16] = std::byte{7};
  emit(kA, kBob, wire::encode_packet(header(43, kBobA, kAll), bad_flag));
  // 9. SCTP INIT carried by the transport between RFC 6951 ports
  emit(kA, kAlice, wire::encode_packet(header(42, kAliceA, kBobA), wire::encode_transport(9899, 9899, sctp_init())));
  // 10. discovery whose hostname is an overlong encoding (c0 af)
  auto overlong = wire::encode_discovery({kBob, kA, true, "x"});
  overlong.back() = std::byte{0xc0};
  overlong.push_back(std::byte{0xaf});
  emit(kA, kBob, wire::encode_packet(header(43, kBobA, kAll), overlong));
  // 11. locator update with flag 1 and 5 locator bytes
  emit(kA, kAlice, wire::encode_packet(header(44, kAliceA, kBobA), wire::Buffer(6, std::byte{1})));
  // 12. unknown next header 50 (a future extension)
  emit(kA, kAlice, wire::encode_packet(header(50, kAliceA, kBobA), wire::Buffer(12, std::byte{0xee})));
  // 13. transport with a 2-byte payload
  emit(kA, kAlice, wire::encode_packet(header(42, kAliceA, kBobA), wire::Buffer(2, std::byte{0})));
  // 14. traffic after the move: alice now at 0:0:0:b, same NID
  emit(kB, kAlice,
       wire::encode_packet(header(42, Ilv{kB, kAlice}, Ilv{kB, kBob}),
                           wire::encode_transport(1000, 2000, wire::as_bytes("after the move"))));
  // 15. transport between SCTP ports whose data is too short for SCTP
  emit(kA, kAlice,
       wire::encode_packet(header(42, kAliceA, kBobA), wire::encode_transport(9899, 9899, wire::as_bytes("abcdef"))));
  // 16. 1500 bytes, over the default buffer_size of 1440
  emit(kA, kAlice,
       wire::encode_packet(header(42, kAliceA, kBobA),
                           wire::encode_transport(1000, 2000, wire::Buffer(1456, std::byte{0x80}))));
  // 17. secure advertisement, 18. secure update, 19. its ack (to bob's new
  // locator), 20. sealed transport
  emit(kA, kAlice, wire::encode_packet(header(45, kAliceA, kAll), secure_advertisement()));
  emit(kA, kAlice, wire::encode_packet(header(46, kAliceA, kBobA), secure_update()));
  emit(kA, kBob, wire::encode_packet(header(46, kBobA, Ilv{kB, kAlice}), secure_ack()));
  emit(kA, kAlice, wire::encode_packet(header(47, kAliceA, kBobA), sealed(9)));
  // 21. secure advertisement cut inside its signature (payload length agrees)
  auto cut = secure_advertisement();
  cut.resize(cut.size() - 10);
  emit(kA, kAlice, wire::encode_packet(header(45, kAliceA, kAll), cut));
  // 22. sealed transport of 20 bytes, 23. secure update with 17 locators
  emit(kA, kAlice, wire::encode_packet(header(47, kAliceA, kBobA), wire::Buffer(20, std::byte{1})));
  auto many = secure_update();
  many[9] = std::byte{17};
  emit(kA, kAlice, wire::encode_packet(header(46, kAliceA, kBobA), many));
}

void write_robustness(const Emit& emit) {
  const std::vector<wire::Buffer> valid{
      wire::encode_packet(header(43, kAliceA, kAll), wire::encode_discovery({kAlice, kA, true,
                                                                             "al\xc3\xaf"
                                                                             "ce"})),
      wire::encode_packet(header(42, kAliceA, kBobA), wire::encode_transport(1000, 2000, wire::as_bytes("text"))),
      wire::encode_packet(header(42, kAliceA, kBobA), wire::encode_transport(9899, 9899, sctp_init())),
      wire::encode_packet(header(44, kAliceA, kBobA), wire::encode_locator_update({false, {kB, kC}})),
      wire::encode_packet(header(44, kBobA, kAliceA), wire::encode_locator_update({true, {}})),
      wire::encode_packet(header(50, kAliceA, kBobA), wire::Buffer(3, std::byte{0})),
      wire::encode_packet(header(45, kAliceA, kAll), secure_advertisement()),
      wire::encode_packet(header(46, kAliceA, kBobA), secure_update()),
      wire::encode_packet(header(46, kBobA, kAliceA), secure_ack()),
      wire::encode_packet(header(47, kAliceA, kBobA), sealed(9)),
  };
  for (const auto& d : valid) {
    // Every prefix, with the length field left alone and with it made to agree.
    for (std::size_t n = 1; n < d.size(); ++n) {
      wire::Buffer prefix(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(n));
      emit(kA, kAlice, prefix);
      if (n > 40) emit(kA, kAlice, with_payload_length(prefix, n - 40));
    }
    // Every byte replaced by a few values.
    for (std::size_t i = 0; i < d.size(); ++i) {
      for (auto v : {std::byte{0x00}, std::byte{0x02}, std::byte{0x80}, std::byte{0xff}}) {
        auto m = d;
        m[i] = v;
        emit(kA, kAlice, m);
      }
    }
  }
}

// Every drop reason of proto/README.md section 7 has an expert field of the
// same name, except datagram_too_large (buffer_size is per node: a warning).
const std::vector<std::string> kReasons{
    "short_header",
    "payload_length_mismatch",
    "truncated_discovery",
    "bad_discovery_flag",
    "empty_hostname",
    "hostname_too_long",
    "hostname_not_utf8",
    "truncated_locator_update",
    "bad_locator_update_flag",
    "bad_locator_update_length",
    "too_many_locators",
    "truncated_transport",
    "truncated_secure_message",
    "over_buffer_size",
};

std::string expert_for(const std::string& expect) {
  if (expect == "ok") return "";
  auto reason = expect.substr(expect.find(':') + 1);
  return reason == "datagram_too_large" ? "over_buffer_size" : reason;
}

std::string semicolons(std::string list) {
  for (auto& c : list)
    if (c == ',') c = ';';
  return list;
}

// The header a secure vector's signature or AEAD covers (its NIDs), else alice -> bob.
Ilv vector_nid(const test::Vector& v, const char* key, Nid otherwise) {
  auto it = v.fields.find(key);
  return Ilv{kA, it == v.fields.end() ? otherwise : *Nid::parse(it->second)};
}

// Emits a secure vector's datagram; returns the fields tshark must show.
std::vector<std::string> secure_vector(const Emit& emit, const test::Vector& v, const std::string& layer, bool ok) {
  const auto src = vector_nid(v, "src_nid", kAlice);
  const auto dst = vector_nid(v, "dst_nid", kBob);
  if (layer == "secure_discovery") {
    emit(kA, kAlice, wire::encode_packet(header(45, kAliceA, kAll), v.bytes));
    if (!ok) return {};
    return {"ilnp.disc.flag=" + std::string(v.at("solicitation") == "true" ? "1" : "0"),
            "ilnp.disc.nid=" + v.at("nid"),
            "ilnp.disc.loc=" + v.at("loc"),
            "ilnp.secure.timestamp=" + v.at("timestamp"),
            "ilnp.secure.public_key=" + v.at("public_key"),
            "ilnp.disc.hostname=" + v.at("hostname"),
            "ilnp.secure.signature=" + v.at("signature")};
  }
  if (layer == "secure_update") {
    emit(kA, src.nid, wire::encode_packet(header(46, src, dst), v.bytes));
    if (!ok) return {};
    const bool ack = v.at("kind") == "ack";
    return {"ilnp.lu.flag=" + std::string(ack ? "0" : "1"),
            "ilnp.lu.sequence=" + v.at("sequence"),
            "ilnp.lu.locator=" + (ack ? "" : semicolons(v.at("locators"))),
            "ilnp.lu.acknowledges=" + (ack ? v.at("acknowledges") : ""),
            "ilnp.secure.public_key=" + v.at("public_key"),
            "ilnp.secure.signature=" + v.at("signature")};
  }
  emit(kA, src.nid, wire::encode_packet(header(47, src, dst), v.bytes));
  if (!ok) return {};
  const auto ciphertext = v.bytes.size() - wire::kSealOverhead;
  std::vector<std::string> expect{"ilnp.seal.epoch=" + v.at("epoch"), "ilnp.seal.counter=" + v.at("counter"),
                                  "ilnp.seal.ciphertext_length=" + std::to_string(ciphertext)};
  // Where the vector says what was sealed, the ciphertext must be that long.
  if (v.fields.count("plaintext") && test::from_hex(v.at("plaintext")).size() != ciphertext)
    throw std::runtime_error(v.name() + ": ciphertext and plaintext lengths differ");
  return expect;
}

// One line per vector: frame, name, then the tshark fields it must show.
// Values use tshark's -T fields rendering (ilnp.vcf in hex, flags as 0/1).
void write_vectors(const Emit& emit) {
  std::size_t frame = 0;
  for (const char* file : {"header.vec", "discovery.vec", "locator_update.vec", "transport.vec", "secure.vec"}) {
    for (const auto& v : test::load_vectors(file)) {
      const auto& layer = v.at("layer");
      const bool ok = v.at("expect") == "ok";
      std::vector<std::string> expect;
      // UDP hands no empty payload to a dissector: nothing to check.
      if (layer == "header" && v.bytes.empty()) continue;
      if (layer == "header") {
        emit(kA, kAlice, v.bytes);
        if (ok) {
          char vcf[16];
          std::snprintf(vcf, sizeof vcf, "0x%08lx", std::stoul(v.at("version_class_flow")));
          expect = {std::string("ilnp.vcf=") + vcf,
                    "ilnp.payload_length=" + v.at("payload_length"),
                    "ilnp.next_header=" + v.at("next_header"),
                    "ilnp.hop_limit=" + v.at("hop_limit"),
                    "ilnp.src_loc=" + v.at("src_loc"),
                    "ilnp.src_nid=" + v.at("src_nid"),
                    "ilnp.dst_loc=" + v.at("dst_loc"),
                    "ilnp.dst_nid=" + v.at("dst_nid")};
        }
      } else if (layer == "discovery") {
        emit(kA, kAlice, wire::encode_packet(header(43, kAliceA, kAll), v.bytes));
        if (ok)
          expect = {"ilnp.disc.nid=" + v.at("nid"), "ilnp.disc.loc=" + v.at("loc"),
                    std::string("ilnp.disc.flag=") + (v.at("solicitation") == "true" ? "1" : "0"),
                    "ilnp.disc.hostname=" + v.at("hostname")};
      } else if (layer == "locator_update") {
        emit(kA, kAlice, wire::encode_packet(header(44, kAliceA, kBobA), v.bytes));
        if (ok) {
          auto locators = v.fields.count("locators") ? v.at("locators") : "";
          expect = {std::string("ilnp.lu.flag=") + (v.at("kind") == "update" ? "1" : "0"),
                    "ilnp.lu.locator=" + semicolons(locators)};
        }
      } else if (layer == "transport") {
        emit(kA, kAlice, wire::encode_packet(header(42, kAliceA, kBobA), v.bytes));
        if (ok)
          expect = {"ilnp.tp.src_port=" + v.at("src_port"), "ilnp.tp.dst_port=" + v.at("dst_port"),
                    "ilnp.tp.data=" + v.at("data")};
      } else if (layer.starts_with("secure_") || layer == "sealed_transport") {
        expect = secure_vector(emit, v, layer, ok);
      } else {
        continue;
      }
      const auto expert = expert_for(v.at("expect"));
      for (const auto& reason : kReasons) {
        // A header vector's payload may be anything (the header decoder does
        // not look at it), so only the header's own reasons are checked there.
        const bool header_reason =
            reason == "short_header" || reason == "payload_length_mismatch" || reason == "over_buffer_size";
        if (layer == "header" && !header_reason) continue;
        expect.push_back("ilnp." + reason + "=" + (reason == expert ? "1" : ""));
      }
      std::cout << ++frame << '\t' << v.at("name");
      for (const auto& e : expect) std::cout << '\t' << e;
      std::cout << '\n';
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc == 3 ? argv[1] : "";
  if (!(argc == 2 || (argc == 3 && (mode == "--robustness" || mode == "--vectors")))) {
    std::cerr << "usage: make_pcap [--robustness | --vectors] OUT.pcap\n";
    return 2;
  }
  const char* path = argv[argc - 1];
  std::ofstream file(path, std::ios::binary);
  wire::PcapWriter pcap(file);
  Instant t = Instant{} + std::chrono::seconds(1'700'000'000);
  Emit emit = [&](Locator link, Nid sender, const wire::Buffer& datagram) {
    t += std::chrono::milliseconds(10);
    pcap.write(t, link, kUid, sender, datagram);
  };
  if (mode == "--robustness") {
    write_robustness(emit);
  } else if (mode == "--vectors") {
    write_vectors(emit);
  } else {
    write_cases(emit);
  }
  file.flush();
  if (!file || pcap.skipped() != 0) {
    std::cerr << "make_pcap: writing " << path << " failed\n";
    return 1;
  }
  return 0;
}
