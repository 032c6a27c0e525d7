/**
 * The live view as terminal lines: a header with the elapsed time and the estimate, a line of
 * counts, then one line per running task. Every line is cut to the terminal's width, so none ever
 * wraps (a wrapped line would break the in-place redraw), and the frame keeps below the terminal's
 * height, summarizing the running tasks that do not fit.
 */
import cliTruncate from 'cli-truncate';
import { createColors } from 'picocolors';
import type { LiveView } from './live-view-model.js';

/** The terminal the frame is drawn for. */
export interface FrameOptions {
  readonly columns: number;
  readonly rows: number;
  /** @default false */
  readonly color?: boolean;
}

/** Two lines of header and counts, and the row the cursor rests on below the frame. */
const FIXED_ROWS = 3;
const MAX_ID_WIDTH = 24;

/** The frame's lines, each at most `columns` wide, fewer than `rows` in all. */
export function renderLiveFrame(view: LiveView, options: FrameOptions): string[] {
  const c = createColors(options.color ?? false);
  const columns = Math.max(1, options.columns);
  const { counts } = view;
  const eta = view.etaMs === undefined ? 'ETA —' : `ETA ${formatElapsed(view.etaMs)}`;
  const header = `subplan ${view.runId ?? ''} · ${formatElapsed(view.elapsedMs)} elapsed · ${eta}`;
  const parts = [
    `running ${c.bold(String(counts.running))}/${view.maxParallel ?? '?'} (peak ${view.peak})`,
    `done ${c.green(String(counts.done))}`,
    `queued ${counts.queued}`,
    `failed ${counts.failed > 0 ? c.red(String(counts.failed)) : '0'}`,
    `skipped ${counts.skipped > 0 ? c.yellow(String(counts.skipped)) : '0'}`,
    ...(counts.cancelled > 0 ? [`cancelled ${c.yellow(String(counts.cancelled))}`] : []),
    `cached ${counts.cached}`,
  ];
  const running = [...view.running].sort((a, b) => a.startedAtMs - b.startedAtMs);
  const room = Math.max(1, options.rows - FIXED_ROWS);
  const shown = running.length > room ? running.slice(0, room - 1) : running;
  const idWidth = Math.min(MAX_ID_WIDTH, Math.max(0, ...shown.map((task) => task.id.length)));
  const taskLines = shown.map((task) => {
    const id = task.id.length > idWidth ? cliTruncate(task.id, idWidth) : task.id.padEnd(idWidth);
    const since = formatElapsed(view.nowMs - task.startedAtMs).padStart(6);
    const said =
      task.kind === 'merge'
        ? c.dim('merging')
        : (task.lastLine ?? c.dim(task.attempt > 1 ? `attempt ${task.attempt}` : 'started'));
    return `  ${c.cyan(id)} ${c.dim(since)}  ${said}`;
  });
  const hidden = running.length - shown.length;
  const lines = [
    header,
    parts.join(' · '),
    ...taskLines,
    ...(hidden > 0 ? [c.dim(`  … and ${hidden} more running`)] : []),
  ];
  return lines.map((line) => cliTruncate(line, columns, { position: 'end' }));
}

/** Whole seconds, so the view changes at most once a second while nothing else happens. */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
