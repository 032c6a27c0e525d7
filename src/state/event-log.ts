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

  constructor(file: string) {
    this.file = file;
    mkdirSync(dirname(file), { recursive: true });
    dropTornTail(file);
  }

  append(event: RunEvent): void {
    appendFileSync(this.file, `${JSON.stringify(event)}\n`);
  }
}

/** Reads every complete event of a log; a torn last line (a crash mid-write) is ignored. */
export function readEventLog(file: string): RunEvent[] {
  const events: RunEvent[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
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
 * appending is first cut back to its last whole line.
 */
function dropTornTail(file: string): void {
  if (!existsSync(file)) return;
  const bytes = readFileSync(file);
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return;
  truncateSync(file, bytes.lastIndexOf(0x0a) + 1);
}
