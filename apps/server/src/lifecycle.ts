import type { Logger } from '@yeet/platform';

/**
 * What a platform started, stopped in the reverse order: whatever is started after
 * something it uses is stopped before it (the HTTP server, then the worker and the
 * listener, then the pool, then the embedded PostgreSQL).
 */
export class Lifecycle {
  readonly #steps: Array<() => Promise<void>> = [];
  readonly #logger: Logger;
  #stopping: Promise<void> | null = null;
  #fail: (error: Error) => void = () => {};
  /** Resolves with the reason once a part has failed for good (see fail()); pending otherwise. */
  readonly failed = new Promise<Error>((resolve) => (this.#fail = resolve));

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /**
   * A part cannot do its job any more and cannot recover by itself (the embedded PostgreSQL
   * will not restart): the process is to stop and exit non-zero so that a supervisor starts
   * it afresh, rather than stay alive answering /healthz. The first reason wins.
   */
  fail(error: Error): void {
    this.#fail(error);
  }

  /** True once stopping has begun: parts use it to tell expected disconnections from failures. */
  get stopping(): boolean {
    return this.#stopping !== null;
  }

  /** Runs `step` on stop, before every step registered earlier. */
  onStop(step: () => Promise<void>): void {
    this.#steps.push(step);
  }

  /** Runs every step once, each even if an earlier one failed; later calls wait for the same run. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      for (const step of this.#steps.toReversed()) {
        await step().catch((err: unknown) => this.#logger.error({ err }, 'error while stopping'));
      }
    })();
    return this.#stopping;
  }
}

const stopSignals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function onStopSignal(handler: (signal: NodeJS.Signals) => void): () => void {
  for (const s of stopSignals) process.on(s, handler);
  return () => {
    for (const s of stopSignals) process.off(s, handler);
  };
}

/**
 * Runs what `start` starts until SIGINT (Ctrl-C), SIGTERM (Kubernetes, systemd) or SIGHUP
 * (the terminal closed), then stops it; a signal during start-up stops it as soon as it has
 * started, and `stopRequested` (given to `start`) tells the parts that can end early (the
 * web app's build). A start that fails after the signal (such a part ended) is a stop, not
 * a failure. The process owns these signals: nothing else exits it half-way through (the
 * embedded PostgreSQL, in its own process group, does not even receive a terminal's
 * Ctrl-C). A second signal, or `timeoutMs` after the first, exits at once with status 1;
 * the embedded PostgreSQL is then told to stop as the process exits.
 *
 * If what runs fails for good first (`failed`), it is stopped the same way and the exit
 * code to use is 1 instead of 0.
 */
export async function runUntilSignal(
  start: (stopRequested: AbortSignal) => Promise<{ stop(): Promise<void>; failed: Promise<Error> }>,
  options: { logger: Logger; timeoutMs: number },
): Promise<number> {
  const { logger, timeoutMs } = options;
  const exitNow = (reason: string) => {
    logger.error({ reason, timeoutMs }, 'exiting without waiting for the shutdown to finish');
    process.exit(1);
  };
  let offAgain = () => {};
  let deadline: NodeJS.Timeout | undefined;
  const signalled = new AbortController();
  const stopRequested = new Promise<void>((resolve) => signalled.signal.addEventListener('abort', () => resolve()));
  const offFirst = onStopSignal((signal) => {
    offFirst();
    logger.info({ signal }, 'shutting down');
    offAgain = onStopSignal((s) => exitNow(`${s} while shutting down`));
    deadline = setTimeout(() => exitNow('the shutdown took too long'), timeoutMs);
    signalled.abort();
  });
  try {
    let running: Awaited<ReturnType<typeof start>>;
    try {
      running = await start(signalled.signal);
    } catch (error) {
      if (!signalled.signal.aborted) throw error;
      logger.info({ reason: error instanceof Error ? error.message : String(error) }, 'stopped during start-up');
      return 0;
    }
    const failure = await Promise.race([stopRequested.then(() => null), running.failed]);
    if (failure) {
      logger.fatal(
        { err: failure },
        'cannot recover by itself: stopping, then exiting with status 1 for a supervisor to restart',
      );
      offFirst();
      offAgain = onStopSignal((s) => exitNow(`${s} while shutting down`));
      deadline = setTimeout(() => exitNow('the shutdown took too long'), timeoutMs);
    }
    await running.stop();
    return failure ? 1 : 0;
  } finally {
    offFirst();
    offAgain();
    clearTimeout(deadline);
  }
}
