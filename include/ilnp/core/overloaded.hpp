// The usual std::visit helper: one lambda per alternative of a variant
// (actions are visited by the driver and by test harnesses alike).
#pragma once

namespace ilnp {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace ilnp
