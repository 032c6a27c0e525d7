/**
 * Kills processes an agent started that left its process group: `setsid`, a daemonizing tool,
 * or Node's `detached: true` puts a grandchild in a new session, where a signal to the agent's
 * group no longer reaches it, and it could keep writing into the worktree while subplan commits.
 * Every agent gets a unique `SUBPLAN_AGENT_ID` in its environment, which its descendants inherit;
 * on Linux, `/proc/<pid>/environ` finds them wherever they went. Elsewhere (no `/proc`) this does
 * nothing and only the process group is killed.
 */
import { readFile, readdir } from 'node:fs/promises';

export const AGENT_ID_VARIABLE = 'SUBPLAN_AGENT_ID';

/** Rounds of scanning: a process may fork between one scan and its kill. */
const ROUNDS = 5;

/** SIGKILLs every process whose environment holds `SUBPLAN_AGENT_ID=<agentId>`; returns how many. */
export async function killEscaped(agentId: string): Promise<number> {
  const entry = Buffer.from(`${AGENT_ID_VARIABLE}=${agentId}\0`);
  let killed = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const found = await findByEnvironment(entry);
    if (found.length === 0) break;
    for (const pid of found) {
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch {
        // Already gone.
      }
    }
  }
  return killed;
}

async function findByEnvironment(entry: Buffer): Promise<number[]> {
  const names = await readdir('/proc').catch(() => [] as string[]);
  const found: number[] = [];
  await Promise.all(
    names.map(async (name) => {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid === process.pid) return;
      const environ = await readFile(`/proc/${name}/environ`).catch(() => undefined);
      // A zombie's environ is empty: it has exited and needs no kill.
      if (environ && environ.includes(entry)) found.push(pid);
    }),
  );
  return found;
}
