// The router that fuzz_node drives and the record format of its input.
// Shared with the seed generator, so that seeds reach the router's locators.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ilnp/core/types.hpp"

namespace ilnp::fuzz {

// NID ffff:0:0:d ("desktop" in proto/vectors), so captured vectors from
// alice and bob are neither ours nor addressed to us until a seed says so.
inline constexpr Nid kRouterNid{0xffff'0000'0000'000dULL};
// Arrival locators by index: three the router joins, then one it never joins
// (it stands for a link being left in a soft handoff: only datagrams addressed
// to that locator are accepted there).
// 0:0:0:b is bob's locator in the vectors, so routes to it must be learned.
inline constexpr std::size_t kJoinedCount = 3;
inline constexpr std::array<Locator, 4> kArrivals{Locator{0xa}, Locator{0xc}, Locator{0xe}, Locator{0xb}};
inline constexpr std::array<Port, 2> kBoundPorts{1000, 2000};  // heartbeat and experiment in the vectors
inline constexpr Port kSendSourcePort = 1000;

// Input: up to kMaxRecords records, each
//   u16 time delta (ms) | u8 control | u16 length | `length` bytes
// (big-endian; the length is clamped to what is left of the input).
// control & kArrivalMask: index into kArrivals.
// control & kSendFlag: not a datagram but an application send_to; the bytes
//   are destination locator u64 | destination NID u64 | destination port u16 |
//   data (missing fields read as zero).
// control & kLateTimersFlag: timers that fell due during the delta fire once,
//   late, at the record's time instead of each at its deadline.
inline constexpr std::size_t kMaxRecords = 64;
inline constexpr std::size_t kRecordHeaderSize = 5;
inline constexpr std::uint8_t kArrivalMask = 0x03;
inline constexpr std::uint8_t kLateTimersFlag = 0x40;
inline constexpr std::uint8_t kSendFlag = 0x80;

}  // namespace ilnp::fuzz
