// Token buckets (include/ilnp/core/forwarding/token_bucket.hpp): refill by
// elapsed time, never more than the burst; knows nothing of packets.
#include "ilnp/core/forwarding/token_bucket.hpp"

#include <algorithm>

namespace ilnp::forwarding {

bool TokenBucket::take(Instant now) {
  if (started_ && now > last_) tokens_ = std::min(burst_, tokens_ + rate_ * to_seconds(now - last_));
  if (!started_ || now > last_) last_ = now;
  started_ = true;
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

bool LinkBudgets::take(Locator link, Instant now) {
  auto it = buckets_.find(link);
  if (it == buckets_.end() && buckets_.size() < kMaxLinks) it = buckets_.emplace(link, TokenBucket(rate_, burst_)).first;
  bool ok = it == buckets_.end() ? shared_.take(now) : it->second.take(now);
  if (!ok) ++refused_;
  return ok;
}

}  // namespace ilnp::forwarding
