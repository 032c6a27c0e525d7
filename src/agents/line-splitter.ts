/**
 * Cuts an agent's output into lines with bounded memory. `readline` keeps a line without a newline
 * in memory however long it grows, so an agent printing a gigabyte without `\n` would take the
 * worker with it. Here a line longer than `maxLineLength` is handed on in pieces of that length,
 * the last marked as continuing (`cut`), and at most one piece is ever held.
 */
import { StringDecoder } from 'node:string_decoder';

/** A piece of output: a whole line, or a part of a longer one (`cut: true` when more follows). */
export interface OutputLine {
  readonly text: string;
  readonly cut: boolean;
}

/** Longest piece kept in memory before it is handed on. */
export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

export class LineSplitter {
  readonly #maxLineLength: number;
  readonly #decoder = new StringDecoder('utf8');
  #pending = '';

  constructor(options: { maxLineLength?: number } = {}) {
    this.#maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  }

  /** The lines completed by `chunk`, in order. */
  push(chunk: Buffer | string): OutputLine[] {
    const text = this.#pending + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    const lines: OutputLine[] = [];
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? text.length : newline;
      // Whole pieces of an over-long line go out at once, newline or not.
      while (end - start > this.#maxLineLength) {
        lines.push({ text: text.slice(start, start + this.#maxLineLength), cut: true });
        start += this.#maxLineLength;
      }
      if (newline === -1) break;
      lines.push({ text: stripCarriageReturn(text.slice(start, newline)), cut: false });
      start = newline + 1;
    }
    this.#pending = text.slice(start);
    return lines;
  }

  /** Whatever was left without a final newline. */
  end(): OutputLine[] {
    const rest = this.#pending + this.#decoder.end();
    this.#pending = '';
    return rest === '' ? [] : [{ text: stripCarriageReturn(rest), cut: false }];
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
