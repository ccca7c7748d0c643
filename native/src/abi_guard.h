// The boundary every exported function goes through: runs the body, turns any C++ exception into a
// status and a thread-local message, and never lets an exception reach the managed caller.
#pragma once

#include "npusdk_xrt.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace npusdk {

// Failures the shim detects itself carry the status the caller should see.
class status_error : public std::runtime_error
{
public:
  status_error(npusdk_status status, const std::string& message)
    : std::runtime_error(message), m_status(status) {}

  npusdk_status status() const noexcept { return m_status; }

private:
  npusdk_status m_status;
};

void set_last_error(const char* message) noexcept;

template <typename Body>
int guarded(Body&& body) noexcept
{
  try {
    std::forward<Body>(body)();
    return NPUSDK_OK;
  }
  catch (const status_error& e) {
    set_last_error(e.what());
    return e.status();
  }
  catch (const std::out_of_range& e) {
    set_last_error(e.what());
    return NPUSDK_E_OUT_OF_RANGE;
  }
  catch (const std::exception& e) {
    set_last_error(e.what());
    return NPUSDK_E_XRT;
  }
  catch (...) {
    set_last_error("a C++ exception that is not a std::exception");
    return NPUSDK_E_INTERNAL;
  }
}

// Null handles and out-pointers are caller bugs; say which parameter it was.
template <typename T>
T* require(T* pointer, const char* parameter)
{
  if (!pointer)
    throw status_error(NPUSDK_E_INVALID_ARGUMENT, std::string(parameter) + " is null");
  return pointer;
}

// A scalar argument's bytes, as XRT's set_arg takes them.
inline void
require_scalar_size(size_t size)
{
  if (size != 1 && size != 2 && size != 4 && size != 8)
    throw status_error(NPUSDK_E_INVALID_ARGUMENT, "a scalar argument is 1, 2, 4 or 8 bytes, not " + std::to_string(size));
}

} // namespace npusdk
