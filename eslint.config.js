import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = { group: ['node:*'], message: 'This runtime must not import Node modules.' };
const electronModule = { name: 'electron', message: 'Only the Electron shell imports electron.' };

export default tseslint.config(
  { ignores: ['dist/', 'release/', 'node_modules/', 'bench/results/', 'drizzle/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // The split by runtime (STYLE.md §1), enforced.
    files: ['shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [electronModule], patterns: [nodeBuiltins, { group: ['react', 'react-dom', '**/electron/**', '**/renderer/**'], message: 'shared/ imports nothing from a runtime.' }] },
      ],
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [electronModule], patterns: [{ group: ['**/desktop/**', '**/renderer/**'], message: 'The core runs in plain Node.' }] },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [electronModule], patterns: [nodeBuiltins, { group: ['**/electron/**'], message: 'The renderer reaches the core only through the contract.' }] },
      ],
    },
  },
);
