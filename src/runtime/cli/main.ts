/**
 * `ts-lambda`: run the Lambda functions of a synthesized CDK app locally,
 * and serve its HTTP APIs (authorizers included), with no Docker and no AWS
 * account. Works from a cloud assembly (`cdk.out`), or synthesizes one with
 * `--app`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Assembly, FunctionInfo, readAssembly, TRIGGER_EVENTS } from './assembly';
import { costReport, repeatStats } from './cost';
import { EMPTY_ENV_FILE, EnvFile, readEnvFile } from './env';
import { CliError } from './errors';
import { allEvents, CATALOG, eventsDir, SampleEvent, sampleEvent, SERVICES } from './events';
import { editDistance, findFunction, shortName } from './find';
import { defaultEvent, eventTypesHelp, generateEvent, sourceFor, Where } from './generate';
import { invokeOnChange } from './invoke-watch';
import { NEW_HELP, newCommand, TEMPLATES } from './new';
import { EmulatorRunner, RunResult, templateConcurrency, tenantProblem } from './runner';
import { serve } from './serve';
import { synthesize } from './synth';

/** Messages for people go to stderr. */
function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** One option of a command: what `parseArgs` needs, and a line of help. */
interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** may be given more than once (the values are a list) */
  readonly multiple?: boolean;
  /** e.g. `--event FILE, -e`: how it is shown in help */
  readonly shown: string;
  readonly help: string;
}

/** A `ts-lambda` command: its options, its help, and what it does. */
interface Command {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** The positional arguments, as shown in help (e.g. `<function> [-]`). */
  readonly args: string;
  readonly summary: string;
  /** Whether the assembly options (--assembly, --app, ...) apply. */
  readonly assembly: boolean;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** More help text after the options. */
  readonly more?: string;
  run(options: Options, positionals: string[]): Promise<number>;
}

/** The options every command that reads an assembly takes. */
const ASSEMBLY_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'assembly': { type: 'string', shown: '--assembly DIR', help: 'the cloud assembly to read (default: cdk.out)' },
  'app': { type: 'string', shown: '--app CMD', help: 'synthesize the app first with the cdk CLI (e.g. --app "npx tsx bin/app.ts")' },
  'env-file': { type: 'string', shown: '--env-file FILE', help: 'variables for the functions: dotenv, or JSON ({"KEY": "v"} or {"<function>": {"KEY": "v"}})' },
  'arch': { type: 'string', shown: '--arch arm64', help: 'run arm64 functions under qemu-user (with an arm64 Node.js) instead of natively' },
  'region': { type: 'string', shown: '--region REGION', help: 'AWS_REGION of the functions (default: us-east-1)' },
};

/** --concurrency, of invoke and serve. */
const CONCURRENCY_OPTION: OptionSpec = {
  type: 'string',
  shown: '--concurrency N',
  help: 'run N invocations at once per execution environment, as Lambda Managed Instances do (AWS_LAMBDA_MAX_CONCURRENCY); '
    + "default: the function's capacity provider, else 1",
};

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', shown: '--help, -h', help: 'help on this command' };

const INSPECT_OPTION: OptionSpec = {
  type: 'string', shown: '--inspect[=PORT]', help: 'Node.js functions wait for a debugger on 127.0.0.1:PORT (default 9229); the timeout is suspended while paused',
};
const JSON_OPTION: OptionSpec = { type: 'boolean', shown: '--json', help: 'print JSON' };
const EVENTS_DIR_OPTION: OptionSpec = { type: 'string', shown: '--events-dir DIR', help: 'your events (*.json, named after the file; default: ./events when it exists)' };

const FUNCTION_ARG = '<function> is a construct path (MyStack/Api/Handler), a logical id, or an unambiguous suffix of the path.';

