import stripAnsi from 'strip-ansi';
import stringWidth from 'string-width';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent, RunStartedEvent } from '../../src/core/index.js';
import { LiveReporter, renderLiveFrame } from '../../src/report/index.js';
import type { LiveView, Terminal } from '../../src/report/index.js';
import type { RunSummary } from '../../src/run/index.js';
import { MemoryStream } from '../helpers/memory-stream.js';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const base = { ts: new Date(T0).toISOString(), run_id: '20261123-100000-abc1' };

const runStarted = (ids: readonly string[]): RunStartedEvent => ({
  ...base,
  type: 'run-started',
  plan: 'p',
  plan_file: 'plan.yaml',
  repo: '/repo',
  base_commit: 'abcdef1234567890',
  max_parallel: 4,
  plan_fingerprint: 'f',
  phase_fingerprints: {},
  task_count: ids.length,
  tasks: ids.map((id) => ({ id, phase: id.split('.')[0] ?? id, kind: 'agent', depends_on: [] })),
});
const started = (task: string): RunEvent => ({
  ...base,
  type: 'task-started',
  task,
  phase: task,
  attempt: 1,
  branch: `subplan/r/${task}`,
  worktree: '/w',
  base_commit: 'abc',
});
const output = (task: string, line: string): RunEvent => ({
  ...base,
  type: 'task-output',
  task,
  phase: task,
  stream: 'stdout',
  line,
});

class FakeTerminal implements Terminal {
  columns = 80;
  rows = 24;
  readonly #listeners = new Set<() => void>();
  size() {
    return { columns: this.columns, rows: this.rows };
  }
  onResize(listener: () => void) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  resize(columns: number) {
    this.columns = columns;
    this.#listeners.forEach((listener) => {
      listener();
    });
  }
  get listening() {
    return this.#listeners.size;
  }
}

/** Every write, so tests can count redraws and read the last frame. */
class RecordingSink extends MemoryStream {
  readonly writes: string[] = [];
  override write(text: string): void {
    this.writes.push(text);
    super.write(text);
  }
}

const summary: RunSummary = {
  type: 'summary',
  schema_version: 1,
  run_id: base.run_id,
  plan: 'p',
  status: 'succeeded',
  base_commit: 'abc',
  result_branch: 'subplan/r/result',
  max_parallel: 4,
  peak_concurrency: 2,
  peak_concurrency_events: 2,
  started_at: base.ts,
  finished_at: base.ts,
  makespan_ms: 1000,
  critical_path_ms: 1000,
  lower_bound_ms: 1000,
  tasks: [],
};

