/*
 * npusdk_xrt.h - the C ABI of libnpusdk_xrt, a thin shim over XRT's C++ API.
 *
 * XRT's own C API (xrtDeviceOpen, xrtBOAlloc, ...) has no hardware-context calls and cannot drive an
 * NPU, so the SDK wraps the C++ API behind plain C functions that P/Invoke can call.
 *
 * Rules every function follows:
 *  - it returns an npusdk_status; NPUSDK_OK is 0, anything else is a failure;
 *  - on failure the message (XRT's own text where XRT threw) is kept in a thread-local slot that
 *    npusdk_last_error() returns until the next failing call on the same thread;
 *  - no C++ exception ever leaves a function;
 *  - out-parameters are written only on success;
 *  - every handle type has a release function; XRT objects are reference counted, so handles may be
 *    released in any order (a kernel keeps its context and device alive).
 */
#ifndef NPUSDK_XRT_H
#define NPUSDK_XRT_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#  define NPUSDK_API __declspec(dllexport)
#else
#  define NPUSDK_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a signature below changes, so the managed side can refuse a stale library. */
#define NPUSDK_ABI_VERSION 4

typedef enum npusdk_status {
  NPUSDK_OK = 0,
  NPUSDK_E_INVALID_ARGUMENT = 1, /* a null handle or pointer, or a value the shim rejects itself */
  NPUSDK_E_XRT = 2,              /* XRT threw; the message is XRT's */
  NPUSDK_E_NO_DEVICE = 3,        /* XRT works but has no device at that index */
  NPUSDK_E_UNAVAILABLE = 4,      /* XRT cannot reach any device: driver shim missing, XILINX_XRT unset */
  NPUSDK_E_OUT_OF_RANGE = 5,     /* an index, size or offset outside what the object has */
  NPUSDK_E_BUSY = 6,             /* a run list that is executing was changed or executed again */
  NPUSDK_E_INTERNAL = 7,         /* a non-standard exception */
  NPUSDK_E_NO_CONTEXT = 8,       /* the driver refused a hardware context: its budget of contexts alive at once is used up */
  NPUSDK_E_UNSUPPORTED = 9       /* the headers the shim was built against do not offer the query */
} npusdk_status;

/* Capability bits, fixed when the shim was compiled against a given XRT's headers. */
#define NPUSDK_CAP_HW_CONTEXT 0x1u /* xrt::hw_context and device.register_xclbin (XRT 2.14+) */
#define NPUSDK_CAP_RUNLIST 0x2u    /* xrt::runlist (XRT 2.17+); else the shim's windowed fallback */

typedef struct npusdk_device npusdk_device;
typedef struct npusdk_context npusdk_context;
typedef struct npusdk_kernel npusdk_kernel;
typedef struct npusdk_bo npusdk_bo;
typedef struct npusdk_run npusdk_run;
typedef struct npusdk_runlist npusdk_runlist;
typedef struct npusdk_runs npusdk_runs;

/* ---- library ---- */
NPUSDK_API uint32_t npusdk_abi_version(void);
/* capabilities: NPUSDK_CAP_* bits; xrt_version_code: XRT_VERSION_CODE of the headers (0 if unknown). */
NPUSDK_API int npusdk_capabilities(uint32_t* capabilities, uint32_t* xrt_version_code);
/* The message of the last failing call on this thread; never null (empty when there was none). */
NPUSDK_API const char* npusdk_last_error(void);
/* XCL_EMULATION_MODE as XRT sees it in the process's environment (empty when unset): an emulated device, which runs no
   device program. Writes at most capacity bytes including the NUL; *length is the value's length. */
NPUSDK_API int npusdk_xrt_emulation_mode(char* mode, size_t capacity, size_t* length);

/* ---- device ---- */
NPUSDK_API int npusdk_device_open(uint32_t index, npusdk_device** device);
NPUSDK_API int npusdk_device_release(npusdk_device* device);
/* Registers (2.14+) or loads (older XRT) an xclbin; writes its 16-byte uuid to uuid_out. */
NPUSDK_API int npusdk_device_register_xclbin_file(npusdk_device* device, const char* path, uint8_t uuid_out[16]);
NPUSDK_API int npusdk_device_register_xclbin_data(npusdk_device* device, const void* data, size_t size, uint8_t uuid_out[16]);
/* The device's name as its driver reports it (xrt::info::device::name: "RyzenAI-npu1", "RyzenAI-npu4", ...), UTF-8. Writes at
   most capacity bytes including the terminating NUL and sets *length to the name's length without it (so a larger buffer
   can be asked for). */
NPUSDK_API int npusdk_device_name(npusdk_device* device, char* name, size_t capacity, size_t* length);
/* The amdxdna driver's budget of hardware contexts alive at once on the device (npu_task_max) and how many are alive now,
   every process's (npu_task_curr). NPUSDK_E_UNSUPPORTED where the shim was built without the driver's uapi header or the
   driver does not answer the query. */
NPUSDK_API int npusdk_device_context_budget(npusdk_device* device, uint32_t* limit, uint32_t* in_use);

/* ---- hardware context (an xrt::hw_context, or device + uuid on older XRT) ---- */
/* NPUSDK_E_NO_CONTEXT when the driver refuses the context for want of a free slot (CREATE_HWCTX failing with EINVAL,
   EBUSY, ENOSPC or EAGAIN, or MGMT_ERT_NOAVAIL); the message is XRT's. */
NPUSDK_API int npusdk_context_create(npusdk_device* device, const uint8_t uuid[16], npusdk_context** context);
NPUSDK_API int npusdk_context_release(npusdk_context* context);

