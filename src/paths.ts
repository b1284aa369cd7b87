import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The built-in `rules/` folder, found relative to this module (the bundle in `dist/` or the source in
 * `src/`), never relative to the working directory, which is the user's repository.
 */
export function builtinRulesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'rules')
    if (existsSync(join(candidate, 'catalog'))) return candidate
    dir = dirname(dir)
  }
  throw new Error(`built-in rules/ folder not found above ${fileURLToPath(import.meta.url)}`)
}
