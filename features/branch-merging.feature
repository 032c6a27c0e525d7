Feature: Branch merging
  As someone whose agents work on separate branches
  I want subplan to merge their branches for me, stop with a clear report when two of them conflict,
  and never touch my own checkout,
  so that I keep every finished piece of work and can fix a conflict by hand.

  Background:
    Given a git repository with files:
      | path       | content     |
      | README.md  | # project\n |
      | shared.txt | original\n  |

  Scenario: Two sibling phases that change the same file differently stop the run with a conflict
    Given a plan "plan.yaml":
      """
      version: 1
      max_parallel: 2
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{phase}.txt=done"]
      phases:
        - id: setup
          prompt: "prepare"
        - id: left
          prompt: "change shared.txt one way"
          depends_on: [setup]
          agent:
            command: ["<node>", "<agents>/write-files.mjs", "shared.txt=left\n"]
        - id: right
          prompt: "change shared.txt another way"
          depends_on: [setup]
          agent:
            command: ["<node>", "<agents>/write-files.mjs", "shared.txt=right\n"]
      """
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 3
    And the run status is "conflict"
    And there is no result branch
    And the tasks ended like this:
      | task   | status    |
      | setup  | succeeded |
      | left   | succeeded |
      | right  | succeeded |
      | result | conflict  |
    And the branch of "left" still holds its commit with "shared.txt" containing "left\n"
    And the branch of "right" still holds its commit with "shared.txt" containing "right\n"
    And the branch of "setup" still holds its commit with "out/setup.txt" containing "done"
    When I run subplan with "run plan.yaml"
    Then it exits with code 3
    And a line of stderr mentions "left", "right" and "shared.txt"

  Scenario: A phase joining two conflicting phases is not started, and their work is kept
    Given a plan "plan.yaml":
      """
      version: 1
      max_parallel: 2
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{phase}.txt=done"]
      phases:
        - id: left
          prompt: "change shared.txt one way"
          agent:
            command: ["<node>", "<agents>/write-files.mjs", "shared.txt=left\n"]
        - id: right
          prompt: "change shared.txt another way"
          agent:
            command: ["<node>", "<agents>/write-files.mjs", "shared.txt=right\n"]
        - id: join
          prompt: "use both"
          depends_on: [left, right]
      """
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 3
    And the run status is "conflict"
    And the tasks ended like this:
      | task      | status    |
      | left      | succeeded |
      | right     | succeeded |
      | join.base | conflict  |
      | join      | skipped   |
      | result    | skipped   |
    And the branch of "left" still holds its commit with "shared.txt" containing "left\n"
    And the branch of "right" still holds its commit with "shared.txt" containing "right\n"
    When I run subplan with "run plan.yaml"
    Then it exits with code 3
    And a line of stderr mentions "left", "right" and "shared.txt"

  Scenario: A run leaves my checkout clean and on its branch
    Given a plan "plan.yaml":
      """
      version: 1
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{phase}.txt=done", "shared.txt=changed by {phase}\n"]
      phases:
        - { id: only, prompt: "change things" }
      """
    And I commit everything in my checkout
    And I note the state of my checkout
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    And the result branch has "shared.txt" containing "changed by only\n"
    And my checkout is clean and on branch "main"
    And my checkout is unchanged
    And "shared.txt" in my checkout still contains "original\n"

  Scenario: Uncommitted changes in my checkout survive a run
    Given a plan "plan.yaml":
      """
      version: 1
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{phase}.txt=done", "shared.txt=changed by {phase}\n"]
      phases:
        - { id: only, prompt: "change things" }
      """
    And I commit everything in my checkout
    And I change "shared.txt" to "my own edit, not committed\n" without committing
    And an untracked file "notes.txt" in my checkout
    And I note the state of my checkout
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    And my checkout is unchanged
    And "shared.txt" in my checkout still contains "my own edit, not committed\n"
    And the result branch has "shared.txt" containing "changed by only\n"
    And the result branch contains "out/only.txt"
