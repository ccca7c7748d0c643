// What a generated NpuSdk matmul call does, written by hand against XRT's C++ API: the baseline the generated call is
// measured against on XRT's no-op device (HandWrittenXrtBenchmarks). Setup once (xclbin, kernel, instruction buffer,
// one parent buffer per data argument with a sub-buffer per slot, one bound run per invocation); then per call: memcpy
// the blocks of A and B into the mapped buffers, sync each input buffer once, execute every run (xrt::runlist where XRT
// has it, else started in a window of 32 in flight as the shim's fallback does), wait, sync each output buffer once, and
// add the partial C blocks over K into the result (saturated to int8 for an int8 output; copied as they are where a
// block has one partial).
#include "xrt_features.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#define BENCH_API extern "C" __attribute__((visibility("default")))

namespace {

thread_local std::string t_error;

struct handwritten
{
  xrt::device device;
#if NPUSDK_HAS_HW_CONTEXT
  xrt::hw_context context;
#endif
  xrt::kernel kernel;
  xrt::bo instructions;
  // Data buffers: parents and, where a buffer has several slots, one sub-buffer per slot.
  std::vector<xrt::bo> parents;
  std::vector<std::vector<xrt::bo>> slots;
  std::vector<xrt::run> runs;
#if NPUSDK_HAS_RUNLIST
  std::unique_ptr<xrt::runlist> list;
#endif
  std::vector<int32_t> sum;   // one C block's int32 sum over K, allocated once
  int tm, tk, tn, m, k, n, mb, nb, kb;
  bool packed;    // A and B share bo0 (the original port's 16x16 kernel), C in bo1; else A, B, C in bo0, bo1, bo2
  int out_size;   // bytes per C element: 1 (int8 partials) or 4 (int32)

  int invocations() const { return mb * nb * kb; }
};

xrt::bo
slot_of(handwritten& s, size_t buffer, size_t slot)
{
  return s.slots[buffer].empty() ? s.parents[buffer] : s.slots[buffer][slot];
}

void
copy_block(const int8_t* source, int stride, int row0, int col0, int rows, int cols, uint8_t* destination)
{
  for (int r = 0; r < rows; ++r)
    std::memcpy(destination + static_cast<size_t>(r) * cols, source + static_cast<size_t>(row0 + r) * stride + col0, cols);
}

} // namespace

BENCH_API const char*
hw_last_error(void)
{
  return t_error.c_str();
}

BENCH_API void*
hw_open(const char* xclbin_path, const char* kernel_name, const uint32_t* instructions, int32_t words,
        int32_t tm, int32_t tk, int32_t tn, int32_t packed, int32_t out_size, int32_t m, int32_t k, int32_t n)
{
  try {
    auto s = std::make_unique<handwritten>();
    s->tm = tm; s->tk = tk; s->tn = tn; s->m = m; s->k = k; s->n = n;
    s->mb = m / tm; s->nb = n / tn; s->kb = k / tk;
    s->packed = packed != 0;
    s->out_size = out_size;
    s->sum.resize(static_cast<size_t>(tm) * tn);
    s->device = xrt::device(0);
    xrt::xclbin xclbin{std::string(xclbin_path)};
#if NPUSDK_HAS_HW_CONTEXT
    s->context = xrt::hw_context(s->device, s->device.register_xclbin(xclbin));
    s->kernel = xrt::kernel(s->context, kernel_name);
#else
    s->kernel = xrt::kernel(s->device, s->device.load_xclbin(xclbin), kernel_name);
#endif
    s->instructions = xrt::bo(s->device, static_cast<size_t>(words) * 4, xrt::bo::flags::cacheable, s->kernel.group_id(1));
    std::memcpy(s->instructions.map<uint32_t*>(), instructions, static_cast<size_t>(words) * 4);
    s->instructions.sync(XCL_BO_SYNC_BO_TO_DEVICE);

    const size_t a_block = static_cast<size_t>(tm) * tk, b_block = static_cast<size_t>(tk) * tn;
    const size_t c_block = static_cast<size_t>(tm) * tn * out_size;
    std::vector<std::pair<size_t, size_t>> layout;   // (slot bytes, slots) per data buffer, in argument order
    if (s->packed) {
      layout = {{a_block + b_block, static_cast<size_t>(s->invocations())}, {c_block, static_cast<size_t>(s->invocations())}};
    } else {
      layout = {{a_block, static_cast<size_t>(s->mb * s->kb)}, {b_block, static_cast<size_t>(s->kb * s->nb)},
                {c_block, static_cast<size_t>(s->invocations())}};
    }
    for (size_t b = 0; b < layout.size(); ++b) {
      auto [bytes, count] = layout[b];
      s->parents.emplace_back(s->device, bytes * count, xrt::bo::flags::host_only, s->kernel.group_id(static_cast<int>(3 + b)));
      s->slots.emplace_back();
      if (count > 1)
        for (size_t i = 0; i < count; ++i) s->slots[b].emplace_back(s->parents[b], bytes, bytes * i);
    }

#if NPUSDK_HAS_RUNLIST
    s->list = std::make_unique<xrt::runlist>(s->context);
#endif
    for (int i = 0; i < s->mb; ++i)
      for (int j = 0; j < s->nb; ++j)
        for (int q = 0; q < s->kb; ++q) {
          int call = (i * s->nb + j) * s->kb + q;
          xrt::run run(s->kernel);
          run.set_arg(0, uint64_t{3});
          run.set_arg(1, s->instructions);
          run.set_arg(2, static_cast<uint32_t>(words));
          if (s->packed) {
            run.set_arg(3, slot_of(*s, 0, call));
            run.set_arg(4, slot_of(*s, 1, call));
          } else {
            run.set_arg(3, slot_of(*s, 0, i * s->kb + q));
            run.set_arg(4, slot_of(*s, 1, q * s->nb + j));
            run.set_arg(5, slot_of(*s, 2, call));
          }
          s->runs.push_back(run);
#if NPUSDK_HAS_RUNLIST
          s->list->add(run);
#endif
        }
    return s.release();
  }
  catch (const std::exception& e) {
    t_error = e.what();
    return nullptr;
  }
}

