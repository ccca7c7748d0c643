// Opens a device through the shim's C ABI and prints the status and message: the native tier runs it
// as a child process, because XRT picks its driver (real, no-op or none) once per process from the
// environment, and the "no device" and "XRT unavailable" outcomes each need a fresh one.
#include "npusdk_xrt.h"

#include <cstdio>
#include <cstdlib>

int
main(int argc, char** argv)
{
  unsigned index = argc > 1 ? static_cast<unsigned>(std::strtoul(argv[1], nullptr, 10)) : 0;
  npusdk_device* device = nullptr;
  int status = npusdk_device_open(index, &device);
  std::printf("%d\n%s\n", status, status == NPUSDK_OK ? "" : npusdk_last_error());
  if (device)
    npusdk_device_release(device);
  // XRT 2.13's exit handler (xrt_core::kds::stop) can hang joining a scheduler thread that missed its
  // wake-up in a short-lived process; the answer is printed, so skip the exit handlers.
  std::fflush(stdout);
  std::_Exit(0);
}
