/**
 * The symlinks of a commit with their targets: git stores a link as a blob (mode 120000) whose
 * content is the target. Read from the commit, not a working tree, because agents work in
 * worktrees checked out from it. One `cat-file --batch` reads every target at once.
 */
import { execa } from 'execa';
import { GitError } from '../core/index.js';
import type { Repo } from './repo.js';

export interface TrackedSymlink {
  readonly path: string;
  readonly target: string;
}

export async function listSymlinks(repo: Repo, commit: string): Promise<TrackedSymlink[]> {
  const tree = await repo.git(['ls-tree', '-r', '-z', '--full-tree', commit]);
  const links: { path: string; object: string }[] = [];
  for (const entry of tree.split('\0')) {
    // "<mode> <type> <object>\t<path>"
    const tab = entry.indexOf('\t');
    if (tab < 0 || !entry.startsWith('120000 ')) continue;
    const object = entry.slice(0, tab).split(' ')[2] ?? '';
    links.push({ path: entry.slice(tab + 1), object });
  }
  if (links.length === 0) return [];
  const args = ['cat-file', '--batch'];
  const result = await execa('git', [...repo.config.flatMap((c) => ['-c', c]), ...args], {
    cwd: repo.root,
    input: links.map((link) => `${link.object}\n`).join(''),
    encoding: 'buffer',
    reject: false,
  });
  if (result.exitCode !== 0) {
    throw new GitError({ args, stderr: Buffer.from(result.stderr).toString('utf8') });
  }
  const output = Buffer.from(result.stdout);
  const targets: TrackedSymlink[] = [];
  let offset = 0;
  for (const link of links) {
    // "<object> blob <size>\n<content>\n"
    const headerEnd = output.indexOf(0x0a, offset);
    const size = Number(output.subarray(offset, headerEnd).toString('latin1').split(' ')[2]);
    const start = headerEnd + 1;
    targets.push({
      path: link.path,
      target: output.subarray(start, start + size).toString('utf8'),
    });
    offset = start + size + 1;
  }
  return targets;
}
