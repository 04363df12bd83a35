// --trace.pcap's writer: records reach the file whole (the forwarded hop limit
// patched in), and the size cap stops the trace at a record boundary,
// counting what it left out and saying so once.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

#include "ilnp/io/pcap_trace.hpp"

namespace ilnp::io {
namespace {

constexpr std::size_t kFileHeader = 24;
constexpr std::size_t kRecordOverhead = 16 + 40 + 8;  // pcap record, IPv6, UDP
constexpr std::size_t kDatagram = 100;

std::vector<char> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

struct PcapTraceTest : ::testing::Test {
  // One file per process and test: ctest runs the tests side by side.
  std::string path = (std::filesystem::temp_directory_path() /
                      ("ilnp_pcap_trace_" + std::to_string(::getpid()) + "_" +
                       ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".pcap"))
                         .string();
  void TearDown() override { std::filesystem::remove(path); }
};

TEST_F(PcapTraceTest, WritesEveryRecordWithTheForwardedHopLimit) {
  PcapTrace trace({path, 0, 10000, 0});
  wire::Buffer datagram(kDatagram, std::byte{0x42});
  datagram[7] = std::byte{3};
  trace.record(Locator{0xa}, datagram);
  trace.record(Locator{0xb}, datagram, std::uint8_t{2});
  trace.close();
  EXPECT_EQ(trace.stats().records, 2u);
  auto file = read_file(path);
  ASSERT_EQ(file.size(), kFileHeader + 2 * (kRecordOverhead + kDatagram));
  const std::size_t hop_limit = kRecordOverhead + 7;  // within a record
  EXPECT_EQ(file[kFileHeader + hop_limit], 3);
  EXPECT_EQ(file[kFileHeader + kRecordOverhead + kDatagram + hop_limit], 2);
}

TEST_F(PcapTraceTest, StopsAtTheSizeCapAtARecordBoundary) {
  const std::size_t cap = kFileHeader + 3 * (kRecordOverhead + kDatagram) + 50;
  int said = 0;
  PcapTrace trace({path, 0, 10000, cap}, [&](const std::string&) { ++said; });
  const wire::Buffer datagram(kDatagram, std::byte{1});
  for (int i = 0; i < 10; ++i) trace.record(Locator{0xa}, datagram);
  trace.close();
  EXPECT_EQ(trace.stats().records, 3u);
  EXPECT_EQ(trace.stats().dropped_cap, 7u);
  EXPECT_EQ(trace.stats().dropped_busy, 0u);
  EXPECT_EQ(said, 1);
  EXPECT_EQ(read_file(path).size(), kFileHeader + 3 * (kRecordOverhead + kDatagram));
}

TEST(PcapTrace, RefusesAPathItCannotCreate) {
  EXPECT_THROW(PcapTrace({"/nonexistent-directory/trace.pcap"}), std::runtime_error);
}

}  // namespace
}  // namespace ilnp::io
