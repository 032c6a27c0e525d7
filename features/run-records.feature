Feature: Run records
  As someone who runs plans again and again in one repository
  I want to see my runs and their tasks, to remove the runs I no longer need,
  and not to pay twice for work an agent has already done,
  so that I know what happened and what is still going on, and my repository stays tidy.

  Background:
    Given a git repository
    And a plan "plan.yaml":
      """
      version: 1
      name: shop
      max_parallel: 2
      agent:
        command: ["<node>", "<agents>/counted.mjs", "<scratch>", "{subplan}", "{prompt}", "app", "fail"]
      phases:
        - { id: data, prompt: "add the data layer" }
        - { id: docs, prompt: "write the docs" }
        - { id: api, prompt: "build the api on the data layer", depends_on: [data] }
        - { id: app, prompt: "put it all together", depends_on: [docs, api] }
      """

  Scenario: A second identical run is served from the cache without running any agent, and --no-cache runs them all
    Given I release the agent of "app"
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    And no task was served from the cache
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    And every agent task was served from the cache
    And the agents have run this many times in all:
      | agent | runs |
      | data  | 1    |
      | docs  | 1    |
      | api   | 1    |
      | app   | 1    |
    And the result branch holds the same files as the result of the first run
    And the branch of "data" still holds its commit with "out/data.txt" containing "add the data layer"
    And the results of the first run are kept reachable under "refs/subplan/cache/"
    When I run subplan with "run plan.yaml --no-cache --json"
    Then it exits with code 0
    And no task was served from the cache
    And the agents have run this many times in all:
      | agent | runs |
      | data  | 2    |
      | docs  | 2    |
      | api   | 2    |
      | app   | 2    |

  Scenario: subplan status shows every task of a finished run, and changes nothing
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 1
    Given I note the run's record
    When I run subplan with "status <run> --json"
    Then it exits with code 0
    And the status shows the run as "failed", with these tasks:
      | task     | status    |
      | data     | succeeded |
      | docs     | succeeded |
      | api      | succeeded |
      | app.base | succeeded |
      | app      | failed    |
      | result   | skipped   |
    And the status counts 0 agents running, and the run's process as alive
    And the status agrees with the run's summary on every task's branch, commit and attempts
    When I run subplan with "status"
    Then it exits with code 0
    And stdout contains "of shop: failed"
    And stdout contains "app: the agent exited with code 3"
    And stdout contains "(its worktree is kept: "
    And stdout contains ".subplan/worktrees/"
    And the run's record is unchanged

  Scenario: subplan list shows the runs of the repository, oldest first
    When I run subplan with "list --json"
    Then it exits with code 0
    And the list is empty
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 1
    Given I release the agent of "app"
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    When I run subplan with "list --json"
    Then it exits with code 0
    And the list shows the runs of this scenario, oldest first:
      | plan | status    |
      | shop | failed    |
      | shop | succeeded |

  Scenario: subplan clean removes a run's worktrees, branches and record, and nothing of mine
    Given I note the state of my checkout
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 1
    And the run left branches, worktrees and its record in the repository
    When I run subplan with "clean <run> --json"
    Then it exits with code 0
    And clean reports the run cleaned, with 5 branches and 1 worktree, and the worktree pool emptied
    And nothing of the run is left in the repository
    And my checkout is unchanged
    When I run subplan with "list --json"
    Then it exits with code 0
    And the list is empty

  @spawn
  Scenario: A run that is still going is shown as such, and clean leaves it alone until it ends
    Given a plan "held.yaml":
      """
      version: 1
      name: shop
      max_parallel: 2
      agent:
        command: ["<node>", "<agents>/counted.mjs", "<scratch>", "{subplan}", "{prompt}", "app", "wait"]
      phases:
        - { id: data, prompt: "add the data layer" }
        - { id: docs, prompt: "write the docs" }
        - { id: api, prompt: "build the api on the data layer", depends_on: [data] }
        - { id: app, prompt: "put it all together", depends_on: [docs, api] }
      """
    When I start subplan with "run held.yaml --json"
    And the agent of "app" is waiting to be released
    And I run subplan with "status --json"
    Then it exits with code 0
    And the status shows the run as "running", with these tasks:
      | task     | status    |
      | data     | succeeded |
      | docs     | succeeded |
      | api      | succeeded |
      | app.base | succeeded |
      | app      | running   |
      | result   | pending   |
    And the status counts 1 agent running, and the run's process as alive
    When I run subplan with "clean --all --json"
    Then it exits with code 0
    And clean cleaned nothing and left the run alone, naming the subplan running in the background
    And the run is still in the repository
    When I release the agent of "app"
    And subplan has exited
    Then it exits with code 0
    When I run subplan with "clean --all --json"
    Then it exits with code 0
    And clean reports the run cleaned, with 6 branches and 0 worktrees, and the worktree pool emptied
    And nothing of the run is left in the repository
    And no agent process is left running
