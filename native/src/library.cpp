// Library-wide calls: ABI version, compile-time capabilities and the thread-local error slot.
#include "abi_guard.h"
#include "xrt_features.h"

#include <cstdlib>
#include <cstring>
#include <string>

namespace {
thread_local std::string t_last_error;
}

void
npusdk::set_last_error(const char* message) noexcept
{
  try {
    t_last_error = message ? message : "";
  }
  catch (...) {
    // Out of memory while recording a message: keep the status, lose the text.
    t_last_error.clear();
  }
}

extern "C" {

uint32_t
npusdk_abi_version(void)
{
  return NPUSDK_ABI_VERSION;
}

int
npusdk_capabilities(uint32_t* capabilities, uint32_t* xrt_version_code)
{
  return npusdk::guarded([&] {
    auto caps = npusdk::require(capabilities, "capabilities");
    auto code = npusdk::require(xrt_version_code, "xrt_version_code");
    *caps = (NPUSDK_HAS_HW_CONTEXT ? NPUSDK_CAP_HW_CONTEXT : 0u) | (NPUSDK_HAS_RUNLIST ? NPUSDK_CAP_RUNLIST : 0u);
    *code = static_cast<uint32_t>(NPUSDK_XRT_VERSION_CODE);
  });
}

int
npusdk_xrt_emulation_mode(char* mode, size_t capacity, size_t* length)
{
  return npusdk::guarded([&] {
    auto out = npusdk::require(length, "length");
    // What XRT reads to swap the device for an emulated one: the process's environment, as XRT itself sees it.
    const char* value = std::getenv("XCL_EMULATION_MODE");
    size_t n = value ? std::strlen(value) : 0;
    *out = n;
    if (mode && capacity > 0) {
      size_t copied = n < capacity - 1 ? n : capacity - 1;
      if (copied > 0)
        std::memcpy(mode, value, copied);
      mode[copied] = '\0';
    }
  });
}

const char*
npusdk_last_error(void)
{
  return t_last_error.c_str();
}

} // extern "C"
