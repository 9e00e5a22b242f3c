// ESLint flat config: typescript-eslint's strict type-checked presets plus the import
// boundaries between src folders (the equivalent of Alertmanager's depguard rules).
import js from '@eslint/js'
import importX from 'eslint-plugin-import-x'
import nodePlugin from 'eslint-plugin-n'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** Which src folders each src folder may import (docs/architecture.md, "The layer rule", says why). */
const ALLOWED = {
  util: [],
  labels: ['util'],
  alerts: ['labels', 'util'],
  config: ['labels', 'util'],
  storage: ['util'],
  silences: ['labels', 'storage', 'util'],
  nflog: ['labels', 'storage', 'util'],
  cluster: ['util'],
  consul: ['util'],
  inhibit: ['alerts', 'labels', 'config', 'util'],
  notify: ['alerts', 'labels', 'config', 'util'],
  dispatch: ['alerts', 'labels', 'config', 'notify', 'util'],
  api: ['alerts', 'silences', 'dispatch', 'cluster', 'config', 'labels', 'util'],
  web: ['config', 'util'],
}
const FOLDERS = [...Object.keys(ALLOWED), 'cli']

// Boundaries are checked on the import text: a relative import that climbs out of a folder and
// into a sibling the table does not allow. (Path-resolving rules cannot follow the `.js`
// specifiers of TypeScript sources without an extra resolver.)
const boundaryPatterns = (folder) =>
  FOLDERS.filter((other) => other !== folder && !(ALLOWED[folder] ?? FOLDERS).includes(other))
    .map((other) => ({
      regex: `^(\\.\\./)+${other}/`,
      message: `src/${folder} may not import src/${other} (eslint.config.js)`,
    }))
    .concat([
      {
        regex: '^(\\.\\./)+[a-z]+/(?!index\\.js$)',
        message: 'import a sibling folder through its index.ts, not its internals',
      },
    ])

/** Package ownership: only one folder may import each of these. */
const ownedPackages = (except) =>
  [
    { name: 'consul', owner: 'consul' },
    { name: 'koa', owner: 'api' },
    { name: '@koa/router', owner: 'api' },
    { name: 'js-yaml', owner: 'config' },
    { name: 'bcryptjs', owner: 'web' },
  ]
    .filter((p) => p.owner !== except)
    .map((p) => ({ name: p.name, message: `only src/${p.owner} imports ${p.name}` }))

const ownership = FOLDERS.map((folder) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: boundaryPatterns(folder),
        paths: [
          ...ownedPackages(folder),
          ...(folder === 'cli'
            ? []
            : [
                {
                  name: 'bunyan',
                  message: 'use `import type` for bunyan outside src/cli',
                  allowTypeImports: true,
                },
              ]),
        ],
      },
    ],
  },
}))

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'data/**', '.tmp/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', 'scripts/*.mjs', 'scripts/*.cjs', '.ci/*.mjs'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'import-x': importX, n: nodePlugin },
    rules: {
      curly: ['error', 'all'],
      'no-console': 'error',
      'n/prefer-node-protocol': 'error',
      'import-x/no-duplicates': ['error', { 'prefer-inline': false }],
      'import-x/order': [
        'error',
        {
          groups: ['builtin', 'external', 'internal', 'parent', 'sibling', 'index'],
          // Tests and benchmarks import the sources as `#src/...` (package.json "imports").
          pathGroups: [{ pattern: '#src/**', group: 'internal' }],
          'newlines-between': 'always',
          alphabetize: { order: 'asc' },
        },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      // `x as T` after a checked index read reads better than `x!`, which strict forbids anyway.
      '@typescript-eslint/non-nullable-type-assertion-style': 'off',
      // Go-compatible escaping and validation match control characters on purpose.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { varsIgnorePattern: '^_', argsIgnorePattern: '^_' },
      ],
    },
  },
  ...ownership,
  {
    // node:test's describe, it and hooks return promises that the runner itself awaits.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: [
                'describe',
                'it',
                'test',
                'suite',
                'before',
                'after',
                'beforeEach',
                'afterEach',
              ],
            },
          ],
        },
      ],
    },
  },
  {
    // nodejs/node#57736: a timeout signal reached only through AbortSignal.any can be collected
    // before it fires, so a deadline silently never comes. src/util's Deadline owns its timer.
    files: ['src/**/*.ts'],
    ignores: ['src/ui/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'AbortSignal',
          property: 'timeout',
          message: 'use Deadline from src/util (a timer the code holds and clears)',
        },
        {
          object: 'AbortSignal',
          property: 'any',
          message: 'use Deadline from src/util (a timer the code holds and clears)',
        },
      ],
    },
  },
  {
    // The web UI runs in the browser: DOM globals, no Node, and the only src files it may
    // borrow are labels' browser-safe matcher syntax (its parser would bundle RE2) and the API's
    // import-free wire types.
    files: ['src/ui/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(?!labels/matcher-syntax$|api/v2/wire$)[a-z-]+/',
              message: 'src/ui imports only ../labels/matcher-syntax and ../api/v2/wire from src',
            },
            { regex: '^node:', message: 'src/ui runs in the browser' },
          ],
        },
      ],
    },
  },
  {
    // Tests, scripts and benchmarks drive the product from outside: printing is their output.
    files: ['test/**', 'scripts/**', 'bench/**', '.ci/**', '*.js'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The launcher is plain CommonJS on purpose (scripts/launcher.cjs says why).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  }
)
