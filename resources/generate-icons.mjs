// Generates the app and tray icons once (`node resources/generate-icons.mjs`); the PNGs are committed.
// A green circle with a white chat bubble. electron-builder derives .ico/.icns from icon.png (512 px).
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import sharp from 'sharp'

const here = dirname(fileURLToPath(import.meta.url))
const GREEN = '#128c4b'

const logo = (size) => `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100">
  <circle cx="50" cy="50" r="48" fill="${GREEN}"/>
  <path d="M28 30 h44 a6 6 0 0 1 6 6 v24 a6 6 0 0 1 -6 6 h-26 l-12 11 v-11 h-6 a6 6 0 0 1 -6 -6 v-24 a6 6 0 0 1 6 -6 z" fill="#ffffff"/>
</svg>`

// Windows taskbar overlay: a small red dot meaning "unread".
const badge = (size) => `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 16 16">
  <circle cx="8" cy="8" r="7" fill="#b3261e" stroke="#ffffff" stroke-width="1.5"/>
</svg>`

const outputs = [
  ['icon.png', logo(512)],
  ['tray.png', logo(16)],
  ['tray@2x.png', logo(32)],
  ['badge.png', badge(16)],
]
for (const [name, svg] of outputs) {
  await sharp(Buffer.from(svg)).png().toFile(join(here, name))
  console.log(`wrote resources/${name}`)
}
