/**
 * Tests that run the built CLI (`bin/subplan.js`) need `dist/` to match `src/`. `npm test`
 * builds first; a lone `vitest run` may not have, or may have an older build.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

export const PROJECT_ROOT = new URL('../../', import.meta.url).pathname;

export async function ensureBuilt(): Promise<void> {
  const built = join(PROJECT_ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(built) || newestSource(join(PROJECT_ROOT, 'src')) > statSync(built).mtimeMs) {
    await execa('npm', ['run', 'build'], { cwd: PROJECT_ROOT });
  }
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}
