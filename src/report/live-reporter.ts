/**
 * The live view on a terminal: a block of lines redrawn in place (log-update) showing the running
 * tasks, the counts and the time left, with the run's start, warnings, failures and end printed
 * once above it. It redraws on a timer, at most once per interval and only when the frame changed,
 * so a chatty agent costs no more redraws than a quiet one; each redraw is one write, so the
 * terminal never shows a half-erased frame. It ends, like the line reporter, with the summary.
 */
import ansiEscapes from 'ansi-escapes';
import { createLogUpdate } from 'log-update';
import { createColors } from 'picocolors';
import stringWidth from 'string-width';
import type { RunEvent, RunStartedEvent } from '../core/index.js';
import type { RunSummary } from '../run/index.js';
import { renderLiveFrame } from './live-frame.js';
import { LiveViewModel } from './live-view-model.js';
import { describeEvent, paintEventLine } from './line-reporter.js';
import type { Colors } from './line-reporter.js';
import type { Reporter, TextSink } from './reporter.js';
import { formatSummaryTable } from './summary-table.js';

/** The terminal the view is drawn on. */
export interface Terminal {
  size(): { readonly columns: number; readonly rows: number };
  /** Calls `listener` after each resize; returns what stops listening. */
  onResize(listener: () => void): () => void;
}

/** Where and how the live view is drawn. */
export interface LiveReporterOptions {
  readonly out: TextSink;
  readonly terminal: Terminal;
  /** @default false */
  readonly color?: boolean;
  /**
   * How long the run's tasks took in earlier runs, by task id, for the estimate of the time left.
   * Asked once when the run starts; the view shows `ETA —` until it answers, and if it fails.
   */
  readonly expectedDurations?: (run: RunStartedEvent) => Promise<ReadonlyMap<string, number>>;
  /** @default Date.now */
  readonly now?: () => number;
  /** Least time between redraws. @default 100 (at most 10 a second) */
  readonly intervalMs?: number;
  /**
   * Aborted when the run is interrupted: the live area is erased at once, so a message printed
   * next (by the process's signal handler) lands where it was, and the view is redrawn below it.
   */
  readonly signal?: AbortSignal;
}

const DEFAULT_INTERVAL_MS = 100;
/** What a terminal that does not say its size is taken to be. */
const FALLBACK_SIZE = { columns: 80, rows: 24 };

/** The reporter for a terminal: see the top of this file. */
export class LiveReporter implements Reporter {
  readonly #options: LiveReporterOptions;
  readonly #colors: Colors;
  readonly #model = new LiveViewModel();
  readonly #log: ReturnType<typeof createLogUpdate>;
  /** What log-update writes during one paint, sent to the terminal as one write. */
  #buffer = '';
  /** Lines to print above the live area at the next paint. */
  #pending: string[] = [];
  /** The frame on screen: its text, and its lines for working out a resize's reflow. */
  #shown: string | undefined;
  #shownLines: readonly string[] = [];
  /** The width the frame on screen was drawn at. */
  #shownColumns = 0;
  #resized = false;
  #timer: NodeJS.Timeout | undefined;
  #stopListening: (() => void) | undefined;
  #closed = false;

  constructor(options: LiveReporterOptions) {
    this.#options = options;
    this.#colors = createColors(options.color ?? false);
    const size = () => this.#size();
    // log-update draws onto this buffer, which knows the terminal's size; showCursor because the
    // cursor is hidden and shown here, through the same sink as everything else.
    const stream = {
      write: (text: string) => {
        this.#buffer += text;
        return true;
      },
      get columns() {
        return size().columns;
      },
      get rows() {
        return size().rows;
      },
    } as unknown as NodeJS.WriteStream;
    this.#log = createLogUpdate(stream, { showCursor: true });
  }

