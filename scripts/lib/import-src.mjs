// Loads one module of src/ into a script without a build: transpiled in memory (its type-only
// imports vanish), its package imports resolved from the project's node_modules. For modules that
// import no other module of src/ at run time.
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** `rel` is a path below the repository root, such as `src/engine/pattern.ts`. */
export async function importSrc(rel) {
  const js = ts
    .transpileModule(readFileSync(join(ROOT, rel), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }
    })
    .outputText.replace(/from '([^.'/][^']*)'/g, (_, spec) => `from '${import.meta.resolve(spec)}'`)
  return import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`)
}
