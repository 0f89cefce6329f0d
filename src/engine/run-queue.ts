// The single writer. controller-runtime semantics: never two runs at once; any number of requests
// made while a run is in flight collapse into exactly one more run afterwards, so a burst of
// events costs at most two rounds and the second one sees the latest state of the world.

/** Serializes runs of one async job and coalesces requests for it. */
export class RunQueue<R> {
  private running = false;
  private pending = false;
  private paused = true;
  private stopped = false;
  private waiters: Array<{ resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private idleWaiters: Array<() => void> = [];

  /** `job` must not throw: failures are part of its result. */
  constructor(
    private readonly job: () => Promise<R>,
    private readonly onStoppedError: () => Error,
  ) {}

  /** Requests made before resume() are kept and run once resumed. */
  resume(): void {
    if (this.stopped) return;
    this.paused = false;
    if (this.pending) this.kick();
  }

  /** Asks for a run; coalesces with every other request not yet started. */
  request(): void {
    if (this.stopped) return;
    this.pending = true;
    this.kick();
  }

  /** Resolves with the result of a run that starts after this call. */
  requestAndWait(): Promise<R> {
    if (this.stopped) return Promise.reject(this.onStoppedError());
    return new Promise<R>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.request();
    });
  }

  /** True while a run is in flight. */
  get busy(): boolean {
    return this.running;
  }

  /** Resolves when no run is in flight (immediately when idle). */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** No more runs; callers still waiting are told so. The run in flight is not interrupted. */
  stop(): void {
    this.stopped = true;
    this.pending = false;
    for (const w of this.waiters.splice(0)) w.reject(this.onStoppedError());
  }

  private kick(): void {
    if (this.running || this.paused || !this.pending) return;
    void this.loop();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.pending && !this.stopped && !this.paused) {
        this.pending = false;
        // Only callers who asked before this run started get its result.
        const waiters = this.waiters.splice(0);
        let result: R;
        try {
          result = await this.job();
        } catch (error) {
          for (const w of waiters) w.reject(error);
          continue;
        }
        for (const w of waiters) w.resolve(result);
      }
    } finally {
      this.running = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }
}
