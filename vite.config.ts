import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The renderer: one page, the same build for the Electron window and for browser mode. */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
});
