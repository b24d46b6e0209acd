// Two pages: the staff consoles (index.html, Element Plus) and the parents' phone page (track.html, Vant).
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Vant's icon font names a CDN copy after its inline one; the pages fetch nothing but the API. */
const noRemoteFonts = (): Plugin => ({
  name: 'no-remote-fonts',
  enforce: 'pre',
  transform(code, id) {
    if (!id.endsWith('.css')) return null;
    return code.replace(/,\s*url\(\/\/at\.alicdn\.com[^)]*\)\s*format\("[a-z0-9]+"\)/g, '');
  },
});

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [noRemoteFonts(), vue()],
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: { input: { index: here('index.html'), track: here('track.html') } },
  },
});
