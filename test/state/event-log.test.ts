import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunId } from '../../src/core/index.js';
import type { RunEvent } from '../../src/core/index.js';
import { EventLog, readEventLog } from '../../src/state/index.js';

const warning = (message: string): RunEvent => ({
  type: 'warning',
  message,
  ts: '2026-11-23T10:00:00.000Z',
  run_id: 'r',
});

describe('the event log', () => {
  it('cuts a torn last line before appending, so later events stay readable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'subplan-log-'));
    try {
      const file = join(dir, 'events.ndjson');
      await writeFile(file, `${JSON.stringify(warning('whole'))}\n{"type":"warn`);
      new EventLog(file).append(warning('after the crash'));
      expect(readEventLog(file).map((e) => (e.type === 'warning' ? e.message : e.type))).toEqual([
        'whole',
        'after the crash',
      ]);
      expect((await readFile(file, 'utf8')).endsWith('\n')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('run ids', () => {
  it('sort in start order, also within one second', () => {
    const start = Date.UTC(2026, 10, 23, 10, 15, 0);
    const ids = [0, 1, 9, 10, 99, 100, 500, 999, 1000].map((ms) => createRunId(start + ms));
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^20261123-101500-000[0-9a-f]$/);
  });
});
