// Wall-clock times are what the database keeps: a binding learned now
// expires with the name cache's ttl (3 x discovery wait_time).
#include "state_service.hpp"

#include "ilnp/io/clock.hpp"
#include "ilnp/store/database.hpp"

namespace ilnp::apps {

namespace {
store::WallTime wall_now() { return store::to_wall_time(std::chrono::system_clock::now()); }

std::vector<std::uint8_t> key_bytes(const security::PublicKey& key) {
  std::vector<std::uint8_t> out(key.size());
  for (std::size_t i = 0; i < key.size(); ++i) out[i] = std::to_integer<std::uint8_t>(key[i]);
  return out;
}
}  // namespace

StateService::StateService(Runtime& runtime) : rt_(runtime), counter_timer_(runtime.io()) {
  store::Database db(rt_.config().state_dir);
  restore(db);
  writer_ = std::make_unique<store::StateWriter>(std::move(db));
  rt_.log(Layer::application, Level::info,
          "state database " + rt_.config().state_dir + "/state.db: restored " + std::to_string(restored_) +
              " live bindings");
  snapshot_counters();
}

StateService::~StateService() {
  write_counters();
  writer_->flush();
}

void StateService::restore(store::Database& db) {
  auto wall = wall_now();
  auto now = io::now();
  // Startup is bounded: prune first (a file written by an older build may
  // hold anything), then load at most the cap, newest first.
  const store::StoreLimits limits;
  db.prune(wall, limits);
  for (const auto& b : db.live_bindings(wall, limits.max_bindings)) {
    auto peer = db.peer(b.nid);
    if (!peer || peer->hostnames.empty()) continue;
    std::optional<security::PublicKey> key;
    if (peer->public_key && peer->public_key->size() == 32) {
      key.emplace();
      for (std::size_t i = 0; i < 32; ++i) (*key)[i] = static_cast<std::byte>((*peer->public_key)[i]);
    }
    auto age = std::chrono::duration_cast<Duration>(wall - b.learned_at);
    for (const auto& host : peer->hostnames) rt_.node().restore_binding(host, Ilv{b.locator, b.nid}, now - age, key);
    ++restored_;
  }
}

void StateService::on_event(const Event& event) {
  auto wall = wall_now();
  auto ttl = std::chrono::duration_cast<std::chrono::microseconds>(3 * rt_.config().node.discovery_wait_time);
  if (auto* n = std::get_if<NameLearned>(&event)) {
    writer_->peer_seen(store::PeerSeen{n->ilv.nid, wall, n->key ? std::optional(key_bytes(*n->key)) : std::nullopt,
                                       {n->hostname}});
    writer_->binding_learned(store::Binding{n->ilv.nid, n->ilv.locator, store::BindingSource::discovery, wall,
                                            wall + ttl});
  } else if (auto* r = std::get_if<PeerRelocated>(&event)) {
    for (auto l : r->locators)
      writer_->binding_learned(store::Binding{r->nid, l, store::BindingSource::locator_update, wall, wall + ttl});
  }
}

void StateService::snapshot_counters() {
  write_counters();
  counter_timer_.expires_after(kCounterInterval);
  counter_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) snapshot_counters();
  });
}

void StateService::write_counters() {
  auto wall = wall_now();
  const auto& s = rt_.node().stats();
  for (auto [name, value] : {std::pair<const char*, std::uint64_t>{"datagrams_in", s.datagrams_in},
                             {"datagrams_out", s.datagrams_out},
                             {"forwarded", s.forwarded},
                             {"delivered", s.delivered},
                             {"moves", s.moves},
                             {"updates_acknowledged", s.updates_acknowledged}})
    writer_->counter_snapshot(store::Counter{name, value, wall});
}

}  // namespace ilnp::apps
