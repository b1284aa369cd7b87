// Bundles the action (dist/index.js) and the CLI (dist/cli/index.js) with ncc.
// dist/ is committed; CI checks that this script reproduces it exactly.
import { execFileSync } from 'node:child_process'
import { rmSync, writeFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const ncc = join('node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
// The schema validators are generated code (src/rules/validators.generated.ts): regenerate them first,
// so that the bundle and CI's dist check always see validators made from the current schemas.
execFileSync(process.execPath, [join('scripts', 'gen-validators.mjs')], { stdio: 'inherit' })
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
