/** Reporters turn RunEvents into output; the library never prints. */
import type { RunEvent } from '../core/index.js';
import type { RunSummary } from '../run/index.js';

export interface TextSink {
  write(text: string): void;
}

export interface Reporter {
  onEvent(event: RunEvent): void;
  /** Called once with the final summary. */
  summarize(summary: RunSummary): void;
}
