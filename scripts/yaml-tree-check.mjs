// Checks the fast YAML path (src/workflow/yaml-tree.ts, `composeFast`) against yaml's own composer on
// every YAML file of a folder: where the fast path reads a file, yaml must read it without an error
// and into the same tree (values, styles, anchors, aliases, ranges). Prints how many files each path
// read; exits 1 on any difference. Part of the corpus run.
// Usage: node scripts/yaml-tree-check.mjs [dir ...]   (default: ../shared/corpus)
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { fileURLToPath } from 'node:url'
import { importSrc } from './lib/import-src.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const dirs = process.argv.slice(2)
if (dirs.length === 0) dirs.push(resolve(ROOT, '../shared/corpus'))

const { composeFast, fromDocument } = await importSrc('src/workflow/yaml-tree.ts')
const { Composer, Parser } = await import('yaml')

function listYaml(dir) {
  const files = []
  for (const name of readdirSync(dir)) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) files.push(...listYaml(full))
    else if (/\.ya?ml$/i.test(name)) files.push(full)
  }
  return files
}

let fast = 0
let general = 0
const differences = []
for (const dir of dirs) {
  for (const file of listYaml(dir)) {
    const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '')
    const tokens = [...new Parser().parse(text)]
    const tree = composeFast(tokens, 64)
    if (tree === undefined) {
      general++
      continue
    }
    fast++
    const docs = [
      ...new Composer({ uniqueKeys: false, prettyErrors: false, strict: true }).compose(tokens)
    ]
    if (docs.length !== 1 || docs[0].errors.length > 0) {
      differences.push(
        `${file}: read by the fast path, but yaml reports ${docs[0]?.errors[0]?.message ?? `${docs.length} documents`}`
      )
    } else if (!isDeepStrictEqual(tree, fromDocument(docs[0].contents))) {
      differences.push(`${file}: the trees differ`)
    }
  }
}
console.log(
  `yaml-tree-check: ${fast} files read by the fast path, ${general} by yaml's composer; ${differences.length} differences`
)
for (const d of differences.slice(0, 20)) console.log(`  ${d}`)
process.exit(differences.length > 0 ? 1 : 0)
