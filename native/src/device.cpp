// Device open, xclbin registration and hardware contexts: the parts whose XRT API changed in 2.14.
#include "abi_guard.h"
#include "handles.h"

#include <xrt/experimental/xrt_system.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

// The amdxdna driver's own query of its context budget, where the build machine has the driver's uapi header and
// CMake found the resource query in it (NPUSDK_HAS_AMDXDNA_RESOURCE_INFO).
#if NPUSDK_HAS_AMDXDNA_RESOURCE_INFO
#  include <drm/amdxdna_accel.h>
#  include <dirent.h>
#  include <memory>
#  include <fcntl.h>
#  include <sys/ioctl.h>
#  include <unistd.h>
#endif

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

#if NPUSDK_HAS_HW_CONTEXT
// A hardware context the driver refused for want of a free slot: amdxdna fails CREATE_HWCTX past its hwctx_limit
// (err=-22, EINVAL; or MGMT_ERT_NOAVAIL from the firmware). XRT's shim throws it as a system_error whose message names
// the ioctl; other failures (a malformed xclbin, a missing device) are XRT's own error.
bool
refused_for_budget(const std::exception& e)
{
  std::string what = e.what();
  if (what.find("NOAVAIL") != std::string::npos)
    return true;
  if (what.find("CREATE_HWCTX") == std::string::npos)
    return false;
  auto system = dynamic_cast<const std::system_error*>(&e);
  if (!system)
    return true;
  int code = system->code().value() < 0 ? -system->code().value() : system->code().value();
  return code == EINVAL || code == EBUSY || code == ENOSPC || code == EAGAIN;
}
#endif

#if NPUSDK_HAS_AMDXDNA_RESOURCE_INFO
// The accel node of the device XRT opened, found by its PCI address: /sys/bus/pci/devices/<bdf>/accel/accelN.
std::string
accel_node(const xrt::device& device)
{
  std::string bdf = device.get_info<xrt::info::device::bdf>();
  std::string folder = "/sys/bus/pci/devices/" + bdf + "/accel";
  std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir(folder.c_str()), closedir);
  if (!dir)
    throw npusdk::status_error(NPUSDK_E_UNSUPPORTED, "no accel node under " + folder);
  while (auto entry = readdir(dir.get()))
    if (std::strncmp(entry->d_name, "accel", 5) == 0)
      return std::string("/dev/accel/") + entry->d_name;
  throw npusdk::status_error(NPUSDK_E_UNSUPPORTED, "no accel node under " + folder);
}
#endif

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
    try {
      *context = new npusdk_context{dev->device, id, xrt::hw_context(dev->device, id)};
    }
    catch (const std::exception& e) {
      if (refused_for_budget(e))
        throw npusdk::status_error(NPUSDK_E_NO_CONTEXT, e.what());
      throw;
    }
#else
    // Before 2.14 load_xclbin made the implicit context; the context is the device and the uuid.
    *context = new npusdk_context{dev->device, id};
#endif
  });
}

int
npusdk_device_name(npusdk_device* device, char* name, size_t capacity, size_t* length)
{
  return npusdk::guarded([&] {
    auto dev = npusdk::require(device, "device");
    auto out = npusdk::require(length, "length");
    std::string text = dev->device.get_info<xrt::info::device::name>();
    *out = text.size();
    if (name && capacity > 0) {
      size_t n = text.size() < capacity - 1 ? text.size() : capacity - 1;
      std::memcpy(name, text.data(), n);
      name[n] = '\0';
    }
  });
}

int
npusdk_device_context_budget(npusdk_device* device, uint32_t* limit, uint32_t* in_use)
{
  return npusdk::guarded([&] {
    auto dev = npusdk::require(device, "device");
    auto max = npusdk::require(limit, "limit");
    auto current = npusdk::require(in_use, "in_use");
#if NPUSDK_HAS_AMDXDNA_RESOURCE_INFO
    std::string node = accel_node(dev->device);
    int fd = open(node.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
      throw npusdk::status_error(NPUSDK_E_UNSUPPORTED, "cannot open " + node + ": " + std::strerror(errno));
    amdxdna_drm_get_resource_info info{};
    amdxdna_drm_get_info query{};
    query.param = DRM_AMDXDNA_QUERY_RESOURCE_INFO;
    query.buffer_size = sizeof(info);
    query.buffer = reinterpret_cast<uintptr_t>(&info);
    int status = ioctl(fd, DRM_IOCTL_AMDXDNA_GET_INFO, &query);
    int error = errno;
    close(fd);
    if (status != 0)
      throw npusdk::status_error(NPUSDK_E_UNSUPPORTED, "the driver did not answer its resource query on " + node + ": " + std::strerror(error));
    *max = static_cast<uint32_t>(info.npu_task_max);
    *current = static_cast<uint32_t>(info.npu_task_curr);
#else
    (void)dev; (void)max; (void)current;
    throw npusdk::status_error(NPUSDK_E_UNSUPPORTED,
      "the shim was built without the amdxdna driver's uapi header (drm/amdxdna_accel.h with its resource query), so it cannot ask the driver for its context budget");
#endif
  });
}

int
npusdk_context_release(npusdk_context* context)
{
  return npusdk::guarded([&] { delete context; });
}

} // extern "C"