// One call: C (m x n, int8 or int32 as opened) = A (m x k, int8) x B (k x n, int8). Returns 0, or -1 with hw_last_error.
BENCH_API int32_t
hw_matmul(void* state, const int8_t* a, const int8_t* b, void* c)
{
  auto& s = *static_cast<handwritten*>(state);
  try {
    const size_t a_block = static_cast<size_t>(s.tm) * s.tk, b_block = static_cast<size_t>(s.tk) * s.tn;
    if (s.packed) {
      auto* slots = s.parents[0].map<uint8_t*>();
      for (int i = 0; i < s.mb; ++i)
        for (int j = 0; j < s.nb; ++j)
          for (int q = 0; q < s.kb; ++q) {
            uint8_t* slot = slots + static_cast<size_t>((i * s.nb + j) * s.kb + q) * (a_block + b_block);
            copy_block(a, s.k, i * s.tm, q * s.tk, s.tm, s.tk, slot);
            copy_block(b, s.n, q * s.tk, j * s.tn, s.tk, s.tn, slot + a_block);
          }
    } else {
      auto* as = s.parents[0].map<uint8_t*>();
      auto* bs = s.parents[1].map<uint8_t*>();
      for (int i = 0; i < s.mb; ++i)
        for (int q = 0; q < s.kb; ++q) copy_block(a, s.k, i * s.tm, q * s.tk, s.tm, s.tk, as + static_cast<size_t>(i * s.kb + q) * a_block);
      for (int q = 0; q < s.kb; ++q)
        for (int j = 0; j < s.nb; ++j) copy_block(b, s.n, q * s.tk, j * s.tn, s.tk, s.tn, bs + static_cast<size_t>(q * s.nb + j) * b_block);
    }
    const size_t inputs = s.packed ? 1 : 2;
    for (size_t i = 0; i < inputs; ++i) s.parents[i].sync(XCL_BO_SYNC_BO_TO_DEVICE);

#if NPUSDK_HAS_RUNLIST
    s.list->execute();
    s.list->wait();
#else
    const size_t window = 32, total = s.runs.size();
    size_t started = std::min(window, total);
    for (size_t i = 0; i < started; ++i) s.runs[i].start();
    for (size_t done = 0; done < total; ++done) {
      if (s.runs[done].wait() != ERT_CMD_STATE_COMPLETED) throw std::runtime_error("a run did not complete");
      if (started < total) s.runs[started++].start();
    }
#endif

    auto& output = s.parents.back();
    output.sync(XCL_BO_SYNC_BO_FROM_DEVICE);
    const auto* partials = output.map<const uint8_t*>();
    const size_t c_elements = static_cast<size_t>(s.tm) * s.tn;
    auto& sum = s.sum;
    for (int i = 0; i < s.mb; ++i)
      for (int j = 0; j < s.nb; ++j) {
        if (s.kb == 1) {
          // One partial per block (the whole array at its own K): its rows go straight to C.
          const uint8_t* block = partials + static_cast<size_t>(i * s.nb + j) * c_elements * s.out_size;
          for (int r = 0; r < s.tm; ++r)
            std::memcpy(static_cast<uint8_t*>(c) + (static_cast<size_t>(i * s.tm + r) * s.n + static_cast<size_t>(j) * s.tn) * s.out_size,
                        block + static_cast<size_t>(r) * s.tn * s.out_size, static_cast<size_t>(s.tn) * s.out_size);
          continue;
        }
        std::fill(sum.begin(), sum.end(), 0);
        for (int q = 0; q < s.kb; ++q) {
          const uint8_t* block = partials + static_cast<size_t>((i * s.nb + j) * s.kb + q) * c_elements * s.out_size;
          if (s.out_size == 1) {
            for (size_t e = 0; e < c_elements; ++e) sum[e] += static_cast<int8_t>(block[e]);
          } else {
            const auto* wide = reinterpret_cast<const int32_t*>(block);
            for (size_t e = 0; e < c_elements; ++e) sum[e] += wide[e];
          }
        }
        for (int r = 0; r < s.tm; ++r) {
          size_t row = static_cast<size_t>(i * s.tm + r) * s.n + static_cast<size_t>(j) * s.tn;
          if (s.out_size == 1) {
            auto* out = static_cast<int8_t*>(c) + row;
            for (int col = 0; col < s.tn; ++col) out[col] = static_cast<int8_t>(std::clamp(sum[r * s.tn + col], -128, 127));
          } else {
            std::memcpy(static_cast<int32_t*>(c) + row, sum.data() + static_cast<size_t>(r) * s.tn, static_cast<size_t>(s.tn) * 4);
          }
        }
      }
    return 0;
  }
  catch (const std::exception& e) {
    t_error = e.what();
    return -1;
  }
}

BENCH_API void
hw_close(void* state)
{
  delete static_cast<handwritten*>(state);
}
