import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by OrderSync at /admin (src/platform/http/admin-console.ts); `npm run dev -w web` proxies the API.
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
});
