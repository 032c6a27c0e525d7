/** Process checks for orphan tests: poll, never sleep a fixed time and hope. */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until `pid` is gone or `timeoutMs` passes; returns whether it is gone. */
export async function waitForExit(pid: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid) || isZombie(pid)) return true;
    await sleep(20);
  }
  return !isRunning(pid);
}

/** A zombie has exited; only its parent's bookkeeping remains. */
function isZombie(pid: number): boolean {
  return statFields(pid)?.[0] === 'Z';
}

/**
 * Whether process `pid` exists and started by `timeMs` (give or take a clock tick): a process
 * that died long ago may have left its pid to an unrelated one since.
 */
export function startedBefore(pid: number, timeMs: number): boolean {
  // Field 22 of the stat line: start time in ticks since boot (100 per second on Linux).
  const ticks = Number(statFields(pid)?.[19]);
  if (!Number.isFinite(ticks)) return false;
  const uptimeS = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return Date.now() - uptimeS * 1000 + ticks * 10 <= timeMs + 100;
}

/** Fields 3 onward of /proc/PID/stat (after the parenthesised name); undefined once it is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * Reads pids written one per line by a fixture agent, waiting for the file to appear. Only whole
 * lines count: a file read halfway through its write must not yield a cut-off pid.
 */
export async function readPids(file: string, count = 1, timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const pids = text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(Number);
    if (pids.length >= count) return pids;
    await sleep(20);
  }
  throw new Error(`no ${count} pid(s) in ${file} after ${timeoutMs} ms`);
}
