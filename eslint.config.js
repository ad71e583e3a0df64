// Lint with import boundaries (CONVENTIONS.md habit 10): dependencies point one way —
// protocols and HTTP → domain → storage; common/ imports neither side; web/ only common/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ['error', { patterns }];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'test-results/**', 'scratch/**', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Chinese official text indents paragraphs with the ideographic space (U+3000) inside strings.
      'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true, skipComments: true }],
    },
  },
  {
    files: ['common/**'],
    rules: { 'no-restricted-imports': restrict([{ group: ['**/server/**', '**/web/**', '../server/*', '../web/*'], message: 'common/ is shared: it imports neither server/ nor web/.' }]) },
  },
  {
    files: ['web/**'],
    rules: { 'no-restricted-imports': restrict([{ group: ['**/server/**', '../server/*', '../../server/*'], message: 'web/ talks to the server only through the HTTP API (common/ for shared types).' }]) },
  },
  {
    files: ['server/mail/**', 'server/storage/**', 'server/delivery/**', 'server/auth/**', 'server/governance/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['**/imap/**', '**/pop3/**', '**/smtp/**', '**/http/**', '**/cli/**', 'fastify', 'smtp-server'], message: 'domain and storage code never import protocols or HTTP.' },
      ]),
    },
  },
  {
    files: ['server/storage/migrations/**'],
    rules: { 'no-restricted-imports': restrict([{ group: ['../../*', '../*.js', '!./*'], message: 'migrations are frozen and never import application code.' }]) },
  },
  {
    files: ['server/platform/**'],
    rules: { 'no-restricted-imports': restrict([{ group: ['../*/**', '!../platform/**'], message: 'platform/ imports nothing of ours.' }]) },
  },
  {
    files: ['server/imap/wire/**'],
    rules: { 'no-restricted-imports': restrict([{ group: ['../../*', '../*'], message: 'the IMAP wire codec is pure: no imports outside wire/.' }]) },
  },
);
