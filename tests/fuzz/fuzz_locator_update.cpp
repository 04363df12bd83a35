// Fuzz target for wire::decode_locator_update (proto/README.md sections 5, 7).
// Properties: the refusal reason follows the spec's check order; an accepted
// payload is an ack with no locators or an update with 1..16, and re-encodes
// to exactly the input bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "fuzz_check.hpp"
#include "ilnp/core/wire/constants.hpp"
#include "ilnp/core/wire/messages.hpp"

namespace {

using ilnp::DropReason;
namespace wire = ilnp::wire;

// Section 7, "Locator update": the first failing check names the reason.
std::optional<DropReason> spec_refusal(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return DropReason::truncated_locator_update;
  if (data[0] > 1) return DropReason::bad_locator_update_flag;
  if (data[0] == 0) return size == 1 ? std::nullopt : std::optional(DropReason::bad_locator_update_length);
  auto body = size - 1;
  if (body == 0 || body % 8 != 0) return DropReason::bad_locator_update_length;
  if (body / 8 > wire::kMaxUpdateLocators) return DropReason::too_many_locators;
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wire::Bytes in(reinterpret_cast<const std::byte*>(data), size);
  auto decoded = wire::decode_locator_update(in);
  auto refusal = spec_refusal(data, size);

  ILNP_FUZZ_CHECK(decoded.ok() == !refusal.has_value());
  if (!decoded) {
    ILNP_FUZZ_CHECK(decoded.error() == *refusal);
    return 0;
  }
  const auto& message = *decoded;
  ILNP_FUZZ_CHECK(message.is_ack == (data[0] == 0));
  if (message.is_ack) {
    ILNP_FUZZ_CHECK(message.locators.empty());
  } else {
    ILNP_FUZZ_CHECK(!message.locators.empty() && message.locators.size() <= wire::kMaxUpdateLocators);
    ILNP_FUZZ_CHECK(size == 1 + 8 * message.locators.size());
  }
  auto again = wire::encode_locator_update(message);
  ILNP_FUZZ_CHECK(std::ranges::equal(again, in));
  return 0;
}
