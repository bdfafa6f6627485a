#!/usr/bin/env node
import { existsSync } from 'node:fs';

const entry = new URL('../dist/node/cli.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('switchyard: not built yet. Run `npm run build` (or `npm start`, which builds first).');
  process.exit(1);
}
await import(entry.href);
