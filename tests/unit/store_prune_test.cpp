// Pruning the state database: expired rows go, every table stays under its
// cap under floods shaped like the attacks of issue 15 (fresh NIDs; one NID
// with fresh locators), the file stops growing, and startup loads newest first.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "../store/temp_dir.hpp"
#include "ilnp/store/database.hpp"
#include "ilnp/store/state_writer.hpp"

namespace ilnp::store {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using namespace std::chrono_literals;

const WallTime kT0 = from_unix_us(1'700'000'000'000'000);

Nid nid(std::uint64_t n) { return Nid{n}; }
Locator locator(std::uint64_t n) { return Locator{n}; }

Binding binding(std::uint64_t n, std::uint64_t l, WallTime at, std::chrono::seconds ttl = 30s) {
  return Binding{nid(n), locator(l), BindingSource::discovery, at, at + ttl};
}

std::int64_t rows(Database& db, const std::string& table) {
  return db.connection().query_int64("SELECT count(*) FROM " + table);
}

TEST(StorePrune, DeletesExpiredBindingsAndForgetsIdlePeersAfterTheirTtl) {
  TempDir dir;
  Database db(dir.path());
  db.write(std::vector<StateRecord>{binding(1, 1, kT0, 10s), binding(2, 2, kT0, 100s),
                                    PeerSeen{nid(1), kT0, std::nullopt, {"one"}},
                                    PeerSeen{nid(2), kT0, std::nullopt, {"two"}}});
  const StoreLimits limits{.peer_ttl = std::chrono::hours(1)};
  auto r = db.prune(kT0 + 20s, limits);
  EXPECT_EQ(r.expired_bindings, 1u);
  EXPECT_EQ(db.bindings().size(), 1u);
  EXPECT_EQ(db.peers().size(), 2u);  // peer 1 has no binding but is younger than its ttl
  r = db.prune(kT0 + 2h, limits);
  EXPECT_EQ(r.expired_bindings, 1u);
  EXPECT_EQ(r.forgotten_peers, 2u);
  EXPECT_EQ(rows(db, "peers"), 0);
  EXPECT_EQ(rows(db, "peer_hostnames"), 0);
}

TEST(StorePrune, AFloodOfFreshNidsStaysUnderTheCapsKeepingTheNewest) {
  TempDir dir;
  Database db(dir.path());
  const StoreLimits limits{.max_bindings = 500, .max_peers = 300, .max_hostnames_per_peer = 2};
  for (std::uint64_t batch = 0; batch < 20; ++batch) {
    std::vector<StateRecord> records;
    for (std::uint64_t i = 0; i < 200; ++i) {
      const std::uint64_t n = batch * 200 + i + 1;
      const WallTime at = kT0 + std::chrono::microseconds(n);
      records.push_back(binding(n, n, at, 3600s));
      records.push_back(PeerSeen{nid(n), at, std::nullopt, {"a" + std::to_string(n), "b", "c"}});
    }
    db.write(records);
    db.prune(kT0 + 1s, limits);
    EXPECT_LE(rows(db, "bindings"), 500);
    EXPECT_LE(rows(db, "peers"), 300);
    EXPECT_LE(rows(db, "peer_hostnames"), 600);
  }
  // The newest are kept; startup reads at most what it asks for, newest first.
  auto live = db.live_bindings(kT0 + 1s, 10);
  ASSERT_EQ(live.size(), 10u);
  for (const auto& b : live) EXPECT_GT(b.nid.value, 4000u - 10);
  EXPECT_TRUE(db.peer(nid(4000)).has_value());
  EXPECT_FALSE(db.peer(nid(1)).has_value());
}

TEST(StorePrune, OneNidWithFreshLocatorsKeepsOnlyItsNewest) {
  TempDir dir;
  Database db(dir.path());
  const StoreLimits limits{.max_bindings_per_nid = 16};
  std::vector<StateRecord> records;
  for (std::uint64_t l = 1; l <= 2000; ++l) {
    records.push_back(Binding{nid(7), locator(l), BindingSource::locator_update,
                              kT0 + std::chrono::microseconds(l), kT0 + 3600s});
  }
  db.write(records);
  db.prune(kT0 + 1s, limits);
  auto kept = db.bindings();
  ASSERT_EQ(kept.size(), 16u);
  for (const auto& b : kept) EXPECT_GT(b.locator.value, 2000u - 16);
}

TEST(StorePrune, TheFileStopsGrowingUnderARepeatedFlood) {
  TempDir dir;
  Database db(dir.path());
  const StoreLimits limits{.max_bindings = 1000, .max_peers = 1000};
  std::uintmax_t after_first = 0;
  for (std::uint64_t round = 0; round < 10; ++round) {
    std::vector<StateRecord> records;
    for (std::uint64_t i = 0; i < 5000; ++i) {
      const std::uint64_t n = round * 5000 + i + 1;
      const WallTime at = kT0 + std::chrono::microseconds(n);
      records.push_back(binding(n, n, at, 3600s));
      records.push_back(PeerSeen{nid(n), at, std::nullopt, {"host-" + std::to_string(n)}});
    }
    db.write(records);
    db.prune(kT0 + 1s, limits);
    db.connection().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const auto size = fs::file_size(db.path());
    if (round == 0) after_first = size;
    // Freed pages are returned or reused: ten floods cost no more than one
    // (with room for the b-trees' shape to differ).
    EXPECT_LE(size, after_first * 3 / 2) << "round " << round;
  }
}

TEST(StorePrune, TheWriterPrunesOnItsOwnThread) {
  TempDir dir;
  const StoreLimits limits{.max_bindings = 100, .max_peers = 100};
  StateWriter writer(Database(dir.path()), {}, {}, limits, 0ms);
  const WallTime now = to_wall_time(std::chrono::system_clock::now());
  for (std::uint64_t n = 1; n <= 1000; ++n) {
    ASSERT_TRUE(writer.binding_learned(binding(n, n, now + std::chrono::microseconds(n), 3600s)));
    writer.flush();
  }
  EXPECT_GT(writer.pruned(), 0u);
  Database reader(dir.path());
  EXPECT_LE(reader.bindings().size(), 100u);
}

}  // namespace
}  // namespace ilnp::store
