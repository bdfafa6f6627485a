import { chooseBuild, type NativeBuild } from '../db/nativeBuilds';
import type { InstalledElectron } from './electronAvailability';

/** A runtime that can run the core, and the better-sqlite3 build it loads. */
export interface RuntimeBuild {
  runtime: 'node' | 'electron';
  version: string | null;
  abi: number | null;
  /** The better-sqlite3 build this runtime loads, or null when it has none. */
  sqlite: string | null;
  detail: string;
}

export interface NativeReport {
  builds: NativeBuild[];
  runtimes: RuntimeBuild[];
}

/** Which native builds exist, and which of them this Node and the installed Electron load. */
export function nativeReport(
  builds: readonly NativeBuild[],
  node: { version: string; abi: number },
  electron: InstalledElectron,
): NativeReport {
  const sqlite = builds.filter((b) => b.module === 'better-sqlite3');
  const nodeBuild = chooseBuild(node.abi, sqlite);
  const runtimes: RuntimeBuild[] = [
    {
      runtime: 'node',
      version: node.version,
      abi: node.abi,
      sqlite: nodeBuild?.path ?? null,
      detail: nodeBuild ? 'better-sqlite3 loads (tests, the CLI, browser mode)' : 'no better-sqlite3 build for this ABI: run `npm rebuild better-sqlite3`',
    },
  ];
  if (electron.ok) {
    const { version, abi } = electron.runtime;
    const electronBuild = chooseBuild(abi, sqlite);
    runtimes.push({
      runtime: 'electron',
      version,
      abi,
      sqlite: electronBuild?.path ?? null,
      detail: electronBuild
        ? 'better-sqlite3 loads (the desktop app)'
        : 'no better-sqlite3 build for this ABI: `npm start` uses browser mode; `npm run postinstall` on a machine online makes one',
    });
  } else {
    runtimes.push({ runtime: 'electron', version: null, abi: null, sqlite: null, detail: electron.reason });
  }
  return { builds: [...builds], runtimes };
}

export function formatNativeReport(report: NativeReport): string[] {
  const lines = ['native builds:'];
  for (const build of report.builds) {
    lines.push(`  ${build.module.padEnd(15)} ${(build.abi === 'napi' ? 'N-API' : `ABI ${build.abi}`).padEnd(8)} ${build.path}`);
  }
  lines.push('runtimes:');
  for (const r of report.runtimes) {
    const name = r.version ? `${r.runtime} ${r.version} (ABI ${r.abi})` : r.runtime;
    lines.push(`  ${name.padEnd(26)} ${r.detail}${r.sqlite ? `: ${r.sqlite}` : ''}`);
  }
  return lines;
}
