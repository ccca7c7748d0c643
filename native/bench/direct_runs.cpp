// The benchmarks' baseline: the per-run start-and-wait loop written directly against XRT's C++ API,
// exported so BenchmarkDotNet can time it side by side with the same loop through libnpusdk_xrt.
// Argument layout is mlir-aie's: opcode, instr, ninstr, then the data buffers.
#include "xrt_features.h"

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#define BENCH_API extern "C" __attribute__((visibility("default")))

namespace {

struct direct_state
{
  xrt::device device;
#if NPUSDK_HAS_HW_CONTEXT
  xrt::hw_context context;
#endif
  xrt::kernel kernel;
  std::vector<xrt::bo> buffers;
  xrt::run run;
};

thread_local std::string t_error;

} // namespace

BENCH_API const char*
npusdk_direct_last_error(void)
{
  return t_error.c_str();
}

BENCH_API void*
npusdk_direct_open(const char* xclbin_path, const char* kernel_name, int32_t data_buffers)
{
  try {
    auto s = std::make_unique<direct_state>();
    s->device = xrt::device(0);
    xrt::xclbin xclbin{std::string(xclbin_path)};
#if NPUSDK_HAS_HW_CONTEXT
    s->context = xrt::hw_context(s->device, s->device.register_xclbin(xclbin));
    s->kernel = xrt::kernel(s->context, kernel_name);
#else
    s->kernel = xrt::kernel(s->device, s->device.load_xclbin(xclbin), kernel_name);
#endif
    s->run = xrt::run(s->kernel);
    s->run.set_arg(0, uint64_t{3});
    s->buffers.emplace_back(s->device, 4096, xrt::bo::flags::cacheable, s->kernel.group_id(1));
    s->run.set_arg(1, s->buffers.back());
    s->run.set_arg(2, uint32_t{16});
    for (int32_t i = 0; i < data_buffers; ++i) {
      s->buffers.emplace_back(s->device, 4096, xrt::bo::flags::host_only, s->kernel.group_id(3 + i));
      s->run.set_arg(3 + i, s->buffers.back());
    }
    return s.release();
  }
  catch (const std::exception& e) {
    t_error = e.what();
    return nullptr;
  }
}

// Starts and waits on the run `count` times; returns how many completed.
BENCH_API int32_t
npusdk_direct_start_wait(void* state, int32_t count)
{
  auto s = static_cast<direct_state*>(state);
  int32_t completed = 0;
  try {
    for (int32_t i = 0; i < count; ++i) {
      s->run.start();
      completed += s->run.wait() == ERT_CMD_STATE_COMPLETED;
    }
  }
  catch (const std::exception& e) {
    t_error = e.what();
  }
  return completed;
}

BENCH_API void
npusdk_direct_close(void* state)
{
  delete static_cast<direct_state*>(state);
}
