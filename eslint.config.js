import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.sparkify/**', 'bench/.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
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