describe('LiveReporter', () => {
  let now = T0;
  beforeEach(() => {
    vi.useFakeTimers();
    now = T0;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const create = (terminal: Terminal, out: RecordingSink, more = {}) =>
    new LiveReporter({ out, terminal, now: () => now, ...more });

  it('redraws at most once per interval however much agents print', () => {
    const terminal = new FakeTerminal();
    const out = new RecordingSink();
    const reporter = create(terminal, out);
    reporter.onEvent(runStarted(['api', 'web']));
    reporter.onEvent(started('api'));
    reporter.onEvent(started('web'));
    const before = out.writes.length;
    for (let tick = 0; tick < 10; tick++) {
      for (let i = 0; i < 500; i++) reporter.onEvent(output(tick % 2 ? 'api' : 'web', `line ${i}`));
      vi.advanceTimersByTime(100);
    }
    expect(out.writes.length - before).toBeLessThanOrEqual(10);
    // Nothing changed and the elapsed seconds did not move: no redraw.
    const quiet = out.writes.length;
    vi.advanceTimersByTime(500);
    expect(out.writes.length).toBe(quiet);
    now += 1_000;
    vi.advanceTimersByTime(100);
    expect(out.writes.length).toBe(quiet + 1);
    expect(stripAnsi(out.writes.at(-1) ?? '')).toContain('1s elapsed');
  });

  it('prints warnings and failures once above the live area, then the summary, like the line reporter', () => {
    const terminal = new FakeTerminal();
    const out = new RecordingSink();
    const reporter = create(terminal, out);
    reporter.onEvent(runStarted(['api']));
    reporter.onEvent(started('api'));
    reporter.onEvent({ ...base, type: 'warning', message: 'careful' });
    vi.advanceTimersByTime(100);
    reporter.onEvent({
      ...base,
      type: 'task-finished',
      task: 'api',
      phase: 'api',
      kind: 'agent',
      attempt: 1,
      outcome: { status: 'failed', reason: 'exit-non-zero', message: 'exit 3' },
      reason: 'exit 3',
    });
    vi.advanceTimersByTime(100);
    reporter.summarize(summary);
    expect(terminal.listening).toBe(0);
    const text = stripAnsi(out.text);
    expect(text.match(/warning: careful/g)).toHaveLength(1);
    expect(text.match(/\[api\] FAILED: exit 3/g)).toHaveLength(1);
    expect(text).toMatch(/subplan: run \S+ of p: 1 tasks, max_parallel 4/);
    expect(text.endsWith('result: subplan/r/result\n')).toBe(true);
    expect(out.writes.at(-2)).toContain('\u001b[?25h');
    // Nothing is drawn after the summary.
    vi.advanceTimersByTime(1_000);
    reporter.onEvent(output('api', 'late'));
    expect(stripAnsi(out.text).endsWith('result: subplan/r/result\n')).toBe(true);
  });

  it('erases the rows a narrower terminal re-wrapped the old frame into', () => {
    const terminal = new FakeTerminal();
    const out = new RecordingSink();
    const reporter = create(terminal, out);
    reporter.onEvent(runStarted(['api']));
    reporter.onEvent(started('api'));
    reporter.onEvent(output('api', 'x'.repeat(200)));
    vi.advanceTimersByTime(100);
    const lines = stripAnsi(out.writes.at(-1) ?? '')
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(lines.length).toBe(3);
    expect(lines.every((line) => stringWidth(line) <= 80)).toBe(true);
    terminal.resize(40);
    vi.advanceTimersByTime(100);
    const redraw = out.writes.at(-1) ?? '';
    const rowsBefore = lines.reduce((sum, line) => sum + Math.ceil(stringWidth(line) / 40), 0);
    expect(redraw.split('\u001b[2K').length - 1).toBe(rowsBefore + 1);
    const after = stripAnsi(redraw).split('\n');
    expect(after.every((line) => stringWidth(line) <= 40)).toBe(true);
    reporter.summarize(summary);
  });

  it('treats a changed width as a resize even before the resize event arrives', () => {
    const terminal = new FakeTerminal();
    const out = new RecordingSink();
    const reporter = create(terminal, out);
    reporter.onEvent(runStarted(['api']));
    reporter.onEvent(started('api'));
    reporter.onEvent(output('api', 'x'.repeat(200)));
    vi.advanceTimersByTime(100);
    // Header, counts and the task line are each 41 to 80 columns wide: two rows each at 40.
    terminal.columns = 40;
    vi.advanceTimersByTime(100);
    expect((out.writes.at(-1) ?? '').split('\u001b[2K').length - 1).toBe(3 * 2 + 1);
    reporter.summarize(summary);
  });

  it('erases the live area at once when the run is interrupted, and redraws below what follows', () => {
    const terminal = new FakeTerminal();
    const out = new RecordingSink();
    const controller = new AbortController();
    const reporter = create(terminal, out, { signal: controller.signal });
    reporter.onEvent(runStarted(['api']));
    reporter.onEvent(started('api'));
    vi.advanceTimersByTime(100);
    const frameRows = stripAnsi(out.writes.at(-1) ?? '').split('\n').length;
    controller.abort();
    expect(out.writes.at(-1)?.split('\u001b[2K').length).toBe(frameRows + 1);
    out.write('subplan: SIGINT: stopping agents\n');
    vi.advanceTimersByTime(100);
    // The redraw erases nothing: the message stays.
    expect(out.writes.at(-1)).not.toContain('\u001b[2K');
    expect(stripAnsi(out.writes.at(-1) ?? '')).toMatch(/^subplan \S+ · /);
    reporter.summarize(summary);
  });

  it('asks for earlier durations once, when the run starts, and shows the estimate', async () => {
    const terminal = new FakeTerminal();
    const out = new RecordingSink();
    const asked: string[] = [];
    const reporter = create(terminal, out, {
      expectedDurations: (run: RunStartedEvent) => {
        asked.push(run.plan);
        return Promise.resolve(new Map([['api', 90_000]]));
      },
    });
    reporter.onEvent(runStarted(['api']));
    expect(stripAnsi(out.text)).toContain('ETA —');
    await Promise.resolve();
    reporter.onEvent(started('api'));
    vi.advanceTimersByTime(100);
    expect(asked).toEqual(['p']);
    expect(stripAnsi(out.writes.at(-1) ?? '')).toContain('ETA 1m30s');
    reporter.summarize(summary);
  });
});

describe('renderLiveFrame', () => {
  const view = (running: number): LiveView => ({
    runId: 'r',
    running: Array.from({ length: running }, (_, i) => ({
      id: `phase-with-a-long-name.${i}`,
      phase: 'phase-with-a-long-name',
      kind: 'agent' as const,
      startedAtMs: 0,
      attempt: 1,
      lastLine: `output of task ${i} `.repeat(20),
    })),
    counts: { done: 3, running, queued: 2, failed: 1, skipped: 0, cancelled: 0, cached: 1 },
    maxParallel: 64,
    peak: running,
    nowMs: 65_000,
    elapsedMs: 65_000,
    etaMs: undefined,
  });

  it('fits every line in the width and the frame in the height', () => {
    const lines = renderLiveFrame(view(40), { columns: 80, rows: 24, color: true });
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(lines.every((line) => stringWidth(line) <= 80)).toBe(true);
    const plain = lines.map((line) => stripAnsi(line));
    expect(plain[0]).toBe('subplan r · 1m05s elapsed · ETA —');
    expect(plain[1]).toBe(
      'running 40/64 (peak 40) · done 3 · queued 2 · failed 1 · skipped 0 · cached 1',
    );
    expect(plain[2]).toMatch(/^ {2}phase-with-a-long-name\.0 {2}1m05s {2}output of task 0/);
    expect(plain.at(-1)).toBe('  … and 20 more running');
  });
});
