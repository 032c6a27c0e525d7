/**
 * Where an agent's output goes: its log file, the last lines (for failure messages) and the
 * `onLine` listener. Memory and disk stay bounded whatever the agent prints: lines are cut by a
 * `LineSplitter`, the reader waits while the log's buffer is full, and past `limitBytes` the log
 * ends with a notice and the rest is read and dropped. A log that cannot be written (a full disk)
 * stops the same way. Either asks the caller to stop the agent through `onStop`.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { LineSplitter } from './line-splitter.js';

/** Why output stopped being recorded. */
export type OutputStop =
  | { readonly kind: 'limit'; readonly limitBytes: number }
  | { readonly kind: 'log-failed'; readonly message: string; readonly code?: string };

/** Lines kept for `tail`. */
const TAIL_LINES = 5;

/** Longest line forwarded as an event; the log file keeps everything. */
const MAX_EVENT_LINE = 2000;

export class AgentOutput {
  readonly tail: string[] = [];
  readonly #log: WriteStream;
  readonly #limitBytes: number;
  readonly #onLine: ((stream: 'stdout' | 'stderr', line: string) => void) | undefined;
  readonly #onStop: () => void;
  #bytes = 0;
  #stop: OutputStop | undefined;

  constructor(options: {
    logFile: string;
    limitBytes: number;
    onLine?: ((stream: 'stdout' | 'stderr', line: string) => void) | undefined;
    onStop: () => void;
  }) {
    this.#log = createWriteStream(options.logFile, { flags: 'a' });
    // Errors are taken from the write that failed; this keeps one from being unhandled.
    this.#log.on('error', (error) => this.#stopWith(logFailed(error)));
    this.#limitBytes = options.limitBytes;
    this.#onLine = options.onLine;
    this.#onStop = options.onStop;
  }

  /** Set once output stopped being recorded before the agent ended. */
  get stop(): OutputStop | undefined {
    return this.#stop;
  }

  /** Reads `stream` to its end, one line at a time, so a slow log slows the reading too. */
  async pump(stream: Readable | null, name: 'stdout' | 'stderr'): Promise<void> {
    if (!stream) return;
    const splitter = new LineSplitter();
    let continued = false;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (const piece of splitter.push(chunk)) {
        await this.#line(name, piece.text, { cut: piece.cut, continued });
        continued = piece.cut;
      }
    }
    for (const piece of splitter.end())
      await this.#line(name, piece.text, { cut: false, continued });
  }

  /** Flushes and closes the log. */
  async close(): Promise<void> {
    if (this.#log.destroyed) return;
    await new Promise<void>((resolve) => this.#log.end(resolve));
  }

  async #line(
    stream: 'stdout' | 'stderr',
    text: string,
    piece: { cut: boolean; continued: boolean },
  ): Promise<void> {
    if (this.#stop) return;
    this.#bytes += Buffer.byteLength(text) + 1;
    if (this.#bytes > this.#limitBytes) {
      this.#stopWith({ kind: 'limit', limitBytes: this.#limitBytes });
      await this.#write(
        `\n[subplan] output limit of ${this.#limitBytes} bytes reached: the agent was stopped and the rest of its output discarded\n`,
      );
      return;
    }
    const prefix = stream === 'stderr' && !piece.continued ? '[stderr] ' : '';
    await this.#write(`${prefix}${text}${piece.cut ? '' : '\n'}`);
    this.tail.push(text);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    this.#onLine?.(
      stream,
      text.length > MAX_EVENT_LINE ? `${text.slice(0, MAX_EVENT_LINE)}…` : text,
    );
  }

  /** Writes to the log, waiting while its buffer is full; a failed write stops recording. */
  async #write(text: string): Promise<void> {
    if (this.#log.destroyed) return;
    try {
      if (!this.#log.write(text)) await once(this.#log, 'drain');
    } catch (error) {
      this.#stopWith(logFailed(error));
    }
  }

  #stopWith(stop: OutputStop): void {
    if (this.#stop) return;
    this.#stop = stop;
    this.#onStop();
  }
}

function logFailed(error: unknown): OutputStop {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return {
    kind: 'log-failed',
    message: error instanceof Error ? error.message : String(error),
    ...(typeof code === 'string' && { code }),
  };
}
