import { describe, expect, it } from 'vitest';
import { LineReporter } from '../../src/report/index.js';
import { MemoryStream } from '../helpers/memory-stream.js';

describe('agent text on a terminal', () => {
  it('loses escape sequences and control characters, keeps the words', () => {
    const out = new MemoryStream();
    const reporter = new LineReporter({ out, output: 'stream', color: false });
    const hostile = [
      '\u001b]0;pwned title\u0007',
      '\u001b]52;c;ZXZpbA==\u0007',
      '\u001b[2J\u001b[Hcleared',
      ' bell\u0007 and\rback\u0000!',
    ].join('');
    reporter.onEvent({
      type: 'task-output',
      ts: '2026-11-23T00:00:00.000Z',
      run_id: 'r',
      task: 'a',
      phase: 'a',
      stream: 'stdout',
      line: hostile,
    });
    expect(out.text).toBe('[a] cleared bell andback!\n');
  });
});
