import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      'packages/cli/bundle/**',
      '**/node_modules/**',
      '**/.sparkify/**',
      'bench/.cache/**',
      '**/*.generated.ts',
    ],
  },
  js.configs.recommended,
  // Type-aware rules (they need projectService, below): a value typed any is given a real type where it enters.
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // Each file is checked against the tsconfig.json nearest to it (every package has one).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A promise nobody awaits loses its error (an unhandled rejection) and its ordering: both are bugs here.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // TypeScript narrows `unknown` to `{}` once null is ruled out; unknown itself is not checked (checkUnknown is
      // off by default), so neither is `{}`: every object type (Record, interfaces, object) still is.
      '@typescript-eslint/no-base-to-string': [
        'error',
        { ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', '{}'] },
      ],
      'no-console': 'off',
    },
  },
  {
    // Plain JavaScript (the quality benchmark) is in no tsconfig: the rules that need types are off for it.
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', performance: 'readonly' },
    },
  },
  {
    files: ['packages/{schema,loader,quality,generator,infra,local-postgres}/src/**/*.ts'],
    rules: {
      // Library packages never print, never read the environment, never exit: the CLI is the only shell.
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only the CLI reads the environment.' },
        { object: 'process', property: 'exit', message: 'Only the CLI exits.' },
      ],
    },
  },
);
