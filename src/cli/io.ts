/** Everything the CLI takes from the process, passed in so `runCli` can run in-process in tests. */
import type { TextSink } from '../report/index.js';

export interface CliIo {
  /** Arguments after the program name. */
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Whether stderr is a terminal (colors, and later the live view). @default false */
  readonly stderrIsTerminal?: boolean;
  /** Aborted on SIGINT/SIGTERM. */
  readonly signal?: AbortSignal;
}
