// The configuration's rough edges, each refused with FILE:LINE: hostnames
// that would name paths outside the state directory, a control socket in a
// missing directory, repeated keys, non-decimal numbers, files that are not
// configuration files, list items of proxy.mappings and [stream], and the
// locator sets that network.locators and `ilnp ctl move` share.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config.hpp"
#include "ini_file.hpp"

namespace ilnp::apps {
namespace {

std::string temp_path(const std::string& suffix) {
  static int n = 0;
  return (std::filesystem::temp_directory_path() /
          ("ilnp_rough_" + std::to_string(::getpid()) + "_" + std::to_string(n++) + suffix))
      .string();
}

std::string write_temp(const std::string& text) {
  auto path = temp_path(".ini");
  std::ofstream(path) << text;
  return path;
}

const std::vector<std::pair<std::string, std::string>> kLo = {{"link.mcast_interface", "lo"}};
const std::string kBase = "[network]\nlocators = 0:0:0:a\n[discovery]\nhostname = x\n";

// The ConfigError text, or "" when the configuration was accepted.
std::string refusal(const std::string& ini, std::vector<std::pair<std::string, std::string>> cli = kLo) {
  try {
    (void)load_config(write_temp(ini), cli);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_HAS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

TEST(ConfigRoughEdges, HostnamesThatNamePathsAreRefused) {
  for (const char* bad : {"../../x", "a/b", "..", ".hidden", "-rf", "with space", "caf\xc3\xa9"}) {
    SCOPED_TRACE(bad);
    auto why = refusal("[network]\nlocators = 0:0:0:a\n[discovery]\nhostname = " + std::string(bad) + "\n");
    EXPECT_HAS(why, ".ini:4: discovery.hostname:");
    EXPECT_HAS(why, "1-64 characters of A-Z a-z 0-9 . _ -");
  }
  EXPECT_HAS(refusal(kBase, {{"link.mcast_interface", "lo"}, {"discovery.hostname", std::string(65, 'a')}}),
             "command line --discovery.hostname");
  for (const std::string& good : {std::string("alice"), std::string("pi-4.lan"), std::string("r_1"),
                                  std::string("A9"), std::string(64, 'z')}) {
    SCOPED_TRACE(good);
    EXPECT_EQ(refusal("[network]\nlocators = 0:0:0:a\n[discovery]\nhostname = " + good + "\n"), "");
  }
}

TEST(ConfigRoughEdges, ControlSocketInAMissingDirectoryIsRefused) {
  auto missing = temp_path("_no_such_dir") + "/node.sock";
  auto why = refusal(kBase + "[control]\nsocket = " + missing + "\n");
  EXPECT_HAS(why, ".ini:6: control.socket:");
  EXPECT_HAS(why, "does not exist");
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(missing).parent_path()));  // not created either
  auto dir = temp_path("_dir");
  std::filesystem::create_directory(dir);
  EXPECT_EQ(refusal(kBase + "[control]\nsocket = " + dir + "/node.sock\n"), "");
  EXPECT_EQ(refusal(kBase + "[control]\nsocket = node.sock\n"), "");  // the working directory
}

TEST(ConfigRoughEdges, RepeatedKeysAreRefusedNamingBothLines) {
  auto why = refusal("[network]\nlocators = 0:0:0:a\ndefault_hop_limit = 3\n\nDefault_Hop_Limit = 9\n");
  EXPECT_HAS(why, ".ini:5:");
  EXPECT_HAS(why, "'default_hop_limit' in [network] is already set on line 3");
  // The prototype's spelling and ours are one key.
  why = refusal(kBase + "[network]\nactive_uncast_session_ttl = 5\n");
  EXPECT_EQ(why, "");
  why = refusal("[network]\nlocators = 0:0:0:a\nactive_unicast_session_ttl = 5\nactive_uncast_session_ttl = 6\n");
  EXPECT_HAS(why, ".ini:4: network.active_unicast_session_ttl: already set at ");
  EXPECT_HAS(why, ".ini:3");
  // Same key name in two sections, and a section opened twice, are fine.
  EXPECT_EQ(refusal("[link]\nlog = true\n[network]\nlog = true\nlocators = 0:0:0:a\n[link]\nloopback = true\n"), "");
}

TEST(ConfigRoughEdges, NumbersAreStrictDecimal) {
  for (const char* bad : {"0x10", "1e3", "inf", "nan", "+5", "5.2.1", ".", "1_000", "-1"}) {
    SCOPED_TRACE(bad);
    EXPECT_HAS(refusal(kBase + "[application]\nwait_time = " + std::string(bad) + "\n"), ".ini:6: application.wait_time:");
    EXPECT_HAS(refusal(kBase + "[network]\ndefault_hop_limit = " + std::string(bad) + "\n"),
               ".ini:6: network.default_hop_limit:");
  }
  EXPECT_HAS(refusal(kBase + "[application]\nwait_time = 0x10\n"), "is not a number (decimal");
  EXPECT_HAS(refusal(kBase + "[network]\ndefault_hop_limit = 0x10\n"), "is not a whole number (decimal digits only)");
  EXPECT_HAS(refusal(kBase + "[network]\ndefault_hop_limit = 99999999999999999999999\n"), "out of range");
  EXPECT_HAS(refusal(kBase + "[application]\nwait_time = 1" + std::string(400, '0') + "\n"), "out of range");
  for (const char* good : {"16", "0.5", "5.", ".25", "010"}) {
    SCOPED_TRACE(good);
    EXPECT_EQ(refusal(kBase + "[application]\nwait_time = " + std::string(good) + "\n"), "");
  }
  auto c = load_config(write_temp(kBase + "[application]\nwait_time = .25\n"), kLo);
  EXPECT_EQ(c.application.wait_time, 0.25);
}

std::string read_refusal(const std::string& path) {
  try {
    (void)read_ini_file(path);
  } catch (const IniError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigRoughEdges, OnlySmallRegularFilesAreRead) {
  EXPECT_HAS(read_refusal("/dev/zero"), "/dev/zero: not a regular file");
  EXPECT_HAS(read_refusal(std::filesystem::temp_directory_path().string()), "not a regular file");
  EXPECT_HAS(read_refusal(temp_path("_missing.ini")), "cannot read the file: No such file");
  auto fifo = temp_path(".fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_HAS(read_refusal(fifo), "not a regular file");  // and did not wait for a writer
  std::filesystem::remove(fifo);

  auto big = temp_path("_big.ini");
  {
    std::ofstream out(big);
    out << "[network]\nlocators = 0:0:0:a\n";
    out << std::string(kMaxIniFileBytes, ';') << "\n";
  }
  EXPECT_HAS(read_refusal(big), "larger than 1024 KiB");
  std::filesystem::resize_file(big, kMaxIniFileBytes);
  EXPECT_EQ(read_refusal(big), "");  // exactly the cap is still read
  // Through load_config, as `ilnp node -c /dev/zero` reaches it.
  try {
    (void)load_config(std::string("/dev/zero"), kLo);
    ADD_FAILURE() << "/dev/zero accepted";
  } catch (const ConfigError& e) {
    EXPECT_HAS(e.what(), "not a regular file");
  }
}

TEST(ConfigRoughEdges, ProxyMappingErrorsNameTheItemsLine) {
  auto why = refusal(kBase + "[proxy]\nmappings = 2000 bob 3000,\n  2001 bob 0x10,\n  2002 bob 3002\n");
  EXPECT_HAS(why, ".ini:7: proxy.mappings: '0x10' is not a port (1-65535)");
  why = refusal(kBase + "[proxy]\nmappings = 2000 bob 3000,\n  2001 bob\n");
  EXPECT_HAS(why, ".ini:7: proxy.mappings: each item is 'LOCAL_PORT REMOTE REMOTE_PORT'");
  why = refusal(kBase + "[proxy]\nmappings = 2000 bob 3000, 2000 carol 3000\n");
  EXPECT_HAS(why, ".ini:6: proxy.mappings: local port 2000 is mapped twice");
  why = refusal(kBase + "[proxy]\nmappings = 2000 0:0:0:g:1 3000\n");
  EXPECT_HAS(why, "'0:0:0:g:1' is not a hostname, NID");
  auto c = load_config(write_temp(kBase + "[proxy]\nmappings = 2000 bob 3000,\n  2001 ffff:0:0:b 3001\n"), kLo);
  ASSERT_EQ(c.proxy.mappings.size(), 2u);
  EXPECT_EQ(c.proxy.mappings[1].remote, "ffff:0:0:b");
  EXPECT_NE(c.proxy.mappings[1].origin.find(".ini:7"), std::string::npos) << c.proxy.mappings[1].origin;
}

TEST(ConfigRoughEdges, StreamServeAndListenAreReadAndChecked) {
  auto c = load_config(
      write_temp(kBase + "[stream]\nserve = ssh 127.0.0.1:22, web [::1]:80\nlisten = 6000 bob ssh,\n  6001 ffff:0:0:b web\n"),
      kLo);
  ASSERT_EQ(c.stream_serve.size(), 2u);
  EXPECT_EQ(c.stream_serve[0].service, "ssh");
  EXPECT_EQ(c.stream_serve[0].target, "127.0.0.1:22");
  EXPECT_EQ(c.stream_serve[0].allow, "");
  EXPECT_EQ(c.stream_serve[1].target, "[::1]:80");
  auto allowed = load_config(
      write_temp(kBase + "[stream]\nserve = ssh 127.0.0.1:22 allow bob ffff:0000:0:d,\n  web [::1]:80 allow carol\n"),
      kLo);
  ASSERT_EQ(allowed.stream_serve.size(), 2u);
  EXPECT_EQ(allowed.stream_serve[0].target, "127.0.0.1:22");
  EXPECT_EQ(allowed.stream_serve[0].allow, "bob ffff:0:0:d");
  EXPECT_EQ(allowed.stream_serve[1].allow, "carol");
  EXPECT_NE(allowed.stream_serve[1].origin.find(".ini:7"), std::string::npos) << allowed.stream_serve[1].origin;
  ASSERT_EQ(c.stream_listen.size(), 2u);
  EXPECT_EQ(c.stream_listen[1].tcp_port, "6001");
  EXPECT_EQ(c.stream_listen[1].remote, "ffff:0:0:b");
  EXPECT_EQ(c.stream_listen[1].service, "web");
  EXPECT_NE(c.stream_listen[1].origin.find(".ini:8"), std::string::npos) << c.stream_listen[1].origin;

  EXPECT_HAS(refusal(kBase + "[stream]\nserve = ssh 127.0.0.1\n"), ".ini:6: stream.serve: '127.0.0.1' is not TCP_HOST:TCP_PORT");
  EXPECT_HAS(refusal(kBase + "[stream]\nserve = ssh\n"),
             ".ini:6: stream.serve: each item is 'SERVICE TCP_HOST:TCP_PORT [allow PEER...]'");
  EXPECT_HAS(refusal(kBase + "[stream]\nserve = ssh h:22,\n ssh h:23\n"), ".ini:7: stream.serve: service ssh is served twice");
  EXPECT_HAS(refusal(kBase + "[stream]\nserve = ssh h:22 bob\n"),
             ".ini:6: stream.serve: after TCP_HOST:TCP_PORT comes nothing (any peer) or 'allow PEER...'");
  EXPECT_HAS(refusal(kBase + "[stream]\nserve = ssh h:22 allow\n"), "comes nothing (any peer) or 'allow PEER...'");
  EXPECT_HAS(refusal(kBase + "[stream]\nserve = web h:80,\n ssh h:22 allow bob 0:0:0:b:ffff:0:0:b\n"),
             ".ini:7: stream.serve: '0:0:0:b:ffff:0:0:b' is not a hostname or NID");
  EXPECT_HAS(refusal(kBase + "[stream]\nlisten = 70000 bob ssh\n"), ".ini:6: stream.listen: '70000' is not a port");
  EXPECT_HAS(refusal(kBase + "[stream]\nlisten = 6000 bob\n"), "each item is 'LOCAL_TCP_PORT REMOTE SERVICE'");
  EXPECT_HAS(refusal(kBase + "[stream]\nlisten = 6000 bob ssh, 6000 bob web\n"), "TCP port 6000 listens twice");
}

TEST(ConfigRoughEdges, LocatorSetsHaveOneRuleForConfigAndMove) {
  auto message = [](const std::string& text) {
    try {
      (void)parse_locator_set(text);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::string seventeen;
  for (int i = 1; i <= 17; ++i) seventeen += (i > 1 ? "," : "") + std::string("0:0:0:") + std::to_string(i);
  for (const auto& [set, problem] : std::vector<std::pair<std::string, std::string>>{
           {"ff02:0:0:1", "'ff02:0:0:1' is the all-nodes locator and cannot be joined"},
           {"0:0:0:b,0:0:0:b", "'0:0:0:b' is listed twice"},
           {seventeen, "a locator set may hold at most 16 locators"},
           {"0:0:0:g", "'0:0:0:g' is not a locator"},
           {"0:0:0:b,", "'' is not a locator"}}) {
    SCOPED_TRACE(set);
    EXPECT_EQ(message(set).rfind(problem, 0), 0u) << message(set);
    // The same text, behind FILE:LINE and the key, from the configuration.
    EXPECT_HAS(refusal("[network]\nlocators = " + set + "\n"), ".ini:2: network.locators: " + message(set));
  }
  EXPECT_EQ(parse_locator_set("0:0:0:b, 0:0:0:c").size(), 2u);
  EXPECT_EQ(message(seventeen.substr(0, seventeen.rfind(','))), "");  // 16 is the limit, not 15
}

}  // namespace
}  // namespace ilnp::apps
