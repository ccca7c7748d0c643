// The objects behind the opaque C handles. Each holds XRT objects by value; XRT's pimpl objects are
// shared references, so a kernel or run keeps what it was made from alive whatever the release order.
#pragma once

#include "xrt_features.h"
#include "window_runlist.h"

#include <cstdint>
#include <vector>

struct npusdk_device
{
  xrt::device device;
};

struct npusdk_context
{
  xrt::device device;
  xrt::uuid uuid;
#if NPUSDK_HAS_HW_CONTEXT
  xrt::hw_context hw_context;
#endif
};

struct npusdk_kernel
{
  xrt::kernel kernel;
};

struct npusdk_bo
{
  xrt::bo bo;
};

struct npusdk_run
{
  xrt::run run;
};

struct npusdk_runs
{
  std::vector<xrt::run> runs;
  // The sub-buffers npusdk_runs_set_slots made: held here for as long as the runs bound to them.
  std::vector<xrt::bo> sub_buffers;
};

struct npusdk_runlist
{
#if NPUSDK_HAS_RUNLIST
  explicit npusdk_runlist(const xrt::hw_context& context) : list(context) {}
  xrt::runlist list;
  // The runs in the order they were added: xrt::runlist has no abort of its own and reports a failure by its run.
  std::vector<xrt::run> runs;
  bool executing = false;
#else
  explicit npusdk_runlist(uint32_t window) : list(window) {}
  npusdk::window_runlist list;
#endif
  int32_t failed_index = -1;
};