/** Values of every option of every command (each command sees only its own). */
export interface Options {
  readonly [name: string]: string | boolean | string[] | undefined;
  readonly 'assembly'?: string;
  readonly 'app'?: string;
  readonly 'env-file'?: string;
  readonly 'arch'?: string;
  readonly 'region'?: string;
  readonly 'concurrency'?: string;
  readonly 'tenant-id'?: string;
  readonly 'event'?: string;
  readonly 'example'?: string;
  readonly 'events-dir'?: string;
  readonly 'set'?: string[];
  readonly 'repeat'?: string;
  readonly 'requests-per-month'?: string;
  readonly 'function'?: string;
  readonly 'json'?: boolean;
  readonly 'port'?: string;
  readonly 'host'?: string;
  readonly 'watch'?: boolean;
  readonly 'inspect'?: string;
  readonly 'inspect-brk'?: string;
  readonly 'template'?: string;
  readonly 'help'?: boolean;
}

/** All options of a command, assembly ones included. */
function optionsOf(command: Command): Record<string, OptionSpec> {
  return { ...(command.assembly ? ASSEMBLY_OPTIONS : {}), ...command.options, help: HELP_OPTION };
}

/** `--inspect` and `--inspect-brk` take an optional `=PORT`, which parseArgs cannot say. */
const INSPECT_DEFAULT_PORT = '9229';

function parse(command: Command, argv: string[]): { options: Options; positionals: string[] } {
  const specs = optionsOf(command);
  try {
    const { values, positionals } = parseArgs({
      args: argv.map((a) => (a === '--inspect' || a === '--inspect-brk' ? `${a}=${INSPECT_DEFAULT_PORT}` : a)),
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(Object.entries(specs).map(([name, o]) => [
        name,
        { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
      ])),
    });
    return { options: values as Options, positionals };
  } catch (err) {
    throw new CliError(`${(err as Error).message}\nRun \`ts-lambda ${command.name} --help\` for its options.`, 2);
  }
}

function optionLines(specs: Readonly<Record<string, OptionSpec>>): string[] {
  return Object.values(specs).map((o) => `  ${o.shown.padEnd(24)}${o.help}`);
}

/** The help of one command. */
function commandHelp(command: Command): string {
  const own = { ...command.options, help: HELP_OPTION };
  const lines = [`Usage: ts-lambda ${command.name}${command.args ? ` ${command.args}` : ''} [options]`, '', command.summary];
  if (command.aliases?.length) lines.push(`(also: ${command.aliases.join(', ')})`);
  lines.push('', 'Options:', ...optionLines(own));
  if (command.assembly) lines.push('', 'Assembly options:', ...optionLines(ASSEMBLY_OPTIONS));
  if (command.more) lines.push('', command.more);
  return `${lines.join('\n')}\n`;
}

/** The help of `ts-lambda` itself: every command in a line. */
function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args}`.length)) + 2;
  return [
    'Usage: ts-lambda <command> [options]',
    '',
    'Run the Lambda functions of a synthesized CDK app locally, no Docker, no AWS account.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${`${c.name} ${c.args}`.padEnd(width)}${c.summary}`),
    '',
    'Run `ts-lambda <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

/** The assembly to work from: synthesized first when --app is given. */
export async function loadAssembly(options: Options): Promise<Assembly> {
  const dir = resolve(options.assembly ?? 'cdk.out');
  if (options.app) await synthesize(options.app, dir, say);
  return readAssembly(dir);
}

function envFileOf(options: Options): EnvFile {
  return options['env-file'] ? readEnvFile(options['env-file']) : EMPTY_ENV_FILE;
}

function archOf(options: Options): 'arm64' | 'x86_64' | undefined {
  const arch = options.arch;
  if (arch === undefined) return undefined;
  if (arch === 'arm64' || arch === 'x86_64') return arch;
  if (arch === 'aarch64') return 'arm64';
  if (arch === 'x64' || arch === 'amd64') return 'x86_64';
  throw new CliError(`--arch ${arch}: use arm64 or x86_64`, 2);
}

function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return '-';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** --concurrency: a whole number from 1 to 1024, or undefined. */
export function concurrencyOf(options: Options): number | undefined {
  const text = options.concurrency;
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new CliError(`--concurrency ${text}: give a whole number from 1 to 1024`, 2);
  return n;
}

