/**
 * A run's durable record. Every event is appended to `events.ndjson` synchronously (the journal:
 * a crash loses at most the line being written), then folded into the state, and `state.json` is
 * rewritten atomically (temp file, fsync, rename) after every change. Writes never overlap: while
 * one is in flight, later changes wait and the newest state is written next, so a burst of events
 * costs two writes, not one per event, and the file on disk is always a whole, recent state.
 */
import { readFile, rename } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import type { RunEvent } from '../core/index.js';
import { EventLog, readEventLog } from './event-log.js';
import type { RunPaths } from './run-paths.js';
import { STATE_SCHEMA_VERSION, reduceRunState, stateFromEvents } from './run-state.js';
import type { RunState } from './run-state.js';

export class RunStore {
  readonly paths: RunPaths;
  readonly #log: EventLog;
  #state: RunState | undefined;
  #writing: Promise<void> | undefined;
  #dirty = false;
  #failure: Error | undefined;

  constructor(paths: RunPaths) {
    this.paths = paths;
    this.#log = new EventLog(paths.eventsFile);
  }

  get state(): RunState | undefined {
    return this.#state;
  }

  /** Continues from a run's existing state (a resumed run appends to the same record). */
  adopt(state: RunState): void {
    this.#state = state;
  }

  record(event: RunEvent): void {
    this.#log.append(event);
    this.#state = reduceRunState(this.#state, event);
    this.#dirty = true;
    this.#writing ??= this.#writeLoop();
  }

  /** Waits until the newest state is on disk; rethrows a failed write. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
    if (this.#failure !== undefined) throw this.#failure;
  }

  async #writeLoop(): Promise<void> {
    try {
      while (this.#dirty) {
        this.#dirty = false;
        const state = this.#state;
        if (state)
          await writeFileAtomic(this.paths.stateFile, `${JSON.stringify(state, null, 1)}\n`, {
            fsync: true,
          });
      }
    } catch (error) {
      this.#failure = error instanceof Error ? error : new Error(String(error));
    } finally {
      this.#writing = undefined;
    }
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
  if (checked.ok) return { ok: true, state: checked.state, source: 'state' };
  try {
    const state = stateFromEvents(readEventLog(paths.eventsFile));
    if (state) return { ok: true, state, source: 'events' };
  } catch {
    // No events either: report what was wrong with the state file.
  }
  return checked;
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