/* ---- kernel ---- */
NPUSDK_API int npusdk_kernel_open(npusdk_context* context, const char* name, npusdk_kernel** kernel);
NPUSDK_API int npusdk_kernel_group_id(npusdk_kernel* kernel, int32_t arg_index, int32_t* group_id);
NPUSDK_API int npusdk_kernel_release(npusdk_kernel* kernel);

/* ---- buffer objects ---- */
NPUSDK_API int npusdk_bo_alloc(npusdk_device* device, uint64_t size, uint32_t flags, uint32_t group, npusdk_bo** bo);
NPUSDK_API int npusdk_bo_alloc_sub(npusdk_bo* parent, uint64_t size, uint64_t offset, npusdk_bo** bo);
NPUSDK_API int npusdk_bo_map(npusdk_bo* bo, void** host_view);
/* direction: 0 to device, 1 from device (xclBOSyncDirection). */
NPUSDK_API int npusdk_bo_sync(npusdk_bo* bo, int32_t direction, uint64_t size, uint64_t offset);
NPUSDK_API int npusdk_bo_address(npusdk_bo* bo, uint64_t* address);
NPUSDK_API int npusdk_bo_size(npusdk_bo* bo, uint64_t* size);
NPUSDK_API int npusdk_bo_release(npusdk_bo* bo);

/* ---- runs ---- */
NPUSDK_API int npusdk_run_create(npusdk_kernel* kernel, npusdk_run** run);
/* value holds the scalar's little-endian bytes; size is 1, 2, 4 or 8. */
NPUSDK_API int npusdk_run_set_scalar(npusdk_run* run, int32_t arg_index, const void* value, size_t size);
NPUSDK_API int npusdk_run_set_bo(npusdk_run* run, int32_t arg_index, npusdk_bo* bo);
NPUSDK_API int npusdk_run_start(npusdk_run* run);
/* timeout_ms 0 waits without limit (XRT's convention); state receives the ert_cmd_state. */
NPUSDK_API int npusdk_run_wait(npusdk_run* run, uint32_t timeout_ms, int32_t* state);
NPUSDK_API int npusdk_run_state(npusdk_run* run, int32_t* state);
/* Aborts a started run (xrt::run::abort, which waits for the abort to finish); state receives its state after. */
NPUSDK_API int npusdk_run_abort(npusdk_run* run, int32_t* state);
NPUSDK_API int npusdk_run_release(npusdk_run* run);

/* ---- run sets: a launch plan's runs of one kernel, made and bound in one call each rather than one per run ---- */
/* count runs of the kernel, no argument bound. */
NPUSDK_API int npusdk_runs_create(npusdk_kernel* kernel, uint32_t count, npusdk_runs** runs);
/* Binds the same scalar (little-endian, 1, 2, 4 or 8 bytes) or buffer to argument arg_index of every run. */
NPUSDK_API int npusdk_runs_set_scalar(npusdk_runs* runs, int32_t arg_index, const void* value, size_t size);
NPUSDK_API int npusdk_runs_set_bo(npusdk_runs* runs, int32_t arg_index, npusdk_bo* bo);
/* Makes slot_count sub-buffers of slot_bytes each, back to back from offset 0 of parent, held by the set, and binds run i
   to slot slot_of_run[i] (slot_of_run has one entry per run). NPUSDK_E_OUT_OF_RANGE when the slots pass the parent's end
   or an entry names no slot. */
NPUSDK_API int npusdk_runs_set_slots(npusdk_runs* runs, int32_t arg_index, npusdk_bo* parent, uint64_t slot_bytes,
  uint32_t slot_count, const int32_t* slot_of_run);
/* Binds run i to bos[bo_of_run[i]] (bo_of_run has one entry per run, each below bo_count). */
NPUSDK_API int npusdk_runs_set_bos(npusdk_runs* runs, int32_t arg_index, npusdk_bo* const* bos, uint32_t bo_count,
  const int32_t* bo_of_run);
NPUSDK_API int npusdk_runs_release(npusdk_runs* runs);

/* ---- run lists (xrt::runlist, or start-all / wait-all with a bounded in-flight window) ---- */
/* window: most runs in flight at once on the fallback path (0 = the shim's default); ignored by xrt::runlist. */
NPUSDK_API int npusdk_runlist_create(npusdk_context* context, uint32_t window, npusdk_runlist** list);
NPUSDK_API int npusdk_runlist_add(npusdk_runlist* list, npusdk_run* run);
/* Appends every run of the set, in order, as npusdk_runlist_add would one by one. */
NPUSDK_API int npusdk_runlist_add_runs(npusdk_runlist* list, npusdk_runs* runs);
NPUSDK_API int npusdk_runlist_execute(npusdk_runlist* list);
/* state receives ERT_CMD_STATE_COMPLETED, ERT_CMD_STATE_TIMEOUT when the time ran out (wait again to
   continue), or the state of the first run that failed, whose XRT message (xrt::runlist::command_error, with the AIE
   context health words of xrt::runlist::aie_error where XRT reports them) is left as the last error. timeout_ms 0 waits
   without limit. */
NPUSDK_API int npusdk_runlist_wait(npusdk_runlist* list, uint32_t timeout_ms, int32_t* state);
NPUSDK_API int npusdk_runlist_reset(npusdk_runlist* list);
/* Stops an executing list: no further run is started, every run in flight is aborted (waiting for each abort to
   finish), and the list is idle again, so it can be reset, executed or released. A list that is not executing is
   left as it is. */
NPUSDK_API int npusdk_runlist_abort(npusdk_runlist* list);
/* The position in the list of the run that made the last wait report a failure, or -1 when none did. */
NPUSDK_API int npusdk_runlist_failed_index(npusdk_runlist* list, int32_t* index);
NPUSDK_API int npusdk_runlist_release(npusdk_runlist* list);

#ifdef __cplusplus
}
#endif

#endif /* NPUSDK_XRT_H */
