/**
 * How long each phase took the last time it ran in this repository, keyed by plan name and
 * phase id. The scheduler uses it to weigh phases that have no `estimate`.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

type History = Record<string, number>;

const FILE = 'durations.json';

export async function readDurationHistory(
  stateDir: string,
  plan: string,
): Promise<Map<string, number>> {
  const history = await readHistory(stateDir);
  const prefix = `${plan}/`;
  const durations = new Map<string, number>();
  for (const [key, ms] of Object.entries(history)) {
    if (key.startsWith(prefix) && typeof ms === 'number')
      durations.set(key.slice(prefix.length), ms);
  }
  return durations;
}

export async function recordDurations(
  stateDir: string,
  plan: string,
  durations: ReadonlyMap<string, number>,
): Promise<void> {
  if (durations.size === 0) return;
  const history = await readHistory(stateDir);
  for (const [phase, ms] of durations) history[`${plan}/${phase}`] = Math.round(ms);
  await mkdir(stateDir, { recursive: true });
  const temp = join(stateDir, `${FILE}.${process.pid}.${Date.now()}.tmp`);
  await writeFile(temp, `${JSON.stringify(history, null, 2)}\n`);
  await rename(temp, join(stateDir, FILE));
}

async function readHistory(stateDir: string): Promise<History> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(stateDir, FILE), 'utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as History)
      : {};
  } catch {
    return {};
  }
}
