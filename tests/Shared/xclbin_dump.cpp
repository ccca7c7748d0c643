// Prints what XRT's own xclbin parser (xrt::xclbin, libxrt_coreutil) sees in an xclbin, as one JSON object:
// {"uuid":"...","kernels":[{"name":"...","args":[{"index":0,"name":"...","type":"...","offset":0,"size":8,"groups":[1]}]}]}
// With --load it also loads the file on device 0 (XRT's no-op device when XCL_EMULATION_MODE=noop) and adds,
// per kernel, "deviceGroupIds": xrt::kernel::group_id(i) for every argument (-1 where XRT has none).
// The NpuSdk tests compile this against the installed XRT headers and compare it with the SDK's reader.
// Usage: xclbin_dump FILE.xclbin [--load]   (exit 0 and JSON on stdout; exit 1 and a message on stderr on failure)
#include <experimental/xrt_xclbin.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

static std::string json_string(const std::string& s)
{
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') { out += '\\'; out += static_cast<char>(c); }
    else if (c < 0x20) { char buf[8]; std::snprintf(buf, sizeof buf, "\\u%04x", c); out += buf; }
    else out += static_cast<char>(c);
  }
  return out + "\"";
}

// XRT 2.13's exit handler (xrt_core::kds::stop) joins a scheduler thread that can miss its wake-up when the
// process is short-lived, hanging exit() after the answer is printed. So leave with _Exit once output is flushed.
[[noreturn]] static void finish(int code)
{
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(code);
}

int main(int argc, char** argv)
{
  bool load = argc == 3 && std::string(argv[2]) == "--load";
  if (argc != 2 && !load) {
    std::fprintf(stderr, "usage: xclbin_dump FILE.xclbin [--load]\n");
    finish(2);
  }
  try {
    xrt::xclbin xclbin{std::string(argv[1])};
    xrt::device device;
    xrt::uuid loaded;
    if (load) {
      device = xrt::device{0};
      loaded = device.load_xclbin(xclbin);
    }
    std::string out = "{\"uuid\":" + json_string(xclbin.get_uuid().to_string()) + ",\"kernels\":[";
    bool first_kernel = true;
    for (const auto& kernel : xclbin.get_kernels()) {
      out += first_kernel ? "" : ",";
      first_kernel = false;
      out += "{\"name\":" + json_string(kernel.get_name()) + ",\"args\":[";
      bool first_arg = true;
      for (const auto& arg : kernel.get_args()) {
        out += first_arg ? "" : ",";
        first_arg = false;
        out += "{\"index\":" + std::to_string(arg.get_index())
             + ",\"name\":" + json_string(arg.get_name())
             + ",\"type\":" + json_string(arg.get_host_type())
             + ",\"offset\":" + std::to_string(arg.get_offset())
             + ",\"size\":" + std::to_string(arg.get_size())
             + ",\"groups\":[";
        bool first_mem = true;
        for (const auto& mem : arg.get_mems()) {
          out += first_mem ? "" : ",";
          first_mem = false;
          out += std::to_string(mem.get_index());
        }
        out += "]}";
      }
      out += "]";
      if (load) {
        xrt::kernel device_kernel{device, loaded, kernel.get_name()};
        out += ",\"deviceGroupIds\":[";
        for (size_t i = 0; i < kernel.get_args().size(); ++i)
          out += (i ? "," : "") + std::to_string(device_kernel.group_id(static_cast<int>(i)));
        out += "]";
      }
      out += "}";
    }
    out += "]}";
    std::puts(out.c_str());
    finish(0);
  }
  catch (const std::exception& ex) {
    std::fprintf(stderr, "xrt::xclbin failed: %s\n", ex.what());
    finish(1);
  }
}
