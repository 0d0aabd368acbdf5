import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['lib/**', 'dist/**', 'node_modules/**', 'fixtures/**', 'bench/.corpus/**', 'bench/.work/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-control-regex': 'off',
      'no-useless-escape': 'off',
    },
  },
  {
    // The scanning core must stay pure: no network, no GitHub, no process.env.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../../cli/*', '../../github/*', '../../app/*', '../../action/*', '../cli/*', '../github/*', '../app/*', '../action/*', 'probot', '@actions/*', '@octokit/*', 'node:http', 'node:https', 'node:net'] }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'src/core never reads process.env; pass ScanSettings.' }],
    },
  },
  {
    // Live verification sits beside github and workspace: it never reaches up into cli, app or action.
    files: ['src/verify/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../cli/*', '../app/*', '../action/*', '../github/*'] }],
    },
  },
  {
    // Dependencies point one way: cli, app and action sit on github, workspace and core.
    files: ['src/github/**/*.ts', 'src/workspace/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../cli/*', '../app/*', '../action/*'] }],
    },
  },
);
