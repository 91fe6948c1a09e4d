// The flat config every app and package re-exports from its own eslint.config.mjs; `pnpm lint` runs them through turbo.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/generated/**',
      '**/node_modules/**',
      '**/.turbo/**',
      '**/.next/**',
      '**/.data/**',
      '**/coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      // vitest 4.1 passes `rejects.toThrow` with a string, a regex or nothing for a promise rejected with undefined.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.property.name='toThrow'][callee.object.property.name='rejects']" +
            ':matches([arguments.length=0], [arguments.0.type=Literal])',
          message:
            'rejects.toThrow(string | regex | nothing) also passes when the promise rejects with undefined: use ' +
            'rejects.toThrow(Error) or rejects.toMatchObject({ message: expect.stringMatching(…) }).',
        },
      ],
    },
  },
);
