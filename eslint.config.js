import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'src/generated/**', '.atlas/**', '.cache/**', 'tmp/**', 'dist/**', 'models/**', 'seed/**', 'web/explorer/src/gql/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['.dependency-cruiser.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable' } },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly' } },
  },
  {
    // Resolvers read through the context's services; the store behind them stays out of reach
    // (the context has none, and a service's private `store` is not to be read by name).
    files: ['src/resolvers/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='store'], MemberExpression[property.value='store']",
          message: 'resolvers reach the atlas through the services in the GraphQL context (ctx.browse, ctx.services), not a store',
        },
      ],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
