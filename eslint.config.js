import path from 'node:path';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = { group: ['node:*'], message: 'This runtime must not import Node modules.' };
const electronModule = { name: 'electron', message: 'Only the Electron shell imports electron.' };
const rendererFolder = { group: ['**/renderer/**'], message: 'The main side reaches the renderer only through the contract.' };

/**
 * Layers run one way (DESIGN.md §2, STYLE.md §13). Each unit of electron/ (a folder, or a file
 * named without .ts) imports shared/, the units of the layers listed before its own, and, within
 * its layer, only the siblings listed beside it; any other pair of units may not import each
 * other. tests/lint/layers.test.ts checks that every unit has a layer and that the siblings form
 * no loop.
 */
export const layers = [
  {
    name: 'the core base',
    // Small leaves (the bus, the logger, the database, git), listed without siblings: they may use each other.
    units: ['core/events', 'core/log', 'core/clientContext', 'core/disposable', 'core/appRoot', 'core/dataDir', 'core/privateFile', 'core/workerEntry', 'core/db', 'core/git', 'core/threads', 'core/security'],
  },
  {
    name: 'a service',
    units: {
      'core/projects': [],
      'core/settings': ['core/projects'],
      'core/tasks': ['core/projects', 'core/settings'],
      // Plans name agents: agents/ says which agent and model a plan's text means, and whether it is installed.
      'core/plans': ['core/agents', 'core/projects', 'core/settings', 'core/tasks'],
      'core/notify': ['core/projects', 'core/tasks'],
      'core/scheduler': ['core/projects', 'core/settings', 'core/tasks'],
      // The session host runs any program; agents plug into it (agents/sessionBridge.ts says why).
      'core/sessions': ['core/tasks'],
      'core/agents': ['core/sessions'],
      'core/worktrees': ['core/agents', 'core/projects', 'core/settings', 'core/tasks'],
      'core/doctor': ['core/agents'],
      // Answer policies and the inbox: they read the settings and tasks, and answer through sessions and agents.
      'core/policy': ['core/agents', 'core/projects', 'core/sessions', 'core/settings', 'core/tasks'],
      'core/cache': ['core/projects', 'core/settings'],
      // Check commands run in worktrees that app.ts names for them; their output is read as a transcript is.
      'core/checks': ['core/sessions'],
      // Tokens, cost and time per task: read from the agents' records of sessions, priced by the settings.
      'core/usage': ['core/projects', 'core/sessions', 'core/settings', 'core/tasks'],
    },
  },
  { name: 'the rpc layer', units: { 'core/rpc': [] } },
  { name: 'the composition root', units: { 'core/app': [] } },
  { name: 'an entry point', units: { server: [], desktop: [], cli: ['server'], main: ['desktop', 'server'], preload: [] } },
];

/**
 * Imports the layers above allow for now, each `{ file, imports, why }` (`imports` a unit). This
 * list only shrinks: tests/lint/layers.test.ts holds its length.
 */
export const layerExceptions = [];

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How files of `fromDir` name `unit` in an import, as a pattern that also fits from their subfolders. */
function importOf(fromDir, unit) {
  const relative = path.posix.relative(fromDir, `electron/${unit}`);
  const written = relative.startsWith('../') ? `(\\.\\./)*${escapeRegex(relative)}` : escapeRegex(`./${relative}`);
  return `^${written}(\\.[jt]s)?(/|$)`;
}

/** What a unit's files may not import: every unit above its layer, and the siblings not listed beside it. */
function forbiddenFor(layerIndex, unit) {
  const layer = layers[layerIndex];
  const allowed = Array.isArray(layer.units) ? layer.units : [unit, ...layer.units[unit]];
  const above = layers.slice(layerIndex + 1).flatMap(unitsOf);
  const siblings = unitsOf(layer).filter((sibling) => !allowed.includes(sibling));
  return [
    ...above.map((target) => ({ target, message: `electron/${unit} is ${layer.name}, below electron/${target}: layers run one way (DESIGN.md §2).` })),
    ...siblings.map((target) => ({ target, message: `electron/${unit} may not import its sibling electron/${target} (the list beside it in eslint.config.js).` })),
  ];
}

function unitsOf(layer) {
  return Array.isArray(layer.units) ? layer.units : Object.keys(layer.units);
}

/**
 * One restricted-imports block per unit: its layer's boundaries plus the runtime rules of where it
 * runs (the core and browser mode never import electron). A unit is a file, a folder, or both
 * (cli.ts beside cli/). An exception is a later block for its file without that one pattern.
 */
export function layerBoundaries(exceptions) {
  const blocks = [];
  const restrict = (files, fromDir, forbidden, unit) => ({
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: unit.startsWith('core/') || unit === 'server' ? [electronModule] : [],
          patterns: [rendererFolder, ...forbidden.map(({ target, message }) => ({ regex: importOf(fromDir, target), message }))],
        },
      ],
    },
  });
  layers.forEach((layer, index) => {
    for (const unit of unitsOf(layer)) {
      const forbidden = forbiddenFor(index, unit);
      const folder = `electron/${unit}`;
      blocks.push(restrict([`${folder}.ts`], path.posix.dirname(folder), forbidden, unit));
      blocks.push(restrict([`${folder}/**/*.ts`], folder, forbidden, unit));
      for (const exception of exceptions) {
        const inFolder = exception.file.startsWith(`${folder}/`);
        if (!inFolder && exception.file !== `${folder}.ts`) continue;
        const kept = forbidden.filter(({ target }) => target !== exception.imports);
        blocks.push(restrict([exception.file], inFolder ? folder : path.posix.dirname(folder), kept, unit));
      }
    }
  });
  return blocks;
}

export default tseslint.config(
  { ignores: ['dist/', 'release/', 'node_modules/', 'bench/results/', 'drizzle/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // The split by runtime (STYLE.md §1), enforced.
    files: ['shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [electronModule], patterns: [nodeBuiltins, { group: ['react', 'react-dom', '**/electron/**', '**/renderer/**'], message: 'shared/ imports nothing from a runtime.' }] },
      ],
    },
  },
  {
    // A folder of the core that `layers` does not list yet still runs in plain Node; the layer test asks for its layer.
    files: ['electron/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [electronModule], patterns: [{ group: ['**/desktop/**', '**/renderer/**'], message: 'The core runs in plain Node.' }] },
      ],
    },
  },
  ...layerBoundaries(layerExceptions),
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [electronModule], patterns: [nodeBuiltins, { group: ['**/electron/**'], message: 'The renderer reaches the core only through the contract.' }] },
      ],
    },
  },
);
