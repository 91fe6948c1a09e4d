import shared from '@bolsa/eslint-config';
import globals from 'globals';

export default [
  ...shared,
  { ignores: ['next-env.d.ts'] },
  { files: ['**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
];
