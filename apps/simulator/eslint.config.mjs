export { default } from '@bolsa/eslint-config';
