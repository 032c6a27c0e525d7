Feature: Gates around merges: a conflict resolver and verify commands
  As someone who runs many agents on one codebase
  I want a resolver agent to settle merge conflicts, and my checks to run on each phase's result
  with one chance for an agent to repair them,
  so that conflicts do not stop the run and no phase builds on broken work.

  Background:
    Given a git repository with files:
      | path       | content     |
      | README.md  | # project\n |
      | shared.txt | original\n  |

  Scenario: The resolver settles a conflict between two phases
    Given a plan "plan.yaml":
      """
      version: 1
      merge:
        on_conflict: agent
        resolver:
          command: ["<node>", "<agents>/resolve-conflicts.mjs", "{conflicts}"]
      phases:
        - id: left
          prompt: "change shared.txt one way"
          agent:
            command: ["<node>", "<agents>/write-files.mjs", "shared.txt=left\n"]
        - id: right
          prompt: "change shared.txt another way"
          agent:
            command: ["<node>", "<agents>/write-files.mjs", "shared.txt=right\n"]
      """
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    And the run status is "succeeded"
    And the result branch has "shared.txt" containing "left\nright"

  Scenario: A failing check stops the phase's dependents and names the command
    Given a plan "plan.yaml":
      """
      version: 1
      phases:
        - id: build
          prompt: "write the value"
          agent:
            command: ["<node>", "<agents>/write-files.mjs", "value.txt=bad"]
          verify:
            - ["<node>", "<agents>/check-file.mjs", "value.txt", "ok"]
        - id: ship
          prompt: "use the value"
          depends_on: [build]
          agent:
            command: ["<node>", "<agents>/write-files.mjs", "shipped.txt=yes"]
      """
    When I run subplan with "run plan.yaml"
    Then it exits with code 1
    And stderr contains "[build] verify FAILED: "
    And stderr contains "check-file.mjs value.txt ok` exited with code 1"
    And stderr contains "[ship] skipped: build did not succeed"

  Scenario: The fix agent repairs a failing check and the dependents build on the repair
    Given a plan "plan.yaml":
      """
      version: 1
      phases:
        - id: build
          prompt: "write the value"
          agent:
            command: ["<node>", "<agents>/write-files.mjs", "value.txt=bad"]
          verify:
            - ["<node>", "<agents>/check-file.mjs", "value.txt", "ok"]
          fix:
            command: ["<node>", "<agents>/fix-from-output.mjs", "{verify_output}"]
        - id: ship
          prompt: "use the value"
          depends_on: [build]
          agent:
            command: ["<node>", "<agents>/write-files.mjs", "shipped.txt=yes"]
      """
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    And the tasks ended like this:
      | task   | status    |
      | build  | succeeded |
      | ship   | succeeded |
      | result | succeeded |
    And the result branch has "value.txt" containing "ok"
    And the result branch has "shipped.txt" containing "yes"
