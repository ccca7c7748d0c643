// The run list for XRT older than 2.17, which has no xrt::runlist: execute() starts the first
// `window` runs without waiting; wait() waits on the oldest run in flight and starts the next one in
// its place, so at most `window` runs are in flight and no run's completion is awaited before the
// window is full. Runs are never waited on one by one before the next start as a per-tile loop does.
#pragma once

#include "xrt_features.h"

#include <cstdint>
#include <unordered_set>
#include <vector>

namespace npusdk {

class window_runlist
{
public:
  // Enough runs in flight to hide one run's submission-to-completion latency behind the others, few
  // enough that one run list does not flood the device's command queue.
  static constexpr uint32_t default_window = 32;

  explicit window_runlist(uint32_t window);

  void add(const xrt::run& run);
  // Room for n more runs, so that adding a plan's runs does not grow the list run by run.
  void reserve(size_t n);
  void execute();
  // Returns ERT_CMD_STATE_COMPLETED, ERT_CMD_STATE_TIMEOUT (call again to keep waiting), or the
  // state of the first run that failed.
  ert_cmd_state wait(uint32_t timeout_ms);
  void reset();
  // Starts no further run, aborts the runs in flight and leaves the list idle.
  void abort();
  // The position of the run whose failure the last wait reported, or -1.
  int32_t failed_index() const noexcept { return m_failed; }

private:
  void ensure_idle(const char* operation) const;

  uint32_t m_window;
  std::vector<xrt::run> m_runs;
  // XRT's run objects by identity: the list holds each run, so an identity is never reused while it is a member.
  std::unordered_set<const void*> m_members;
  size_t m_next_start = 0;   // index of the next run to start
  size_t m_next_wait = 0;    // index of the oldest run not yet seen complete
  int32_t m_failed = -1;
  bool m_executing = false;
};

} // namespace npusdk
