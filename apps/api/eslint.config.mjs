import shared from '@bolsa/eslint-config';

// Nest reads constructor parameter types at run time (decorator metadata): type-only imports would erase them.
export default [
  ...shared,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
  },
];