  onEvent(event: RunEvent): void {
    if (this.#closed) return;
    this.#model.apply(event);
    if (event.type === 'run-started') {
      const expected = this.#options.expectedDurations;
      if (expected) {
        void expected(event).then(
          (durations) => {
            this.#model.setExpectedDurations(durations);
          },
          () => undefined,
        );
      }
    }
    if (isPersistent(event)) {
      const line = describeEvent(event);
      if (line !== undefined) this.#pending.push(paintEventLine(this.#colors, event, line));
    }
    this.#start();
  }

  summarize(summary: RunSummary): void {
    this.close();
    this.#options.out.write(`\n${formatSummaryTable(summary)}\n`);
  }

  /** Clears the live area, prints what is pending and gives the cursor back; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#stopListening?.();
    if (this.#timer === undefined) return;
    this.#buffer = this.#eraseShown();
    this.#buffer += this.#takePending();
    this.#options.out.write(`${this.#buffer}${ansiEscapes.cursorShow}`);
    this.#buffer = '';
  }

  #start(): void {
    if (this.#timer !== undefined) return;
    const stopResize = this.#options.terminal.onResize(() => {
      this.#resized = true;
    });
    const signal = this.#options.signal;
    const onAbort = () => {
      this.#eraseNow();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#stopListening = () => {
      stopResize();
      signal?.removeEventListener('abort', onAbort);
    };
    this.#timer = setInterval(() => {
      this.#paint();
    }, this.#options.intervalMs ?? DEFAULT_INTERVAL_MS);
    // The view must never keep the process alive on its own.
    this.#timer.unref();
    this.#options.out.write(ansiEscapes.cursorHide);
    this.#paint();
  }

  #paint(): void {
    const { columns, rows } = this.#size();
    // A width that changed is a resize even before its signal arrives: the terminal has already
    // re-wrapped what is on screen.
    if (this.#shown !== undefined && columns !== this.#shownColumns) this.#resized = true;
    const lines = renderLiveFrame(this.#model.snapshot((this.#options.now ?? Date.now)()), {
      columns,
      rows,
      color: this.#options.color ?? false,
    });
    const frame = lines.join('\n');
    if (frame === this.#shown && this.#pending.length === 0 && !this.#resized) return;
    this.#buffer = this.#eraseShown();
    this.#buffer += this.#takePending();
    this.#log(frame);
    this.#shown = frame;
    this.#shownLines = lines;
    this.#shownColumns = columns;
    this.#options.out.write(this.#buffer);
    this.#buffer = '';
  }

  #eraseNow(): void {
    if (this.#closed || this.#shown === undefined) return;
    this.#buffer = this.#eraseShown();
    this.#options.out.write(this.#buffer);
    this.#buffer = '';
    this.#shown = undefined;
    this.#shownLines = [];
  }

  /**
   * Erases the frame on screen. After a resize the terminal may have re-wrapped its lines (tmux,
   * VTE, iTerm2 and kitty split lines that no longer fit), so the rows it now takes are counted
   * at the new width; log-update alone would erase too few and leave pieces of the old frame.
   */
  #eraseShown(): string {
    if (!this.#resized) {
      this.#log.clear();
      const erase = this.#buffer;
      this.#buffer = '';
      return erase;
    }
    this.#resized = false;
    const { columns } = this.#size();
    const rows = this.#shownLines.reduce(
      (sum, line) => sum + Math.max(1, Math.ceil(stringWidth(line) / columns)),
      0,
    );
    // log-update forgets its frame; the erase below replaces its own (the +1 is the cursor's row).
    this.#log.done();
    return this.#shown === undefined ? '' : ansiEscapes.eraseLines(rows + 1);
  }

  #size(): { columns: number; rows: number } {
    const { columns, rows } = this.#options.terminal.size();
    return {
      columns: columns > 0 ? columns : FALLBACK_SIZE.columns,
      rows: rows > 0 ? rows : FALLBACK_SIZE.rows,
    };
  }

  #takePending(): string {
    const text = this.#pending.map((line) => `${line}\n`).join('');
    this.#pending = [];
    return text;
  }
}

const PERSISTENT: ReadonlySet<RunEvent['type']> = new Set([
  'run-started',
  'run-resumed',
  'warning',
  'run-finished',
]);

/** Events kept above the live area: how the run began and ended, warnings, and what went wrong. */
function isPersistent(event: RunEvent): boolean {
  if (event.type === 'task-finished')
    return event.outcome.status === 'failed' || event.outcome.status === 'conflict';
  return PERSISTENT.has(event.type);
}
