// Run sets: a launch plan makes one run per invocation, tens of thousands for a fine tiling; making and binding them
// here, one call per argument for the whole set, keeps the per-run cost what XRT's own is.
#include "abi_guard.h"
#include "handles.h"

#include <memory>
#include <string>

namespace {

// An index table's entry for run i: below count, or the call fails naming the run.
size_t
entry(const int32_t* table, size_t run, uint32_t count, const char* what)
{
  int32_t value = table[run];
  if (value < 0 || static_cast<uint32_t>(value) >= count)
    throw npusdk::status_error(NPUSDK_E_OUT_OF_RANGE, "run " + std::to_string(run) + " is bound to " + what + " "
      + std::to_string(value) + ", but there are " + std::to_string(count));
  return static_cast<size_t>(value);
}

} // namespace

extern "C" {

int
npusdk_runs_create(npusdk_kernel* kernel, uint32_t count, npusdk_runs** runs)
{
  return npusdk::guarded([&] {
    auto k = npusdk::require(kernel, "kernel");
    npusdk::require(runs, "runs");
    auto made = std::make_unique<npusdk_runs>();
    made->runs.reserve(count);
    for (uint32_t i = 0; i < count; ++i) made->runs.emplace_back(k->kernel);
    *runs = made.release();
  });
}

int
npusdk_runs_set_scalar(npusdk_runs* runs, int32_t arg_index, const void* value, size_t size)
{
  return npusdk::guarded([&] {
    auto set = npusdk::require(runs, "runs");
    npusdk::require(value, "value");
    npusdk::require_scalar_size(size);
    for (auto& run : set->runs) run.set_arg(arg_index, value, size);
  });
}

int
npusdk_runs_set_bo(npusdk_runs* runs, int32_t arg_index, npusdk_bo* bo)
{
  return npusdk::guarded([&] {
    auto set = npusdk::require(runs, "runs");
    auto b = npusdk::require(bo, "bo");
    for (auto& run : set->runs) run.set_arg(arg_index, b->bo);
  });
}

int
npusdk_runs_set_slots(npusdk_runs* runs, int32_t arg_index, npusdk_bo* parent, uint64_t slot_bytes, uint32_t slot_count,
  const int32_t* slot_of_run)
{
  return npusdk::guarded([&] {
    auto set = npusdk::require(runs, "runs");
    auto p = npusdk::require(parent, "parent");
    npusdk::require(slot_of_run, "slot_of_run");
    if (slot_bytes == 0 || slot_count == 0)
      throw npusdk::status_error(NPUSDK_E_INVALID_ARGUMENT, "a slot has at least one byte and there is at least one slot");
    uint64_t parent_bytes = p->bo.size();
    if (slot_count > parent_bytes / slot_bytes)
      throw npusdk::status_error(NPUSDK_E_OUT_OF_RANGE, std::to_string(slot_count) + " slots of " + std::to_string(slot_bytes)
        + " bytes do not fit in a buffer of " + std::to_string(parent_bytes) + " bytes");
    std::vector<xrt::bo> slots;
    slots.reserve(slot_count);
    for (uint32_t s = 0; s < slot_count; ++s) slots.emplace_back(p->bo, slot_bytes, slot_bytes * s);
    for (size_t i = 0; i < set->runs.size(); ++i) set->runs[i].set_arg(arg_index, slots[entry(slot_of_run, i, slot_count, "slot")]);
    set->sub_buffers.reserve(set->sub_buffers.size() + slots.size());
    for (auto& slot : slots) set->sub_buffers.push_back(std::move(slot));
  });
}

int
npusdk_runs_set_bos(npusdk_runs* runs, int32_t arg_index, npusdk_bo* const* bos, uint32_t bo_count, const int32_t* bo_of_run)
{
  return npusdk::guarded([&] {
    auto set = npusdk::require(runs, "runs");
    npusdk::require(bos, "bos");
    npusdk::require(bo_of_run, "bo_of_run");
    for (size_t i = 0; i < set->runs.size(); ++i) {
      auto b = npusdk::require(bos[entry(bo_of_run, i, bo_count, "buffer")], "a buffer of bos");
      set->runs[i].set_arg(arg_index, b->bo);
    }
  });
}

int
npusdk_runs_release(npusdk_runs* runs)
{
  return npusdk::guarded([&] { delete runs; });
}

} // extern "C"
