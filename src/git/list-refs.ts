/** Every ref under a prefix with the commit it points at. */
import type { Repo } from './repo.js';

export async function listRefs(repo: Repo, prefix: string): Promise<Map<string, string>> {
  const out = await repo.git(['for-each-ref', '--format=%(refname) %(objectname)', prefix]);
  const refs = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [ref, commit] = line.split(' ');
    if (ref && commit) refs.set(ref, commit);
  }
  return refs;
}

/** Points `ref` at `commit`, or deletes it when `commit` is undefined. */
export async function restoreRef(
  repo: Repo,
  ref: string,
  commit: string | undefined,
): Promise<void> {
  await repo.git(commit === undefined ? ['update-ref', '-d', ref] : ['update-ref', ref, commit]);
}
