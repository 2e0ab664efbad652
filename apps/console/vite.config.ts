import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w @wmsi/console`: Vite's dev server with hot reload, calling the API of `npm start`
// (or of API_PORT) through its proxy, so the browser sees one origin as in production.
const api = `http://127.0.0.1:${process.env.API_PORT ?? 3001}`;

export default defineConfig({
  plugins: [react()],
  server: { port: 5173, proxy: { '/trpc': { target: api, changeOrigin: true } } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 600 },
});
