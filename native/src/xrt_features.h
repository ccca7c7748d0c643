// Which XRT the shim is compiled against, decided from the headers alone so that one source tree
// builds on Debian's XRT 2.13 and on current XRT. Define NPUSDK_HAS_HW_CONTEXT / NPUSDK_HAS_RUNLIST
// to 0 or 1 on the command line to override the detection.
#pragma once

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

// XRT installs version.h at the root of its include tree (/opt/xilinx/xrt/include, /usr/include/xrt).
// Should a later layout move it under xrt/detail/, look there too; without a version code the run-list path stays
// off (the windowed fallback is still correct).
#if __has_include(<version.h>)
#  include <version.h>
#elif __has_include(<xrt/detail/version.h>)
#  include <xrt/detail/version.h>
#endif
#ifdef XRT_VERSION_CODE
#  define NPUSDK_XRT_VERSION_CODE (XRT_VERSION_CODE)
#else
#  define NPUSDK_XRT_VERSION_CODE 0
#endif

// xrt::hw_context and device.register_xclbin arrived together in XRT 2.14.
#ifndef NPUSDK_HAS_HW_CONTEXT
#  if __has_include(<xrt/xrt_hw_context.h>)
#    define NPUSDK_HAS_HW_CONTEXT 1
#  else
#    define NPUSDK_HAS_HW_CONTEXT 0
#  endif
#endif

// xrt/experimental/xrt_kernel.h predates xrt::runlist, which it holds from 2.17 on.
#ifndef NPUSDK_HAS_RUNLIST
#  if NPUSDK_HAS_HW_CONTEXT && __has_include(<xrt/experimental/xrt_kernel.h>) && \
      NPUSDK_XRT_VERSION_CODE >= ((2 << 16) + 17)
#    define NPUSDK_HAS_RUNLIST 1
#  else
#    define NPUSDK_HAS_RUNLIST 0
#  endif
#endif

#if NPUSDK_HAS_RUNLIST && !NPUSDK_HAS_HW_CONTEXT
#  error "xrt::runlist needs xrt::hw_context"
#endif

#if NPUSDK_HAS_HW_CONTEXT
#  include <xrt/xrt_hw_context.h>
#endif
#if NPUSDK_HAS_RUNLIST
#  include <xrt/experimental/xrt_kernel.h>
#endif
