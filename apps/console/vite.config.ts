import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Served by the api at /console (apps/api/src/console/static.ts).
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
});
