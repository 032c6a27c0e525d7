import { describe, expect, it } from 'vitest';
import { OutputWatch, agentEnv, agentLaunch, usageReader } from '../../src/agents/index.js';
import type { AgentDefinition } from '../../src/plan/index.js';

const read = (format: Parameters<typeof usageReader>[0], lines: string[]) => {
  const reader = usageReader(format);
  for (const line of lines) reader.line(line);
  return reader.usage();
};

describe('usage readers', () => {
  it('ignores output that is not the format it expects', () => {
    for (const format of ['claude', 'codex', 'gemini', 'aider'] as const) {
      expect(
        read(format, [
          'plain text',
          '{"type":',
          '[1,2]',
          'null',
          '{"type":"result","total_cost_usd":-1}',
        ]),
      ).toEqual({});
    }
  });

  it('takes the last Claude Code result event, not a sum of repeated ones', () => {
    const result = (cost: number) =>
      JSON.stringify({
        type: 'result',
        total_cost_usd: cost,
        result: `r${cost}`,
        usage: { input_tokens: 10, output_tokens: 2 },
      });
    expect(read('claude', [result(0.5), result(0.75)])).toEqual({
      cost_usd: 0.75,
      tokens: { input: 10, output: 2 },
      final_message: 'r0.75',
    });
  });

  it('sums Codex turns and keeps the last agent message', () => {
    const turn = JSON.stringify({
      type: 'turn.completed',
      usage: { input_tokens: 100, output_tokens: 7 },
    });
    const message = (text: string) =>
      JSON.stringify({ type: 'item.completed', item: { type: 'agent_message', text } });
    expect(read('codex', [message('first'), turn, message('second'), turn])).toEqual({
      tokens: { input: 200, output: 14 },
      final_message: 'second',
    });
  });

  it('reads aider token counts with k and m suffixes and the session cost', () => {
    expect(
      read('aider', [
        'Tokens: 1.5k sent, 200 received. Cost: $0.01 message, $0.01 session.',
        'Tokens: 2m sent, 1.2k received. Cost: $0.50 message, $0.51 session.',
      ]),
    ).toEqual({ cost_usd: 0.51, tokens: { input: 2_001_500, output: 1400 } });
  });

  it('shortens a very long final message', () => {
    const long = 'x'.repeat(5000);
    const usage = read('claude', [JSON.stringify({ type: 'result', result: long })]);
    expect(usage.final_message?.length).toBe(2000);
  });
});

describe('output signals', () => {
  it('sees rate limits and retry patterns', () => {
    const watch = new OutputWatch(['^flaky network']);
    expect(watch.signals()).toEqual({ rateLimited: false, retryMatched: false });
    watch.line('error: 429 Too Many Requests');
    watch.line('flaky network, try again');
    expect(watch.signals()).toEqual({ rateLimited: true, retryMatched: true });
  });

  const rateLimited = (...lines: string[]) => {
    const watch = new OutputWatch([]);
    for (const line of lines) watch.line(line);
    return watch.signals().rateLimited;
  };

  it.each([
    'error: 429 Too Many Requests',
    'API Error: 429 {"type":"error","error":{"type":"rate_limit_error"}}',
    '{"type":"error","message":"exceeded retry limit, last status: 429 Too Many Requests"}',
    'Error: [429 Too Many Requests] Resource has been exhausted (e.g. check quota).',
    'litellm.RateLimitError: AnthropicException - Overloaded',
    'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    'request failed with HTTP 429',
    '{"status":429,"code":"RESOURCE_EXHAUSTED"}',
    'Rate limit exceeded. Try again in 20s.',
    'Error: rate limited, retry later',
  ])('sees a rate-limit error in %j', (line) => {
    expect(rateLimited('working…', line)).toBe(true);
  });

  it.each([
    'fixed 429 lint errors, 3 remain',
    'src/foo.ts:1429: error TS2322',
    'the rate limiter module was refactored',
    'rate-limit.ts: 3 tests failed',
    'tests failed',
    'the server was overloaded in the old design; added a queue',
    'handled too many requests by batching',
  ])('does not take %j for a rate limit', (line) => {
    expect(rateLimited('working…', line)).toBe(false);
  });

  it('only counts a rate-limit error among the last lines before the exit', () => {
    const later = Array.from({ length: 30 }, (_, i) => `step ${i}`);
    expect(rateLimited('error: 429 Too Many Requests', ...later)).toBe(false);
    expect(rateLimited(...later, 'error: 429 Too Many Requests', 'exiting')).toBe(true);
  });
});

describe('agent environment', () => {
  it('keeps the minimal base, the passed names and the set values only', () => {
    const env = agentEnv(
      { PATH: '/bin', HOME: '/h', LC_CTYPE: 'C', SECRET: 's', GIT_DIR: 'x', KEY: 'k' },
      { pass: ['KEY', 'ABSENT'], set: { MODE: 'ci' } },
      { run: 'r', phase: 'p', task: 't', worktree: '/w', branch: 'b' },
    );
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/h',
      LC_CTYPE: 'C',
      KEY: 'k',
      MODE: 'ci',
      SUBPLAN_RUN: 'r',
      SUBPLAN_PHASE: 'p',
      SUBPLAN_TASK: 't',
      SUBPLAN_WORKTREE: '/w',
      SUBPLAN_BRANCH: 'b',
    });
  });
});

describe('agent launch', () => {
  const agent = (
    program: AgentDefinition['program'],
    more: Partial<AgentDefinition> = {},
  ): AgentDefinition => ({
    program,
    extraArgs: [],
    envPass: [],
    envSet: {},
    retries: 0,
    rateLimit: { retries: 5, waitMs: 30_000 },
    ...more,
  });

  it('builds each preset from its documented flags, with model and extra args', () => {
    const argv = (preset: 'claude' | 'codex' | 'aider' | 'gemini', model?: string) => {
      const launch = agentLaunch(
        agent({ kind: 'preset', preset, ...(model && { model }) }, { extraArgs: ['--extra'] }),
      );
      return launch.kind === 'process' ? launch.argvTemplate : [];
    };
    expect(argv('claude', 'opus')).toEqual([
      'claude',
      '-p',
      '{prompt}',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'acceptEdits',
      '--model',
      'opus',
      '--extra',
    ]);
    expect(argv('codex')).toEqual([
      'codex',
      'exec',
      '--json',
      '--sandbox',
      'workspace-write',
      '--extra',
      '{prompt}',
    ]);
    expect(argv('aider', 'gpt-5')).toEqual([
      'aider',
      '--message',
      '{prompt}',
      '--yes-always',
      '--no-auto-commits',
      '--no-dirty-commits',
      '--no-gitignore',
      '--no-pretty',
      '--no-stream',
      '--no-check-update',
      '--model',
      'gpt-5',
      '--extra',
      '{files}',
    ]);
    expect(argv('gemini')).toEqual([
      'gemini',
      '-p',
      '{prompt}',
      '--output-format',
      'stream-json',
      '--approval-mode',
      'auto_edit',
      '--extra',
    ]);
  });

  it("passes a preset's own credentials and the plan's names", () => {
    const launch = agentLaunch(agent({ kind: 'preset', preset: 'codex' }, { envPass: ['EXTRA'] }));
    expect(launch.kind === 'process' && launch.envPass).toEqual([
      'OPENAI_API_KEY',
      'OPENAI_BASE_URL',
      'CODEX_HOME',
      'EXTRA',
    ]);
  });
});
