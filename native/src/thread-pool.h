// @module native/thread-pool
// A tiny fork-join pool: `run(parts, task)` calls task(0..parts-1), part 0 on the calling thread and the rest on
// persistent workers, and returns when all are done. Workers sleep on a condition variable between jobs
// instead of spin-waiting: on a 2-core machine shared with other processes, spinning threads steal the core
// the caller needs (ggml ran a tiny model 20x slower with 2 threads than 1 for that reason). Small GEMMs never
// reach the pool at all (see the FLOP threshold in addon.cc). Each thread owns its 64-byte aligned packing
// workspaces. The pool is process-wide and never destroyed (workers are detached), so process exit is clean.
#ifndef SLING_THREAD_POOL_H
#define SLING_THREAD_POOL_H
#include <condition_variable>
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
  void run(int parts, const std::function<void(int, ThreadWorkspace &)> &task) {
    std::lock_guard<std::mutex> callerLock(callerMutex_);
    if (parts > threads_) parts = threads_;
    if (parts <= 1) {
      task(0, workspaces_[0]);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      task_ = &task;
      parts_ = parts;
      pending_ = parts - 1;
      generation_++;
    }
    wake_.notify_all();
    task(0, workspaces_[0]);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    task_ = nullptr;
  }

 private:
  void work(int index) {
    unsigned long seen = 0;
    for (;;) {
      const std::function<void(int, ThreadWorkspace &)> *task;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_ != seen; });
        seen = generation_;
        if (index >= parts_) continue;
        task = task_;
      }
      (*task)(index, workspaces_[index]);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        pending_--;
      }
      done_.notify_one();
    }
  }

  int threads_;
  std::vector<ThreadWorkspace> workspaces_;
  std::mutex callerMutex_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(int, ThreadWorkspace &)> *task_ = nullptr;
  int parts_ = 0;
  int pending_ = 0;
  unsigned long generation_ = 0;
};

}  // namespace sling
#endif
