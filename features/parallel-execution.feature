Feature: Parallel execution
  As someone running a large change with many agents
  I want subplan to run as many agents at once as I allow, and never more,
  starting each phase as soon as the phases it depends on are merged,
  so that the change finishes sooner without overloading my machine.

  Background:
    Given a git repository

  Scenario: Fifteen independent phases reach max_parallel exactly and never exceed it
    Given a barrier that releases agents once 10 of them wait together, for 15 agents in all
    And a plan "plan.yaml":
      """
      version: 1
      max_parallel: 10
      agent:
        command: ["<node>", "<agents>/barrier.mjs", "<barrier>", "{phase}", "out/{phase}.txt"]
      phases:
        - { id: p01, prompt: "work p01" }
        - { id: p02, prompt: "work p02" }
        - { id: p03, prompt: "work p03" }
        - { id: p04, prompt: "work p04" }
        - { id: p05, prompt: "work p05" }
        - { id: p06, prompt: "work p06" }
        - { id: p07, prompt: "work p07" }
        - { id: p08, prompt: "work p08" }
        - { id: p09, prompt: "work p09" }
        - { id: p10, prompt: "work p10" }
        - { id: p11, prompt: "work p11" }
        - { id: p12, prompt: "work p12" }
        - { id: p13, prompt: "work p13" }
        - { id: p14, prompt: "work p14" }
        - { id: p15, prompt: "work p15" }
      """
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    And 15 agent tasks succeeded
    And the barrier held 10 agents at once
    And the peak concurrency was 10
    And at most 10 agents ran at once
    And the result branch contains "out/{phase}.txt" for every agent task

  Scenario: With max_parallel 1 the agents run strictly one at a time
    Given a plan "plan.yaml":
      """
      version: 1
      max_parallel: 1
      agent:
        command: ["<node>", "<agents>/sleep.mjs", "150", "{phase}"]
      phases:
        - { id: one, prompt: "first" }
        - { id: two, prompt: "second" }
        - { id: three, prompt: "third" }
        - { id: four, prompt: "fourth" }
      """
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    And 4 agent tasks succeeded
    And no two agents ran at the same time
    And the peak concurrency was 1
    And the result branch contains these files:
      | done/one   |
      | done/two   |
      | done/three |
      | done/four  |

  Scenario: A diamond runs its two middle phases together, on top of the first, and joins them
    Given a barrier that releases agents once 2 of them wait together, for 2 agents in all
    And a plan "plan.yaml":
      """
      version: 1
      max_parallel: 4
      agent:
        command: ["<node>", "<agents>/barrier.mjs", "<barrier>", "{phase}", "out/{phase}.txt"]
      phases:
        - id: a
          prompt: "lay the ground"
          agent:
            command: ["<node>", "<agents>/write-files.mjs", "out/a.txt=from a"]
        - id: b
          prompt: "left side"
          depends_on: [a]
        - id: c
          prompt: "right side"
          depends_on: [a]
        - id: d
          prompt: "join both sides"
          depends_on: [b, c]
          agent:
            command: ["<node>", "<agents>/write-files.mjs", "out/d.txt=from d"]
      """
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    And the barrier held 2 agents at once
    And "b" and "c" ran at the same time
    And "b" started only after "a" had finished
    And "c" started only after "a" had finished
    And "b" started from a commit containing "out/a.txt"
    And "c" started from a commit containing "out/a.txt"
    And "d" started only after "b" had finished
    And "d" started only after "c" had finished
    And "d" started from a commit containing "out/b.txt"
    And "d" started from a commit containing "out/c.txt"
    And the result branch contains these files:
      | out/a.txt |
      | out/b.txt |
      | out/c.txt |
      | out/d.txt |

  Scenario: A long chain declared last starts first when the estimates say it is longer
    Given a plan "plan.yaml":
      """
      version: 1
      max_parallel: 1
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{phase}.txt=done"]
      phases:
        - { id: s1, prompt: "short one", estimate: 1s }
        - { id: s2, prompt: "short two", estimate: 1s }
        - { id: s3, prompt: "short three", estimate: 1s }
        - { id: s4, prompt: "short four", estimate: 1s }
        - { id: x1, prompt: "chain, step one", estimate: 10s }
        - { id: x2, prompt: "chain, step two", estimate: 10s, depends_on: [x1] }
        - { id: x3, prompt: "chain, step three", estimate: 10s, depends_on: [x2] }
      """
    When I preview "plan.yaml"
    Then it exits with code 0
    And the preview lists "x1" first
    And the preview gives the critical path "x1, x2, x3, result"
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    And the first agent to start was "x1"
    And the agents started in the order "x1, x2, x3, s1, s2, s3, s4"
