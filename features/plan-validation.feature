Feature: Plan validation
  As someone writing a plan file by hand
  I want every mistake reported at its place in my file, as file:line:col: message,
  so that I can fix the plan before any agent runs.

  Background:
    Given a git repository

  Scenario Outline: <problem> is reported at its place, with exit code 2 and no stack trace
    Given a plan "plan.yaml":
      """
      version: 1
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{phase}.txt=done"]
      <top>
      phases:
        - id: first
          prompt: "the first phase"
          <key>
        - id: second
          prompt: "the second phase"
          depends_on: [first]
      """
    When I validate "plan.yaml"
    Then it exits with code 2
    And the error is reported as 'plan.yaml:<position>: <message>'
    And every problem is reported as file:line:col: message
    And no stack trace is printed

    Examples:
      | problem                   | top                 | key                     | position | message                                                                                |
      | an unknown key            | max_parallel: 2     | promtp: "typo"          | 8:5      | unknown key `promtp` (did you mean `prompt`?)                                          |
      | a wrong type              | max_parallel: 2     | depends_on: second      | 8:17     | expected `depends_on` to be a list, got `"second"`                                     |
      | a bad duration            | max_parallel: 2     | estimate: "5 minutes"   | 8:15     | `estimate`: expected a duration such as `30s`, `20m`, `2h` or `1h30m`, got `"5 minutes"` |
      | a missing dependency      | max_parallel: 2     | depends_on: [nowhere]   | 8:18     | `first` depends on `nowhere`, which is not a phase of this plan                        |
      | a dependency cycle        | max_parallel: 2     | depends_on: [second]    | 8:18     | dependency cycle: first -> second -> first                                             |
      | max_parallel 0            | max_parallel: 0     | estimate: 1m            | 4:15     | expected `max_parallel` to be an integer ≥ 1, got `0`                                  |
      | an unknown top-level key  | max_paralel: 2      | estimate: 1m            | 4:1      | unknown key `max_paralel` (did you mean `max_parallel`?)                               |
      | an unknown failure policy | on_failure: stop    | estimate: 1m            | 4:13     | expected `on_failure` to be `continue` or `fail-fast`, got `"stop"`                    |

  Scenario: Duplicate phase ids are reported at the second one
    Given a plan "plan.yaml":
      """
      version: 1
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{phase}.txt=done"]
      phases:
        - id: build
          prompt: "build it"
        - id: build
          prompt: "build it again"
      """
    When I validate "plan.yaml"
    Then it exits with code 2
    And the error is reported as "plan.yaml:7:9: duplicate phase id `build` (first used by phases[0])"
    And no stack trace is printed

  Scenario: A longer cycle is spelled out in dependency order
    Given a plan "plan.yaml":
      """
      version: 1
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{phase}.txt=done"]
      phases:
        - { id: a, prompt: "a", depends_on: [c] }
        - { id: b, prompt: "b", depends_on: [a] }
        - { id: c, prompt: "c", depends_on: [b] }
      """
    When I validate "plan.yaml"
    Then it exits with code 2
    And stderr reports exactly these problems:
      """
      plan.yaml:5:40: dependency cycle: a -> c -> b -> a
      """
    And no stack trace is printed

  Scenario: Every problem in the file is reported at once, in file order
    Given a plan "plan.yaml":
      """
      version: 1
      max_parallel: 0
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{phase}.txt=done"]
      phases:
        - id: a
          prompt: "a"
          depends_on: [b]
        - id: b
          prompt: 3
          depends_on: [a]
          estimate: "soon"
        - id: a
          prompt: "again"
      """
    When I validate "plan.yaml"
    Then it exits with code 2
    And stderr reports exactly these problems:
      """
      plan.yaml:2:15: expected `max_parallel` to be an integer ≥ 1, got `0`
      plan.yaml:8:18: dependency cycle: a -> b -> a
      plan.yaml:10:13: expected `prompt` to be a string, got `3`
      plan.yaml:12:15: `estimate`: expected a duration such as `30s`, `20m`, `2h` or `1h30m`, got `"soon"`
      plan.yaml:13:9: duplicate phase id `a` (first used by phases[0])
      """
    And no stack trace is printed

  Scenario: Running an invalid plan starts nothing and exits 2
    Given a plan "plan.yaml":
      """
      version: 1
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{phase}.txt=done"]
      phases:
        - { id: a, prompt: "a", depends_on: [a] }
      """
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 2
    And stdout is empty
    And the error is reported as "plan.yaml:5:40: `a` depends on itself"
    And no stack trace is printed

  Scenario: A good plan validates
    Given a plan "plan.yaml":
      """
      version: 1
      max_parallel: 2
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{phase}.txt=done"]
      phases:
        - { id: a, prompt: "a" }
        - { id: b, prompt: "b", depends_on: [a], estimate: 2m }
      """
    When I validate "plan.yaml"
    Then it exits with code 0
    And the error is reported as "plan.yaml: ok (2 phases)"

  Scenario: The JSON Schema of plan files is available for editors
    When I run subplan with "schema"
    Then it exits with code 0
    And stdout is a JSON Schema for plan files

  Scenario: A bad --max-parallel flag is a usage error
    Given a plan "plan.yaml":
      """
      version: 1
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{phase}.txt=done"]
      phases:
        - { id: a, prompt: "a" }
      """
    When I run subplan with "run plan.yaml --max-parallel 0"
    Then it exits with code 2
    And the error is reported as "subplan: expected --max-parallel to be an integer ≥ 1, got `0`"
    And no stack trace is printed

  @spawn
  Scenario: The installed command exits 2 on a bad plan, without a stack trace
    Given a plan "plan.yaml":
      """
      version: 1
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{phase}.txt=done"]
      phases:
        - { id: a, prompt: "a", promtp: "typo" }
      """
    When I run subplan with "run plan.yaml"
    Then it exits with code 2
    And the error is reported as "plan.yaml:5:27: unknown key `promtp` (did you mean `prompt`?)"
    And no stack trace is printed

  @spawn
  Scenario: The installed command explains itself
    When I run subplan with "--help"
    Then it exits with code 0
    And stdout contains "Usage: subplan"
    And stdout contains "validate"
    When I run subplan with "run --max-parallel 0 plan.yaml"
    Then it exits with code 2
    And no stack trace is printed
