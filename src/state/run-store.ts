/**
 * A run's durable record. Every event is appended to `events.ndjson` synchronously (the journal:
 * a crash loses at most the line being written), then folded into the state, and `state.json` is
 * rewritten atomically (temp file, fsync, rename) at most every STATE_WRITE_INTERVAL_MS, and when
 * the run ends. It records how many events it folds; readers fold the later ones from the
 * journal, so a state file that lags (or a crash between writes) loses nothing. A rewrite after
 * every event cost a thousand-task run most of a core: each write is a new file (ext4 searches
 * its inode bitmaps past every recently deleted one) and an fsync.
 */
import { existsSync } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import writeFileAtomic from 'write-file-atomic';
import type { RunEvent } from '../core/index.js';
import { EventLog, readEventLog } from './event-log.js';
import type { RunPaths } from './run-paths.js';
import { STATE_SCHEMA_VERSION, reduceRunState, stateFromEvents } from './run-state.js';
import type { RunState } from './run-state.js';

/** Least time between two writes of `state.json` while a run goes on. */
const STATE_WRITE_INTERVAL_MS = 250;

export class RunStore {
  readonly paths: RunPaths;
  readonly #log: EventLog;
  #state: RunState | undefined;
  #writing: Promise<void> | undefined;
  #dirty = false;
  /** Ends the wait between two writes early: the run is ending and wants its state on disk. */
  #hurry: AbortController | undefined;
  #failure: Error | undefined;

  readonly #onWriteFailure: ((error: Error) => void) | undefined;

  /**
   * `onWriteFailure` hears of the first event or state that could not be written (a full disk);
   * from then on nothing more is written, so what is on disk stays whole and resumable.
   */
  constructor(paths: RunPaths, options: { onWriteFailure?: (error: Error) => void } = {}) {
    this.paths = paths;
    this.#log = new EventLog(paths.eventsFile);
    this.#onWriteFailure = options.onWriteFailure;
  }

  /** The first write that failed, if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  get state(): RunState | undefined {
    return this.#state;
  }

  /** Continues from a run's existing state (a resumed run appends to the same record). */
  adopt(state: RunState): void {
    this.#state = state;
  }

  record(event: RunEvent): void {
    if (this.#failure === undefined) {
      try {
        this.#log.append(event);
      } catch (error) {
        this.#fail(error);
      }
    }
    this.#state = reduceRunState(this.#state, event);
    if (this.#failure !== undefined) return;
    this.#dirty = true;
    this.#writing ??= this.#writeLoop();
  }

  /** Waits until the newest state is on disk; rethrows a failed write. */
  async flush(): Promise<void> {
    while (this.#writing) {
      this.#hurry?.abort();
      await this.#writing;
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  async #writeLoop(): Promise<void> {
    try {
      while (this.#dirty) {
        this.#dirty = false;
        const state = this.#state;
        if (state) {
          const applied = { ...state, events_applied: this.#log.lines };
          await writeFileAtomic(this.paths.stateFile, `${JSON.stringify(applied, null, 1)}\n`, {
            fsync: true,
          });
        }
        if (this.#dirty) {
          this.#hurry = new AbortController();
          await sleep(STATE_WRITE_INTERVAL_MS, undefined, { signal: this.#hurry.signal }).catch(
            () => undefined,
          );
          this.#hurry = undefined;
        }
      }
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#writing = undefined;
    }
  }

  /**
   * A file of the run kept outside this store (a task's log) could not be written for want of
   * space: the run stops as it would for its own record, and nothing more is written.
   */
  failWith(error: Error): void {
    this.#fail(error);
  }

  #fail(error: unknown): void {
    if (this.#failure !== undefined) return;
    this.#failure = error instanceof Error ? error : new Error(String(error));
    this.#onWriteFailure?.(this.#failure);
  }
}

export type ReadStateResult =
  | { readonly ok: true; readonly state: RunState; readonly source: 'state' | 'events' }
  | {
      readonly ok: false;
      readonly problem: 'missing' | 'corrupt' | 'unknown-version';
      readonly detail: string;
    };

type StateFileCheck =
  | { readonly ok: true; readonly state: RunState }
  | {
      readonly ok: false;
      readonly problem: 'missing' | 'corrupt' | 'unknown-version';
      readonly detail: string;
    };

/** Reads `state.json` and says whether it is a whole state of a version this code knows. */
async function checkStateFile(paths: RunPaths): Promise<StateFileCheck> {
  let parsed: Partial<RunState> | null;
  try {
    parsed = JSON.parse(await readFile(paths.stateFile, 'utf8')) as Partial<RunState> | null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { ok: false, problem: 'missing', detail: 'no state.json' };
    return {
      ok: false,
      problem: 'corrupt',
      detail: error instanceof Error ? error.message : String(error),
    };
  }
  if (
    parsed?.schema_version === STATE_SCHEMA_VERSION &&
    typeof parsed.run_id === 'string' &&
    Array.isArray(parsed.tasks)
  ) {
    return { ok: true, state: parsed as RunState };
  }
  return {
    ok: false,
    problem: 'unknown-version',
    detail: `unknown schema_version ${String(parsed?.schema_version)}`,
  };
}

/**
 * Reads a run's state without writing anything: `state.json` when it is whole and of a known
 * version, else the state rebuilt from the events.
 */
export async function readRunState(paths: RunPaths): Promise<ReadStateResult> {
  const checked = await checkStateFile(paths);
  if (checked.ok)
    return { ok: true, state: withLaterEvents(checked.state, paths), source: 'state' };
  try {
    const state = stateFromEvents(readEventLog(paths.eventsFile));
    if (state) return { ok: true, state, source: 'events' };
  } catch {
    // No events either: report what was wrong with the state file.
  }
  return checked;
}

/** `state` with the events the journal has past those it folds (a state file written earlier). */
function withLaterEvents(state: RunState, paths: RunPaths): RunState {
  const applied = state.events_applied;
  if (applied === undefined || !existsSync(paths.eventsFile)) return state;
  let folded: RunState = state;
  try {
    for (const event of readEventLog(paths.eventsFile, applied))
      folded = reduceRunState(folded, event) ?? folded;
  } catch {
    // An unreadable journal leaves the state file as the best there is.
    return state;
  }
  return folded;
}

/**
 * Checks `state.json` before a run continues. A truncated, unparsable or unknown-version file is
 * moved aside to `state.json.corrupt-<timestamp>` (never deleted: a person may want it) and
 * reported; the caller decides whether to rebuild from the events.
 */
export async function quarantineBadState(
  paths: RunPaths,
  nowMs: number,
): Promise<{ movedTo: string; detail: string } | undefined> {
  const checked = await checkStateFile(paths);
  if (checked.ok || checked.problem === 'missing') return undefined;
  const movedTo = `${paths.stateFile}.corrupt-${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}`;
  await rename(paths.stateFile, movedTo);
  return { movedTo, detail: checked.detail };
}
