import js from '@eslint/js';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const NOT_CORE = ['./src/github', './src/workspace', './src/verify', './src/cli', './src/app', './src/action'];
const ENTRY_POINTS = ['./src/cli', './src/app', './src/action'];

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
    // The layer rules (docs/architecture.md, "Layers"), by resolved path at any depth: core imports
    // nothing else of the project; github and workspace never import the entry points. Imports are
    // resolved as TypeScript does (`./x.js` → `./x.ts`), so a path the rule cannot see cannot pass.
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } })] },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            { target: './src/core', from: NOT_CORE, message: 'src/core imports nothing else of the project (docs/architecture.md, "Layers").' },
            { target: ['./src/github', './src/workspace'], from: ENTRY_POINTS, message: 'src/github and src/workspace never import the entry points cli, app and action (docs/architecture.md, "Layers").' },
            // Live verification sits beside github and workspace: it never reaches up into cli, app or action, nor into github.
            { target: './src/verify', from: [...ENTRY_POINTS, './src/github'], message: 'src/verify never imports cli, app, action or github (docs/architecture.md, "Layers").' },
          ],
        },
      ],
      'import-x/no-unresolved': ['error', { ignore: ['^node:'] }],
    },
  },
  {
    // The scanning core must stay pure: no network, no GitHub, no process.env.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['probot', '@actions/*', '@octokit/*', 'node:http', 'node:https', 'node:net'] }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'src/core never reads process.env; pass ScanSettings.' }],
    },
  },
);
