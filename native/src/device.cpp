// Device open, xclbin registration and hardware contexts: the parts whose XRT API changed in 2.14.
#include "abi_guard.h"
#include "handles.h"

#include <xrt/experimental/xrt_system.h>

#include <cstring>
#include <vector>

namespace {

// xrt::device(index) throws the same way for "no such device" and "XRT cannot load its driver
// shim"; counting devices tells them apart, because the count throws only in the second case. A device
// that is counted but does not open (permissions, a busy or broken driver) is XRT's own error.
[[noreturn]] void
throw_open_failure(uint32_t index, const std::exception& failure)
{
  size_t count = 0;
  try {
    count = xrt::system::enumerate_devices();
  }
  catch (const std::exception& e) {
    throw npusdk::status_error(NPUSDK_E_UNAVAILABLE, e.what());
  }
  if (index < count)
    throw npusdk::status_error(NPUSDK_E_XRT, failure.what());
  throw npusdk::status_error(NPUSDK_E_NO_DEVICE,
    "XRT has no device " + std::to_string(index) + " (it enumerates " + std::to_string(count) +
    "): " + failure.what());
}

void
copy_uuid(const xrt::uuid& uuid, uint8_t out[16])
{
  std::memcpy(out, uuid.get(), 16);
}

xrt::uuid
register_xclbin(xrt::device& device, const xrt::xclbin& xclbin)
{
#if NPUSDK_HAS_HW_CONTEXT
  return device.register_xclbin(xclbin);
#else
  return device.load_xclbin(xclbin);
#endif
}

} // namespace

extern "C" {

int
npusdk_device_open(uint32_t index, npusdk_device** device)
{
  return npusdk::guarded([&] {
    npusdk::require(device, "device");
    xrt::device opened;
    try {
      opened = xrt::device(index);
    }
    catch (const std::exception& e) {
      throw_open_failure(index, e);
    }
    *device = new npusdk_device{std::move(opened)};
  });
}

int
npusdk_device_release(npusdk_device* device)
{
  return npusdk::guarded([&] { delete device; });
}

int
npusdk_device_register_xclbin_file(npusdk_device* device, const char* path, uint8_t uuid_out[16])
{
  return npusdk::guarded([&] {
    auto dev = npusdk::require(device, "device");
    npusdk::require(path, "path");
    npusdk::require(uuid_out, "uuid_out");
    copy_uuid(register_xclbin(dev->device, xrt::xclbin(std::string(path))), uuid_out);
  });
}

int
npusdk_device_register_xclbin_data(npusdk_device* device, const void* data, size_t size, uint8_t uuid_out[16])
{
  return npusdk::guarded([&] {
    auto dev = npusdk::require(device, "device");
    auto bytes = static_cast<const char*>(npusdk::require(data, "data"));
    npusdk::require(uuid_out, "uuid_out");
    copy_uuid(register_xclbin(dev->device, xrt::xclbin(std::vector<char>(bytes, bytes + size))), uuid_out);
  });
}

int
npusdk_context_create(npusdk_device* device, const uint8_t uuid[16], npusdk_context** context)
{
  return npusdk::guarded([&] {
    auto dev = npusdk::require(device, "device");
    xrt::uuid id(npusdk::require(uuid, "uuid"));
    npusdk::require(context, "context");
#if NPUSDK_HAS_HW_CONTEXT
    *context = new npusdk_context{dev->device, id, xrt::hw_context(dev->device, id)};
#else
    // Before 2.14 load_xclbin made the implicit context; the context is the device and the uuid.
    *context = new npusdk_context{dev->device, id};
#endif
  });
}

int
npusdk_context_release(npusdk_context* context)
{
  return npusdk::guarded([&] { delete context; });
}

} // extern "C"
