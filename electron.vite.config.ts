import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import vueI18n from '@intlify/unplugin-vue-i18n/vite'

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          // Plain-Node entries built beside the app: the browser host, the team server, the WhatsApp sandbox.
          host: resolve(__dirname, 'electron/host/cli.ts'),
          server: resolve(__dirname, 'electron/server/main.ts'),
          sandbox: resolve(__dirname, 'electron/sandbox/cli.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        // A sandboxed preload must be CommonJS and self-contained.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src'),
    plugins: [
      vue(),
      // The languages' texts compiled at build time, and vue-i18n's runtime-only build (without its
      // message compiler, ~30 kB): no text is parsed on the user's machine before the list or a
      // thread can paint (issue 21). It also sets vue-i18n's build flags: composition API only,
      // no legacy mode, no devtools hook in production.
      vueI18n({
        include: [resolve(__dirname, 'src/i18n/locales/*.json')],
        runtimeOnly: true,
        compositionOnly: true,
        fullInstall: true,
        dropMessageCompiler: true,
      }),
    ],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // electron-vite leaves the renderer unminified (it is read from disk), but Chromium still
      // parses and compiles every byte before the list can paint: minified, the messages screen's
      // script is less than half the size (README "Benchmarks").
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src/index.html') } },
    },
  },
})
