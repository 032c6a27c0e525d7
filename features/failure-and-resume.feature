Feature: Failures and resume
  As someone running a plan whose agents can fail, and whose runs can be stopped
  I want a failure to stop exactly the work that depends on it, or everything when I ask for that,
  Ctrl-C to stop every agent, and a stopped run to continue without redoing finished work,
  so that no broken result is merged, no agent keeps running behind my back,
  and no agent's paid-for work is lost.

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

  Rule: A stopped run continues where it stopped, and finished work is never done twice

    Background:
      Given a plan "plan.yaml":
        """
        version: 1
        max_parallel: 2
        agent:
          command: ["<node>", "<agents>/counted.mjs", "<scratch>", "{subplan}", "{prompt}", "api"]
        phases:
          - { id: data, prompt: "add the data layer" }
          - { id: docs, prompt: "write the docs" }
          - { id: api, prompt: "build the api on the data layer", depends_on: [data] }
          - { id: app, prompt: "put it all together", depends_on: [docs, api] }
        """

    @spawn
    Scenario: After Ctrl-C, resume finishes the run with the result an uninterrupted run gives
      When I start subplan with "run plan.yaml --json"
      And subplan has recorded that "data" and "docs" succeeded
      And the agent of "api" is waiting to be released
      And I press Ctrl-C
      And subplan has exited
      Then it exits with code 130
      And the run status is "interrupted"
      And the tasks ended like this:
        | task     | status    |
        | data     | succeeded |
        | docs     | succeeded |
        | api      | cancelled |
        | app.base | cancelled |
        | app      | cancelled |
        | result   | cancelled |
      When I release the agent of "api"
      And I run subplan with "resume <run> --json"
      Then it exits with code 0
      And the run status is "succeeded"
      And the resume kept "data, docs" and ran "api, app.base, app, result" again
      And the agents have run this many times in all:
        | agent | runs |
        | data  | 1    |
        | docs  | 1    |
        | api   | 2    |
        | app   | 1    |
      And the result branch contains "out/{phase}.txt" for every agent task
      When I run subplan with "run plan.yaml --no-cache --json"
      Then it exits with code 0
      And the result branch holds the same files as the result of the resumed run
      And no agent process is left running

    @spawn
    Scenario: After kill -9 of subplan, resume stops the agent it left behind and runs no finished task again
      When I start subplan with "run plan.yaml --json"
      And subplan has recorded that "data" and "docs" succeeded
      And the agent of "api" is waiting to be released
      And subplan has recorded the process of the agent of "api"
      And I kill subplan with SIGKILL
      Then the agent of "api" is still running, left behind by the killed subplan
      When I run subplan with "status"
      Then it exits with code 0
      And stdout contains "running, but its process is gone"
      When I run subplan with "list"
      Then it exits with code 0
      And stdout contains "running, but its process is gone"
      When I run subplan with "list --json"
      Then it exits with code 0
      And the list shows the run as "running", with its process gone
      When I start subplan with "resume <run> --json"
      And the agent of "api" is waiting to be released again
      Then the agent left behind by the killed subplan is no longer running
      When I release the agent of "api"
      And subplan has exited
      Then it exits with code 0
      And the run status is "succeeded"
      And the resume kept "data, docs" and ran "api, app.base, app, result" again
      And the agents have run this many times in all:
        | agent | runs |
        | data  | 1    |
        | docs  | 1    |
        | api   | 2    |
        | app   | 1    |
      And no agent process is left running

    @spawn
    Scenario: While one subplan resumes a run, a second resume of it is refused and names the first
      When I start subplan with "run plan.yaml --json"
      And the agent of "api" is waiting to be released
      And I press Ctrl-C
      And subplan has exited
      Then it exits with code 130
      When I start subplan with "resume <run> --json"
      And the agent of "api" is waiting to be released again
      And I run subplan with "resume <run>"
      Then it exits with code 2
      And stderr names the subplan running in the background as the holder of the run
      And the agent of "api" is still waiting to be released
      When I release the agent of "api"
      And subplan has exited
      Then it exits with code 0
      And the run status is "succeeded"
      And no agent process is left running

  Rule: Resume does not continue from a record it cannot trust, and says how to go on

    Background:
      Given a plan "plan.yaml":
        """
        version: 1
        max_parallel: 2
        agent:
          command: ["<node>", "<agents>/counted.mjs", "<scratch>", "{subplan}", "{prompt}", "app", "fail"]
        phases:
          - { id: data, prompt: "add the data layer" }
          - { id: docs, prompt: "write the docs" }
          - { id: api, prompt: "build the api on the data layer", depends_on: [data] }
          - { id: app, prompt: "put it all together", depends_on: [docs, api] }
        """
      And I run subplan with "run plan.yaml --json"
      And it exits with code 1
      And task "app" is "failed"

    Scenario Outline: A state file <damage> is moved aside, and --reset-state rebuilds it from the run's events
      When the run's state file is <damage>
      And I run subplan with "resume <run>"
      Then it exits with code 2
      And the damaged state file was moved aside to "state.json.corrupt-<timestamp>", as stderr says
      And stderr contains "--reset-state"
      When I release the agent of "app"
      And I run subplan with "resume <run> --reset-state --json"
      Then it exits with code 0
      And the run status is "succeeded"
      And the resume kept "data, docs, api, app.base" and ran "app, result" again
      And the agents have run this many times in all:
        | agent | runs |
        | data  | 1    |
        | docs  | 1    |
        | api   | 1    |
        | app   | 2    |

      Examples:
        | damage                            |
        | cut off halfway                   |
        | replaced by text that is not JSON |
        | marked with schema version 99     |

    Scenario: A changed plan is refused, and with --allow-plan-mismatch only the changed phase and what builds on it run again
      When I change the prompt of "data" in "plan.yaml" to "add the data layer, with caching"
      And I release the agent of "app"
      And I run subplan with "resume <run>"
      Then it exits with code 2
      And stderr contains "phases changed: data"
      When I run subplan with "resume <run> --allow-plan-mismatch --json"
      Then it exits with code 0
      And the run status is "succeeded"
      And the resume kept "docs" and ran "data, api, app.base, app, result" again
      And the agents have run this many times in all:
        | agent | runs |
        | data  | 2    |
        | docs  | 1    |
        | api   | 2    |
        | app   | 2    |
      And the result branch has "out/data.txt" containing "add the data layer, with caching"

    Scenario: An event cut short by a crash does not hide the events that resume records after it
      When the last line of the run's event log is cut short, as a crash while writing it leaves it
      And I release the agent of "app"
      And I run subplan with "resume <run> --json"
      Then it exits with code 0
      When the run's state file is lost
      And I run subplan with "status <run> --json"
      Then it exits with code 0
      And the status shows the run as "succeeded", with these tasks:
        | task     | status    |
        | data     | succeeded |
        | docs     | succeeded |
        | api      | succeeded |
        | app.base | succeeded |
        | app      | succeeded |
        | result   | succeeded |
