Feature: Decomposition of large phases into subplans
  As someone running one change across a large codebase
  I want a phase cut into a tree of small subplans along the structure of my code,
  each run by its own agent on its own branch and merged back into the phase,
  so that many agents share the work without stepping on each other's files.

  Scenario: Fifteen leaf subplans reach max_parallel exactly and all merge into the phase branch
    Given a git repository with a file for every path in "mod{01..15}/{a,b}.ts"
    And a barrier that releases agents once 10 of them wait together, for 15 agents in all
    And a plan "plan.yaml":
      """
      version: 1
      max_parallel: 10
      agent:
        command: ["<node>", "<agents>/barrier.mjs", "<barrier>", "{subplan}", "out/{subplan}.txt"]
      decompose:
        max_files_per_subplan: 2
        min_files_per_subplan: 2
        max_children: 16
      phases:
        - id: api
          prompt: "update every module"
          files: ["mod*/**"]
          decompose: true
      """
    When I preview "plan.yaml"
    Then it exits with code 0
    And the preview cuts "api" into 15 leaf subplans, all directly under its root
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    And 15 agent tasks succeeded
    And the merge tasks were "api, result", and all succeeded
    And the barrier held 10 agents at once
    And the peak concurrency was 10
    And at most 10 agents ran at once
    And every leaf subplan of "api" ran as an agent task on its own branch and worktree
    And every leaf subplan of "api" started from the run's base commit
    And every leaf branch of "api" is merged into the phase branch of "api"
    And the phase branch of "api" contains "out/{subplan}.txt" for every leaf subplan
    And the result branch contains "out/{subplan}.txt" for every leaf subplan of "api"

  Scenario: A deeper tree gives each leaf agent exactly its files and merges every level in order
    Given a git repository with a file for every path in "lib/{a,b,c,d}/{x,y}.ts"
    And a plan "plan.yaml":
      """
      version: 1
      max_parallel: 4
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{subplan}.txt={files}"]
      phases:
        - id: setup
          prompt: "lay the ground"
          agent:
            command: ["<node>", "<agents>/write-files.mjs", "out/setup.txt=ready"]
        - id: api
          prompt: "update the library"
          depends_on: [setup]
          files: ["lib/**"]
          decompose:
            max_files_per_subplan: 2
            min_files_per_subplan: 2
            max_children: 2
      """
    When I preview "plan.yaml"
    Then it exits with code 0
    And the tree of "api" in the preview is exactly 2 levels deep
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 0
    And 5 agent tasks succeeded
    And the merge tasks were "api.1, api.2, api, result", and all succeeded
    And every leaf subplan of "api" ran as an agent task on its own branch and worktree
    And every leaf subplan of "api" started from one commit containing "out/setup.txt"
    And every inner subplan of "api" merged its children in order
    And every leaf branch of "api" is merged into the phase branch of "api"
    And for every leaf subplan of "api", the result branch has "out/{subplan}.txt" listing exactly its files

  Scenario: Hundreds of files in nested packages decompose deep, along package boundaries
    Given a git repository with a file for every path in "packages/p{1..6}/src/m{1..5}/s{1..4}/f{1..5}.ts"
    When I run subplan with "decompose --json --max-files 4 --min-files 2"
    Then it exits with code 0
    And the subplan tree covers 600 files
    And the subplan tree is at least 4 levels deep
    And every leaf holds at most 4 files
    And every tracked file matching "packages/**" is in exactly one leaf
    And each subplan directly under the root holds the files of exactly one package in "packages/"

  Scenario: A small project is not cut deeper than it needs
    Given a git repository with a file for every path in "src/{core,ui}/{model,view}/{one,two}/f{1..5}.ts"
    When I run subplan with "decompose --json"
    Then it exits with code 0
    And the subplan tree covers 40 files
    And the subplan tree is at most 2 levels deep
    And every leaf holds at most 25 files
    And every tracked file matching "src/**" is in exactly one leaf

  Scenario: Two hundred files in one flat directory are cut once, within the limits
    Given a git repository with a file for every path in "flat/file{001..200}.ts"
    When I run subplan with "decompose --json"
    Then it exits with code 0
    And the subplan tree covers 200 files
    And the subplan tree is exactly 1 level deep
    And every leaf holds at most 25 files
    And no leaf was kept whole by a guard
    And every tracked file matching "flat/**" is in exactly one leaf

  Scenario: Decomposing the same repository twice gives the same tree and the same ids
    Given a git repository with a file for every path in "lib/{api,core,ui}/{x,y,z}/f{1..9}.ts"
    When I run subplan with "decompose --json --max-files 5 --min-files 2"
    Then it exits with code 0
    And the subplan tree is at least 2 levels deep
    When I run subplan with "decompose --json --max-files 5 --min-files 2"
    Then it exits with code 0
    And stdout is the same as the previous command's
    Given a plan "plan.yaml":
      """
      version: 1
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{subplan}.txt=done"]
      decompose: { max_files_per_subplan: 5, min_files_per_subplan: 2 }
      phases:
        - { id: lib, prompt: "update lib", files: ["lib/**"], decompose: true }
      """
    When I preview "plan.yaml"
    Then it exits with code 0
    When I preview "plan.yaml"
    Then it exits with code 0
    And both previews show the same tree of "lib", at least 2 levels deep

  Scenario: Files that import each other stay together, and decompose shows the tree a run uses
    Given a git repository with files:
      | path           | content                                                                    |
      | app/ui/f1.ts   | import { load1 } from "../data/f1";\nexport const show1 = () => load1();\n |
      | app/ui/f2.ts   | import { load2 } from "../data/f2";\nexport const show2 = () => load2();\n |
      | app/ui/f3.ts   | import { load3 } from "../data/f3";\nexport const show3 = () => load3();\n |
      | app/ui/f4.ts   | import { load4 } from "../data/f4";\nexport const show4 = () => load4();\n |
      | app/data/f1.ts | export const load1 = () => 1;\n                                            |
      | app/data/f2.ts | export const load2 = () => 2;\n                                            |
      | app/data/f3.ts | export const load3 = () => 3;\n                                            |
      | app/data/f4.ts | export const load4 = () => 4;\n                                            |
    And a plan "plan.yaml":
      """
      version: 1
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{subplan}.txt=done"]
      decompose: { max_files_per_subplan: 2, min_files_per_subplan: 2 }
      phases:
        - { id: app, prompt: "update the app", files: ["app/**"], decompose: true }
      """
    When I run subplan with "decompose --json --files app/** --max-files 2 --min-files 2"
    Then it exits with code 0
    And each of these pairs of files shares a leaf:
      | app/ui/f1.ts | app/data/f1.ts |
      | app/ui/f2.ts | app/data/f2.ts |
      | app/ui/f3.ts | app/data/f3.ts |
      | app/ui/f4.ts | app/data/f4.ts |
    When I preview "plan.yaml"
    Then it exits with code 0
    And the preview's tree of "app" is the tree `subplan decompose` printed, rooted at "app"

  Scenario: A decomposed phase whose files match nothing stops before anything runs
    Given a git repository
    And a plan "plan.yaml":
      """
      version: 1
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{subplan}.txt=done"]
      phases:
        - id: api
          prompt: "update the api"
          files: ["src/api/**/*.ts"]
          decompose: true
      """
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 2
    And a line of stderr mentions "api", "src/api/**/*.ts" and "match no file"
    And no stack trace is printed
    And no run directory was created

  Scenario Outline: Impossible decomposition limits are reported at their place: <problem>
    Given a git repository
    And a plan "plan.yaml":
      """
      version: 1
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{subplan}.txt=done"]
      <defaults>
      phases:
        - id: api
          prompt: "update the api"
          decompose: <phase>
      """
    When I validate "plan.yaml"
    Then it exits with code 2
    And the error is reported as 'plan.yaml:<position>: <message>'
    And every problem is reported as file:line:col: message
    And no stack trace is printed
    When I run subplan with "run plan.yaml --json"
    Then it exits with code 2
    And the error is reported as 'plan.yaml:<position>: <message>'
    And no run directory was created

    Examples:
      | problem                       | defaults                                                           | phase                         | position | message                                                                  |
      | min above max in the defaults | decompose: { max_files_per_subplan: 4, min_files_per_subplan: 10 } | true                          | 4:63     | `min_files_per_subplan` (10) is larger than `max_files_per_subplan` (4)  |
      | min above the default max     | name: limits                                                       | { min_files_per_subplan: 30 } | 8:41     | `min_files_per_subplan` (30) is larger than `max_files_per_subplan` (25) |
      | max_depth 0 in the defaults   | decompose: { max_depth: 0 }                                        | true                          | 4:25     | expected `max_depth` to be an integer ≥ 1, got `0`                       |
      | max_depth 0 in the phase      | name: limits                                                       | { max_depth: 0 }              | 8:29     | expected `max_depth` to be an integer ≥ 1, got `0`                       |

  Scenario: A binary file and a huge file are counted and never break the decomposition
    Given a git repository with a file for every path in "app/{a,b}/f{1..6}.ts"
    And a binary file "app/assets/logo.png" of 300000 bytes
    And a source file "app/a/generated.ts" of 3000000 bytes that imports its neighbours
    And I commit everything in my checkout
    When I run subplan with "decompose --json --files app/** --max-files 4 --min-files 1"
    Then it exits with code 0
    And the subplan tree covers 14 files
    And every tracked file matching "app/**" is in exactly one leaf
    And "app/assets/logo.png" is in a leaf of its own, kept whole by the "no-progress" guard
    And "app/a/generated.ts" is in a leaf of its own, kept whole by the "no-progress" guard
    And the leaf holding "app/assets/logo.png" counts 75000 tokens
    And the leaf holding "app/a/generated.ts" counts 750000 tokens
    Given a plan "plan.yaml":
      """
      version: 1
      agent:
        command: ["<node>", "<agents>/write-files.mjs", "out/{subplan}.txt=done"]
      decompose: { max_files_per_subplan: 4, min_files_per_subplan: 1 }
      phases:
        - { id: app, prompt: "update the app", files: ["app/**"], decompose: true }
      """
    When I preview "plan.yaml"
    Then it exits with code 0
    And the subplan tree covers 14 files
    And every tracked file matching "app/**" is in exactly one leaf
    And "app/assets/logo.png" is in a leaf of its own, kept whole by the "no-progress" guard
    And "app/a/generated.ts" is in a leaf of its own, kept whole by the "no-progress" guard
