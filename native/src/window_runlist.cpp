#include "window_runlist.h"
#include "abi_guard.h"

#include <algorithm>
#include <chrono>

namespace npusdk {

namespace {

bool
still_pending(ert_cmd_state state)
{
  switch (state) {
  case ERT_CMD_STATE_NEW:
  case ERT_CMD_STATE_QUEUED:
  case ERT_CMD_STATE_RUNNING:
  case ERT_CMD_STATE_SUBMITTED:
  case ERT_CMD_STATE_TIMEOUT: // what run.wait(ms) reports when the time ran out
    return true;
  default:
    return false;
  }
}

} // namespace

window_runlist::window_runlist(uint32_t window)
  : m_window(window ? window : default_window)
{}

void
window_runlist::ensure_idle(const char* operation) const
{
  if (m_executing)
    throw status_error(NPUSDK_E_BUSY, std::string("cannot ") + operation +
                       " a run list that is executing; wait for it to complete first");
}

void
window_runlist::add(const xrt::run& run)
{
  ensure_idle("add to");
  if (!m_members.insert(run.get_handle().get()).second)
    throw status_error(NPUSDK_E_INVALID_ARGUMENT, "the run is already in this run list");
  m_runs.push_back(run);
}

void
window_runlist::reserve(size_t n)
{
  m_runs.reserve(m_runs.size() + n);
  m_members.reserve(m_members.size() + n);
}

void
window_runlist::execute()
{
  ensure_idle("execute");
  m_next_wait = 0;
  m_failed = -1;
  m_next_start = std::min<size_t>(m_window, m_runs.size());
  m_executing = !m_runs.empty();
  for (size_t i = 0; i < m_next_start; ++i)
    m_runs[i].start();
}

ert_cmd_state
window_runlist::wait(uint32_t timeout_ms)
{
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::milliseconds(timeout_ms);

  while (m_next_wait < m_next_start) {
    unsigned int wait_ms = 0; // 0: XRT waits without limit
    if (timeout_ms) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
      if (left <= 0)
        return ERT_CMD_STATE_TIMEOUT;
      wait_ms = static_cast<unsigned int>(left);
    }
    auto state = m_runs[m_next_wait].wait(wait_ms);
    if (state != ERT_CMD_STATE_COMPLETED) {
      if (still_pending(state))
        return ERT_CMD_STATE_TIMEOUT;
      // A failed run ends this execution: no further run is started, and the ones in flight are aborted so
      // their buffers may be released.
      m_failed = static_cast<int32_t>(m_next_wait);
      for (size_t i = m_next_wait + 1; i < m_next_start; ++i)
        m_runs[i].abort();
      m_executing = false;
      return state;
    }
    ++m_next_wait;
    if (m_next_start < m_runs.size())
      m_runs[m_next_start++].start();
  }
  m_executing = false;
  return ERT_CMD_STATE_COMPLETED;
}

void
window_runlist::abort()
{
  if (!m_executing)
    return;
  for (size_t i = m_next_wait; i < m_next_start; ++i)
    m_runs[i].abort();
  m_executing = false;
  m_next_start = m_next_wait = 0;
}

void
window_runlist::reset()
{
  ensure_idle("reset");
  m_runs.clear();
  m_members.clear();
  m_next_start = m_next_wait = 0;
}

} // namespace npusdk
