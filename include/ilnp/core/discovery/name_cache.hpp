// Hostname <-> (locator, NID) bindings learned from discovery and locator
// updates, with expiry and size caps. Knows nothing of packets or schedules.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ilnp/core/time.hpp"
#include "ilnp/core/types.hpp"

namespace ilnp::discovery {

struct Binding {
  Ilv ilv;
  Instant seen{};
};

struct NameEvent {
  enum class Kind { learned, expired, moved } kind;
  std::string hostname;
  Ilv ilv;
};

class NameCache {
 public:
  static constexpr std::size_t kMaxHosts = 1024;
  static constexpr std::size_t kMaxBindingsPerHost = 16;

  explicit NameCache(Duration ttl) : ttl_(ttl) {}

  // True when learning `hostname` would evict another host (the cache is full).
  [[nodiscard]] bool full_for(const std::string& hostname) const {
    return !hosts_.contains(hostname) && hosts_.size() >= kMaxHosts;
  }
  // Records that `hostname` is at `ilv`; returns true when the binding is new.
  bool learn(const std::string& hostname, Ilv ilv, Instant now);
  // The freshest live binding of `hostname`.
  [[nodiscard]] std::optional<Ilv> resolve(const std::string& hostname, Instant now) const;
  // The freshest live binding of any host with this NID (indexed: the proxy
  // and the stream gateway ask per datagram).
  [[nodiscard]] std::optional<Ilv> resolve(Nid nid, Instant now) const;
  // The hostname bound to `ilv`, if any.
  [[nodiscard]] std::optional<std::string> name_of(Ilv ilv, Instant now) const;
  // The hostname of any binding with this NID.
  [[nodiscard]] std::optional<std::string> name_of(Nid nid) const;
  // Replaces every binding of the host that owns `nid` by the new locators (a
  // locator update). Returns the hostname if one was known.
  std::optional<std::string> rebind(Nid nid, const std::vector<Locator>& locators, Instant now);

  std::vector<NameEvent> expire(Instant now);
  [[nodiscard]] Instant next_deadline() const { return next_deadline_; }
  [[nodiscard]] const std::map<std::string, std::vector<Binding>>& hosts() const { return hosts_; }

 private:
  void evict_oldest_host();
  // Removes `ilv` from the host that holds it unless that is `hostname`.
  void take_over(Ilv ilv, const std::string& hostname);
  // Every change of names_ goes through these, so hosts_by_nid_ stays exact.
  void bind_name(Ilv ilv, const std::string& hostname);
  void unbind_name(Ilv ilv);

  Duration ttl_;
  std::map<std::string, std::vector<Binding>> hosts_;
  std::map<Ilv, std::string> names_;
  // NID -> hosts with a binding of it -> how many bindings.
  std::map<Nid, std::map<std::string, std::size_t>> hosts_by_nid_;
  Instant next_deadline_{kNever};
};

}  // namespace ilnp::discovery
