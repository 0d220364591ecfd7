// The layer rule of ARCHITECTURE.md, checked on resolved paths (so `../../sandbox/x` is seen for
// what it is) and on import kinds (so `import { type X }` counts as a type import). Part of
// `npm run lint`; tests/scripts/layers.test.ts proves that a crossing fails.
const ELECTRON = '(^|/)node_modules/(electron|electron-store|@electron/remote)/'
const layer = (name) => `^electron/${name}/`

/** A rule: files in `from` may not import `to` (resolved paths, relative to the repository). */
function forbid(name, comment, from, to) {
  return { name, comment, severity: 'error', from, to }
}

module.exports = {
  forbidden: [
    forbid(
      'shared-is-pure',
      'electron/shared is pure TypeScript: it imports nothing of the app, no Node and no Electron',
      { path: layer('shared') },
      {
        pathNot: [layer('shared'), '(^|/)node_modules/zod/'],
      },
    ),
    forbid(
      'core-stays-in-core',
      'the engine imports shared, Node and libraries, never a host, the shell, the sandbox, a launcher or a CLI',
      { path: layer('core') },
      {
        path: ['^electron/(main|host|preload|sandbox|launcher|cli|scripts|team-client|server)/', '^src/', '^tests/'],
      },
    ),
    forbid(
      'whatsapp-is-an-adapter',
      'core/whatsapp talks to Meta (client, parse, signature, errors); orchestration that stores or calls services lives in core/services',
      { path: '^electron/core/whatsapp/' },
      {
        path: ['^electron/core/(services|db|outbox)/', '^electron/core/context\\.ts$'],
      },
    ),
    forbid(
      'no-electron-outside-the-shell',
      'only electron/main and electron/preload load the Electron runtime',
      { pathNot: ['^electron/(main|preload)/', '^tests/', '^electron\\.vite\\.config\\.ts$'] },
      {
        path: ELECTRON,
      },
    ),
    forbid(
      'preload-only-electron',
      'the preload sees shared and electron only (no Node in a sandboxed preload, electron-store is main-only)',
      { path: layer('preload') },
      {
        pathNot: [layer('preload'), layer('shared'), '(^|/)node_modules/electron/', '(^|/)node_modules/zod/'],
      },
    ),
    forbid('preload-no-node', 'a sandboxed preload has no Node built-ins', { path: layer('preload') }, { dependencyTypes: ['core'] }),
    forbid(
      'main-imports',
      'Electron main imports shared, core, the launcher and the team client (it drives it in team mode)',
      { path: layer('main') },
      {
        path: ['^electron/(host|sandbox|preload|cli|scripts|server)/', '^src/', '^tests/'],
      },
    ),
    forbid(
      'host-imports',
      'the browser host imports shared, core and the launcher',
      { path: layer('host') },
      {
        path: ['^electron/(main|sandbox|preload|cli|scripts|team-client)/', '^src/', '^tests/'],
      },
    ),
    forbid(
      'server-imports',
      'the team server imports shared, core and the launcher (the same engine composition as the browser host)',
      { path: layer('server') },
      {
        path: ['^electron/(main|host|preload|sandbox|cli|scripts|team-client)/', '^src/', '^tests/'],
      },
    ),
    forbid(
      'launcher-imports',
      'the launcher wires core to the sandbox process; it never imports a shell, host or the sandbox code itself',
      { path: layer('launcher') },
      {
        path: ['^electron/(main|host|preload|sandbox|cli|scripts|team-client|server)/', '^src/', '^tests/'],
      },
    ),
    forbid(
      'cli-imports',
      'command-line tools import shared and core',
      { path: layer('cli') },
      {
        path: ['^electron/(main|host|preload|sandbox|launcher|scripts|team-client|server)/', '^src/', '^tests/'],
      },
    ),
    forbid(
      'sandbox-is-meta',
      'the sandbox stands in for Meta: it shares wire types only, never the engine',
      { path: layer('sandbox') },
      {
        path: ['^electron/(core|main|host|preload|launcher|cli|scripts|team-client|server)/', '^src/', '^tests/'],
      },
    ),
    forbid(
      'team-client-is-plain-node',
      'the team client runs under plain Node: shared, Node, better-sqlite3, ws',
      { path: layer('team-client') },
      {
        path: ['^electron/(core|main|host|preload|sandbox|launcher|cli|scripts|server)/', '^src/', '^tests/'],
      },
    ),
    forbid(
      'renderer-imports-types-only',
      'the renderer imports only types from electron/shared, except the pure policy texts, length rules, team-mode words and locale choice',
      { path: '^src/' },
      {
        path: '^electron/',
        pathNot: '^electron/shared/(policy-texts|message-length|offline-outbox|connection-indicator|locale-choice)\\.ts$',
        dependencyTypesNot: ['type-only'],
      },
    ),
    forbid(
      'policy-texts-stay-pure',
      'the renderer runs electron/shared/policy-texts, message-length, offline-outbox, connection-indicator and locale-choice, so they import types only',
      { path: '^electron/shared/(policy-texts|message-length|offline-outbox|connection-indicator|locale-choice)\\.ts$' },
      {
        dependencyTypesNot: ['type-only'],
      },
    ),
    forbid(
      'renderer-reaches-only-shared',
      'the renderer may see electron/shared and nothing else of electron/',
      { path: '^src/' },
      {
        path: '^electron/',
        pathNot: layer('shared'),
      },
    ),
    forbid('renderer-no-node', 'the renderer has no Node built-ins', { path: '^src/' }, { dependencyTypes: ['core'] }),
    forbid(
      'not-to-unresolvable',
      'an import that resolves to nothing is a typo or a missing package',
      { path: '^(electron|src)/' },
      {
        couldNotResolve: true,
      },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    exclude: { path: ['^out/', '^dist/', '^tests/fixtures/'] },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.vue', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
  },
}
