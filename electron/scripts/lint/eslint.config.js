// ESLint for the whole repository (run from the repository root: `npm run lint`). Kept out of the
// top level, so it is passed with `--config`; patterns are then relative to the working directory.
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import vue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'reports/**', 'node_modules/**', 'tests/fixtures/**', 'resources/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...vue.configs['flat/recommended'],
  {
    languageOptions: {
      parserOptions: {
        // One project per runtime (see tsconfig.json); a file is checked with the first that holds it.
        project: ['tsconfig.node.json', 'tsconfig.web.json', 'tsconfig.json'],
        tsconfigRootDir: process.cwd(),
        extraFileExtensions: ['.vue'],
      },
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      // A leading underscore is how this codebase says "deliberately unused" (a rest-sibling
      // dropped from an object, a parameter an interface requires).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `let x` assigned once after closures that read it (the scheduler, the tray) is the
      // honest way to write a cycle; the closures run only after the assignment.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Message text is user input from WhatsApp: it is rendered as text, never as HTML.
    files: ['src/**/*.vue'],
    rules: { 'vue/no-v-html': 'error' },
  },
  {
    // The engine logs through core/platform/logger.ts (one JSON line, no bodies or secrets).
    files: ['electron/core/**', 'electron/shared/**'],
    ignores: ['electron/core/platform/logger.ts'],
    rules: { 'no-console': 'error' },
  },
  { files: ['electron/**', 'tests/**', '*.ts'], languageOptions: { globals: globals.node } },
  { files: ['src/**'], languageOptions: { globals: globals.browser } },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  {
    // Tests read JSON off real HTTP and WebSocket traffic and poke at fakes: `any` there is the
    // honest type, and the assertions are what check the shape. Fakes implement async interfaces
    // without awaiting, and spies are passed around as bare methods on purpose.
    files: ['tests/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
)
