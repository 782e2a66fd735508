/** Runs async tasks with at most `concurrency` in flight and remembers the first failure. */
export interface TaskPool {
  /** Starts the task once a place is free; resolves when it has started, rejects if an earlier task failed. */
  submit(task: () => Promise<void>): Promise<void>;
  /** Waits for every started task; rejects with the first failure. */
  drain(): Promise<void>;
}

/** A bounded pool, so that many small uploads overlap without unbounded memory. */
export function createTaskPool(concurrency: number): TaskPool {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;

  const start = (task: () => Promise<void>): void => {
    const run = task()
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => running.delete(run));
    running.add(run);
  };

  return {
    async submit(task) {
      while (running.size >= concurrency && failure === null) await Promise.race(running);
      if (failure !== null) throw failure.error;
      start(task);
    },
    async drain() {
      while (running.size > 0) await Promise.race(running);
      if (failure !== null) throw failure.error;
    },
  };
}
