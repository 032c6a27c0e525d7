/**
 * Reads the contents of many files of one commit through a single `git cat-file --batch`
 * process, so an import graph of thousands of files costs one process, not thousands.
 * Files that are large or binary are skipped: they are counted by size, never parsed.
 */
import { execa } from 'execa';
import type { Repo } from '../git/index.js';

/** Files above this are not parsed for imports (generated bundles, data). */
export const MAX_PARSED_BYTES = 512 * 1024;

export async function readBlobs(
  repo: Repo,
  commit: string,
  paths: readonly string[],
): Promise<Map<string, string>> {
  const contents = new Map<string, string>();
  if (paths.length === 0) return contents;
  const input = paths.map((path) => `${commit}:${path}\n`).join('');
  const { stdout } = await execa('git', ['cat-file', '--batch'], {
    cwd: repo.root,
    input,
    encoding: 'buffer',
    maxBuffer: 2 ** 31 - 1,
  });
  const buffer = Buffer.from(stdout);
  let offset = 0;
  for (const path of paths) {
    const newline = buffer.indexOf(0x0a, offset);
    if (newline < 0) break;
    const header = buffer.toString('utf8', offset, newline);
    offset = newline + 1;
    const [, type, sizeText] = header.split(' ');
    if (type === undefined || sizeText === undefined) continue; // "<name> missing"
    const size = Number(sizeText);
    const body = buffer.subarray(offset, offset + size);
    offset += size + 1;
    if (type !== 'blob' || size > MAX_PARSED_BYTES || body.subarray(0, 8000).includes(0)) continue;
    contents.set(path, body.toString('utf8'));
  }
  return contents;
}
