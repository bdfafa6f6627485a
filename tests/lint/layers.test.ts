import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** What eslint.config.js exports beside the configuration, as this test reads it. */
interface LayerTable {
  layers: { name: string; units: string[] | Record<string, string[]> }[];
  layerExceptions: unknown[];
  layerBoundaries(exceptions: { file: string; imports: string; why: string }[]): Linter.Config[];
}
const { layers, layerExceptions, layerBoundaries } = (await import(pathToFileURL(join(root, 'eslint.config.js')).href)) as LayerTable;
const RULE = '@typescript-eslint/no-restricted-imports';

/** The project's own configuration, as `npm test` runs it. */
const project = new ESLint({ cwd: root });

/** What the layer rule says of `code` written in `filePath` (a file that need not exist). */
async function layerErrors(code: string, filePath: string, eslint = project): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

const unitsOf = (layer: LayerTable['layers'][number]): string[] => (Array.isArray(layer.units) ? layer.units : Object.keys(layer.units));

describe('the layer rule', () => {
  it('refuses a service that imports rpc/, and lets it import the core base and the services listed beside it', async () => {
    const wrong = await layerErrors("import type { Router } from '../rpc/router';\n", 'electron/core/tasks/x.ts');
    expect(wrong).toHaveLength(1);
    expect(wrong[0]).toContain('electron/core/tasks is a service, below electron/core/rpc');

    const right = await layerErrors(
      "import type { EventBus } from '../events';\nimport type { Logger } from '../log';\nimport type { ProjectService } from '../projects/projectService';\n",
      'electron/core/tasks/x.ts',
    );
    expect(right).toEqual([]);
  });

  it('refuses a service that imports the composition root, browser mode or the desktop shell', async () => {
    const code = "import type { Core } from '../app';\nimport { startServer } from '../../server/http';\nimport { TrayController } from '../../desktop/tray';\n";
    const errors = await layerErrors(code, 'electron/core/scheduler/x.ts');
    expect(errors.map((e) => e.match(/below (electron\/\S+):/)?.[1])).toEqual(['electron/core/app', 'electron/server', 'electron/desktop']);
  });

  it('lets agents/ import sessions/ and refuses the other way round', async () => {
    expect(await layerErrors("import type { AgentLaunch } from '../sessions/launch';\n", 'electron/core/agents/x.ts')).toEqual([]);
    const back = await layerErrors("import type { AgentServices } from '../agents/agentServices';\n", 'electron/core/sessions/x.ts');
    expect(back).toHaveLength(1);
    expect(back[0]).toContain('electron/core/sessions may not import its sibling electron/core/agents');
  });

  it('holds in subfolders and in the files at the root of the core', async () => {
    expect(await layerErrors("import { tasks } from '../../tasks/taskService';\n", 'electron/core/db/schema/x.ts')).toHaveLength(1);
    expect(await layerErrors("import type { Logger } from './rpc/dispatcher';\n", 'electron/core/log.ts')).toHaveLength(1);
    expect(await layerErrors("import { createRouter } from './rpc/router';\n", 'electron/core/app.ts')).toEqual([]);
    expect(await layerErrors("import type { Core } from '../core/app';\n", 'electron/cli/x.ts')).toEqual([]);
    expect(await layerErrors("import { TrayController } from '../desktop/tray';\n", 'electron/server/x.ts')).toHaveLength(1);
  });

  it('keeps the core free of electron, in a listed folder and in one not listed yet', async () => {
    const code = "import { app } from 'electron';\n";
    const refused = ["'electron' import is restricted from being used. Only the Electron shell imports electron."];
    expect(await layerErrors(code, 'electron/core/tasks/x.ts')).toEqual(refused);
    expect(await layerErrors(code, 'electron/core/unlisted/x.ts')).toEqual(refused);
    expect(await layerErrors(code, 'electron/desktop/x.ts')).toEqual([]);
  });

  it('gives every folder and file of electron/ a layer', () => {
    const units = new Set(layers.flatMap(unitsOf));
    const entries = (dir: string) => readdirSync(join(root, dir), { withFileTypes: true }).map((e) => `${e.name.replace(/\.ts$/, '')}`);
    const unlisted = [
      ...entries('electron').filter((name) => name !== 'core' && !units.has(name)),
      ...entries('electron/core').filter((name) => !units.has(`core/${name}`)),
    ];
    expect(unlisted, 'add them to `layers` in eslint.config.js').toEqual([]);
  });

  it('lists siblings that import each other in no loop', () => {
    for (const layer of layers) {
      if (Array.isArray(layer.units)) continue;
      const uses = layer.units;
      const done = new Set<string>();
      const visit = (unit: string, path: string[]): void => {
        if (path.includes(unit)) throw new Error(`a loop: ${[...path, unit].join(' → ')}`);
        if (done.has(unit)) return;
        for (const next of uses[unit] ?? []) visit(next, [...path, unit]);
        done.add(unit);
      };
      for (const unit of Object.keys(uses)) visit(unit, []);
      expect(done.size).toBe(Object.keys(uses).length);
    }
  });

  it('keeps the list of exceptions empty, and an exception lifts only its own import', async () => {
    // The list only shrinks: lower this number when an exception goes, never raise it.
    expect(layerExceptions).toHaveLength(0);

    const withException = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [
        tseslint.configs.base as Linter.Config,
        ...layerBoundaries([{ file: 'electron/core/tasks/x.ts', imports: 'core/rpc', why: 'tried here' }]),
      ],
    });
    const code = "import type { Router } from '../rpc/router';\nimport type { Core } from '../app';\n";
    const errors = await layerErrors(code, 'electron/core/tasks/x.ts', withException);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('below electron/core/app');
    expect(await layerErrors(code, 'electron/core/tasks/y.ts', withException)).toHaveLength(2);
  });
});
