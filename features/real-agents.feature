Feature: Real coding agents
  As an engineer who drives Claude Code, Codex, Aider or Gemini
  I want subplan to run each CLI headless with its documented flags, keep my secrets to myself,
  and watch what agents spend and touch,
  so that many agents can work at once without surprises on my bill or in my repository.

  The CLIs here are stand-ins first on PATH: small programs that record how they were called,
  print the real CLI's kind of event stream, and edit files.

  Background:
    Given a git repository with files:
      | path       | content |
      | src/app.ts | app     |
    And the agent CLIs are stand-ins on PATH

  Scenario: Claude Code runs headless, and its cost and tokens are reported
    Given a plan "plan.yaml":
      """
      version: 1
      phases:
        - id: fix
          prompt: "Fix the bug"
          agent: { preset: claude, model: sonnet, env: [STANDIN_RECORD_DIR] }
      """
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    And claude was called with:
      """
      -p|Fix the bug|--output-format|stream-json|--verbose|--permission-mode|acceptEdits|--model|sonnet
      """
    And the summary reports task "fix" cost $0.0123 with 1500 input and 150 output tokens
    And the result branch contains "notes/fix.md"

  Scenario: an agent sees only the environment its definition gives it
    Given subplan's environment has "SECRET_TOKEN" set to "hunter2"
    And subplan's environment has "TEAM_TOKEN" set to "shared"
    And a plan "plan.yaml":
      """
      version: 1
      phases:
        - id: fix
          prompt: "Fix"
          agent:
            preset: codex
            env: [STANDIN_RECORD_DIR, TEAM_TOKEN]
            env_set: { MODE: ci }
      """
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    And codex saw "TEAM_TOKEN" as "shared"
    And codex saw "MODE" as "ci"
    And codex did not see "SECRET_TOKEN"

  Scenario: a spent budget stops new agent tasks and says so
    Given a plan "plan.yaml":
      """
      version: 1
      max_parallel: 1
      budget_usd: 0.02
      agent: { preset: claude, env: [STANDIN_RECORD_DIR] }
      phases:
        - { id: one, prompt: "1" }
        - { id: two, prompt: "2", depends_on: [one] }
        - { id: three, prompt: "3", depends_on: [two] }
      """
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 1
    And claude was called 2 times
    And the task "three" was cancelled because "not started: the run spent its budget (budget_usd)"
    And a warning says "budget spent"

  Scenario: a rate-limited agent waits and succeeds without using up its retries
    Given subplan's environment has "STANDIN_RATE_LIMITS" set to "2"
    And a plan "plan.yaml":
      """
      version: 1
      phases:
        - id: fix
          prompt: "Fix"
          agent:
            preset: gemini
            retries: 0
            rate_limit: { wait: 20ms }
            env: [STANDIN_RECORD_DIR, STANDIN_RATE_LIMITS]
      """
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    And gemini was called 3 times
    And a warning says "was rate-limited"

  Scenario: a task that strays outside its scope fails when scope is strict
    Given subplan's environment has "STANDIN_OUTSIDE" set to "package.json"
    And a plan "plan.yaml":
      """
      version: 1
      phases:
        - id: careful
          prompt: "Only src"
          files: ["src/**", "notes/**"]
          scope: strict
          agent: { preset: aider, env: [STANDIN_RECORD_DIR, STANDIN_OUTSIDE] }
      """
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 1
    And the task "careful" failed because "the agent changed 1 file(s) outside its scope: package.json"