/** What `list` says about a function besides its columns: why it cannot run, settings not honoured, layers left out. */
function notesOf(f: FunctionInfo): string[] {
  if (f.unsupported) return [`not runnable: ${f.unsupported}`];
  const notes = [...(f.notes ?? [])];
  if (f.capacityProvider) notes.unshift(`capacity provider: ${templateConcurrency(f)} invocations at once per environment`);
  if (f.tenancy) notes.push('tenant isolation: invoke with --tenant-id');
  for (const layer of f.layers ?? []) if (layer.unsupported) notes.push(`layer ${layer.name} left out: ${layer.unsupported}`);
  return notes;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

async function list(options: Options): Promise<void> {
  const assembly = await loadAssembly(options);
  const fns = assembly.functions;
  if (options.json) {
    process.stdout.write(`${JSON.stringify(fns.map((f) => ({
      path: f.path,
      name: shortName(f, fns),
      logicalId: f.logicalId,
      stack: f.stack,
      runtime: f.runtime,
      architecture: f.architecture,
      handler: f.handler,
      assetSize: f.assetSize,
      codeDir: f.codeDir,
      memorySize: f.memorySize,
      timeout: f.timeout,
      supported: !f.unsupported,
      unsupported: f.unsupported,
      notes: notesOf(f),
      triggers: f.triggers,
      sources: f.sources,
      sampleEvent: f.triggers.map((t) => TRIGGER_EVENTS[t]).find((e) => e !== undefined),
    })), null, 2)}\n`);
    return;
  }
  if (fns.length === 0) {
    say(`ts-lambda: no Lambda functions in ${assembly.dir}`);
    return;
  }
  const rows = [['FUNCTION', 'LOGICAL ID', 'RUNTIME', 'ARCH', 'HANDLER', 'SIZE', 'TRIGGERS', 'NOTE']];
  for (const f of fns) {
    rows.push([
      f.path, f.logicalId, f.runtime || '-', f.architecture, f.handler || '-', formatSize(f.assetSize), f.triggers.join(',') || '-',
      notesOf(f).join('; '),
    ]);
  }
  process.stdout.write(`${table(rows)}\n`);
}

/** Region and account of generated events. */
function whereOf(options: Options): Where {
  return { region: options.region ?? 'us-east-1', account: '123456789012' };
}

/** `events new TYPE --set k=v ... [--function FN]`: a generated event on stdout. */
async function newEvent(options: Options, positionals: string[]): Promise<void> {
  const [type, ...extra] = positionals;
  if (!type) throw new CliError(`which type? \`ts-lambda events new TYPE\`; types:\n${eventTypesHelp()}`, 2);
  if (extra.length > 0) throw new CliError(`unexpected arguments: ${extra.join(' ')}`, 2);
  let source;
  if (options.function !== undefined) {
    const fn = findFunction(options.function, (await loadAssembly(options)).functions);
    source = sourceFor(fn.sources, type);
    say(source
      ? `ts-lambda: ${type} event of ${fn.path}'s trigger ${source.logicalId} (${source.name})`
      : `ts-lambda: ${fn.path} has no ${type} trigger${fn.sources.length ? ` (its triggers: ${fn.sources.map((s) => s.type).join(', ')})` : ''}; names left as in the catalog's event`);
  }
  const sets = options.set ?? [];
  process.stdout.write(`${JSON.stringify(generateEvent(type, sets, source, whereOf(options)), null, 2)}\n`);
}

function events(options: Options, name: string | undefined): void {
  const dir = eventsDir(options['events-dir']);
  if (name) {
    process.stdout.write(`${JSON.stringify(sampleEvent(name, dir).event(), null, 2)}\n`);
    return;
  }
  const all = allEvents(dir);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(all.map(({ name: n, file, service, description, response }) => ({ name: n, file, service, description, response })), null, 2)}\n`);
    return;
  }
  const groups: Array<[string, SampleEvent[]]> = [];
  if (dir) groups.push([`Your events (${dir})`, all.filter((e) => e.service === 'custom')]);
  for (const [key, title] of Object.entries(SERVICES)) groups.push([title, all.filter((e) => e.service === key)]);
  const out: string[] = [];
  for (const [title, group] of groups) {
    out.push(`${title} (${group.length})`);
    const rows = group.map((e) => [`  ${e.name}`, e.response ? `(a response, not an event) ${e.description}`.trim() : e.description]);
    out.push(table(rows));
    out.push('');
  }
  process.stdout.write(out.join('\n'));
  say(`${CATALOG.length} real payloads of ${Object.keys(SERVICES).length} services, from awslabs/aws-lambda-rust-runtime (MIT) and aws-powertools (MIT-0)`
    + `${dir ? `, and ${all.length - CATALOG.length} of yours` : ''}; `
    + 'print one with `ts-lambda events NAME`, send one with `ts-lambda invoke FN --example NAME`.');
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read the event from stdin: ${(err as Error).message}`);
  }
}

