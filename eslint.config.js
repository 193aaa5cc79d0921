// Lint for the whole tree: typescript-eslint's recommended rules and React's rules of hooks; zero warnings allowed
// (npm run lint runs with --max-warnings 0).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mjs,js}'],
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      '@typescript-eslint/no-unused-vars': [
        'warn',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Tests and benchmarks match screens and JSON lines: runs of spaces in a pattern are the layout under test, and a parsed JSON line
    // is any-shaped.
    files: ['test/**', 'bench/**', '**/*.test.ts', '**/*.test.tsx'],
    rules: { 'no-regex-spaces': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
