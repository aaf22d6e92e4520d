/**
 * At most `concurrency` renders at once and at most `queue` waiting: a burst of cache
 * misses cannot exhaust memory, and the excess is told to come back (503) instead of piling up.
 */
export class RenderLimiter {
  readonly #concurrency: number;
  readonly #queue: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(concurrency: number, queue: number) {
    this.#concurrency = concurrency;
    this.#queue = queue;
  }

  /** null when the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<T | null> {
    if (this.#running >= this.#concurrency) {
      if (this.#waiting.length >= this.#queue) return null;
      // the finishing render hands its slot straight to us
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running++;
    }
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
