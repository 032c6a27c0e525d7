/** `--json`: every event as one NDJSON line on stdout, then the summary object as the last line. */
import type { RunEvent } from '../core/index.js';
import type { RunSummary } from '../run/index.js';
import type { Reporter, TextSink } from './reporter.js';

export class JsonReporter implements Reporter {
  readonly #out: TextSink;

  constructor(options: { out: TextSink }) {
    this.#out = options.out;
  }

  onEvent(event: RunEvent): void {
    this.#out.write(`${JSON.stringify(event)}\n`);
  }

  summarize(summary: RunSummary): void {
    this.#out.write(`${JSON.stringify(summary)}\n`);
  }
}
