// Type-aware lint for the whole repository: typescript-eslint strictTypeChecked plus the house
// rules (no console outside the CLI boundary, exhaustive switches, no focused tests).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'benchmarks/results/**', 'tmp/**', 'plans/demo-project/**', 'coverage/**'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'describe', property: 'only', message: 'focused tests must not be committed' },
        { object: 'it', property: 'only', message: 'focused tests must not be committed' },
        { object: 'test', property: 'only', message: 'focused tests must not be committed' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', setInterval: 'readonly', clearTimeout: 'readonly', clearInterval: 'readonly', URL: 'readonly', performance: 'readonly', Buffer: 'readonly', SharedArrayBuffer: 'readonly', Atomics: 'readonly', Int32Array: 'readonly' },
    },
  },
  {
    // Benchmarks and scripts are programs of their own: they print their results.
    files: ['benchmarks/**', 'scripts/**', 'test/fixtures/**'],
    rules: { 'no-console': 'off' },
  },
);