/** The event text of `invoke`, checked to be JSON; undefined when none is given. */
function eventOf(options: Options, positionals: string[]): string | undefined {
  const sources = [options.event !== undefined, options.example !== undefined, positionals.includes('-')].filter(Boolean).length;
  if (sources > 1) throw new CliError('give the event one way: --event FILE, --example NAME, or - (stdin)', 2);
  if (options.example !== undefined) return JSON.stringify(sampleEvent(options.example, eventsDir(options['events-dir'])).event());
  let text: string;
  let from: string;
  if (options.event === '-' || positionals.includes('-')) {
    text = readStdin();
    from = 'stdin';
  } else if (options.event !== undefined) {
    from = options.event;
    try {
      text = readFileSync(options.event, 'utf8');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new CliError(e.code === 'ENOENT' ? `event file not found: ${options.event}` : `cannot read the event file ${options.event}: ${e.message}`);
    }
  } else {
    return undefined;
  }
  try {
    JSON.parse(text);
  } catch (err) {
    throw new CliError(`the event from ${from} is not valid JSON: ${(err as Error).message}`);
  }
  return text;
}

async function invoke(options: Options, positionals: string[]): Promise<number> {
  const name = positionals.find((p) => p !== '-');
  if (!name) throw new CliError('which function? `ts-lambda invoke <function>` (`ts-lambda list` shows them)', 2);
  const extra = positionals.filter((p) => p !== '-' && p !== name);
  if (extra.length > 0) throw new CliError(`unexpected arguments: ${extra.join(' ')}`, 2);
  const given = eventOf(options, positionals);
  const repeat = positiveInteger(options, 'repeat');
  const requestsPerMonth = positiveInteger(options, 'requests-per-month') ?? 1_000_000;
  if (options['requests-per-month'] !== undefined && repeat === undefined) throw new CliError('--requests-per-month prices what --repeat N measures: give --repeat too', 2);
  if (options.watch) return invokeOnChange(options, () => invokeOnce(options, name, given, repeat, requestsPerMonth));
  return invokeOnce(options, name, given, repeat, requestsPerMonth);
}

