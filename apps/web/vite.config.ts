import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev`: the API runs separately (`npm start` at the root, port 3000 by default).
const api = process.env.LYCEUM_API ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': {
        target: api,
        // better-auth accepts only requests whose Origin is the server's PUBLIC_URL: present the
        // dev server's requests as coming from the API origin.
        configure: (proxy) => {
          proxy.on('proxyReq', (proxyReq) => {
            if (proxyReq.getHeader('origin')) proxyReq.setHeader('origin', new URL(api).origin);
          });
        },
      },
      '/socket.io': { target: api, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
});
