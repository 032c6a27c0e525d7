/**
 * Text from agents (their output, the last line in a failure reason) is not ours to trust: on a
 * terminal, escape sequences could move the cursor, retitle the window or write the clipboard
 * (OSC 52). Before such text reaches a terminal its escape sequences are removed, and so are
 * other control characters but tab and newline. The log files keep what the agent printed.
 */
import stripAnsi from 'strip-ansi';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function terminalSafe(text: string): string {
  return stripAnsi(text).replace(CONTROL, '');
}
