// Builds the browser app into dist/, which Flask serves at `/` (assets under /assets/).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// During `npm run dev`, API calls and the Socket.IO stream go to a running `designer serve`.
const target = process.env.DESIGNER_URL || 'http://127.0.0.1:8765';

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // elkjs (the layout) is one 1.5 MB chunk, loaded only when a graph needs laying out.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': target,
      '/endpoints': target,
      '/pipelines': target,
      '/socket.io': { target, ws: true },
    },
  },
});