async function invokeOnce(
  options: Options, name: string, given: string | undefined, repeat: number | undefined, requestsPerMonth: number,
): Promise<number> {
  const assembly = await loadAssembly(options);
  const fn: FunctionInfo = findFunction(name, assembly.functions);
  if (fn.unsupported) throw new CliError(`${fn.path} cannot run locally: ${fn.unsupported}`);
  const tenantId = options['tenant-id'];
  const problem = tenantProblem(fn, tenantId);
  if (problem) throw new CliError(problem, 2);
  const concurrency = concurrencyOf(options);
  if (concurrency !== undefined && concurrency > 1 && repeat !== undefined) throw new CliError('give --repeat or --concurrency, not both', 2);
  const runner = await EmulatorRunner.start({
    concurrency,
    all: assembly.functions,
    envFile: envFileOf(options),
    arch: archOf(options),
    region: options.region,
    inspect: inspectOf(options),
    onLog: (entry) => {
      if (!quiet) process.stderr.write(entry.text);
    },
    notice: say,
  });
  let quiet = false;
  try {
    runner.prepare(fn);
    say(`ts-lambda: invoking ${fn.path} (${fn.runtime}, ${fn.architecture}${archNote(fn, options)})`);
    let event = given;
    if (event === undefined) {
      const fallback = defaultEvent(fn, whereOf(options));
      say(`ts-lambda: ${fallback.note}`);
      event = JSON.stringify(fallback.event);
    }
    if (concurrency !== undefined && concurrency > 1) return await invokeConcurrently(runner, fn, event, concurrency, tenantId);
    // a streamed response is printed as it arrives (stdout's back-pressure holds the function)
    const result = await runner.invoke(fn, event, {
      tenantId,
      countXraySegments: true,
      onStream: {
        start: () => undefined,
        chunk: (data) => process.stdout.write(data),
        whenReady: (resume) => process.stdout.once('drain', resume),
      },
    });
    if (repeat !== undefined && result.ok) {
      return await repeatInvoke(runner, fn, event, result, repeat, requestsPerMonth, () => { quiet = true; }, tenantId);
    }
    const memory = result.maxMemoryUsedMB !== undefined ? `, max memory ${result.maxMemoryUsedMB} MB of ${result.memorySizeMB} MB` : '';
    const init = result.initDurationMs !== undefined ? ` (init ${result.initDurationMs.toFixed(1)} ms)` : '';
    printPayload(result);
    xrayNote(result);
    if (result.ok) {
      say(`ts-lambda: ${fn.path} returned in ${result.durationMs.toFixed(1)} ms${init}${memory}`);
      return 0;
    }
    let summary = result.errorType ?? 'Error';
    try {
      const doc = JSON.parse(result.payload.toString('utf8'));
      summary = `${doc.errorType ?? summary}: ${doc.errorMessage ?? ''}`;
    } catch {
      // not JSON; the payload is printed as it is
    }
    say(`ts-lambda: ${fn.path} failed after ${result.durationMs.toFixed(1)} ms${init}${memory}: ${summary}`);
    return 1;
  } finally {
    await runner.close();
  }
}

/**
 * `invoke --concurrency N`: the event N times at once into environments that
 * each run N invocations at once (one environment, once it is warm); one
 * result line each on stdout, in the order they were sent.
 */
async function invokeConcurrently(runner: EmulatorRunner, fn: FunctionInfo, event: string, n: number, tenantId: string | undefined): Promise<number> {
  say(`ts-lambda: sending the event ${n} times at once (AWS_LAMBDA_MAX_CONCURRENCY=${n})`);
  const results = await Promise.all(Array.from({ length: n }, () => runner.invoke(fn, event, { tenantId })));
  for (const result of results) process.stdout.write(`${result.payload.toString('utf8')}\n`);
  const failed = results.filter((r) => !r.ok).length;
  const slowest = Math.max(...results.map((r) => r.durationMs));
  say(`ts-lambda: ${fn.path}: ${n - failed} of ${n} returned, ${failed} failed; the slowest took ${slowest.toFixed(1)} ms`);
  return failed > 0 ? 1 : 0;
}

function inspectOf(options: Options): { port: number; brk: boolean } | undefined {
  const brk = options['inspect-brk'] !== undefined;
  if (brk && options.inspect !== undefined) throw new CliError('give --inspect or --inspect-brk, not both', 2);
  const text = options['inspect-brk'] ?? options.inspect;
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new CliError(`--inspect${brk ? '-brk' : ''}=${text}: give a port number from 0 to 65535`, 2);
  return { port: Number(text), brk };
}

