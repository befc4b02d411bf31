// Lint: the house rules that types alone do not catch: no floating promises (a forgotten await loses
// errors and ordering). The layers (engine/ never imports connectors/ or app/; connectors/ never
// import app/: app/ is the composition root) and import cycles are dependency-cruiser's
// (.dependency-cruiser.mjs), run by `npm run lint` too. Formatting is Prettier's (printWidth 120),
// checked by `npm run lint`; eslint-config-prettier keeps the two apart.
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', '**/*.js', '**/*.mjs', 'vitest.config.ts'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  prettier,
);
