#!/usr/bin/env node
// `npm run demo`: copies plans/demo-project into a scratch git repository, runs plans/demo.yaml
// there with the built-in demo agent, and prints the result branch's history.
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = await mkdtemp(join(tmpdir(), 'subplan-demo-'));
await cp(join(root, 'plans', 'demo-project'), scratch, { recursive: true });
const git = (...args) => execa('git', args, { cwd: scratch });
await git('init', '--quiet', '--initial-branch=main');
await git('add', '--all');
await git('-c', 'user.name=subplan demo', '-c', 'user.email=demo@localhost', 'commit', '--quiet', '-m', 'demo project');

process.stderr.write(`demo repository: ${scratch}\n\n`);
const run = await execa(process.execPath, [join(root, 'bin', 'subplan.js'), 'run', join(root, 'plans', 'demo.yaml'), '--repo', scratch], {
  stdio: 'inherit',
  reject: false,
  env: { SUBPLAN_DEMO_DELAY_MS: process.env.SUBPLAN_DEMO_DELAY_MS ?? '700' },
});
if (run.exitCode !== 0) process.exit(run.exitCode ?? 1);

const { stdout: branch } = await git('for-each-ref', '--format=%(refname:short)', 'refs/heads/subplan/*/result');
process.stderr.write(`\nhistory of ${branch}:\n`);
await execa('git', ['log', '--graph', '--oneline', '--decorate=short', branch.trim()], { cwd: scratch, stdio: 'inherit' });
process.stderr.write(`\nfiles changed on ${branch.trim()}:\n`);
await execa('git', ['diff', '--stat', 'main', branch.trim()], { cwd: scratch, stdio: 'inherit' });