/** An option that must be a whole number of at least 1, or undefined when not given. */
function positiveInteger(options: Options, name: 'repeat' | 'requests-per-month'): number | undefined {
  const text = options[name];
  if (text === undefined) return undefined;
  const n = Number(String(text).replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--${name} ${text}: give a whole number of at least 1`, 2);
  return n;
}

/**
 * `invoke --repeat N`: N - 1 more invocations after the first (cold) one, in
 * the same warm instance, with the logs of the first only; timings and the
 * cost estimate on stderr, the first result on stdout.
 */
async function repeatInvoke(
  runner: EmulatorRunner, fn: FunctionInfo, event: string, first: RunResult, repeat: number, requestsPerMonth: number, silence: () => void,
  tenantId?: string,
): Promise<number> {
  printPayload(first);
  xrayNote(first);
  if (repeat > 1) say(`ts-lambda: ${repeat - 1} more invocations (their logs are not shown)`);
  silence();
  const runs: RunResult[] = [first];
  for (let i = 1; i < repeat; i++) {
    const r = await runner.invoke(fn, event, { tenantId });
    if (!r.ok) {
      say(`ts-lambda: invocation ${i + 1} of ${repeat} failed: ${r.payload.toString('utf8')}`);
      return 1;
    }
    runs.push(r);
  }
  const arch = fn.architecture === 'arm64' ? 'arm64' : 'x86_64';
  for (const line of costReport(repeatStats(runs, first.memorySizeMB ?? fn.memorySize), arch, requestsPerMonth)) say(line);
  return 0;
}

/** What the stand-in X-Ray daemon received for an invocation (Active tracing); nothing when nothing came. */
function xrayNote(result: RunResult): void {
  if (!result.xraySegments || !result.traceId) return;
  const root = /Root=([^;]+)/.exec(result.traceId)?.[1] ?? result.traceId;
  say(`ts-lambda: X-Ray: ${result.xraySegments} segment${result.xraySegments === 1 ? '' : 's'} received for trace ${root} (not sent to AWS)`);
}

/** The result on stdout; a streamed one has already been written as it arrived. */
function printPayload(result: RunResult): void {
  if (!result.streamed) process.stdout.write(`${result.payload.toString('utf8')}\n`);
  else if (process.stdout.isTTY) process.stdout.write('\n');
}

function archNote(fn: FunctionInfo, options: Options): string {
  if (fn.architecture === 'arm64' && process.arch !== 'arm64' && fn.runtime.startsWith('nodejs')) {
    return options.arch === 'arm64' ? ', emulated with qemu' : `, run natively on ${process.arch}; --arch arm64 emulates arm64`;
  }
  return '';
}

const COMMANDS: readonly Command[] = [
  {
    name: 'list',
    aliases: ['ls'],
    args: '',
    summary: 'the Lambda functions of the assembly',
    assembly: true,
    options: { json: JSON_OPTION },
    run: async (options) => {
      await list(options);
      return 0;
    },
  },
  {
    name: 'invoke',
    args: '<function> [-]',
    summary: 'run a function with an event; result on stdout (streamed ones as they arrive), logs on stderr',
    assembly: true,
    options: {
      'event': { type: 'string', short: 'e', shown: '--event FILE, -e', help: "the event (JSON file; '-' reads stdin)" },
      'example': { type: 'string', shown: '--example NAME', help: 'an event of the catalog or of your events/ folder (see `ts-lambda events`)' },
      'events-dir': EVENTS_DIR_OPTION,
      'repeat': { type: 'string', shown: '--repeat N', help: 'invoke N times (the first cold): cold init, warm p50/p99, billed duration, peak memory, cost' },
      'requests-per-month': { type: 'string', shown: '--requests-per-month N', help: 'with --repeat: the monthly cost at N requests (default: 1000000)' },
      'concurrency': { ...CONCURRENCY_OPTION, help: `${CONCURRENCY_OPTION.help}; with N > 1 the event is sent N times at once, one result line each` },
      'tenant-id': { type: 'string', shown: '--tenant-id ID', help: 'the tenant of the call, for a function with tenant isolation (context.tenantId; serve: the X-Amz-Tenant-Id header)' },
      'watch': { type: 'boolean', shown: '--watch', help: 're-synthesize (needs --app) and invoke again with the same event when a source changes' },
      'inspect': INSPECT_OPTION,
      'inspect-brk': { type: 'string', shown: '--inspect-brk[=PORT]', help: "the same, stopped before the runtime client's first line" },
    },
    more: FUNCTION_ARG,
    run: (options, positionals) => invoke(options, positionals),
  },
  {
    name: 'events',
    args: '[NAME | new TYPE]',
    summary: 'list the event catalog (every service) and your events, print one, or generate one (new TYPE --set path=value)',
    assembly: false,
    options: {
      'json': JSON_OPTION,
      'events-dir': EVENTS_DIR_OPTION,
      'set': { type: 'string', multiple: true, shown: '--set PATH=VALUE', help: 'new: set a field (a shorthand of the type, or a path such as detail.id or Records[0].body); repeatable' },
      'function': { type: 'string', shown: '--function FN', help: "new: names and ARNs from that function's trigger of this type in the assembly" },
      'assembly': ASSEMBLY_OPTIONS.assembly,
      'app': ASSEMBLY_OPTIONS.app,
      'region': { ...ASSEMBLY_OPTIONS.region, help: 'new: the region of the event and its ARNs (default: us-east-1)' },
    },
    more: `Types of \`events new\` (shorthands of --set; values that parse as JSON are JSON):\n${eventTypesHelp()}`,
    run: async (options, positionals) => {
      const generating = positionals[0] === 'new';
      const notHere = generating ? ['json', 'events-dir'] : ['set', 'function', 'assembly', 'app', 'region'];
      const given = notHere.filter((o) => options[o] !== undefined);
      if (given.length > 0) {
        throw new CliError(`${given.map((o) => `--${o}`).join(', ')}: not an option of \`events ${generating ? 'new' : '[NAME]'}\` (\`ts-lambda events --help\`)`, 2);
      }
      if (generating) await newEvent(options, positionals.slice(1));
      else events(options, positionals[0]);
      return 0;
    },
  },
  {
    name: 'serve',
    args: '',
    summary: 'serve the HTTP APIs (and function URLs) of the assembly on localhost',
    assembly: true,
    options: {
      port: { type: 'string', short: 'p', shown: '--port N, -p', help: 'first port (default: 9000; 0 for any free port); one port per HTTP API' },
      host: { type: 'string', shown: '--host HOST', help: 'address to listen on (default: 127.0.0.1)' },
      watch: { type: 'boolean', shown: '--watch', help: 're-synthesize (needs --app) and reload when source files change' },
      concurrency: CONCURRENCY_OPTION,
      inspect: { ...INSPECT_OPTION, help: 'Node.js functions wait for a debugger, each on its own port from PORT (default 9229) up' },
    },
    run: (options) => serve(options, {
      loadAssembly: () => loadAssembly(options),
      envFile: envFileOf(options),
      arch: archOf(options),
      concurrency: concurrencyOf(options),
      inspect: inspectOf(options),
      say,
    }),
  },
  {
    name: 'new',
    args: '<dir>',
    summary: `write a ready CDK app into a new folder (templates: ${TEMPLATES.map((t) => t.name).join(', ')})`,
    assembly: false,
    options: {
      template: { type: 'string', short: 't', shown: '--template NAME, -t', help: 'the kind of app (default: http; the templates are below)' },
    },
    more: NEW_HELP,
    run: async (options, positionals) => newCommand(positionals, options.template, say),
  },
];

