Feature: Failures
  As someone running a plan whose agents can fail
  I want a failure to stop exactly the work that depends on it, or everything when I ask for that,
  and Ctrl-C to stop every agent,
  so that no broken result is merged and no agent keeps running behind my back.

  Background:
    Given a git repository

  Scenario: Under on_failure continue, dependents of a failed phase are skipped and independent work still succeeds
    Given a plan "plan.yaml":
      """
      version: 1
      max_parallel: 1
      on_failure: continue
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{phase}.txt=done"]
      phases:
        - id: broken
          prompt: "this agent fails"
          estimate: 10m
          agent:
            command: ["<node>", "<agents>/exit-nonzero.mjs", "3"]
        - id: needs-broken
          prompt: "builds on broken"
          depends_on: [broken]
          estimate: 1s
        - id: needs-needs-broken
          prompt: "builds on needs-broken"
          depends_on: [needs-broken]
          estimate: 1s
        - id: independent
          prompt: "unrelated work"
          estimate: 1s
      """
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 1
    And the run status is "failed"
    And there is no result branch
    And the tasks ended like this:
      | task               | status    |
      | broken             | failed    |
      | needs-broken       | skipped   |
      | needs-needs-broken | skipped   |
      | independent        | succeeded |
      | result             | skipped   |
    And "independent" started only after "broken" had finished
    And the branch of "independent" still holds its commit with "out/independent.txt" containing "done"

  Scenario Outline: Fail-fast (<how>) cancels the running agent, kills it, and cancels everything queued
    Given a plan "plan.yaml":
      """
      version: 1
      max_parallel: 2
      on_failure: <policy>
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{phase}.txt=done"]
      phases:
        - id: long
          prompt: "runs until it is stopped"
          estimate: 10m
          agent:
            command: ["<node>", "<agents>/sleep-forever.mjs", "<scratch>/long.pid"]
        - id: broken
          prompt: "fails once long is surely running"
          estimate: 10m
          agent:
            command: ["<node>", "<agents>/fail-after-file.mjs", "<scratch>/long.pid", "3"]
        - { id: queued-1, prompt: "waits for a free slot", estimate: 1s }
        - { id: queued-2, prompt: "waits for a free slot", estimate: 1s }
        - { id: after-broken, prompt: "builds on broken", estimate: 1s, depends_on: [broken] }
      """
    When I run subplan with "run plan.yaml --json <flags>"
    Then it exits with code 1
    And the run status is "failed"
    And there is no result branch
    And the tasks ended like this:
      | task         | status    |
      | long         | cancelled |
      | broken       | failed    |
      | queued-1     | cancelled |
      | queued-2     | cancelled |
      | after-broken | cancelled |
      | result       | cancelled |
    And the agent processes listed in "<scratch>/long.pid" are no longer running

    Examples:
      | how                       | policy    | flags       |
      | the --fail-fast flag      | continue  | --fail-fast |
      | on_failure in the plan    | fail-fast |             |

  @spawn
  Scenario: Ctrl-C stops the run with exit code 130 and leaves no agent process behind
    Given a plan "plan.yaml":
      """
      version: 1
      agent:
        command: ["<node>", "<agents>/spawn-grandchild.mjs", "<scratch>/agent.pid"]
      phases:
        - { id: forever, prompt: "starts a helper process and never ends" }
      """
    When I start subplan with "run plan.yaml --json"
    And the agent has written its pid to "<scratch>/agent.pid"
    And I press Ctrl-C
    And subplan has exited
    Then it exits with code 130
    And the run status is "interrupted"
    And task "forever" is "cancelled"
    And the agent processes listed in "<scratch>/agent.pid" are no longer running
