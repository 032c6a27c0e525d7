/** Everything the CLI takes from the process, passed in so `runCli` can run in-process in tests. */
import type { Terminal, TextSink } from '../report/index.js';

export interface CliIo {
  /** Arguments after the program name. */
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Whether stderr is a terminal (colors, and the live view). @default false */
  readonly stderrIsTerminal?: boolean;
  /** The terminal behind stderr, when it is one: its size and resizes, for the live view. */
  readonly terminal?: Terminal;
  /** Aborted on SIGINT/SIGTERM. */
  readonly signal?: AbortSignal;
}
