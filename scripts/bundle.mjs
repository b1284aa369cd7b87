// Bundles the action (dist/index.js) and the CLI (dist/cli/index.js) with ncc.
// dist/ is committed; CI checks that this script reproduces it exactly.
import { execFileSync } from 'node:child_process'
import { rmSync, writeFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const ncc = join('node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
// Generated files: the schema validators (src/rules/validators.generated.ts, bundled: regenerated
// first so that the bundle and CI's dist check see validators made from the current schemas) and
// the snapshot of the built-in rules (rules/snapshot.generated.json, read at run time).
for (const script of ['gen-validators.mjs', 'gen-rules-snapshot.mjs'])
  execFileSync(process.execPath, [join('scripts', script)], { stdio: 'inherit' })
rmSync('dist', { recursive: true, force: true })
const builds = [
  ['src/index.ts', 'dist'],
  ['src/cli/index.ts', 'dist/cli']
]
for (const [entry, out] of builds) {
  execFileSync(process.execPath, [ncc, 'build', entry, '-o', out, '--license', 'licenses.txt', '-q'], {
    stdio: 'inherit'
  })
}
// The CLI is run directly: make it executable with a node shebang.
import { readFileSync, chmodSync } from 'node:fs'
const cli = join('dist', 'cli', 'index.js')
const text = readFileSync(cli, 'utf8')
if (!text.startsWith('#!')) writeFileSync(cli, `#!/usr/bin/env node\n${text}`)
chmodSync(cli, 0o755)
for (const f of readdirSync('dist', { recursive: true })) {
  const p = join('dist', String(f))
  if (statSync(p).isFile() && p.endsWith('.d.ts')) rmSync(p)
}
