// Lookup order: the last hit, then a scan, then a new entry or the overflow.
#include "ilnp/core/node/link_counters.hpp"

namespace ilnp {

LinkTraffic& LinkCounters::on(Locator locator) {
  if (last_ < size_ && locators_[last_] == locator) return traffic_[last_];
  for (std::size_t i = 0; i < size_; ++i) {
    if (locators_[i] == locator) {
      last_ = i;
      return traffic_[i];
    }
  }
  if (size_ == kMaxLocators) {
    overflowed_ = true;
    return overflow_;
  }
  locators_[size_] = locator;
  last_ = size_;
  return traffic_[size_++];
}

}  // namespace ilnp
