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
  /**
   * Stops drawing (timers, a live area, a hidden cursor), so an error printed next is not drawn
   * over. Called once the run ends or throws, before anything else is printed; idempotent.
   */
  close?(): void;
}
