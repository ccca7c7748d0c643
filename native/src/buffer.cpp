// Buffer objects and sub-buffers.
#include "abi_guard.h"
#include "handles.h"

#include <string>

extern "C" {

int
npusdk_bo_alloc(npusdk_device* device, uint64_t size, uint32_t flags, uint32_t group, npusdk_bo** bo)
{
  return npusdk::guarded([&] {
    auto dev = npusdk::require(device, "device");
    npusdk::require(bo, "bo");
    *bo = new npusdk_bo{xrt::bo(dev->device, size, static_cast<xrt::bo::flags>(flags), group)};
  });
}

int
npusdk_bo_alloc_sub(npusdk_bo* parent, uint64_t size, uint64_t offset, npusdk_bo** bo)
{
  return npusdk::guarded([&] {
    auto p = npusdk::require(parent, "parent");
    npusdk::require(bo, "bo");
    *bo = new npusdk_bo{xrt::bo(p->bo, size, offset)};
  });
}

int
npusdk_bo_map(npusdk_bo* bo, void** host_view)
{
  return npusdk::guarded([&] {
    auto b = npusdk::require(bo, "bo");
    auto out = npusdk::require(host_view, "host_view");
    *out = b->bo.map();
  });
}

int
npusdk_bo_sync(npusdk_bo* bo, int32_t direction, uint64_t size, uint64_t offset)
{
  return npusdk::guarded([&] {
    auto b = npusdk::require(bo, "bo");
    if (direction != XCL_BO_SYNC_BO_TO_DEVICE && direction != XCL_BO_SYNC_BO_FROM_DEVICE)
      throw npusdk::status_error(NPUSDK_E_INVALID_ARGUMENT,
        "sync direction " + std::to_string(direction) + " is neither to (0) nor from (1) the device");
    // XRT (2.13 at least) syncs whatever range it is given, past the end of the buffer included.
    auto bo_size = b->bo.size();
    if (offset > bo_size || size > bo_size - offset)
      throw npusdk::status_error(NPUSDK_E_OUT_OF_RANGE,
        "a sync of " + std::to_string(size) + " bytes at offset " + std::to_string(offset) +
        " is outside the buffer of " + std::to_string(bo_size) + " bytes");
    b->bo.sync(static_cast<xclBOSyncDirection>(direction), size, offset);
  });
}

int
npusdk_bo_address(npusdk_bo* bo, uint64_t* address)
{
  return npusdk::guarded([&] {
    auto b = npusdk::require(bo, "bo");
    *npusdk::require(address, "address") = b->bo.address();
  });
}

int
npusdk_bo_size(npusdk_bo* bo, uint64_t* size)
{
  return npusdk::guarded([&] {
    auto b = npusdk::require(bo, "bo");
    *npusdk::require(size, "size") = b->bo.size();
  });
}

int
npusdk_bo_release(npusdk_bo* bo)
{
  return npusdk::guarded([&] { delete bo; });
}

} // extern "C"