/** The command called `name` (or an alias), or a CliError with the closest names. */
function commandNamed(name: string): Command {
  const found = COMMANDS.find((c) => c.name === name || c.aliases?.includes(name));
  if (found) return found;
  const names = COMMANDS.map((c) => c.name);
  const closest = [...names].sort((a, b) => editDistance(name, a) - editDistance(name, b))[0];
  const hint = editDistance(name, closest) <= 2 ? ` Did you mean '${closest}'?` : '';
  throw new CliError(`unknown command '${name}'.${hint} Commands: ${names.join(', ')} (\`ts-lambda --help\`)`, 2);
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (first === '--help' || first === '-h') {
    process.stdout.write(usage());
    return 0;
  }
  if (first === 'help') {
    process.stdout.write(rest[0] ? commandHelp(commandNamed(rest[0])) : usage());
    return 0;
  }
  if (first.startsWith('-')) throw new CliError(`the command comes first: ts-lambda <command> ${first} ... (\`ts-lambda --help\` lists the commands)`, 2);
  const command = commandNamed(first);
  const { options, positionals } = parse(command, rest);
  if (options.help) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  return command.run(options, positionals);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      if (err instanceof CliError) {
        say(`ts-lambda: ${err.message}`);
        process.exitCode = err.exitCode;
      } else {
        say(`ts-lambda: unexpected error: ${(err as Error).stack ?? err}`);
        process.exitCode = 70;
      }
    },
  );
}
