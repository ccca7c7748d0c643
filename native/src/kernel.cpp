// Kernels and runs.
#include "abi_guard.h"
#include "handles.h"

#include <string>

extern "C" {

int
npusdk_kernel_open(npusdk_context* context, const char* name, npusdk_kernel** kernel)
{
  return npusdk::guarded([&] {
    auto ctx = npusdk::require(context, "context");
    std::string kernel_name(npusdk::require(name, "name"));
    npusdk::require(kernel, "kernel");
#if NPUSDK_HAS_HW_CONTEXT
    *kernel = new npusdk_kernel{xrt::kernel(ctx->hw_context, kernel_name)};
#else
    *kernel = new npusdk_kernel{xrt::kernel(ctx->device, ctx->uuid, kernel_name)};
#endif
  });
}

int
npusdk_kernel_group_id(npusdk_kernel* kernel, int32_t arg_index, int32_t* group_id)
{
  return npusdk::guarded([&] {
    auto k = npusdk::require(kernel, "kernel");
    auto out = npusdk::require(group_id, "group_id");
    *out = k->kernel.group_id(arg_index);
  });
}

int
npusdk_kernel_release(npusdk_kernel* kernel)
{
  return npusdk::guarded([&] { delete kernel; });
}

int
npusdk_run_create(npusdk_kernel* kernel, npusdk_run** run)
{
  return npusdk::guarded([&] {
    auto k = npusdk::require(kernel, "kernel");
    npusdk::require(run, "run");
    *run = new npusdk_run{xrt::run(k->kernel)};
  });
}

int
npusdk_run_set_scalar(npusdk_run* run, int32_t arg_index, const void* value, size_t size)
{
  return npusdk::guarded([&] {
    auto r = npusdk::require(run, "run");
    npusdk::require(value, "value");
    npusdk::require_scalar_size(size);
    r->run.set_arg(arg_index, value, size);
  });
}

int
npusdk_run_set_bo(npusdk_run* run, int32_t arg_index, npusdk_bo* bo)
{
  return npusdk::guarded([&] {
    auto r = npusdk::require(run, "run");
    auto b = npusdk::require(bo, "bo");
    r->run.set_arg(arg_index, b->bo);
  });
}

int
npusdk_run_start(npusdk_run* run)
{
  return npusdk::guarded([&] { npusdk::require(run, "run")->run.start(); });
}

int
npusdk_run_wait(npusdk_run* run, uint32_t timeout_ms, int32_t* state)
{
  return npusdk::guarded([&] {
    auto r = npusdk::require(run, "run");
    auto out = npusdk::require(state, "state");
    *out = r->run.wait(timeout_ms);
  });
}

int
npusdk_run_state(npusdk_run* run, int32_t* state)
{
  return npusdk::guarded([&] {
    auto r = npusdk::require(run, "run");
    auto out = npusdk::require(state, "state");
    *out = r->run.state();
  });
}

int
npusdk_run_abort(npusdk_run* run, int32_t* state)
{
  return npusdk::guarded([&] {
    auto r = npusdk::require(run, "run");
    auto out = npusdk::require(state, "state");
    *out = r->run.abort();
  });
}

int
npusdk_run_release(npusdk_run* run)
{
  return npusdk::guarded([&] { delete run; });
}

} // extern "C"
