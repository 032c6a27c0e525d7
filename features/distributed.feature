Feature: Running agents on several machines
  As someone with more agents to run than one machine can hold
  I want `subplan worker` processes on other machines to take the agent tasks of my run,
  with the same bound on agents at once, the same branches and merges, and no lost work
  when a worker dies or a result arrives twice,
  so that a large change finishes sooner without giving up any of subplan's guarantees.

  Background:
    Given a git repository with a file for every path in "mod{01..15}/a.ts"

  Scenario: Fifteen subplans on three workers reach max_parallel exactly, never more, and all merge
    Given a Redis server, a shared git remote and 3 workers taking 4 tasks each
    And a barrier that releases agents once 10 of them wait together, for 15 agents in all
    And a plan "plan.yaml":
      """
      version: 1
      max_parallel: 10
      agent:
        command: ["<node>", "<agents>/barrier.mjs", "<barrier>", "{subplan}", "out/{subplan}.txt"]
      decompose:
        max_files_per_subplan: 1
        min_files_per_subplan: 1
        max_children: 16
      phases:
        - id: api
          prompt: "update every module"
          files: ["mod*/**"]
          decompose: true
      """
    When I run subplan on the workers with "run plan.yaml --json"
    Then it exits with code 0
    And 15 agent tasks succeeded
    And the barrier held 10 agents at once
    And the peak concurrency was 10
    And at most 10 agents ran at once
    And more than one worker ran agents
    And the result branch has "out/{subplan}.txt" for every agent task

  Scenario: A worker killed in the middle of a task: the task is re-delivered and the run completes
    Given a Redis server, a shared git remote and 3 workers taking 4 tasks each, which give the tasks of a worker silent for 6 seconds to another
    And a plan "plan.yaml":
      """
      version: 1
      max_parallel: 3
      agent:
        command: ["<node>", "<agents>/counted.mjs", "<scratch>", "{phase}", "{prompt}", "two"]
      phases:
        - { id: one, prompt: "one" }
        - { id: two, prompt: "two" }
        - { id: three, prompt: "three" }
      """
    When I start subplan on the workers with "run plan.yaml --json"
    And the worker that started "two" is killed with kill -9
    And I release the agent of "two"
    And the run has finished
    Then it exits with code 0
    And 3 agent tasks succeeded
    And "two" was started again by another worker
    And the result branch contains these files:
      | out/one.txt   |
      | out/two.txt   |
      | out/three.txt |

  Scenario: A second result for a finished task is ignored
    Given a Redis server, a shared git remote and 3 workers taking 4 tasks each
    And a plan "plan.yaml":
      """
      version: 1
      max_parallel: 2
      phases:
        - id: fast
          prompt: "fast"
          agent:
            command: ["<node>", "<agents>/write-files.mjs", "out/fast.txt=first result"]
        - id: slow
          prompt: "waits until the test lets it finish"
          agent:
            command: ["<node>", "<agents>/fail-after-file.mjs", "<scratch>/go", "0"]
      """
    When I start subplan on the workers with "run plan.yaml --json"
    And the coordinator has taken the result of "fast"
    And a second result for "fast" arrives from another worker
    And I create the file "<scratch>/go"
    And the run has finished
    Then it exits with code 0
    And 2 agent tasks succeeded
    And stderr contains "ignored a second result for job"
    And the result branch has "out/fast.txt" containing "first result"
