// Lint rules: the recommended sets of ESLint, typescript-eslint and eslint-plugin-svelte (none of
// the type-aware rules: they would run the type checker twice, and svelte-check already does), and
// the dependency directions of ARCHITECTURE.md as import rules, one set per folder.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

// An import's text is checked against these regular expressions. src/domain, io, db, engine, net, state
// net and cli are flat folders (domain has one folder of its own, formula/), so `./x` is a file of the
// same folder and `../x/` a sibling folder.
const sameFolder = String.raw`\./(?!.*\.\.)`;
const folder = (name) => String.raw`\.\./${name}/(?!.*\.\.)`;
const pkg = (name) => `${name.replace(/[.]/g, '\\.')}(?:/|$)`;

// Where a library may be imported, as ARCHITECTURE.md and the house style place it.
const LIBRARY_HOME = {
  dexie: 'src/db',
  comlink: 'src/engine and workers',
  'chart.js': 'src/ui/charts/charts.ts',
  handsontable: 'the grid adapters (src/ui/grid and the *-adapter.ts of a view)',
};
const FILE_LIBRARIES = ['papaparse', 'fflate', '@e965/xlsx'];

/** Forbids every import that does not start like one of `allowed`. */
function importsOnly(what, allowed) {
  return { regex: `^(?!(?:${allowed.join('|')}))`, message: `${what} (ARCHITECTURE.md).` };
}

/** Forbids the libraries of LIBRARY_HOME except those named in `except`. */
function librariesOutsideHome(except = []) {
  return Object.entries(LIBRARY_HOME)
    .filter(([name]) => !except.includes(name))
    .map(([name, home]) => ({ regex: `^${pkg(name)}`, message: `${name} is imported only in ${home} (ARCHITECTURE.md).` }));
}

/**
 * The import rules of one folder. no-restricted-imports sees static imports and re-exports; the same
 * patterns on `import('…')` and on type-level `import('…')` go to no-restricted-syntax.
 */
function importRules(files, patterns) {
  const selectors = patterns.flatMap(({ regex, message }) => {
    const re = regex.replace(/\//g, '\\/');
    return [
      { selector: `ImportExpression[source.value=/${re}/]`, message },
      { selector: `TSImportType[argument.literal.value=/${re}/]`, message },
    ];
  });
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns }],
      'no-restricted-syntax': ['error', ...selectors],
    },
  };
}

export default defineConfig(
  { ignores: ['dist/', 'dist-cli/', 'node_modules/', 'test-results/', '.bench/', 'tests/**/zz-*'] },
  js.configs.recommended,
  ts.configs.recommended,
  svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // A leading underscore marks a value left out on purpose: a field dropped by destructuring
      // (`{ total: _total, ...role }`) or a callback parameter the signature imposes.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      // The state classes keep their maps and sets as plain data behind $state.raw and a revision
      // counter (large data is never proxied), and components build local sets to copy and replace:
      // the reactive SvelteMap/SvelteSet this rule asks for are what the house style avoids.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      // typescript-eslint turns prefer-const on for .ts files; `let { negative, rest } = …`, where
      // only one of the names is reassigned later, stays one line.
      'prefer-const': ['error', { destructuring: 'all' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig } },
    rules: {
      // TypeScript (svelte-check) resolves names in components, DOM types such as BlobPart included,
      // which no-undef does not know; typescript-eslint turns it off for .ts files for this reason.
      'no-undef': 'off',
    },
  },
  {
    files: ['src/io/**'],
    rules: {
      // The file readers match control characters on purpose: telling binary from text, and
      // dropping the characters XML 1.0 forbids.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['tests/**'],
    rules: {
      // Tests reach into the built page's `planbench` global from page.evaluate, and tamper with
      // parsed JSON to build malformed backups: both untyped by nature.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },

  // Dependencies point one way: ui → state → (db | engine | io | net) → domain; workers → (domain | io);
  // cli → (io | domain). Tests, scripts and configs stand outside the layers: the db tests open
  // older schemas with Dexie itself, the worker tests speak Comlink.
  importRules(['src/domain/**'], [importsOnly('src/domain imports only src/domain', [sameFolder])]),
  // A folder inside domain (formula/) reaches the domain's files one level up.
  importRules(['src/domain/*/**'], [importsOnly('src/domain imports only src/domain', [sameFolder, String.raw`\.\./(?!.*\.\.)`])]),
  importRules(['src/io/**'], [importsOnly('src/io imports only src/domain, src/io and its file libraries', [sameFolder, folder('domain'), ...FILE_LIBRARIES.map(pkg)])]),
  importRules(['src/db/**'], [importsOnly('src/db imports only src/domain, src/db and dexie', [sameFolder, folder('domain'), pkg('dexie')])]),
  // The shared-workbook server is reached from src/net alone, which stands on the domain.
  importRules(['src/net/**'], [importsOnly('src/net imports only src/domain and src/net', [sameFolder, folder('domain')])]),
  importRules(
    ['src/engine/**'],
    [importsOnly('src/engine imports only src/domain, src/io, src/engine and comlink', [sameFolder, folder('domain'), folder('io'), pkg('comlink')])],
  ),
  importRules(
    ['src/cli/**'],
    [
      importsOnly('src/cli imports only src/io, src/domain, src/cli, the server and Node', [
        sameFolder,
        folder('domain'),
        folder('io'),
        String.raw`\.\./\.\./server/(?!.*\.\.)`,
        pkg('fastify'),
        'node:',
      ]),
    ],
  ),
  // The server stands on the domain alone (the merge rule, the operations), never on io, db, state or ui.
  importRules(
    ['server/**'],
    [
      importsOnly('server imports only server, src/domain, its libraries and Node', [
        String.raw`\.\.?/(?!.*\.\.)`,
        String.raw`(?:\.\./)+src/domain/(?!.*\.\.)`,
        ...['fastify', '@fastify/cookie', '@electric-sql/pglite', 'pg', 'zod'].map(pkg),
        'node:',
      ]),
    ],
  ),
  importRules(
    ['src/state/**'],
    [{ regex: String.raw`^\.\./(?:ui/|App\.svelte|main)`, message: 'src/state does not import the ui (ARCHITECTURE.md).' }, ...librariesOutsideHome()],
  ),
  // The workers wrap the engine's worker-side cores (engine/*-core) and share its typed command list
  // (engine/*-api); the clients that create workers stay out.
  importRules(
    ['workers/**'],
    [
      importsOnly('workers import only src/domain, src/io, the engine cores they wrap and comlink', [
        String.raw`\.\./src/(?:domain|io)/(?!.*\.\.)`,
        String.raw`\.\./src/engine/[\w-]+-(?:core|api)$`,
        pkg('comlink'),
      ]),
    ],
  ),
  // The ui and the shell; the grid adapters and the charts module replace these rules for their files.
  importRules(['src/ui/**', 'src/*.ts', 'src/*.svelte'], librariesOutsideHome()),
  importRules(['src/ui/grid/**', 'src/ui/*/*-adapter.ts'], librariesOutsideHome(['handsontable'])),
  importRules(['src/ui/charts/charts.ts'], librariesOutsideHome(['chart.js'])),
);
