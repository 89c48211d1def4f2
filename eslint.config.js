// ESLint flat config. The purity rules are the point: core/ (and the simulator's engine and
// world models) must stay deterministic, so they may not read the clock, draw randomness, touch
// timers, the environment, the network or the file system. Time and randomness come in as arguments.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const impureGlobals = [
  { object: 'Date', property: 'now', message: 'Pass time in as an argument (an Instant or a Clock port).' },
  { object: 'Math', property: 'random', message: 'Use a seeded Random port.' },
  { object: 'process', property: 'env', message: 'Only bot/config.ts reads the environment.' },
  { object: 'performance', property: 'now', message: 'Pass time in as an argument.' },
  { object: 'globalThis', property: 'fetch', message: 'No I/O here: use a port.' },
];

const impureSyntax = [
  { selector: "NewExpression[callee.name='Date']", message: 'new Date() reads the clock: pass time in as an argument.' },
  { selector: "CallExpression[callee.name='Date']", message: 'Date() reads the clock: pass time in as an argument.' },
  { selector: "CallExpression[callee.name=/^(setTimeout|setInterval|setImmediate|queueMicrotask|fetch)$/]", message: 'No timers or I/O here: use the Clock or a port.' },
];

const impureImports = {
  patterns: [
    { group: ['node:*', 'fs', 'fs/*', 'http', 'https', 'net', 'child_process', 'os', 'worker_threads', 'crypto'], message: 'No I/O or ambient state here.' },
    { group: ['undici', '@slack/*', 'lowdb', 'lowdb/*', 'pino', 'nock'], message: 'Adapters live outside core/.' },
    { group: ['**/bot/**', '**/simulator/**'], message: 'Arrows point inward: core/ imports nothing from the shells.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'coverage/**', 'out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', structuredClone: 'readonly', performance: 'readonly', queueMicrotask: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['core/**/*.ts', 'simulator/engine/**/*.ts', 'simulator/model/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error', ...impureGlobals],
      'no-restricted-syntax': ['error', ...impureSyntax],
      'no-restricted-imports': ['error', impureImports],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'fetch', 'performance'],
    },
  },
  {
    files: ['simulator/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/bot/**'], message: 'The simulator never imports the bot.' }] }],
    },
  },
  {
    // The engine and world models are as pure as core/: their only inputs are the scenario and the seed.
    files: ['simulator/engine/**/*.ts', 'simulator/model/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [impureImports.patterns[0], impureImports.patterns[1], { group: ['**/bot/**'], message: 'The simulator never imports the bot.' }] }],
    },
  },
);
