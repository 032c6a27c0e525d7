/**
 * The rules `git check-ref-format --branch` applies to a branch name, so a name can be checked
 * before git is asked to create it. A test runs the real git over many names to prove the two
 * agree.
 */

const FORBIDDEN = '~^:?*[\\';

/** Why git would refuse `name` as a branch name, or undefined when it is acceptable. */
export function branchNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  // `@` is shorthand for HEAD in revisions, and git refuses a branch called `HEAD`.
  if (name === '@') return 'is `@`';
  if (name === 'HEAD') return 'is `HEAD`';
  if (name.startsWith('-')) return 'starts with `-`';
  if (name.startsWith('/') || name.endsWith('/')) return 'starts or ends with `/`';
  if (name.includes('//')) return 'contains `//`';
  if (name.endsWith('.')) return 'ends with `.`';
  if (name.includes('..')) return 'contains `..`';
  if (name.includes('@{')) return 'contains `@{`';
  // Control characters, space, and the characters git gives a meaning in revisions or globs.
  for (const char of name) {
    const code = char.charCodeAt(0);
    if (code <= 0x20 || code === 0x7f || FORBIDDEN.includes(char))
      return `contains ${JSON.stringify(char)}`;
  }
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return `has a part starting with \`.\` (\`${component}\`)`;
    if (component.endsWith('.lock')) return `has a part ending in \`.lock\` (\`${component}\`)`;
  }
  return undefined;
}
