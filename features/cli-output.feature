Feature: CLI output
  As someone reading subplan's output, or feeding it to another program
  I want --json to give pure NDJSON ending in a summary, and plain runs to give whole prefixed lines,
  so that scripts can parse the run and people can tell which agent said what.

  Background:
    Given a git repository
    And a plan "plan.yaml":
      """
      version: 1
      max_parallel: 2
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{phase}.txt=done"]
      phases:
        - { id: first, prompt: "first" }
        - { id: second, prompt: "second" }
        - { id: third, prompt: "third", depends_on: [first, second] }
      """

  Scenario: --json makes stdout pure NDJSON ending with the summary
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    And every line of stdout is a JSON object
    And the last line of stdout is the summary with schema version 1
    And every task in the summary has the fields:
      | id          |
      | phase       |
      | kind        |
      | status      |
      | started_at  |
      | finished_at |
      | attempts    |
      | branch      |
      | commit      |
    And every timestamp is ISO-8601 in UTC with milliseconds

  Scenario: --json still ends with the summary when a task fails
    Given a plan "failing.yaml":
      """
      version: 1
      agent:
        command: ["<node>", "<agents>/exit-nonzero.mjs", "5"]
      phases:
        - { id: doomed, prompt: "fails" }
      """
    When I run subplan with "run failing.yaml --json"
    Then it exits with code 1
    And every line of stdout is a JSON object
    And the last line of stdout is the summary with schema version 1
    And task "doomed" is "failed"
    And every timestamp is ISO-8601 in UTC with milliseconds

  Scenario: Without --json, stdout stays empty and agent output is prefixed with its phase on stderr
    When I run subplan with "run plan.yaml"
    Then it exits with code 0
    And stdout is empty
    And stderr has the line "[first] wrote out/first.txt"
    And stderr has the line "[second] wrote out/second.txt"
    And stderr has the line "[third] wrote out/third.txt"
    And no line of stderr starts with "wrote"
