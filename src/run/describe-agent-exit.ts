/** One sentence on why a gate's agent (a resolver, a fix) or a verify command did not succeed. */
import { unreachable } from '../core/index.js';
import type { AgentExit } from '../agents/index.js';

/** What went wrong (`exited with code 1`); undefined for an exit with code 0. */
export function describeExit(exit: AgentExit): string | undefined {
  switch (exit.status) {
    case 'exited':
      return exit.exitCode === 0 ? undefined : `exited with code ${exit.exitCode}`;
    case 'signalled':
      return `was killed by ${exit.signal}`;
    case 'timed-out':
      return `ran longer than its timeout (${exit.timeoutMs} ms)`;
    case 'cancelled':
      return 'was cancelled';
    case 'spawn-failed':
      return `could not start: ${exit.message}`;
    case 'output-exceeded':
      return `printed more than its output limit (${exit.limitBytes} bytes) and was stopped`;
    case 'log-failed':
      return `was stopped: its log could not be written (${exit.message})`;
    default:
      return unreachable(exit);
  }
}

/** `who` and what went wrong, with the last line it printed; undefined for an exit with code 0. */
export function describeAgentExit(who: string, exit: AgentExit): string | undefined {
  const what = describeExit(exit);
  if (what === undefined) return undefined;
  const last = exit.tail.at(-1)?.trim();
  const said = last
    ? `; its last output: ${last.length > 200 ? `${last.slice(0, 197)}...` : last}`
    : '';
  return `${who} ${what}${said}`;
}
