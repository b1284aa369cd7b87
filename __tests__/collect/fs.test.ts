import { describe, expect, test, beforeAll, afterAll } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  applyIgnore,
  collect,
  decodeSource,
  readSourceFile,
  rootReader
} from '../../src/collect/fs.js'

let dir: string

function write(rel: string, text: string | Uint8Array): void {
  const full = join(dir, rel)
  mkdirSync(join(full, '..'), { recursive: true })
  writeFileSync(full, text)
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'psb-collect-'))
  write('repo/.github/workflows/ci.yml', 'on: push\n')
  write('repo/.github/workflows/nested/deep.yaml', 'on: push\n')
  write('repo/.github/workflows/notes.txt', 'not yaml\n')
  write('repo/.github/actions/setup/action.yml', 'runs: { using: composite, steps: [] }\n')
  write('repo/.github/actions/setup/other.yml', 'x: 1\n')
  write('repo/.github/dependabot.yml', 'version: 2\n')
  write('repo/docs/example.yml', 'on: push\n')
  write('loose/a.yml', 'on: push\n')
  write('loose/sub/b.yaml', 'on: push\n')
  write('loose/readme.md', '# hi\n')
  write('outside.yml', 'secret: 1\n')
  symlinkSync(join(dir, 'outside.yml'), join(dir, 'repo/.github/workflows/link.yml'))
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('collect', () => {
  test('a repository root means its workflows and local actions, symbolic links reported, not followed', () => {
    const r = collect(['repo'], dir)
    expect(r.errors).toEqual([])
    expect(r.groups).toHaveLength(1)
    const g = r.groups[0]
    expect(g.display).toBe('repo')
    expect(g.files.map((f) => f.path)).toEqual([
      '.github/actions/setup/action.yml',
      '.github/workflows/ci.yml',
      '.github/workflows/nested/deep.yaml'
    ])
    expect(g.statuses).toEqual([
      {
        path: '.github/workflows/link.yml',
        status: 'skipped',
        reason: 'a symbolic link: not followed'
      }
    ])
  })

  test('any other folder means every YAML file under it', () => {
    const r = collect(['loose'], dir)
    expect(r.groups).toHaveLength(1)
    expect(r.groups[0].files.map((f) => f.path)).toEqual(['a.yml', 'sub/b.yaml'])
    expect(r.groups[0].display).toBe('loose')
  })

  test('a file is read under the repository root it sits in', () => {
    const r = collect(['repo/docs/example.yml'], dir)
    expect(r.groups[0].display).toBe('repo')
    expect(r.groups[0].files.map((f) => f.path)).toEqual(['docs/example.yml'])
  })

  test('a glob matches YAML files; missing paths and empty globs are errors, not silence', () => {
    const r = collect(['loose/**/*.yaml', 'nope/x.yml', 'loose/*.json'], dir)
    expect(r.groups.flatMap((g) => g.files.map((f) => f.path))).toEqual(['sub/b.yaml'])
    expect(r.errors).toEqual([
      'nope/x.yml: no such file or folder',
      'loose/*.json: no file matches this pattern'
    ])
  })

  test('ignore patterns skip files with the reason', () => {
    const r = applyIgnore(collect(['repo'], dir), ['.github/workflows/nested/**'])
    expect(r.groups[0].statuses).toContainEqual({
      path: '.github/workflows/nested/deep.yaml',
      status: 'skipped',
      reason: 'matches an `ignore` pattern of the config'
    })
    expect(r.groups[0].files.map((f) => f.path)).not.toContain('.github/workflows/nested/deep.yaml')
  })
})

describe('reading files', () => {
  test('the root reader refuses paths outside the root, through .. or a symbolic link', () => {
    const read = rootReader(join(dir, 'repo'))
    expect(read('.github/workflows/ci.yml')).toBe('on: push\n')
    expect(read('../outside.yml')).toBeUndefined()
    expect(read('/etc/passwd')).toBeUndefined()
    expect(read('.github/workflows/link.yml')).toBeUndefined()
    expect(read('.github/missing.yml')).toBeUndefined()
  })

  test('the root reader: links inside the root are followed, folders and missing parts are not files', () => {
    const root = join(dir, 'linked')
    mkdirSync(join(root, 'real/actions/a'), { recursive: true })
    writeFileSync(join(root, 'real/actions/a/action.yml'), 'name: a\n')
    symlinkSync(join(root, 'real/actions/a/action.yml'), join(root, 'file-link.yml'))
    symlinkSync(join(root, 'real'), join(root, 'dir-link'))
    symlinkSync(join(dir, 'repo'), join(root, 'out-link'))
    const read = rootReader(root)
    expect(read('real/actions/a/action.yml')).toBe('name: a\n')
    expect(read('./real/actions/a/action.yml')).toBe('name: a\n')
    expect(read('file-link.yml')).toBe('name: a\n')
    expect(read('dir-link/actions/a/action.yml')).toBe('name: a\n')
    expect(read('out-link/.github/workflows/ci.yml')).toBeUndefined()
    expect(read('real/actions/a')).toBeUndefined()
    expect(read('real/actions/a/action.yaml')).toBeUndefined()
    expect(read('real/actions/a/action.yml/x')).toBeUndefined()
    expect(read('real/missing/action.yml')).toBeUndefined()
    expect(read('')).toBeUndefined()
    // a file written after the folder was listed is not seen by this reader (one listing per folder)
    writeFileSync(join(root, 'real/actions/a/action.yaml'), 'name: late\n')
    expect(read('real/actions/a/action.yaml')).toBeUndefined()
    expect(rootReader(root)('real/actions/a/action.yaml')).toBe('name: late\n')
  })

  test('decoding: BOM removed, NUL bytes and invalid UTF-8 skipped with the reason', () => {
    expect(decodeSource(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ text: 'a' })
    expect(decodeSource(new Uint8Array([0x61, 0x00, 0x62]))).toEqual({
      skipped: 'contains NUL bytes: a binary file, not YAML'
    })
    expect(decodeSource(new Uint8Array([0x61, 0xff, 0x62]))).toEqual({
      skipped: 'not valid UTF-8 text (workflows must be UTF-8)'
    })
  })

  test('a file over the size limit is skipped without being read', () => {
    write('big.yml', 'x'.repeat(3000))
    expect(readSourceFile(join(dir, 'big.yml'), 2048)).toEqual({
      skipped: '3 KiB is over the 2 KiB limit for one file'
    })
  })
})
