/**
 * Heartbeats that cost nothing on the hot path. An activity hands over its cursor once
 * (`track`) and says when it moved (`moved`, a flag: nothing is encoded there); a timer sends
 * the cursor when it moved, at most every 3 s, and otherwise only a liveness beat
 * well within the heartbeat timeout. The cursor object may keep changing: it is read when a
 * beat goes out, and an activity changes it only in synchronous steps after each commit, so
 * every beat carries a committed state.
 */
import type { Context } from '@temporalio/activity';
import { currentContext } from './run-helpers';

/** A moved cursor goes out at most this often. */
const INTERVAL_MS = 3_000;
/** An unchanged cursor goes out again after a third of the heartbeat timeout, at most this long. */
const MAX_LIVENESS_MS = 15_000;

export class Heartbeats<T> {
  #cursor: T | undefined;
  #moved = false;
  #sentAt = 0;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #livenessMs: number;
  readonly #context: Context | undefined;

  constructor() {
    this.#context = currentContext();
    const timeoutMs = this.#context?.info.heartbeatTimeoutMs;
    this.#livenessMs = Math.min(MAX_LIVENESS_MS, timeoutMs ? timeoutMs / 3 : MAX_LIVENESS_MS);
    const intervalMs = Math.min(INTERVAL_MS, this.#livenessMs);
    if (this.#context) {
      this.#timer = setInterval(() => this.#tick(), intervalMs);
      this.#timer.unref();
    }
  }

  /** The cursor to send from now on (sent at once: a new cursor is a new state). */
  track(cursor: T): void {
    this.#cursor = cursor;
    this.#send();
  }

  /** The cursor changed (after a commit): the next tick sends it. */
  moved(): void {
    this.#moved = true;
  }

  /** Send now (before a retry, so it resumes from the latest state). */
  flush(): void {
    this.#send();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  #tick(): void {
    if (this.#moved || Date.now() - this.#sentAt >= this.#livenessMs) this.#send();
  }

  #send(): void {
    if (!this.#context || this.#cursor === undefined) return;
    this.#moved = false;
    this.#sentAt = Date.now();
    this.#context.heartbeat(this.#cursor);
  }
}
