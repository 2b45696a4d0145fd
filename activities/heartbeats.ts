/**
 * Heartbeats that cost nothing on the hot path. An activity hands over its cursor once
 * (`track`) and says when it moved (`moved`, a flag: nothing is encoded there); a timer sends
 * the cursor when it moved, at most every `intervalMs`, and otherwise only a liveness beat
 * well within the heartbeat timeout. The cursor object may keep changing: it is read when a
 * beat goes out, and an activity changes it only in synchronous steps after each commit, so
 * every beat carries a committed state.
 */
import { Context } from '@temporalio/activity';

export interface HeartbeatOptions {
  /** Sends a moved cursor at most this often. Default 3 s. */
  intervalMs?: number;
  /** Sends an unchanged cursor again after this long (liveness). Default: a third of the heartbeat timeout, at most 15 s. */
  livenessMs?: number;
}

export class Heartbeats<T> {
  #cursor: T | undefined;
  #moved = false;
  #sentAt = 0;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #livenessMs: number;
  readonly #context: Context | undefined;

  constructor(opts: HeartbeatOptions = {}) {
    this.#context = currentContext();
    const timeoutMs = this.#context?.info.heartbeatTimeoutMs;
    this.#livenessMs = opts.livenessMs ?? Math.min(15_000, timeoutMs ? timeoutMs / 3 : 15_000);
    const intervalMs = Math.min(opts.intervalMs ?? 3_000, this.#livenessMs);
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

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // plain unit tests
  }
}
