// @module native/thread-pool
// A tiny fork-join pool: `run(parts, task)` calls task(part, workspace) once for every part in 0..parts-1 and
// returns when all are done. Parts are claimed dynamically: the calling thread starts claiming at once, and
// workers join as soon as they wake. On a 2-core machine shared with other processes a woken worker may not
// get a core for milliseconds; then the caller simply runs the remaining parts itself, so asking for help is
// never much slower than not asking (ggml, which waits for its threads, ran a tiny model 20x slower with 2
// threads than 1 here). Workers sleep on a condition variable between jobs instead of spinning. Small GEMMs
// never reach the pool at all (FLOP threshold in addon.cc). The pool is process-wide and never destroyed
// (workers are detached), so process exit is clean.
#ifndef SLING_THREAD_POOL_H
#define SLING_THREAD_POOL_H
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sling {

struct ThreadWorkspace {
  void *a = nullptr;
  void *b = nullptr;
};

typedef std::function<void(int, ThreadWorkspace &)> PartTask;

class ThreadPool {
 public:
  explicit ThreadPool(int threads, long bytesA, long bytesB) : threads_(threads < 1 ? 1 : threads) {
    workspaces_.resize(threads_);
    for (auto &workspace : workspaces_) {
      workspace.a = std::aligned_alloc(64, (size_t)bytesA);
      workspace.b = std::aligned_alloc(64, (size_t)bytesB);
    }
    for (int index = 1; index < threads_; index++) std::thread([this, index] { work(index); }).detach();
  }

  int threads() const { return threads_; }

  // Serialized: concurrent callers (e.g. two worker_threads using the addon) take turns.
  void run(int parts, const PartTask &task) {
    std::lock_guard<std::mutex> callerLock(callerMutex_);
    if (parts <= 1 || threads_ <= 1) {
      for (int part = 0; part < parts; part++) task(part, workspaces_[0]);
      return;
    }
    uint32_t generation;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation = ++generation_;
      task_ = &task;
      parts_ = parts;
      finished_ = 0;
      claim_.store((uint64_t)generation << 32, std::memory_order_release);
    }
    wake_.notify_all();
    int part;
    while (try_claim(generation, parts, part)) {
      task(part, workspaces_[0]);
      finish_part(parts);
    }
    // A worker's last part usually ends within microseconds (a decode GEMV part takes ~10 µs), sooner than a
    // condition-variable wake-up would take: poll, yielding the core, before sleeping.
    for (int poll = 0; poll < 200 && finished_.load(std::memory_order_acquire) != parts; poll++) std::this_thread::yield();
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return finished_.load(std::memory_order_acquire) == parts; });
    task_ = nullptr;
  }

 private:
  // The claim word holds (generation << 32 | next part), so a worker that wakes late can never claim a part
  // of a newer job with the task pointer of an older one.
  bool try_claim(uint32_t generation, int parts, int &part) {
    uint64_t current = claim_.load(std::memory_order_acquire);
    for (;;) {
      if ((uint32_t)(current >> 32) != generation || (int)(current & 0xffffffffu) >= parts) return false;
      if (claim_.compare_exchange_weak(current, current + 1, std::memory_order_acq_rel)) {
        part = (int)(current & 0xffffffffu);
        return true;
      }
    }
  }

  // Only the last part takes the lock (so the caller cannot miss the wake-up between its check and its wait).
  void finish_part(int parts) {
    if (finished_.fetch_add(1, std::memory_order_acq_rel) + 1 != parts) return;
    { std::lock_guard<std::mutex> lock(mutex_); }
    done_.notify_one();
  }

  void work(int index) {
    uint32_t seen = 0;
    for (;;) {
      const PartTask *task;
      int parts;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_ != seen; });
        seen = generation_;
        task = task_;
        parts = parts_;
      }
      if (!task) continue;
      int part;
      while (try_claim(seen, parts, part)) {
        (*task)(part, workspaces_[index]);
        finish_part(parts);
      }
    }
  }

  int threads_;
  std::vector<ThreadWorkspace> workspaces_;
  std::mutex callerMutex_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const PartTask *task_ = nullptr;
  int parts_ = 0;
  std::atomic<int> finished_{0};
  uint32_t generation_ = 0;
  std::atomic<uint64_t> claim_{0};
};

}  // namespace sling
#endif
