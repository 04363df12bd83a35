// Result<T>: a decoded value or the DropReason it was refused for.
// Owns nothing else; decoders return it instead of throwing.
#pragma once

#include <utility>
#include <variant>

#include "ilnp/core/drop_reason.hpp"

namespace ilnp {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(DropReason reason) : v_(reason) {}  // NOLINT: implicit by design

  [[nodiscard]] bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] const T& value() const& { return std::get<T>(v_); }
  [[nodiscard]] T& value() & { return std::get<T>(v_); }
  [[nodiscard]] T&& value() && { return std::get<T>(std::move(v_)); }
  [[nodiscard]] const T* operator->() const { return &std::get<T>(v_); }
  [[nodiscard]] const T& operator*() const { return std::get<T>(v_); }
  [[nodiscard]] DropReason error() const { return std::get<DropReason>(v_); }

 private:
  std::variant<T, DropReason> v_;
};

}  // namespace ilnp
