/**
 * `events.ndjson`: one JSON object per line, appended in the order events happen. Writes are
 * synchronous appends of whole lines, so a crash can lose at most the line being written and
 * never interleaves two events; a torn last line is cut off when the log is opened again.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunEvent } from '../core/index.js';

export class EventLog {
  readonly file: string;
  #lines: number;

  constructor(file: string) {
    this.file = file;
    mkdirSync(dirname(file), { recursive: true });
    this.#lines = dropTornTail(file);
  }

  /** Whole lines in the log: those it had when opened and those appended since. */
  get lines(): number {
    return this.#lines;
  }

  append(event: RunEvent): void {
    appendFileSync(this.file, `${JSON.stringify(event)}\n`);
    this.#lines++;
  }
}

/**
 * Reads every complete event of a log, or those after the first `skip` lines; a torn last line
 * (a crash mid-write) is ignored.
 */
export function readEventLog(file: string, skip = 0): RunEvent[] {
  const events: RunEvent[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const line of skip > 0 ? lines.slice(skip) : lines) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      // Only the last line can be torn; anything after it was never written.
      break;
    }
  }
  return events;
}

/**
 * A crash mid-append leaves a last line without its newline. Appending after it would glue the
 * next event onto the torn one and hide every later event from readers, so a log reopened for
 * appending is first cut back to its last whole line. Returns how many whole lines it has.
 */
function dropTornTail(file: string): number {
  if (!existsSync(file)) return 0;
  const bytes = readFileSync(file);
  let lines = 0;
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) lines++;
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a)
    truncateSync(file, bytes.lastIndexOf(0x0a) + 1);
  return lines;
}
